// Issue 17.8 with the real keychain (with-keyring.sh) and the real bhiv-ops: the alert webhook
// URL is a secret (Slack's carry their token in the path). It comes from the keychain
// (`targets set-webhook` from stdin), a file or stdin; --alert-webhook URL still works with a
// note; one source only; user info and remote plain http are refused wherever it comes from;
// and a running console never prints a second launch's arguments.
#include "models/alerts/WebhookNotifier.h"
#include "models/secrets/KeychainSecretStore.h"
#include "tests/support/CliRunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {
const QByteArray kHookToken = "T000/B000/hook-token-7d2e-do-not-leak";
const QByteArray kHookUrl = "https://hooks.example.com/" + kHookToken;
} // namespace

class TestWebhookSecret : public QObject {
    Q_OBJECT
private:
    test::CliRunner m_cli;
    QTemporaryDir m_dir;

    test::CliRunner::Run console(const QStringList& arguments, const QByteArray& stdinData = {})
    {
        // --new-instance: each run is its own console (no hand-over); a refused webhook
        // stops it before any window.
        return m_cli.run(QStringList{QStringLiteral("--demo"), QStringLiteral("--new-instance")} +
                             arguments,
                         stdinData);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh");
        QCoreApplication::setApplicationName(QStringLiteral("bhiv-ops"));
        QCoreApplication::setOrganizationName(QStringLiteral("BHIV"));
        QVERIFY(m_dir.isValid());
    }

    void urlProblems()
    {
        QVERIFY(WebhookNotifier::urlProblem(QUrl(QString::fromLatin1(kHookUrl))).isEmpty());
        QVERIFY(
            WebhookNotifier::urlProblem(QUrl(QStringLiteral("http://127.0.0.1:9/hook"))).isEmpty());
        QVERIFY(WebhookNotifier::urlProblem(QUrl(QStringLiteral("http://hooks.example.com/x")))
                    .contains(QStringLiteral("plain http")));
        const QString userInfo =
            WebhookNotifier::urlProblem(QUrl(QStringLiteral("https://ops:pw@hooks.example.com/x")));
        QVERIFY2(userInfo.contains(QStringLiteral("user name or password")), qPrintable(userInfo));
        QVERIFY(!userInfo.contains(QStringLiteral("pw@")));
        QVERIFY(!WebhookNotifier::urlProblem(QUrl(QStringLiteral("ftp://hooks.example.com/x")))
                     .isEmpty());
        QVERIFY(!WebhookNotifier::urlProblem(QUrl(QStringLiteral("not a url"))).isEmpty());
        QVERIFY(!WebhookNotifier::urlProblem(QUrl()).isEmpty());
    }

