// The fault matrix (label faults): the real simulator (and the real bhiv-ops status --json)
// through each fault an operator meets. For each row: the state the console's monitor shows
// (what the status bar, dashboard and alert feed read), the state `bhiv-ops status --json`
// prints, no crash, no history lost (health kept, latency series never shrinks), and recovery at
// the first poll after the fault clears (the rig's backoff is capped at one interval, so within
// one interval). Model-level rows: keychain unavailable, notification daemon absent, SQLite disk
// full; and the real console (bhiv-ops, windowed, offscreen) run as an unprivileged user over a
// read-only alert and audit database. The matrix is printed as a table at the end (qInfo).
//
// This process runs with DBUS_SESSION_BUS_ADDRESS pointing nowhere (set in main): no keychain,
// no notification daemon, for it and for the bhiv-ops it starts.
#include "models/alerts/AlertStore.h"
#include "models/alerts/DesktopNotifier.h"
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/SecretStore.h"
#include "tests/support/CliRunner.h"
#include "tests/support/LatencySeries.h"
#include "tests/support/SelfSignedCertificate.h"
#include "tests/support/SimulatorProcess.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <limits>
#include <memory>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ops;

namespace {

constexpr int kIntervalMs = 500;
constexpr int kReadTimeoutMs = 1000;

struct MatrixRow {
    QString fault;
    QString console; // monitor state: detail
    QString cli;     // bhiv-ops status --json: state
    QString history;
    QString recovery;
};

QList<MatrixRow>& matrix()
{
    static QList<MatrixRow> rows;
    return rows;
}

QString shortText(const QString& s, int n = 60)
{
    const QString t = s.simplified();
    return t.size() > n ? t.left(n - 1) + QChar(0x2026) : t;
}

// Child: appends alert transitions under a file-size limit (a full disk, even for root), keeps
// appending while full (every append must fail cleanly), then lifts the limit and appends again.
// Prints each committed id, "full" at the first failure, "recovered" after the lift.
int runDiskFullWriter(const QString& path)
{
    std::signal(SIGXFSZ, SIG_IGN); // EFBIG instead of a signal
    AlertStore store(path);
    if (!store.open())
        return 2;
    AlertTransition t;
    t.rule = QStringLiteral("high_response_time");
    t.target = QStringLiteral("gw");
    t.comment = QString(2000, QLatin1Char('c'));
    const auto bytes = [&path] {
        return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
    };
    rlimit limit{};
    getrlimit(RLIMIT_FSIZE, &limit);
    const rlim_t original = limit.rlim_cur;
    limit.rlim_cur = static_cast<rlim_t>(bytes() + 256 * 1024);
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
        return 3;
    qint64 i = 0;
    for (;; ++i) {
        t.timeMs = 1'767'225'600'000 + i;
        const qint64 id = store.appendTransition(t);
        if (id <= 0)
            break;
        std::printf("%lld\n", static_cast<long long>(id));
        std::fflush(stdout);
        if (i > 100000)
            return 4; // the limit never bit
    }
    std::printf("full %s\n", qPrintable(store.errorString().simplified()));
    for (int k = 0; k < 20; ++k) {
        t.timeMs = 1'767'225'600'000 + ++i;
        if (store.appendTransition(t) > 0)
            std::printf("%s\n", "unexpected success while full");
    }
    limit.rlim_cur = original;
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
        return 5;
    std::printf("recovered\n");
    for (int k = 0; k < 20; ++k) {
        t.timeMs = 1'767'225'600'000 + ++i;
        const qint64 id = store.appendTransition(t);
        if (id <= 0)
            return 6;
        std::printf("%lld\n", static_cast<long long>(id));
    }
    std::fflush(stdout);
    return 0;
}

// Files and folders for the unprivileged console: uid/gid 65534 (nobody/nogroup).
constexpr uid_t kNobody = 65534;

bool chownTo(const QString& path, uid_t uid)
{
    return ::chown(QFile::encodeName(path).constData(), uid, uid) == 0;
}

bool chmodTo(const QString& path, mode_t mode)
{
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

QByteArray sha256Of(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

struct ChildRun {
    int exitCode = -1; // -1: crashed or did not finish
    QByteArray out;
    QByteArray err;
};

// Runs the real bhiv-ops as nobody (setpriv) when this test is root, who ignores file modes;
// as this user otherwise. home holds its HOME and XDG folders.
ChildRun runConsoleAs(const QString& home, const QStringList& arguments, int timeoutMs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home + QStringLiteral("/home"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/home/.cache"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/run"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("USER"), QStringLiteral("nobody"));
    const QString console = QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY"));
    QString program = console;
    QStringList args = arguments;
    if (::geteuid() == 0) {
        program = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
        args = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                           QStringLiteral("--clear-groups"), QStringLiteral("--")} +
               QStringList{console} + arguments;
    }
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(home + QStringLiteral("/home"));
    process.start(program, args);
    ChildRun run;
    if (!process.waitForStarted(10000))
        return run;
    if (!process.waitForFinished(timeoutMs))
        process.kill();
    process.waitForFinished(5000);
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace

class TestFaultMatrix : public QObject {
    Q_OBJECT

    struct Rig {
        test::SimulatorProcess sim;
        QNetworkAccessManager network;
        SystemClock clock;
        std::unique_ptr<Poller> poller;
        std::unique_ptr<TargetMonitor> monitor;
    };

    QTemporaryDir m_dir;
    QByteArray m_certSha256;
    test::CliRunner m_cli;

    static PollerOptions rigOptions(const QUrl& url)
    {
        PollerOptions o;
        o.baseUrl = url;
        o.intervalMs = kIntervalMs;
        o.readTimeoutMs = kReadTimeoutMs;
        o.wakeTimeoutMs = kReadTimeoutMs;
        o.connectTimeoutMs = 2000;
        // maxBackoffMs as the console has it by default: failures retry every interval.
        o.maxBodyBytes = 2 * 1024 * 1024;
        return o;
    }

    bool startRig(Rig& rig, const QStringList& simArgs = {}, const QByteArray& trusted = {})
    {
        if (!rig.sim.start(QStringList{QStringLiteral("--dialect"), QStringLiteral("plan"),
                                       QStringLiteral("--seed"), QStringLiteral("7")} +
                           simArgs))
            return false;
        PollerOptions o = rigOptions(rig.sim.url());
        o.trustedCertSha256 = trusted;
        rig.poller = std::make_unique<Poller>(&rig.network, &rig.clock, o);
        rig.monitor = std::make_unique<TargetMonitor>(rig.poller.get(), &rig.clock);
        rig.poller->start();
        return true;
    }

    QStringList tlsArgs() const
    {
        return {QStringLiteral("--tls-cert"), m_dir.filePath(QStringLiteral("sim.pem")),
                QStringLiteral("--tls-key"), m_dir.filePath(QStringLiteral("sim.key"))};
    }

    // bhiv-ops status --url URL --json: the state it prints (and the whole object).
    QString cliState(const QUrl& url, QJsonObject* object = nullptr, int* exitCode = nullptr)
    {
        const auto run = m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                                    url.toString(), QStringLiteral("--json"),
                                    QStringLiteral("--timeout"), QStringLiteral("1.5")});
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        if (object)
            *object = o;
        if (exitCode)
            *exitCode = run.exitCode;
        // The exit-code table: 0 up, 1 a check failed, 2 could not run, 4 authentication.
        const QString state = o.value(QStringLiteral("state")).toString();
        const bool authExit = run.exitCode == 4 && state == QStringLiteral("auth_failed");
        if (run.exitCode < 0 || (run.exitCode > 2 && !authExit))
            return QStringLiteral("crashed/failed (exit %1)").arg(run.exitCode);
        return state;
    }

    static QString shown(const TargetMonitor& m)
    {
        const QString detail = m.stateDetail();
        return connectionStateName(m.state()) +
               (detail.isEmpty() ? QString() : QStringLiteral(": ") + shortText(detail, 48));
    }

    // Waits for the first poll after now; true when it reports `state`. *ms: how long it took.
    static bool nextPollIs(Rig& rig, ConnectionState state, qint64* ms)
    {
        QElapsedTimer timer;
        timer.start();
        QSignalSpy finished(rig.poller.get(), &Poller::pollFinished);
        // A poll already in flight when the fault cleared may still report the fault: the one
        // after it is the first that saw the cleared gateway.
        for (int polls = 0; polls < 2; ++polls) {
            if (!finished.wait(kIntervalMs + kReadTimeoutMs + 3000))
                return false;
            if (rig.monitor->state() == state) {
                *ms = timer.elapsed();
                return true;
            }
            finished.clear();
        }
        *ms = timer.elapsed();
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toLocal8Bit());
        // The CLI took its environment before this: it keeps its targets here too, never in
        // the user's own configuration.
        m_cli.environment().insert(QStringLiteral("XDG_CONFIG_HOME"),
                                   m_dir.filePath(QStringLiteral("config")));
        m_cli.environment().insert(QStringLiteral("XDG_DATA_HOME"),
                                   m_dir.filePath(QStringLiteral("data")));
        m_certSha256 = test::makeSelfSignedCertificate(m_dir.path(), QStringLiteral("sim"));
        QVERIFY2(m_certSha256.size() == 32, "openssl could not make a certificate");
    }

