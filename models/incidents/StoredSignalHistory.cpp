#include "models/incidents/StoredSignalHistory.h"

#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ops {

StoredSignalHistory::StoredSignalHistory(FolderLookup lookup, const Clock* clock)
    : m_lookup(std::move(lookup))
    , m_clock(clock)
{
}

StoredSignalHistory::~StoredSignalHistory() = default;

void StoredSignalHistory::addProblem(const QString& problem) const
{
    if (!m_problems.contains(problem))
        m_problems << problem;
}

QList<SignalPoint> StoredSignalHistory::points(const QString& target, SignalId signal,
                                               qint64 fromMs, qint64 toMs) const
{
    QList<SignalPoint> out;
    const QString folder = m_lookup ? m_lookup(target) : QString();
    if (folder.isEmpty() || !QFileInfo(folder).isDir() || toMs < fromMs)
        return out;
    HistoryStore history(folder, m_clock);
    if (!history.open(true)) {
        addProblem(
            QStringLiteral("cannot read the history of %1: %2").arg(target, history.modeReason()));
        return out;
    }
    HistoryStore* store = &history;
    const std::string name = TargetHistory::targetSeriesName(static_cast<std::size_t>(signal));
    const std::string group = kHistoryTargetGroup;

    QList<SignalPoint> raw;
    for (const HistoryBlock& block : store->read(HistoryKind::Raw, group, fromMs, toMs)) {
        for (const HistorySeries& s : block.series) {
            if (s.name != name || s.columns.empty())
                continue;
            const std::vector<double>& column = s.columns.front();
            for (std::size_t i = 0; i < block.times.size() && i < column.size(); ++i) {
                const qint64 t = block.times[i];
                if (t >= fromMs && t <= toMs && !std::isnan(column[i]))
                    raw << SignalPoint{t, column[i]};
            }
        }
    }
    // Before the first raw value (kept 48 h by default), the rollups' minute averages.
    const qint64 firstRaw =
        raw.isEmpty() ? std::numeric_limits<qint64>::max() : raw.constFirst().timeMs;
    if (firstRaw > fromMs) {
        const qint64 rollupTo = std::min(toMs, firstRaw - 1);
        const auto avg = static_cast<std::size_t>(RollupColumn::Avg);
        for (const HistoryBlock& block :
             store->read(HistoryKind::Rollup, group, fromMs, rollupTo)) {
            for (const HistorySeries& s : block.series) {
                if (s.name != name || s.columns.size() <= avg)
                    continue;
                const std::vector<double>& column = s.columns[avg];
                for (std::size_t i = 0; i < block.times.size() && i < column.size(); ++i) {
                    const qint64 t = block.times[i];
                    if (t >= fromMs && t <= rollupTo && !std::isnan(column[i]))
                        out << SignalPoint{t, column[i]};
                }
            }
        }
    }
    out += raw;
    // Blocks come in time order per kind; a chunk from head.blk may repeat a sealed one's rows.
    std::stable_sort(out.begin(), out.end(), [](const SignalPoint& a, const SignalPoint& b) {
        return a.timeMs < b.timeMs;
    });
    out.erase(std::unique(
                  out.begin(), out.end(),
                  [](const SignalPoint& a, const SignalPoint& b) { return a.timeMs == b.timeMs; }),
              out.end());
    for (const QString& problem : store->takeProblems())
        addProblem(problem);
    return out;
}

QList<SignalPoint> LayeredSignalHistory::points(const QString& target, SignalId signal,
                                                qint64 fromMs, qint64 toMs) const
{
    QList<SignalPoint> recent;
    if (m_recent)
        recent = m_recent->points(target, signal, fromMs, toMs);
    if (!m_older)
        return recent;
    const qint64 olderTo = recent.isEmpty() ? toMs : recent.constFirst().timeMs - 1;
    if (olderTo < fromMs)
        return recent;
    QList<SignalPoint> out = m_older->points(target, signal, fromMs, olderTo);
    out += recent;
    return out;
}

} // namespace ops
