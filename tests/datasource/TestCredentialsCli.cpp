// `bhiv-ops targets` with Prometheus / Alertmanager settings, against a real keychain
// (tests/secrets/with-keyring.sh): import a target that uses both, store their credentials with
// `set-key --for`, read them back from the keychain, remove them; the secrets never appear in
// the command's output or in the export.
#include "models/domain/Target.h"
#include "models/secrets/KeychainSecretStore.h"
#include "tests/support/CliRunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {
const QByteArray kPrometheusToken = "prom-token-7f3a-do-not-leak";
const QByteArray kAlertmanagerPassword = "am-password-91c2-do-not-leak";
} // namespace

class TestCredentialsCli : public QObject {
    Q_OBJECT
private slots:
    void credentialsThroughTheKeychain();
};

void TestCredentialsCli::credentialsThroughTheKeychain()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
             "run through tests/secrets/with-keyring.sh");
    test::CliRunner cli;
    QTemporaryDir dir;
    const QJsonObject target{
        {QStringLiteral("name"), QStringLiteral("fleet")},
        {QStringLiteral("url"), QStringLiteral("https://gateway.example.org")},
        {QStringLiteral("data_source"),
         QJsonObject{{QStringLiteral("kind"), QStringLiteral("prometheus")},
                     {QStringLiteral("url"), QStringLiteral("https://prometheus.example.org")},
                     {QStringLiteral("selector"), QStringLiteral("job=\"bhiv-gateway\"")},
                     {QStringLiteral("instances"), QStringLiteral("side_by_side")},
                     {QStringLiteral("auth"), QStringLiteral("bearer")}}},
        {QStringLiteral("alertmanager"),
         QJsonObject{{QStringLiteral("url"), QStringLiteral("https://alertmanager.example.org")},
                     {QStringLiteral("auth"), QStringLiteral("basic")},
                     {QStringLiteral("username"), QStringLiteral("ops")}}},
    };
    const QString file = dir.filePath(QStringLiteral("targets.json"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(
        QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("bhiv-ops-targets")},
                                  {QStringLiteral("version"), 1},
                                  {QStringLiteral("targets"), QJsonArray{target}}})
            .toJson());
    out.close();
    auto run = cli.run({QStringLiteral("targets"), QStringLiteral("import"), file});
    QVERIFY2(run.exitCode == 0, run.err.constData());

    run = cli.run({QStringLiteral("targets"), QStringLiteral("set-key"), QStringLiteral("fleet"),
                   QStringLiteral("--for"), QStringLiteral("prometheus")},
                  kPrometheusToken + "\n");
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("prometheus credential of fleet stored in the keychain"));
    run = cli.run({QStringLiteral("targets"), QStringLiteral("set-key"), QStringLiteral("fleet"),
                   QStringLiteral("--for"), QStringLiteral("alertmanager")},
                  kAlertmanagerPassword + "\n");
    QVERIFY2(run.exitCode == 0, run.err.constData());
    run = cli.run({QStringLiteral("targets"), QStringLiteral("set-key"), QStringLiteral("fleet"),
                   QStringLiteral("--for"), QStringLiteral("grafana")},
                  "x\n");
    QCOMPARE(run.exitCode, 3);

    KeychainSecretStore keychain;
    SecretResult read =
        readSecretSync(keychain, secretKeyPrometheusCredential(QStringLiteral("fleet")));
    QVERIFY2(read.ok(), qPrintable(read.errorText));
    QCOMPARE(read.value, kPrometheusToken);
    read = readSecretSync(keychain, secretKeyAlertmanagerCredential(QStringLiteral("fleet")));
    QVERIFY2(read.ok(), qPrintable(read.errorText));
    QCOMPARE(read.value, kAlertmanagerPassword);
    // The gateway's own key is another entry, untouched.
    QCOMPARE(readSecretSync(keychain, secretKeyGatewayApiKey(QStringLiteral("fleet"))).error,
             SecretError::NotFound);

    // The export keeps the settings and holds no credential.
    const QString exported = dir.filePath(QStringLiteral("export.json"));
    run = cli.run({QStringLiteral("targets"), QStringLiteral("export"), exported});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile in(exported);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray json = in.readAll();
    QVERIFY(json.contains("side_by_side"));
    QVERIFY(json.contains("alertmanager.example.org"));
    QVERIFY(!json.contains(kPrometheusToken) && !json.contains(kAlertmanagerPassword));

    // Empty stdin removes the credential; removing the target removes the rest.
    run = cli.run({QStringLiteral("targets"), QStringLiteral("set-key"), QStringLiteral("fleet"),
                   QStringLiteral("--for"), QStringLiteral("prometheus")},
                  "\n");
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readSecretSync(keychain, secretKeyPrometheusCredential(QStringLiteral("fleet"))).error,
             SecretError::NotFound);
    run = cli.run({QStringLiteral("targets"), QStringLiteral("remove"), QStringLiteral("fleet")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(
        readSecretSync(keychain, secretKeyAlertmanagerCredential(QStringLiteral("fleet"))).error,
        SecretError::NotFound);
    QVERIFY(!cli.transcript().contains(kPrometheusToken));
    QVERIFY(!cli.transcript().contains(kAlertmanagerPassword));
}

QTEST_GUILESS_MAIN(TestCredentialsCli)
#include "TestCredentialsCli.moc"
