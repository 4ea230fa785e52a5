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
// gateway exports no latency histogram. MetricsIngestor divides it for the lifetime average a
// first scrape shows before the signal engine has two scrapes to take a Δsum/Δcount from.
std::optional<LatencyTotals> latencyTotals(const MetricsParseResult& scrape);

} // namespace ops
