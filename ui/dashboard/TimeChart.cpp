#include "ui/dashboard/TimeChart.h"

#include "models/domain/CsvWriter.h"
#include "models/domain/Units.h"
#include "models/itemmodels/ChartPointsModel.h"
#include "ui/dashboard/ChartTimeline.h"

#include <QContextMenuEvent>
#include <QDateTime>
#include <QFile>
#include <QFontMetrics>
#include <QKeyEvent>
#include <QLocale>
#include <QMenu>
#include <QMetaMethod>
#include <QMouseEvent>
#include <QPaintEngine>
#include <QPainter>
#include <QSaveFile>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>

namespace ops {

namespace {

constexpr int kRightMargin = 10;

// A step of 1, 2 or 5 × 10^n giving about `ticks` intervals over `range`.
double niceStep(double range, int ticks)
{
    if (!(range > 0))
        return 1;
    const double raw = range / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    const double nice = r < 1.5 ? 1 : (r < 3 ? 2 : (r < 7 ? 5 : 10));
    return nice * magnitude;
}

qint64 timeStep(qint64 spanMs, double widthPx)
{
    static constexpr std::array<qint64, 18> steps = {
        1'000,     2'000,     5'000,      10'000,     15'000,     30'000,
        60'000,    120'000,   300'000,    600'000,    900'000,    1'800'000,
        3'600'000, 7'200'000, 10'800'000, 21'600'000, 43'200'000, 86'400'000};
    const double wanted = std::max(1.0, widthPx / 110.0); // a label every ~110 px at most
    for (qint64 step : steps) {
        if (static_cast<double>(spanMs) / static_cast<double>(step) <= wanted)
            return step;
    }
    return steps.back();
}

// The nearest point to time t (points sorted by time, not empty).
std::vector<StorePoint>::const_iterator nearestPoint(const std::vector<StorePoint>& points,
                                                     double t)
{
    auto it = std::lower_bound(points.begin(), points.end(), t, [](const StorePoint& p, double v) {
        return static_cast<double>(p.t) < v;
    });
    if (it == points.end() ||
        (it != points.begin() && std::abs(static_cast<double>(std::prev(it)->t) - t) <
                                     std::abs(static_cast<double>(it->t) - t)))
        it = std::prev(it);
    return it;
}

constexpr double kMarkerHoverPx = 6;
constexpr double kMarkerRadius = 5; // a marker's shape at the top of the plot
constexpr double kLabelRowGap = 2;  // between two rows of marker labels

QColor mix(const QColor& a, const QColor& b, int alpha);

// Stale lines: a grey halfway between the background and the text, readable on light and dark
// palettes (the disabled text colour nearly vanishes on a light base).
// A premultiplied pixel times f/255, every channel (what blending "over" keeps of the pixel).
QRgb scaledPixel(QRgb pixel, uint f)
{
    uint redBlue = (pixel & 0xff00ffu) * f;
    redBlue = ((redBlue + ((redBlue >> 8) & 0xff00ffu) + 0x800080u) >> 8) & 0xff00ffu;
    uint alphaGreen = ((pixel >> 8) & 0xff00ffu) * f;
    alphaGreen = (alphaGreen + ((alphaGreen >> 8) & 0xff00ffu) + 0x800080u) & 0xff00ff00u;
    return redBlue | alphaGreen;
}

// The pixel row (or column) of a coordinate: its floor, kept in int's range whatever the value
// (a truncation of a positive number: std::floor costs more, and runs for every point).
int pixelIndex(double v)
{
    constexpr double kOffset = 1 << 20;
    return static_cast<int>(std::clamp(v, -1e6, 1e6) + kOffset) - (1 << 20);
}

QColor staleGrey(const QPalette& pal)
{
    return mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 130);
}

// b over a at alpha (0-255), opaque.
QColor mix(const QColor& a, const QColor& b, int alpha)
{
    const auto blend = [alpha](int x, int y) { return (x * (255 - alpha) + y * alpha) / 255; };
    return QColor(blend(a.red(), b.red()), blend(a.green(), b.green()), blend(a.blue(), b.blue()));
}

} // namespace

TimeChart::TimeChart(ChartTimeline* timeline, QWidget* parent)
    : QWidget(parent)
    , m_timeline(timeline)
    , m_pointsModel(new ChartPointsModel(this))
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(240, 150);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_timeline, &ChartTimeline::rangeChanged, this, &TimeChart::dataChanged);
}

TimeChart::~TimeChart() = default;

QColor TimeChart::markerColor(MarkerKind kind)
{
    // Mid-tone, readable on light and dark backgrounds; none is a series colour's twin in shape.
    switch (kind) {
    case MarkerKind::Deploy:
        return QColor(0x8b, 0x5c, 0xf6);
    case MarkerKind::Alert:
        return QColor(0xef, 0x44, 0x44);
    case MarkerKind::Workflow:
        return QColor(0x06, 0xb6, 0xd4);
    case MarkerKind::Resolved:
        return QColor(0x22, 0xa0, 0x4b);
    case MarkerKind::Note:
        break;
    }
    return QColor(0x94, 0xa3, 0xb8);
}

qint64 TimeChart::timeAxisStep(qint64 spanMs, double widthPx)
{
    return timeStep(spanMs, widthPx);
}

QString TimeChart::timeAxisFormat(qint64 spanMs, qint64 stepMs)
{
    // Whole days (the 7 d and 30 d windows) need no time of day: "02 Dec", not "02 Dec 00:00".
    return spanMs > 86'400'000 && stepMs % 86'400'000 == 0 ? QStringLiteral("dd MMM")
           : spanMs > 86'400'000                           ? QStringLiteral("dd MMM HH:mm")
           : stepMs >= 60'000                              ? QStringLiteral("HH:mm")
                                                           : QStringLiteral("HH:mm:ss");
}

QString TimeChart::markerSymbol(MarkerKind kind)
{
    switch (kind) {
    case MarkerKind::Deploy:
        return QStringLiteral("◆");
    case MarkerKind::Alert:
        return QStringLiteral("▲");
    case MarkerKind::Workflow:
        return QStringLiteral("●");
    case MarkerKind::Resolved:
        return QStringLiteral("✓");
    case MarkerKind::Note:
        break;
    }
    return QStringLiteral("■");
}

QColor TimeChart::seriesColor(int index)
{
    // Mid-tone colours readable on light and dark backgrounds.
    static const std::array<QColor, 10> colors = {
        QColor(0x3b, 0x82, 0xf6), QColor(0xf5, 0x9e, 0x0b), QColor(0x10, 0xb9, 0x81),
        QColor(0xef, 0x44, 0x44), QColor(0x8b, 0x5c, 0xf6), QColor(0x06, 0xb6, 0xd4),
        QColor(0xec, 0x48, 0x99), QColor(0x84, 0xcc, 0x16), QColor(0xf9, 0x73, 0x16),
        QColor(0x94, 0xa3, 0xb8)};
    return colors[static_cast<std::size_t>(index) % colors.size()];
}

void TimeChart::setTitle(const QString& title)
{
    m_title = title;
    setAccessibleName(tr("%1 chart").arg(title));
    invalidateLayer();
}

void TimeChart::setStore(const SeriesStore* store)
{
    m_store = store;
    dropColumnCaches();
    dataChanged();
}

int TimeChart::addSeries(const QString& name, std::uint32_t id, double scale, QColor color)
{
    Series s;
    s.name = name;
    s.id = id;
    s.scale = scale;
    s.color = color.isValid() ? color : seriesColor(static_cast<int>(m_series.size()));
    m_series.push_back(std::move(s));
    dataChanged();
    return static_cast<int>(m_series.size()) - 1;
}

void TimeChart::setSeriesId(int index, std::uint32_t id)
{
    if (index < 0 || index >= seriesCount() || m_series[static_cast<std::size_t>(index)].id == id)
        return;
    m_series[static_cast<std::size_t>(index)].id = id;
    dataChanged();
}

void TimeChart::setSeriesBand(int index, std::uint32_t lowId, std::uint32_t highId)
{
    if (index < 0 || index >= seriesCount())
        return;
    Series& s = m_series[static_cast<std::size_t>(index)];
    if (s.bandLow == lowId && s.bandHigh == highId)
        return;
    s.bandLow = lowId;
    s.bandHigh = highId;
    dataChanged();
}

bool TimeChart::hasBand(int index) const
{
    return index >= 0 && index < seriesCount() &&
           m_series[static_cast<std::size_t>(index)].bandLow != SeriesStore::kNoSeries &&
           m_series[static_cast<std::size_t>(index)].bandHigh != SeriesStore::kNoSeries;
}

void TimeChart::setSeriesName(int index, const QString& name)
{
    if (index < 0 || index >= seriesCount())
        return;
    m_series[static_cast<std::size_t>(index)].name = name;
    invalidateLayer();
}

void TimeChart::clearSeries()
{
    m_series.clear();
    dataChanged();
}

QString TimeChart::seriesName(int index) const
{
    return index >= 0 && index < seriesCount() ? m_series[static_cast<std::size_t>(index)].name
                                               : QString();
}

void TimeChart::setSeriesVisible(int index, bool visible)
{
    if (index < 0 || index >= seriesCount() ||
        m_series[static_cast<std::size_t>(index)].visible == visible)
        return;
    m_series[static_cast<std::size_t>(index)].visible = visible;
    dataChanged();
    emit seriesVisibilityChanged(index, visible);
}

bool TimeChart::isSeriesVisible(int index) const
{
    return index >= 0 && index < seriesCount() && m_series[static_cast<std::size_t>(index)].visible;
}

bool TimeChart::drawnSeries(const Series& s) const
{
    return s.visible && m_store && s.id != SeriesStore::kNoSeries && m_store->contains(s.id);
}

QStringList TimeChart::visibleSeries() const
{
    QStringList names;
    for (const Series& s : m_series) {
        if (drawnSeries(s))
            names << s.name;
    }
    return names;
}

void TimeChart::setLineWidth(double px)
{
    if (px == m_lineWidth || !(px > 0))
        return;
    m_lineWidth = px;
    invalidateLayer();
}

