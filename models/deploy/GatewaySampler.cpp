#include "models/deploy/GatewaySampler.h"

#include "models/domain/Clock.h"
#include "models/health/HealthDecoder.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SignalEngine.h"
#include "models/monitor/MetricsIngestor.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <cmath>

namespace ops {

namespace {
constexpr qint64 kMaxMetricsBytes = 16 * 1024 * 1024; // as the monitor's poller
} // namespace

std::optional<WindowStats> windowStatsFromHistory(const SignalEngine& history, qint64 t0Ms,
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
    , m_network(network)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &GatewaySampler::poll);
}

GatewaySampler::~GatewaySampler()
{
    stop();
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
    m_ingestor = std::make_unique<MetricsIngestor>(); // a fresh engine for this window
    m_timer.setInterval(std::max(1, intervalMs));
    poll();
}

void GatewaySampler::stop()
{
    m_running = false;
    m_timer.stop();
    m_ingestor.reset(); // a body still being parsed answers nobody
    for (QPointer<QNetworkReply>* r : {&m_health, &m_metrics}) {
        if (*r) {
            QNetworkReply* reply = *r;
            *r = nullptr;
            reply->disconnect(this);
            reply->abort();
            reply->deleteLater();
        }
    }
    m_pending = 0;
}

void GatewaySampler::fetch(const QString& path, QNetworkReply** slot)
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/'))) {
        base.chop(1);
    }
    url.setPath(base + path);
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    if (!m_apiKey.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    }
    QNetworkReply* reply = m_network->get(request);
    *slot = reply;
    ++m_pending;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const QByteArray body = reply->readAll();
        const qint64 now = m_clock->nowMs();
        if (reply == m_health) {
            m_health = nullptr;
            m_current.answered = status.isValid();
            if (!status.isValid()) {
                m_current.healthText =
                    QCoreApplication::translate("ops::GatewaySampler", "no answer from %1: %2")
                        .arg(reply->url().path(), reply->errorString());
            } else {
                const HealthDecodeResult decoded = decodeHealth(body);
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
        } else if (reply == m_metrics) {
            m_metrics = nullptr;
            if (status.isValid() && status.toInt() == 200 && m_ingestor) {
                // Parsed on the ingestor's thread; this poll is done when it answers.
                const QByteArray type =
                    reply->header(QNetworkRequest::ContentTypeHeader).toString().toUtf8();
                m_current.metricsStub =
                    detectMetricsFormat(std::string_view(body.constData(), size_t(body.size())),
                                        std::string_view(type.constData(), size_t(type.size()))) ==
                    MetricsFormat::JsonStub;
                m_ingestor->ingest(
                    now, body, type, kMaxMetricsBytes, [this](MetricsIngestOutcome outcome) {
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
        }
        if (--m_pending == 0) {
            pollDone();
        }
    });
}

void GatewaySampler::poll()
{
    if (!m_running) {
        return;
    }
    m_current = {};
    m_current.timeMs = m_clock->nowMs();
    QNetworkReply* metrics = nullptr;
    QNetworkReply* health = nullptr;
    fetch(QStringLiteral("/metrics"), &metrics);
    m_metrics = metrics;
    fetch(QStringLiteral("/health/detailed"), &health);
    m_health = health;
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
