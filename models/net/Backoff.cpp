#include "models/net/Backoff.h"

#include <algorithm>

namespace ops {

int Backoff::baseDelayMs(int consecutiveFailures, int intervalMs, int maxBackoffMs)
{
    const qint64 interval = std::max(intervalMs, 1);
    const qint64 cap = std::max<qint64>(maxBackoffMs, interval);
    if (consecutiveFailures <= 0)
        return static_cast<int>(interval);
    const int shift = std::min(consecutiveFailures - 1, 30);
    qint64 base = interval;
    for (int i = 0; i < shift && base < cap; ++i)
        base *= 2;
    return static_cast<int>(std::min(base, cap));
}

int Backoff::delayMs(int consecutiveFailures, int intervalMs, int maxBackoffMs)
{
    const int base = baseDelayMs(consecutiveFailures, intervalMs, maxBackoffMs);
    if (consecutiveFailures <= 0)
        return base;
    std::uniform_real_distribution<double> factor(1.0 - jitter, 1.0 + jitter);
    const qint64 interval = std::max(intervalMs, 1);
    const qint64 cap = std::max<qint64>(maxBackoffMs, interval);
    const auto jittered = static_cast<qint64>(base * factor(m_rng));
    return static_cast<int>(std::clamp(jittered, interval, cap));
}

} // namespace ops
