// A locked keychain (with-keyring.sh --locked: the login keyring exists but its daemon has no
// password and no unlock prompt can appear): reads and writes fail as "locked" or "denied" in
// words, never as "not found"; the CLI refuses to save a target without its key and says what
// to do; nothing secret is written anywhere as a fallback.
#include "models/secrets/KeychainSecretStore.h"
#include "tests/support/CliRunner.h"

#include <QTest>

using namespace ops;

namespace {
const QByteArray kSecret = "locked-secret-7f3a9b21-do-not-leak";

bool lockedOrDenied(SecretError e)
{
    return e == SecretError::Locked || e == SecretError::AccessDenied;
}
} // namespace

class TestLockedKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh --locked");
    }

    void storeReportsLocked()
    {
        KeychainSecretStore store;
        const SecretResult written = writeSecretSync(store, QStringLiteral("test/x"), kSecret);
        QVERIFY2(lockedOrDenied(written.error), qPrintable(written.errorText));
        const QString words = secretErrorMessage(written.error);
        QVERIFY2(words.contains(QStringLiteral("locked")) ||
                     words.contains(QStringLiteral("denied")) ||
                     words.contains(QStringLiteral("refused")),
                 qPrintable(words));
        const SecretResult read = readSecretSync(store, QStringLiteral("test/x"));
        QVERIFY2(lockedOrDenied(read.error), qPrintable(read.errorText));
        QVERIFY(read.value.isEmpty());
        QVERIFY(!read.errorText.contains(QString::fromLatin1(kSecret)));
    }

    void cliRefusesAndWritesNothing()
    {
        test::CliRunner cli;
        const auto run =
            cli.run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("prod"),
                     QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:9"),
                     QStringLiteral("--api-key-stdin")},
                    kSecret + "\n");
        QVERIFY2(run.exitCode != 0, run.err.constData());
        QVERIFY2(run.err.contains("keychain"), run.err.constData());
        const auto list =
            cli.run({QStringLiteral("targets"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(list.out.trimmed(), QByteArray("[]"));
        QCOMPARE(test::filesContaining(qEnvironmentVariable("HOME"), kSecret), QStringList());
        QCOMPARE(test::filesContaining(qEnvironmentVariable("OPS_TEST_SCRATCH"), kSecret),
                 QStringList());
        QVERIFY(!cli.transcript().contains(kSecret));
    }
};

QTEST_GUILESS_MAIN(TestLockedKeychain)
#include "TestLockedKeychain.moc"
