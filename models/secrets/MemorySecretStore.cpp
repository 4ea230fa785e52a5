#include "models/secrets/MemorySecretStore.h"

#include "models/domain/Logging.h"

#include <QTimer>

namespace ops {

void MemorySecretStore::answer(Callback done, SecretResult result)
{
    QTimer::singleShot(0, this, [done = std::move(done), result = std::move(result)] {
        if (done)
            done(result);
    });
}

void MemorySecretStore::read(const QString& key, Callback done)
{
    qCDebug(lcSecrets) << "memory read" << key;
    if (m_failure != SecretError::None)
        return answer(std::move(done), {m_failure, secretErrorMessage(m_failure), {}});
    const auto it = m_values.constFind(key);
    if (it == m_values.cend())
        return answer(std::move(done), {SecretError::NotFound, QString(), {}});
    answer(std::move(done), {SecretError::None, QString(), *it});
}

void MemorySecretStore::write(const QString& key, const QByteArray& value, Callback done)
{
    qCDebug(lcSecrets) << "memory write" << key;
    if (m_failure != SecretError::None)
        return answer(std::move(done), {m_failure, secretErrorMessage(m_failure), {}});
    m_values.insert(key, value);
    answer(std::move(done), {});
}

void MemorySecretStore::remove(const QString& key, Callback done)
{
    qCDebug(lcSecrets) << "memory remove" << key;
    if (m_failure != SecretError::None)
        return answer(std::move(done), {m_failure, secretErrorMessage(m_failure), {}});
    m_values.remove(key);
    answer(std::move(done), {});
}

} // namespace ops
