#include "models/history/TargetHistory.h"

#include "models/domain/Clock.h"
#include "models/fleet/TargetSession.h"
#include "models/history/HistoryPaths.h"
#include "models/history/HistoryRestore.h"
#include "models/history/HistoryWriter.h"
#include "models/metrics/SignalBoard.h"
#include "models/monitor/TargetMonitor.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ops {

namespace {

bool isPrometheusBacked(const TargetSession& session)
{
    return session.target().dataSource.kind == DataSourceConfig::Kind::Prometheus;
}

} // namespace

TargetHistory::TargetHistory(TargetSession& session, QString folder, HistoryOptions options,
                             int flushIntervalMs)
    : SessionCapability(session)
    , m_folder(std::move(folder))
    , m_options(std::move(options))
    , m_retention(session.target().history)
    , m_flushIntervalMs(flushIntervalMs)
{
}

void TargetHistory::targetChanged(const Target& target)
{
    if (target.history == m_retention)
        return;
    m_retention = target.history;
    m_options.applyRetention(m_retention);
    if (m_writer && m_mode == HistoryMode::ReadWrite)
        m_writer->withStore(
            [retention = m_retention](HistoryStore& store) { store.setRetention(retention); });
}

TargetHistory::~TargetHistory() = default; // the writer flushes and closes the store

std::string TargetHistory::targetSeriesName(std::size_t signal)
{
    return "bhiv_" + std::string(signalName(static_cast<SignalId>(signal)));
}

std::string TargetHistory::endpointSeriesName(std::size_t signal, const std::string& endpoint)
{
    std::string name = "bhiv_endpoint_";
    name += endpointSignalName(static_cast<EndpointSignal>(signal));
    name += "{endpoint=\"";
    for (const char c : endpoint) {
        if (c == '\\' || c == '"')
            name += '\\';
        if (c == '\n') {
            name += "\\n";
            continue;
        }
        name += c;
    }
    name += "\"}";
    return name;
}

bool TargetHistory::parseEndpointSeriesName(const std::string& name, std::size_t& signal,
                                            std::string& endpoint)
{
    static const std::string kPrefix = "bhiv_endpoint_";
    static const std::string kLabel = "{endpoint=\"";
    if (name.rfind(kPrefix, 0) != 0 || name.size() < 2 || name.compare(name.size() - 2, 2, "\"}"))
        return false;
    const std::size_t brace = name.find(kLabel, kPrefix.size());
    if (brace == std::string::npos)
        return false;
    const std::string_view signalPart(name.data() + kPrefix.size(), brace - kPrefix.size());
    signal = kEndpointSignalCount;
    for (std::size_t k = 0; k < kEndpointSignalCount; ++k) {
        if (endpointSignalName(static_cast<EndpointSignal>(k)) == signalPart)
            signal = k;
    }
    if (signal == kEndpointSignalCount)
        return false;
    endpoint.clear();
    const std::size_t end = name.size() - 2;
    for (std::size_t i = brace + kLabel.size(); i < end; ++i) {
        if (name[i] == '\\' && i + 1 < end) {
            ++i;
            endpoint += name[i] == 'n' ? '\n' : name[i];
            continue;
        }
        endpoint += name[i];
    }
    return true;
}

void TargetHistory::start()
{
    if (isPrometheusBacked(session()))
        return;
    if (!m_opened)
        open();
    if (m_mode == HistoryMode::ReadWrite && !m_recording) {
        m_recording = true;
        connect(session().monitor(), &TargetMonitor::scrapeApplied, this, &TargetHistory::record);
    }
}

void TargetHistory::stop()
{
    if (m_recording) {
        disconnect(session().monitor(), &TargetMonitor::scrapeApplied, this,
                   &TargetHistory::record);
        m_recording = false;
    }
    if (m_writer)
        m_writer->flushNow();
}

void TargetHistory::flushNow()
{
    if (m_writer)
        m_writer->flushNow();
}

void TargetHistory::noteBackfilled(qint64 fromMs)
{
    if (m_mode != HistoryMode::ReadWrite || !m_writer)
        return;
    m_writer->withStore([fromMs](HistoryStore& store) { store.backdateRunStart(fromMs); });
    // The gap from the last run's end to this run's start (the newest span) now ends where the
    // backfill began, or is gone when the backfill reaches back over it.
    if (!m_spans.empty() && m_spans.back().toMs > fromMs) {
        if (m_spans.back().fromMs >= fromMs)
            m_spans.pop_back();
        else
            m_spans.back().toMs = fromMs;
        emit notRunningSpansChanged();
    }
}