void TimeChart::setPlaceholder(const QString& text)
{
    if (text == m_placeholder)
        return;
    m_placeholder = text;
    updateAccessibleText();
    invalidateLayer();
}

void TimeChart::addMarker(qint64 timeMs, MarkerKind kind, const QString& label,
                          const QString& group)
{
    const auto at = std::upper_bound(m_markers.begin(), m_markers.end(), timeMs,
                                     [](qint64 t, const Marker& m) { return t < m.timeMs; });
    m_markers.insert(at, Marker{timeMs, kind, label, group});
    ++m_markerRevision;
    invalidateLayer();
}

int TimeChart::markerCount(MarkerKind kind) const
{
    return static_cast<int>(std::count_if(m_markers.begin(), m_markers.end(),
                                          [kind](const Marker& m) { return m.kind == kind; }));
}

QStringList TimeChart::markerLabels() const
{
    QStringList labels;
    for (const Marker& m : m_markers)
        labels << m.label;
    return labels;
}

void TimeChart::setStale(bool stale, const QString& note)
{
    if (stale == m_stale && (note == m_staleNote || !stale))
        return;
    m_stale = stale;
    m_staleNote = stale ? note : QString();
    updateAccessibleText();
    invalidateLayer();
}

QColor TimeChart::drawnColor(int index) const
{
    if (index < 0 || index >= seriesCount())
        return {};
    const Series& s = m_series[static_cast<std::size_t>(index)];
    if (m_stale || s.stale)
        return staleGrey(palette());
    return s.color;
}

void TimeChart::setSeriesStale(int index, bool stale)
{
    if (index < 0 || index >= seriesCount() ||
        m_series[static_cast<std::size_t>(index)].stale == stale)
        return;
    m_series[static_cast<std::size_t>(index)].stale = stale;
    updateAccessibleText();
    invalidateLayer();
}

bool TimeChart::isSeriesStale(int index) const
{
    return index >= 0 && index < seriesCount() && m_series[static_cast<std::size_t>(index)].stale;
}

QString TimeChart::shownName(const Series& s) const
{
    return s.stale ? tr("%1 (stale)").arg(s.name) : s.name;
}

void TimeChart::clearMarkers()
{
    m_markers.clear();
    ++m_markerRevision;
    invalidateLayer();
}

void TimeChart::dataChanged()
{
    m_dataDirty = true;
    invalidateLayer();
}

void TimeChart::invalidateLayer()
{
    m_layerDirty = true;
    update();
}

int TimeChart::pointCount(int index) const
{
    if (index < 0 || index >= seriesCount())
        return 0;
    const_cast<TimeChart*>(this)->decimate(plotWidth());
    return static_cast<int>(m_series[static_cast<std::size_t>(index)].points.size());
}

int TimeChart::totalPointCount() const
{
    int total = 0;
    for (int i = 0; i < seriesCount(); ++i)
        total += pointCount(i);
    return total;
}

int TimeChart::plotWidth() const
{
    return std::max(1, static_cast<int>(layoutFor(size()).plot.width()));
}

TimeChart::Layout TimeChart::layoutFor(const QSize& size) const
{
    const QFontMetrics fm(font());
    const int line = fm.height();
    const double left = fm.horizontalAdvance(QStringLiteral("-000.0 req/s")) + 8;
    const double top = line * 2 + 10; // title and legend
    const double bottom = line + 8;   // time labels
    Layout l;
    l.legend = QRectF(left, line + 4, size.width() - left - kRightMargin, line + 2);
    l.plot = QRectF(left, top, std::max(1.0, size.width() - left - kRightMargin),
                    std::max(1.0, size.height() - top - bottom));
    return l;
}

