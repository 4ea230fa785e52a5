#pragma once

#include <QByteArray>
#include <QString>

class QDebug;

namespace ops {

// A secret an API is called with (gateway API key, Render API key, bearer token). One type for
// every client, so a key is never a bare string that could be logged, compared by accident or
// printed: it has no toString() and QDebug shows "ApiKey(set)" / "ApiKey(empty)". The bytes come
// out only through reveal(), for the one header that carries them.
class ApiKey {
public:
    ApiKey() = default;
    explicit ApiKey(QByteArray secret)
        : m_secret(secret.trimmed())
    {
    }
    // From text typed or read from the keychain (UTF-8, trimmed).
    static ApiKey fromText(const QString& text) { return ApiKey(text.toUtf8()); }

    bool isEmpty() const { return m_secret.isEmpty(); }
    // The secret itself: only for the request header (and the keychain).
    const QByteArray& reveal() const { return m_secret; }
    // "Bearer <secret>", or empty for an empty key.
    QByteArray bearerHeader() const;

    bool operator==(const ApiKey& other) const = default;

private:
    QByteArray m_secret;
};

QDebug operator<<(QDebug debug, const ApiKey& key);

} // namespace ops
