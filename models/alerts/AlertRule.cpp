#include "models/alerts/AlertRule.h"

#include "models/domain/Units.h"

#include <QRegularExpression>
#include <cmath>

namespace ops {

QStringList AlertSignals::all()
{
    QStringList names;
    for (const char* name :
         {AvgResponseTime, P50ResponseTime, P95ResponseTime, P99ResponseTime, ErrorRate,
          ErrorsPerSecond, RequestRate, ComponentDown, Stale, Unreachable, WorkflowFailures,
          ActiveWorkflows, MemoryBytes, CpuPercent, Metric})
        names << QString::fromLatin1(name);
    return names;
}

namespace {

template <typename E, std::size_t N>
bool fromName(const QString& name, const char* const (&names)[N], E* out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i])) {
            *out = static_cast<E>(i);
            return true;
        }
    }
    return false;
}

const char* const kSeverities[] = {"info", "warning", "critical"};
const char* const kComparisons[] = {">", ">=", "<", "<=", "==", "!="};
const char* const kWindowAggregations[] = {"avg", "max", "min", "last", "sum", "increase"};
const char* const kSeriesAggregations[] = {"sum", "avg", "max", "min", "count"};
const char* const kNoData[] = {"nodata", "normal", "alerting", "keep_last"};
const char* const kError[] = {"error", "normal", "alerting", "keep_last"};

} // namespace

QString severityName(AlertSeverity severity)
{
    return QString::fromLatin1(kSeverities[static_cast<int>(severity)]);
}
bool severityFromName(const QString& name, AlertSeverity* out)
{
    return fromName(name, kSeverities, out);
}
QString comparisonSymbol(Comparison op)
{
    return QString::fromLatin1(kComparisons[static_cast<int>(op)]);
}
bool comparisonFromSymbol(const QString& symbol, Comparison* out)
{
    return fromName(symbol, kComparisons, out);
}
QString windowAggregationName(WindowAggregation aggregation)
{
    return QString::fromLatin1(kWindowAggregations[static_cast<int>(aggregation)]);
}
bool windowAggregationFromName(const QString& name, WindowAggregation* out)
{
    return fromName(name, kWindowAggregations, out);
}
QString seriesAggregationName(SeriesAggregation aggregation)
{
    return QString::fromLatin1(kSeriesAggregations[static_cast<int>(aggregation)]);
}
bool seriesAggregationFromName(const QString& name, SeriesAggregation* out)
{
    return fromName(name, kSeriesAggregations, out);
}
QString noDataPolicyName(NoDataPolicy policy)
{
    return QString::fromLatin1(kNoData[static_cast<int>(policy)]);
}
bool noDataPolicyFromName(const QString& name, NoDataPolicy* out)
{
    return fromName(name, kNoData, out);
}
QString errorPolicyName(ErrorPolicy policy)
{
    return QString::fromLatin1(kError[static_cast<int>(policy)]);
}
bool errorPolicyFromName(const QString& name, ErrorPolicy* out)
{
    return fromName(name, kError, out);
}
QString matcherOpSymbol(LabelMatcher::Op op)
{
    switch (op) {
    case LabelMatcher::Op::Equal:
        return QStringLiteral("=");
    case LabelMatcher::Op::NotEqual:
        return QStringLiteral("!=");
    case LabelMatcher::Op::Regex:
        return QStringLiteral("=~");
    case LabelMatcher::Op::NotRegex:
        return QStringLiteral("!~");
    }
    return {};
}

bool compare(double value, Comparison op, double threshold)
{
    if (std::isnan(value))
        return false;
    switch (op) {
    case Comparison::Greater:
        return value > threshold;
    case Comparison::GreaterEqual:
        return value >= threshold;
    case Comparison::Less:
        return value < threshold;
    case Comparison::LessEqual:
        return value <= threshold;
    case Comparison::Equal:
        return value == threshold;
    case Comparison::NotEqual:
        return value != threshold;
    }
    return false;
}

namespace {
constexpr qint64 kMaxDurationMs = qint64(366) * 86'400'000; // a year is the longest rule window
} // namespace

bool parseDuration(const QString& text, qint64* ms)
{
    const QString t = text.trimmed();
    if (t == u"0") {
        *ms = 0;
        return true;
    }
    static const QRegularExpression part(QStringLiteral(R"((\d+(?:\.\d+)?)(ms|s|m|h|d))"));
    qint64 total = 0;
    qsizetype at = 0;
    if (t.isEmpty())
        return false;
    while (at < t.size()) {
        const QRegularExpressionMatch match = part.match(
            t, at, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!match.hasMatch())
            return false;
        bool ok = false;
        const double number = match.captured(1).toDouble(&ok);
        const QString unit = match.captured(2);
        const double scale = unit == u"ms"  ? 1.0
                             : unit == u"s" ? 1000.0
                             : unit == u"m" ? 60'000.0
                             : unit == u"h" ? 3'600'000.0
                                            : 86'400'000.0;
        // Range-checked in double before any conversion: "99999999999999999999999d" must not
        // wrap to a negative count (converting an out-of-range double is undefined).
        const double partMs = number * scale;
        if (!ok || !std::isfinite(partMs) || partMs > kMaxDurationMs ||
            double(total) + partMs > kMaxDurationMs)
            return false;
        total += qRound64(partMs);
        at = match.capturedEnd();
    }
    if (total > kMaxDurationMs)
        return false;
    *ms = total;
    return true;
}

