#pragma once

#include "models/domain/Clock.h"
#include "models/domain/ConnectionState.h"
#include "models/domain/Dialect.h"
#include "models/domain/HealthSnapshot.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace ops {

struct PollerOptions {
    QUrl baseUrl;                // gateway base, e.g. http://127.0.0.1:8000
    int intervalMs = 5000;       // poll interval
    int connectTimeoutMs = 5000; // until the request is sent
    int readTimeoutMs = 10000;   // whole answer after the request is sent
    int wakeTimeoutMs = 75000;   // first answer after idleness (Render free tier: 30-60 s)
    int wakingAfterMs = 3000;    // a first answer slower than this shows "waking"
    qint64 idleBeforeWakeMs = 15 * 60 * 1000; // no success for this long counts as idle again
    qint64 maxBodyBytes = 16 * 1024 * 1024;   // response-size cap
    // Cap of the exponential backoff on failures; 0 (or anything under the interval): the
    // interval, so a gateway that comes back shows up within one interval. The gateway slows
    // the console down itself with Retry-After (429, 503).
    int maxBackoffMs = 0;
    int staleAfterIntervals = 3; // no success for this many intervals: data is stale
    QByteArray apiKey;           // sent as Authorization: Bearer when not empty (never logged)
    // TLS: verification is always on; a certificate error stops the connection unless the peer
    // certificate's SHA-256 equals this (32 raw bytes; empty = system trust only).
    QByteArray trustedCertSha256;
    // Plain http is refused unless the host is loopback (127.0.0.0/8, ::1, localhost) or this is
    // set. A redirect from https to http is always refused.
    bool allowPlainHttp = false;
    Dialect forcedDialect = Dialect::Unknown; // Unknown: detect from the answers
};

// One completed poll of /health/detailed and /metrics.
struct PollResult {
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
    ConnectionState state = ConnectionState::Connecting;
    QString detail;                       // human-readable reason for a non-up state
    Dialect dialect = Dialect::Unknown;   // detected from the bodies and headers
    std::optional<HealthSnapshot> health; // decoded health, when it answered usable JSON
    int healthHttpStatus = 0;
    int metricsHttpStatus = 0;
    QByteArray metricsBody; // raw (already gunzipped) /metrics body
    QByteArray metricsContentType;
    QString gatewayVersion;     // X-Gateway-Version or the health body's version
    qint64 healthLatencyMs = 0; // round trip of /health/detailed
    // A TLS certificate the poller refused (not trusted, or another than the trusted one):
    // its SHA-256, so the operator can decide to trust it. Empty otherwise.
    QByteArray rejectedCertSha256;
    QByteArray rejectedCertificateDer; // the same certificate (DER), described before trusting it
};

// What a metrics consumer made of a /metrics body.
struct MetricsVerdict {
    QString problem;                    // why it is not metrics; empty: it is
    QByteArray body;                    // the body as text (inflated), for PollResult
    Dialect dialect = Dialect::Unknown; // what the body alone tells (detectDialect)
};

// Polls a gateway on an interval with timeouts, a size cap, backoff with jitter and
// Retry-After, and reports a ConnectionState. Knows nothing about charts or widgets.
//
// State semantics (state() and stateChanged):
// - Connecting until the first poll completes. Each completed poll sets the state from its two
//   answers (health decides; metrics failing at the HTTP/network level only adds "metrics
//   unavailable (...)" to the detail, a metrics body that is too large, badly gzipped or
//   rejected by parseMetrics is BadResponse). stateChanged precedes pollFinished.
// - Waking: only in wake mode (no success yet, or none for idleBeforeWakeMs). Wake mode reads
//   with max(wakeTimeoutMs, readTimeoutMs); once wakingAfterMs pass with a sent request still
//   unanswered, the state turns Waking while the poll is still in flight.
// - Stale: replaces Up/Degraded only, when no poll completed for staleAfterIntervals × interval
//   (clock time), checked by a timer, at each poll start and by checkStale(). Failure states
//   (unreachable, timeout, ...) are more specific and are never replaced by Stale;
//   isDataStale() tells separately that the data shown is old.
// - Next delay: interval after a success; after n consecutive failed polls
//   min(interval × 2^(n-1), maxBackoffMs) × (1 ± 20% jitter), clamped to [interval,
//   maxBackoffMs] (by default maxBackoffMs is 0: every interval); a 429's or 503's Retry-After
//   (seconds or HTTP-date, capped at 1 h, at least the interval) replaces it. A success resets
//   the count.
// - Redirects: followed by hand within the same scheme/host/port (at most 5, key kept); a
//   redirect to another origin is not followed (Error) so the key never leaves the origin.
class Poller : public QObject {
    Q_OBJECT
public:
    Poller(QNetworkAccessManager* network, const Clock* clock, PollerOptions options,
           QObject* parent = nullptr);
    ~Poller() override;

    const PollerOptions& options() const { return m_options; }
    void setOptions(const PollerOptions& options);

    ConnectionState state() const { return m_state; }
    QString stateDetail() const { return m_detail; }
    Dialect dialect() const { return m_dialect; }
    // Clock time of the last poll that answered with usable data, 0 when never.
    qint64 lastSuccessMs() const { return m_lastSuccessMs; }
    // True when the data last received is older than staleAfterIntervals intervals.
    bool isDataStale() const;
    // Delay before the next poll as scheduled now (interval, backoff or Retry-After).
    int nextDelayMs() const { return m_nextDelayMs; }
    // True between start() and stop(): the poller polls on its interval.
    bool isPolling() const;
    // True while a poll (the two requests) is in flight.
    bool isPollInFlight() const;
    // Seeds the backoff jitter (tests: deterministic delays).
    void setRandomSeed(quint32 seed);

    // Reads each /metrics body that answered 200 at clock time timeMs, possibly on another thread,
    // and calls done (on this poller's thread, now or later) with what it was. The body may
    // still be gzip-compressed (the consumer inflates it under options().maxBodyBytes). A
    // verdict with a problem makes the poll bad_response. The poll stays in flight until done;
    // a verdict for a poll that was cancelled meanwhile is ignored. Without a consumer the body
    // is inflated and parsed once here and its samples dropped.
    using MetricsDone = std::function<void(MetricsVerdict verdict)>;
    using MetricsConsumer = std::function<void(qint64 timeMs, const QByteArray& body,
                                               const QByteArray& contentType, MetricsDone done)>;
    void setMetricsConsumer(MetricsConsumer consumer);

public slots:
    void start(); // poll now, then on the interval
    void stop();
    void pollNow(); // one poll now (ignored while one is in flight)
    // Re-evaluates staleness against the clock now (also run by an internal timer): an up or
    // degraded state turns Stale when no poll completed for staleAfterIntervals intervals.
    void checkStale();

signals:
    void pollFinished(const ops::PollResult& result);
    void stateChanged(ops::ConnectionState state, const QString& detail);

private:
    struct Impl;
    friend struct Impl;
    PollerOptions m_options;
    ConnectionState m_state = ConnectionState::Connecting;
    QString m_detail;
    Dialect m_dialect = Dialect::Unknown;
    qint64 m_lastSuccessMs = 0;
    int m_nextDelayMs = 0;
    Impl* m_impl;
};

// Detects the dialect from a decoded health body, the metrics content type / body and the
// X-Gateway-Version header.
Dialect detectDialect(const std::optional<HealthSnapshot>& health, const QByteArray& metricsBody,
                      const QByteArray& metricsContentType, const QString& gatewayVersion);

} // namespace ops

Q_DECLARE_METATYPE(ops::PollResult)
