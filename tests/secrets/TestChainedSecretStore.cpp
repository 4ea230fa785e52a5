// ChainedSecretStore: this session's memory first, then the keychain. In-process layers show the
// order and error rules; the real keychain (with-keyring.sh) shows the chain in front of it.
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/MemorySecretStore.h"

#include <QPointer>
#include <QTest>

using namespace ops;

namespace {

struct Traced {
    SecretResult result;
    ChainedSecretStore::Layer layer = ChainedSecretStore::Layer::None;
    int calls = 0;
};

Traced readTraced(ChainedSecretStore& store, const QString& key)
{
    Traced traced;
    store.readTraced(key, [&traced](const SecretResult& r, ChainedSecretStore::Layer layer) {
        traced.result = r;
        traced.layer = layer;
        ++traced.calls;
    });
    if (!QTest::qWaitFor([&traced] { return traced.calls > 0; }, 20000))
        traced.result = {SecretError::Other, QStringLiteral("no answer in 20 s"), {}};
    return traced;
}

} // namespace

class TestChainedSecretStore : public QObject {
    Q_OBJECT
private slots:
    void sessionFirstThenKeychain()
    {
        MemorySecretStore session;
        MemorySecretStore keychain;
        ChainedSecretStore chain(&session, &keychain);
        const QString key = QStringLiteral("target/a/gateway-api-key");

        Traced none = readTraced(chain, key);
        QCOMPARE(none.calls, 1);
        QCOMPARE(none.result.error, SecretError::NotFound);
        QCOMPARE(none.layer, ChainedSecretStore::Layer::None);

        QVERIFY(writeSecretSync(keychain, key, "keychain").ok());
        Traced second = readTraced(chain, key);
        QCOMPARE(second.result.value, QByteArray("keychain"));
        QCOMPARE(second.layer, ChainedSecretStore::Layer::Keychain);

        // The session's value wins over the keychain's.
        QVERIFY(writeSecretSync(session, key, "session").ok());
        Traced first = readTraced(chain, key);
        QCOMPARE(first.result.value, QByteArray("session"));
        QCOMPARE(first.layer, ChainedSecretStore::Layer::Session);
        QCOMPARE(readSecretSync(chain, key).value, QByteArray("session"));

        // Asynchronous like every store: the answer never comes inside the call.
        int calls = 0;
        chain.read(key, [&calls](const SecretResult&) { ++calls; });
        QCOMPARE(calls, 0);
        QTRY_COMPARE(calls, 1);
    }

    // The keychain's trouble is the answer when the session does not hold the key; a session
    // value is still found with the keychain locked.
    void keychainTroubleIsReported()
    {
        MemorySecretStore session;
        MemorySecretStore keychain;
        ChainedSecretStore chain(&session, &keychain);
        keychain.setFailure(SecretError::Locked);
        const SecretResult locked = readSecretSync(chain, QStringLiteral("k"));
        QCOMPARE(locked.error, SecretError::Locked);
        QVERIFY(!locked.errorText.isEmpty());
        QVERIFY(writeSecretSync(session, QStringLiteral("k"), "typed-this-session").ok());
        const SecretResult held = readSecretSync(chain, QStringLiteral("k"));
        QVERIFY(held.ok());
        QCOMPARE(held.value, QByteArray("typed-this-session"));
    }

    // write goes to the keychain (the durable layer), writeSession to memory; remove empties
    // both.
    void writeAndRemove()
    {
        MemorySecretStore session;
        MemorySecretStore keychain;
        ChainedSecretStore chain(&session, &keychain);
        QVERIFY(writeSecretSync(chain, QStringLiteral("k"), "durable").ok());
        QVERIFY(keychain.contains(QStringLiteral("k")));
        QVERIFY(!session.contains(QStringLiteral("k")));
        int done = 0;
        chain.writeSession(QStringLiteral("k"), "memory", [&done](const SecretResult& r) {
            QVERIFY(r.ok());
            ++done;
        });
        QTRY_COMPARE(done, 1);
        QVERIFY(session.contains(QStringLiteral("k")));
        QVERIFY(removeSecretSync(chain, QStringLiteral("k")).ok());
        QVERIFY(!session.contains(QStringLiteral("k")));
        QVERIFY(!keychain.contains(QStringLiteral("k")));
        QCOMPARE(readSecretSync(chain, QStringLiteral("k")).error, SecretError::NotFound);
    }

    // The chain gone before its layers answer: the caller still hears once, and nothing crashes.
    void chainGoneBeforeTheAnswer()
    {
        MemorySecretStore session;
        MemorySecretStore keychain;
        QVERIFY(writeSecretSync(keychain, QStringLiteral("k"), "v").ok());
        auto* chain = new ChainedSecretStore(&session, &keychain);
        int calls = 0;
        SecretResult result;
        chain->read(QStringLiteral("k"), [&](const SecretResult& r) {
            result = r;
            ++calls;
        });
        delete chain;
        QTRY_COMPARE(calls, 1);
        QVERIFY(!result.ok());
        QTest::qWait(50);
        QCOMPARE(calls, 1);
    }

    // In front of the real keychain (gnome-keyring on a private D-Bus, by with-keyring.sh).
    void realKeychainBehindTheSession()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh");
        ChainedSecretStore chain; // memory + the OS keychain
        QCOMPARE(chain.keychain()->backendName(), QStringLiteral("keychain"));
        const QString key = QStringLiteral("test/chained");
        QVERIFY(removeSecretSync(chain, key).ok());
        QCOMPARE(readSecretSync(chain, key).error, SecretError::NotFound);

        const SecretResult written = writeSecretSync(chain, key, "in-the-keychain");
        QVERIFY2(written.ok(), qPrintable(written.errorText));
        KeychainSecretStore direct; // really in the keychain, not in this chain's memory
        QCOMPARE(readSecretSync(direct, key).value, QByteArray("in-the-keychain"));
        Traced fromKeychain = readTraced(chain, key);
        QCOMPARE(fromKeychain.layer, ChainedSecretStore::Layer::Keychain);
        QCOMPARE(fromKeychain.result.value, QByteArray("in-the-keychain"));

        int done = 0;
        chain.writeSession(key, "this-session-only", [&done](const SecretResult&) { ++done; });
        QTRY_COMPARE(done, 1);
        Traced fromSession = readTraced(chain, key);
        QCOMPARE(fromSession.layer, ChainedSecretStore::Layer::Session);
        QCOMPARE(fromSession.result.value, QByteArray("this-session-only"));
        QCOMPARE(readSecretSync(direct, key).value, QByteArray("in-the-keychain"));

        QVERIFY(removeSecretSync(chain, key).ok());
        QCOMPARE(readSecretSync(direct, key).error, SecretError::NotFound);
        QCOMPARE(readSecretSync(chain, key).error, SecretError::NotFound);
    }
};

QTEST_MAIN(TestChainedSecretStore)
#include "TestChainedSecretStore.moc"
