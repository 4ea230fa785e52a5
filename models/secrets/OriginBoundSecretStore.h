#pragma once

#include "models/domain/Target.h"
#include "models/secrets/SecretStore.h"

#include <QPointer>
#include <functional>

namespace ops {

// Binds every secret to the origin (scheme://host:port) it was entered for, over another store
// (the keychain, or this session's memory). Next to each bound secret KEY it keeps KEY + "/origin"
// in the same store. A read answers OriginChanged (and not the value) when the origin the
// secret would go to now differs from the bound one: a target edited or imported to point
// elsewhere does not take its old keys along. The operator then confirms (confirmOrigin) or
// enters the secret again (write binds it to the new origin).
//
// The resolver says, for a key, where that secret would be sent now ("" = the key is not bound
// to anything, e.g. an unknown target: the value passes through). A secret stored before
// bindings existed (no "/origin" entry) is bound on its first read to the origin it has then;
// commands that change a target's origin call bindIfUnbound with the old origin first, so such
// a secret stays with its old address.
class OriginBoundSecretStore : public SecretStore {
    Q_OBJECT
public:
    using OriginResolver = std::function<QString(const QString& key)>;

    OriginBoundSecretStore(SecretStore* inner, OriginResolver resolver, QObject* parent = nullptr);

    void read(const QString& key, Callback done) override;
    void write(const QString& key, const QByteArray& value, Callback done) override;
    void remove(const QString& key, Callback done) override;
    QString backendName() const override { return m_inner->backendName(); }

    // Writes a secret entered for origin (a form whose target is not saved yet).
    void writeFor(const QString& key, const QByteArray& value, const QString& origin,
                  Callback done);
    // The operator said the secret under key may go to the origin it would go to now.
    // NotFound when there is no such secret.
    void confirmOrigin(const QString& key, Callback done);
    // Binds a secret that has no binding yet to origin (the target's origin before a change).
    // Done with None also when it was bound already or does not exist.
    void bindIfUnbound(const QString& key, const QString& origin, Callback done);
    // Where the secret under key is bound (value = the origin), NotFound when unbound.
    void readBinding(const QString& key, Callback done);

    static QString bindingKey(const QString& key) { return key + QStringLiteral("/origin"); }

private:
    bool answeredWithoutInner(const Callback& done);

    QPointer<SecretStore> m_inner;
    OriginResolver m_resolver;
};

// A secret typed for a target about to be saved: bound to origin when store binds origins,
// written as is otherwise.
void writeSecretFor(SecretStore* store, const QString& key, const QByteArray& value,
                    const QString& origin, SecretStore::Callback done);

// Before `target` changes (an edit, an import): binds each of its secrets that has no binding yet
// to the origin it has now, so the change cannot carry it along. done() once, after all.
void bindSecretsBeforeChange(SecretStore* store, const Target& target, std::function<void()> done);

// Synchronous helpers for the command line (as readSecretSync).
SecretResult confirmOriginSync(OriginBoundSecretStore& store, const QString& key,
                               int timeoutMs = 30000);
SecretResult bindIfUnboundSync(OriginBoundSecretStore& store, const QString& key,
                               const QString& origin, int timeoutMs = 30000);

} // namespace ops