QString signalUnit(const QString& signal)
{
    using namespace AlertSignals;
    if (signal == QLatin1String(AvgResponseTime) || signal == QLatin1String(P50ResponseTime) ||
        signal == QLatin1String(P95ResponseTime) || signal == QLatin1String(P99ResponseTime))
        return QStringLiteral("s");
    if (signal == QLatin1String(ErrorRate))
        return QStringLiteral("ratio");
    if (signal == QLatin1String(ErrorsPerSecond))
        return QStringLiteral("errors/s");
    if (signal == QLatin1String(RequestRate))
        return QStringLiteral("req/s");
    if (signal == QLatin1String(MemoryBytes))
        return QStringLiteral("bytes");
    if (signal == QLatin1String(CpuPercent))
        return QStringLiteral("%");
    if (signal == QLatin1String(ComponentDown))
        return QStringLiteral("down");
    if (signal == QLatin1String(Stale))
        return QStringLiteral("polls");
    if (signal == QLatin1String(WorkflowFailures))
        return QStringLiteral("failures");
    if (signal == QLatin1String(ActiveWorkflows))
        return QStringLiteral("active");
    return {};
}

QString formatSignalValue(const AlertRule& rule, double value)
{
    if (std::isnan(value))
        return QStringLiteral("—");
    if (rule.signal == QLatin1String(AlertSignals::Unreachable))
        return value >= 0.5 ? QStringLiteral("unreachable") : QStringLiteral("reachable");
    if (rule.signal == QLatin1String(AlertSignals::Metric))
        return formatNumber(value);
    return formatWithUnit(value, signalUnit(rule.signal));
}

QString formatSummaryValue(const AlertRule& rule, double value)
{
    const QString unit = signalUnit(rule.signal);
    const bool count = unit.isEmpty() || unit == u"down" || unit == u"polls" ||
                       unit == u"failures" || unit == u"active";
    if (count || rule.signal == QLatin1String(AlertSignals::Unreachable))
        return std::isnan(value) ? QStringLiteral("—") : formatNumber(value);
    return formatSignalValue(rule, value);
}

QString formatDuration(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("0s");
    QString out;
    const qint64 hours = ms / 3'600'000;
    ms %= 3'600'000;
    const qint64 minutes = ms / 60'000;
    ms %= 60'000;
    const qint64 seconds = ms / 1000;
    ms %= 1000;
    if (hours)
        out += QString::number(hours) + u'h';
    if (minutes)
        out += QString::number(minutes) + u'm';
    if (seconds)
        out += QString::number(seconds) + u's';
    if (ms)
        out += QString::number(ms) + QStringLiteral("ms");
    return out;
}

QList<AlertRule> defaultAlertRules()
{
    QList<AlertRule> rules;
    AlertRule latency;
    latency.name = QStringLiteral("high_response_time");
    latency.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    latency.op = Comparison::Greater;
    latency.threshold = 1.0;
    latency.hasRecoveryThreshold = true;
    latency.recoveryThreshold = 0.8;
    latency.windowMs = 30'000;
    latency.forMs = 15'000;
    latency.keepFiringForMs = 10'000;
    latency.severity = AlertSeverity::Critical;
    latency.summary = QStringLiteral("Average response time {value} is above {threshold}");
    rules << latency;

    AlertRule errors;
    errors.name = QStringLiteral("high_error_rate");
    errors.signal = QString::fromLatin1(AlertSignals::ErrorRate);
    errors.op = Comparison::Greater;
    errors.threshold = 0.05;
    errors.hasRecoveryThreshold = true;
    errors.recoveryThreshold = 0.04;
    errors.windowMs = 60'000;
    errors.forMs = 30'000;
    errors.keepFiringForMs = 10'000;
    errors.severity = AlertSeverity::Critical;
    errors.summary = QStringLiteral("Error rate {value} is above {threshold}");
    rules << errors;

    AlertRule component;
    component.name = QStringLiteral("component_down");
    component.signal = QString::fromLatin1(AlertSignals::ComponentDown);
    component.op = Comparison::Greater;
    component.threshold = 0;
    component.aggregation = WindowAggregation::Last;
    component.forMs = 10'000;
    component.severity = AlertSeverity::Critical;
    component.noData = NoDataPolicy::Normal;
    component.summary = QStringLiteral("{value} component(s) down");
    rules << component;

    AlertRule stale;
    stale.name = QStringLiteral("data_stale");
    stale.signal = QString::fromLatin1(AlertSignals::Stale);
    stale.op = Comparison::GreaterEqual;
    stale.threshold = 3;
    stale.aggregation = WindowAggregation::Last;
    stale.severity = AlertSeverity::Warning;
    stale.noData = NoDataPolicy::Normal;
    stale.summary = QStringLiteral("No successful poll for {value} intervals");
    rules << stale;

    AlertRule unreachable;
    unreachable.name = QStringLiteral("gateway_unreachable");
    unreachable.signal = QString::fromLatin1(AlertSignals::Unreachable);
    unreachable.op = Comparison::Greater;
    unreachable.threshold = 0;
    unreachable.aggregation = WindowAggregation::Min;
    unreachable.windowMs = 10'000;
    unreachable.forMs = 10'000;
    unreachable.severity = AlertSeverity::Critical;
    unreachable.noData = NoDataPolicy::Normal;
    unreachable.summary = QStringLiteral("The gateway cannot be reached");
    rules << unreachable;

    AlertRule workflows;
    workflows.name = QStringLiteral("workflow_failures");
    workflows.signal = QString::fromLatin1(AlertSignals::WorkflowFailures);
    workflows.op = Comparison::Greater;
    workflows.threshold = 0;
    workflows.aggregation = WindowAggregation::Increase;
    workflows.windowMs = 300'000;
    workflows.severity = AlertSeverity::Warning;
    workflows.noData = NoDataPolicy::Normal;
    workflows.summary = QStringLiteral("{value} workflow execution(s) failed in the last 5 m");
    rules << workflows;
    return rules;
}

} // namespace ops
