// The command line as a script writer meets it (issue 20, items 6-11): unknown verbs, help, one
// exit-code table, the same options on every gateway verb, JSON errors, quiet output, and bad
// input that is a usage error or a clear state, never a crash. The real bhiv-ops against the
// real simulator, under with-keyring.sh (a private keychain and config folder).
#include "tests/support/CliRunner.h"
#include "tests/support/SimulatorProcess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace ops;

namespace {

const QByteArray kKey = "conventions-key-4c1e9a-do-not-leak";

// A TCP server on its own thread (the test thread blocks while bhiv-ops runs) that speaks
// first, as sshd does: a banner, then "Protocol mismatch." once the client has spoken.
// Used by notHttpIsNamed.
class BannerServer : public QThread {
public:
    explicit BannerServer(QByteArray banner)
        : m_banner(std::move(banner))
    {
    }
    ~BannerServer() override
    {
        quit();
        wait();
    }
    quint16 startServing()
    {
        start();
        m_ready.acquire();
        return m_port;
    }

protected:
    void run() override
    {
        QTcpServer server;
        server.listen(QHostAddress::LocalHost, 0);
        m_port = server.serverPort();
        QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
            while (QTcpSocket* socket = server.nextPendingConnection()) {
                socket->write(m_banner);
                // An empty banner: a server that reads the request and closes without a word.
                const bool silent = m_banner.isEmpty();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, silent] {
                    socket->readAll();
                    if (!silent)
                        socket->write("Protocol mismatch.\n");
                    socket->disconnectFromHost();
                });
            }
        });
        m_ready.release();
        exec();
    }

private:
    QByteArray m_banner;
    quint16 m_port = 0;
    QSemaphore m_ready;
};

