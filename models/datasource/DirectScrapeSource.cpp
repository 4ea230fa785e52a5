#include "models/datasource/DirectScrapeSource.h"

#include "models/monitor/TargetMonitor.h"

#include <map>

namespace ops {

DirectScrapeSource::DirectScrapeSource(TargetMonitor* monitor, QObject* parent)
    : DataSource(parent)
    , m_monitor(monitor)
{
    connect(monitor, &TargetMonitor::updated, this, [this] {
        if (m_monitor && m_monitor->signalBoard().signalStore().scrapeCount() > 0)
            emit framesReady({SourceSeries{QString(), {latestFrame()}}}, false);
    });
}

SignalFrame DirectScrapeSource::latestFrame() const
{
    SignalFrame frame;
    if (!m_monitor)
        return frame;
    const SignalBoard& board = m_monitor->signalBoard();
    frame.timeMs = board.signalStore().latestTime();
    for (std::size_t i = 0; i < kSignalCount; ++i)
        frame.values[i] = board.latest(static_cast<SignalId>(i));
    return frame;
}

void DirectScrapeSource::backfill(qint64 fromMs, qint64 toMs, int stepMs)
{
    Q_UNUSED(stepMs); // the store holds every poll; the chart decimates
    if (!m_monitor) {
        setError(QStringLiteral("the target is no longer watched"));
        emit failed(errorString());
        return;
    }
    const SignalBoard& board = m_monitor->signalBoard();
    std::map<qint64, SignalFrame> byTime;
    std::vector<StorePoint> points;
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        const std::uint32_t id = board.signalSeries(static_cast<SignalId>(i));
        if (id == SeriesStore::kNoSeries || !board.signalStore().contains(id))
            continue;
        points.clear();
        board.signalStore().points(id, fromMs, toMs, points);
        for (const StorePoint& p : points) {
            SignalFrame& frame = byTime[p.t];
            frame.timeMs = p.t;
            frame.values[i] = p.v;
        }
    }
    SourceSeries series;
    for (const auto& [t, frame] : byTime)
        series.frames.append(frame);
    emit framesReady({series}, true);
}

void DirectScrapeSource::refresh(qint64 nowMs)
{
    Q_UNUSED(nowMs);
    if (m_monitor)
        m_monitor->pollNow();
}

} // namespace ops
