// The real OS keychain (gnome-keyring on a private D-Bus session, started by with-keyring.sh):
// store, read, update, delete; a second process reads what this one wrote and the reverse;
// and no secret ever appears in a file, a log line or the output.
#include "models/domain/Target.h"
#include "models/secrets/KeychainSecretStore.h"
#include "tests/support/CliRunner.h"
#include "tests/support/SimulatorProcess.h"

#include <QSignalSpy>
#include <QTest>

using namespace ops;

namespace {
const QByteArray kSecret = "kc-secret-7f3a9d21-do-not-leak";
} // namespace

class TestKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh");
    }

    void storeReadUpdateDelete()
    {
        KeychainSecretStore store;
        const QString key = QStringLiteral("test/roundtrip");
        // The async API: the callback comes later, exactly once.
        int calls = 0;
        SecretResult written;
        store.write(key, kSecret, [&](const SecretResult& r) {
            written = r;
            ++calls;
        });
        QCOMPARE(calls, 0);
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 20000);
        QVERIFY2(written.ok(), qPrintable(written.errorText));

        SecretResult read = readSecretSync(store, key);
        QVERIFY2(read.ok(), qPrintable(read.errorText));
        QCOMPARE(read.value, kSecret);

        QVERIFY(writeSecretSync(store, key, kSecret + "-v2").ok());
        QCOMPARE(readSecretSync(store, key).value, kSecret + "-v2");

        QVERIFY(removeSecretSync(store, key).ok());
        QCOMPARE(readSecretSync(store, key).error, SecretError::NotFound);
        QVERIFY(removeSecretSync(store, key).ok()); // removing nothing is fine
    }

    // The CLI (another process) stores the key; this process reads it; the CLI's `test` (a
    // third process) uses it against the simulator's monolith dialect, which enforces it.
    void secondProcessAndTargetsTest()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("monolith")}),
                 qPrintable(sim.error()));
        test::CliRunner cli;
        auto run = cli.run({QStringLiteral("targets"), QStringLiteral("add"),
                            QStringLiteral("mono"), QStringLiteral("--url"), sim.url().toString(),
                            QStringLiteral("--api-key-stdin")},
                           "sim-key\n");
        QVERIFY2(run.exitCode == 0, run.err.constData());

        KeychainSecretStore store;
        const SecretResult read =
            readSecretSync(store, secretKeyGatewayApiKey(QStringLiteral("mono")));
        QVERIFY2(read.ok(), qPrintable(read.errorText));
        QCOMPARE(read.value, QByteArray("sim-key"));

        run = cli.run({QStringLiteral("targets"), QStringLiteral("test"), QStringLiteral("mono")});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QVERIFY(run.out.contains("GET /v1/jobs: HTTP 200"));
        QVERIFY(run.out.contains("stored in the keychain"));

        // A wrong key, written by this process, read by the CLI: auth failure, exit 4.
        QVERIFY(
            writeSecretSync(store, secretKeyGatewayApiKey(QStringLiteral("mono")), kSecret).ok());
        run = cli.run({QStringLiteral("targets"), QStringLiteral("test"), QStringLiteral("mono"),
                       QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 4);
        QVERIFY(run.out.contains("\"auth_http_status\":401"));

        // Removing the target removes its key.
        run =
            cli.run({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("mono")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(readSecretSync(store, secretKeyGatewayApiKey(QStringLiteral("mono"))).error,
                 SecretError::NotFound);

        // Nothing secret anywhere: not in HOME (settings, targets.json, caches), not in the
        // ops.* debug logs, not in the output.
        const QString home = qEnvironmentVariable("HOME");
        QCOMPARE(test::filesContaining(home, kSecret), QStringList());
        QCOMPARE(test::filesContaining(home, "sim-key"), QStringList());
        QVERIFY(!cli.transcript().contains(kSecret));
        QVERIFY(!cli.transcript().contains("sim-key"));
        QVERIFY(cli.transcript().contains("target/mono/gateway-api-key")); // key names are logged
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "TestKeychain.moc"
