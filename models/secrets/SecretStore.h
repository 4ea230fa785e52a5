#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>

namespace ops {

// Why a secret operation failed. NoBackend / Locked / AccessDenied are the keychain's state
// (the UI shows a banner and offers a key for this session only); nothing falls back to a file.
enum class SecretError {
    None,
    NotFound,     // no entry under this key
    NoBackend,    // no keychain service (no Secret Service / KWallet on the session bus)
    Locked,       // the keychain is locked and could not be unlocked
    AccessDenied, // the keychain refused (or the user said no)
    Other,
    // The secret was entered for another origin than the one it would go to now (the target's
    // URL changed): it is not given out until the operator confirms or re-enters it
    // (OriginBoundSecretStore; errorText names both origins).
    OriginChanged,
};

struct SecretResult {
    SecretError error = SecretError::None;
    QString errorText; // the backend's words (never contains the secret)
    QByteArray value;  // read: the secret
    bool ok() const { return error == SecretError::None; }
};

// A short, operator-facing sentence for an error: what happened and what to do.
QString secretErrorMessage(SecretError error);
// "no_backend", "locked", ... for scripts and logs.
QString secretErrorName(SecretError error);

// Where secrets live (API keys, deploy hook URLs). Asynchronous: done is called exactly once,
// later (never from inside the call). Implementations never log a value, only key names.
class SecretStore : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const SecretResult&)>;
    using QObject::QObject;
    ~SecretStore() override = default;

    virtual void read(const QString& key, Callback done) = 0;
    virtual void write(const QString& key, const QByteArray& value, Callback done) = 0;
    virtual void remove(const QString& key, Callback done) = 0;
    // "keychain", "memory".
    virtual QString backendName() const = 0;
};

// Synchronous helpers for the command line: run a local event loop until done (or timeoutMs).
// runSecretSync: start one asynchronous call with its callback and wait for it.
SecretResult runSecretSync(const std::function<void(SecretStore::Callback)>& start, int timeoutMs);
SecretResult readSecretSync(SecretStore& store, const QString& key, int timeoutMs = 30000);
SecretResult writeSecretSync(SecretStore& store, const QString& key, const QByteArray& value,
                             int timeoutMs = 30000);
SecretResult removeSecretSync(SecretStore& store, const QString& key, int timeoutMs = 30000);

} // namespace ops
