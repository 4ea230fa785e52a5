#pragma once

#include "models/domain/DashboardThresholds.h"
#include "models/metrics/SeriesStore.h"

#include <QFrame>
#include <QString>

#include <utility>
#include <vector>

class QPainter;

namespace ops {

// One overview figure: a title, the value in large type, a detail line (change against the
// previous window, a second figure), a sparkline, and a colour for its threshold level. Greyed
// with its age while the data is stale.
class MetricTile : public QFrame {
    Q_OBJECT
public:
    explicit MetricTile(const QString& title, QWidget* parent = nullptr);

    void setValue(const QString& value);
    QString value() const { return m_value; }
    void setDetail(const QString& detail);
    QString detail() const { return m_detail; }
    void setLevel(ThresholdLevel level);
    ThresholdLevel level() const { return m_level; }
    // A colour of its own instead of the threshold level's (component states).
    void setAccent(const QColor& color);
    void setStale(bool stale);
    bool isStale() const { return m_stale; }
    // An outage: the value line carries the state in red ("Unreachable for 1 m 10 s"), shrunk
    // to fit, and the detail keeps the last figure small ("last: 44 ms, 1 m ago").
    void setOutage(bool outage);
    bool isOutage() const { return m_outage; }
    void setSparkline(const std::vector<StorePoint>& points, qint64 t0, qint64 t1);
    int sparklinePoints() const { return static_cast<int>(m_spark.size()); }
    // The sparkline's pieces, [first, last) indexes into its points: it breaks where a step is far
    // longer than the others and than 4 % of the window (the console was not running, or polling
    // failed), so a gap is left empty as the charts leave it, never bridged by a line.
    std::vector<std::pair<std::size_t, std::size_t>> sparklineRuns() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QColor accent() const;
    // Stale text and accent: a grey between the background and the text, readable on light and
    // dark palettes.
    QColor staleGrey() const;
    QColor textColor() const;
    QColor softTextColor() const;
    int paintValue(QPainter& p, const QRect& r, int top, const QColor& color) const;
    int paintDetail(QPainter& p, const QRect& r, int top) const;
    void paintSparkline(QPainter& p, const QRectF& spark, const QColor& color) const;
    void updateAccessible();

    QString m_title;
    QString m_value;
    QString m_detail;
    ThresholdLevel m_level = ThresholdLevel::Unknown;
    QColor m_accent;
    bool m_stale = false;
    bool m_outage = false;
    std::vector<StorePoint> m_spark;
    qint64 m_t0 = 0;
    qint64 m_t1 = 0;
};

} // namespace ops
