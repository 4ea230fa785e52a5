#pragma once

// PromQL for the console's signals over a label selector: the same figures the direct scrape
// derives (SignalDeriver), computed by a Prometheus server across one or many gateway instances.

#include "models/metrics/MetricsMapping.h"
#include "models/metrics/SignalTypes.h"

#include <QString>
#include <optional>

namespace ops {

// How several instances matched by the selector are shown.
enum class InstanceMode { Aggregate, SideBySide };
QString instanceModeName(InstanceMode mode); // "aggregate", "side_by_side"
bool instanceModeFromName(const QString& name, InstanceMode* out);

// A validated label selector: `job="bhiv-gateway"`, `{job="bhiv-gateway", env=~"prod.*"}`.
// Matchers are name op "value" with = != =~ !~; values use PromQL double-quoted escapes.
class PromSelector {
public:
    // nullopt with a reason for anything that is not a list of matchers (an injection attempt
    // such as `job="a"} or vector(1) or {x="y"` included).
    static std::optional<PromSelector> parse(const QString& text, QString* error = nullptr);

    // The matchers without braces, normalised: `job="bhiv-gateway",env=~"prod.*"`.
    QString matchers() const { return m_matchers; }
    // `{matchers}` plus extra matchers (already valid PromQL) appended.
    QString braced(const QString& extra = {}) const;
    // This selector narrowed to one label value: `label="value"` appended, the value escaped
    // (an endpoint name is whatever the gateway labelled: hostile input). nullopt when `label`
    // is not a label name (a mapping override gone wrong).
    std::optional<PromSelector> withMatcher(const QString& label, const QString& value) const;

private:
    QString m_matchers;
};

// Escapes a label value for a PromQL double-quoted string.
QString promQuoted(const QString& value);

struct PromQueryOptions {
    int rateWindowSeconds = 60; // range of rate(): at least 4 scrape intervals of the server
    InstanceMode mode = InstanceMode::Aggregate;
    QString instanceLabel = QStringLiteral("instance"); // side by side: one series per value
};

// The PromQL of one signal for this mapping, or an empty string when the mapping has no
// series for it (the plan dialect exports no error counter, for example).
QString promQueryFor(SignalId signal, const MetricsMapping& mapping, const PromSelector& selector,
                     const PromQueryOptions& options);

// The signals an endpoint row has (request rate, server errors, average and quantile latency):
// the SignalId each EndpointSignal is computed as.
SignalId endpointSignalAs(EndpointSignal signal);

// Per endpoint: the PromQL of one of those signals (empty for every other signal, and where the
// mapping has no series for it). Grouped by options.instanceLabel in side by side mode: the
// mapping's endpoint label gives the endpoint table (`sum by (endpoint)`), "instance" over a
// selector narrowed to one endpoint (withMatcher) gives that endpoint per instance. The average
// comes from the histogram only: a latency gauge carries no endpoint label.
QString promEndpointQueryFor(SignalId signal, const MetricsMapping& mapping,
                             const PromSelector& selector, const PromQueryOptions& options);

} // namespace ops