void TargetHistory::open()
{
    m_opened = true;
    m_writer = std::make_unique<HistoryWriter>(m_folder, session().context().clock, m_options,
                                               m_flushIntervalMs);
    const HistoryOpenState& state = m_writer->openState();
    m_mode = state.mode;
    m_modeReason = state.reason;
    connect(m_writer.get(), &HistoryWriter::problemsFound, this, [this](const QStringList& found) {
        m_problems += found;
        emit problemsFound(found);
    });
    if (m_mode == HistoryMode::Closed)
        return;
    restore(state.lastTime, state.runStarts);
}

// The charts' day from disk (HistoryRestore: the target's signals at poll resolution, the
// endpoints' older hours as 1-minute averages), then the gaps between the runs.
void TargetHistory::restore(qint64 lastTimeBeforeRun, const std::vector<qint64>& runStarts)
{
    const qint64 now = session().context().clock->nowMs();
    RestoreWindow window;
    window.fromMs = now - kRestoreWindowMs;
    window.toMs = now;
    window.endpointRecentMs = kEndpointRecentMs;
    RestoreData data;
    m_writer->withStore([&](HistoryStore& store) { data = readRestore(store, window); });
    std::vector<qint64> restoredTimes;
    const bool restored = session().monitor()->restoreSignals(
        [&](SignalBoard& board) { restoredTimes = fillBoard(data, board).times; });
    if (!restored)
        restoredTimes.clear();
    m_restored = static_cast<int>(restoredTimes.size());

    // Not running: from the last point before a run started to that start. Earlier runs from the
    // restored points; this run from the newest point on disk (another console's run, read-only,
    // is not a gap).
    m_spans.clear();
    const bool thisRunLogged = m_mode == HistoryMode::ReadWrite && !runStarts.empty();
    const std::size_t earlierRuns = runStarts.size() - (thisRunLogged ? 1 : 0);
    for (std::size_t i = 0; i < earlierRuns; ++i) {
        const qint64 r = runStarts[i];
        const auto after = std::lower_bound(restoredTimes.begin(), restoredTimes.end(), r);
        if (after == restoredTimes.begin() || after == restoredTimes.end())
            continue; // no point before it in the window, or it is the newest run's start
        m_spans.push_back({*(after - 1), r});
    }
    if (thisRunLogged && lastTimeBeforeRun > 0 && lastTimeBeforeRun < runStarts.back())
        m_spans.push_back({lastTimeBeforeRun, runStarts.back()});
    emit notRunningSpansChanged();
}

void TargetHistory::focusEndpoint(const QString& endpoint)
{
    if (endpoint == m_focus && (m_endpointDay || endpoint.isEmpty()))
        return;
    m_focus = endpoint;
    disconnect(m_endpointDayFeed);
    m_endpointDay.reset();
    if (!endpoint.isEmpty() && m_writer && m_mode != HistoryMode::Closed) {
        const qint64 now = session().context().clock->nowMs();
        RestoreWindow window;
        window.fromMs = now - kRestoreWindowMs;
        window.toMs = now;
        window.endpointRecentMs = kEndpointDayRawMs;
        const std::string name = endpoint.toStdString();
        // The writer has every scrape recorded so far (its queue runs in order): the day read
        // here ends at the last one, and the feed below adds the next.
        EndpointDayData data;
        m_writer->withStore(
            [&](HistoryStore& store) { data = readEndpointDay(store, name, window); });
        m_endpointDay = std::make_unique<SeriesStore>(SeriesStoreConfig::signalsForADay());
        for (auto& id : m_endpointDayIds)
            id = m_endpointDay->addSeries();
        fillEndpointDay(data, name, *m_endpointDay, m_endpointDayIds);
        m_endpointDayFeed = connect(session().monitor(), &TargetMonitor::scrapeApplied, this,
                                    &TargetHistory::extendEndpointDay);
    }
    emit endpointDayChanged();
}

std::uint32_t TargetHistory::endpointDaySeries(EndpointSignal signal) const
{
    return m_endpointDay ? m_endpointDayIds[static_cast<std::size_t>(signal)]
                         : SeriesStore::kNoSeries;
}