std::pair<qint64, qint64> TimeChart::shownRange() const
{
    const qint64 t1 = m_timeline->endMs();
    qint64 t0 = m_timeline->startMs();
    // A console that just started shows the data it has across the plot, not a sliver at the
    // right of a 15-minute window: live, the range begins shortly before the oldest data (at
    // least a minute shown).
    if (m_timeline->isLive() && m_store && m_store->scrapeCount() > 0) {
        const qint64 oldest = m_store->oldestTime();
        if (oldest > t0) {
            const qint64 shown = std::max<qint64>(60'000, (t1 - oldest) * 21 / 20);
            t0 = std::max(t0, t1 - shown);
        }
    }
    return {t0, t1};
}

void TimeChart::decimate(int width)
{
    const auto [t0, t1] = shownRange();
    if (!m_dataDirty && width == m_decimatedWidth && t0 == m_t0 && t1 == m_t1)
        return;
    m_dataDirty = false;
    m_decimatedWidth = width;
    m_t0 = t0;
    m_t1 = t1;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (Series& s : m_series) {
        s.points.clear();
        if (!drawnSeries(s) || t1 <= t0)
            continue;
        readColumns(s.columns[0], s.id, t0, t1, width, s.points);
        for (StorePoint& p : s.points) {
            p.v *= s.scale;
            lo = std::min(lo, p.v);
            hi = std::max(hi, p.v);
        }
        s.low.clear();
        s.high.clear();
        if (s.bandLow != SeriesStore::kNoSeries && s.bandHigh != SeriesStore::kNoSeries) {
            readColumns(s.columns[1], s.bandLow, t0, t1, width, s.low);
            readColumns(s.columns[2], s.bandHigh, t0, t1, width, s.high);
            for (StorePoint& p : s.low) {
                p.v *= s.scale;
                lo = std::min(lo, p.v);
            }
            for (StorePoint& p : s.high) {
                p.v *= s.scale;
                hi = std::max(hi, p.v);
            }
        }
    }
    if (!(lo <= hi)) {
        lo = 0;
        hi = 1;
    }
    // Rates, latencies, memory, percentages: the axis starts at zero, so a ±4 % wobble on 240
    // req/s reads as the wobble it is, not as an outage.
    if (lo >= 0)
        lo = 0;
    if (hi - lo < 1e-12)
        hi = lo + (lo == 0 ? 1 : std::abs(lo) * 0.1);
    const double step = niceStep(hi - lo, 4);
    m_yMin = std::floor(lo / step) * step;
    m_yMax = std::ceil((hi + (hi - lo) * 0.04) / step) * step;
    if (m_pointsModelActive)
        updatePointsModel();
}

void TimeChart::setPointsModelActive(bool active)
{
    m_pointsModelActive = active;
    if (active) {
        decimate(plotWidth());
        updatePointsModel();
    }
}

void TimeChart::updatePointsModel()
{
    std::vector<ChartPointsModel::Series> rows;
    for (const Series& s : m_series) {
        if (drawnSeries(s))
            rows.push_back({s.name, s.points});
    }
    m_pointsModel->setSeries(std::move(rows), m_unit);
}

QString TimeChart::formatValue(double v) const
{
    if (m_unit == u"ms")
        return formatMilliseconds(v); // "44 ms", "1.91 s", "850 µs"
    const double a = std::abs(v);
    const int decimals = a >= 100 ? 0 : (a >= 10 ? 1 : (a >= 1 ? 2 : 3));
    const QString number = QLocale().toString(v, 'f', decimals);
    return m_unit.isEmpty() ? number : tr("%1 %2").arg(number, m_unit);
}

double TimeChart::timeAtX(double x) const
{
    const QRectF& plot = m_layout.plot;
    const double f = (x - plot.left()) / plot.width();
    return static_cast<double>(m_t0) + f * static_cast<double>(m_t1 - m_t0);
}

void TimeChart::render(QPainter& painter, const QSize& size)
{
    dropColumnCaches();
    m_dataDirty = true;
    paintLayer(painter, size);
}

void TimeChart::draw(QPainter& painter, const QSize& size)
{
    paintLayer(painter, size);
}

void TimeChart::dropColumnCaches()
{
    for (Series& s : m_series)
        for (ColumnCache& cache : s.columns)
            cache.clear();
}

namespace {

qint64 floorDiv(qint64 a, qint64 b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

} // namespace

void TimeChart::readColumns(ColumnCache& cache, std::uint32_t id, qint64 t0, qint64 t1, int width,
                            std::vector<StorePoint>& out)
{
    out.clear();
    if (!m_store || t1 < t0 || width <= 0)
        return;
    const qint64 w = std::max<qint64>(1, (t1 - t0) / width + 1);
    const qint64 latest = m_store->latestTime();
    if (cache.id != id || cache.columnMs != w || m_store->scrapeCount() < cache.scrapes ||
        latest < cache.latest) {
        cache.clear();
        cache.id = id;
        cache.columnMs = w;
    }
    cache.scrapes = m_store->scrapeCount();
    cache.latest = latest;
    const auto append = [&out](const std::vector<StorePoint>& points) {
        out.insert(out.end(), points.begin(), points.end());
    };
    // The columns at the edges are partly in the window: read as they are now.
    const qint64 ca = floorDiv(t0, w);
    const qint64 cb = floorDiv(t1, w);
    m_store->decimate(id, t0, std::min(t1, (ca + 1) * w - 1), 1, m_readBuffer);
    append(m_readBuffer);
    if (cb == ca)
        return;
    // The inner columns: those wholly before the latest data are kept, the others read.
    const qint64 ia = ca + 1;
    const qint64 ib = cb - 1;
    // (A scrape may come at the latest time again: a column ending there is not complete.)
    const qint64 lastComplete = std::min(ib, floorDiv(latest, w) - 1);
    if (ia <= lastComplete) {
        readColumnRange(cache, ia, lastComplete);
        const auto from = cache.starts[static_cast<std::size_t>(ia - cache.first)];
        const auto to = cache.starts[static_cast<std::size_t>(lastComplete + 1 - cache.first)];
        out.insert(out.end(), cache.points.begin() + from, cache.points.begin() + to);
    }
    const qint64 freshFrom = std::max(ia, lastComplete + 1);
    if (freshFrom <= ib) {
        m_store->decimate(id, freshFrom * w, (ib + 1) * w - 1, static_cast<int>(ib - freshFrom + 1),
                          m_readBuffer);
        append(m_readBuffer);
    }
    m_store->decimate(id, cb * w, t1, 1, m_readBuffer);
    append(m_readBuffer);
}

// Makes cache hold columns a..b (complete ones): what it holds already stays, the rest is read,
// columns outside a..b are let go.
void TimeChart::readColumnRange(ColumnCache& cache, qint64 a, qint64 b)
{
    const qint64 w = cache.columnMs;
    const auto read = [&](qint64 from, qint64 to, std::vector<StorePoint>& points,
                          std::vector<std::uint32_t>& starts, std::uint32_t base) {
        m_store->decimate(cache.id, from * w, (to + 1) * w - 1, static_cast<int>(to - from + 1),
                          points);
        starts.assign(static_cast<std::size_t>(to - from + 2), 0);
        // Count each column's points, then turn the counts into starts.
        for (const StorePoint& p : points) {
            const qint64 c = std::clamp(floorDiv(p.t, w), from, to) - from;
            ++starts[static_cast<std::size_t>(c) + 1];
        }
        starts[0] = base;
        for (std::size_t i = 1; i < starts.size(); ++i)
            starts[i] += starts[i - 1];
    };
    const qint64 last = cache.first + static_cast<qint64>(cache.starts.size()) - 2;
    if (cache.starts.empty() || b < cache.first || a > last) {
        cache.first = a;
        read(a, b, cache.points, cache.starts, 0);
        return;
    }
    // Let go of the columns outside a..b.
    if (cache.first < a || last > b) {
        const qint64 keepFrom = std::max(a, cache.first);
        const qint64 keepTo = std::min(b, last);
        const std::uint32_t p0 = cache.starts[static_cast<std::size_t>(keepFrom - cache.first)];
        const std::uint32_t p1 = cache.starts[static_cast<std::size_t>(keepTo + 1 - cache.first)];
        cache.points.erase(cache.points.begin() + p1, cache.points.end());
        cache.points.erase(cache.points.begin(), cache.points.begin() + p0);
        std::vector<std::uint32_t> starts(cache.starts.begin() + (keepFrom - cache.first),
                                          cache.starts.begin() + (keepTo + 2 - cache.first));
        for (std::uint32_t& i : starts)
            i -= p0;
        cache.starts = std::move(starts);
        cache.first = keepFrom;
    }
    const qint64 kept = cache.first + static_cast<qint64>(cache.starts.size()) - 2;
    if (a < cache.first) { // panned back: the columns before
        std::vector<StorePoint> points;
        std::vector<std::uint32_t> starts;
        read(a, cache.first - 1, points, starts, 0);
        const auto shift = static_cast<std::uint32_t>(points.size());
        cache.points.insert(cache.points.begin(), points.begin(), points.end());
        for (std::uint32_t& i : cache.starts)
            i += shift;
        starts.pop_back(); // its end is the old first column's start
        cache.starts.insert(cache.starts.begin(), starts.begin(), starts.end());
        cache.first = a;
    }
    if (b > kept) { // new data, or panned on: the columns after
        std::vector<StorePoint> points;
        std::vector<std::uint32_t> starts;
        read(kept + 1, b, points, starts, static_cast<std::uint32_t>(cache.points.size()));
        cache.points.insert(cache.points.end(), points.begin(), points.end());
        cache.starts.pop_back();
        cache.starts.insert(cache.starts.end(), starts.begin(), starts.end());
    }
}

QImage TimeChart::renderImage(const QSize& size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    render(painter, size);
    painter.end();
    return image;
}

namespace {

// Grid and axis lines are opaque (pre-blended over the base) and drawn as 1 px rectangles: a
// solid fill, where a translucent full-height line costs a span per row (and Qt's thread pool
// for long span lists).
QColor gridColor(const QPalette& pal)
{
    return mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 40);
}

QColor axisLineColor(const QPalette& pal)
{
    return mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 190);
}

QColor axisTextColor(const QPalette& pal)
{
    QColor color = pal.color(QPalette::Text);
    color.setAlpha(190);
    return color;
}

// The value axis' unit and its factor from the chart's: durations scale, "10 s" rather than
// "10,000 ms", "500 µs" rather than "0.500 ms".
std::pair<QString, double> valueAxisUnit(const QString& unit, double maxValue)
{
    if (unit == u"ms" && maxValue >= 2000)
        return {QStringLiteral("s"), 1e-3};
    if (unit == u"ms" && maxValue > 0 && maxValue < 1)
        return {QStringLiteral("µs"), 1e3};
    return {unit, 1};
}

// A legend entry's room besides its name: swatch and padding, then the gap to the next.
struct LegendSpacing {
    double pad = 22;
    double gap = 10;
};

double legendWidth(const QStringList& names, const QFontMetrics& fm, const LegendSpacing& spacing)
{
    double w = 0;
    for (const QString& n : names)
        w += fm.horizontalAdvance(n) + spacing.pad + spacing.gap;
    return w;
}

// How many leading characters every name shares, cut back to just after a separator so that no
// name loses part of what tells it apart.
qsizetype sharedPrefix(const QStringList& names)
{
    qsizetype common = names.first().size();
    for (const QString& n : names) {
        qsizetype k = 0;
        while (k < common && k < n.size() && n.at(k) == names.first().at(k))
            ++k;
        common = k;
    }
    while (common > 0 && !QStringLiteral(".:/-_ ").contains(names.first().at(common - 1)))
        --common;
    return common;
}

// Names too long for one line together (instances side by side) are shortened, their entries
// closer together: first the part every name shares is cut to "…" ("127.0.0.1:9201 avg" →
// "…9201 avg"), then, if still too long, each is elided to an equal share. The read-out and the
// table keep whole names.
QStringList fitLegendNames(QStringList names, const QFontMetrics& fm, double width,
                           LegendSpacing& spacing)
{
    if (names.size() <= 1 || legendWidth(names, fm, spacing) <= width)
        return names;
    spacing = LegendSpacing{18, 6};
    const qsizetype common = sharedPrefix(names);
    if (common > 3) {
        for (QString& n : names)
            n = QStringLiteral("…") + n.mid(common);
    }
    if (legendWidth(names, fm, spacing) > width) {
        const int share = std::max(40, static_cast<int>(width / static_cast<double>(names.size()) -
                                                        spacing.pad - spacing.gap));
        for (QString& n : names)
            n = fm.elidedText(n, Qt::ElideRight, share);
    }
    return names;
}

} // namespace

void TimeChart::paintLayer(QPainter& painter, const QSize& size)
{
    const QFontMetrics fm(font());
    painter.setFont(font());
    painter.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));

    m_layout = layoutFor(size);
    const QRectF plot = m_layout.plot;
    decimate(static_cast<int>(plot.width()));

    paintTitle(painter, size, fm);
    paintLegend(painter, fm);
    if (!m_placeholder.isEmpty() || m_timeline->latestMs() <= 0) {
        painter.setPen(axisTextColor(palette()));
        painter.drawText(plot.adjusted(10, 10, -10, -10), Qt::AlignCenter | Qt::TextWordWrap,
                         m_placeholder.isEmpty() ? tr("No data yet") : m_placeholder);
        return;
    }

    // Values sit a few pixels above the axis line, so a constant series (zero errors) is seen
    // rather than hidden on it.
    const double valueHeight = std::max(1.0, plot.height() - kValueInset - markerBand());
    const PlotScale scale{plot, plot.bottom() - kValueInset,
                          plot.width() / static_cast<double>(std::max<qint64>(1, m_t1 - m_t0)),
                          valueHeight / (m_yMax - m_yMin)};
    paintValueAxis(painter, scale, valueHeight, fm);
    paintTimeAxis(painter, size, plot, fm);
    paintNotRunning(painter, plot, fm);
    paintOutage(painter, plot, fm);
    const bool drawn = paintSeries(painter, scale);
    paintMarkers(painter, plot);
    paintStaleNote(painter, size, fm);
    if (!drawn) {
        painter.setPen(axisTextColor(palette()));
        painter.drawText(plot, Qt::AlignCenter,
                         m_store ? tr("No data in this time window yet") : tr("No data yet"));
    }
}

void TimeChart::paintTitle(QPainter& painter, const QSize& size, const QFontMetrics& fm)
{
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRectF(8, 2, size.width() - 16, fm.height() + 2), Qt::AlignLeft, m_title);
    painter.setFont(font());
}

// A swatch and name per series; hidden ones struck through and faded.
void TimeChart::paintLegend(QPainter& painter, const QFontMetrics& fm)
{
    const QPalette& pal = palette();
    const QColor text = pal.color(QPalette::Text);
    m_legendRects.assign(m_series.size(), QRectF());
    QStringList names;
    for (const Series& s : m_series)
        names << shownName(s);
    LegendSpacing spacing;
    names = fitLegendNames(std::move(names), fm, m_layout.legend.width(), spacing);
    double lx = m_layout.legend.left();
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const Series& s = m_series[i];
        const bool present = m_store && s.id != SeriesStore::kNoSeries && m_store->contains(s.id);
        const QString& name = names[static_cast<qsizetype>(i)];
        const double w = fm.horizontalAdvance(name) + spacing.pad;
        const QRectF r(lx, m_layout.legend.top(), w, m_layout.legend.height());
        m_legendRects[i] = r;
        QColor c = m_stale || s.stale ? staleGrey(pal) : s.color;
        QColor t = text;
        if (!s.visible) { // hidden by the operator: faded and struck through
            c.setAlpha(70);
            t.setAlpha(110);
        }
        const QRectF swatch(r.left(), r.center().y() - 4, 12, 8);
        if (present || !s.visible) {
            painter.fillRect(swatch, c);
        } else { // nothing to draw (yet): an outlined swatch, the name stays readable
            painter.setPen(QPen(c, 1.5));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(swatch.adjusted(0.75, 0.75, -0.75, -0.75));
        }
        QFont f = font();
        f.setStrikeOut(!s.visible);
        painter.setFont(f);
        painter.setPen(t);
        painter.drawText(QRectF(r.left() + 16, r.top(), w - 16, r.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, name);
        lx += w + spacing.gap;
    }
    painter.setFont(font());
}

