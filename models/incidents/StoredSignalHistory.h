#pragma once

#include "models/incidents/SignalHistory.h"

#include <QStringList>

#include <functional>

namespace ops {

class Clock;

// A target's signals from its history on disk (the folder TargetHistory records into): the raw
// poll values where they are still kept, before them the 1-minute rollups' averages. For the
// command line, which has no live monitor, and for reports older than the charts' day. The
// folder is opened read-only for each read (a report reads four series), so what a console
// recording it wrote since is seen, and the console goes on recording.
class StoredSignalHistory final : public SignalHistory {
public:
    // A target's history folder; "" when it has none.
    using FolderLookup = std::function<QString(const QString& target)>;
    StoredSignalHistory(FolderLookup lookup, const Clock* clock);
    ~StoredSignalHistory() override;

    QList<SignalPoint> points(const QString& target, SignalId signal, qint64 fromMs,
                              qint64 toMs) const override;
    // What went wrong reading so far (a folder that cannot be opened, a corrupt chunk skipped),
    // each once.
    QStringList problems() const { return m_problems; }

private:
    void addProblem(const QString& problem) const;

    FolderLookup m_lookup;
    const Clock* m_clock;
    mutable QStringList m_problems;
};

// The points of `recent` (the console's in-memory day), and before the first of them those of
// `older` (the history on disk): a report of last week draws from disk, one of the last hour from
// memory. Neither is owned; older may be null.
class LayeredSignalHistory final : public SignalHistory {
public:
    LayeredSignalHistory(const SignalHistory* recent, const SignalHistory* older)
        : m_recent(recent)
        , m_older(older)
    {
    }
    QList<SignalPoint> points(const QString& target, SignalId signal, qint64 fromMs,
                              qint64 toMs) const override;

private:
    const SignalHistory* m_recent;
    const SignalHistory* m_older;
};

} // namespace ops
