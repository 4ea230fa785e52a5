#include "models/monitor/TargetMonitor.h"

#include "models/monitor/MetricsIngestor.h"
#include "models/net/Poller.h"

#include <cmath>

namespace ops {

TargetMonitor::TargetMonitor(Poller* poller, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_poller(poller)
    , m_signals(std::make_unique<SignalBoard>())
    , m_ingestor(std::make_unique<MetricsIngestor>())
    , m_clock(clock)
{
    // The poller hands each /metrics body to the worker: parsed once, there; the signals come
    // back into m_signals before the poll finishes.
    m_poller->setMetricsConsumer([this](qint64 timeMs, const QByteArray& body,
                                        const QByteArray& contentType, Poller::MetricsDone done) {
        consumeMetrics(timeMs, body, contentType, std::move(done));
    });
    connect(m_poller, &Poller::pollFinished, this, &TargetMonitor::onPollFinished);
    connect(m_poller, &Poller::stateChanged, this, &TargetMonitor::stateChanged);
}

TargetMonitor::~TargetMonitor()
{
    // The poller may outlive the monitor: it must not call into a monitor that is gone.
    if (m_poller)
        m_poller->setMetricsConsumer({});
}

void TargetMonitor::pollNow()
{
    m_poller->pollNow();
}

void TargetMonitor::ingestExternalSignals(qint64 timeMs,
                                          const std::array<double, kSignalCount>& values,
                                          bool notify, const std::vector<EndpointValues>& endpoints)
{
    m_externalSignals = true;
    m_signals->ingestSignals(timeMs, values, endpoints);
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
    m_signals->showMappingOverrides(list);
    m_ingestor->setMappingOverrides(std::move(list));
    m_exportsHistogram = !m_signals->mapping().latencyHistogram.empty();
}

bool TargetMonitor::restoreSignals(const std::function<void(SignalBoard&)>& fill)
{
    if (m_externalSignals || m_signals->signalStore().scrapeCount() > 0)
        return false;
    fill(*m_signals);
    emit updated();
    return true;
}

bool TargetMonitor::beginBackfill()
{
    if (m_externalSignals || m_liveBodySeen || m_backfilling)
        return false;
    m_backfilling = true;
    return true;
}

void TargetMonitor::ingestPastScrape(qint64 timeMs, const QByteArray& body,
                                     const QByteArray& contentType,
                                     std::function<void(const QString& problem)> done)
{
    if (!m_backfilling) {
        if (done)
            done(tr("no backfill is running"));
        return;
    }
    m_ingestor->ingest(timeMs, body, contentType, m_poller->options().maxBodyBytes,
                       [this, timeMs, done = std::move(done)](MetricsIngestOutcome outcome) {
                           if (outcome.frame && m_backfilling) {
                               m_signals->applyFrame(std::move(*outcome.frame));
                               emit scrapeApplied(timeMs);
                           }
                           if (done)
                               done(outcome.problem);
                       });
}

void TargetMonitor::endBackfill(bool notify)
{
    if (!m_backfilling)
        return;
    m_backfilling = false;
    if (notify)
        emit updated();
}

void TargetMonitor::consumeMetrics(qint64 timeMs, const QByteArray& body,
                                   const QByteArray& contentType, Poller::MetricsDone done)
{
    if (m_externalSignals || m_backfilling) {
        // The signals come from another data source, or a backfill is putting the past in
        // first: the body is not read.
        done({});
        return;
    }
    m_liveBodySeen = true;
    m_ingestor->ingest(timeMs, body, contentType, m_poller->options().maxBodyBytes,
                       [this, timeMs, done = std::move(done)](MetricsIngestOutcome outcome) {
                           m_metricsProblem.clear();
                           if (outcome.frame && !m_externalSignals) {
                               m_signals->applyFrame(std::move(*outcome.frame));
                               m_ingestedThisPoll = true;
                               emit scrapeApplied(timeMs);
                               m_lifetimeLatency = outcome.lifetimeLatency;
                               if (outcome.malformedLines > 0)
                                   m_metricsProblem = tr("%n malformed line(s) in /metrics skipped",
                                                         nullptr, int(outcome.malformedLines));
                           }
                           done({outcome.problem, std::move(outcome.body), outcome.bodyDialect});
                       });
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
    if (isAnswering(result.state)) {
        m_lastSuccessMs = result.finishedMs;
        m_problemSinceMs = 0;
    } else if (m_problemSinceMs == 0 && result.state != ConnectionState::Connecting) {
        // The failed poll began after the last answer: the gap starts there.
        m_problemSinceMs =
            std::max(m_lastSuccessMs, result.startedMs > 0 ? result.startedMs : result.finishedMs);
    }

    std::optional<double> latency;
    QString basis;
    if (m_ingestedThisPoll) {
        m_ingestedThisPoll = false;
        const double average = m_signals->latest(SignalId::LatencyAvg);
        m_exportsHistogram = !m_signals->mapping().latencyHistogram.empty();
        if (std::isfinite(average)) {
            latency = average;
            basis = m_exportsHistogram ? QStringLiteral("histogram") : QStringLiteral("stub");
        } else if (m_exportsHistogram && !m_latestLatency && m_lifetimeLatency) {
            // One scrape only: the average since the gateway started, shown but not charted.
            m_latestLatency = m_lifetimeLatency;
            m_latencyBasis = QStringLiteral("lifetime");
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
    }
    if (!m_backfilling) // the board holds a past scrape: endBackfill() tells
        emit updated();
}

} // namespace ops