// A grid line and a label at each round value.
void TimeChart::paintValueAxis(QPainter& painter, const PlotScale& scale, double valueHeight,
                               const QFontMetrics& fm)
{
    const QColor grid = gridColor(palette());
    const QColor axisText = axisTextColor(palette());
    const QRectF& plot = scale.plot;
    const double ySpan = m_yMax - m_yMin;
    auto yOf = [&](double v) { return scale.valueBottom - (v - m_yMin) / ySpan * valueHeight; };
    const double step = niceStep(ySpan, 4);
    const auto [axisUnit, axisFactor] = valueAxisUnit(m_unit, m_yMax);
    const QRect plotPx = plot.toRect();
    for (double v = m_yMin; v <= m_yMax + step * 0.01; v += step) {
        const double y = yOf(v);
        painter.fillRect(QRect(plotPx.left(), static_cast<int>(std::lround(y)), plotPx.width(), 1),
                         grid);
        painter.setPen(axisText);
        // Axis labels carry as many decimals as the step needs (0, 0.5, 1 — not 0.000).
        const int decimals =
            std::clamp(static_cast<int>(-std::floor(std::log10(step * axisFactor) + 1e-9)), 0, 6);
        const QString number =
            QLocale().toString(std::abs(v) < step * 1e-6 ? 0.0 : v * axisFactor, 'f', decimals);
        painter.drawText(QRectF(0, y - fm.height() / 2.0, plot.left() - 6, fm.height()),
                         Qt::AlignRight | Qt::AlignVCenter,
                         axisUnit.isEmpty() ? number : tr("%1 %2").arg(number, axisUnit));
    }
}

// A grid line and a label at each round time, then the axis line.
void TimeChart::paintTimeAxis(QPainter& painter, const QSize& size, const QRectF& plot,
                              const QFontMetrics& fm)
{
    const QColor grid = gridColor(palette());
    const QColor axisText = axisTextColor(palette());
    const QRect plotPx = plot.toRect();
    const qint64 span = std::max<qint64>(1, m_t1 - m_t0);
    const qint64 tStep = timeStep(span, plot.width());
    const QString format = timeAxisFormat(span, tStep);
    const qint64 offset = QDateTime::fromMSecsSinceEpoch(m_t0).offsetFromUtc() * 1000LL;
    qint64 t = ((m_t0 + offset) / tStep + 1) * tStep - offset;
    double labelRight = -1e9;
    for (; t < m_t1; t += tStep) {
        const double x = plot.left() + static_cast<double>(t - m_t0) / span * plot.width();
        painter.fillRect(QRect(static_cast<int>(std::lround(x)), plotPx.top(), 1, plotPx.height()),
                         grid);
        painter.setPen(axisText);
        const QString label = QDateTime::fromMSecsSinceEpoch(t).toString(format);
        const double w = fm.horizontalAdvance(label);
        // Whole, inside the chart: one that would pass its right edge ends there instead, and
        // is left out if that puts it on the label before it.
        QRectF box(x - w / 2 - 2, plot.bottom() + 3, w + 4, fm.height());
        if (box.right() > size.width())
            box.moveRight(size.width());
        if (box.left() < 0)
            box.moveLeft(0);
        if (box.left() < labelRight + 4)
            continue;
        labelRight = box.right();
        painter.drawText(box, Qt::AlignCenter, label);
    }
    painter.fillRect(
        QRect(plotPx.left(), static_cast<int>(std::lround(plot.bottom())), plotPx.width(), 1),
        axisLineColor(palette()));
}

// Bands under every line, then one polyline per series, cosmetic pen, clipped to the plot.
// False when no series has a point to draw.
bool TimeChart::paintSeries(QPainter& painter, const PlotScale& scale)
{
    painter.save();
    painter.setClipRect(scale.plot.adjusted(0, -2, 0, 2));
    const QColor staleColor = staleGrey(palette());
    // On screen and in images (1 px lines, no scaling): the series as spans of 1 px columns.
    const bool inColumns = m_lineWidth == 1 && painter.paintEngine() &&
                           painter.paintEngine()->type() == QPaintEngine::Raster &&
                           painter.deviceTransform().type() <= QTransform::TxTranslate;
    bool drawn = false;
    if (inColumns) {
        drawn = paintSeriesColumns(painter, scale, staleColor);
    } else {
        for (const Series& s : m_series)
            paintBand(painter, s, scale, staleColor);
        painter.setBrush(Qt::NoBrush);
        drawn = paintSeriesLines(painter, scale, staleColor);
    }
    painter.restore();
    return drawn;
}

// A series' band (min–max of each rollup minute) in its colour: one vertical span per pixel
// column, from the column's lowest minimum to its highest maximum. The decimated points hold
// up to four a column, and a polygon of all of them filled cost ~0.1 s a series at 30 d
// (chart_redraw_10x30d_ms).
void TimeChart::paintBand(QPainter& painter, const Series& s, const PlotScale& scale,
                          const QColor& staleColor)
{
    if (s.low.empty() || s.high.empty() || s.points.empty())
        return;
    const QRectF& plot = scale.plot;
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    const int columns = static_cast<int>(std::ceil(plot.width())) + 1;
    std::vector<double> top(static_cast<std::size_t>(columns), kNone);
    std::vector<double> bottom(static_cast<std::size_t>(columns), kNone);
    const auto spread = [&](const std::vector<StorePoint>& points, std::vector<double>& edge,
                            bool keepHigher) {
        for (const StorePoint& p : points) {
            const int x =
                static_cast<int>(std::floor(static_cast<double>(p.t - m_t0) * scale.xScale));
            if (!std::isfinite(p.v) || x < 0 || x >= columns)
                continue;
            double& e = edge[static_cast<std::size_t>(x)];
            e = std::isnan(e) ? p.v : keepHigher ? std::max(e, p.v) : std::min(e, p.v);
        }
    };
    spread(s.high, top, true);
    spread(s.low, bottom, false);
    QList<QLineF> spans;
    spans.reserve(columns);
    for (int x = 0; x < columns; ++x) {
        const double hi = top[static_cast<std::size_t>(x)];
        const double lo = bottom[static_cast<std::size_t>(x)];
        if (std::isnan(hi) || std::isnan(lo))
            continue;
        const double px = plot.left() + x + 0.5;
        spans.append(QLineF(px, scale.valueBottom - (hi - m_yMin) * scale.yScale, px,
                            scale.valueBottom - (lo - m_yMin) * scale.yScale));
    }
    QColor fill = m_stale || s.stale ? staleColor : s.color;
    fill.setAlpha(60);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(QPen(fill, 1.0, Qt::SolidLine, Qt::FlatCap));
    painter.drawLines(spans);
    painter.restore();
}

// Each series' line as polylines with its pen. False when no series has a point.
bool TimeChart::paintSeriesLines(QPainter& painter, const PlotScale& scale,
                                 const QColor& staleColor)
{
    bool drawn = false;
    for (Series& s : m_series) {
        if (s.points.empty())
            continue;
        drawn = true;
        s.polyline.resize(static_cast<int>(s.points.size()));
        QPointF* out = s.polyline.data();
        for (const StorePoint& p : s.points) {
            *out++ = QPointF(scale.plot.left() + static_cast<double>(p.t - m_t0) * scale.xScale,
                             scale.valueBottom - (p.v - m_yMin) * scale.yScale);
        }
        QPen pen(m_stale || s.stale ? staleColor : s.color, m_lineWidth);
        pen.setCosmetic(true);
        painter.setPen(pen);
        // Split where the console was not running: no line across a time nobody watched.
        int begin = 0;
        const int n = static_cast<int>(s.points.size());
        for (int i = 1; i <= n; ++i) {
            if (i < n &&
                !notRunningBetween(s.points[std::size_t(i) - 1].t, s.points[std::size_t(i)].t))
                continue;
            painter.drawPolyline(s.polyline.constData() + begin, i - begin);
            begin = i;
        }
    }
    return drawn;
}

// Stale: the age, right of the title (markers and the latest data stay uncovered).
void TimeChart::paintStaleNote(QPainter& painter, const QSize& size, const QFontMetrics& fm)
{
    if (!m_stale || m_staleNote.isEmpty())
        return;
    const double w = fm.horizontalAdvance(m_staleNote) + 12;
    const QRectF box(size.width() - kRightMargin - w, 2, w, fm.height() + 2);
    painter.setPen(QPen(staleGrey(palette()), 0));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(box);
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(box, Qt::AlignCenter, m_staleNote);
}

// Room at the top of the plot for marker shapes and labels, so they never cover the data: only
// when a marker falls in the range.
double TimeChart::markerBand() const
{
    const auto first = std::lower_bound(m_markers.begin(), m_markers.end(), m_t0,
                                        [](const Marker& m, qint64 t) { return m.timeMs < t; });
    bool any = first != m_markers.end() && first->timeMs <= m_t1;
    for (auto m = m_markers.begin(); !any && m != first; ++m)
        any = m->kind == MarkerKind::Alert; // a span begun before the range
    if (!any)
        return 0;
    const QFontMetrics fm(font());
    const int rows = std::max(1, markerLabelRowCount(m_layout.plot));
    return fm.height() + 4 + (rows - 1) * (fm.height() + kLabelRowGap);
}

int TimeChart::markerLabelRowCount(const QRectF& plot) const
{
    int rows = 0;
    for (const MarkerLabel& label : layoutMarkerLabels(plot))
        rows = std::max(rows, label.row + 1);
    return rows;
}

