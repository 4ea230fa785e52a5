#pragma once

#include "models/metrics/SignalBoard.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>

namespace ops {

struct SignalPoint {
    qint64 timeMs = 0;
    double value = 0; // the signal's own units (seconds, ratio, per second)
    friend bool operator==(const SignalPoint&, const SignalPoint&) = default;
};

// Where a report or the timeline reads a target's signals over a past range. The console
// answers from the monitors' in-memory boards (a day); a persistent history store can answer
// for longer behind the same interface.
class SignalHistory {
public:
    virtual ~SignalHistory() = default;
    // Points of one signal of target in [fromMs, toMs], oldest first; empty when unknown.
    virtual QList<SignalPoint> points(const QString& target, SignalId signal, qint64 fromMs,
                                      qint64 toMs) const = 0;
};

// A target's SignalBoard (TargetMonitor::signalBoard()): the full-resolution points the
// board still holds, else its decimated summaries.
class BoardSignalHistory final : public SignalHistory {
public:
    // Looks a target's board up when asked (targets come and go); null: not known.
    using BoardLookup = std::function<const SignalBoard*(const QString& target)>;
    explicit BoardSignalHistory(BoardLookup lookup)
        : m_lookup(std::move(lookup))
    {
    }
    QList<SignalPoint> points(const QString& target, SignalId signal, qint64 fromMs,
                              qint64 toMs) const override;

private:
    BoardLookup m_lookup;
};

// Points held in memory (tests, a passed series).
class MemorySignalHistory final : public SignalHistory {
public:
    void add(const QString& target, SignalId signal, qint64 timeMs, double value);
    QList<SignalPoint> points(const QString& target, SignalId signal, qint64 fromMs,
                              qint64 toMs) const override;

private:
    QHash<QString, QList<SignalPoint>> m_points; // "target\nsignal" -> points in time order
};

} // namespace ops
