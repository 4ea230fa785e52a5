#pragma once

#include "models/metrics/SeriesStore.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPixmap>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

class QMenu;

namespace ops {

class ChartPointsModel;
class ChartTimeline;

// Kinds of event markers a chart can show (deploys, alerts, workflow launches...).
// Alert is a firing alert: its span (to its Resolved marker of the same group, or to now) is
// shaded; Resolved marks the end of one.
enum class MarkerKind { Deploy, Alert, Workflow, Note, Resolved };

// A lightweight time chart: each visible series is read from a SeriesStore through its M4
// decimation (at most 4 points per pixel column, whatever the history length) and drawn as one
// polyline with a cosmetic pen; axes, grid, legend, markers and the hover read-out are painted by
// hand, and everything but the hover overlay is cached until the data, range or size change.
// Keys: Left/Right pan, +/- zoom, Space pause, Home live. Mouse: wheel zooms, drag pans,
// double-click returns to live, a click on a legend entry toggles its series.
class TimeChart : public QWidget {
    Q_OBJECT
public:
    explicit TimeChart(ChartTimeline* timeline, QWidget* parent = nullptr);
    ~TimeChart() override;

    static QColor seriesColor(int index);

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    // The unit shown on the value axis and in read-outs ("ms", "req/s", "%", "MB").
    void setUnit(const QString& unit) { m_unit = unit; }
    QString unit() const { return m_unit; }

    void setStore(const SeriesStore* store);
    const SeriesStore* store() const { return m_store; }
    // A series: its id in the store (kNoSeries: nothing to draw), a factor from stored to shown
    // units. Returns its index.
    int addSeries(const QString& name, std::uint32_t id, double scale = 1.0, QColor color = {});
    void setSeriesId(int index, std::uint32_t id);
    // A min–max band drawn under the series (rollups: the range each averaged minute spanned),
    // from two more series of the same store, in the same scale; kNoSeries: none.
    void setSeriesBand(int index, std::uint32_t lowId, std::uint32_t highId);
    bool hasBand(int index) const;
    void setSeriesName(int index, const QString& name);
    void clearSeries();
    int seriesCount() const { return static_cast<int>(m_series.size()); }
    QString seriesName(int index) const;
    void setSeriesVisible(int index, bool visible);
    bool isSeriesVisible(int index) const;
    // Names of the series that are drawn (visible and backed by a store series).
    QStringList visibleSeries() const;

    // The series' pen in device pixels (1 on screen); a chart drawn at twice the size for print
    // takes 2 so that its lines keep their weight on paper.
    void setLineWidth(double px);
    double lineWidth() const { return m_lineWidth; }

    // Shown instead of the plot when set (e.g. "this gateway exports no memory gauge").
    void setPlaceholder(const QString& text);
    QString placeholder() const { return m_placeholder; }

    // The seam for event markers: deploys, alerts and workflow launches are added here. Each kind
    // has its colour and shape (deploy: diamond, alert: triangle, workflow: circle, note: square)
    // on a dashed line; labels show at the top where there is room, and in the hover read-out.
    // group ties an Alert to its Resolved marker (the rule's name).
    void addMarker(qint64 timeMs, MarkerKind kind, const QString& label,
                   const QString& group = QString());
    void clearMarkers();
    int markerCount() const { return static_cast<int>(m_markers.size()); }
    int markerCount(MarkerKind kind) const;
    QStringList markerLabels() const;
    // A label drawn at the top of the plot: one marker's, or one for markers too close to be
    // labelled apart ("a · b", "a +2 more", "3 events"). Labels sit in up to kMarkerLabelRows
    // rows above the data, never on each other, on a marker's shape or on the data, and are
    // whole (never cut to "…"); the hover read-out names every marker.
    struct MarkerLabel {
        QRectF rect;
        QString text;
        int markers = 0;                    // how many markers it stands for
        MarkerKind kind = MarkerKind::Note; // its markers' kind (Note when they differ)
        int row = 0;                        // 0: beside the shapes, at the top of the plot
    };
    static constexpr int kMarkerLabelRows = 3;
    // The labels as laid out at the current size and range (widget coordinates).
    std::vector<MarkerLabel> markerLabelLayout();
    // The top of the data: values are drawn below this (the marker band is above it).
    double valueAreaTop();
    static QColor markerColor(MarkerKind kind);
    // The time axis: a round step (1 s ... 1 d) giving a label every ~110 px at most, and how a
    // label at that step reads ("HH:mm", "HH:mm:ss", "dd MMM HH:mm" beyond a day). The Timeline
    // tab's lanes use the same.
    static qint64 timeAxisStep(qint64 spanMs, double widthPx);
    static QString timeAxisFormat(qint64 spanMs, qint64 stepMs);
    static QString markerSymbol(MarkerKind kind);

