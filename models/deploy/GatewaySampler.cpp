#include "models/deploy/GatewaySampler.h"

#include "models/domain/Clock.h"
#include "models/health/HealthDecoder.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SignalBoard.h"
#include "models/monitor/MetricsIngestor.h"

#include "models/net/ApiUrl.h"
#include <QCoreApplication>

#include <cmath>

namespace ops {

namespace {
constexpr qint64 kMaxMetricsBytes = 16 * 1024 * 1024; // as the monitor's poller
} // namespace

std::optional<WindowStats> windowStatsFromHistory(const SignalBoard& history, qint64 t0Ms,
                                                  qint64 t1Ms)
{
    const SeriesStore& store = history.signalStore();
    std::vector<StorePoint> points;
    const auto meanOf = [&](SignalId id, int* count) -> std::optional<double> {
        const std::uint32_t series = history.signalSeries(id);
        if (series == SeriesStore::kNoSeries || !store.contains(series))
            return std::nullopt;
        store.points(series, t0Ms, t1Ms, points);
        double sum = 0;
        int n = 0;
        for (const StorePoint& p : points) {
            if (std::isfinite(p.v)) {
                sum += p.v;
                ++n;
            }
        }
        *count = std::max(*count, n);
        return n > 0 ? std::optional<double>(sum / n) : std::nullopt;
    };
    WindowStats stats;
    stats.startMs = t0Ms;
    stats.endMs = t1Ms;
    int polls = 0;
    stats.avgLatencyS = meanOf(SignalId::LatencyAvg, &polls);
    stats.errorRatio = meanOf(SignalId::ErrorRatio, &polls);
    if (!stats.avgLatencyS && !stats.errorRatio)
        return std::nullopt;
    stats.polls = stats.answeredPolls = polls;
    stats.healthKnown = false;
    return stats;
}

GatewaySampler::GatewaySampler(QNetworkAccessManager* network, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_calls(network)
{
    m_policy.readTimeoutMs = 15000;
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &GatewaySampler::poll);
}

GatewaySampler::~GatewaySampler()
{
    stop();
}

void GatewaySampler::setTimeoutMs(int ms)
{
    m_policy.readTimeoutMs = ms;
    m_policy.connectTimeoutMs = std::min(m_policy.connectTimeoutMs, ms);
}

void GatewaySampler::start(int polls, int intervalMs)
{
    stop();
    m_polls = std::max(1, polls);
    m_done = 0;
    m_running = true;
    m_stats = {};
    m_stats.startMs = m_clock->nowMs();
    m_latencySum = m_errorSum = 0;
    m_latencyCount = m_errorCount = 0;
    m_ingestor = std::make_unique<MetricsIngestor>(); // a fresh deriver for this window
    m_timer.setInterval(std::max(1, intervalMs));
    poll();
}

void GatewaySampler::stop()
{
    m_running = false;
    m_timer.stop();
    m_ingestor.reset(); // a body still being parsed answers nobody
    m_calls.cancelAll();
    m_pending = 0;
}

void GatewaySampler::healthDone(const ApiResult<ApiResponse>& r)
{
    const bool answered = r.ok || r.error.kind == ApiErrorKind::Http;
    m_current.answered = answered;
    if (!answered) {
        m_current.healthText =
            QCoreApplication::translate("ops::GatewaySampler", "no answer from %1: %2")
                .arg(QStringLiteral("/health/detailed"), r.error.message);
    } else {
        const HealthDecodeResult decoded = decodeHealth(r.value.body);
        if (!decoded.ok) {
            m_current.healthText = decoded.error;
        } else {
            const HealthSnapshot& s = decoded.snapshot;
            m_current.healthy = s.worst() == HealthState::Healthy;
            QStringList bad;
            for (const ComponentHealth& c : s.components) {
                if (c.state != HealthState::Healthy) {
                    bad << c.name + QLatin1Char(' ') + c.rawStatus;
                }
            }
            m_current.healthText =
                bad.isEmpty() ? healthStateName(s.worst()) : bad.join(QStringLiteral(", "));
            if (!m_current.latencyS && s.avgResponseTimeSeconds) {
                m_current.latencyS = s.avgResponseTimeSeconds;
            }
        }
    }
    if (--m_pending == 0) {
        pollDone();
    }
}

void GatewaySampler::metricsDone(const ApiResult<ApiResponse>& r)
{
    if (r.ok && r.value.status == 200 && m_ingestor) {
        // Parsed on the ingestor's thread; this poll is done when it answers.
        const QByteArray type = r.value.header("Content-Type");
        const QByteArray& body = r.value.body;
        m_current.metricsStub =
            detectMetricsFormat(std::string_view(body.constData(), size_t(body.size())),
                                std::string_view(type.constData(), size_t(type.size()))) ==
            MetricsFormat::JsonStub;
        m_ingestor->ingest(m_clock->nowMs(), body, type, kMaxMetricsBytes,
                           [this](MetricsIngestOutcome outcome) {
                               if (outcome.frame) {
                                   const auto& latest = outcome.frame->latest;
                                   const double latency = latest[std::size_t(SignalId::LatencyAvg)];
                                   const double errors = latest[std::size_t(SignalId::ErrorRatio)];
                                   if (std::isfinite(latency)) // preferred over health
                                       m_current.latencyS = latency;
                                   if (std::isfinite(errors))
                                       m_current.errorRatio = errors;
                               }
                               if (--m_pending == 0)
                                   pollDone();
                           });
        return;
    }
    if (--m_pending == 0) {
        pollDone();
    }
}

void GatewaySampler::poll()
{
    if (!m_running) {
        return;
    }
    m_current = {};
    m_current.timeMs = m_clock->nowMs();
    ApiRequest metrics = ApiRequest::get(routeUrl(m_baseUrl, QStringLiteral("/metrics")), m_policy);
    metrics.accept = "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;"
                     "q=0.5,*/*;q=0.1";
    metrics.policy.maxBodyBytes = kMaxMetricsBytes;
    m_pending = 2;
    m_calls.send(metrics, [this](const ApiResult<ApiResponse>& r) { metricsDone(r); });
    m_calls.send(ApiRequest::get(routeUrl(m_baseUrl, QStringLiteral("/health/detailed")), m_policy),
                 [this](const ApiResult<ApiResponse>& r) { healthDone(r); });
}

void GatewaySampler::pollDone()
{
    ++m_done;
    ++m_stats.polls;
    m_stats.answeredPolls += m_current.answered ? 1 : 0;
    m_stats.healthyPolls += m_current.healthy ? 1 : 0;
    m_stats.metricsStub = m_stats.metricsStub || m_current.metricsStub;
    if (m_current.latencyS) {
        m_latencySum += *m_current.latencyS;
        ++m_latencyCount;
        m_stats.avgLatencyS = m_latencySum / m_latencyCount;
    }
    if (m_current.errorRatio) {
        m_errorSum += *m_current.errorRatio;
        ++m_errorCount;
        m_stats.errorRatio = m_errorSum / m_errorCount;
    }
    m_stats.endMs = m_clock->nowMs();
    emit sampled(m_done - 1, m_current);
    if (m_done >= m_polls) {
        m_running = false;
        emit finished(m_stats);
        return;
    }
    if (m_running) {
        m_timer.start();
    }
}

} // namespace ops
