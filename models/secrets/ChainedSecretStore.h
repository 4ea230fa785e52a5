#pragma once

#include "models/secrets/SecretStore.h"

#include <functional>
#include <memory>

namespace ops {

class KeychainSecretStore;
class MemorySecretStore;
class OriginBoundSecretStore;

// Where the console looks a secret up: this session's memory first (keys the operator entered
// "for this session only", or an unsaved target's), then the OS keychain. One lookup order for
// every caller instead of each writing "session key, else keychain" itself.
//
// read: the first layer that has the key answers; a layer that says NotFound (or fails) passes
// the question on, and the last layer's answer is the result (so a keychain problem is
// reported when no earlier layer holds the key).
// write: to the keychain (the durable layer); writeSession() keeps a value in memory only.
// remove: from every layer; the result is the last layer's (the keychain's) unless an earlier
// layer failed.
//
// bindOrigins() puts an OriginBoundSecretStore over each layer (docs/security.md): a secret is
// then given out only for the origin it was entered for. A session value withheld that way
// (OriginChanged) is the answer: the keychain is not asked behind it.
class ChainedSecretStore : public SecretStore {
    Q_OBJECT
public:
    // Which layer answered a read.
    enum class Layer { None, Session, Keychain };
    using TracedCallback = std::function<void(const SecretResult&, Layer)>;

    // The real chain: a MemorySecretStore, then a KeychainSecretStore (both owned).
    explicit ChainedSecretStore(QObject* parent = nullptr);
    // Any two stores (tests; not owned, must outlive this).
    ChainedSecretStore(SecretStore* session, SecretStore* keychain, QObject* parent = nullptr);
    ~ChainedSecretStore() override;

    void read(const QString& key, Callback done) override;
    // As read, and says which layer held the value (Layer::None when none did).
    void readTraced(const QString& key, TracedCallback done);
    void write(const QString& key, const QByteArray& value, Callback done) override;
    void writeSession(const QString& key, const QByteArray& value, Callback done);
    void remove(const QString& key, Callback done) override;
    QString backendName() const override { return QStringLiteral("session+keychain"); }

    SecretStore* session() const { return m_session; }
    SecretStore* keychain() const { return m_keychain; }

    // From now on every layer binds its secrets to origins; resolver says where a key would be
    // sent now ("" = not bound: passes through). session() and keychain() are then the bound
    // layers (OriginBoundSecretStore: confirmOrigin, writeFor).
    void bindOrigins(std::function<QString(const QString& key)> resolver);
    OriginBoundSecretStore* boundSession() const { return m_boundSession.get(); }
    OriginBoundSecretStore* boundKeychain() const { return m_boundKeychain.get(); }

private:
    std::unique_ptr<MemorySecretStore> m_ownedSession;
    std::unique_ptr<KeychainSecretStore> m_ownedKeychain;
    std::unique_ptr<OriginBoundSecretStore> m_boundSession;
    std::unique_ptr<OriginBoundSecretStore> m_boundKeychain;
    SecretStore* m_session;
    SecretStore* m_keychain;
};

} // namespace ops
