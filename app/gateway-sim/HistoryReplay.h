#pragma once

#include "app/gateway-sim/SimOptions.h"
#include "app/gateway-sim/TrafficModel.h"

#include <QString>

#include <deque>
#include <memory>
#include <optional>

namespace ops::sim {

// The gateway's instrumentation as it was at a past time (GET /metrics?at=T), so a console can
// backfill a day of history through its normal ingest: a second traffic model with the same
// seed, started at `originS` (midnight UTC the day before the simulator started) and advanced
// in whole 1-second ticks under the start-up regime with a daily curve (busiest at 14:00 UTC,
// a third of that at 02:00). The body for a given T is the same whatever was asked before:
// asking for an earlier T than the last one replays from a checkpoint or the origin, and the
// process_* families come from the model (TrafficModel::setModelledProcess), not from this process.
// Its counters belong to a process that started at the origin, so after the backfill the live
// /metrics looks like a restart (counters from zero, a new process_start_time_seconds).
class HistoryReplay {
public:
    HistoryReplay(const SimOptions& options, double simulatorStartS);

    // The first and last times it answers for (seconds since the epoch).
    double originS() const { return m_originS; }

    // The model at whole second floor(atS); atS must be in [originS, now].
    const TrafficModel& at(double atS);

    // The requests per second the model serves at t (the start-up rps on a daily curve).
    double rpsAt(double tS) const;

    // "1767225600000" (ms since the epoch) or RFC 3339 ("2026-12-05T06:00:00Z", with an
    // offset or fractions): seconds since the epoch, or nothing with *error in words.
    static std::optional<double> parseAt(const QString& text, QString* error);

private:
    // Copies of the model every 5 simulated minutes on the way forward, the newest 8 kept: a
    // client asking a little back (requests in flight on several connections, answered out of
    // order) replays at most 5 minutes instead of everything from the origin.
    static constexpr qint64 kCheckpointS = 300;
    static constexpr std::size_t kCheckpointsKept = 8;

    const SimOptions& m_options;
    double m_originS;
    std::unique_ptr<TrafficModel> m_model;
    qint64 m_tickS = 0; // the whole second m_model is at
    std::deque<std::pair<qint64, std::unique_ptr<TrafficModel>>> m_checkpoints; // oldest first
};

} // namespace ops::sim