    // Stale data (the connection is stale): the lines turn grey and the note (its age) shows in
    // the plot; back to colour when cleared.
    void setStale(bool stale, const QString& note = QString());
    bool isStale() const { return m_stale; }
    // Polling failed at this time (0: it answers): a red marker there and the gap to now
    // hatched, labelled "no answer since 08:03:12".
    void setOutageSince(qint64 sinceMs);
    qint64 outageSince() const { return m_outageSinceMs; }
    // Times the console was not running (history restored from disk): each a grey hatched band
    // labelled "console not running", and no line is drawn across one.
    using TimeSpan = std::pair<qint64, qint64>;
    void setNotRunningSpans(std::vector<TimeSpan> spans);
    const std::vector<TimeSpan>& notRunningSpans() const { return m_notRunning; }
    // Pieces the series' line is drawn in (split at the not-running spans): one series.
    int drawnPieces(int index) const;
    QString staleNote() const { return m_staleNote; }
    // The colour a series is drawn in now (grey while stale).
    QColor drawnColor(int index) const;
    // One series is stale (an instance that no longer reports): drawn grey, "(stale)" after its
    // name in the legend, the read-out and the accessible text; the others keep their colour.
    void setSeriesStale(int index, bool stale);
    bool isSeriesStale(int index) const;

    // The hover read-out at x (widget coordinates, laid out at the current size): the time, each
    // drawn series' nearest value and the markers within a few pixels. Empty outside the plot.
    QStringList readoutAt(double x);
    // Where a time falls on the x axis at the current size and range.
    double xForTime(qint64 timeMs) const;

    // The data changed (a poll arrived): re-decimate on the next paint. O(pixel width).
    void dataChanged();

    // Points currently held for drawing: one series, and all visible ones.
    int pointCount(int index) const;
    int totalPointCount() const;
    // Pixel columns of the plot area at the current size.
    int plotWidth() const;

    // Draws the whole chart (no hover) into a painter of the given size; re-decimates first,
    // from scratch (nothing read before is reused).
    void render(QPainter& painter, const QSize& size);
    // Draws it as the widget paints its layer: the pixel columns read from the store before are
    // reused where the range and data allow (only the columns at the edges, the new data and
    // the columns a pan brings in are read).
    void draw(QPainter& painter, const QSize& size);
    QImage renderImage(const QSize& size);

    bool exportPng(const QString& path);
    // The visible range of every visible series: full-resolution points where the store holds
    // them, else the decimated ones. Columns: time (ISO 8601), time_ms, series, value.
    bool exportCsv(const QString& path) const;

    // The table alternative: the drawn points, refreshed while the table is shown.
    ChartPointsModel* pointsModel() const { return m_pointsModel; }
    void setPointsModelActive(bool active);

    ChartTimeline* timeline() const { return m_timeline; }

