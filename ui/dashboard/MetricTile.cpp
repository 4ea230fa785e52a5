#include "ui/dashboard/MetricTile.h"

#include "ui/shell/StatePalette.h"

#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>

namespace ops {

MetricTile::MetricTile(const QString& title, QWidget* parent)
    : QFrame(parent)
    , m_title(title)
{
    setFrameShape(QFrame::StyledPanel);
    setFocusPolicy(Qt::TabFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_value = tr("—");
    updateAccessible();
}

void MetricTile::setValue(const QString& value)
{
    if (value == m_value)
        return;
    m_value = value;
    updateAccessible();
    update();
}

void MetricTile::setDetail(const QString& detail)
{
    if (detail == m_detail)
        return;
    m_detail = detail;
    updateAccessible();
    update();
}

void MetricTile::setLevel(ThresholdLevel level)
{
    if (level == m_level)
        return;
    m_level = level;
    updateAccessible();
    update();
}

void MetricTile::setAccent(const QColor& color)
{
    m_accent = color;
    update();
}

void MetricTile::setStale(bool stale)
{
    if (stale == m_stale)
        return;
    m_stale = stale;
    updateAccessible();
    update();
}

void MetricTile::setOutage(bool outage)
{
    if (outage == m_outage)
        return;
    m_outage = outage;
    updateAccessible();
    update();
}

void MetricTile::setSparkline(const std::vector<StorePoint>& points, qint64 t0, qint64 t1)
{
    m_spark = points;
    m_t0 = t0;
    m_t1 = t1;
    update();
}

QSize MetricTile::sizeHint() const
{
    const QFontMetrics fm(font());
    return {fm.horizontalAdvance(QStringLiteral("Response time (avg) 0000")) + 24,
            fm.height() * 5 + 36};
}

QSize MetricTile::minimumSizeHint() const
{
    const QFontMetrics fm(font());
    return {fm.horizontalAdvance(QStringLiteral("Response time")) + 24, fm.height() * 5 + 36};
}

QColor MetricTile::staleGrey() const
{
    const QColor a = palette().color(QPalette::Window);
    const QColor b = palette().color(QPalette::Text);
    constexpr int alpha = 150;
    const auto blend = [](int x, int y) { return (x * (255 - alpha) + y * alpha) / 255; };
    return QColor(blend(a.red(), b.red()), blend(a.green(), b.green()), blend(a.blue(), b.blue()));
}

QColor MetricTile::accent() const
{
    if (m_stale)
        return staleGrey();
    if (m_accent.isValid())
        return m_accent;
    switch (m_level) {
    case ThresholdLevel::Ok:
        return colorFor(HealthState::Healthy);
    case ThresholdLevel::Warning:
        return colorFor(HealthState::Degraded);
    case ThresholdLevel::Critical:
        return colorFor(HealthState::Down);
    case ThresholdLevel::Unknown:
        break;
    }
    return QColor(0x3b, 0x82, 0xf6); // no threshold: a neutral blue, readable on both palettes
}

void MetricTile::updateAccessible()
{
    QString level;
    switch (m_level) {
    case ThresholdLevel::Warning:
        level = tr("warning");
        break;
    case ThresholdLevel::Critical:
        level = tr("critical");
        break;
    default:
        break;
    }
    setAccessibleName(tr("%1: %2").arg(m_title, m_value));
    QStringList parts;
    if (!level.isEmpty())
        parts << level;
    if (!m_detail.isEmpty())
        parts << m_detail;
    if (m_stale && !m_outage)
        parts << tr("stale");
    setAccessibleDescription(parts.join(QStringLiteral(", ")));
    setToolTip(parts.isEmpty() ? m_title : m_title + QStringLiteral(" — ") + parts.join(u", "));
}

void MetricTile::paintEvent(QPaintEvent* event)
{
    QFrame::paintEvent(event);
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRect r = contentsRect().adjusted(10, 6, -8, -6);
    const QColor color = accent();

    // Accent bar on the left: the threshold level at a glance (red in an outage).
    p.fillRect(QRect(contentsRect().left(), contentsRect().top(), 5, contentsRect().height()),
               m_outage ? colorFor(HealthState::Down) : color);
    if (hasFocus()) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 2));
        p.drawRect(rect().adjusted(1, 1, -1, -1));
    }

    const QFontMetrics fm(font());
    p.setPen(softTextColor());
    p.drawText(QRect(r.left(), r.top(), r.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(m_title, Qt::ElideRight, r.width()));
    const int detailTop = paintValue(p, r, r.top() + fm.height() + 2, color);
    p.setFont(font());
    p.setPen(softTextColor());
    const int detailLines = paintDetail(p, r, detailTop);

    // Sparkline under the text.
    const int sparkTop = detailTop + fm.height() * detailLines + 4;
    paintSparkline(p, QRectF(r.left(), sparkTop, r.width(), std::max(8, r.bottom() - sparkTop)),
                   color);
}

QColor MetricTile::textColor() const
{
    return m_stale ? staleGrey() : palette().color(QPalette::Text);
}

