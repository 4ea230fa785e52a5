#include "models/metrics/MetricsText.h"

#include "models/metrics/Gzip.h"
#include "models/metrics/MetricsParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cstring>

namespace ops {

namespace {

bool containsNoCase(std::string_view haystack, std::string_view lowerNeedle)
{
    if (lowerNeedle.size() > haystack.size())
        return false;
    for (std::size_t i = 0; i + lowerNeedle.size() <= haystack.size(); ++i) {
        bool match = true;
        for (std::size_t j = 0; j < lowerNeedle.size() && match; ++j) {
            char c = haystack[i + j];
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            match = c == lowerNeedle[j];
        }
        if (match)
            return true;
    }
    return false;
}

std::string_view trimmed(std::string_view s)
{
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

bool endsWithEof(std::string_view body)
{
    const std::string_view t = trimmed(body);
    constexpr std::string_view kEof = "# EOF";
    return t.size() >= kEof.size() && t.substr(t.size() - kEof.size()) == kEof &&
           (t.size() == kEof.size() || t[t.size() - kEof.size() - 1] == '\n');
}

MetricsParseResult rejected(std::string why)
{
    MetricsParseResult r;
    r.ok = false;
    r.error = std::move(why);
    return r;
}

MetricsParseResult parseJsonStub(std::string_view body)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(body.data(), static_cast<qsizetype>(body.size())), &err);
    if (err.error != QJsonParseError::NoError)
        return rejected("not valid JSON: " + err.errorString().toStdString() + " at offset " +
                        std::to_string(err.offset));
    if (!doc.isObject())
        return rejected("JSON metrics stub must be an object");
    MetricsParseResult r;
    const QJsonObject object = doc.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isDouble())
            continue;
        MetricSample s;
        s.name = it.key().toStdString();
        s.value = it.value().toDouble();
        r.samples.push_back(std::move(s));
    }
    if (r.samples.empty()) {
        std::string keys;
        for (auto it = object.begin(); it != object.end() && keys.size() < 60; ++it)
            keys += (keys.empty() ? "" : ", ") + it.key().toStdString();
        return rejected("JSON body has no numeric fields, not metrics (an error envelope?): {" +
                        keys + "}");
    }
    r.ok = true;
    return r;
}

} // namespace

MetricsFormat detectMetricsFormat(std::string_view body, std::string_view contentTypeOrFileName)
{
    if (containsNoCase(contentTypeOrFileName, "openmetrics"))
        return MetricsFormat::OpenMetrics;
    if (containsNoCase(contentTypeOrFileName, "json"))
        return MetricsFormat::JsonStub;
    const std::string_view t = trimmed(body);
    if (!t.empty() && t.front() == '{')
        return MetricsFormat::JsonStub;
    if (endsWithEof(body))
        return MetricsFormat::OpenMetrics;
    return MetricsFormat::PrometheusText;
}

std::optional<std::string> rejectNonMetricsBody(std::string_view body, MetricsFormat format)
{
    if (body.size() > MetricsLimits::kMaxBodyBytes)
        return "body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
               std::to_string(MetricsLimits::kMaxBodyBytes);
    if (std::memchr(body.data(), '\0', body.size()) != nullptr)
        return std::string("binary data, not metrics text");
    if (format == MetricsFormat::JsonStub)
        return std::nullopt;
    const std::string_view t = trimmed(body);
    if (!t.empty() && t.front() == '<')
        return std::string("an HTML/XML document, not metrics (an error page?)");
    if (!t.empty() && (t.front() == '{' || t.front() == '['))
        return std::string("a JSON document, not metrics text (an error envelope?)");
    return std::nullopt;
}

MetricsParseResult parseMetrics(std::string_view body, MetricsFormat format)
{
    std::string inflated;
    if (isGzip(body)) {
        std::string why;
        if (!decodeGzip(body, inflated, MetricsLimits::kMaxBodyBytes, &why))
            return rejected(why);
        body = inflated;
    }
    if (auto why = rejectNonMetricsBody(body, format))
        return rejected(*why);
    if (format == MetricsFormat::JsonStub)
        return parseJsonStub(body);

    MetricsParseResult r;
    MetricsParser parser(body, format);
    RawSample raw;
    std::string reason;
    while (parser.next(raw)) {
        MetricSample s;
        if (!isValidMetricName(raw.name)) {
            reason = "bad metric name";
            r.malformedLines++;
            if (r.firstErrors.size() < MetricsLimits::kMaxReportedErrors)
                r.firstErrors.push_back({raw.line, reason});
            continue;
        }
        if (!decodeLabels(raw.labels, s.labels, &reason)) {
            // The scanner checks structure; escapes, UTF-8 and duplicates are checked here.
            r.malformedLines++;
            if (r.firstErrors.size() < MetricsLimits::kMaxReportedErrors)
                r.firstErrors.push_back({raw.line, reason});
            continue;
        }
        s.name.assign(raw.name);
        s.value = raw.value;
        if (raw.hasTimestamp)
            s.timestampMs = raw.timestampMs;
        r.samples.push_back(std::move(s));
    }
    // Merge the scanner's errors with the label errors, in line order.
    r.malformedLines += parser.malformedLines();
    std::vector<MetricsParseError> errors = parser.firstErrors();
    errors.insert(errors.end(), r.firstErrors.begin(), r.firstErrors.end());
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.line < b.line; });
    if (errors.size() > MetricsLimits::kMaxReportedErrors)
        errors.resize(MetricsLimits::kMaxReportedErrors);
    r.firstErrors = std::move(errors);
    if (r.samples.empty() && r.malformedLines > 0) {
        r.ok = false;
        r.error = "no valid metrics lines, not metrics text";
        if (!r.firstErrors.empty())
            r.error += " (line " + std::to_string(r.firstErrors.front().line) + ": " +
                       r.firstErrors.front().reason + ")";
        return r;
    }
    r.ok = true;
    return r;
}

} // namespace ops
