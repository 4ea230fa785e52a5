#include "models/net/TargetPollerOptions.h"

namespace ops {

PollerOptions pollerOptionsFor(const Target& target, const QByteArray& apiKey)
{
    PollerOptions options;
    options.baseUrl = target.baseUrl;
    options.intervalMs = target.intervalMs;
    options.connectTimeoutMs = target.connectTimeoutMs;
    options.readTimeoutMs = target.readTimeoutMs;
    options.apiKey = apiKey;
    options.trustedCertSha256 = target.trustedCertSha256;
    options.allowPlainHttp = target.allowPlainHttp;
    options.forcedDialect = target.dialect;
    return options;
}

} // namespace ops
