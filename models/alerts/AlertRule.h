#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace ops {

enum class AlertSeverity { Info, Warning, Critical };
enum class Comparison { Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual };
// How the points inside the evaluation window become one value. Increase is last - first with
// counter resets counted from zero (for counters such as workflow failures).
enum class WindowAggregation { Avg, Max, Min, Last, Sum, Increase };
// How several series of a metric (metric-by-name rules) become one value per poll.
enum class SeriesAggregation { Sum, Avg, Max, Min, Count };
// What the rule does when the window holds no data / when the source failed.
enum class NoDataPolicy { NoData, Normal, Alerting, KeepLast };
enum class ErrorPolicy { Error, Normal, Alerting, KeepLast };

struct LabelMatcher {
    enum class Op { Equal, NotEqual, Regex, NotRegex };
    QString name;
    Op op = Op::Equal;
    QString value;
    bool operator==(const LabelMatcher&) const = default;
};

// Signal names a rule may watch (AlertRule::signal).
namespace AlertSignals {
inline constexpr auto AvgResponseTime = "avg_response_time";
inline constexpr auto P50ResponseTime = "p50_response_time";
inline constexpr auto P95ResponseTime = "p95_response_time";
inline constexpr auto P99ResponseTime = "p99_response_time";
inline constexpr auto ErrorRate = "error_rate"; // fraction of requests answered 5xx (0..1)
inline constexpr auto ErrorsPerSecond = "errors_per_second";
inline constexpr auto RequestRate = "request_rate";
inline constexpr auto ComponentDown = "component_down"; // number of components down
inline constexpr auto Stale = "stale";                  // poll intervals since the last success
inline constexpr auto Unreachable = "unreachable";      // 1 when the poll failed to connect, else 0
inline constexpr auto WorkflowFailures = "workflow_failures"; // failed executions (counter)
inline constexpr auto ActiveWorkflows = "active_workflows";
inline constexpr auto MemoryBytes = "memory_bytes";
inline constexpr auto CpuPercent = "cpu_percent";
inline constexpr auto Metric = "metric"; // any metric by name + label matchers
QStringList all();
} // namespace AlertSignals

// One alerting rule, evaluated per target. Durations are milliseconds.
struct AlertRule {
    QString name;
    QString signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    QString metric;               // signal == "metric": the metric's name
    QList<LabelMatcher> matchers; // signal == "metric": which series
    SeriesAggregation seriesAggregation = SeriesAggregation::Sum;
    QString component; // signal == "component_down": one component ("" = any)
    Comparison op = Comparison::Greater;
    double threshold = 0;
    bool hasRecoveryThreshold = false;
    double recoveryThreshold = 0; // while firing, resolve only once the value passes this
    WindowAggregation aggregation = WindowAggregation::Avg;
    qint64 windowMs = 0; // 0: the latest point only
    qint64 forMs = 0;
    qint64 keepFiringForMs = 0;
    AlertSeverity severity = AlertSeverity::Warning;
    NoDataPolicy noData = NoDataPolicy::NoData;
    ErrorPolicy error = ErrorPolicy::Error;
    QString target; // "" = every target
    bool enabled = true;
    QString summary; // free text shown in notifications; {value} and {threshold} are replaced

    bool appliesTo(const QString& targetName) const
    {
        return enabled && (target.isEmpty() || target == targetName);
    }
    bool operator==(const AlertRule&) const = default;
};

QString severityName(AlertSeverity severity);
bool severityFromName(const QString& name, AlertSeverity* out);
QString comparisonSymbol(Comparison op);
bool comparisonFromSymbol(const QString& symbol, Comparison* out);
bool compare(double value, Comparison op, double threshold);
QString windowAggregationName(WindowAggregation aggregation);
bool windowAggregationFromName(const QString& name, WindowAggregation* out);
QString seriesAggregationName(SeriesAggregation aggregation);
bool seriesAggregationFromName(const QString& name, SeriesAggregation* out);
QString noDataPolicyName(NoDataPolicy policy);
bool noDataPolicyFromName(const QString& name, NoDataPolicy* out);
QString errorPolicyName(ErrorPolicy policy);
bool errorPolicyFromName(const QString& name, ErrorPolicy* out);
QString matcherOpSymbol(LabelMatcher::Op op);

// The unit of a signal's values, as formatWithUnit() (models/domain/Units.h) reads it: "s" for
// response times, "ratio" for the error rate, "req/s", "bytes", "%", ... ("" for plain counts).
QString signalUnit(const QString& signal);
// A rule's value with its unit and a consistent precision: "1.91 s", "6.69 %", "241.7 req/s".
QString formatSignalValue(const AlertRule& rule, double value);
// For a rule's own summary text ({value}, {threshold}): measurements with their unit ("1.91 s",
// "6.69 %"), counts as plain numbers (the text says what they count: "{value} component(s)").
QString formatSummaryValue(const AlertRule& rule, double value);

// "10s", "5m", "1h", "1m30s", "250ms", "0" -> milliseconds; false when not a duration.
bool parseDuration(const QString& text, qint64* ms);
// The shortest spelling parseDuration() reads back: 90000 -> "1m30s".
QString formatDuration(qint64 ms);

// The plan's rules and the console's own: high_response_time, high_error_rate, component_down,
// data_stale, gateway_unreachable, workflow_failures.
QList<AlertRule> defaultAlertRules();

} // namespace ops

Q_DECLARE_METATYPE(ops::AlertSeverity)
