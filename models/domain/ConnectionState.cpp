#include "models/domain/ConnectionState.h"

namespace ops {

QString connectionStateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connecting:
        return QStringLiteral("connecting");
    case ConnectionState::Up:
        return QStringLiteral("up");
    case ConnectionState::Degraded:
        return QStringLiteral("degraded");
    case ConnectionState::Stale:
        return QStringLiteral("stale");
    case ConnectionState::Unreachable:
        return QStringLiteral("unreachable");
    case ConnectionState::Timeout:
        return QStringLiteral("timeout");
    case ConnectionState::AuthFailed:
        return QStringLiteral("auth_failed");
    case ConnectionState::RateLimited:
        return QStringLiteral("rate_limited");
    case ConnectionState::Waking:
        return QStringLiteral("waking");
    case ConnectionState::Error:
        return QStringLiteral("error");
    case ConnectionState::BadResponse:
        return QStringLiteral("bad_response");
    }
    return QStringLiteral("unknown");
}

bool isAnswering(ConnectionState state)
{
    return state == ConnectionState::Up || state == ConnectionState::Degraded;
}

} // namespace ops
