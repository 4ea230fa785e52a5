#include "app/cli/ParseCommand.h"

#include "models/metrics/MetricsText.h"

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
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

int printParsedMetrics(std::string_view body, const ParseCommandOptions& options, std::ostream& out,
                       std::ostream& err)
{
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
        out << '[';
        bool firstSample = true;
        for (const MetricSample& s : result.samples) {
            line.clear();
            line += firstSample ? "\n" : ",\n";
            firstSample = false;
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
            line += "}";
            out << line;
        }
        out << (result.samples.empty() ? "]\n" : "\n]\n");
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

int runParseCommand(const ParseCommandOptions& options, std::ostream& out, std::ostream& err)
{
    std::string body;
    if (options.path == "-") {
        body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::error_code ec;
        if (std::filesystem::is_directory(options.path, ec)) {
            err << "bhiv-ops parse: " << options.path << " is a directory, not a metrics body\n";
            return 2;
        }
        std::ifstream file(options.path, std::ios::binary);
        if (!file) {
            err << "bhiv-ops parse: cannot open " << options.path << ": " << std::strerror(errno)
                << "\n";
            return 2;
        }
        body.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        if (file.bad()) {
            err << "bhiv-ops parse: cannot read " << options.path << "\n";
            return 2;
        }
    }
    return printParsedMetrics(body, options, out, err);
}

ParseCommand::ParseCommand()
    : CliCommand(QStringLiteral("parse"),
                 QCoreApplication::translate(
                     "parse", "Parse a /metrics body (Prometheus text, OpenMetrics or the JSON "
                              "stub; gzip is inflated) and print its samples. FILE - reads "
                              "stdin."))
{
    setSyntax(QStringLiteral("parse FILE|-"));
    addJsonOption(QCoreApplication::translate(
        "parse", "Print one JSON array of samples: {\"name\", \"labels\", \"value\", "
                 "\"timestamp_ms\"}; [] when there are none."));
}

int ParseCommand::execute()
{
    const QStringList files = positional();
    if (files.size() != 1)
        return fail(ExitCode::Usage,
                    files.isEmpty()
                        ? QCoreApplication::translate("parse", "parse needs a FILE (- for stdin)")
                        : QCoreApplication::translate("parse", "parse takes one FILE, not %1")
                              .arg(files.size()));
    ParseCommandOptions options;
    options.path = files.constFirst().toStdString();
    options.json = json();
    std::ostringstream err;
    const int exit = runParseCommand(options, std::cout, err);
    std::cout.flush();
    // Errors as the other verbs give them, also as {"error": ...} with --json when nothing
    // could be read.
    const std::string errors = err.str();
    if (exit == 2)
        return fail(
            ExitCode::CouldNotRun,
            QString::fromStdString(errors).trimmed().remove(QStringLiteral("bhiv-ops parse: ")),
            QStringLiteral("file"));
    std::fputs(errors.c_str(), stderr);
    return exit;
}

} // namespace ops
