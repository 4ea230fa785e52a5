#pragma once

#include <QObject>

namespace ops {

// The time range every dashboard chart shows: a preset window (5 m ... 24 h), zoomed and panned,
// following the latest data ("live") or held still ("paused"). Charts share one so that zooming
// or panning one moves them all.
class ChartTimeline : public QObject {
    Q_OBJECT
public:
    explicit ChartTimeline(QObject* parent = nullptr);

    static constexpr qint64 kMinSpanMs = 10'000;
    static constexpr qint64 kMaxSpanMs = 30LL * 24 * 3600 * 1000; // the 30 d window

    qint64 presetMs() const { return m_presetMs; }
    qint64 spanMs() const { return m_spanMs; }
    bool isLive() const { return m_live; }
    qint64 latestMs() const { return m_latestMs; }
    qint64 endMs() const { return m_live ? m_latestMs : m_endMs; }
    qint64 startMs() const { return endMs() - m_spanMs; }

public slots:
    // A preset window: the span becomes the preset, and the charts follow the data again.
    void setPreset(qint64 ms);
    // Following the data (live) or held still (paused).
    void setLive(bool live);
    void togglePaused() { setLive(!m_live); }
    // Multiplies the span (factor < 1 zooms in) around anchorMs (the end when live).
    void zoom(double factor, qint64 anchorMs);
    void zoomAroundCentre(double factor);
    // Moves the range; moving back pauses, moving past the latest data follows it again.
    void pan(qint64 deltaMs);
    // The newest data time: live charts move with it.
    void setLatest(qint64 ms);
    // Shows [startMs, endMs] held still (an event picked on the Timeline tab, a report's
    // incident); the span is kept within kMinSpanMs..kMaxSpanMs around the range's middle.
    void showRange(qint64 startMs, qint64 endMs);

signals:
    void rangeChanged();
    void liveChanged(bool live);
    void presetChanged(qint64 ms);

private:
    qint64 m_presetMs = 15 * 60 * 1000;
    qint64 m_spanMs = 15 * 60 * 1000;
    qint64 m_latestMs = 0;
    qint64 m_endMs = 0;
    bool m_live = true;
};

} // namespace ops