    void gatewayFaults_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<ConnectionState>("expected");
        QTest::addColumn<QString>("detailHas");
        QTest::newRow("5xx (HTTP 500)")
            << QByteArray(R"({"force_status": 500})") << ConnectionState::Error << "500";
        QTest::newRow("429 with Retry-After 1")
            << QByteArray(R"({"force_status": 429, "retry_after": 1})")
            << ConnectionState::RateLimited << "";
        QTest::newRow("auth failure (401)")
            << QByteArray(R"({"force_status": 401})") << ConnectionState::AuthFailed << "";
        QTest::newRow("hang") << QByteArray(R"({"hang": true})") << ConnectionState::Timeout << "";
        QTest::newRow("slow answer (2 s, read timeout 1 s)")
            << QByteArray(R"({"latency_ms": 2000})") << ConnectionState::Timeout << "";
        QTest::newRow("slow answer (300 ms, under the timeout)")
            << QByteArray(R"({"latency_ms": 300})") << ConnectionState::Up << "";
        // Status and headers at once, then the body in 20 chunks spread over the time: bytes
        // keep arriving, so only a deadline on the whole answer (not an idle timeout reset by
        // each chunk) catches it.
        QTest::newRow("slow body (trickled over 2.5 s, read timeout 1 s)")
            << QByteArray(R"({"slow_body_ms": 2500})") << ConnectionState::Timeout << "";
        QTest::newRow("slow body (trickled over 300 ms, under the timeout)")
            << QByteArray(R"({"slow_body_ms": 300})") << ConnectionState::Up << "";
        QTest::newRow("malformed JSON (/health)")
            << QByteArray(R"({"malformed": true, "paths": ["/health"]})")
            << ConnectionState::BadResponse << "health";
        // Malformed lines are skipped, counted and said (metrics_problem); the rest is charted.
        QTest::newRow("malformed metrics (/metrics)")
            << QByteArray(R"({"malformed": true, "paths": ["/metrics"]})") << ConnectionState::Up
            << "";
        // Over the rig's 2 MB cap and over the CLI's default 16 MB cap.
        QTest::newRow("oversized body (17 MB)")
            << QByteArray(R"({"oversized_mb": 17})") << ConnectionState::BadResponse << "larger";
        QTest::newRow("component down") << QByteArray(R"({"components": {"database": "down"}})")
                                        << ConnectionState::Degraded << "database";
        QTest::newRow("counters reset")
            << QByteArray(R"({"reset_counters": true})") << ConnectionState::Up << "";
    }

    void gatewayFaults()
    {
        QFETCH(QByteArray, fault);
        QFETCH(ConnectionState, expected);
        QFETCH(QString, detailHas);
        Rig rig;
        QVERIFY2(startRig(rig), qPrintable(rig.sim.error()));
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) >= 2, 8000);
        const qsizetype before = test::latencyPointCount(*rig.monitor);

        QCOMPARE(rig.sim.setFaults(fault), 200);
        QSignalSpy finished(rig.poller.get(), &Poller::pollFinished);
        const bool trickled = QByteArray(QTest::currentDataTag()).startsWith("slow body");
        QString trickleNote;
        if (expected == ConnectionState::Up) {
            // Faults the console rides through: two polls later it is still up.
            QVERIFY(finished.wait(8000));
            QVERIFY(finished.wait(8000));
            QCOMPARE(rig.monitor->state(), ConnectionState::Up);
            if (trickled) {
                // The second poll saw the whole trickle: slow, complete and parsed.
                const PollResult r = finished.last().first().value<PollResult>();
                QCOMPARE(r.state, ConnectionState::Up);
                QVERIFY(r.health.has_value());
                QVERIFY2(r.healthLatencyMs >= 250, qPrintable(QString::number(r.healthLatencyMs)));
                QVERIFY(r.metricsHttpStatus == 200 && !r.metricsBody.isEmpty());
                QVERIFY2(rig.monitor->metricsProblem().isEmpty(),
                         qPrintable(rig.monitor->metricsProblem()));
                QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) > before, 4000);
                trickleNote = QStringLiteral(" (/health in %1 ms, %2 B of metrics parsed)")
                                  .arg(r.healthLatencyMs)
                                  .arg(r.metricsBody.size());
            }
        } else {
            QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), expected, 8000);
        }
        QVERIFY2(rig.monitor->stateDetail().contains(detailHas),
                 qPrintable(rig.monitor->stateDetail()));
        const bool badLines = QByteArray(QTest::currentDataTag()).startsWith("malformed metrics");
        if (badLines)
            QTRY_VERIFY_WITH_TIMEOUT(
                rig.monitor->metricsProblem().contains(QStringLiteral("malformed")), 4000);
        QString console = shown(*rig.monitor) + trickleNote;
        if (badLines)
            console += QStringLiteral(" (") + shortText(rig.monitor->metricsProblem(), 40) + u')';
        QJsonObject status;
        QString cli = cliState(rig.sim.url(), &status);
        QCOMPARE(cli, connectionStateName(expected));
        if (badLines) {
            const QString problem = status.value(QStringLiteral("metrics_problem")).toString();
            QVERIFY2(problem.contains(QStringLiteral("malformed")), qPrintable(problem));
            cli += QStringLiteral(" + metrics_problem");
        }
        // Nothing known is thrown away: the last health stays shown, the series never shrinks,
        // and every latency point is a real one (a counter reset gives no negative rate).
        QVERIFY(rig.monitor->hasHealth());
        QVERIFY(test::latencyPointCount(*rig.monitor) >= before);
        for (const StorePoint& p : test::latencyPoints(*rig.monitor))
            QVERIFY2(p.v >= 0 && p.v < 60, qPrintable(QString::number(p.v)));

        QCOMPARE(rig.sim.clearFaults(), 200);
        qint64 recoveredMs = 0;
        QVERIFY2(nextPollIs(rig, ConnectionState::Up, &recoveredMs),
                 qPrintable(shown(*rig.monitor)));
        const qsizetype after = test::latencyPointCount(*rig.monitor);
        QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) > after, 4000);
        matrix().append({QString::fromUtf8(QTest::currentDataTag()), console, cli,
                         QStringLiteral("kept (%1 -> %2 points)")
                             .arg(before)
                             .arg(test::latencyPointCount(*rig.monitor)),
                         QStringLiteral("up after %1 ms").arg(recoveredMs)});
    }

    void gatewayDown()
    {
        Rig rig;
        QVERIFY2(startRig(rig), qPrintable(rig.sim.error()));
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) >= 2, 8000);
        const qsizetype before = test::latencyPointCount(*rig.monitor);
        const QUrl url = rig.sim.url();
        rig.sim.stop();
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Unreachable, 8000);
        const QString console = shown(*rig.monitor);
        const QString cli = cliState(url);
        QCOMPARE(cli, QStringLiteral("unreachable"));
        QVERIFY(rig.monitor->hasHealth());
        QCOMPARE(test::latencyPointCount(*rig.monitor), before);
        QTRY_VERIFY_WITH_TIMEOUT(rig.monitor->isDataStale(), 4000);

        // The gateway comes back on the same port.
        test::SimulatorProcess again;
        QVERIFY2(again.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--port"), QString::number(url.port())}),
                 qPrintable(again.error()));
        QCOMPARE(again.url(), url);
        qint64 recoveredMs = 0;
        QVERIFY2(nextPollIs(rig, ConnectionState::Up, &recoveredMs),
                 qPrintable(shown(*rig.monitor)));
        QVERIFY(!rig.monitor->isDataStale());
        QVERIFY(test::latencyPointCount(*rig.monitor) >= before);
        matrix().append({QStringLiteral("gateway down (process stopped)"), console, cli,
                         QStringLiteral("kept (%1 points), marked stale").arg(before),
                         QStringLiteral("up after %1 ms").arg(recoveredMs)});
    }

    void unknownHost()
    {
        Rig rig;
        QVERIFY2(startRig(rig), qPrintable(rig.sim.error()));
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up, 8000);
        const qsizetype before = test::latencyPointCount(*rig.monitor);
        PollerOptions o = rig.poller->options();
        const QUrl good = o.baseUrl;
        o.baseUrl = QUrl(QStringLiteral("http://gateway.invalid:8000"));
        o.allowPlainHttp = true;
        rig.poller->setOptions(o);
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Unreachable, 8000);
        const QString console = shown(*rig.monitor);
        QStringList args{QStringLiteral("status"), QStringLiteral("--url"),
                         o.baseUrl.toString(),     QStringLiteral("--allow-http"),
                         QStringLiteral("--json"), QStringLiteral("--timeout"),
                         QStringLiteral("1.5")};
        const auto run = m_cli.run(args);
        QCOMPARE(run.exitCode, 2);
        const QString cli =
            QJsonDocument::fromJson(run.out).object().value(QStringLiteral("state")).toString();
        QCOMPARE(cli, QStringLiteral("unreachable"));
        QVERIFY(rig.monitor->hasHealth());
        QVERIFY(test::latencyPointCount(*rig.monitor) >= before);
        o.baseUrl = good;
        rig.poller->setOptions(o);
        qint64 recoveredMs = 0;
        QVERIFY2(nextPollIs(rig, ConnectionState::Up, &recoveredMs),
                 qPrintable(shown(*rig.monitor)));
        matrix().append({QStringLiteral("unknown host"), console, cli, QStringLiteral("kept"),
                         QStringLiteral("up %1 ms after the URL is fixed").arg(recoveredMs)});
    }

    void tlsError()
    {
        Rig rig;
        QVERIFY2(startRig(rig, tlsArgs()), qPrintable(rig.sim.error()));
        QCOMPARE(rig.sim.url().scheme(), QStringLiteral("https"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Error, 8000);
        QVERIFY2(rig.monitor->stateDetail().contains(QStringLiteral("TLS")),
                 qPrintable(rig.monitor->stateDetail()));
        QVERIFY(!rig.monitor->hasHealth());
        const QString console = shown(*rig.monitor);
        const QString cli = cliState(rig.sim.url());
        QCOMPARE(cli, QStringLiteral("error"));
        // The operator trusts the certificate by its SHA-256: up at the next poll.
        PollerOptions o = rig.poller->options();
        o.trustedCertSha256 = m_certSha256;
        rig.poller->setOptions(o);
        qint64 recoveredMs = 0;
        QVERIFY2(nextPollIs(rig, ConnectionState::Up, &recoveredMs),
                 qPrintable(shown(*rig.monitor)));
        matrix().append({QStringLiteral("TLS error (self-signed)"), console, cli,
                         QStringLiteral("none yet (never answered)"),
                         QStringLiteral("up %1 ms after trusting it").arg(recoveredMs)});
    }

    void httpsToHttpRedirect()
    {
        Rig rig;
        QVERIFY2(startRig(rig, tlsArgs(), m_certSha256), qPrintable(rig.sim.error()));
        rig.sim.setIgnoreTlsErrors(true);
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) >= 2, 8000);
        const qsizetype before = test::latencyPointCount(*rig.monitor);
        QUrl http = rig.sim.url();
        http.setScheme(QStringLiteral("http"));
        QCOMPARE(rig.sim.setFaults(
                     QJsonDocument(QJsonObject{{QStringLiteral("redirect_to"), http.toString()}})
                         .toJson()),
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Error, 8000);
        QVERIFY2(rig.monitor->stateDetail().contains(QStringLiteral("https to plain http")),
                 qPrintable(rig.monitor->stateDetail()));
        const QString console = shown(*rig.monitor);
        // The CLI has no trust for the self-signed certificate: it stops at TLS, still an error.
        const QString cli = cliState(rig.sim.url());
        QCOMPARE(cli, QStringLiteral("error"));
        QVERIFY(rig.monitor->hasHealth());
        QVERIFY(test::latencyPointCount(*rig.monitor) >= before);
        QCOMPARE(rig.sim.clearFaults(), 200);
        qint64 recoveredMs = 0;
        QVERIFY2(nextPollIs(rig, ConnectionState::Up, &recoveredMs),
                 qPrintable(shown(*rig.monitor)));
        matrix().append({QStringLiteral("https -> http redirect"), console,
                         cli + QStringLiteral(" (TLS)"), QStringLiteral("kept"),
                         QStringLiteral("up after %1 ms").arg(recoveredMs)});
    }

    void keychainUnavailable()
    {
        // No session bus at all: the keychain answers with an error value, never a crash and
        // never a file fallback.
        KeychainSecretStore secrets;
        const QByteArray secret = "fault-matrix-secret-7f3a";
        SecretResult written;
        bool writeDone = false;
        secrets.write(QStringLiteral("fault-matrix"), secret, [&](const SecretResult& r) {
            written = r;
            writeDone = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(writeDone, 30000);
        QVERIFY(!written.ok());
        SecretResult read;
        bool readDone = false;
        secrets.read(QStringLiteral("fault-matrix"), [&](const SecretResult& r) {
            read = r;
            readDone = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(readDone, 30000);
        QVERIFY(!read.ok());
        QVERIFY(read.value.isEmpty());
        QVERIFY(!secretErrorMessage(read.error).isEmpty());
        QVERIFY(test::filesContaining(m_dir.path(), secret).isEmpty());
        QVERIFY(test::filesContaining(QDir::homePath(), secret).isEmpty());

        // The CLI with a saved target: it says the key is unavailable and polls without it.
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(sim.error()));
        auto run = m_cli.run({QStringLiteral("targets"), QStringLiteral("add"),
                              QStringLiteral("fm"), QStringLiteral("--url"), sim.url().toString()});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        run =
            m_cli.run({QStringLiteral("status"), QStringLiteral("--target"), QStringLiteral("fm"),
                       QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("3")});
        const QString cli =
            QJsonDocument::fromJson(run.out).object().value(QStringLiteral("state")).toString();
        QVERIFY2(run.exitCode == 0 || run.exitCode == 1, run.out + run.err);
        QCOMPARE(cli, QStringLiteral("up"));
        QVERIFY2(run.err.contains("without the API key"), run.err.constData());
        matrix().append({QStringLiteral("keychain unavailable"),
                         QStringLiteral("secret error: ") + secretErrorName(read.error),
                         cli + QStringLiteral(" (\"polling without the API key\")"),
                         QStringLiteral("n/a"), QStringLiteral("n/a (no file fallback)")});
    }

    void notificationDaemonAbsent()
    {
        DesktopNotifier notifier;
        QSignalSpy fallback(&notifier, &DesktopNotifier::fallback);
        AlertNotice notice;
        notice.key = {QStringLiteral("high_response_time"), QStringLiteral("gw")};
        notice.kind = QStringLiteral("firing");
        notice.title = QStringLiteral("High response time");
        notice.body = QStringLiteral("p95 2.1 s > 1 s");
        notifier.send(notice);
        QTRY_COMPARE_WITH_TIMEOUT(fallback.size(), 1, 10000);
        QCOMPARE(fallback.first().first().value<AlertNotice>().title, notice.title);
        QVERIFY(!notifier.isConnected());
        matrix().append({QStringLiteral("notification daemon absent"),
                         QStringLiteral("falls back (tray balloon) for the notice"),
                         QStringLiteral("n/a"), QStringLiteral("n/a"), QStringLiteral("n/a")});
    }

    void sqliteDiskFull()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--disk-full-writer"), path});
        QVERIFY(child.waitForFinished(60000));
        const QByteArray out = child.readAllStandardOutput();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
                 qPrintable(QStringLiteral("exit %1: %2")
                                .arg(child.exitCode())
                                .arg(QString::fromUtf8(out.right(400)))));
        QVERIFY(!out.contains("unexpected success"));
        QList<qint64> committed;
        QString fullError;
        bool full = false;
        bool recovered = false;
        for (const QByteArray& line : out.split('\n')) {
            if (line.startsWith("full")) {
                full = true;
                fullError = QString::fromUtf8(line.mid(5));
            } else if (line == "recovered") {
                recovered = true;
            } else if (!line.isEmpty()) {
                committed << line.toLongLong();
            }
        }
        QVERIFY(full && recovered);
        QVERIFY2(!fullError.isEmpty(), "the store reports why it failed");
        QVERIFY(committed.size() > 20);

        // Nothing committed was lost, and the file is sound.
        AlertStore store(path);
        QVERIFY2(store.open(), qPrintable(store.errorString()));
        QVERIFY(store.recoveryNotice().isEmpty());
        QSet<qint64> ids;
        for (const AlertTransition& t :
             store.transitionsBetween(0, std::numeric_limits<qint64>::max()))
            ids.insert(t.id);
        for (qint64 id : committed)
            QVERIFY2(ids.contains(id), qPrintable(QString::number(id)));
        matrix().append({QStringLiteral("SQLite disk full (RLIMIT_FSIZE)"),
                         QStringLiteral("append fails: ") + shortText(fullError, 40),
                         QStringLiteral("n/a"),
                         QStringLiteral("%1 committed rows all kept").arg(committed.size()),
                         QStringLiteral("appends again once space is back")});
    }

    // The alert history and audit log read-only (chmod 555 folder, 444 files; the console run
    // as nobody, since root ignores modes): the windowed console starts, monitors, shows what
    // the databases hold and says they are read-only; nothing stored changes; after a restart
    // with them writable again it writes to them.
    void sqliteReadOnly()
    {
        if (::geteuid() == 0)
            QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty(),
                     "setpriv (util-linux) is missing: scripts/install-deps --test installs it");
        Rig rig;
        QVERIFY2(startRig(rig), qPrintable(rig.sim.error()));
        const QString target = rig.sim.url().toString();
        QTemporaryDir base;
        QVERIFY(base.isValid());
        const QString root = base.path();
        QVERIFY(chmodTo(root, 0755));
        for (const char* sub : {"home", "home/.cache", "config", "run", "out"}) {
            const QString dir = root + u'/' + QLatin1String(sub);
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(chmodTo(dir, 0700));
            if (::geteuid() == 0)
                QVERIFY(chownTo(dir, kNobody));
        }
        const QString appDir = root + QStringLiteral("/data/BHIV/bhiv-ops");
        QVERIFY(QDir().mkpath(appDir));
        for (const QString& dir :
             {root + QStringLiteral("/data"), root + QStringLiteral("/data/BHIV"), appDir})
            QVERIFY(chmodTo(dir, 0755));
        const QString alertsPath = appDir + QStringLiteral("/alerts.sqlite");
        const QString auditPath = appDir + QStringLiteral("/audit.sqlite");

        // What an earlier run stored: history, an acknowledged firing alert, audit rows.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<qint64> seeded;
        {
            AlertStore store(alertsPath);
            QVERIFY2(store.open(), qPrintable(store.errorString()));
            AlertTransition t;
            t.rule = QStringLiteral("high_response_time");
            t.target = target;
            t.kind = TransitionKind::State;
            t.from = AlertState::Normal;
            t.to = AlertState::Pending;
            t.timeMs = now - 120'000;
            seeded << store.appendTransition(t);
            t.from = AlertState::Pending;
            t.to = AlertState::Firing;
            t.timeMs = now - 100'000;
            seeded << store.appendTransition(t);
            t.kind = TransitionKind::Ack;
            t.from = t.to = AlertState::Firing;
            t.author = QStringLiteral("ops-oncall");
            t.comment = QStringLiteral("looking at it");
            t.timeMs = now - 90'000;
            seeded << store.appendTransition(t);
            QVERIFY(!seeded.contains(0));
            AlertStatus status;
            status.key = {QStringLiteral("high_response_time"), target};
            status.severity = AlertSeverity::Critical;
            status.state = AlertState::Firing;
            status.sinceMs = status.activeSinceMs = status.firingSinceMs = now - 100'000;
            status.episodeFiring = true;
            status.value = 2.5;
            status.threshold = 1.0;
            status.ack = Acknowledgement{t.author, t.comment, t.timeMs, 0};
            QVERIFY(store.saveStatus(status));
            AuditLog audit(auditPath);
            QVERIFY2(audit.open(), qPrintable(audit.errorString()));
            for (int i = 0; i < 2; ++i) {
                AuditEntry e;
                e.timeMs = now - 80'000 + i;
                e.actor = QStringLiteral("ops-oncall");
                e.target = target;
                e.action = QStringLiteral("workflow.launch");
                e.subject = QStringLiteral("candidate_screening");
                e.result = QStringLiteral("ok");
                QVERIFY(audit.append(e));
            }
        }
        for (const QString& db : {alertsPath, auditPath}) {
            QVERIFY2(!QFileInfo::exists(db + QStringLiteral("-wal")), qPrintable(db));
            QVERIFY(chmodTo(db, 0444));
        }
        QVERIFY(chmodTo(appDir, 0555));
        const QByteArray alertsHash = sha256Of(alertsPath);
        const QByteArray auditHash = sha256Of(auditPath);

        // The console over them: it must start, poll, say so, and quit after its screenshot.
        const QString shot = root + QStringLiteral("/out/read-only.png");
        const QStringList consoleArgs{QStringLiteral("--url"),
                                      target,
                                      QStringLiteral("--interval"),
                                      QStringLiteral("0.5"),
                                      QStringLiteral("--page"),
                                      QStringLiteral("Alerts"),
                                      QStringLiteral("--screenshot-delay"),
                                      QStringLiteral("3"),
                                      QStringLiteral("--screenshot")};
        const ChildRun ro = runConsoleAs(root, consoleArgs + QStringList{shot}, 60000);
        const QString roErr = QString::fromLocal8Bit(ro.err);
        QVERIFY2(ro.exitCode == 0,
                 qPrintable(QStringLiteral("exit %1: %2").arg(ro.exitCode).arg(roErr.right(1500))));
        QVERIFY2(QFileInfo(shot).size() > 0, "no screenshot: the console never had data");
        QVERIFY2(roErr.contains(QStringLiteral("alerts.sqlite is read-only")), qPrintable(roErr));
        QVERIFY2(roErr.contains(QStringLiteral("audit.sqlite is read-only")), qPrintable(roErr));
        QVERIFY2(!roErr.contains(QStringLiteral("set aside")), qPrintable(roErr));
        // status --json as the same user, over the same folders: monitoring is unaffected.
        const ChildRun status = runConsoleAs(root,
                                             {QStringLiteral("status"), QStringLiteral("--url"),
                                              target, QStringLiteral("--json"),
                                              QStringLiteral("--timeout"), QStringLiteral("3")},
                                             30000);
        const QString cli =
            QJsonDocument::fromJson(status.out).object().value(QStringLiteral("state")).toString();
        QCOMPARE(cli, QStringLiteral("up"));
        // Nothing stored changed: the files are byte for byte what they were.
        QCOMPARE(sha256Of(alertsPath), alertsHash);
        QCOMPARE(sha256Of(auditPath), auditHash);
        QStringList companions = QDir(appDir).entryList(QDir::Files);
        companions.sort();
        QCOMPARE(companions,
                 (QStringList{QStringLiteral("alerts.sqlite"), QStringLiteral("audit.sqlite")}));

        // The folder writable, the files still read-only: read-only again, and no -wal/-shm is
        // left behind (read-only leftovers would keep them read-only once they are writable).
        QVERIFY(chmodTo(appDir, 0777));
        const ChildRun ro2 = runConsoleAs(
            root, consoleArgs + QStringList{root + QStringLiteral("/out/ro2.png")}, 60000);
        const QString ro2Err = QString::fromLocal8Bit(ro2.err);
        QVERIFY2(ro2.exitCode == 0, qPrintable(ro2Err.right(1500)));
        QVERIFY2(ro2Err.contains(QStringLiteral("alerts.sqlite is read-only")), qPrintable(ro2Err));
        QCOMPARE(sha256Of(alertsPath), alertsHash);
        QCOMPARE(sha256Of(auditPath), auditHash);
        // The incident event store may begin now that the folder is writable (a store of its
        // own); the read-only files get no -wal/-shm beside them.
        QStringList after = QDir(appDir).entryList(QDir::Files, QDir::Name);
        after.removeIf([](const QString& name) { return name.startsWith(u"events.sqlite"); });
        QCOMPARE(after, companions);

        // Writable again (owned by the console's user): after a restart it writes.
        QVERIFY(chmodTo(appDir, 0755));
        for (const QString& path : {appDir, alertsPath, auditPath}) {
            if (::geteuid() == 0)
                QVERIFY(chownTo(path, kNobody));
        }
        QVERIFY(chmodTo(alertsPath, 0644) && chmodTo(auditPath, 0644));
        const QString shot2 = root + QStringLiteral("/out/writable.png");
        const ChildRun rw = runConsoleAs(root, consoleArgs + QStringList{shot2}, 60000);
        const QString rwErr = QString::fromLocal8Bit(rw.err);
        QVERIFY2(rw.exitCode == 0,
                 qPrintable(QStringLiteral("exit %1: %2").arg(rw.exitCode).arg(rwErr.right(1500))));
        QVERIFY2(!rwErr.contains(QStringLiteral("read-only")), qPrintable(rwErr));
        qint64 rows = 0;
        {
            AlertStore store(alertsPath);
            QVERIFY2(store.open(), qPrintable(store.errorString()));
            QVERIFY(!store.isReadOnly());
            QSet<qint64> ids;
            for (const AlertTransition& t :
                 store.transitionsBetween(0, std::numeric_limits<qint64>::max()))
                ids.insert(t.id);
            for (qint64 id : std::as_const(seeded))
                QVERIFY2(ids.contains(id), qPrintable(QString::number(id)));
            rows = ids.size();
            QVERIFY2(rows > seeded.size(), "the restarted console wrote no alert history");
            AuditLog audit(auditPath);
            QVERIFY2(audit.open(), qPrintable(audit.errorString()));
            QCOMPARE(audit.entries().size(), 2);
        }
        qInfo().noquote() << "read-only run, stderr:" << roErr.trimmed().left(1200);
        matrix().append(
            {QStringLiteral("SQLite read-only (555/444, console as nobody)"),
             QStringLiteral("up; \"... is read-only ...\" on stderr and the Alerts page"), cli,
             QStringLiteral("%1 rows + 2 audit rows, files unchanged").arg(seeded.size()),
             QStringLiteral("writes again after a restart once writable (%1 rows)").arg(rows)});
    }

    void cleanupTestCase()
    {
        // The matrix, as a table.
        const QStringList header{QStringLiteral("fault"), QStringLiteral("console shows"),
                                 QStringLiteral("status --json"), QStringLiteral("history"),
                                 QStringLiteral("recovery")};
        QList<int> widths{0, 0, 0, 0, 0};
        QList<QStringList> cells{header};
        for (const MatrixRow& r : matrix())
            cells << QStringList{r.fault, r.console, r.cli, r.history, r.recovery};
        for (const QStringList& row : cells) {
            for (int i = 0; i < row.size(); ++i)
                widths[i] = std::max<int>(widths[i], int(row[i].size()));
        }
        qInfo().noquote() << "fault matrix:";
        for (const QStringList& row : cells) {
            QString line;
            for (int i = 0; i < row.size(); ++i)
                line += row[i].leftJustified(widths[i]) + QStringLiteral(" | ");
            qInfo().noquote() << line;
        }
    }
};

int main(int argc, char** argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--disk-full-writer") == 0) {
        QCoreApplication app(argc, argv);
        return runDiskFullWriter(QString::fromLocal8Bit(argv[2]));
    }
    // No keychain, no notification daemon: a session bus that is not there.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bhiv-ops-fault-matrix-bus");
    QCoreApplication app(argc, argv);
    TestFaultMatrix test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestFaultMatrix.moc"
