#pragma once

#include <QHash>
#include <QString>

namespace ops::sim {

// Fixed one-minute windows per key (client + path), like slowapi's "60/minute".
class RateLimiter {
public:
    struct Decision {
        bool allowed = true;
        int limit = 0;
        int remaining = 0;
        qint64 resetAtMs = 0;
    };

    explicit RateLimiter(int perMinute)
        : m_limit(perMinute)
    {
    }

    Decision hit(const QString& key, qint64 nowMs);
    Decision peek(const QString& key, qint64 nowMs) const;
    int limit() const { return m_limit; }

private:
    struct Window {
        qint64 startMs = 0;
        int used = 0;
    };
    int m_limit;
    QHash<QString, Window> m_windows;
};

} // namespace ops::sim
