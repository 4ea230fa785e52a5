#pragma once

// Turns one captured /metrics body into a living gateway: every poll, each (endpoint, method)
// group of the histogram-heavy gateway-10k body serves some requests (a per-group rate plus
// noise), spread over the latency buckets by a fixed CDF; counters, buckets, sums and counts
// advance consistently and the body is rewritten in place (one buffer, no allocation).
// `redeploy()` restarts every counter from zero and moves process_start_time_seconds.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ops::bench {

class ScrapeSimulator {
public:
    explicit ScrapeSimulator(std::string_view templateBody);
    // Advances one poll and returns the new body (valid until the next call).
    std::string_view next();
    void redeploy();
    std::size_t sampleLines() const { return m_lines.size(); }

private:
    enum class Kind : std::uint8_t { Fixed, Requests, Bucket, Count, Sum, Start };
    struct Line {
        std::string prefix; // up to and including the space before the value
        std::string suffix; // after the value (e.g. a timestamp), usually empty
        Kind kind = Kind::Fixed;
        std::uint32_t group = 0;
        double fraction = 1; // cumulative share of a group's requests at or below le
        double value = 0;
        bool integer = true;
    };
    std::uint64_t random();

    std::vector<std::string> m_literal; // non-sample lines, kept in place
    std::vector<Line> m_lines;
    std::vector<std::int32_t> m_order; // >=0: sample line index; <0: -(literal index)-1
    std::vector<double> m_rate;        // per group, requests per poll
    std::vector<std::uint32_t> m_delta;
    std::string m_body;
    std::uint64_t m_state = 0x9E3779B97F4A7C15ull;
};

} // namespace ops::bench
