#pragma once

#include "models/metrics/SignalBoard.h"
#include "models/monitor/TargetMonitor.h"

#include <limits>
#include <vector>

namespace ops::test {

// The target's charted average latency (SignalId::LatencyAvg in the monitor's signal store): one
// point per scrape that had a figure, none for a scrape without one (a gap, a counter reset).
// Header-only: a suite that includes it links ops_monitor already.
inline std::vector<StorePoint> latencyPoints(const TargetMonitor& monitor)
{
    const SignalBoard& board = monitor.signalBoard();
    std::vector<StorePoint> points;
    board.signalStore().points(board.signalSeries(SignalId::LatencyAvg), 0,
                               std::numeric_limits<qint64>::max(), points);
    return points;
}

inline qsizetype latencyPointCount(const TargetMonitor& monitor)
{
    return qsizetype(latencyPoints(monitor).size());
}

} // namespace ops::test
