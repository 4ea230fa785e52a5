// ChainedSecretStore: this session's memory first, then the keychain. In-process layers show the
// order and error rules; the real keychain (with-keyring.sh) shows the chain in front of it.
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"

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
    // bindOrigins (#17.3): both layers bind their secrets; a session value withheld for its
    // origin is the answer (the keychain's value behind it is not given out instead), and
    // confirming in the bound layers gives it out again.
    void boundLayersWithholdMovedSecrets()
    {
        MemorySecretStore session;
        MemorySecretStore keychain;
        ChainedSecretStore chain(&session, &keychain);
        QString origin = QStringLiteral("https://a.example.com:443");
        chain.bindOrigins([&origin](const QString&) { return origin; });
        QVERIFY(chain.boundSession() && chain.boundKeychain());
        QCOMPARE(chain.session(), static_cast<SecretStore*>(chain.boundSession()));
        const QString key = QStringLiteral("target/a/gateway-api-key");
        QVERIFY(writeSecretSync(chain, key, "keychain-value").ok());
        bool written = false;
        chain.writeSession(key, "session-value", [&](const SecretResult& r) {
            QVERIFY(r.ok());
            written = true;
        });
        QTRY_VERIFY(written);
        QCOMPARE(readSecretSync(keychain, OriginBoundSecretStore::bindingKey(key)).value,
                 origin.toUtf8());
        QCOMPARE(readTraced(chain, key).result.value, QByteArray("session-value"));

        origin = QStringLiteral("https://evil.example.net:443");
        const Traced moved = readTraced(chain, key);
        QCOMPARE(moved.result.error, SecretError::OriginChanged);
        QVERIFY(moved.result.value.isEmpty());
        QCOMPARE(moved.layer, ChainedSecretStore::Layer::None);

        // Only the keychain holds it: withheld too.
        QVERIFY(removeSecretSync(session, key).ok());
        QCOMPARE(readSecretSync(chain, key).error, SecretError::OriginChanged);
        QVERIFY(confirmOriginSync(*chain.boundKeychain(), key).ok());
        QCOMPARE(readSecretSync(chain, key).value, QByteArray("keychain-value"));
        // Removing through the chain takes the bindings along.
        QVERIFY(removeSecretSync(chain, key).ok());
        QCOMPARE(readSecretSync(keychain, OriginBoundSecretStore::bindingKey(key)).error,
                 SecretError::NotFound);
    }

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