// Each scrape's values of the focused endpoint, after the day read from disk.
void TargetHistory::extendEndpointDay(qint64 timeMs)
{
    if (!m_endpointDay)
        return;
    if (m_endpointDay->scrapeCount() > 0 && timeMs <= m_endpointDay->latestTime())
        return; // already read from disk
    const std::string name = m_focus.toStdString();
    m_endpointDay->beginScrape(timeMs);
    for (const EndpointRow& row : session().monitor()->signalBoard().endpointTable()) {
        if (row.endpoint != name)
            continue;
        for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
            m_endpointDay->append(m_endpointDayIds[k], row.latest[k]);
        break;
    }
    m_endpointDay->endScrape();
}

std::uint32_t TargetHistory::rollupSeries(SignalId signal, RollupColumn column) const
{
    const auto c = static_cast<std::size_t>(column);
    if (!m_rollups || c > 2)
        return SeriesStore::kNoSeries;
    return m_rollupIds[static_cast<std::size_t>(signal)][c];
}

void TargetHistory::refreshRollups()
{
    if (!m_writer || m_mode == HistoryMode::Closed)
        return;
    const qint64 now = session().context().clock->nowMs();
    if (!m_rollups) {
        m_rollups = std::make_unique<SeriesStore>(SeriesStoreConfig::rollupWindow(
            int(kRollupWindowMs / m_options.rollupBucketMs), kSignalCount * 3));
        for (auto& ids : m_rollupIds) {
            for (auto& id : ids)
                id = m_rollups->addSeries();
        }
        m_rollupsUntil = now - kRollupWindowMs;
    }
    std::vector<HistoryBlock> blocks;
    const qint64 from = m_rollupsUntil + 1;
    m_writer->withStore([&](HistoryStore& store) {
        blocks = store.read(HistoryKind::Rollup, kHistoryTargetGroup, from, now);
    });
    bool added = false;
    for (const HistoryBlock& b : blocks) {
        std::vector<int> signalOf(b.series.size(), -1);
        for (std::size_t s = 0; s < b.series.size(); ++s) {
            for (std::size_t i = 0; i < kSignalCount; ++i) {
                if (b.series[s].name == targetSeriesName(i) &&
                    b.series[s].columns.size() == kRollupColumns)
                    signalOf[s] = static_cast<int>(i);
            }
        }
        for (std::size_t r = 0; r < b.times.size(); ++r) {
            if (b.times[r] <= m_rollupsUntil)
                continue;
            m_rollups->beginScrape(b.times[r]);
            for (std::size_t s = 0; s < b.series.size(); ++s) {
                if (signalOf[s] < 0)
                    continue;
                const auto& ids = m_rollupIds[static_cast<std::size_t>(signalOf[s])];
                const auto& cols = b.series[s].columns;
                m_rollups->append(ids[0], cols[std::size_t(RollupColumn::Min)][r]);
                m_rollups->append(ids[1], cols[std::size_t(RollupColumn::Max)][r]);
                m_rollups->append(ids[2], cols[std::size_t(RollupColumn::Avg)][r]);
            }
            m_rollups->endScrape();
            m_rollupsUntil = b.times[r];
            added = true;
        }
    }
    if (added)
        emit rollupsChanged();
}

void TargetHistory::record(qint64 timeMs)
{
    const SignalBoard& board = session().monitor()->signalBoard();
    std::vector<HistoryFrame> frames(2);
    HistoryFrame& target = frames[0];
    target.group = kHistoryTargetGroup;
    target.timeMs = timeMs;
    target.values.reserve(kSignalCount);
    for (std::size_t i = 0; i < kSignalCount; ++i)
        target.values.push_back({targetSeriesName(i), board.latest(static_cast<SignalId>(i))});
    HistoryFrame& endpoints = frames[1];
    endpoints.group = kHistoryEndpointsGroup;
    endpoints.timeMs = timeMs;
    const std::vector<EndpointRow>& table = board.endpointTable();
    endpoints.values.reserve(table.size() * kEndpointSignalCount);
    for (const EndpointRow& row : table) {
        auto& names = m_endpointNames[row.endpoint];
        if (names.empty()) {
            for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
                names.push_back(endpointSeriesName(k, row.endpoint));
        }
        for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
            endpoints.values.push_back({names[k], row.latest[k]});
    }
    if (endpoints.values.empty())
        frames.pop_back();
    m_writer->append(std::move(frames));
}

} // namespace ops
