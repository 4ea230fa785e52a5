#include "ui/incidents/TimelineLanes.h"

#include "models/incidents/Incident.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/shell/StatePalette.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>
#include <limits>

namespace ops {
namespace {

MarkerKind markerKindOf(const TimelineEvent& e)
{
    switch (e.lane) {
    case EventLane::Alert:
        return MarkerKind::Alert;
    case EventLane::Deploy:
        return MarkerKind::Deploy;
    case EventLane::Workflow:
        return MarkerKind::Workflow;
    default:
        return MarkerKind::Note;
    }
}

// Red for trouble, green for its end, the charts' marker colours otherwise.
QColor colorOf(const TimelineEvent& e)
{
    if (e.kind == QLatin1String("alert.firing") || e.kind == QLatin1String("alert.nodata") ||
        e.kind == QLatin1String("alert.error") ||
        (e.kind == QLatin1String("connection") && isTroubleConnectionState(e.toState)) ||
        e.result.startsWith(QLatin1String("failed")) || e.kind == QLatin1String("restart"))
        return colorFor(HealthState::Down);
    if (e.kind == QLatin1String("alert.resolved") ||
        (e.kind == QLatin1String("connection") && e.toState == QLatin1String("up")) ||
        e.result.startsWith(QLatin1String("ok")))
        return colorFor(HealthState::Healthy);
    if (e.kind == QLatin1String("alert.pending"))
        return colorFor(HealthState::Degraded);
    return TimeChart::markerColor(markerKindOf(e));
}

void drawSymbol(QPainter& p, MarkerKind kind, const QPointF& c, double r)
{
    QPainterPath path;
    switch (kind) {
    case MarkerKind::Deploy:
        path.moveTo(c.x(), c.y() - r);
        path.lineTo(c.x() + r, c.y());
        path.lineTo(c.x(), c.y() + r);
        path.lineTo(c.x() - r, c.y());
        path.closeSubpath();
        break;
    case MarkerKind::Alert:
        path.moveTo(c.x(), c.y() - r);
        path.lineTo(c.x() + r, c.y() + r * 0.8);
        path.lineTo(c.x() - r, c.y() + r * 0.8);
        path.closeSubpath();
        break;
    case MarkerKind::Workflow:
    case MarkerKind::Resolved:
        path.addEllipse(c, r * 0.85, r * 0.85);
        break;
    case MarkerKind::Note:
        path.addRect(QRectF(c.x() - r * 0.75, c.y() - r * 0.75, r * 1.5, r * 1.5));
        break;
    }
    p.drawPath(path);
}

QString tooltipOf(const TimelineEvent& e)
{
    QString text = QStringLiteral("<b>%1</b><br>%2<br>%3")
                       .arg(QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(
                                QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                            e.summary.toHtmlEscaped(),
                            TimelineLanes::tr("by %1 · %2").arg(e.actor, e.target).toHtmlEscaped());
    if (!e.comment.isEmpty())
        text += QStringLiteral("<br>“%1”").arg(e.comment.toHtmlEscaped());
    return text;
}

} // namespace

TimelineLanes::TimelineLanes(ChartTimeline* timeline, QWidget* parent)
    : QWidget(parent)
    , m_timeline(timeline)
{
    setObjectName(QStringLiteral("timelineLanes"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAccessibleName(tr("Timeline lanes"));
    setAccessibleDescription(tr("Events by lane over the dashboard's time window. Left and "
                                "Right pan, plus and minus zoom, Tab moves between events, "
                                "Enter shows the picked one on the charts."));
    connect(m_timeline, &ChartTimeline::rangeChanged, this, qOverload<>(&QWidget::update));
}

QList<EventLane> TimelineLanes::lanes()
{
    return {EventLane::Alert,    EventLane::Ack,        EventLane::Deploy,
            EventLane::Workflow, EventLane::Connection, EventLane::Console};
}

int TimelineLanes::laneIndex(EventLane lane)
{
    if (lane == EventLane::Incident)
        lane = EventLane::Console; // incident edits share the console's lane
    return int(lanes().indexOf(lane));
}

void TimelineLanes::setEvents(const QList<TimelineEvent>& events)
{
    qint64 selectedTime = -1;
    qint64 selectedId = -1;
    if (m_selected >= 0 && m_selected < m_events.size()) {
        selectedTime = m_events[m_selected].timeMs;
        selectedId = m_events[m_selected].sourceId;
    }
    m_events = events;
    m_selected = -1;
    for (int i = 0; i < m_events.size(); ++i) {
        if (m_events[i].timeMs == selectedTime && m_events[i].sourceId == selectedId)
            m_selected = i;
    }
    update();
}

void TimelineLanes::setIncidents(const QList<Incident>& incidents)
{
    m_incidents = incidents;
    update();
}

int TimelineLanes::laneHeight() const
{
    // Two lines of text each, up to three when the page gives the lanes more room.
    const int line = fontMetrics().height();
    const int axis = line * 2 + 8;
    return std::clamp((height() - axis) / int(lanes().size()), line * 2, line * 3);
}

int TimelineLanes::labelWidth() const
{
    int width = 0;
    for (EventLane lane : lanes())
        width = std::max(width, fontMetrics().horizontalAdvance(eventLaneTitle(lane)));
    return width + 16;
}

QSize TimelineLanes::sizeHint() const
{
    return {800, fontMetrics().height() * 2 * int(lanes().size()) + fontMetrics().height() * 2 + 8};
}

QSize TimelineLanes::minimumSizeHint() const
{
    return {labelWidth() + 200, sizeHint().height()};
}

QRectF TimelineLanes::plotRect() const
{
    // The time axis labels go below the lanes.
    return QRectF(labelWidth(), 4, std::max(10, width() - labelWidth() - 12),
                  laneHeight() * double(lanes().size()));
}

double TimelineLanes::xForTime(qint64 timeMs) const
{
    const QRectF plot = plotRect();
    const qint64 t0 = m_timeline->startMs();
    const qint64 span = std::max<qint64>(1, m_timeline->endMs() - t0);
    return plot.left() + double(timeMs - t0) / double(span) * plot.width();
}

qint64 TimelineLanes::timeAtX(double x) const
{
    const QRectF plot = plotRect();
    const qint64 t0 = m_timeline->startMs();
    const qint64 span = std::max<qint64>(1, m_timeline->endMs() - t0);
    return t0 + qint64((x - plot.left()) / plot.width() * double(span));
}

QPointF TimelineLanes::positionOf(int index) const
{
    const TimelineEvent& e = m_events.at(index);
    const QRectF plot = plotRect();
    return {xForTime(e.timeMs), plot.top() + laneHeight() * (laneIndex(e.lane) + 0.5)};
}

int TimelineLanes::eventAt(const QPointF& point) const
{
    int best = -1;
    double bestDistance = 8.0;
    for (int i = 0; i < m_events.size(); ++i) {
        const QPointF at = positionOf(i);
        if (std::abs(at.y() - point.y()) > laneHeight() / 2.0)
            continue;
        const double d = std::abs(at.x() - point.x());
        if (d <= bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

void TimelineLanes::select(int index)
{
    if (index < -1 || index >= m_events.size())
        return;
    m_selected = index;
    update();
    if (index >= 0) {
        emit eventSelected(m_events[index]);
        setAccessibleDescription(m_events[index].summary);
    }
}

void TimelineLanes::selectNear(qint64 timeMs)
{
    int best = -1;
    qint64 bestDistance = std::numeric_limits<qint64>::max();
    for (int i = 0; i < m_events.size(); ++i) {
        const qint64 d = std::abs(m_events[i].timeMs - timeMs);
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    select(best);
}

void TimelineLanes::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRectF plot = plotRect();
    const int lane = laneHeight();
    const QColor text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlpha(40);

    const QList<EventLane> all = lanes();
    for (int l = 0; l < all.size(); ++l) {
        const QRectF row(0, plot.top() + l * lane, width(), lane);
        if (l % 2)
            p.fillRect(row, pal.color(QPalette::AlternateBase));
        p.setPen(text);
        p.drawText(QRectF(6, row.top(), labelWidth() - 10, lane), Qt::AlignVCenter | Qt::AlignLeft,
                   eventLaneTitle(all[l]));
    }
    // Incidents: over the lanes' stripes, a band across every lane, open ones to the right edge.
    const qint64 now = m_timeline->latestMs();
    for (const Incident& i : m_incidents) {
        const double x0 = std::max(plot.left(), xForTime(i.openedMs));
        const double x1 = std::min(plot.right(), xForTime(i.resolvedMs ? i.resolvedMs : now));
        if (x1 <= plot.left() || x0 >= plot.right())
            continue;
        QColor band(0xd0, 0x3a, 0x2f, 34);
        p.fillRect(QRectF(x0, plot.top(), std::max(2.0, x1 - x0), plot.height()), band);
    }

    // Time axis: the charts' round steps and labels.
    p.setPen(grid);
    p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()));
    const qint64 t0 = m_timeline->startMs();
    const qint64 span = std::max<qint64>(1, m_timeline->endMs() - t0);
    const qint64 step = TimeChart::timeAxisStep(span, plot.width());
    const QString format = TimeChart::timeAxisFormat(span, step);
    const qint64 offset = QDateTime::fromMSecsSinceEpoch(t0).offsetFromUtc() * 1000LL;
    for (qint64 t = ((t0 + offset) / step + 1) * step - offset; t < t0 + span; t += step) {
        const double x = xForTime(t);
        p.setPen(grid);
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        p.setPen(text);
        const QString label = QDateTime::fromMSecsSinceEpoch(t).toString(format);
        const double w = fontMetrics().horizontalAdvance(label);
        const double lx = std::clamp(x - w / 2, plot.left(), plot.right() - w);
        p.drawText(QPointF(lx, plot.bottom() + fontMetrics().ascent() + 4), label);
    }

    const double r = std::max(4.0, lane * 0.22);
    p.setClipRect(plot.adjusted(-r, 0, r, 0));
    for (int i = 0; i < m_events.size(); ++i) {
        const QPointF at = positionOf(i);
        if (at.x() < plot.left() - r || at.x() > plot.right() + r)
            continue;
        p.setPen(QPen(pal.color(QPalette::Base), 1));
        p.setBrush(colorOf(m_events[i]));
        drawSymbol(p, markerKindOf(m_events[i]), at, r);
    }
    if (m_selected >= 0 && m_selected < m_events.size()) {
        const QPointF at = positionOf(m_selected);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(pal.color(QPalette::Highlight), 2));
        p.drawEllipse(at, r + 4, r + 4);
    }
    p.setClipping(false);
    if (m_events.isEmpty()) {
        p.setPen(text);
        p.drawText(plot, Qt::AlignCenter, tr("Nothing recorded in this time window."));
    }
    if (hasFocus()) {
        QPen focus(pal.color(QPalette::Highlight), 1, Qt::DashLine);
        p.setPen(focus);
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

void TimelineLanes::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_dragging = true;
    m_moved = false;
    m_dragX = event->position().x();
    m_dragEndMs = m_timeline->endMs();
}

void TimelineLanes::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragging && std::abs(event->position().x() - m_dragX) >= 3) {
        m_moved = true;
        const QRectF plot = plotRect();
        const double span = double(m_timeline->endMs() - m_timeline->startMs());
        const qint64 wanted =
            m_dragEndMs - qint64((event->position().x() - m_dragX) / plot.width() * span);
        m_timeline->pan(wanted - m_timeline->endMs());
        setCursor(Qt::ClosedHandCursor);
    }
}

void TimelineLanes::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_dragging && !m_moved) {
        const int index = eventAt(event->position());
        if (index >= 0) {
            select(index);
            emit eventActivated(m_events[index]);
        }
    }
    m_dragging = false;
    unsetCursor();
}

void TimelineLanes::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return;
    m_timeline->zoom(delta > 0 ? 1 / 1.25 : 1.25, timeAtX(event->position().x()));
    event->accept();
}