    // The marker within a few pixels of x (widget coordinates), if any: its time, else -1.
    qint64 markerNear(double x) const;
    // The time of the drawn point nearest x (widget coordinates) when one is within a few
    // pixels, else the time under x; -1 off the plot or when the chart shows no data.
    qint64 pointTimeAt(double x);
    // The chart's context menu at pos (widget coordinates), or nullptr when it would be empty:
    // "Logs at this time" when something listens to logsAtTimeRequested and pos is on the plot.
    // The caller owns the menu.
    QMenu* createContextMenu(const QPoint& pos);

signals:
    void seriesVisibilityChanged(int index, bool visible);
    // A click (not a drag) on a marker: the Timeline tab shows that moment's events.
    void markerActivated(qint64 timeMs);
    // The context menu's "Logs at this time": the point's time (the Logs tab shows ± 5 min).
    void logsAtTimeRequested(qint64 timeMs);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    // A series' decimated pixel columns on a grid fixed in time (column c covers
    // [c * columnMs, (c + 1) * columnMs)), so that a window moved by a poll or a pan finds the
    // columns it read before. Only columns wholly before the store's latest time are kept: data
    // is only ever appended after it.
    struct ColumnCache {
        std::uint32_t id = SeriesStore::kNoSeries;
        qint64 columnMs = 0;
        qint64 first = 0;                  // the first column kept
        std::vector<StorePoint> points;    // as read (unscaled), in time order
        std::vector<std::uint32_t> starts; // index in points of each column kept, and the end
        std::int64_t scrapes = 0;          // the store's when read: fewer later means replaced
        qint64 latest = 0;
        void clear()
        {
            id = SeriesStore::kNoSeries;
            points.clear();
            starts.clear();
        }
    };
    struct Series {
        QString name;
        std::uint32_t id = SeriesStore::kNoSeries;
        double scale = 1.0;
        QColor color;
        bool visible = true;
        bool stale = false;
        std::vector<StorePoint> points; // decimated, values scaled
        std::uint32_t bandLow = SeriesStore::kNoSeries;
        std::uint32_t bandHigh = SeriesStore::kNoSeries;
        std::vector<StorePoint> low, high; // the band's edges, decimated and scaled
        ColumnCache columns[3];            // points, low, high
        QPolygonF polyline;
    };
    struct Marker {
        qint64 timeMs = 0;
        MarkerKind kind = MarkerKind::Note;
        QString label;
        QString group;
    };
    struct Layout {
        QRectF plot;
        QRectF legend;
    };

    Layout layoutFor(const QSize& size) const;
    void decimate(int width);
    // The M4 decimation of [t0, t1] in `width` columns through cache (see ColumnCache).
    void readColumns(ColumnCache& cache, std::uint32_t id, qint64 t0, qint64 t1, int width,
                     std::vector<StorePoint>& out);
    void readColumnRange(ColumnCache& cache, qint64 a, qint64 b);
    void dropColumnCaches();
    // Where values land in the plot: x = plot.left() + (t - m_t0) * xScale,
    // y = valueBottom - (v - m_yMin) * yScale.
    struct PlotScale {
        QRectF plot;
        double valueBottom = 0;
        double xScale = 0;
        double yScale = 0;
    };
    void paintLayer(QPainter& painter, const QSize& size);
    void paintTitle(QPainter& painter, const QSize& size, const QFontMetrics& fm);
    void paintLegend(QPainter& painter, const QFontMetrics& fm);
    void paintValueAxis(QPainter& painter, const PlotScale& scale, double valueHeight,
                        const QFontMetrics& fm);
    void paintTimeAxis(QPainter& painter, const QSize& size, const QRectF& plot,
                       const QFontMetrics& fm);
    bool paintSeries(QPainter& painter, const PlotScale& scale);
    void paintBand(QPainter& painter, const Series& s, const PlotScale& scale,
                   const QColor& staleColor);
    bool paintSeriesLines(QPainter& painter, const PlotScale& scale, const QColor& staleColor);
    void paintStaleNote(QPainter& painter, const QSize& size, const QFontMetrics& fm);
    bool paintSeriesColumns(QPainter& painter, const PlotScale& scale, const QColor& staleColor);
    void paintHover(QPainter& painter);
    void paintMarkers(QPainter& painter, const QRectF& plot);
    void paintFiringSpans(QPainter& painter, const QRectF& plot);
    void paintMarkerShapes(QPainter& painter, const QRectF& plot);
    void paintMarkerLabels(QPainter& painter, const QRectF& plot);
    void paintOutage(QPainter& painter, const QRectF& plot, const QFontMetrics& fm);
    void paintNotRunning(QPainter& painter, const QRectF& plot, const QFontMetrics& fm);
    // Whether a not-running span lies between two consecutive points' times.
    bool notRunningBetween(qint64 t0, qint64 t1) const;
    // The range drawn: the timeline's, begun at the oldest data when live and that is later.
    std::pair<qint64, qint64> shownRange() const;
    static constexpr double kValueInset = 3; // px between the axis line and the value zero
    double markerBand() const;
    // Label rows and placement for a plot rectangle at the decimated range (m_t0..m_t1), kept
    // until the markers, the range, the plot or the font change (a hover repaints often).
    const std::vector<MarkerLabel>& layoutMarkerLabels(const QRectF& plot) const;
    std::vector<MarkerLabel> computeMarkerLabels(const QRectF& plot, const QFontMetrics& fm) const;
    int markerLabelRowCount(const QRectF& plot) const;
    void invalidateLayer();
    void updatePointsModel();
    bool drawnSeries(const Series& s) const;
    double timeAtX(double x) const;
    QString formatValue(double v) const;
    QString shownName(const Series& s) const;
    void updateAccessibleText();

