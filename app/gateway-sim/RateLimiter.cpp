#include "app/gateway-sim/RateLimiter.h"

#include <algorithm>

namespace ops::sim {

namespace {
constexpr qint64 kWindowMs = 60000;
}

RateLimiter::Decision RateLimiter::hit(const QString& key, qint64 nowMs)
{
    Window& w = m_windows[key];
    if (w.used == 0 || nowMs - w.startMs >= kWindowMs) {
        w.startMs = nowMs;
        w.used = 0;
    }
    Decision d;
    d.limit = m_limit;
    d.resetAtMs = w.startMs + kWindowMs;
    if (w.used >= m_limit) {
        d.allowed = false;
        d.remaining = 0;
        return d;
    }
    ++w.used;
    d.remaining = std::max(0, m_limit - w.used);
    return d;
}

RateLimiter::Decision RateLimiter::peek(const QString& key, qint64 nowMs) const
{
    Decision d;
    d.limit = m_limit;
    d.remaining = m_limit;
    d.resetAtMs = nowMs + kWindowMs;
    const auto it = m_windows.constFind(key);
    if (it != m_windows.cend() && nowMs - it->startMs < kWindowMs) {
        d.remaining = std::max(0, m_limit - it->used);
        d.resetAtMs = it->startMs + kWindowMs;
    }
    return d;
}

} // namespace ops::sim
