#pragma once

#include "models/secrets/SecretStore.h"

namespace ops {

// The OS keychain through QtKeychain (Secret Service / KWallet on Linux), service
// "org.bhiv.OpsConsole". The insecure fallback (a plain-text settings file) is off: without a
// backend every call fails with NoBackend and nothing is written.
class KeychainSecretStore : public SecretStore {
    Q_OBJECT
public:
    static constexpr const char* kService = "org.bhiv.OpsConsole";

    explicit KeychainSecretStore(QObject* parent = nullptr);

    void read(const QString& key, Callback done) override;
    void write(const QString& key, const QByteArray& value, Callback done) override;
    void remove(const QString& key, Callback done) override;
    QString backendName() const override { return QStringLiteral("keychain"); }
};

} // namespace ops
