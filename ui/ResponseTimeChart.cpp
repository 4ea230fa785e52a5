#include "ResponseTimeChart.h"

#include "monitor/TargetMonitor.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

namespace ops {

ResponseTimeChart::ResponseTimeChart(TargetMonitor* monitor, QWidget* parent)
    : QWidget(parent)
    , m_monitor(monitor)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_series(new QLineSeries(m_chart))
    , m_timeAxis(new QDateTimeAxis(m_chart))
    , m_valueAxis(new QValueAxis(m_chart))
    , m_placeholder(new QLabel(this))
    , m_title(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title->setObjectName(QStringLiteral("chartTitle"));
    layout->addWidget(m_title);
    layout->addWidget(m_placeholder);
    layout->addWidget(m_view, 1);

    m_series->setName(tr("average response time (ms)"));
    QPen pen(QColor(0x1f, 0x77, 0xb4));
    pen.setWidth(2);
    m_series->setPen(pen);
    m_chart->addSeries(m_series);
    m_chart->legend()->setVisible(false);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTitleText(tr("time"));
    m_valueAxis->setTitleText(tr("ms"));
    m_valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_series->attachAxis(m_timeAxis);
    m_series->attachAxis(m_valueAxis);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setAccessibleName(tr("Average response time chart"));
    m_view->setObjectName(QStringLiteral("responseTimeChart"));
    m_placeholder->setObjectName(QStringLiteral("chartPlaceholder"));
    m_placeholder->setWordWrap(true);
    refresh();
}

int ResponseTimeChart::pointCount() const
{
    return int(m_series->count());
}

QString ResponseTimeChart::placeholderText() const
{
    return m_placeholder->isVisible() ? m_placeholder->text() : QString();
}

void ResponseTimeChart::refresh()
{
    const QList<LatencyPoint>& history = m_monitor->latencyHistory();
    QList<QPointF> points;
    qint64 newest = history.isEmpty() ? 0 : history.last().timeMs;
    double maxMs = 0;
    for (auto it = history.crbegin(); it != history.crend() && newest - it->timeMs <= kWindowMs;
         ++it) {
        points.prepend(QPointF(double(it->timeMs), it->seconds * 1000.0));
        maxMs = std::max(maxMs, it->seconds * 1000.0);
    }
    m_series->replace(points);

    QString note;
    if (!m_monitor->hasData())
        note = tr("Waiting for the first scrape of /metrics…");
    else if (!m_monitor->exportsLatencyHistogram() && points.isEmpty())
        note = tr("This gateway exports no latency histogram: no response time to chart.");
    else if (points.isEmpty())
        note = tr("Collecting: the average needs two scrapes with requests in between.");
    if (!m_monitor->metricsProblem().isEmpty())
        note += (note.isEmpty() ? QString() : QStringLiteral(" ")) + m_monitor->metricsProblem();
    if (m_monitor->isDataStale())
        note += (note.isEmpty() ? QString() : QStringLiteral(" ")) +
                tr("Stale: the last point is %1 s old.").arg(m_monitor->dataAgeMs() / 1000);
    QString title = tr("<b>Response time</b> — average, last 15 min");
    if (const auto latest = m_monitor->latestLatencySeconds())
        title += tr(" — latest <b>%1 ms</b>").arg(*latest * 1000.0, 0, 'f', 1);
    m_title->setText(title);
    m_placeholder->setText(note);
    m_placeholder->setVisible(!note.isEmpty());

    // The history there is (at least 30 s), up to the 15-minute window.
    const qint64 end = points.isEmpty() ? QDateTime::currentMSecsSinceEpoch() : newest;
    const qint64 start = points.isEmpty()
                             ? end - 60'000
                             : std::min<qint64>(qint64(points.first().x()), end - 30'000);
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(start),
                         QDateTime::fromMSecsSinceEpoch(end));
    m_valueAxis->setRange(0, maxMs > 0 ? maxMs * 1.15 : 100.0);
    m_valueAxis->applyNiceNumbers();
    m_series->setOpacity(m_monitor->isDataStale() ? 0.35 : 1.0);
}

} // namespace ops
