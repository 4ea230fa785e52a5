#pragma once

// What a restart puts on the charts before the first poll (TargetHistory::start, and the
// history_open_24h_ms benchmark, which measures exactly this): the day's rows read out of a
// HistoryStore, then handed to the SignalEngine row by row.
//  - The target's signals at poll resolution for the whole window (the Overview's charts).
//  - The endpoints' signals at poll resolution for the most recent endpointFullResolutionMs
//    (and for whatever has no 1-minute rollup yet: the open chunk); before that, one point a
//    minute, the minute's average from the 1-minute rollups. At the day's width a chart of
//    <= 1600 px has one pixel column a minute, so it draws what the raw points would give,
//    at a fortieth of the reading; a zoom into an older minute shows the minute's average.
// The reading (readRestore) runs on the store's thread; the filling (fillEngine) where the
// engine lives.

#include "models/history/HistoryBlock.h"

#include <QtGlobal>

#include <vector>

namespace ops {

class HistoryStore;
class SignalEngine;

struct RestoreWindow {
    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 endpointFullResolutionMs = 3'600'000; // the last hour at poll resolution
};

struct RestoreData {
    std::vector<HistoryBlock> target;          // raw, the window
    std::vector<HistoryBlock> endpoints;       // raw, from endpointsFullFrom on
    std::vector<HistoryBlock> endpointRollups; // rollups (average column only) before it
    qint64 endpointsFullFrom = 0;
    qint64 rollupBucketMs = 60'000;
};

RestoreData readRestore(HistoryStore& store, const RestoreWindow& window);

struct RestoreCounts {
    std::vector<qint64> times;            // the restored rows (scrapes), increasing
    std::size_t endpointRollupPoints = 0; // endpoint values restored from rollups
    std::size_t endpointRawPoints = 0;    // ... at poll resolution
};

// Hands the rows to engine.restoreScrape(), oldest first.
RestoreCounts fillEngine(const RestoreData& data, SignalEngine& engine);

} // namespace ops