// Labels go right of their marker, else left of it, in the first row where they touch neither
// another label nor a marker's shape (row 0 holds the shapes). A marker whose label finds no room
// joins the label before it into one ("a · b", "a +1 more", "2 events"), which is placed again.
const std::vector<TimeChart::MarkerLabel>& TimeChart::layoutMarkerLabels(const QRectF& plot) const
{
    LabelCache& c = m_labelCache;
    if (c.revision != m_markerRevision || c.plot != plot || c.t0 != m_t0 || c.t1 != m_t1 ||
        c.font != font()) {
        c.labels = computeMarkerLabels(plot, QFontMetrics(font()));
        c.revision = m_markerRevision;
        c.plot = plot;
        c.t0 = m_t0;
        c.t1 = m_t1;
        c.font = font();
    }
    return c.labels;
}

namespace {

// Marker label layout (TimeChart::computeMarkerLabels): markers whose shapes touch are one
// cluster with one label; each row holds the spans (left, right) taken in it.
using LabelSpan = std::pair<double, double>;
using LabelRows = std::array<std::vector<LabelSpan>, TimeChart::kMarkerLabelRows>;
constexpr double kLabelPad = 3; // between two labels, each side

struct MarkerCluster {
    double x = 0;     // the first marker's
    double xLast = 0; // the last marker's
    QStringList labels;
    int markers = 0;
    MarkerKind kind = MarkerKind::Note;
};

// The texts a cluster may show, longest first.
QStringList clusterTexts(const MarkerCluster& c)
{
    QStringList texts;
    if (c.labels.size() == 1 && c.markers == 1)
        return QStringList{c.labels.first()};
    if (c.labels.size() == 1)
        texts << TimeChart::tr("%1 (×%2)").arg(c.labels.first()).arg(c.markers);
    else if (c.labels.size() <= 3) // more never fit a row side by side: not built nor measured
        texts << c.labels.join(QStringLiteral(" · "));
    texts << TimeChart::tr("%1 +%2 more").arg(c.labels.first()).arg(c.markers - 1)
          << TimeChart::tr("%n event(s)", nullptr, c.markers);
    return texts;
}

bool labelFits(const LabelRows& rows, int row, double left, double right)
{
    for (const LabelSpan& span : rows[static_cast<std::size_t>(row)]) {
        if (left < span.second && right > span.first)
            return false;
    }
    return true;
}

// Where a cluster's label goes: its rectangle, text and row, or row -1 when nowhere. Right of its
// markers, else left of them, in the first row with room (row 0 beside the shapes: a label
// pushed onto its own shape is no good).
TimeChart::MarkerLabel placeCluster(const MarkerCluster& c, const LabelRows& rows,
                                    const QRectF& plot, const QFontMetrics& fm)
{
    const double rowPitch = fm.height() + kLabelRowGap;
    for (const QString& candidate : clusterTexts(c)) {
        const double w = fm.horizontalAdvance(candidate) + 6;
        if (w > plot.width())
            continue;
        const std::array<double, 2> lefts = {
            std::min(c.xLast + kMarkerRadius + 3, plot.right() - w),
            std::max(c.x - kMarkerRadius - 3 - w, plot.left())};
        for (int row = 0; row < TimeChart::kMarkerLabelRows; ++row) {
            for (const double left : lefts) {
                if (labelFits(rows, row, left, left + w)) {
                    const QRectF rect(left, plot.top() + 1 + row * rowPitch, w, fm.height());
                    return TimeChart::MarkerLabel{rect, candidate, c.markers, c.kind, row};
                }
            }
        }
    }
    return TimeChart::MarkerLabel{QRectF(), QString(), 0, MarkerKind::Note, -1};
}

// Two neighbouring clusters as one.
MarkerCluster joinClusters(MarkerCluster joined, const MarkerCluster& next)
{
    for (const QString& l : std::as_const(next.labels)) {
        if (!joined.labels.contains(l))
            joined.labels << l;
    }
    joined.markers += next.markers;
    joined.xLast = next.xLast;
    if (joined.kind != next.kind)
        joined.kind = MarkerKind::Note;
    return joined;
}

// Places each cluster's label; one that finds no room joins the label before it into one ("a ·
// b", "a +1 more", "2 events"), which is placed again.
std::vector<TimeChart::MarkerLabel> placeClusterLabels(const std::vector<MarkerCluster>& clusters,
                                                       LabelRows& rows, const QRectF& plot,
                                                       const QFontMetrics& fm)
{
    struct Placed {
        MarkerCluster cluster;
        TimeChart::MarkerLabel label;
    };
    std::vector<Placed> placed;
    for (MarkerCluster c : clusters) {
        for (;;) {
            const TimeChart::MarkerLabel label = placeCluster(c, rows, plot, fm);
            if (label.row >= 0) {
                rows[static_cast<std::size_t>(label.row)].emplace_back(
                    label.rect.left() - kLabelPad, label.rect.right() + kLabelPad);
                placed.push_back(Placed{c, label});
                break;
            }
            if (placed.empty())
                break; // no room even alone: the hover read-out still names it
            // Join the label before: take it off its row and place the two as one.
            const Placed previous = placed.back();
            placed.pop_back();
            auto& spans = rows[static_cast<std::size_t>(previous.label.row)];
            spans.erase(std::find(spans.begin(), spans.end(),
                                  LabelSpan(previous.label.rect.left() - kLabelPad,
                                            previous.label.rect.right() + kLabelPad)));
            c = joinClusters(previous.cluster, c);
        }
    }
    std::vector<TimeChart::MarkerLabel> out;
    out.reserve(placed.size());
    for (Placed& p : placed)
        out.push_back(std::move(p.label));
    return out;
}

} // namespace

std::vector<TimeChart::MarkerLabel> TimeChart::computeMarkerLabels(const QRectF& plot,
                                                                   const QFontMetrics& fm) const
{
    if (m_markers.empty() || m_t1 <= m_t0 || plot.width() < 1)
        return {};
    const double xScale = plot.width() / static_cast<double>(m_t1 - m_t0);
    LabelRows rows;
    std::vector<MarkerCluster> clusters;
    const auto begin = std::lower_bound(m_markers.begin(), m_markers.end(), m_t0,
                                        [](const Marker& m, qint64 t) { return m.timeMs < t; });
    for (auto it = begin; it != m_markers.end() && it->timeMs <= m_t1; ++it) {
        const double x = plot.left() + static_cast<double>(it->timeMs - m_t0) * xScale;
        rows[0].emplace_back(x - kMarkerRadius - 2, x + kMarkerRadius + 2);
        if (it->label.isEmpty())
            continue;
        // Shapes that touch are one spot: one label.
        if (!clusters.empty() && x - clusters.back().x < 2 * kMarkerRadius + 4) {
            MarkerCluster& c = clusters.back();
            if (!c.labels.contains(it->label))
                c.labels << it->label;
            ++c.markers;
            c.xLast = x;
            if (c.kind != it->kind)
                c.kind = MarkerKind::Note;
            continue;
        }
        clusters.push_back(MarkerCluster{x, x, {it->label}, 1, it->kind});
    }
    return placeClusterLabels(clusters, rows, plot, fm);
}

std::vector<TimeChart::MarkerLabel> TimeChart::markerLabelLayout()
{
    m_layout = layoutFor(size());
    decimate(static_cast<int>(m_layout.plot.width()));
    return layoutMarkerLabels(m_layout.plot);
}

double TimeChart::valueAreaTop()
{
    m_layout = layoutFor(size());
    decimate(static_cast<int>(m_layout.plot.width()));
    return m_layout.plot.top() + markerBand();
}

void TimeChart::setNotRunningSpans(std::vector<TimeSpan> spans)
{
    std::sort(spans.begin(), spans.end());
    if (spans == m_notRunning)
        return;
    m_notRunning = std::move(spans);
    invalidateLayer();
}

namespace {

// The columns are written into a strip of kColumnStrip columns, a column after the other (each
// column's pixels in a row in memory, the strip in the cache), then copied into the image's rows,
// a strip at a time.
constexpr std::size_t kColumnStrip = 16;

} // namespace

// The bands and lines as spans of 1 px columns written into an image of the plot, drawn once.
// A polyline of thousands of points (up to four a pixel column at a day or 30 d) and a band of
// a line a column cost the raster engine a span per pixel row per segment; here each column of
// each series is one run of pixels (chart_redraw_10x30d_ms). Aliased, as the lines were: the
// pixels are those a 1 px line through the points covers, a column at a time. False when no
// series has a point to draw.
bool TimeChart::paintSeriesColumns(QPainter& painter, const PlotScale& scale,
                                   const QColor& staleColor)
{
    const QRectF& plot = scale.plot;
    const QRect area = plot.adjusted(0, -2, 0, 2).toAlignedRect();
    if (area.width() <= 0 || area.height() <= 0)
        return false;
    if (m_columnImage.size() != area.size())
        m_columnImage = QImage(area.size(), QImage::Format_ARGB32_Premultiplied);
    m_columnPixels.resize(kColumnStrip * static_cast<std::size_t>(area.height()));
    const ColumnFrame frame{area.width(), area.height(), plot.left() - area.left(),
                            // y = yOrigin - v * yScale
                            scale.valueBottom - area.top() + m_yMin * scale.yScale, scale.xScale,
                            scale.yScale};
    const bool any = markLineSpans(frame);
    std::vector<QRgb> bandColours(m_series.size(), 0);
    std::vector<QRgb> lineColours(m_series.size(), 0);
    markBandSpans(frame, staleColor, bandColours, lineColours);

    // The rows anything is drawn in.
    ColumnSpan used;
    for (std::size_t k = 0; k < m_lineSpans.size(); ++k) {
        if (!m_lineSpans[k].empty())
            used.add(m_lineSpans[k].top, m_lineSpans[k].bottom);
        if (!m_bandSpans[k].empty())
            used.add(m_bandSpans[k].top, m_bandSpans[k].bottom);
    }
    used.top = std::max(0, used.top);
    used.bottom = std::min(frame.height - 1, used.bottom);
    if (used.empty())
        return any;

    composeColumns(frame, used, bandColours, lineColours);
    painter.drawImage(QPoint(area.left(), area.top() + used.top), m_columnImage,
                      QRect(0, used.top, frame.width, used.bottom - used.top + 1));
    return any;
}

