#include "models/history/HistoryRestore.h"

#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"
#include "models/metrics/SeriesStore.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kAvg = static_cast<std::size_t>(RollupColumn::Avg);

// A row of a block: which block, which row.
struct RowRef {
    std::uint32_t block = 0;
    std::uint32_t row = 0;
};

// The rows of a group's blocks in time order, strictly increasing (a repeated time keeps the
// first).
std::vector<RowRef> rowsOf(const std::vector<HistoryBlock>& blocks, std::vector<qint64>& times)
{
    std::vector<RowRef> rows;
    qint64 previous = std::numeric_limits<qint64>::min();
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        const auto& ts = blocks[b].times;
        for (std::size_t r = 0; r < ts.size(); ++r) {
            if (ts[r] <= previous)
                continue;
            previous = ts[r];
            rows.push_back({std::uint32_t(b), std::uint32_t(r)});
            times.push_back(ts[r]);
        }
    }
    return rows;
}

qint64 floorTo(qint64 t, qint64 step)
{
    return (t >= 0 ? t / step : (t - step + 1) / step) * step;
}

} // namespace

RestoreData readRestore(HistoryStore& store, const RestoreWindow& window)
{
    RestoreData d;
    d.target = store.read(HistoryKind::Raw, kHistoryTargetGroup, window.fromMs, window.toMs);
    d.endpointsFrom =
        std::max(window.fromMs, window.toMs - std::max<qint64>(window.endpointRecentMs, 0));
    d.endpoints =
        store.read(HistoryKind::Raw, kHistoryEndpointsGroup, d.endpointsFrom, window.toMs);
    return d;
}

RestoreCounts fillBoard(const RestoreData& data, SignalBoard& board)
{
    RestoreCounts counts;
    const std::vector<RowRef> targetRows = rowsOf(data.target, counts.times);
    std::vector<qint64> endpointTimes;
    const std::vector<RowRef> endpointRows = rowsOf(data.endpoints, endpointTimes);

    // Column maps: a target series to its signal, an endpoint series to (signal, endpoint).
    std::vector<std::vector<int>> targetColumns;
    targetColumns.reserve(data.target.size());
    for (const HistoryBlock& b : data.target) {
        auto& cols = targetColumns.emplace_back(b.series.size(), -1);
        for (std::size_t s = 0; s < b.series.size(); ++s) {
            for (std::size_t i = 0; i < kSignalCount; ++i) {
                if (b.series[s].name == TargetHistory::targetSeriesName(i))
                    cols[s] = static_cast<int>(i);
            }
        }
    }
    struct EndpointColumn {
        std::size_t signal = kEndpointSignalCount;
        std::size_t endpoint = 0;
    };
    std::vector<std::string> endpointOrder;
    std::unordered_map<std::string, std::size_t> endpointIndex;
    std::vector<std::vector<EndpointColumn>> endpointColumns;
    endpointColumns.reserve(data.endpoints.size());
    for (const HistoryBlock& b : data.endpoints) {
        auto& cols = endpointColumns.emplace_back(b.series.size());
        for (std::size_t s = 0; s < b.series.size(); ++s) {
            std::size_t signal = 0;
            std::string endpoint;
            if (!TargetHistory::parseEndpointSeriesName(b.series[s].name, signal, endpoint))
                continue;
            auto [it, added] = endpointIndex.try_emplace(endpoint, endpointOrder.size());
            if (added)
                endpointOrder.push_back(endpoint);
            cols[s] = {signal, it->second};
        }
    }

    std::vector<EndpointValues> rows(endpointOrder.size());
    for (std::size_t e = 0; e < rows.size(); ++e)
        rows[e].endpoint = endpointOrder[e];
    const std::vector<EndpointValues> none;
    std::array<double, kSignalCount> values{};
    std::size_t next = 0; // next endpoint row
    for (std::size_t i = 0; i < targetRows.size(); ++i) {
        const qint64 t = counts.times[i];
        const HistoryBlock& b = data.target[targetRows[i].block];
        const auto& cols = targetColumns[targetRows[i].block];
        values.fill(kNaN);
        for (std::size_t s = 0; s < b.series.size(); ++s) {
            if (cols[s] >= 0 && !b.series[s].columns.empty())
                values[static_cast<std::size_t>(cols[s])] =
                    b.series[s].columns[0][targetRows[i].row];
        }
        while (next < endpointTimes.size() && endpointTimes[next] < t)
            ++next;
        // (The chunks read reach back before endpointsFrom: their older rows are left out.)
        if (t >= data.endpointsFrom && next < endpointTimes.size() && endpointTimes[next] == t) {
            for (EndpointValues& row : rows)
                row.latest.fill(kNaN);
            const RowRef ref = endpointRows[next];
            const HistoryBlock& eb = data.endpoints[ref.block];
            const auto& ecols = endpointColumns[ref.block];
            for (std::size_t s = 0; s < eb.series.size(); ++s) {
                if (ecols[s].signal < kEndpointSignalCount && !eb.series[s].columns.empty()) {
                    rows[ecols[s].endpoint].latest[ecols[s].signal] =
                        eb.series[s].columns[0][ref.row];
                    ++counts.endpointPoints;
                }
            }
            board.restoreScrape(t, values, rows);
        } else {
            // Before the endpoints' recent part: the endpoint series do not exist yet, and a
            // row costs the target's signals only.
            board.restoreScrape(t, values, none);
        }
    }
    return counts;
}

