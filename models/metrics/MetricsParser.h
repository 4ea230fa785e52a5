#pragma once

// The fast metrics scanner: Prometheus text 0.0.4 and OpenMetrics 1.0, one sample at a time,
// no allocation per sample. A sample comes out as views into the body: the raw series bytes
// (name plus label section exactly as written, the key of the series cache), the value and the
// timestamp. Labels are decoded (escapes, UTF-8 check, duplicates) only when a caller asks,
// which the series cache does once per new series.

#include "models/metrics/MetricsText.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ops {

enum class MetricType : std::uint8_t {
    Untyped,
    Counter,
    Gauge,
    Histogram,
    Summary,
    Info,
    StateSet,
    GaugeHistogram
};

std::string_view metricTypeName(MetricType type);

struct MetricsLimits {
    static constexpr std::size_t kMaxBodyBytes = 64u * 1024u * 1024u;
    static constexpr std::size_t kMaxLineBytes = 64u * 1024u;
    static constexpr std::size_t kMaxLabelsPerSeries = 64;
    static constexpr std::size_t kMaxReportedErrors = 10;
};

struct RawSample {
    std::string_view series; // name + label section as written: "name{a=\"b\"}" or "name"
    std::string_view name;
    std::string_view labels; // between the braces, escapes not decoded; empty when none
    double value = 0;
    std::int64_t timestampMs = 0;
    bool hasTimestamp = false;
    int line = 0;
};

using LabelList = std::vector<std::pair<std::string, std::string>>;

// Decodes a raw label section (what is between the braces) into name/value pairs in written
// order. Returns false with a reason on a bad escape, invalid UTF-8, a duplicate or bad name.
bool decodeLabels(std::string_view raw, LabelList& out, std::string* reason = nullptr);

// Parses one value token as Prometheus does (NaN, +Inf, -Inf, integers, exponents).
bool parseMetricValue(std::string_view token, double& out);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool isValidMetricName(std::string_view name);

// True when the bytes are valid UTF-8.
bool isValidUtf8(std::string_view text);

class MetricsParser {
public:
    MetricsParser() = default;
    MetricsParser(std::string_view body, MetricsFormat format) { reset(body, format); }

    // Starts over on a new body. Keeps the error vector's capacity.
    void reset(std::string_view body, MetricsFormat format);

    // The next sample, or false at the end of the body (or at "# EOF" in OpenMetrics).
    // Malformed lines are skipped and counted. Only PrometheusText and OpenMetrics: the JSON
    // stub goes through parseMetrics().
    bool next(RawSample& out);

    std::size_t malformedLines() const { return m_malformed; }
    const std::vector<MetricsParseError>& firstErrors() const { return m_errors; }
    int lineNumber() const { return m_line; }
    bool sawEof() const { return m_sawEof; }

    // The family announced by the last # TYPE line and its type; a sample belongs to it when its
    // name starts with the family name. Used once per new series to learn its type.
    std::string_view familyName() const { return m_familyName; }
    MetricType familyType() const { return m_familyType; }
    MetricType typeOf(std::string_view sampleName) const;

private:
    bool parseSample(const char* b, const char* e, RawSample& out);
    void parseComment(const char* b, const char* e);
    void fail(const char* reason);
    void fail(std::string reason);

    const char* m_pos = nullptr;
    const char* m_end = nullptr;
    MetricsFormat m_format = MetricsFormat::PrometheusText;
    int m_line = 0;
    std::size_t m_malformed = 0;
    bool m_sawEof = false;
    std::vector<MetricsParseError> m_errors;
    std::string_view m_familyName;
    MetricType m_familyType = MetricType::Untyped;
};

} // namespace ops