    ChartTimeline* m_timeline;
    const SeriesStore* m_store = nullptr;
    QString m_title;
    QString m_unit;
    QString m_placeholder;
    std::vector<Series> m_series;
    std::vector<Marker> m_markers; // sorted by time
    quint64 m_markerRevision = 0;  // counts changes of m_markers
    struct LabelCache {
        QRectF plot;
        qint64 t0 = 0;
        qint64 t1 = 0;
        quint64 revision = ~quint64(0);
        QFont font;
        std::vector<MarkerLabel> labels;
    };
    mutable LabelCache m_labelCache;
    double m_lineWidth = 1;
    bool m_stale = false;
    QString m_staleNote;
    std::vector<TimeSpan> m_notRunning; // sorted by start
    qint64 m_outageSinceMs = 0;
    // Decimated for this range and width; invalid when the data or range changed.
    qint64 m_t0 = 0;
    qint64 m_t1 = 0;
    int m_decimatedWidth = -1;
    bool m_dataDirty = true;
    double m_yMin = 0;
    double m_yMax = 1;
    Layout m_layout;
    std::vector<QRectF> m_legendRects;
    std::vector<StorePoint> m_readBuffer; // readColumns' scratch
    QPixmap m_layer;
    // paintSeriesColumns' buffers, kept between paints.
    struct ColumnSpan {
        int top = std::numeric_limits<int>::max();
        int bottom = std::numeric_limits<int>::min();
        bool empty() const { return top > bottom; }
        void add(int a, int b)
        {
            top = std::min(top, a);
            bottom = std::max(bottom, b);
        }
    };
    // The column image's geometry: its size, where the plot's left edge falls in it, and
    // y = yOrigin - v * yScale in its rows.
    struct ColumnFrame {
        int width = 0;
        int height = 0;
        double left = 0;
        double yOrigin = 0;
        double xScale = 0;
        double yScale = 0;
    };
    bool markLineSpans(const ColumnFrame& frame);
    void markBandSpans(const ColumnFrame& frame, const QColor& staleColor,
                       std::vector<QRgb>& bandColours, std::vector<QRgb>& lineColours);
    void composeColumns(const ColumnFrame& frame, const ColumnSpan& used,
                        const std::vector<QRgb>& bandColours, const std::vector<QRgb>& lineColours);
    void fillColumn(std::size_t x, int height, int top, int bottom, QRgb source);
    QImage m_columnImage;
    std::vector<QRgb> m_columnPixels; // a strip of columns, a column after the other
    std::vector<ColumnSpan> m_columnWritten;
    std::vector<ColumnSpan> m_lineSpans; // a series after the other, a span a column
    std::vector<ColumnSpan> m_bandSpans;
    bool m_layerDirty = true;
    // Hover and drag.
    bool m_hovering = false;
    QPointF m_hover;
    bool m_dragging = false;
    double m_dragX = 0;
    qint64 m_dragEndMs = 0;
    ChartPointsModel* m_pointsModel;
    bool m_pointsModelActive = false;
};

} // namespace ops
