#pragma once

#include "models/net/ApiRequest.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace ops {

class Clock;
class MetricsIngestor;
class SignalBoard;

// One poll of a gateway during a window: health and the request signals.
struct GatewaySample {
    qint64 timeMs = 0;
    bool answered = false; // /health/detailed gave an HTTP answer
    bool healthy = false;  // every component healthy
    QString healthText;    // the worst component and its word, or the problem
    std::optional<double> latencyS;
    std::optional<double> errorRatio;
    bool metricsStub = false; // /metrics answered the JSON stub
};

// Latency and error figures over a window of polls (before or after a deploy).
struct WindowStats {
    int polls = 0;
    int healthyPolls = 0;
    bool healthKnown = true; // false for a window read from the metrics history
    int answeredPolls = 0;
    std::optional<double> avgLatencyS; // mean of the polls' average latencies
    std::optional<double> errorRatio;  // mean of the polls' error ratios
    bool metricsStub = false;          // /metrics was the JSON stub: its latency is a constant
    qint64 startMs = 0;
    qint64 endMs = 0;
};

// The same figures from a history the console already holds (the watched target's signals) over
// [t0Ms, t1Ms]: nullopt when the history has no latency and no error ratio in that window.
std::optional<WindowStats> windowStatsFromHistory(const SignalBoard& history, qint64 t0Ms,
                                                  qint64 t1Ms);

// Polls /health/detailed and /metrics `polls` times, intervalMs apart, and summarises the
// window. Latency and errors come from the metrics (Δsum/Δcount, server errors / requests),
// with the health body's avg_response_time as a fallback.
class GatewaySampler : public QObject {
    Q_OBJECT

public:
    GatewaySampler(QNetworkAccessManager* network, const Clock* clock, QObject* parent = nullptr);
    ~GatewaySampler() override;

    void setBaseUrl(const QUrl& url) { m_baseUrl = url; }
    void setApiKey(const ApiKey& key) { m_policy.key = key; }
    // The gateway's transport rules (pin, plain http, deadlines). The health body is capped at
    // the policy's maxBodyBytes, the metrics body at 16 MB (as the monitor's poller).
    void setPolicy(const ConnectionPolicy& policy) { m_policy = policy; }
    const ConnectionPolicy& policy() const { return m_policy; }
    // The read deadline (and at most the connect deadline) of every request.
    void setTimeoutMs(int ms);
    void start(int polls, int intervalMs);
    void stop();
    bool isRunning() const { return m_running; }
    const WindowStats& stats() const { return m_stats; }

signals:
    void sampled(int index, const ops::GatewaySample& sample);
    void finished(const ops::WindowStats& stats);

private:
    void poll();
    void healthDone(const ApiResult<ApiResponse>& r);
    void metricsDone(const ApiResult<ApiResponse>& r);
    void pollDone();

    const Clock* m_clock;
    QUrl m_baseUrl;
    ConnectionPolicy m_policy;
    ApiCaller m_calls;
    int m_polls = 0;
    int m_done = 0;
    bool m_running = false;
    QTimer m_timer;
    std::unique_ptr<MetricsIngestor> m_ingestor;
    int m_pending = 0;
    GatewaySample m_current;
    WindowStats m_stats;
    double m_latencySum = 0;
    int m_latencyCount = 0;
    double m_errorSum = 0;
    int m_errorCount = 0;
};

} // namespace ops
