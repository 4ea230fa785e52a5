#include "models/history/HistoryExport.h"

#include <QDateTime>
#include <QStringList>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <tuple>

namespace ops {

namespace {

constexpr std::array<const char*, kRollupColumns> kRollupNames{"min", "max", "avg", "last"};

bool validMetricName(const std::string& name)
{
    if (name.empty())
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        if (!letter && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

// label="value" pairs of OpenMetrics text (escapes \\ \" \n); nullopt when malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parseLabels(const std::string& text)
{
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t eq = text.find('=', i);
        if (eq == std::string::npos || eq + 1 >= text.size() || text[eq + 1] != '"')
            return std::nullopt;
        std::string name = text.substr(i, eq - i);
        if (!validMetricName(name) || name.find(':') != std::string::npos)
            return std::nullopt;
        std::string value;
        std::size_t j = eq + 2;
        bool closed = false;
        for (; j < text.size(); ++j) {
            const char c = text[j];
            if (c == '\\' && j + 1 < text.size()) {
                const char e = text[++j];
                value.push_back(e == 'n' ? '\n' : e);
            } else if (c == '"') {
                closed = true;
                break;
            } else {
                value.push_back(c);
            }
        }
        if (!closed)
            return std::nullopt;
        out.emplace_back(std::move(name), std::move(value));
        i = j + 1;
        if (i < text.size()) {
            if (text[i] != ',')
                return std::nullopt;
            ++i;
        }
    }
    return out;
}

struct SeriesKey {
    std::string metric;
    std::string labels;
    int rollup = -1; // -1 raw, else RollupColumn

    bool operator<(const SeriesKey& o) const
    {
        return std::tie(metric, labels, rollup) < std::tie(o.metric, o.labels, o.rollup);
    }
};

struct Points {
    std::vector<qint64> times;
    std::vector<double> values;
};

void appendJsonString(QByteArray& out, const std::string& s)
{
    out.append('"');
    for (const char c : s) {
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                out.append(buf);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

void appendCsvField(QByteArray& out, const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos) {
        out.append(s.data(), qsizetype(s.size()));
        return;
    }
    out.append('"');
    for (const char c : s) {
        if (c == '"')
            out.append('"');
        out.append(c);
    }
    out.append('"');
}

std::string isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toStdString();
}

void appendHelpText(QByteArray& out, const std::string& s)
{
    for (const char c : s) {
        if (c == '\\')
            out.append("\\\\");
        else if (c == '\n')
            out.append("\\n");
        else
            out.append(c);
    }
}

std::string resolutionOf(const HistoryExportSeries& s)
{
    return s.rollup.empty() ? "raw" : "1m";
}

} // namespace

std::optional<HistoryExportFormat> historyExportFormatFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"csv")
        return HistoryExportFormat::Csv;
    if (n == u"json")
        return HistoryExportFormat::Json;
    if (n == u"openmetrics" || n == u"om")
        return HistoryExportFormat::OpenMetrics;
    return std::nullopt;
}

