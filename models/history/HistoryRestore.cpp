#include "models/history/HistoryRestore.h"

#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"
#include "models/metrics/SignalEngine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
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
std::vector<RowRef> rowsOf(const std::vector<HistoryBlock>& blocks, std::vector<qint64>* times)
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
            if (times)
                times->push_back(ts[r]);
        }
    }
    return rows;
}

struct EndpointColumn {
    std::size_t signal = kEndpointSignalCount;
    std::size_t endpoint = 0;
};

// Per block, each series' (signal, endpoint), endpoints numbered in first-seen order.
std::vector<std::vector<EndpointColumn>>
endpointColumnsOf(const std::vector<HistoryBlock>& blocks, std::vector<std::string>& order,
                  std::unordered_map<std::string, std::size_t>& index)
{
    std::vector<std::vector<EndpointColumn>> out;
    out.reserve(blocks.size());
    for (const HistoryBlock& b : blocks) {
        auto& cols = out.emplace_back(b.series.size());
        for (std::size_t s = 0; s < b.series.size(); ++s) {
            std::size_t signal = 0;
            std::string endpoint;
            if (!TargetHistory::parseEndpointSeriesName(b.series[s].name, signal, endpoint))
                continue;
            auto [it, added] = index.try_emplace(endpoint, order.size());
            if (added)
                order.push_back(endpoint);
            cols[s] = {signal, it->second};
        }
    }
    return out;
}

} // namespace

RestoreData readRestore(HistoryStore& store, const RestoreWindow& window)
{
    RestoreData d;
    d.rollupBucketMs = store.options().rollupBucketMs;
    const qint64 bucket = d.rollupBucketMs;
    d.target = store.read(HistoryKind::Raw, kHistoryTargetGroup, window.fromMs, window.toMs);
    // The endpoints' minutes before the recent part, whole buckets only.
    const qint64 recent = window.toMs - std::max<qint64>(window.endpointFullResolutionMs, 0);
    const qint64 recentAligned =
        (recent >= 0 ? recent / bucket : (recent - bucket + 1) / bucket) * bucket;
    qint64 rolledUntil = window.fromMs;
    if (recentAligned > window.fromMs) {
        d.endpointRollups = store.read(HistoryKind::Rollup, kHistoryEndpointsGroup, window.fromMs,
                                       recentAligned - 1, 1u << kAvg);
        // Rows that reach into the recent part are left to the raw points.
        for (HistoryBlock& b : d.endpointRollups) {
            std::size_t keep = 0;
            while (keep < b.times.size() && b.times[keep] + bucket <= recentAligned)
                ++keep;
            if (keep < b.times.size()) {
                b.times.resize(keep);
                for (HistorySeries& s : b.series) {
                    for (auto& col : s.columns) {
                        if (col.size() > keep)
                            col.resize(keep);
                    }
                }
            }
            if (keep > 0)
                rolledUntil = std::max(rolledUntil, b.times[keep - 1] + bucket);
        }
    }
    // Poll resolution from where the rollups end: the recent part, and any minutes not rolled
    // up yet (the open chunk of a console that stopped long ago).
    d.endpointsFullFrom = rolledUntil;
    d.endpoints =
        store.read(HistoryKind::Raw, kHistoryEndpointsGroup, d.endpointsFullFrom, window.toMs);
    return d;
}

RestoreCounts fillEngine(const RestoreData& data, SignalEngine& engine)
{
    RestoreCounts counts;
    const std::vector<RowRef> targetRows = rowsOf(data.target, &counts.times);
    std::vector<qint64> rawTimes;
    const std::vector<RowRef> rawRows = rowsOf(data.endpoints, &rawTimes);
    std::vector<qint64> rollupTimes;
    const std::vector<RowRef> rollupRows = rowsOf(data.endpointRollups, &rollupTimes);

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
    std::vector<std::string> endpointOrder;
    std::unordered_map<std::string, std::size_t> endpointIndex;
    const auto rollupColumns =
        endpointColumnsOf(data.endpointRollups, endpointOrder, endpointIndex);
    const auto rawColumns = endpointColumnsOf(data.endpoints, endpointOrder, endpointIndex);

    std::vector<EndpointRow> rows(endpointOrder.size());
    for (std::size_t e = 0; e < rows.size(); ++e)
        rows[e].endpoint = endpointOrder[e];
    const std::vector<EndpointRow> none;
    const qint64 bucket = data.rollupBucketMs;
    std::array<double, kSignalCount> values{};
    std::size_t rollup = 0; // next rollup row not yet placed
    std::size_t raw = 0;    // next raw endpoint row
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
        bool have = false;
        if (t < data.endpointsFullFrom) {
            // A minute's average goes on one row of that minute: the first at or after its
            // middle, or the minute's last row when none is.
            while (rollup < rollupTimes.size() && rollupTimes[rollup] + bucket <= t)
                ++rollup; // a minute without a target row to carry it
            if (rollup < rollupTimes.size() && rollupTimes[rollup] <= t) {
                const qint64 end = rollupTimes[rollup] + bucket;
                const bool lastInMinute = i + 1 == targetRows.size() ||
                                          counts.times[i + 1] >= end ||
                                          counts.times[i + 1] >= data.endpointsFullFrom;
                if (t >= rollupTimes[rollup] + bucket / 2 || lastInMinute) {
                    for (EndpointRow& row : rows)
                        row.latest.fill(kNaN);
                    const RowRef ref = rollupRows[rollup];
                    const HistoryBlock& rb = data.endpointRollups[ref.block];
                    const auto& rcols = rollupColumns[ref.block];
                    for (std::size_t s = 0; s < rb.series.size(); ++s) {
                        const auto& columns = rb.series[s].columns;
                        if (rcols[s].signal < kEndpointSignalCount && columns.size() > kAvg &&
                            columns[kAvg].size() > ref.row) {
                            rows[rcols[s].endpoint].latest[rcols[s].signal] =
                                columns[kAvg][ref.row];
                            ++counts.endpointRollupPoints;
                        }
                    }
                    have = true;
                    ++rollup;
                }
            }
        } else {
            while (raw < rawTimes.size() && rawTimes[raw] < t)
                ++raw;
            if (raw < rawTimes.size() && rawTimes[raw] == t) {
                for (EndpointRow& row : rows)
                    row.latest.fill(kNaN);
                const RowRef ref = rawRows[raw];
                const HistoryBlock& eb = data.endpoints[ref.block];
                const auto& ecols = rawColumns[ref.block];
                for (std::size_t s = 0; s < eb.series.size(); ++s) {
                    if (ecols[s].signal < kEndpointSignalCount && !eb.series[s].columns.empty()) {
                        rows[ecols[s].endpoint].latest[ecols[s].signal] =
                            eb.series[s].columns[0][ref.row];
                        ++counts.endpointRawPoints;
                    }
                }
                have = true;
            }
        }
        engine.restoreScrape(t, values, have ? rows : none);
    }
    return counts;
}

} // namespace ops
