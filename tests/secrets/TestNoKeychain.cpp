// A D-Bus session with no Secret Service (with-keyring.sh --no-keyring): every keychain call
// reports "no keychain backend", the CLI says so and exits 5, and nothing is written anywhere.
#include "models/secrets/KeychainSecretStore.h"
#include "tests/support/CliRunner.h"

#include <QTest>

using namespace ops;

namespace {
const QByteArray kSecret = "nokc-secret-51e0c0de-do-not-leak";
} // namespace

class TestNoKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh --no-keyring");
    }

    void storeReportsNoBackend()
    {
        KeychainSecretStore store;
        const SecretResult written = writeSecretSync(store, QStringLiteral("test/x"), kSecret);
        QCOMPARE(written.error, SecretError::NoBackend);
        QVERIFY(secretErrorMessage(written.error).contains(QStringLiteral("no keychain backend")));
        QCOMPARE(readSecretSync(store, QStringLiteral("test/x")).error, SecretError::NoBackend);
    }

    void cliRefusesAndWritesNothing()
    {
        test::CliRunner cli;
        const auto run =
            cli.run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("local"),
                     QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:9"),
                     QStringLiteral("--api-key-stdin")},
                    kSecret + "\n");
        QCOMPARE(run.exitCode, 5);
        QVERIFY2(run.err.contains("no keychain backend"), run.err.constData());
        // The target was not saved either: no half-configured target without its key.
        const auto list =
            cli.run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(list.out.trimmed(), QByteArray("[]"));
        const QString home = qEnvironmentVariable("HOME");
        QCOMPARE(test::filesContaining(home, kSecret), QStringList());
        QCOMPARE(test::filesContaining(qEnvironmentVariable("OPS_TEST_SCRATCH"), kSecret),
                 QStringList());
        QVERIFY(!cli.transcript().contains(kSecret));
    }

    // Issue 20 item 7: without any keychain there are no secrets to remove; "removed" and
    // exit 5 with a line per secret that never existed was a contradiction.
    void removeWithoutKeychain()
    {
        test::CliRunner cli;
        auto run =
            cli.run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("plain"),
                     QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:9")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        run =
            cli.run({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("plain")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("target plain removed"), run.out.constData());
        QVERIFY2(!run.err.contains("could not remove"), run.err.constData());
    }

    // Issue 17.8: the webhook URL lives in the keychain; without one the console says so
    // (exit 5), and set-webhook stores nothing anywhere else.
    void webhookWithoutKeychain()
    {
        test::CliRunner cli;
        auto run = cli.run({QStringLiteral("--demo"), QStringLiteral("--new-instance"),
                            QStringLiteral("--alert-webhook-keychain")});
        QCOMPARE(run.exitCode, 5);
        QVERIFY2(run.err.contains("--alert-webhook-keychain"), run.err.constData());
        run = cli.run({QStringLiteral("targets"), QStringLiteral("set-webhook")},
                      "https://hooks.example.com/T000/B000/no-keychain-token\n");
        QCOMPARE(run.exitCode, 5);
        QVERIFY(!cli.transcript().contains("no-keychain-token"));
        QCOMPARE(
            test::filesContaining(qEnvironmentVariable("OPS_TEST_SCRATCH"), "no-keychain-token"),
            QStringList());
    }
};

QTEST_GUILESS_MAIN(TestNoKeychain)
#include "TestNoKeychain.moc"
