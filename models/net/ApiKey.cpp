#include "models/net/ApiKey.h"

#include <QDebug>

namespace ops {

QByteArray ApiKey::bearerHeader() const
{
    return m_secret.isEmpty() ? QByteArray() : QByteArrayLiteral("Bearer ") + m_secret;
}

QDebug operator<<(QDebug debug, const ApiKey& key)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << (key.isEmpty() ? "ApiKey(empty)" : "ApiKey(set)");
    return debug;
}

} // namespace ops