HistoryUnit historyUnitOf(const std::string& metricName)
{
    const auto endsWith = [&metricName](const std::string& suffix) {
        return metricName.size() >= suffix.size() &&
               metricName.compare(metricName.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    // The console's own signals (SignalBoard), per target and per endpoint.
    static const std::array<std::pair<const char*, const char*>, 9> kSignals{{
        {"_request_rate", "requests per second"},
        {"_error_rate", "errors per second"},
        {"_workflow_rate", "workflow executions per second"},
        {"_latency_avg", "seconds"},
        {"_latency_p50", "seconds"},
        {"_latency_p95", "seconds"},
        {"_latency_p99", "seconds"},
        {"_active_workflows", "workflows"},
        {"_connections", "connections"},
    }};
    for (const auto& [suffix, text] : kSignals) {
        if (endsWith(suffix))
            return {{}, text};
    }
    static const std::array<std::pair<const char*, const char*>, 7> kUnits{{
        {"seconds", "seconds"},
        {"milliseconds", "milliseconds"},
        {"bytes", "bytes"},
        {"ratio", "ratio (0 to 1)"},
        {"percent", "percent"},
        {"celsius", "degrees Celsius"},
        {"hertz", "hertz"},
    }};
    for (const auto& [unit, text] : kUnits) {
        if (endsWith(std::string("_") + unit))
            return {unit, text};
    }
    if (endsWith("_total") || endsWith("_count"))
        return {{}, "count (cumulative)"};
    if (endsWith("_rate"))
        return {{}, "per second"};
    return {{}, "1 (a plain number)"};
}

std::string HistoryExportSeries::fullName() const
{
    std::string name = metric;
    if (labels.empty() && rollup.empty())
        return name;
    name += '{';
    name += labels;
    if (!rollup.empty()) {
        if (!labels.empty())
            name += ',';
        name += "rollup=\"" + rollup + "\"";
    }
    name += '}';
    return name;
}

std::string historyValueText(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, result.ptr);
}

std::string openMetricsTimestamp(qint64 timeMs)
{
    // Prometheus reads int64(parseFloat(text) * 1000), which truncates: "1767225600.123" can
    // come back as ...122. Start from the exact decimal and step away from zero one double at a
    // time until it reads back.
    const bool negative = timeMs < 0;
    const qint64 magnitude = negative ? -timeMs : timeMs;
    const qint64 whole = magnitude / 1000;
    const qint64 frac = magnitude % 1000;
    char buf[64];
    if (frac == 0)
        std::snprintf(buf, sizeof buf, "%s%lld", negative ? "-" : "",
                      static_cast<long long>(whole));
    else
        std::snprintf(buf, sizeof buf, "%s%lld.%03lld", negative ? "-" : "",
                      static_cast<long long>(whole), static_cast<long long>(frac));
    double seconds = std::strtod(buf, nullptr);
    const auto readsBack = [timeMs](double s) { return static_cast<qint64>(s * 1000) == timeMs; };
    if (readsBack(seconds))
        return buf;
    const double away = negative ? -std::numeric_limits<double>::infinity()
                                 : std::numeric_limits<double>::infinity();
    for (int step = 0; step < 64 && !readsBack(seconds); ++step)
        seconds = std::nextafter(seconds, away);
    const auto result = std::to_chars(buf, buf + sizeof buf, seconds, std::chars_format::fixed);
    return std::string(buf, result.ptr);
}

namespace {

// Gathers the points of every series of a store in [fromMs, toMs], raw where the store has raw
// values and the 1-minute rollups before them, until more than maxPoints values were seen.
class ExportCollector {
public:
    ExportCollector(HistoryExport& out, qint64 fromMs, qint64 toMs, std::size_t maxPoints)
        : m_out(out)
        , m_fromMs(fromMs)
        , m_toMs(toMs)
        , m_maxPoints(maxPoints)
    {
    }

    void readGroup(HistoryStore& store, const std::string& group)
    {
        const qint64 firstRaw = readRaw(store, group);
        if (firstRaw > m_fromMs && !m_tooMany) {
            // Before the raw values (or with none): the 1-minute rollups.
            const qint64 rollupTo = std::min(
                m_toMs, firstRaw == std::numeric_limits<qint64>::max() ? m_toMs : firstRaw - 1);
            readRollups(store, group, rollupTo);
        }
    }

    bool tooMany() const { return m_tooMany; }
    std::map<SeriesKey, Points>& collected() { return m_collected; }

private:
    // The earliest raw time read (max() when none).
    qint64 readRaw(HistoryStore& store, const std::string& group)
    {
        qint64 firstRaw = std::numeric_limits<qint64>::max();
        for (const HistoryBlock& block : store.read(HistoryKind::Raw, group, m_fromMs, m_toMs)) {
            for (const HistorySeries& s : block.series) {
                const auto key = keyOf(s.name, -1);
                if (!key || s.columns.empty())
                    continue;
                const std::vector<double>& col = s.columns[0];
                for (std::size_t i = 0; i < block.times.size() && i < col.size(); ++i) {
                    const qint64 t = block.times[i];
                    if (t < m_fromMs || t > m_toMs)
                        continue;
                    firstRaw = std::min(firstRaw, t);
                    add(*key, t, col[i]);
                }
                if (m_tooMany)
                    break;
            }
            if (m_tooMany)
                break;
        }
        return firstRaw;
    }

    void readRollups(HistoryStore& store, const std::string& group, qint64 rollupTo)
    {
        for (const HistoryBlock& block :
             store.read(HistoryKind::Rollup, group, m_fromMs, rollupTo)) {
            for (const HistorySeries& s : block.series) {
                for (std::size_t c = 0; c < kRollupColumns && c < s.columns.size(); ++c) {
                    const auto key = keyOf(s.name, int(c));
                    if (!key)
                        break;
                    const std::vector<double>& col = s.columns[c];
                    for (std::size_t i = 0; i < block.times.size() && i < col.size(); ++i) {
                        const qint64 t = block.times[i];
                        if (t >= m_fromMs && t <= rollupTo)
                            add(*key, t, col[i]);
                    }
                }
                if (m_tooMany)
                    break;
            }
            if (m_tooMany)
                break;
        }
    }

    // The stored name as metric and labels; nullopt (said once per name) when OpenMetrics
    // cannot carry it.
    std::optional<SeriesKey> keyOf(const std::string& stored, int rollup)
    {
        const std::size_t brace = stored.find('{');
        SeriesKey key;
        key.metric = stored.substr(0, brace);
        key.rollup = rollup;
        if (brace != std::string::npos) {
            if (stored.back() != '}')
                return std::nullopt;
            key.labels = stored.substr(brace + 1, stored.size() - brace - 2);
        }
        auto [it, inserted] = m_nameOk.try_emplace(stored, false);
        if (inserted) {
            const auto labels = parseLabels(key.labels);
            bool ok = validMetricName(key.metric) && labels.has_value();
            if (ok) {
                for (const auto& [name, value] : *labels)
                    ok = ok && name != "rollup" && name != "__name__";
            }
            it->second = ok;
            if (!ok) {
                ++m_out.skippedSeries;
                m_out.problems << QStringLiteral("series %1 is not a valid OpenMetrics name; left "
                                                 "out")
                                      .arg(QString::fromStdString(stored));
            }
        }
        if (!it->second)
            return std::nullopt;
        return key;
    }

    void add(const SeriesKey& key, qint64 t, double v)
    {
        Points& p = m_collected[key];
        p.times.push_back(t);
        p.values.push_back(v);
        if (++m_total > m_maxPoints)
            m_tooMany = true;
    }

    HistoryExport& m_out;
    qint64 m_fromMs;
    qint64 m_toMs;
    std::size_t m_maxPoints;
    std::map<SeriesKey, Points> m_collected;
    std::map<std::string, bool> m_nameOk; // stored name -> whether OpenMetrics can carry it
    std::size_t m_total = 0;
    bool m_tooMany = false;
};

// One series of the export: time order, one value per time (a later chunk wins: it was written
// after a restart), from the first value to the last. nullopt when it holds no value at all.
std::optional<HistoryExportSeries> exportSeriesOf(const SeriesKey& key, const Points& p)
{
    std::vector<std::size_t> order(p.times.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    if (!std::is_sorted(p.times.begin(), p.times.end()))
        std::stable_sort(order.begin(), order.end(),
                         [&p](std::size_t a, std::size_t b) { return p.times[a] < p.times[b]; });
    HistoryExportSeries s;
    s.metric = key.metric;
    s.labels = key.labels;
    if (key.rollup >= 0)
        s.rollup = kRollupNames[std::size_t(key.rollup)];
    for (const std::size_t i : order) {
        if (!s.times.empty() && s.times.back() == p.times[i]) {
            s.values.back() = p.values[i];
            continue;
        }
        s.times.push_back(p.times[i]);
        s.values.push_back(p.values[i]);
    }
    // NaN around the values is padding (the series did not exist yet, or no more), NaN between
    // them a gap.
    std::size_t first = 0;
    while (first < s.values.size() && std::isnan(s.values[first]))
        ++first;
    std::size_t end = s.values.size();
    while (end > first && std::isnan(s.values[end - 1]))
        --end;
    if (first == end)
        return std::nullopt;
    s.times =
        std::vector<qint64>(s.times.begin() + qsizetype(first), s.times.begin() + qsizetype(end));
    s.values =
        std::vector<double>(s.values.begin() + qsizetype(first), s.values.begin() + qsizetype(end));
    return s;
}

} // namespace

std::optional<HistoryExport> collectHistoryExport(HistoryStore& store, qint64 fromMs, qint64 toMs,
                                                  std::size_t maxPoints, QString* error)
{
    HistoryExport out;
    out.fromMs = fromMs;
    out.toMs = toMs;
    ExportCollector collector(out, fromMs, toMs, maxPoints);
    for (const std::string& group : store.groups()) {
        collector.readGroup(store, group);
        if (collector.tooMany())
            break;
    }
    out.problems += store.takeProblems();
    if (collector.tooMany()) {
        if (error)
            *error = QStringLiteral("the range holds more than %1 values; export a shorter "
                                    "range")
                         .arg(qulonglong(maxPoints));
        return std::nullopt;
    }
    for (auto& [key, points] : collector.collected()) {
        std::optional<HistoryExportSeries> s = exportSeriesOf(key, points);
        points = {}; // the points are copied into s: the collected ones can go
        if (!s)
            continue;
        for (const double v : s->values)
            out.gaps += std::isnan(v) ? 1 : 0;
        (s->rollup.empty() ? out.rawPoints : out.rollupPoints) += s->values.size();
        out.series.push_back(std::move(*s));
    }
    return out;
}

QByteArray formatHistoryCsv(const HistoryExport& data)
{
    QByteArray out;
    out.append("time_utc,time_ms,series,resolution,unit,value\n");
    for (const HistoryExportSeries& s : data.series) {
        const std::string name = s.fullName();
        const std::string resolution = resolutionOf(s);
        const std::string unit = historyUnitOf(s.metric).text;
        for (std::size_t i = 0; i < s.times.size(); ++i) {
            out.append(isoTime(s.times[i]).c_str());
            out.append(',');
            out.append(QByteArray::number(s.times[i]));
            out.append(',');
            appendCsvField(out, name);
            out.append(',');
            out.append(resolution.c_str());
            out.append(',');
            appendCsvField(out, unit);
            out.append(',');
            if (!std::isnan(s.values[i]))
                out.append(historyValueText(s.values[i]).c_str());
            out.append('\n');
        }
    }
    return out;
}

QByteArray formatHistoryJson(const HistoryExport& data, const QString& source)
{
    QByteArray out;
    out.append("{\"source\":");
    appendJsonString(out, source.toStdString());
    out.append(",\"from\":");
    appendJsonString(out, isoTime(data.fromMs));
    out.append(",\"to\":");
    appendJsonString(out, isoTime(data.toMs));
    out.append(",\"from_ms\":" + QByteArray::number(data.fromMs));
    out.append(",\"to_ms\":" + QByteArray::number(data.toMs));
    out.append(",\"time_unit\":\"ms since 1970-01-01T00:00:00Z\"");
    out.append(",\"points\":" + QByteArray::number(qulonglong(data.points())));
    out.append(",\"series\":[");
    bool firstSeries = true;
    for (const HistoryExportSeries& s : data.series) {
        if (!firstSeries)
            out.append(',');
        firstSeries = false;
        out.append("\n{\"name\":");
        appendJsonString(out, s.fullName());
        out.append(",\"metric\":");
        appendJsonString(out, s.metric);
        out.append(",\"labels\":{");
        bool firstLabel = true;
        for (const auto& [name, value] :
             parseLabels(s.labels).value_or(std::vector<std::pair<std::string, std::string>>{})) {
            if (!firstLabel)
                out.append(',');
            firstLabel = false;
            appendJsonString(out, name);
            out.append(':');
            appendJsonString(out, value);
        }
        out.append("},\"resolution\":");
        appendJsonString(out, resolutionOf(s));
        out.append(",\"rollup\":");
        if (s.rollup.empty())
            out.append("null");
        else
            appendJsonString(out, s.rollup);
        out.append(",\"unit\":");
        appendJsonString(out, historyUnitOf(s.metric).text);
        out.append(",\"points\":[");
        for (std::size_t i = 0; i < s.times.size(); ++i) {
            if (i)
                out.append(',');
            out.append('[');
            out.append(QByteArray::number(s.times[i]));
            out.append(',');
            const double v = s.values[i];
            if (std::isnan(v))
                out.append("null");
            else if (std::isinf(v))
                out.append(v > 0 ? "\"+Inf\"" : "\"-Inf\"");
            else
                out.append(historyValueText(v).c_str());
            out.append(']');
        }
        out.append("]}");
    }
    out.append("\n]}\n");
    return out;
}

QByteArray formatHistoryOpenMetrics(const HistoryExport& data)
{
    QByteArray out;
    std::string family;
    for (const HistoryExportSeries& s : data.series) {
        if (s.metric != family) {
            family = s.metric;
            const HistoryUnit unit = historyUnitOf(family);
            out.append("# TYPE " + QByteArray::fromStdString(family) + " unknown\n");
            if (!unit.openMetricsUnit.empty())
                out.append("# UNIT " + QByteArray::fromStdString(family) + ' ' +
                           QByteArray::fromStdString(unit.openMetricsUnit) + '\n');
            out.append("# HELP " + QByteArray::fromStdString(family) + ' ');
            appendHelpText(out, "BHIV Ops Console history, unit: " + unit.text +
                                    "; raw poll values, and before them 1-minute rollups "
                                    "labelled rollup=min|max|avg|last");
            out.append('\n');
        }
        const QByteArray name = QByteArray::fromStdString(s.fullName());
        for (std::size_t i = 0; i < s.times.size(); ++i) {
            if (std::isnan(s.values[i]))
                continue; // a gap: OpenMetrics has no "no value"
            out.append(name);
            out.append(' ');
            out.append(historyValueText(s.values[i]).c_str());
            out.append(' ');
            out.append(openMetricsTimestamp(s.times[i]).c_str());
            out.append('\n');
        }
    }
    out.append("# EOF\n");
    return out;
}

QByteArray formatHistoryExport(const HistoryExport& data, HistoryExportFormat format,
                               const QString& source)
{
    switch (format) {
    case HistoryExportFormat::Csv:
        return formatHistoryCsv(data);
    case HistoryExportFormat::Json:
        return formatHistoryJson(data, source);
    case HistoryExportFormat::OpenMetrics:
        return formatHistoryOpenMetrics(data);
    }
    return {};
}

} // namespace ops
