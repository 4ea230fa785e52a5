#include "app/gateway-sim/MetricsWriter.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

namespace ops::sim {

namespace {

QByteArray escapeLabelValue(const QByteArray& v)
{
    QByteArray out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

QByteArray escapeHelp(const QByteArray& v, bool openMetrics)
{
    QByteArray out = v;
    out.replace("\\", "\\\\");
    out.replace("\n", "\\n");
    if (openMetrics) {
        out.replace("\"", "\\\"");
    }
    return out;
}

QByteArray labelString(MetricLabels labels)
{
    if (labels.empty()) {
        return {};
    }
    std::sort(labels.begin(), labels.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    QByteArray out = "{";
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += k;
        out += "=\"";
        out += escapeLabelValue(v);
        out += '"';
    }
    out += '}';
    return out;
}

void appendSample(QByteArray& out, const QByteArray& name, const MetricLabels& labels, double value)
{
    out += name;
    out += labelString(labels);
    out += ' ';
    out += MetricsWriter::goString(value);
    out += '\n';
}

struct Sample {
    QByteArray suffix;
    MetricLabels labels;
    double value;
};

// The samples of one family in prometheus_client's order (per child: buckets, count, sum, created).
std::vector<Sample> samplesOf(const MetricFamily& f)
{
    std::vector<Sample> out;
    for (const MetricSeries& s : f.series) {
        switch (f.type) {
        case MetricType::Counter:
            out.push_back({"_total", s.labels, s.value});
            if (s.created >= 0) {
                out.push_back({"_created", s.labels, s.created});
            }
            break;
        case MetricType::Gauge:
            out.push_back({"", s.labels, s.value});
            break;
        case MetricType::Histogram: {
            for (size_t i = 0; i <= f.bucketBounds.size(); ++i) {
                MetricLabels l = s.labels;
                const double bound = i < f.bucketBounds.size()
                                         ? f.bucketBounds[i]
                                         : std::numeric_limits<double>::infinity();
                l.emplace_back("le", MetricsWriter::goString(bound));
                const double v = i < s.cumulativeBuckets.size() ? s.cumulativeBuckets[i] : s.count;
                out.push_back({"_bucket", l, v});
            }
            out.push_back({"_count", s.labels, s.count});
            out.push_back({"_sum", s.labels, s.sum});
            if (s.created >= 0) {
                out.push_back({"_created", s.labels, s.created});
            }
            break;
        }
        }
    }
    return out;
}

QByteArray typeName(MetricType t)
{
    switch (t) {
    case MetricType::Counter:
        return "counter";
    case MetricType::Gauge:
        return "gauge";
    case MetricType::Histogram:
        return "histogram";
    }
    return "untyped";
}

} // namespace

QByteArray MetricsWriter::pythonRepr(double value)
{
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    if (value == 0.0) {
        return std::signbit(value) ? "-0.0" : "0.0";
    }
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const std::string sci(buf, res.ptr);
    // sci looks like "-1.7957491753133948e+09" (shortest round-trip digits).
    const bool negative = sci.front() == '-';
    const size_t start = negative ? 1 : 0;
    const size_t ePos = sci.find('e');
    std::string digits;
    for (size_t i = start; i < ePos; ++i) {
        if (sci[i] != '.') {
            digits += sci[i];
        }
    }
    while (digits.size() > 1 && digits.back() == '0') {
        digits.pop_back();
    }
    const int exponent = std::atoi(sci.c_str() + ePos + 1);
    const int decpt = exponent + 1; // value = 0.DIGITS * 10^decpt
    std::string out = negative ? "-" : "";
    if (decpt <= -4 || decpt > 16) {
        out += digits[0];
        if (digits.size() > 1) {
            out += '.';
            out += digits.substr(1);
        }
        out += 'e';
        out += exponent < 0 ? '-' : '+';
        const int absExp = std::abs(exponent);
        if (absExp < 10) {
            out += '0';
        }
        out += std::to_string(absExp);
    } else if (decpt <= 0) {
        out += "0.";
        out += std::string(static_cast<size_t>(-decpt), '0');
        out += digits;
    } else if (static_cast<size_t>(decpt) >= digits.size()) {
        out += digits;
        out += std::string(static_cast<size_t>(decpt) - digits.size(), '0');
        out += ".0";
    } else {
        out += digits.substr(0, static_cast<size_t>(decpt));
        out += '.';
        out += digits.substr(static_cast<size_t>(decpt));
    }
    return QByteArray::fromStdString(out);
}

QByteArray MetricsWriter::goString(double value)
{
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    if (std::isnan(value)) {
        return "NaN";
    }
    const QByteArray s = pythonRepr(value);
    const qsizetype dot = s.indexOf('.');
    if (value > 0 && dot > 6) {
        QByteArray mantissa = s.left(dot) + s.mid(dot + 1);
        // Python's rstrip('0.') strips any trailing '0' and '.' characters.
        while (!mantissa.isEmpty() && (mantissa.endsWith('0') || mantissa.endsWith('.'))) {
            mantissa.chop(1);
        }
        return mantissa.left(1) + '.' + mantissa.mid(1) + "e+0" + QByteArray::number(dot - 1);
    }
    return s;
}

QByteArray MetricsWriter::prometheusText(const std::vector<MetricFamily>& families)
{
    QByteArray out;
    out.reserve(64 * 1024);
    for (const MetricFamily& f : families) {
        const QByteArray mname = f.type == MetricType::Counter ? f.name + "_total" : f.name;
        const QByteArray help = escapeHelp(f.help, false);
        out += "# HELP " + mname + ' ' + help + '\n';
        out += "# TYPE " + mname + ' ' + typeName(f.type) + '\n';
        QByteArray created;
        for (const Sample& s : samplesOf(f)) {
            if (s.suffix == "_created") {
                appendSample(created, f.name + s.suffix, s.labels, s.value);
            } else {
                appendSample(out, f.name + s.suffix, s.labels, s.value);
            }
        }
        if (!created.isEmpty()) {
            out += "# HELP " + f.name + "_created " + help + '\n';
            out += "# TYPE " + f.name + "_created gauge\n";
            out += created;
        }
    }
    return out;
}

QByteArray MetricsWriter::openMetrics(const std::vector<MetricFamily>& families)
{
    QByteArray out;
    out.reserve(64 * 1024);
    for (const MetricFamily& f : families) {
        out += "# HELP " + f.name + ' ' + escapeHelp(f.help, true) + '\n';
        out += "# TYPE " + f.name + ' ' + typeName(f.type) + '\n';
        for (const Sample& s : samplesOf(f)) {
            appendSample(out, f.name + s.suffix, s.labels, s.value);
        }
    }
    out += "# EOF\n";
    return out;
}

const std::vector<double>& MetricsWriter::defaultBuckets()
{
    static const std::vector<double> buckets{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                             0.5,   0.75, 1.0,   2.5,  5.0,   7.5, 10.0};
    return buckets;
}

} // namespace ops::sim
