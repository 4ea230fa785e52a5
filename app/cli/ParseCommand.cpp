#include "app/cli/ParseCommand.h"

#include "models/metrics/MetricsText.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <vector>

namespace ops {

namespace {

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    std::array<char, 32> buf{};
    auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    (void)ec;
    return std::string(buf.data(), ptr);
}

} // namespace

void appendJsonString(std::string& out, std::string_view text)
{
    out += '"';
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                static constexpr char kHex[] = "0123456789abcdef";
                out += "\\u00";
                out += kHex[u >> 4];
                out += kHex[u & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJsonValue(std::string& out, double value)
{
    if (std::isnan(value) || std::isinf(value)) {
        out += '"';
        out += formatValue(value);
        out += '"';
        return;
    }
    out += formatValue(value);
}

int runParseCommand(const ParseCommandOptions& options, std::ostream& out, std::ostream& err)
{
    std::ifstream file(options.path, std::ios::binary);
    if (!file) {
        err << "bhiv-ops parse: cannot open " << options.path << "\n";
        return 2;
    }
    const std::string body((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
    MetricsFormat format = detectMetricsFormat(body, {});
    if (format == MetricsFormat::PrometheusText && endsWith(options.path, ".openmetrics"))
        format = MetricsFormat::OpenMetrics;
    const MetricsParseResult result = parseMetrics(body, format);
    if (!result.ok) {
        err << "bhiv-ops parse: " << options.path << ": " << result.error << "\n";
        for (const auto& e : result.firstErrors)
            err << "  line " << e.line << ": " << e.reason << "\n";
        return 1;
    }
    std::string line;
    if (options.json) {
        for (const MetricSample& s : result.samples) {
            line.clear();
            line += "{\"name\": ";
            appendJsonString(line, s.name);
            line += ", \"labels\": {";
            bool first = true;
            for (const auto& [k, v] : s.labels) {
                if (!first)
                    line += ", ";
                first = false;
                appendJsonString(line, k);
                line += ": ";
                appendJsonString(line, v);
            }
            line += "}, \"value\": ";
            appendJsonValue(line, s.value);
            line += ", \"timestamp_ms\": ";
            line += s.timestampMs ? std::to_string(*s.timestampMs) : std::string("null");
            line += "}\n";
            out << line;
        }
    } else {
        static constexpr std::string_view kFormatNames[] = {"Prometheus text", "OpenMetrics",
                                                            "JSON stub"};
        out << options.path << ": " << kFormatNames[static_cast<int>(format)] << ", "
            << result.samples.size() << " samples\n";
        std::size_t width = 6;
        std::vector<std::string> series;
        series.reserve(result.samples.size());
        for (const MetricSample& s : result.samples) {
            std::string text = s.name;
            if (!s.labels.empty()) {
                text += '{';
                bool first = true;
                for (const auto& [k, v] : s.labels) {
                    if (!first)
                        text += ',';
                    first = false;
                    text += k;
                    text += '=';
                    appendJsonString(text, v);
                }
                text += '}';
            }
            width = std::max(width, text.size());
            series.push_back(std::move(text));
        }
        width = std::min<std::size_t>(width, 120);
        out << "SERIES" << std::string(width - 6 + 2, ' ') << "VALUE\n";
        for (std::size_t i = 0; i < series.size(); ++i) {
            const MetricSample& s = result.samples[i];
            line = series[i];
            line += std::string(line.size() < width ? width - line.size() + 2 : 2, ' ');
            line += formatValue(s.value);
            if (s.timestampMs)
                line += "  @" + std::to_string(*s.timestampMs);
            line += '\n';
            out << line;
        }
    }
    if (result.malformedLines > 0) {
        err << "bhiv-ops parse: " << options.path << ": " << result.malformedLines
            << " malformed line(s) skipped\n";
        for (const auto& e : result.firstErrors)
            err << "  line " << e.line << ": " << e.reason << "\n";
        return 1;
    }
    return 0;
}

int runParseCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err)
{
    ParseCommandOptions options;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--json") {
            options.json = true;
        } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
            err << "bhiv-ops parse: unknown option " << arg << "\nusage: parse FILE [--json]\n";
            return 2;
        } else if (options.path.empty()) {
            options.path = std::string(arg);
        } else {
            err << "usage: parse FILE [--json]\n";
            return 2;
        }
    }
    if (options.path.empty()) {
        err << "usage: parse FILE [--json]\n";
        return 2;
    }
    return runParseCommand(options, out, err);
}

} // namespace ops
