#include "monitor/TargetMonitor.h"

#include "net/Poller.h"

namespace ops {

TargetMonitor::TargetMonitor(Poller* poller, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_poller(poller)
    , m_clock(clock)
{
    connect(m_poller, &Poller::pollFinished, this, &TargetMonitor::onPollFinished);
    connect(m_poller, &Poller::stateChanged, this, &TargetMonitor::stateChanged);
}

void TargetMonitor::pollNow()
{
    m_poller->pollNow();
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

    m_metricsProblem.clear();
    std::optional<double> latency;
    QString basis;
    if (result.metricsHttpStatus == 200 && !result.metricsBody.isEmpty()) {
        const std::string_view body(result.metricsBody.constData(),
                                    size_t(result.metricsBody.size()));
        const std::string_view type(result.metricsContentType.constData(),
                                    size_t(result.metricsContentType.size()));
        const MetricsParseResult scrape = parseMetrics(body, detectMetricsFormat(body, type));
        if (!scrape.ok) {
            m_metricsProblem =
                tr("metrics could not be read: %1").arg(QString::fromStdString(scrape.error));
        } else if (const auto totals = latencyTotals(scrape)) {
            m_exportsHistogram = true;
            if (m_previousTotals) {
                latency = averageBetween(*m_previousTotals, *totals);
                basis = QStringLiteral("histogram");
            } else if (totals->count > 0) {
                // One scrape only: the average since the gateway started, shown but not charted.
                m_latestLatency = totals->sum / totals->count;
                m_latencyBasis = QStringLiteral("lifetime");
            }
            m_previousTotals = totals;
        } else if (const auto stub = stubAverageLatency(scrape)) {
            latency = stub;
            basis = QStringLiteral("stub");
        } else {
            m_exportsHistogram = false;
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
