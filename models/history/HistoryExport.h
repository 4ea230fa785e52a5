#pragma once

// A time range of a target's history laid out for other tools (`bhiv-ops history export`):
// CSV, JSON or OpenMetrics text that `promtool tsdb create-blocks-from openmetrics` imports.
//
// Resolution: the raw poll values where the store still has them (rawRetentionMs, 48 h by
// default); before the first raw value of a group, its 1-minute rollups, each exported as four
// series with an extra label rollup="min" | "max" | "avg" | "last" (stamped at the start of
// their minute). Raw series carry no rollup label.
//
// A series runs from its first value to its last in the range; a NaN inside (a missed poll, a
// signal the gateway did not export then) is a gap: skipped in OpenMetrics, an empty value in
// CSV, null in JSON. ±Inf are kept (+Inf/-Inf in CSV and OpenMetrics, "+Inf"/"-Inf" in JSON,
// which has no number for them). Values are written in the shortest form that reads back to
// the same double.

#include "models/history/HistoryStore.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace ops {

enum class HistoryExportFormat { Csv, Json, OpenMetrics };
std::optional<HistoryExportFormat> historyExportFormatFromName(const QString& name);

// What a value of a series is measured in, from its metric name (the console's signal names,
// then the Prometheus suffix conventions _seconds, _bytes, _ratio, _percent, _total).
struct HistoryUnit {
    std::string openMetricsUnit; // for "# UNIT": only when the metric name ends in _<unit>
    std::string text;            // for people: "seconds", "requests per second", "1" (a number)
};
HistoryUnit historyUnitOf(const std::string& metricName);

struct HistoryExportSeries {
    std::string metric; // bhiv_endpoint_request_rate
    std::string labels; // endpoint="/x" (OpenMetrics text, escaped), without the rollup label
    std::string rollup; // empty for raw values; min, max, avg or last
    std::vector<qint64> times;
    std::vector<double> values;

    // The series as OpenMetrics writes it: metric{labels,rollup="min"}.
    std::string fullName() const;
};

struct HistoryExport {
    qint64 fromMs = 0;
    qint64 toMs = 0;
    std::vector<HistoryExportSeries> series; // by metric, then labels, raw before its rollups
    std::size_t rawPoints = 0;
    std::size_t rollupPoints = 0;
    std::size_t gaps = 0;          // NaN values inside series
    std::size_t skippedSeries = 0; // names OpenMetrics cannot carry (said in problems)
    QStringList problems;          // from the store (corrupt chunks) and the export itself

    bool empty() const { return series.empty(); }
    std::size_t points() const { return rawPoints + rollupPoints; }
};

// Reads [fromMs, toMs] (both included) of every group of an open store. Refuses (nullopt,
// *error) a range holding more than maxPoints values: the export is built in memory.
std::optional<HistoryExport> collectHistoryExport(HistoryStore& store, qint64 fromMs, qint64 toMs,
                                                  std::size_t maxPoints = 100'000'000,
                                                  QString* error = nullptr);

// The export as text. `source` names what was exported (the target) in the JSON and the
// OpenMetrics/CSV comments.
QByteArray formatHistoryCsv(const HistoryExport& data);
QByteArray formatHistoryJson(const HistoryExport& data, const QString& source);
QByteArray formatHistoryOpenMetrics(const HistoryExport& data);
QByteArray formatHistoryExport(const HistoryExport& data, HistoryExportFormat format,
                               const QString& source);

// Pieces, public for the tests: the shortest round-trip text of a value ("0.1", "+Inf",
// "NaN"); an OpenMetrics timestamp (seconds) that Prometheus' parser, which truncates
// seconds*1000 to an integer, reads back as exactly timeMs.
std::string historyValueText(double value);
std::string openMetricsTimestamp(qint64 timeMs);

} // namespace ops
