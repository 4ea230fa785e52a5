#pragma once

// A target's history as a session capability: every scrape of a directly scraped target is
// recorded into its HistoryStore (off the UI thread, flushed every 10 s), and on start the
// charts' day is filled from disk before the first poll. The time the console was not running
// comes back as spans the charts draw as gaps. A Prometheus-backed target keeps using
// Prometheus for its past: nothing is recorded for it.

#include "models/fleet/SessionCapability.h"
#include "models/history/HistoryStore.h"
#include "models/metrics/SeriesStore.h"
#include "models/metrics/SignalBoard.h"

#include <QStringList>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace ops {

class HistoryWriter;

struct NotRunningSpan {
    qint64 fromMs = 0; // the last point written before the console stopped
    qint64 toMs = 0;   // when the next run started
    friend bool operator==(const NotRunningSpan&, const NotRunningSpan&) = default;
};

class TargetHistory : public SessionCapability {
    Q_OBJECT
public:
    TargetHistory(TargetSession& session, QString folder, HistoryOptions options = {},
                  int flushIntervalMs = 10'000);
    ~TargetHistory() override;

    void start() override;
    void stop() override;
    // The operator edited the target's history limits: the store keeps the new ones from now
    // on, and smaller ones delete what is now too old or over the cap at once.
    void targetChanged(const Target& target) override;

    QString folder() const { return m_folder; }
    // Closed until started (and for a Prometheus-backed target); ReadOnly when another console
    // writes this history or the folder cannot be written (modeReason() says why).
    HistoryMode mode() const { return m_mode; }
    QString modeReason() const { return m_modeReason; }
    // Past scrapes put on the charts at start.
    int restoredScrapes() const { return m_restored; }
    // Gaps in the restored day (and up to this run) when the console was not running.
    const std::vector<NotRunningSpan>& notRunningSpans() const { return m_spans; }
    // Every problem reported so far (corrupt segments set aside, a full disk), oldest first.
    QStringList problems() const { return m_problems; }
    HistoryWriter* writer() const { return m_writer.get(); }
    // Waits until what was recorded is on disk (tests, quitting).
    void flushNow();
    // This run recorded the target's past from fromMs on (HistoryBackfill): the run counts from
    // there on disk, and a "console not running" gap of this run ends there.
    void noteBackfilled(qint64 fromMs);

    // The 7 d and 30 d windows: the last 30 days' 1-minute rollups of the target's signals from
    // disk (average, minimum, maximum of each) in a store the charts read, lossless to float
    // precision. Null until refreshRollups() found the history open. refreshRollups() adds what
    // was rolled up since its last call (cheap): call it when a long window shows, and while it
    // does (a rollup is written when a 15-minute raw chunk is sealed).
    const SeriesStore* rollupStore() const { return m_rollups.get(); }
    std::uint32_t rollupSeries(SignalId signal, RollupColumn column) const;
    void refreshRollups();
    static constexpr qint64 kRollupWindowMs = 30LL * 24 * 3600 * 1000;

    // How long a window start() restores: the charts' day.
    static constexpr qint64 kRestoreWindowMs = 24LL * 3600 * 1000;
    // The endpoints' part of it in the board (poll resolution): the last 15 minutes (their
    // table, and a chart before the day below is read; each restored row costs every series
    // the board's store holds). An endpoint's older hours come with focusEndpoint().
    static constexpr qint64 kEndpointRecentMs = 15LL * 60 * 1000;
    // How much of a focused endpoint's day is at poll resolution (the rest: 1-minute averages).
    static constexpr qint64 kEndpointDayRawMs = 3600LL * 1000;

    // The endpoint the Endpoints page charts ("" none): its day from disk (the older minutes as
    // 1-minute averages, the last kEndpointDayRawMs and what is not rolled up yet at poll
    // resolution) in
    // endpointDayStore(), which every later scrape extends. Emits endpointDayChanged(). Null
    // store while none is focused or the history is closed.
    void focusEndpoint(const QString& endpoint);
    QString focusedEndpoint() const { return m_focus; }
    const SeriesStore* endpointDayStore() const { return m_endpointDay.get(); }
    std::uint32_t endpointDaySeries(EndpointSignal signal) const;

    // Series names on disk (OpenMetrics style): bhiv_<signal> for the target group,
    // bhiv_endpoint_<signal>{endpoint="<escaped>"} for the endpoints group.
    static std::string targetSeriesName(std::size_t signal);
    static std::string endpointSeriesName(std::size_t signal, const std::string& endpoint);
    // The inverse of endpointSeriesName: false when `name` is not one.
    static bool parseEndpointSeriesName(const std::string& name, std::size_t& signal,
                                        std::string& endpoint);

signals:
    void problemsFound(const QStringList& problems);
    void notRunningSpansChanged();
    // refreshRollups() added rows to rollupStore().
    void rollupsChanged();
    // focusEndpoint() replaced endpointDayStore() (null: none).
    void endpointDayChanged();

private:
    void open();
    void restore(qint64 lastTimeBeforeRun, const std::vector<qint64>& runStarts);
    void record(qint64 timeMs);
    void extendEndpointDay(qint64 timeMs);

    QString m_folder;
    HistoryOptions m_options;
    HistoryRetention m_retention; // the target's limits m_options holds
    int m_flushIntervalMs;
    std::unique_ptr<HistoryWriter> m_writer;
    HistoryMode m_mode = HistoryMode::Closed;
    QString m_modeReason;
    bool m_opened = false;
    bool m_recording = false;
    int m_restored = 0;
    std::vector<NotRunningSpan> m_spans;
    QStringList m_problems;
    std::unordered_map<std::string, std::vector<std::string>> m_endpointNames;
    std::unique_ptr<SeriesStore> m_rollups;
    // [signal][min, max, avg]: ids in m_rollups
    std::array<std::array<std::uint32_t, 3>, kSignalCount> m_rollupIds{};
    qint64 m_rollupsUntil = 0; // newest rollup row in m_rollups
    QString m_focus;
    std::unique_ptr<SeriesStore> m_endpointDay;
    std::array<std::uint32_t, kEndpointSignalCount> m_endpointDayIds{};
    QMetaObject::Connection m_endpointDayFeed;
};

} // namespace ops