// 1. Each series' line: the rows a 1 px line through its points covers in each column. False
//    when no series has a point.
bool TimeChart::markLineSpans(const ColumnFrame& frame)
{
    const int width = frame.width;
    const auto columnCount = static_cast<std::size_t>(width);
    m_lineSpans.assign(m_series.size() * columnCount, ColumnSpan{});
    bool any = false;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const Series& s = m_series[i];
        if (s.points.empty())
            continue;
        any = true;
        ColumnSpan* const spans = m_lineSpans.data() + i * columnCount;
        const auto markRows = [spans, width](int x, int a, int b) {
            if (x >= 0 && x < width)
                spans[x].add(std::min(a, b), std::max(a, b));
        };
        double x0 = 0;
        double y0 = 0;
        int c0 = 0;
        int r0 = 0;
        for (std::size_t k = 0; k < s.points.size(); ++k) {
            const StorePoint& p = s.points[k];
            const double x1 = frame.left + static_cast<double>(p.t - m_t0) * frame.xScale;
            const double y1 = frame.yOrigin - p.v * frame.yScale;
            const int c1 = pixelIndex(x1);
            const int r1 = pixelIndex(y1);
            // Split where the console was not running: no line across a time nobody watched.
            if (k == 0 || (!m_notRunning.empty() && notRunningBetween(s.points[k - 1].t, p.t))) {
                markRows(c1, r1, r1);
            } else if (c0 == c1 || x1 <= x0) {
                markRows(c1, r0, r1);
            } else { // the segment's rows in each column it crosses
                const double slope = (y1 - y0) / (x1 - x0);
                for (int c = std::max(c0, -1); c <= std::min(c1, width); ++c) {
                    const double xa = std::max(x0, static_cast<double>(c));
                    const double xb = std::min(x1, static_cast<double>(c + 1));
                    markRows(c, pixelIndex(y0 + (xa - x0) * slope),
                             pixelIndex(y0 + (xb - x0) * slope));
                }
            }
            x0 = x1;
            y0 = y1;
            c0 = c1;
            r0 = r1;
        }
    }
    return any;
}

// 2. Bands (min–max of each rollup minute), under every line, in the series' colour: a column
//    from its lowest minimum to its highest maximum. With each series' colours (premultiplied).
void TimeChart::markBandSpans(const ColumnFrame& frame, const QColor& staleColor,
                              std::vector<QRgb>& bandColours, std::vector<QRgb>& lineColours)
{
    const int width = frame.width;
    const auto columnCount = static_cast<std::size_t>(width);
    const auto columnOf = [&](qint64 t) {
        return pixelIndex(frame.left + static_cast<double>(t - m_t0) * frame.xScale);
    };
    m_bandSpans.assign(m_series.size() * columnCount, ColumnSpan{});
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const Series& s = m_series[i];
        if (s.points.empty())
            continue;
        const QColor colour = m_stale || s.stale ? staleColor : s.color;
        lineColours[i] = qPremultiply(colour.rgba());
        if (s.low.empty() || s.high.empty())
            continue;
        QColor band = colour;
        band.setAlpha(60);
        bandColours[i] = qPremultiply(band.rgba());
        ColumnSpan* const spans = m_bandSpans.data() + i * columnCount;
        for (const StorePoint& p : s.high) { // rows grow downwards: the maximum is the top
            const int x = columnOf(p.t);
            if (std::isfinite(p.v) && x >= 0 && x < width)
                spans[x].top =
                    std::min(spans[x].top, pixelIndex(frame.yOrigin - p.v * frame.yScale));
        }
        for (const StorePoint& p : s.low) {
            const int x = columnOf(p.t);
            if (std::isfinite(p.v) && x >= 0 && x < width)
                spans[x].bottom =
                    std::max(spans[x].bottom, pixelIndex(frame.yOrigin - p.v * frame.yScale));
        }
        // A band needs both edges in its column.
        for (std::size_t x = 0; x < columnCount; ++x)
            if (spans[x].top == ColumnSpan{}.top || spans[x].bottom == ColumnSpan{}.bottom)
                spans[x] = ColumnSpan{};
    }
}

// 3. A strip at a time: the bands less the rows the series' own line covers (drawn over them
//    anyway), then the lines over every band; then the strip into the image's rows.
void TimeChart::composeColumns(const ColumnFrame& frame, const ColumnSpan& used,
                               const std::vector<QRgb>& bandColours,
                               const std::vector<QRgb>& lineColours)
{
    const auto columnCount = static_cast<std::size_t>(frame.width);
    const auto columnHeight = static_cast<std::size_t>(frame.height);
    auto* const image = reinterpret_cast<QRgb*>(m_columnImage.bits());
    const qsizetype stride = m_columnImage.bytesPerLine() / qsizetype(sizeof(QRgb));
    m_columnWritten.resize(kColumnStrip);
    for (std::size_t x0 = 0; x0 < columnCount; x0 += kColumnStrip) {
        const std::size_t n = std::min(kColumnStrip, columnCount - x0);
        for (std::size_t c = 0; c < n; ++c) {
            std::fill(m_columnPixels.begin() + std::ptrdiff_t(c * columnHeight) + used.top,
                      m_columnPixels.begin() + std::ptrdiff_t(c * columnHeight) + used.bottom + 1,
                      QRgb(0));
            m_columnWritten[c] = ColumnSpan{};
            const std::size_t x = x0 + c;
            for (std::size_t i = 0; i < m_series.size(); ++i) {
                const ColumnSpan& band = m_bandSpans[i * columnCount + x];
                if (band.empty())
                    continue;
                const ColumnSpan& line = m_lineSpans[i * columnCount + x];
                if (line.empty()) {
                    fillColumn(x, frame.height, band.top, band.bottom, bandColours[i]);
                } else {
                    fillColumn(x, frame.height, band.top, std::min(band.bottom, line.top - 1),
                               bandColours[i]);
                    fillColumn(x, frame.height, std::max(band.top, line.bottom + 1), band.bottom,
                               bandColours[i]);
                }
            }
            for (std::size_t i = 0; i < m_series.size(); ++i) {
                const ColumnSpan& line = m_lineSpans[i * columnCount + x];
                if (!line.empty())
                    fillColumn(x, frame.height, line.top, line.bottom, lineColours[i]);
            }
        }
        const QRgb* const strip = m_columnPixels.data();
        for (int y = used.top; y <= used.bottom; ++y) {
            QRgb* const row = image + y * stride + std::ptrdiff_t(x0);
            for (std::size_t c = 0; c < n; ++c)
                row[c] = strip[c * columnHeight + std::size_t(y)];
        }
    }
}

// Rows top..bottom of column x (of the strip's, height rows) in colour (premultiplied), over
// what is there: blended where something was written before, else written as it is (without
// reading the pixel).
void TimeChart::fillColumn(std::size_t x, int height, int top, int bottom, QRgb source)
{
    top = std::max(0, top);
    bottom = std::min(height - 1, bottom);
    if (top > bottom)
        return;
    QRgb* const pixels =
        m_columnPixels.data() + (x % kColumnStrip) * static_cast<std::size_t>(height);
    ColumnSpan& written = m_columnWritten[x % kColumnStrip];
    const uint keep = 255 - qAlpha(source);
    const int overTop = keep == 0 ? bottom + 1 : std::max(top, written.top);
    const int overBottom = keep == 0 ? bottom : std::min(bottom, written.bottom);
    if (overTop > overBottom) {
        std::fill(pixels + top, pixels + bottom + 1, source);
    } else {
        std::fill(pixels + top, pixels + overTop, source);
        for (int y = overTop; y <= overBottom; ++y)
            pixels[y] = source + scaledPixel(pixels[y], keep);
        std::fill(pixels + overBottom + 1, pixels + bottom + 1, source);
    }
    written.add(top, bottom);
}

bool TimeChart::notRunningBetween(qint64 t0, qint64 t1) const
{
    for (const TimeSpan& span : m_notRunning) {
        if (span.first >= t1)
            break;
        if (span.second > t0 && span.first >= t0 && span.second <= t1)
            return true;
    }
    return false;
}

int TimeChart::drawnPieces(int index) const
{
    if (index < 0 || index >= seriesCount())
        return 0;
    const auto& points = m_series[static_cast<std::size_t>(index)].points;
    if (points.empty())
        return 0;
    int pieces = 1;
    for (std::size_t i = 1; i < points.size(); ++i)
        pieces += notRunningBetween(points[i - 1].t, points[i].t) ? 1 : 0;
    return pieces;
}

// The console was not running: a grey hatched band, labelled where it is wide enough, so a
// restart reads as a gap rather than a line drawn across hours nobody watched.
void TimeChart::paintNotRunning(QPainter& painter, const QRectF& plot, const QFontMetrics& fm)
{
    if (m_notRunning.empty())
        return;
    const double xScale = plot.width() / static_cast<double>(std::max<qint64>(1, m_t1 - m_t0));
    const QColor base = palette().color(QPalette::Base);
    const bool dark = base.value() < 128;
    QColor tint = palette().color(QPalette::Text);
    tint.setAlpha(dark ? 28 : 16);
    QColor hatch = palette().color(QPalette::Text);
    hatch.setAlpha(dark ? 60 : 45);
    painter.save();
    for (const TimeSpan& span : m_notRunning) {
        if (span.second <= m_t0 || span.first >= m_t1)
            continue;
        const double x0 = std::max(plot.left(), plot.left() + double(span.first - m_t0) * xScale);
        const double x1 = std::min(plot.right(), plot.left() + double(span.second - m_t0) * xScale);
        const QRectF band(x0, plot.top(), std::max(1.0, x1 - x0), plot.height());
        painter.fillRect(band, tint);
        painter.fillRect(band, QBrush(hatch, Qt::FDiagPattern));
        const QString label = tr("console not running");
        const double w = fm.horizontalAdvance(label) + 8;
        if (band.width() >= w + 4) {
            const QRectF box(band.center().x() - w / 2, plot.top() + 4, w, fm.height() + 2);
            QColor back = base;
            back.setAlpha(220);
            painter.fillRect(box, back);
            painter.setPen(palette().color(QPalette::PlaceholderText));
            painter.drawText(box, Qt::AlignCenter, label);
        }
    }
    painter.restore();
}

