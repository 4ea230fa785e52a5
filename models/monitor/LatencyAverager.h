#pragma once

#include "models/domain/Dialect.h"
#include "models/metrics/MetricsText.h"

#include <optional>

namespace ops {

// Sum and count of the gateway's request-duration histogram, summed over every label set.
struct LatencyTotals {
    double sum = 0;
    double count = 0;
};

// Finds the request-duration histogram that the dialect exports (plan and modular:
// api_request_duration_seconds; monolith: api_response_seconds) and totals it. Nothing when the
// gateway exports no latency histogram.
std::optional<LatencyTotals> latencyTotals(const MetricsParseResult& scrape);

// The modular JSON stub exports an average directly (http_request_duration_seconds, a gauge).
std::optional<double> stubAverageLatency(const MetricsParseResult& scrape);

// Average latency between two scrapes: Δsum / Δcount. Nothing when no request finished in between
// or when the counters went backwards (a redeploy restarted them): never a negative or spiked
// value.
std::optional<double> averageBetween(const LatencyTotals& previous, const LatencyTotals& current);

} // namespace ops
