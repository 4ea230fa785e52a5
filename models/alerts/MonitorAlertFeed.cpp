#include "models/alerts/MonitorAlertFeed.h"

#include "models/alerts/AlertEngine.h"
#include "models/domain/Clock.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SignalBoard.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"

#include <QRegularExpression>
#include <cmath>

namespace ops {

namespace {

bool matches(const MetricSample& sample, const QList<LabelMatcher>& matchers)
{
    for (const LabelMatcher& m : matchers) {
        QString value;
        for (const auto& [name, v] : sample.labels) {
            if (QLatin1String(name.data(), qsizetype(name.size())) == m.name) {
                value = QString::fromStdString(v);
                break;
            }
        }
        bool ok = false;
        switch (m.op) {
        case LabelMatcher::Op::Equal:
            ok = value == m.value;
            break;
        case LabelMatcher::Op::NotEqual:
            ok = value != m.value;
            break;
        case LabelMatcher::Op::Regex:
        case LabelMatcher::Op::NotRegex: {
            const QRegularExpression re(QRegularExpression::anchoredPattern(m.value));
            ok = re.match(value).hasMatch() == (m.op == LabelMatcher::Op::Regex);
            break;
        }
        }
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

// The last scrape's body, parsed on first use by a metric rule (the body is shared, not copied).
struct MonitorAlertFeed::Scrape {
    QByteArray body;
    QByteArray contentType;
    bool parsed = false;
    std::vector<MetricSample> samples;

    const std::vector<MetricSample>& get()
    {
        if (!parsed) {
            parsed = true;
            const std::string_view bytes(body.constData(), std::size_t(body.size()));
            const std::string_view type(contentType.constData(), std::size_t(contentType.size()));
            MetricsParseResult result = parseMetrics(bytes, detectMetricsFormat(bytes, type));
            if (result.ok)
                samples = std::move(result.samples);
        }
        return samples;
    }
};

MonitorAlertFeed::MonitorAlertFeed(TargetMonitor* monitor, AlertEngine* engine, const Clock* clock,
                                   QString targetName, QObject* parent)
    : QObject(parent)
    , m_monitor(monitor)
    , m_engine(engine)
    , m_clock(clock)
    , m_target(std::move(targetName))
    , m_lastScrape(std::make_shared<Scrape>())
{
    // The poll's outcome and body here; the evaluation once the monitor has taken the poll in.
    // The monitor listens to the same signal and was connected first, so its `updated` for this
    // poll came before this feed heard of the poll: evaluating on `updated` judged every poll
    // one poll late (and the last one never). The evaluation is queued behind every listener.
    connect(monitor->poller(), &Poller::pollFinished, this, &MonitorAlertFeed::onPollFinished);
}

MonitorAlertFeed::~MonitorAlertFeed() = default;

void MonitorAlertFeed::onPollFinished(const PollResult& result)
{
    m_lastAnswered = isAnswering(result.state);
    m_lastState = result.state;
    m_lastDetail = result.detail;
    if (result.metricsHttpStatus == 200 && !result.metricsBody.isEmpty()) {
        auto scrape = std::make_shared<Scrape>();
        scrape->body = result.metricsBody;
        scrape->contentType = result.metricsContentType;
        m_lastScrape = std::move(scrape);
    }
    if (!m_pollPending) {
        m_pollPending = true;
        QMetaObject::invokeMethod(this, &MonitorAlertFeed::evaluatePoll, Qt::QueuedConnection);
    }
}

void MonitorAlertFeed::evaluatePoll()
{
    if (!m_pollPending)
        return;
    m_pollPending = false;
    m_engine->evaluate(buildSample());
}

EvaluationSample MonitorAlertFeed::buildSample() const
{
    EvaluationSample s;
    s.target = m_target;
    s.timeMs = m_clock->nowMs();
    s.connection = m_monitor->state();
    s.connectionDetail = m_monitor->stateDetail();
    s.answered = m_lastAnswered;
    s.intervalMs = m_monitor->poller()->options().intervalMs;
    s.lastSuccessMs = m_monitor->hasData() ? s.timeMs - m_monitor->dataAgeMs() : 0;
    if (m_monitor->hasHealth()) {
        for (const ComponentHealth& c : m_monitor->health().components)
            s.components.insert(c.name, c.state);
    }
    if (const auto latency = m_monitor->latestLatencySeconds())
        s.set(AlertSignals::AvgResponseTime, *latency);
    const SignalBoard* derived = m_external ? m_external : &m_monitor->signalBoard();
    auto put = [&](const char* name, SignalId id) {
        const double v = derived->latest(id);
        if (!std::isnan(v))
            s.set(name, v);
    };
    if (!s.values.contains(QString::fromLatin1(AlertSignals::AvgResponseTime)))
        put(AlertSignals::AvgResponseTime, SignalId::LatencyAvg);
    put(AlertSignals::P50ResponseTime, SignalId::LatencyP50);
    put(AlertSignals::P95ResponseTime, SignalId::LatencyP95);
    put(AlertSignals::P99ResponseTime, SignalId::LatencyP99);
    put(AlertSignals::ErrorRate, SignalId::ErrorRatio);
    put(AlertSignals::ErrorsPerSecond, SignalId::ErrorRate);
    put(AlertSignals::RequestRate, SignalId::RequestRate);
    put(AlertSignals::ActiveWorkflows, SignalId::ActiveWorkflows);
    put(AlertSignals::MemoryBytes, SignalId::MemoryBytes);
    put(AlertSignals::CpuPercent, SignalId::CpuPercent);
    const std::vector<WorkflowRow> workflows = derived->workflowTable();
    if (!workflows.empty()) {
        double failed = 0;
        for (const WorkflowRow& row : workflows) {
            if (row.status.find("fail") != std::string::npos ||
                row.status.find("error") != std::string::npos)
                failed += row.executions;
        }
        s.set(AlertSignals::WorkflowFailures, failed);
    }
    const std::shared_ptr<Scrape> scrape = m_lastScrape;
    s.metricLookup = [scrape](const QString& metric, const QList<LabelMatcher>& matchers) {
        QList<double> out;
        const QByteArray name = metric.toUtf8();
        for (const MetricSample& sample : scrape->get()) {
            if (sample.name == std::string_view(name.constData(), std::size_t(name.size())) &&
                matches(sample, matchers))
                out << sample.value;
        }
        return out;
    };
    return s;
}

} // namespace ops
