#pragma once

#include "models/incidents/Incident.h"
#include "models/incidents/TimelineEvent.h"

#include <QList>
#include <QWidget>

namespace ops {

class ChartTimeline;

// The Timeline tab's drawing: one lane each for alerts, acks, deploys & verifications,
// workflows, connection and the console, every event a symbol at its time (the charts' marker
// shapes and colours), incidents as shaded bands across the lanes. The time range is the
// dashboard's ChartTimeline: zooming or panning here moves the charts, and theirs moves this.
// Mouse: wheel zooms, drag pans, click picks an event. Keys: Left/Right pan, +/- zoom,
// Home/End pick the first/last event, Tab/Shift+Tab the next/previous one, Enter activates it.
class TimelineLanes : public QWidget {
    Q_OBJECT
public:
    explicit TimelineLanes(ChartTimeline* timeline, QWidget* parent = nullptr);

    void setEvents(const QList<TimelineEvent>& events);
    void setIncidents(const QList<Incident>& incidents);
    const QList<TimelineEvent>& events() const { return m_events; }

    static QList<EventLane> lanes();
    static int laneIndex(EventLane lane);
    // The event drawn nearest to a point (widget coordinates), -1 when none is within reach.
    int eventAt(const QPointF& point) const;
    QPointF positionOf(int index) const; // where event index is drawn
    int selected() const { return m_selected; }
    void select(int index); // -1: none
    // Selects the event nearest to timeMs (e.g. a chart marker that was clicked).
    void selectNear(qint64 timeMs);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void eventSelected(const ops::TimelineEvent& event);
    // Clicked or Enter: the charts should show this moment.
    void eventActivated(const ops::TimelineEvent& event);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool focusNextPrevChild(bool next) override;
    bool event(QEvent* event) override;

private:
    QRectF plotRect() const;
    int laneHeight() const;
    int labelWidth() const;
    double xForTime(qint64 timeMs) const;
    qint64 timeAtX(double x) const;

    ChartTimeline* m_timeline;
    QList<TimelineEvent> m_events;
    QList<Incident> m_incidents;
    int m_selected = -1;
    bool m_dragging = false;
    double m_dragX = 0;
    qint64 m_dragEndMs = 0;
    bool m_moved = false;
};

} // namespace ops