QColor MetricTile::softTextColor() const
{
    QColor soft = textColor();
    soft.setAlpha(m_stale ? 255 : 190);
    return soft;
}

// The value in large type from top, in the level's colour when it has one; returns its bottom.
int MetricTile::paintValue(QPainter& p, const QRect& r, int top, const QColor& color) const
{
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 1.7);
    big.setBold(true);
    // The outage headline is longer than a figure: shrink it to fit rather than cut it.
    for (double factor = 1.6;
         m_outage && factor >= 1.0 && QFontMetrics(big).horizontalAdvance(m_value) > r.width();
         factor -= 0.1)
        big.setPointSizeF(font().pointSizeF() * factor);
    const QFontMetrics bfm(big);
    p.setFont(big);
    const QColor text = textColor();
    if (m_outage)
        p.setPen(colorFor(HealthState::Down)
                     .lighter(palette().color(QPalette::Window).value() < 128 ? 140 : 100));
    else
        p.setPen(m_level == ThresholdLevel::Critical || m_level == ThresholdLevel::Warning ||
                         m_accent.isValid()
                     ? (m_stale ? text : color)
                     : text);
    p.drawText(QRect(r.left(), top, r.width(), bfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               bfm.elidedText(m_value, Qt::ElideRight, r.width()));
    return top + bfm.height();
}

// The detail on one line, or two when it does not fit (what a gateway lacks is said in full, not
// cut short): word-wrapped, whatever does not fit in two lines elided on the second. Returns the
// lines it took.
int MetricTile::paintDetail(QPainter& p, const QRect& r, int top) const
{
    const QFontMetrics fm(font());
    if (fm.horizontalAdvance(m_detail) <= r.width()) {
        p.drawText(QRect(r.left(), top, r.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(m_detail, Qt::ElideRight, r.width()));
        return 1;
    }
    const QStringList words = m_detail.split(u' ');
    QString first;
    int i = 0;
    for (; i < words.size(); ++i) {
        const QString next = first.isEmpty() ? words[i] : first + u' ' + words[i];
        if (fm.horizontalAdvance(next) > r.width())
            break;
        first = next;
    }
    const QString second = words.mid(i).join(u' ');
    p.drawText(QRect(r.left(), top, r.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               first.isEmpty() ? fm.elidedText(m_detail, Qt::ElideRight, r.width()) : first);
    if (!first.isEmpty())
        p.drawText(QRect(r.left(), top + fm.height(), r.width(), fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(second, Qt::ElideRight, r.width()));
    return 2;
}

// The sparkline over its value range, the area under it tinted.
std::vector<std::pair<std::size_t, std::size_t>> MetricTile::sparklineRuns() const
{
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    if (m_spark.empty())
        return runs;
    std::vector<qint64> steps;
    steps.reserve(m_spark.size());
    for (std::size_t i = 1; i < m_spark.size(); ++i)
        steps.push_back(m_spark[i].t - m_spark[i - 1].t);
    qint64 typical = 0;
    if (!steps.empty()) {
        std::vector<qint64> sorted = steps;
        std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2),
                         sorted.end());
        typical = sorted[sorted.size() / 2];
    }
    // A decimated line steps at most about a pixel column (the dashboard asks for a point pair
    // every 2 px, at least 40 columns: under 2.5 % of the window).
    const qint64 gap = std::max(5 * typical, (m_t1 - m_t0) / 25);
    std::size_t first = 0;
    for (std::size_t i = 1; i < m_spark.size(); ++i) {
        if (steps[i - 1] > gap) {
            runs.emplace_back(first, i);
            first = i;
        }
    }
    runs.emplace_back(first, m_spark.size());
    return runs;
}

void MetricTile::paintSparkline(QPainter& p, const QRectF& spark, const QColor& color) const
{
    if (m_spark.size() < 2 || m_t1 <= m_t0)
        return;
    double lo = m_spark.front().v;
    double hi = lo;
    for (const StorePoint& pt : m_spark) {
        lo = std::min(lo, pt.v);
        hi = std::max(hi, pt.v);
    }
    if (hi - lo < 1e-12) {
        hi += 0.5;
        lo -= 0.5;
    }
    const auto at = [&](const StorePoint& pt) {
        const double x = spark.left() + static_cast<double>(pt.t - m_t0) /
                                            static_cast<double>(m_t1 - m_t0) * spark.width();
        return QPointF(x, spark.bottom() - (pt.v - lo) / (hi - lo) * spark.height());
    };
    QColor fill = color;
    fill.setAlpha(40);
    QPen pen(color, 1.5);
    pen.setCosmetic(true);
    for (const auto& [first, last] : sparklineRuns()) {
        QPolygonF line;
        line.reserve(static_cast<int>(last - first));
        for (std::size_t i = first; i < last; ++i)
            line << at(m_spark[i]);
        if (line.size() < 2) {
            p.setPen(pen);
            p.drawPoint(line.front()); // a lone point between two gaps
            continue;
        }
        QPolygonF area = line;
        area << QPointF(line.back().x(), spark.bottom())
             << QPointF(line.front().x(), spark.bottom());
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawPolygon(area);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPolyline(line);
    }
}

} // namespace ops
