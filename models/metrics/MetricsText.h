#pragma once

// The simple, allocating façade over the metrics parser: what the foundation (poller, status
// verb, latency average) consumes. The fast path (series cache, zero allocation per sample)
// lives beside it in this folder.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ops {

enum class MetricsFormat { PrometheusText, OpenMetrics, JsonStub };

struct MetricSample {
    std::string name;
    std::vector<std::pair<std::string, std::string>> labels; // in the order written
    double value = 0;
    std::optional<std::int64_t> timestampMs;
};

struct MetricsParseError {
    int line = 0;
    std::string reason;
};

struct MetricsParseResult {
    bool ok = false;   // false: the body was rejected as a whole (see error)
    std::string error; // why it was rejected
    std::vector<MetricSample> samples;
    std::size_t malformedLines = 0;
    std::vector<MetricsParseError> firstErrors; // the first few, with line numbers
};

// Chooses the format from a Content-Type header value or a file name, then from the content
// (a body ending in "# EOF" is OpenMetrics; one starting with '{' is the JSON stub).
MetricsFormat detectMetricsFormat(std::string_view body, std::string_view contentTypeOrFileName);

MetricsParseResult parseMetrics(std::string_view body, MetricsFormat format);

// Additions beside the façade (same folder, same rules):
// Why a body is not metrics at all (too large, binary, an HTML error page, a JSON error envelope
// for a text format), or nothing when it may be parsed. parseMetrics() applies it; gzip bodies
// (magic 1f 8b) are inflated first, capped at the same size.
std::optional<std::string> rejectNonMetricsBody(std::string_view body, MetricsFormat format);

} // namespace ops
