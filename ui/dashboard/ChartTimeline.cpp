#include "ui/dashboard/ChartTimeline.h"

#include <algorithm>
#include <cmath>

namespace ops {

ChartTimeline::ChartTimeline(QObject* parent)
    : QObject(parent)
{
}

void ChartTimeline::setPreset(qint64 ms)
{
    ms = std::clamp(ms, kMinSpanMs, kMaxSpanMs);
    const bool changed = ms != m_presetMs;
    m_presetMs = ms;
    m_spanMs = ms;
    if (!m_live) {
        m_live = true;
        emit liveChanged(true);
    }
    if (changed)
        emit presetChanged(ms);
    emit rangeChanged();
}

void ChartTimeline::setLive(bool live)
{
    if (live == m_live)
        return;
    if (!live)
        m_endMs = m_latestMs;
    m_live = live;
    emit liveChanged(live);
    emit rangeChanged();
}

void ChartTimeline::zoom(double factor, qint64 anchorMs)
{
    const qint64 start = startMs();
    const qint64 end = endMs();
    const auto span =
        std::clamp(static_cast<qint64>(std::llround(static_cast<double>(m_spanMs) * factor)),
                   kMinSpanMs, kMaxSpanMs);
    if (span == m_spanMs)
        return;
    if (!m_live) {
        // Keep the anchor where it is on screen.
        anchorMs = std::clamp(anchorMs, start, end);
        const double at = m_spanMs > 0
                              ? static_cast<double>(end - anchorMs) / static_cast<double>(m_spanMs)
                              : 0.0;
        m_endMs = anchorMs + static_cast<qint64>(std::llround(at * static_cast<double>(span)));
        if (m_endMs >= m_latestMs) {
            m_endMs = m_latestMs;
        }
    }
    m_spanMs = span;
    emit rangeChanged();
}

void ChartTimeline::zoomAroundCentre(double factor)
{
    zoom(factor, endMs() - m_spanMs / 2);
}

void ChartTimeline::pan(qint64 deltaMs)
{
    if (deltaMs == 0)
        return;
    qint64 end = endMs() + deltaMs;
    if (end >= m_latestMs) {
        if (!m_live) {
            m_live = true;
            emit liveChanged(true);
        }
        emit rangeChanged();
        return;
    }
    m_endMs = end;
    if (m_live) {
        m_live = false;
        emit liveChanged(false);
    }
    emit rangeChanged();
}

void ChartTimeline::setLatest(qint64 ms)
{
    if (ms == m_latestMs)
        return;
    m_latestMs = ms;
    if (m_live)
        emit rangeChanged();
}

void ChartTimeline::showRange(qint64 startMs, qint64 endMs)
{
    const qint64 middle = startMs / 2 + endMs / 2;
    const qint64 span = std::clamp(endMs - startMs, kMinSpanMs, kMaxSpanMs);
    m_spanMs = span;
    m_endMs = middle + span / 2;
    const bool wasLive = m_live;
    m_live = false;
    if (wasLive)
        emit liveChanged(false);
    emit rangeChanged();
}

} // namespace ops
