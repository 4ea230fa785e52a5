#pragma once

#include <QWidget>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace ops {

class TargetMonitor;

// The live average response time (Δsum/Δcount of the request-duration histogram), last 15 min.
class ResponseTimeChart : public QWidget {
    Q_OBJECT
public:
    explicit ResponseTimeChart(TargetMonitor* monitor, QWidget* parent = nullptr);

    void refresh();
    // Points currently plotted (for tests and the table alternative).
    int pointCount() const;
    QString placeholderText() const;

    static constexpr qint64 kWindowMs = 15 * 60 * 1000;

private:
    TargetMonitor* m_monitor;
    QChart* m_chart;
    QChartView* m_view;
    QLineSeries* m_series;
    QDateTimeAxis* m_timeAxis;
    QValueAxis* m_valueAxis;
    QLabel* m_placeholder;
    QLabel* m_title;
};

} // namespace ops
