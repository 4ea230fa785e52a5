#pragma once

#include "models/secrets/SecretStore.h"

#include <QHash>

namespace ops {

// Secrets in memory only: unit tests, and the keys an operator enters "for this session only"
// when the keychain is unavailable. Lost when the process ends; never written anywhere.
class MemorySecretStore : public SecretStore {
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString& key, Callback done) override;
    void write(const QString& key, const QByteArray& value, Callback done) override;
    void remove(const QString& key, Callback done) override;
    QString backendName() const override { return QStringLiteral("memory"); }

    bool contains(const QString& key) const { return m_values.contains(key); }
    // Tests: make every later call fail with this error (None: work again).
    void setFailure(SecretError error) { m_failure = error; }

private:
    void answer(Callback done, SecretResult result);

    QHash<QString, QByteArray> m_values;
    SecretError m_failure = SecretError::None;
};

} // namespace ops