void TimelineLanes::keyPressEvent(QKeyEvent* event)
{
    const qint64 span = m_timeline->endMs() - m_timeline->startMs();
    switch (event->key()) {
    case Qt::Key_Left:
        m_timeline->pan(-span / 5);
        return;
    case Qt::Key_Right:
        m_timeline->pan(span / 5);
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_timeline->zoomAroundCentre(1 / 1.25);
        return;
    case Qt::Key_Minus:
        m_timeline->zoomAroundCentre(1.25);
        return;
    case Qt::Key_Home:
        select(m_events.isEmpty() ? -1 : 0);
        return;
    case Qt::Key_End:
        select(int(m_events.size()) - 1);
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_selected >= 0)
            emit eventActivated(m_events[m_selected]);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

bool TimelineLanes::focusNextPrevChild(bool next)
{
    // Tab walks the events while there are more in that direction, then leaves the widget.
    const int to = m_selected + (next ? 1 : -1);
    if (hasFocus() && to >= 0 && to < m_events.size()) {
        select(to);
        return true;
    }
    return QWidget::focusNextPrevChild(next);
}

bool TimelineLanes::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int index = eventAt(help->pos());
        if (index >= 0)
            QToolTip::showText(help->globalPos(), tooltipOf(m_events[index]), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace ops
