#pragma once

#include "models/domain/Target.h"
#include "models/net/Poller.h"

namespace ops {

// The poller's options for a saved target (URL, interval, timeouts, TLS trust, plain-http
// permission, forced dialect) and its API key (from the SecretStore; may be empty).
PollerOptions pollerOptionsFor(const Target& target, const QByteArray& apiKey = {});

} // namespace ops
