// Every program that starts a child stops it when it ends: the console in demo mode (the path
// "Try the demo" takes too) and the console benchmark, on SIGTERM, on SIGINT, and on SIGKILL
// (where no destructor runs, the child follows its parent through PR_SET_PDEATHSIG).
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <optional>

class TestNoLeftovers : public QObject {
    Q_OBJECT

    // The state letter of a process from /proc/PID/stat, or nothing once it is gone. A zombie
    // ('Z') has ended; it waits only for a reaper.
    static std::optional<char> processState(qint64 pid)
    {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return std::nullopt;
        const QByteArray text = stat.readAll();
        const int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.size())
            return std::nullopt;
        return text.at(close + 2);
    }

    static bool running(qint64 pid)
    {
        const auto state = processState(pid);
        return state && *state != 'Z' && *state != 'X';
    }

    // The pid of the first child of parent running `name`, waiting up to timeoutMs for it.
    static qint64 childNamed(qint64 parent, const QByteArray& name, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs) {
            const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
            for (const QString& entry : entries) {
                bool numeric = false;
                const qint64 pid = entry.toLongLong(&numeric);
                if (!numeric)
                    continue;
                QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
                QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
                if (!comm.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly))
                    continue;
                // comm holds at most 15 characters of the name.
                if (!name.startsWith(comm.readAll().trimmed()))
                    continue;
                const QByteArray text = stat.readAll();
                const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
                if (fields.size() > 1 && fields.at(1).toLongLong() == parent)
                    return pid;
            }
            QTest::qWait(100);
        }
        return 0;
    }

    void startConsole(QProcess& console, const QTemporaryDir& home)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        console.setProcessEnvironment(env);
        console.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        console.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"),
                      {QStringLiteral("--demo"), QStringLiteral("--new-instance")});
        QVERIFY2(console.waitForStarted(10000), qPrintable(console.errorString()));
    }

    void stopsItsSimulatorOn(int signal)
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcess console;
        startConsole(console, home);
        const qint64 sim = childNamed(console.processId(), "bhiv-gateway-sim", 20000);
        QVERIFY2(sim > 0, "the demo console started no bhiv-gateway-sim");
        // A failing check still leaves nothing behind.
        const auto leftover = qScopeGuard([sim] {
            if (running(sim))
                ::kill(pid_t(sim), SIGKILL);
        });
        // Steady state first: the simulator has said all it says at start, the console polls.
        QTest::qWait(3000);
        QVERIFY(running(sim));
        ::kill(pid_t(console.processId()), signal);
        QVERIFY2(console.waitForFinished(15000), "the console did not end on the signal");
        QTRY_VERIFY2_WITH_TIMEOUT(!running(sim), "bhiv-gateway-sim outlived the console", 10000);
    }

private slots:
    void consoleDemoStopsItsSimulatorOnSigterm() { stopsItsSimulatorOn(SIGTERM); }
    void consoleDemoStopsItsSimulatorOnSigint() { stopsItsSimulatorOn(SIGINT); }
    void consoleDemoSimulatorFollowsAKilledConsole() { stopsItsSimulatorOn(SIGKILL); }

    // Registered only where the benchmarks are built (OPS_BENCH_CONSOLE_BINARY set).
    void benchStopsItsSimulatorOnSigterm()
    {
        const QString bench = qEnvironmentVariable("OPS_BENCH_CONSOLE_BINARY");
        QVERIFY2(!bench.isEmpty(), "OPS_BENCH_CONSOLE_BINARY is not set");
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(bench, {qEnvironmentVariable("OPS_SIM_BINARY"), QStringLiteral("--seconds"),
                              QStringLiteral("60")});
        QVERIFY2(process.waitForStarted(10000), qPrintable(process.errorString()));
        const qint64 sim = childNamed(process.processId(), "bhiv-gateway-sim", 20000);
        QVERIFY2(sim > 0, "the benchmark started no bhiv-gateway-sim");
        const auto leftover = qScopeGuard([sim] {
            if (running(sim))
                ::kill(pid_t(sim), SIGKILL);
        });
        QTest::qWait(3000);
        QVERIFY(running(sim));
        ::kill(pid_t(process.processId()), SIGTERM);
        QVERIFY2(process.waitForFinished(15000), "the benchmark did not end on SIGTERM");
        QTRY_VERIFY2_WITH_TIMEOUT(!running(sim), "bhiv-gateway-sim outlived the benchmark", 10000);
    }
};

QTEST_GUILESS_MAIN(TestNoLeftovers)
#include "TestNoLeftovers.moc"
