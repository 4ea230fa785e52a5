#pragma once

// What a restart puts on the charts before the first poll (TargetHistory::start, and the
// history_open_24h_ms benchmark, which measures exactly this): the day's rows read out of a
// HistoryStore, then handed to the SignalBoard row by row.
//  - The target's signals at poll resolution for the whole window (the Overview's charts).
//  - Every endpoint's signals at poll resolution for the most recent endpointRecentMs (the
//    table, and a chart before its day is read). Not the endpoints' older hours: in the
//    board's store each restored row costs every series it holds, and a day of a thousand
//    endpoint series made a restart take a second or more.
//  - The endpoint the Endpoints page charts gets its day on demand (TargetHistory::
//    focusEndpoint): readEndpointDay/fillEndpointDay, one point a minute (the minute's
//    average from the 1-minute rollups, at the minute's middle: what a day's chart of <= 1600
//    px can show) and poll resolution for the recent part and whatever is not rolled up yet.
// The reading runs on the store's thread; the filling where the board or the store lives.

#include "models/history/HistoryBlock.h"
#include "models/metrics/SignalBoard.h"

#include <QtGlobal>

#include <array>
#include <string>
#include <vector>

namespace ops {

class HistoryStore;
class SeriesStore;

struct RestoreWindow {
    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 endpointRecentMs = 15 * 60'000; // the endpoints' recent part at poll resolution
};

struct RestoreData {
    std::vector<HistoryBlock> target;    // raw, the window
    std::vector<HistoryBlock> endpoints; // raw, from endpointsFrom on
    qint64 endpointsFrom = 0;
};

RestoreData readRestore(HistoryStore& store, const RestoreWindow& window);

struct RestoreCounts {
    std::vector<qint64> times;      // the restored rows (scrapes), increasing
    std::size_t endpointPoints = 0; // endpoint values restored
};

// Hands the rows to board.restoreScrape(), oldest first.
RestoreCounts fillBoard(const RestoreData& data, SignalBoard& board);

// One endpoint's day: its older minutes from the rollups (average column only), the rest raw.
struct EndpointDayData {
    std::vector<HistoryBlock> minutes; // rollups before rawFrom
    std::vector<HistoryBlock> raw;     // from rawFrom on
    qint64 rawFrom = 0;
    qint64 bucketMs = 60'000;
};

EndpointDayData readEndpointDay(HistoryStore& store, const std::string& endpoint,
                                const RestoreWindow& window);

// Appends the day to `store` (one row a point: a minute's average at the minute's middle, then
// the raw rows), ids[k] taking endpoint signal k. Returns the rows added.
std::size_t fillEndpointDay(const EndpointDayData& data, const std::string& endpoint,
                            SeriesStore& store,
                            const std::array<std::uint32_t, kEndpointSignalCount>& ids);

} // namespace ops