QJsonObject jsonError(const QByteArray& out)
{
    return QJsonDocument::fromJson(out).object().value(QStringLiteral("error")).toObject();
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

class TestCliConventions : public QObject {
    Q_OBJECT
private:
    test::CliRunner m_cli;
    test::SimulatorProcess m_sim;
    QTemporaryDir m_dir;

    static QStringList verbs()
    {
        return {QStringLiteral("status"), QStringLiteral("targets"), QStringLiteral("workflows"),
                QStringLiteral("verify"), QStringLiteral("deploy"),  QStringLiteral("parse"),
                QStringLiteral("report"), QStringLiteral("history"), QStringLiteral("logs")};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh");
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_sim.error()));
    }

    // Item 6: a typo is an error with a suggestion, never the window (which hung offscreen).
    void unknownVerbNeverOpensTheWindow()
    {
        auto run = m_cli.run(
            {QStringLiteral("stauts"), QStringLiteral("--url"), m_sim.url().toString()}, {}, 20000);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("unknown command 'stauts'; did you mean status?"), run.err);
        run = m_cli.run({QStringLiteral("frobnicate")}, {}, 20000);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("unknown command 'frobnicate'"), run.err);
        // After the window's options too.
        run = m_cli.run({QStringLiteral("--url"), m_sim.url().toString(), QStringLiteral("stauts")},
                        {}, 20000);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("did you mean status?"), run.err);
    }

    void helpListsTheVerbs()
    {
        auto run = m_cli.run({QStringLiteral("help")}, {}, 20000);
        QCOMPARE(run.exitCode, 0);
        for (const QString& verb : verbs())
            QVERIFY2(run.out.contains("  " + verb.toUtf8() + ' '), run.out);
        QVERIFY2(run.out.contains("Exit codes:"), run.out);
        run = m_cli.run({QStringLiteral("help"), QStringLiteral("status")}, {}, 20000);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("--api-key-stdin"), run.out);
        run = m_cli.run({QStringLiteral("help"), QStringLiteral("nope")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("bhiv-ops help: unknown command 'nope'"), run.err);
    }

    // Item 7: one table, in every verb's --help and the console's.
    void everyHelpHasTheExitCodeTable()
    {
        QStringList commands = verbs();
        commands << QString(); // the console's own --help
        for (const QString& verb : std::as_const(commands)) {
            QStringList arguments{QStringLiteral("--help")};
            if (!verb.isEmpty())
                arguments.prepend(verb);
            const auto run = m_cli.run(arguments, {}, 20000);
            QVERIFY2(run.exitCode == 0, qPrintable(verb + QLatin1Char(' ') + run.err));
            for (const char* line : {"0  ok", "1  the check failed", "2  could not run", "3  usage",
                                     "4  authentication failed", "5  keychain"})
                QVERIFY2(run.out.contains(line), qPrintable(verb + QStringLiteral(": ") + run.out));
        }
    }

    // Item 8: the same options on every verb that talks to a gateway.
    void sameOptionsEverywhere()
    {
        for (const QString& verb : {QStringLiteral("status"), QStringLiteral("workflows"),
                                    QStringLiteral("verify"), QStringLiteral("deploy")}) {
            const auto run = m_cli.run({verb, QStringLiteral("--help")});
            QCOMPARE(run.exitCode, 0);
            for (const char* option : {"--target <NAME>", "--url <URL>", "--api-key-stdin",
                                       "--timeout <SECONDS>", "--json", "--verbose"})
                QVERIFY2(run.out.contains(option),
                         qPrintable(verb + QStringLiteral(": ") + option));
        }
        // status takes the key from stdin now.
        auto run = m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                              m_sim.url().toString(), QStringLiteral("--api-key-stdin")},
                             kKey + "\n");
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        // deploy has a --timeout: a bad one is a usage error.
        run = m_cli.run({QStringLiteral("deploy"), QStringLiteral("--url"), m_sim.url().toString(),
                         QStringLiteral("--service"), QStringLiteral("srv-x"),
                         QStringLiteral("--confirm"), QStringLiteral("srv-x"),
                         QStringLiteral("--timeout"), QStringLiteral("abc")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("--timeout"), run.err);
    }

    void targetOnEveryGatewayVerb()
    {
        auto run = m_cli.run({QStringLiteral("targets"), QStringLiteral("add"),
                              QStringLiteral("plan-sim"), QStringLiteral("--url"),
                              m_sim.url().toString(), QStringLiteral("--api-key-stdin")},
                             kKey + "\n");
        QVERIFY2(run.exitCode == 0, run.err);
        run = m_cli.run({QStringLiteral("status"), QStringLiteral("--target"),
                         QStringLiteral("plan-sim"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        run = m_cli.run({QStringLiteral("workflows"), QStringLiteral("list"),
                         QStringLiteral("--target"), QStringLiteral("plan-sim"),
                         QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("dialect").toString(),
                 QStringLiteral("plan"));
        run = m_cli.run({QStringLiteral("verify"), QStringLiteral("--target"),
                         QStringLiteral("plan-sim"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value("url").toString(),
                 m_sim.url().toString());
        // An unknown target is a usage error everywhere.
        for (const QStringList& verb :
             {QStringList{QStringLiteral("status")}, QStringList{QStringLiteral("verify")},
              QStringList{QStringLiteral("workflows"), QStringLiteral("list")},
              QStringList{QStringLiteral("deploy"), QStringLiteral("--service"),
                          QStringLiteral("srv-x"), QStringLiteral("--confirm"),
                          QStringLiteral("srv-x")}}) {
            run = m_cli.run(verb + QStringList{QStringLiteral("--target"), QStringLiteral("nosuch"),
                                               QStringLiteral("--json")});
            QVERIFY2(run.exitCode == 3, qPrintable(verb.join(u' ') + run.err));
            QVERIFY2(run.err.contains("no target named nosuch"), run.err);
            QCOMPARE(jsonError(run.out).value("code").toString(), QStringLiteral("usage"));
        }
        QVERIFY(!m_cli.transcript().contains(kKey));
    }

    // Item 9: with --json a failure is {"error": {"code", "message"}} on stdout.
    void jsonOnFailure()
    {
        auto run = m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                              QStringLiteral("ftp://x"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(jsonError(run.out).value("code").toString(), QStringLiteral("usage"));
        QVERIFY(!jsonError(run.out).value("message").toString().isEmpty());

        const QString closed = QStringLiteral("http://127.0.0.1:%1").arg(closedPort());
        run = m_cli.run({QStringLiteral("workflows"), QStringLiteral("list"),
                         QStringLiteral("--url"), closed, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(jsonError(run.out).value("code").toString(), QStringLiteral("unreachable"));
        QVERIFY2(jsonError(run.out).value("message").toString().contains(QStringLiteral("refused")),
                 run.out);

        // Render refuses the key: exit 4, and the error as JSON.
        run = m_cli.run({QStringLiteral("deploy"), QStringLiteral("--url"), m_sim.url().toString(),
                         QStringLiteral("--render-api"),
                         m_sim.url().toString() + QStringLiteral("/render/v1"),
                         QStringLiteral("--service"), QStringLiteral("srv-d0bhivgateway901a"),
                         QStringLiteral("--confirm"), QStringLiteral("srv-d0bhivgateway901a"),
                         QStringLiteral("--render-key-stdin"), QStringLiteral("--json")},
                        "wrong-render-key\n");
        QVERIFY2(run.exitCode == 4, run.out + run.err);
        QCOMPARE(jsonError(run.out).value("code").toString(), QStringLiteral("auth_failed"));
        QVERIFY(!run.out.contains("wrong-render-key") && !run.err.contains("wrong-render-key"));
    }

    // Item 10: quiet by default, debug with -v; no Qt warning without XDG_RUNTIME_DIR.
    void quietByDefault()
    {
        test::CliRunner plain;
        plain.environment().remove(QStringLiteral("QT_LOGGING_RULES"));
        plain.environment().remove(QStringLiteral("XDG_RUNTIME_DIR"));
        auto run =
            plain.run({QStringLiteral("status"), QStringLiteral("--url"), m_sim.url().toString()});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), run.err);
        run =
            plain.run({QStringLiteral("verify"), QStringLiteral("--url"), m_sim.url().toString()});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.isEmpty(), run.err);
        run = plain.run({QStringLiteral("status"), QStringLiteral("--url"), m_sim.url().toString(),
                         QStringLiteral("-v")});
        QVERIFY2(run.err.contains("ops."), run.err);
        // Plain http to another host: said once.
        run = plain.run({QStringLiteral("status"), QStringLiteral("--url"),
                         QStringLiteral("http://gateway.invalid:8000")});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(run.err.count("plain http"), 1);
    }

    void apiKeyPromptOnTerminalHidesTheKey()
    {
        // `script` gives bhiv-ops a terminal for stdin: it asks, and the key is not echoed.
        QProcess script;
        const QString command =
            QStringLiteral("%1 status --url %2 --api-key-stdin")
                .arg(qEnvironmentVariable("OPS_CONSOLE_BINARY"), m_sim.url().toString());
        script.start(QStringLiteral("script"),
                     {QStringLiteral("-qfec"), command, QStringLiteral("/dev/null")});
        QVERIFY(script.waitForStarted());
        QByteArray seen;
        QElapsedTimer timer;
        timer.start();
        while (!seen.contains("API key for") && timer.elapsed() < 20000) {
            script.waitForReadyRead(500);
            seen += script.readAll();
        }
        QVERIFY2(seen.contains("API key for"), seen);
        script.write(kKey + "\n");
        QVERIFY(script.waitForFinished(30000));
        seen += script.readAll();
        QCOMPARE(script.exitCode(), 0);
        QVERIFY2(seen.contains("state:    up"), seen);
        QVERIFY2(!seen.contains(kKey), seen);
    }

    // Item 11: bad input is a usage error or a clear state, never a crash.
    void parseBadInput()
    {
        // A directory: a read error (it aborted with std::ios_failure).
        auto run = m_cli.run({QStringLiteral("parse"), QDir::tempPath()});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("is a directory"), run.err);
        // Empty, as JSON: an empty array.
        const QString empty = m_dir.filePath(QStringLiteral("empty.prom"));
        QFile file(empty);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        run = m_cli.run({QStringLiteral("parse"), empty, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("[]\n"));
        // - is stdin; --help works.
        run = m_cli.run({QStringLiteral("parse"), QStringLiteral("-"), QStringLiteral("--json")},
                        "up 1\nrequests_total{code=\"200\"} 7\n");
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(run.out).array().size(), 2);
        run = m_cli.run({QStringLiteral("parse"), QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("--json"));
        QCOMPARE(m_cli.run({QStringLiteral("parse")}).exitCode, 3);
        QCOMPARE(m_cli.run({QStringLiteral("parse"), QStringLiteral("--frob")}).exitCode, 3);
    }

    void writeErrorsAreReported()
    {
        const QString body = m_dir.filePath(QStringLiteral("body.prom"));
        QFile file(body);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("up 1\n");
        file.close();
        for (const QStringList& arguments :
             {QStringList{QStringLiteral("parse"), body},
              QStringList{QStringLiteral("status"), QStringLiteral("--url"), m_sim.url().toString(),
                          QStringLiteral("--json")},
              QStringList{QStringLiteral("targets"), QStringLiteral("export"),
                          QStringLiteral("-")}}) {
            QProcess process;
            process.setStandardOutputFile(QStringLiteral("/dev/full"));
            process.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"), arguments);
            QVERIFY(process.waitForFinished(30000));
            QCOMPARE(process.exitStatus(), QProcess::NormalExit);
            const QByteArray err = process.readAllStandardError();
            QVERIFY2(process.exitCode() == 2, qPrintable(arguments.join(u' ') + err));
            QVERIFY2(err.contains("cannot write the output: No space left on device"), err);
        }
    }

    void targetsExportToStdout()
    {
        QTemporaryDir cwd;
        QProcess process;
        process.setWorkingDirectory(cwd.path());
        process.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"),
                      {QStringLiteral("targets"), QStringLiteral("export"), QStringLiteral("-")});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonObject exported =
            QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QCOMPARE(exported.value("format").toString(), QStringLiteral("bhiv-ops-targets"));
        QVERIFY(!QFile::exists(cwd.filePath(QStringLiteral("-"))));
        // And back in from stdin.
        QJsonObject renamed = exported;
        QJsonArray targets = exported.value("targets").toArray();
        QVERIFY(!targets.isEmpty());
        QJsonObject first = targets.at(0).toObject();
        first.insert(QStringLiteral("name"), QStringLiteral("from-stdin"));
        renamed.insert(QStringLiteral("targets"), QJsonArray{first});
        const auto run =
            m_cli.run({QStringLiteral("targets"), QStringLiteral("import"), QStringLiteral("-")},
                      QJsonDocument(renamed).toJson());
        QVERIFY2(run.exitCode == 0, run.err);
        QVERIFY(m_cli.run({QStringLiteral("targets"), QStringLiteral("list")})
                    .out.contains("from-stdin"));
    }

    void gatewayBadInput()
    {
        // An invalid port is a usage error ("http://http//127.0.0.1:99999" before).
        auto run = m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                              QStringLiteral("http://127.0.0.1:99999")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("invalid port"), run.err);
        QVERIFY(!run.out.contains("http//"));

        // A URL with a path that 404s: the URL is the gateway's base.
        run = m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                         m_sim.url().toString() + QStringLiteral("/health/detailed")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.out.contains("the gateway's base URL"), run.out);
    }

    // Item 11: a port speaking SSH is a bad response ("not HTTP", quoting its banner), not
    // "unreachable"; a port that accepts and closes without a word stays "connection closed".
    void notHttpIsNamed()
    {
        BannerServer sshd("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
        const quint16 port = sshd.startServing();
        auto run =
            m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                       QStringLiteral("http://127.0.0.1:%1").arg(port), QStringLiteral("--json"),
                       QStringLiteral("--timeout"), QStringLiteral("3")});
        QJsonObject status = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("bad_response"));
        QString detail = status.value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(QStringLiteral("not HTTP")) &&
                     detail.contains(QStringLiteral("SSH-2.0-OpenSSH_9.2p1")),
                 qPrintable(detail));
        QCOMPARE(run.exitCode, 2);

        BannerServer silent("");
        const quint16 silentPort = silent.startServing();
        run =
            m_cli.run({QStringLiteral("status"), QStringLiteral("--url"),
                       QStringLiteral("http://127.0.0.1:%1").arg(silentPort),
                       QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("3")});
        status = QJsonDocument::fromJson(run.out).object();
        detail = status.value(QStringLiteral("detail")).toString();
        QVERIFY2(!detail.contains(QStringLiteral("not HTTP")), qPrintable(detail));
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("unreachable"));
    }

    // Item 11: https to a plain-http port says the server does not speak TLS, without
    // OpenSSL's words.
    void tlsToPlainHttpIsNamed()
    {
        QUrl https = m_sim.url();
        https.setScheme(QStringLiteral("https"));
        const auto run =
            m_cli.run({QStringLiteral("status"), QStringLiteral("--url"), https.toString(),
                       QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("3")});
        const QJsonObject status = QJsonDocument::fromJson(run.out).object();
        const QString detail = status.value(QStringLiteral("detail")).toString();
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("error"));
        QVERIFY2(detail.contains(QStringLiteral("TLS handshake failed: the server does not speak "
                                                "TLS")),
                 qPrintable(detail));
        QVERIFY2(!detail.contains(QStringLiteral("SSL routines"), Qt::CaseInsensitive),
                 qPrintable(detail));
        QCOMPARE(run.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliConventions)
#include "TestCliConventions.moc"
