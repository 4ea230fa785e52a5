#include "monitor/TargetMonitor.h"

#include "net/Poller.h"

#include <cmath>

namespace ops {

TargetMonitor::TargetMonitor(Poller* poller, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_poller(poller)
    , m_signals(std::make_unique<SignalEngine>())
    , m_clock(clock)
{
    // The poller hands each /metrics body to the engine: parsed once, kept as signals.
    m_poller->setMetricsConsumer(
        [this](qint64 timeMs, const QByteArray& body, const QByteArray& contentType) {
            return ingestMetrics(timeMs, body, contentType);
        });
    connect(m_poller, &Poller::pollFinished, this, &TargetMonitor::onPollFinished);
    connect(m_poller, &Poller::stateChanged, this, &TargetMonitor::stateChanged);
}

void TargetMonitor::pollNow()
{
    m_poller->pollNow();
}

void TargetMonitor::ingestExternalSignals(qint64 timeMs,
                                          const std::array<double, kSignalCount>& values,
                                          bool notify)
{
    m_externalSignals = true;
    m_signals->ingestSignals(timeMs, values);
    if (notify)
        emit updated();
}

ConnectionState TargetMonitor::state() const
{
    return m_poller->state();
}

QString TargetMonitor::stateDetail() const
{
    return m_poller->stateDetail();
}

qint64 TargetMonitor::dataAgeMs() const
{
    return m_lastSuccessMs > 0 ? m_clock->nowMs() - m_lastSuccessMs : -1;
}

bool TargetMonitor::isDataStale() const
{
    if (m_lastSuccessMs == 0)
        return false;
    const PollerOptions& options = m_poller->options();
    return dataAgeMs() > qint64(options.staleAfterIntervals) * options.intervalMs ||
           !isAnswering(state());
}

void TargetMonitor::setMappingOverrides(const QMap<QString, QString>& overrides)
{
    std::vector<std::pair<std::string, std::string>> list;
    for (auto it = overrides.cbegin(); it != overrides.cend(); ++it)
        list.emplace_back(it.key().toStdString(), it.value().toStdString());
    m_signals->setMappingOverrides(std::move(list));
    m_exportsHistogram = !m_signals->mapping().latencyHistogram.empty();
}

QString TargetMonitor::ingestMetrics(qint64 timeMs, const QByteArray& body,
                                     const QByteArray& contentType)
{
    if (m_externalSignals)
        return {}; // the signals come from another data source
    const std::string_view bytes(body.constData(), size_t(body.size()));
    const std::string_view type(contentType.constData(), size_t(contentType.size()));
    const IngestResult ingested =
        m_signals->ingest(timeMs, bytes, detectMetricsFormat(bytes, type));
    m_metricsProblem.clear();
    if (!ingested.ok)
        return QString::fromStdString(ingested.error);
    m_ingestedThisPoll = true;
    if (ingested.malformedLines > 0)
        m_metricsProblem =
            tr("%n malformed line(s) in /metrics skipped", nullptr, int(ingested.malformedLines));
    return {};
}

void TargetMonitor::onPollFinished(const PollResult& result)
{
    if (result.dialect != Dialect::Unknown)
        m_dialect = result.dialect;
    if (!result.gatewayVersion.isEmpty())
        m_gatewayVersion = result.gatewayVersion;
    if (result.health) {
        m_health = result.health;
        m_healthCheckedMs = result.finishedMs;
    }
    if (isAnswering(result.state))
        m_lastSuccessMs = result.finishedMs;

    std::optional<double> latency;
    QString basis;
    if (m_ingestedThisPoll) {
        m_ingestedThisPoll = false;
        const double average = m_signals->latest(SignalId::LatencyAvg);
        m_exportsHistogram = !m_signals->mapping().latencyHistogram.empty();
        if (std::isfinite(average)) {
            latency = average;
            basis = m_exportsHistogram ? QStringLiteral("histogram") : QStringLiteral("stub");
        } else if (m_exportsHistogram && !m_latestLatency) {
            // One scrape only: the average since the gateway started, shown but not charted.
            const std::string_view body(result.metricsBody.constData(),
                                        size_t(result.metricsBody.size()));
            const std::string_view type(result.metricsContentType.constData(),
                                        size_t(result.metricsContentType.size()));
            const auto totals = latencyTotals(parseMetrics(body, detectMetricsFormat(body, type)));
            if (totals && totals->count > 0) {
                m_latestLatency = totals->sum / totals->count;
                m_latencyBasis = QStringLiteral("lifetime");
            }
        }
    } else if (result.metricsHttpStatus != 0 && result.metricsHttpStatus != 200) {
        m_metricsProblem = tr("/metrics answered HTTP %1").arg(result.metricsHttpStatus);
    }
    if (!latency && !m_exportsHistogram && result.health && result.health->avgResponseTimeSeconds) {
        latency = result.health->avgResponseTimeSeconds;
        basis = QStringLiteral("health");
    }
    if (latency) {
        m_latestLatency = latency;
        m_latencyBasis = basis;
        m_latencyHistory.append({result.finishedMs, *latency});
        if (m_latencyHistory.size() > kMaxHistoryPoints)
            m_latencyHistory.remove(0, m_latencyHistory.size() - kMaxHistoryPoints);
    }
    emit updated();
}

} // namespace ops
