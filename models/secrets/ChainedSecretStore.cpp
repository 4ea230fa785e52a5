#include "models/secrets/ChainedSecretStore.h"

#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"

#include <QPointer>

namespace ops {

ChainedSecretStore::ChainedSecretStore(QObject* parent)
    : SecretStore(parent)
    , m_ownedSession(std::make_unique<MemorySecretStore>())
    , m_ownedKeychain(std::make_unique<KeychainSecretStore>())
    , m_session(m_ownedSession.get())
    , m_keychain(m_ownedKeychain.get())
{
}

ChainedSecretStore::ChainedSecretStore(SecretStore* session, SecretStore* keychain, QObject* parent)
    : SecretStore(parent)
    , m_session(session)
    , m_keychain(keychain)
{
}

ChainedSecretStore::~ChainedSecretStore() = default;

void ChainedSecretStore::bindOrigins(std::function<QString(const QString& key)> resolver)
{
    if (m_boundSession)
        return;
    m_boundSession = std::make_unique<OriginBoundSecretStore>(m_session, resolver);
    m_boundKeychain = std::make_unique<OriginBoundSecretStore>(m_keychain, std::move(resolver));
    m_session = m_boundSession.get();
    m_keychain = m_boundKeychain.get();
}

void ChainedSecretStore::read(const QString& key, Callback done)
{
    readTraced(key, [done = std::move(done)](const SecretResult& result, Layer) {
        if (done)
            done(result);
    });
}

void ChainedSecretStore::readTraced(const QString& key, TracedCallback done)
{
    // The layers answer later (never inside the call), so this store may be gone by then.
    QPointer<ChainedSecretStore> self(this);
    m_session->read(key, [self, key, done = std::move(done)](const SecretResult& session) {
        if (session.ok() || session.error == SecretError::OriginChanged) {
            if (done)
                done(session, session.ok() ? Layer::Session : Layer::None);
            return;
        }
        if (!self) {
            if (done)
                done({SecretError::Other, QStringLiteral("the secret store closed"), {}},
                     Layer::None);
            return;
        }
        self->m_keychain->read(key, [done](const SecretResult& keychain) {
            if (done)
                done(keychain, keychain.ok() ? Layer::Keychain : Layer::None);
        });
    });
}

void ChainedSecretStore::write(const QString& key, const QByteArray& value, Callback done)
{
    m_keychain->write(key, value, std::move(done));
}

void ChainedSecretStore::writeSession(const QString& key, const QByteArray& value, Callback done)
{
    m_session->write(key, value, std::move(done));
}

void ChainedSecretStore::remove(const QString& key, Callback done)
{
    QPointer<ChainedSecretStore> self(this);
    m_session->remove(key, [self, key, done = std::move(done)](const SecretResult& session) {
        if (!self) {
            if (done)
                done(session);
            return;
        }
        self->m_keychain->remove(key, [session, done](const SecretResult& keychain) {
            if (done)
                done(session.ok() || session.error == SecretError::NotFound ? keychain : session);
        });
    });
}

} // namespace ops