void TimeChart::setOutageSince(qint64 sinceMs)
{
    if (sinceMs == m_outageSinceMs)
        return;
    m_outageSinceMs = sinceMs;
    invalidateLayer();
}

// Polling failed at outageSince: a marker there, and the gap to now hatched, so an outage reads
// as one (the axis keeps moving to now, the lines stop where the data stopped).
void TimeChart::paintOutage(QPainter& painter, const QRectF& plot, const QFontMetrics& fm)
{
    if (m_outageSinceMs <= 0 || m_outageSinceMs >= m_t1)
        return;
    const double xScale = plot.width() / static_cast<double>(std::max<qint64>(1, m_t1 - m_t0));
    const double x =
        std::max(plot.left(), plot.left() + static_cast<double>(m_outageSinceMs - m_t0) * xScale);
    const QColor red(0xd0, 0x30, 0x30);
    QColor hatch = red;
    hatch.setAlpha(70);
    painter.save();
    const QRectF gap(x, plot.top(), plot.right() - x, plot.height());
    QColor tint = red;
    tint.setAlpha(18);
    painter.fillRect(gap, tint);
    painter.fillRect(gap, QBrush(hatch, Qt::BDiagPattern));
    if (m_outageSinceMs >= m_t0) {
        QPen pen(red, 2);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    const QString label = tr("no answer since %1").arg(formatTimeOfDay(m_outageSinceMs));
    const double w = fm.horizontalAdvance(label) + 8;
    if (gap.width() >= w + 4) {
        const QRectF box(x + 4, plot.bottom() - fm.height() - 6, w, fm.height() + 2);
        QColor back = palette().color(QPalette::Base);
        back.setAlpha(220);
        painter.fillRect(box, back);
        painter.setPen(red.lighter(palette().color(QPalette::Base).value() < 128 ? 150 : 100));
        painter.drawText(box, Qt::AlignCenter, label);
    }
    painter.restore();
}

void TimeChart::paintMarkers(QPainter& painter, const QRectF& plot)
{
    if (m_markers.empty() || m_t1 <= m_t0)
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    paintFiringSpans(painter, plot);
    paintMarkerShapes(painter, plot);
    paintMarkerLabels(painter, plot);
    painter.restore();
}

// Firing spans: shaded from the alert's start to its resolution (or now), a solid band on top;
// spans that began before the range still show.
void TimeChart::paintFiringSpans(QPainter& painter, const QRectF& plot)
{
    const double xScale = plot.width() / static_cast<double>(m_t1 - m_t0);
    const auto xOf = [&](qint64 t) {
        return std::clamp(plot.left() + static_cast<double>(t - m_t0) * xScale, plot.left(),
                          plot.right());
    };
    const QColor base = palette().color(QPalette::Base);
    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        const Marker& m = m_markers[i];
        if (m.kind != MarkerKind::Alert || m.timeMs > m_t1)
            continue;
        qint64 end = m_t1;
        for (std::size_t j = i + 1; j < m_markers.size(); ++j) {
            if (m_markers[j].group == m.group && (m_markers[j].kind == MarkerKind::Resolved ||
                                                  m_markers[j].kind == MarkerKind::Alert)) {
                end = m_markers[j].timeMs;
                break;
            }
        }
        if (end < m_t0)
            continue;
        const double x0 = xOf(m.timeMs);
        const double x1 = std::max(x0 + 2, xOf(end));
        QColor shade = markerColor(MarkerKind::Alert);
        shade.setAlpha(base.value() < 128 ? 55 : 38);
        painter.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), shade);
        painter.fillRect(QRectF(x0, plot.top(), x1 - x0, 3), markerColor(MarkerKind::Alert));
    }
}

// Each marker in the range: its line, and its kind's shape at the top, outlined in the
// background colour so it reads over lines.
void TimeChart::paintMarkerShapes(QPainter& painter, const QRectF& plot)
{
    const double xScale = plot.width() / static_cast<double>(m_t1 - m_t0);
    const QColor base = palette().color(QPalette::Base);
    auto it = std::lower_bound(m_markers.begin(), m_markers.end(), m_t0,
                               [](const Marker& m, qint64 t) { return m.timeMs < t; });
    for (; it != m_markers.end() && it->timeMs <= m_t1; ++it) {
        const Marker& m = *it;
        const double x = plot.left() + static_cast<double>(m.timeMs - m_t0) * xScale;
        const QColor color = markerColor(m.kind);
        if (m.kind == MarkerKind::Resolved) { // the end of a span: a solid green edge
            QPen line(color, 2);
            line.setCosmetic(true);
            painter.setPen(line);
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        } else if (m.kind != MarkerKind::Alert) {
            QPen line(color, 1, Qt::DashLine);
            line.setCosmetic(true);
            painter.setPen(line);
            painter.drawLine(QPointF(x, plot.top() + 6), QPointF(x, plot.bottom()));
        }
        const QPointF c(x, plot.top() + 6);
        constexpr double r = kMarkerRadius;
        painter.setPen(QPen(base, 1.2));
        painter.setBrush(color);
        switch (m.kind) {
        case MarkerKind::Deploy:
            painter.drawPolygon(
                QPolygonF({QPointF(c.x(), c.y() - r - 1), QPointF(c.x() + r + 1, c.y()),
                           QPointF(c.x(), c.y() + r + 1), QPointF(c.x() - r - 1, c.y())}));
            break;
        case MarkerKind::Alert:
            painter.drawPolygon(
                QPolygonF({QPointF(c.x(), c.y() - r - 1), QPointF(c.x() + r + 1, c.y() + r),
                           QPointF(c.x() - r - 1, c.y() + r)}));
            break;
        case MarkerKind::Workflow:
        case MarkerKind::Resolved:
            painter.drawEllipse(c, r, r);
            break;
        case MarkerKind::Note:
            painter.drawRect(QRectF(c.x() - r + 1, c.y() - r + 1, 2 * r - 2, 2 * r - 2));
            break;
        }
    }
}

// The labels over the shapes, in the band kept free of data at the top.
void TimeChart::paintMarkerLabels(QPainter& painter, const QRectF& plot)
{
    const QColor base = palette().color(QPalette::Base);
    const QColor labelText = palette().color(QPalette::Text);
    QColor labelBack = base;
    labelBack.setAlpha(215);
    for (const MarkerLabel& label : layoutMarkerLabels(plot)) {
        const QColor color = markerColor(label.kind);
        painter.setPen(Qt::NoPen);
        painter.fillRect(label.rect, labelBack);
        painter.setPen(label.kind == MarkerKind::Alert || label.kind == MarkerKind::Resolved
                           ? color.darker(base.value() < 128 ? 60 : 130)
                           : labelText);
        if (label.kind == MarkerKind::Alert && base.value() < 128)
            painter.setPen(color.lighter(140));
        painter.drawText(label.rect, Qt::AlignCenter, label.text);
    }
}

QStringList TimeChart::readoutAt(double x)
{
    m_layout = layoutFor(size());
    decimate(static_cast<int>(m_layout.plot.width()));
    const QRectF plot = m_layout.plot;
    if (!m_placeholder.isEmpty() || x < plot.left() || x > plot.right() || m_t1 <= m_t0)
        return {};
    const double t = timeAtX(x);
    QStringList lines;
    qint64 shownTime = 0;
    bool any = false;
    for (const Series& s : m_series) {
        if (s.points.empty())
            continue;
        const auto it = nearestPoint(s.points, t);
        shownTime = it->t;
        any = true;
        lines << tr("%1: %2").arg(shownName(s), formatValue(it->v));
    }
    const double msPerPx = static_cast<double>(m_t1 - m_t0) / plot.width();
    const auto near = static_cast<qint64>(kMarkerHoverPx * msPerPx);
    const auto tMs = static_cast<qint64>(t);
    auto it = std::lower_bound(m_markers.begin(), m_markers.end(), tMs - near,
                               [](const Marker& m, qint64 v) { return m.timeMs < v; });
    for (; it != m_markers.end() && it->timeMs <= tMs + near; ++it) {
        if (it->timeMs < m_t0 || it->timeMs > m_t1)
            continue;
        lines
            << tr("%1 %2 (%3)").arg(markerSymbol(it->kind), it->label, formatTimeOfDay(it->timeMs));
        if (!any)
            shownTime = it->timeMs;
    }
    if (lines.isEmpty())
        return {};
    lines.prepend(formatDateTime(any ? shownTime : tMs));
    if (m_stale && !m_staleNote.isEmpty())
        lines << m_staleNote;
    return lines;
}

double TimeChart::xForTime(qint64 timeMs) const
{
    const QRectF plot = layoutFor(size()).plot;
    const auto [t0, t1] = shownRange();
    const qint64 span = std::max<qint64>(1, t1 - t0);
    return plot.left() +
           static_cast<double>(timeMs - t0) / static_cast<double>(span) * plot.width();
}