EndpointDayData readEndpointDay(HistoryStore& store, const std::string& endpoint,
                                const RestoreWindow& window)
{
    EndpointDayData d;
    d.bucketMs = store.options().rollupBucketMs;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
        names.push_back(TargetHistory::endpointSeriesName(k, endpoint));
    // The minutes before the recent part, whole buckets only.
    const qint64 recent =
        floorTo(window.toMs - std::max<qint64>(window.endpointRecentMs, 0), d.bucketMs);
    qint64 rolledUntil = window.fromMs;
    if (recent > window.fromMs) {
        BlockSelection select;
        select.columns = 1u << kAvg;
        select.series = &names;
        d.minutes = store.read(HistoryKind::Rollup, kHistoryEndpointsGroup, window.fromMs,
                               recent - 1, select);
        // Rows that reach into the recent part are left to the raw points.
        for (HistoryBlock& b : d.minutes) {
            std::size_t keep = 0;
            while (keep < b.times.size() && b.times[keep] + d.bucketMs <= recent)
                ++keep;
            b.times.resize(keep);
            for (HistorySeries& s : b.series) {
                for (auto& col : s.columns) {
                    if (col.size() > keep)
                        col.resize(keep);
                }
            }
            if (keep > 0)
                rolledUntil = std::max(rolledUntil, b.times[keep - 1] + d.bucketMs);
        }
    }
    // Poll resolution from where the minutes end: the recent part, and any minutes not rolled
    // up yet (the open chunk of a console that stopped long ago).
    d.rawFrom = rolledUntil;
    BlockSelection select;
    select.series = &names;
    d.raw = store.read(HistoryKind::Raw, kHistoryEndpointsGroup, d.rawFrom, window.toMs, select);
    return d;
}

std::size_t fillEndpointDay(const EndpointDayData& data, const std::string& endpoint,
                            SeriesStore& store,
                            const std::array<std::uint32_t, kEndpointSignalCount>& ids)
{
    const auto signalsOf = [&endpoint](const HistoryBlock& b) {
        std::vector<int> out(b.series.size(), -1);
        for (std::size_t s = 0; s < b.series.size(); ++s) {
            std::size_t signal = 0;
            std::string name;
            if (TargetHistory::parseEndpointSeriesName(b.series[s].name, signal, name) &&
                name == endpoint)
                out[s] = static_cast<int>(signal);
        }
        return out;
    };
    std::size_t added = 0;
    // The rows of `blocks` in [from, until) (the chunks read reach past both ends).
    const auto fill = [&](const std::vector<HistoryBlock>& blocks, std::size_t column,
                          qint64 offset, qint64 from, qint64 until) {
        std::vector<qint64> times;
        const std::vector<RowRef> rows = rowsOf(blocks, times);
        std::vector<std::vector<int>> signalOf;
        for (const HistoryBlock& b : blocks)
            signalOf.push_back(signalsOf(b));
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (times[i] + offset >= until)
                break;
            if (times[i] + offset < from)
                continue;
            const HistoryBlock& b = blocks[rows[i].block];
            store.beginScrape(times[i] + offset);
            for (std::size_t s = 0; s < b.series.size(); ++s) {
                const int k = signalOf[rows[i].block][s];
                const auto& cols = b.series[s].columns;
                if (k >= 0 && cols.size() > column && cols[column].size() > rows[i].row)
                    store.append(ids[std::size_t(k)], cols[column][rows[i].row]);
            }
            store.endScrape();
            ++added;
        }
    };
    fill(data.minutes, kAvg, data.bucketMs / 2, std::numeric_limits<qint64>::min(), data.rawFrom);
    fill(data.raw, 0, 0, data.rawFrom, std::numeric_limits<qint64>::max());
    return added;
}

} // namespace ops
