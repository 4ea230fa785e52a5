#pragma once

#include <QMetaType>
#include <QString>

namespace ops {

// What the console knows about its link to a gateway, shown everywhere (status bar, CLI).
enum class ConnectionState {
    Connecting,  // no answer yet
    Up,          // health and metrics answered, all components healthy
    Degraded,    // answered, but the gateway or a component reports degraded / down
    Stale,       // no successful poll for several intervals: data shown is old
    Unreachable, // connection refused, host not found, network error
    Timeout,     // connect or read timeout
    AuthFailed,  // 401 / 403
    RateLimited, // 429 (Retry-After honoured)
    Waking,      // slow first answer after idleness (Render free tier waking up)
    Error,       // HTTP 5xx or another unexpected status
    BadResponse, // a body that cannot be decoded, or one over the size cap
};

QString connectionStateName(ConnectionState state);
// True when the gateway answered with usable data (up or degraded).
bool isAnswering(ConnectionState state);

} // namespace ops

Q_DECLARE_METATYPE(ops::ConnectionState)