void TimeChart::paintHover(QPainter& painter)
{
    const QRectF plot = m_layout.plot;
    if (!m_hovering || !m_placeholder.isEmpty() || !plot.contains(m_hover))
        return;
    const QStringList lines = readoutAt(m_hover.x());
    const double t = timeAtX(m_hover.x());
    const QPalette& pal = palette();
    QColor line = pal.color(QPalette::Text);
    line.setAlpha(120);
    painter.setPen(QPen(line, 0));
    painter.drawLine(QPointF(m_hover.x(), plot.top()), QPointF(m_hover.x(), plot.bottom()));

    // The nearest real point of each drawn series.
    const double ySpan = m_yMax - m_yMin;
    painter.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < seriesCount(); ++i) {
        const Series& s = m_series[static_cast<std::size_t>(i)];
        if (s.points.empty())
            continue;
        const auto it = nearestPoint(s.points, t);
        const double x = plot.left() + static_cast<double>(it->t - m_t0) /
                                           static_cast<double>(m_t1 - m_t0) * plot.width();
        const double y =
            plot.bottom() - kValueInset -
            (it->v - m_yMin) / ySpan * std::max(1.0, plot.height() - kValueInset - markerBand());
        painter.setPen(Qt::NoPen);
        painter.setBrush(drawnColor(i));
        painter.drawEllipse(QPointF(x, y), 3.5, 3.5);
    }
    if (lines.isEmpty())
        return;
    const QFontMetrics fm(font());
    double w = 0;
    for (const QString& l : lines)
        w = std::max<double>(w, fm.horizontalAdvance(l));
    const QSizeF box(w + 16, lines.size() * fm.height() + 10);
    QPointF at(m_hover.x() + 12, plot.top() + 6);
    if (at.x() + box.width() > plot.right())
        at.setX(m_hover.x() - 12 - box.width());
    const QRectF r(at, box);
    QColor bg = pal.color(QPalette::ToolTipBase);
    bg.setAlpha(235);
    painter.setPen(QPen(pal.color(QPalette::Mid), 0));
    painter.setBrush(bg);
    painter.drawRoundedRect(r, 4, 4);
    painter.setPen(pal.color(QPalette::ToolTipText));
    for (int i = 0; i < lines.size(); ++i)
        painter.drawText(QPointF(r.left() + 8, r.top() + 5 + fm.ascent() + i * fm.height()),
                         lines[i]);
}

void TimeChart::paintEvent(QPaintEvent*)
{
    const qreal dpr = devicePixelRatioF();
    if (m_layerDirty || m_dataDirty || m_layer.size() != size() * dpr) {
        m_layer = QPixmap(size() * dpr);
        m_layer.setDevicePixelRatio(dpr);
        QPainter layer(&m_layer);
        paintLayer(layer, size());
        m_layerDirty = false;
        updateAccessibleText();
    }
    QPainter painter(this);
    painter.drawPixmap(0, 0, m_layer);
    paintHover(painter);
    if (hasFocus()) {
        QColor focus = palette().color(QPalette::Highlight);
        painter.setPen(QPen(focus, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect().adjusted(1, 1, -1, -1));
    }
}

void TimeChart::updateAccessibleText()
{
    if (!m_placeholder.isEmpty()) {
        setAccessibleDescription(m_placeholder);
        return;
    }
    QStringList parts;
    for (const Series& s : m_series) {
        if (!s.points.empty())
            parts << tr("%1 latest %2").arg(shownName(s), formatValue(s.points.back().v));
    }
    if (m_stale)
        parts << (m_staleNote.isEmpty() ? tr("stale") : m_staleNote);
    if (!m_markers.empty())
        parts << tr("%n event marker(s)", nullptr, markerCount());
    setAccessibleDescription(parts.isEmpty() ? tr("No data") : parts.join(QStringLiteral("; ")));
}

void TimeChart::resizeEvent(QResizeEvent*)
{
    invalidateLayer();
}

void TimeChart::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::ApplicationPaletteChange || event->type() == QEvent::FontChange ||
        event->type() == QEvent::StyleChange)
        invalidateLayer();
    QWidget::changeEvent(event);
}

void TimeChart::focusInEvent(QFocusEvent* event)
{
    update();
    QWidget::focusInEvent(event);
}

void TimeChart::focusOutEvent(QFocusEvent* event)
{
    update();
    QWidget::focusOutEvent(event);
}

void TimeChart::mouseMoveEvent(QMouseEvent* event)
{
    m_hover = event->position();
    m_hovering = true;
    if (m_dragging) {
        const double msPerPx =
            static_cast<double>(m_timeline->spanMs()) / std::max(1.0, m_layout.plot.width());
        const auto target =
            m_dragEndMs - static_cast<qint64>((event->position().x() - m_dragX) * msPerPx);
        m_timeline->pan(target - m_timeline->endMs());
    }
    update();
}

void TimeChart::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    for (std::size_t i = 0; i < m_legendRects.size(); ++i) {
        if (m_legendRects[i].contains(event->position())) {
            setSeriesVisible(static_cast<int>(i), !m_series[i].visible);
            return;
        }
    }
    if (m_layout.plot.contains(event->position())) {
        m_dragging = true;
        m_dragX = event->position().x();
        m_dragEndMs = m_timeline->endMs();
        setCursor(Qt::ClosedHandCursor);
    }
}

void TimeChart::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_dragging) {
        m_dragging = false;
        unsetCursor();
        // A click that did not move: on a marker, it links to the Timeline tab.
        if (std::abs(event->position().x() - m_dragX) < 3) {
            const qint64 at = markerNear(event->position().x());
            if (at >= 0)
                emit markerActivated(at);
        }
    }
    QWidget::mouseReleaseEvent(event);
}

qint64 TimeChart::markerNear(double x) const
{
    qint64 best = -1;
    double bestDistance = 6.0;
    for (const Marker& m : m_markers) {
        const double distance = std::abs(xForTime(m.timeMs) - x);
        if (distance <= bestDistance) {
            bestDistance = distance;
            best = m.timeMs;
        }
    }
    return best;
}

qint64 TimeChart::pointTimeAt(double x)
{
    m_layout = layoutFor(size());
    decimate(static_cast<int>(m_layout.plot.width()));
    const QRectF plot = m_layout.plot;
    if (!m_placeholder.isEmpty() || x < plot.left() || x > plot.right() || m_t1 <= m_t0)
        return -1;
    const double t = timeAtX(x);
    const double reach = kMarkerHoverPx * static_cast<double>(m_t1 - m_t0) / plot.width();
    double bestDistance = std::numeric_limits<double>::infinity();
    qint64 best = -1;
    bool anyPoint = false;
    for (const Series& s : m_series) {
        if (!drawnSeries(s) || s.points.empty())
            continue;
        anyPoint = true;
        const auto it = nearestPoint(s.points, t);
        const double distance = std::abs(static_cast<double>(it->t) - t);
        if (distance <= reach && distance < bestDistance) {
            bestDistance = distance;
            best = it->t;
        }
    }
    if (!anyPoint)
        return -1;
    return best >= 0 ? best : static_cast<qint64>(t);
}

QMenu* TimeChart::createContextMenu(const QPoint& pos)
{
    // Only where the console wires it (not in a report's or the Timeline's charts).
    if (!isSignalConnected(QMetaMethod::fromSignal(&TimeChart::logsAtTimeRequested)))
        return nullptr;
    const qint64 at = pointTimeAt(pos.x());
    if (at < 0 || !m_layout.plot.contains(pos))
        return nullptr;
    auto* menu = new QMenu(this);
    QAction* logs = menu->addAction(tr("&Logs at this time (%1 ± 5 min)").arg(formatTimeOfDay(at)));
    logs->setObjectName(QStringLiteral("logsAtThisTime"));
    logs->setToolTip(tr("The service's log lines from 5 minutes before to 5 minutes after, in "
                        "the Logs tab"));
    connect(logs, &QAction::triggered, this, [this, at] { emit logsAtTimeRequested(at); });
    return menu;
}

void TimeChart::contextMenuEvent(QContextMenuEvent* event)
{
    QPoint at = event->pos();
    if (event->reason() == QContextMenuEvent::Keyboard) {
        // The menu key: where the pointer rests on the plot, else the middle of the plot.
        const QRectF plot = layoutFor(size()).plot;
        at = m_hovering && plot.contains(m_hover) ? m_hover.toPoint() : plot.center().toPoint();
    }
    std::unique_ptr<QMenu> menu(createContextMenu(at));
    if (!menu) {
        event->ignore();
        return;
    }
    menu->exec(mapToGlobal(at));
    event->accept();
}

void TimeChart::mouseDoubleClickEvent(QMouseEvent*)
{
    m_timeline->setPreset(m_timeline->presetMs());
}

void TimeChart::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return;
    const double factor = delta > 0 ? 1 / 1.25 : 1.25;
    m_timeline->zoom(factor, static_cast<qint64>(timeAtX(event->position().x())));
    event->accept();
}

void TimeChart::keyPressEvent(QKeyEvent* event)
{
    const qint64 step = std::max<qint64>(1000, m_timeline->spanMs() / 10);
    switch (event->key()) {
    case Qt::Key_Left:
        m_timeline->pan(-step);
        break;
    case Qt::Key_Right:
        m_timeline->pan(step);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_timeline->zoomAroundCentre(1 / 1.5);
        break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore:
        m_timeline->zoomAroundCentre(1.5);
        break;
    case Qt::Key_Space:
        m_timeline->togglePaused();
        break;
    case Qt::Key_Home:
    case Qt::Key_End:
        m_timeline->setPreset(m_timeline->presetMs());
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimeChart::leaveEvent(QEvent* event)
{
    m_hovering = false;
    update();
    QWidget::leaveEvent(event);
}

bool TimeChart::exportPng(const QString& path)
{
    return grab().save(path, "PNG");
}

bool TimeChart::exportCsv(const QString& path) const
{
    CsvWriter csv;
    QStringList header{QStringLiteral("time"), QStringLiteral("time_ms"), QStringLiteral("series"),
                       QStringLiteral("value")};
    if (!m_unit.isEmpty())
        header << QStringLiteral("unit");
    csv.addRow(header);
    const qint64 t1 = m_timeline->endMs();
    const qint64 t0 = m_timeline->startMs();
    std::vector<StorePoint> points;
    for (const Series& s : m_series) {
        if (!drawnSeries(s))
            continue;
        m_store->points(s.id, t0, t1, points);
        if (points.empty())
            m_store->decimate(s.id, t0, t1, std::max(1, plotWidth()), points);
        for (const StorePoint& p : points) {
            QStringList row{QDateTime::fromMSecsSinceEpoch(p.t).toString(Qt::ISODateWithMs),
                            QString::number(p.t), s.name, QString::number(p.v * s.scale, 'g', 10)};
            if (!m_unit.isEmpty())
                row << m_unit;
            csv.addRow(row);
        }
    }
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(csv.data()) == csv.data().size() &&
           file.commit();
}

} // namespace ops