    void badSourcesRefused()
    {
        // Remote plain http is refused, wherever the URL comes from.
        auto run = console({QStringLiteral("--alert-webhook"),
                            QStringLiteral("http://hooks.example.com/") + kHookToken});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("plain http"), run.err);
        run = console({QStringLiteral("--alert-webhook-stdin")},
                      "http://hooks.example.com/" + kHookToken + "\n");
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("plain http"), run.err);
        // One source only.
        const QString file = m_dir.filePath(QStringLiteral("hook-one.txt"));
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(kHookUrl + "\n");
        }
        run = console(
            {QStringLiteral("--alert-webhook-file"), file, QStringLiteral("--alert-webhook-stdin")},
            kHookUrl + "\n");
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("one way only"), run.err);
        // A file that cannot be read, a file that holds no URL.
        run = console({QStringLiteral("--alert-webhook-file"),
                       m_dir.filePath(QStringLiteral("missing.txt"))});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("cannot read"), run.err);
        const QString empty = m_dir.filePath(QStringLiteral("empty.txt"));
        {
            QFile out(empty);
            QVERIFY(out.open(QIODevice::WriteOnly));
        }
        run = console({QStringLiteral("--alert-webhook-file"), empty});
        QCOMPARE(run.exitCode, 3);
        // Nothing stored yet: --alert-webhook-keychain says how to store one (a usage error: the
        // keychain answered; 5 is for a keychain that fails).
        run = console({QStringLiteral("--alert-webhook-keychain")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("targets set-webhook"), run.err);

        // set-webhook refuses the same URLs and takes none from argv.
        run = m_cli.run({QStringLiteral("targets"), QStringLiteral("set-webhook")},
                        "http://hooks.example.com/" + kHookToken + "\n");
        QCOMPARE(run.exitCode, 3);
        run = m_cli.run({QStringLiteral("targets"), QStringLiteral("set-webhook")},
                        "https://ops:pw@hooks.example.com/" + kHookToken + "\n");
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("user name or password"), run.err);
        KeychainSecretStore keychain;
        QCOMPARE(readSecretSync(keychain, WebhookNotifier::secretKey()).error,
                 SecretError::NotFound);
    }

    void storedInTheKeychainAndNeverPrinted()
    {
        // Stored from stdin into the keychain.
        auto run =
            m_cli.run({QStringLiteral("targets"), QStringLiteral("set-webhook")}, kHookUrl + "\n");
        QVERIFY2(run.exitCode == 0, run.err);
        KeychainSecretStore keychain;
        QCOMPARE(readSecretSync(keychain, WebhookNotifier::secretKey()).value, kHookUrl);

        // A first console; a second launch with the webhook in a file hands over and the
        // first prints none of its arguments.
        QProcess first;
        first.setProcessChannelMode(QProcess::SeparateChannels);
        first.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"),
                    {QStringLiteral("--demo"), QStringLiteral("--alert-webhook-keychain")});
        QVERIFY(first.waitForStarted());
        const auto stopFirst = qScopeGuard([&first] {
            first.terminate();
            if (!first.waitForFinished(10000)) {
                first.kill();
                first.waitForFinished();
            }
        });
        const QString hookFile = m_dir.filePath(QStringLiteral("hook.txt"));
        {
            QFile file(hookFile);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(kHookUrl + "\n");
        }
        // The first console listens once its window is up.
        const QString socket =
            qEnvironmentVariable("XDG_RUNTIME_DIR") + QStringLiteral("/org.bhiv.OpsConsole.socket");
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(socket), 60000);
        const test::CliRunner::Run second =
            m_cli.run({QStringLiteral("--demo"), QStringLiteral("--alert-webhook-file"), hookFile});
        QVERIFY2(second.err.contains("passed to the console"), second.err);
        QCOMPARE(second.exitCode, 0);
        QByteArray firstErr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (firstErr += first.readAllStandardError()).contains("activated by another launch"),
            10000);
        QVERIFY2(!firstErr.contains(kHookToken) && !firstErr.contains(hookFile.toUtf8()), firstErr);

        // Empty removes it.
        run = m_cli.run({QStringLiteral("targets"), QStringLiteral("set-webhook")}, "\n");
        QVERIFY2(run.exitCode == 0, run.err);
        QCOMPARE(readSecretSync(keychain, WebhookNotifier::secretKey()).error,
                 SecretError::NotFound);
    }

    void argvStillWorksWithANote()
    {
        // --alert-webhook URL is accepted (scripts use it) and says argv is public. The console
        // runs a screenshot and exits: the URL was accepted.
        const auto run =
            console({QStringLiteral("--alert-webhook"), QString::fromLatin1(kHookUrl),
                     QStringLiteral("--screenshot"), m_dir.filePath(QStringLiteral("shot.png")),
                     QStringLiteral("--screenshot-delay"), QStringLiteral("0.5")});
        QVERIFY2(run.exitCode == 0, run.err);
        QVERIFY2(run.err.contains("every user of this machine"), run.err);
    }

    void cleanupTestCase() { QVERIFY(!m_cli.transcript().contains(kHookToken)); }
};

QTEST_GUILESS_MAIN(TestWebhookSecret)
#include "TestWebhookSecret.moc"
