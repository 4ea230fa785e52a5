#pragma once

#include <QtGlobal>
#include <random>

namespace ops {

// Delay before the next poll after consecutive failures:
//   base  = min(interval × 2^(failures-1), maxBackoff)
//   delay = base × uniform(1 - jitter, 1 + jitter), then clamped to [interval, maxBackoff].
// No failures: exactly the interval. The RNG is seedable so tests are deterministic.
class Backoff {
public:
    explicit Backoff(quint32 seed = std::random_device{}())
        : m_rng(seed)
    {
    }
    void setSeed(quint32 seed) { m_rng.seed(seed); }

    int delayMs(int consecutiveFailures, int intervalMs, int maxBackoffMs);
    static int baseDelayMs(int consecutiveFailures, int intervalMs, int maxBackoffMs);

    static constexpr double jitter = 0.2;

private:
    std::mt19937 m_rng;
};

} // namespace ops
