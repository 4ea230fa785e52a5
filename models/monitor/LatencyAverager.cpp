#include "models/monitor/LatencyAverager.h"

#include <array>
#include <string_view>

namespace ops {

namespace {
constexpr std::array<std::string_view, 2> kHistogramNames{"api_request_duration_seconds",
                                                          "api_response_seconds"};
}

std::optional<LatencyTotals> latencyTotals(const MetricsParseResult& scrape)
{
    for (std::string_view base : kHistogramNames) {
        const std::string sumName = std::string(base) + "_sum";
        const std::string countName = std::string(base) + "_count";
        LatencyTotals totals;
        bool found = false;
        for (const MetricSample& sample : scrape.samples) {
            if (sample.name == sumName) {
                totals.sum += sample.value;
                found = true;
            } else if (sample.name == countName) {
                totals.count += sample.value;
                found = true;
            }
        }
        if (found)
            return totals;
    }
    return std::nullopt;
}

} // namespace ops
