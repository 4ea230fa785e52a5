#include "models/incidents/SignalHistory.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ops {
namespace {

QString keyOf(const QString& target, SignalId signal)
{
    return target + QLatin1Char('\n') + QString::number(static_cast<int>(signal));
}

} // namespace

QList<SignalPoint> BoardSignalHistory::points(const QString& target, SignalId signal, qint64 fromMs,
                                              qint64 toMs) const
{
    QList<SignalPoint> out;
    const SignalBoard* board = m_lookup ? m_lookup(target) : nullptr;
    if (!board)
        return out;
    const std::uint32_t id = board->signalSeries(signal);
    if (id == SeriesStore::kNoSeries)
        return out;
    std::vector<StorePoint> points;
    board->signalStore().points(id, fromMs, toMs, points);
    if (points.empty()) // older than the full-resolution window: the summaries
        board->signalStore().decimate(id, fromMs, toMs, 1200, points);
    for (const StorePoint& p : points) {
        if (!std::isnan(p.v))
            out << SignalPoint{p.t, p.v};
    }
    return out;
}

void MemorySignalHistory::add(const QString& target, SignalId signal, qint64 timeMs, double value)
{
    QList<SignalPoint>& list = m_points[keyOf(target, signal)];
    list << SignalPoint{timeMs, value};
    if (list.size() > 1 && list[list.size() - 2].timeMs > timeMs)
        std::stable_sort(list.begin(), list.end(), [](const SignalPoint& a, const SignalPoint& b) {
            return a.timeMs < b.timeMs;
        });
}

QList<SignalPoint> MemorySignalHistory::points(const QString& target, SignalId signal,
                                               qint64 fromMs, qint64 toMs) const
{
    QList<SignalPoint> out;
    for (const SignalPoint& p : m_points.value(keyOf(target, signal))) {
        if (p.timeMs >= fromMs && p.timeMs <= toMs)
            out << p;
    }
    return out;
}

} // namespace ops
