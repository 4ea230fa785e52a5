// The dashboard's chart with a day of synthetic data, offscreen: decimation bound, time windows,
// pause, zoom and pan, series toggles, markers, the table alternative and the exports.
#include "models/itemmodels/ChartPointsModel.h"
#include "models/metrics/SeriesStore.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/TimeChart.h"

#include "ui/shell/Theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QContextMenuEvent>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QMenu>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <memory>

using namespace ops;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;

// Pixels of the image within a small distance of a colour (antialiasing blends the edges).
int pixelsNear(const QImage& image, const QColor& color, const QRect& area = {}, int tolerance = 24)
{
    const QRect r = area.isNull() ? image.rect() : area.intersected(image.rect());
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                    std::abs(c.blue() - color.blue()) <=
                tolerance)
                ++n;
        }
    }
    return n;
}
constexpr int kDay = 86400;

struct DayOfData {
    SeriesStore store{SeriesStoreConfig::signalsForADay()};
    std::uint32_t a = store.addSeries();
    std::uint32_t b = store.addSeries();
    int n = 0;

    void append()
    {
        store.beginScrape(kStart + qint64(n) * 1000);
        store.append(a, 0.2 + 0.1 * std::sin(n / 500.0));
        store.append(b, 0.5 + 0.2 * std::cos(n / 77.0));
        store.endScrape();
        ++n;
    }
};

} // namespace

class TestTimeChart : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void aDayIsDecimatedToTheWidth();
    void windowsPauseZoomAndPan();
    void legendAndKeyboard();
    void markersAndTableAlternative();
    void exportsPngAndCsv();
    void csvNeutralisesSeriesNames();
    void markerKindsAreDrawnAndReadOut();
    void markerLabelsNeitherOverlapNorCut_data();
    void markerLabelsNeitherOverlapNorCut();
    void markerLabelsFollowMarkersAndSize();
    void lineWidthThickensTheLines();
    void staleGreysTheLinesWithTheirAge();
    void followsPaletteChanges();
    void contextMenuOffersLogsAtThePoint();
    void redrawAfterNewDataMatchesAFreshOne();
    void weekAxisLabelsAreWhole();

private:
    std::unique_ptr<DayOfData> m_day;
};

void TestTimeChart::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_day = std::make_unique<DayOfData>();
    for (int i = 0; i < kDay; ++i)
        m_day->append();
}

void TestTimeChart::aDayIsDecimatedToTheWidth()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(800, 300);
    chart.setStore(&m_day->store);
    chart.addSeries("a", m_day->a, 1000);
    chart.addSeries("b", m_day->b, 1000);
    timeline.setPreset(24 * 3600 * 1000LL);
    timeline.setLatest(m_day->store.latestTime());
    const int width = chart.plotWidth();
    QVERIFY(width > 600 && width <= 800);
    // A day of 86,400 points per series: at most 4 per pixel column, and more than a handful.
    QVERIFY2(chart.pointCount(0) <= 4 * width, qPrintable(QString::number(chart.pointCount(0))));
    QVERIFY(chart.pointCount(0) >= width);
    QVERIFY(chart.pointCount(1) <= 4 * width);
    // Rendering works offscreen and the image is not blank.
    const QImage image = chart.renderImage(QSize(800, 300));
    QCOMPARE(image.size(), QSize(800, 300));
    QVERIFY(image.pixel(400, 150) != image.pixel(2, 2) ||
            image.pixel(300, 200) != image.pixel(2, 2));
}

void TestTimeChart::windowsPauseZoomAndPan()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(1000, 300);
    chart.setStore(&m_day->store);
    chart.addSeries("a", m_day->a);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(5 * 60 * 1000LL);
    // 5 minutes at 1 s: every point (300 or 301), far below the width bound.
    QVERIFY(chart.pointCount(0) >= 299 && chart.pointCount(0) <= 302);
    timeline.setPreset(3600 * 1000LL);
    QVERIFY(chart.pointCount(0) > 1000 && chart.pointCount(0) <= 4 * chart.plotWidth());

    // Pause: new data does not move the window; resume follows again.
    timeline.setLive(false);
    const qint64 end = timeline.endMs();
    m_day->append();
    timeline.setLatest(m_day->store.latestTime());
    QCOMPARE(timeline.endMs(), end);
    timeline.setLive(true);
    QCOMPARE(timeline.endMs(), m_day->store.latestTime());

    // Zoom in halves the span; panning back pauses, panning past the end goes live again.
    timeline.zoomAroundCentre(0.5);
    QCOMPARE(timeline.spanMs(), 1800 * 1000LL);
    timeline.pan(-600 * 1000LL);
    QVERIFY(!timeline.isLive());
    QCOMPARE(timeline.endMs(), m_day->store.latestTime() - 600 * 1000LL);
    timeline.pan(3600 * 1000LL);
    QVERIFY(timeline.isLive());
    timeline.setPreset(15 * 60 * 1000LL);
    QCOMPARE(timeline.spanMs(), 15 * 60 * 1000LL);
}

void TestTimeChart::legendAndKeyboard()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(900, 300);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a);
    chart.addSeries("beta", m_day->b);
    chart.addSeries("absent", SeriesStore::kNoSeries);
    timeline.setLatest(m_day->store.latestTime());
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QCOMPARE(chart.visibleSeries(), QStringList({"alpha", "beta"}));
    chart.setSeriesVisible(1, false);
    QCOMPARE(chart.visibleSeries(), QStringList({"alpha"}));
    QCOMPARE(chart.pointCount(1), 0);
    chart.setSeriesVisible(1, true);
    QVERIFY(chart.pointCount(1) > 0);

    // Keys: Space pauses, Left pans back, + zooms in, Home returns to live at the preset.
    chart.setFocus();
    const qint64 span = timeline.spanMs();
    QTest::keyClick(&chart, Qt::Key_Space);
    QVERIFY(!timeline.isLive());
    QTest::keyClick(&chart, Qt::Key_Space);
    QVERIFY(timeline.isLive());
    QTest::keyClick(&chart, Qt::Key_Left);
    QVERIFY(!timeline.isLive());
    QTest::keyClick(&chart, Qt::Key_Plus);
    QVERIFY(timeline.spanMs() < span);
    QTest::keyClick(&chart, Qt::Key_Minus);
    QTest::keyClick(&chart, Qt::Key_Minus);
    QVERIFY(timeline.spanMs() > span);
    QTest::keyClick(&chart, Qt::Key_Home);
    QVERIFY(timeline.isLive());
    QCOMPARE(timeline.spanMs(), span);
    // Hovering paints the read-out without disturbing the data.
    const int before = chart.totalPointCount();
    QTest::mouseMove(&chart, QPoint(500, 150));
    chart.repaint();
    QCOMPARE(chart.totalPointCount(), before);
}

void TestTimeChart::markersAndTableAlternative()
{
    ChartTimeline timeline;
    ChartCard card(QStringLiteral("Latency"), &timeline);
    card.resize(900, 320);
    TimeChart* chart = card.chart();
    chart->setStore(&m_day->store);
    chart->setUnit("ms");
    chart->addSeries("alpha", m_day->a, 1000);
    timeline.setLatest(m_day->store.latestTime());
    chart->addMarker(m_day->store.latestTime() - 60'000, MarkerKind::Deploy, "deploy abc123");
    chart->addMarker(m_day->store.latestTime() - 30'000, MarkerKind::Alert, "latency high");
    QCOMPARE(chart->markerCount(), 2);

    QAbstractItemModelTester tester(chart->pointsModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    card.setTableShown(true);
    QVERIFY(card.isTableShown());
    QCOMPARE(chart->pointsModel()->rowCount(), chart->totalPointCount());
    const QModelIndex last = chart->pointsModel()->index(chart->pointsModel()->rowCount() - 1,
                                                         ChartPointsModel::ValueColumn);
    QVERIFY(last.data().toString().endsWith("ms"));
    QCOMPARE(chart->pointsModel()->index(0, ChartPointsModel::SeriesColumn).data().toString(),
             QStringLiteral("alpha"));
    // The table follows the window.
    timeline.setPreset(5 * 60 * 1000LL);
    QCOMPARE(chart->pointsModel()->rowCount(), chart->totalPointCount());
    card.setTableShown(false);
    QVERIFY(!card.isTableShown());
}

void TestTimeChart::exportsPngAndCsv()
{
    QTemporaryDir dir;
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.setTitle("Response time");
    chart.setUnit("ms");
    chart.resize(700, 260);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    chart.addSeries("beta", m_day->b, 1000);
    chart.setSeriesVisible(1, false);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(5 * 60 * 1000LL);

    const QString png = dir.filePath("chart.png");
    QVERIFY(chart.exportPng(png));
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size() / image.devicePixelRatio(), QSize(700, 260));

    const QString csv = dir.filePath("chart.csv");
    QVERIFY(chart.exportCsv(csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QStringLiteral("time,time_ms,series,value,unit"));
    // The visible series only, every point of the 5-minute window.
    QVERIFY2(lines.size() - 1 >= 300 && lines.size() - 1 <= 302, qPrintable(lines.last()));
    const QStringList last = lines.last().split(',');
    QCOMPARE(last.size(), 5);
    QCOMPARE(last[2], QStringLiteral("alpha"));
    QCOMPARE(last[1].toLongLong(), m_day->store.latestTime());
    QCOMPARE(last[4], QStringLiteral("ms"));
    const double expected = m_day->store.latest(m_day->a) * 1000;
    QVERIFY(std::abs(last[3].toDouble() - expected) < 2e-4 * std::abs(expected) + 1e-9);
    for (const QString& line : lines.mid(1))
        QVERIFY(!line.contains("beta"));
}

void TestTimeChart::csvNeutralisesSeriesNames()
{
    // Series are named after instance labels: text from elsewhere, never a formula.
    QTemporaryDir dir;
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(700, 260);
    chart.setStore(&m_day->store);
    chart.addSeries("=HYPERLINK(\"http://evil\")", m_day->a, 1000);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(5 * 60 * 1000LL);
    const QString csv = dir.filePath("chart.csv");
    QVERIFY(chart.exportCsv(csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","), text.left(300).constData());
    QVERIFY(!text.contains(",=HYPERLINK"));
}

void TestTimeChart::markerKindsAreDrawnAndReadOut()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.setTitle("Latency");
    chart.setUnit("ms");
    chart.resize(900, 320);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(15 * 60 * 1000LL);
    const qint64 end = m_day->store.latestTime();
    // Each kind has its own colour (and shape); none is the series' colour.
    const QList<MarkerKind> kinds = {MarkerKind::Deploy, MarkerKind::Alert, MarkerKind::Workflow};
    for (MarkerKind a : kinds) {
        QVERIFY(TimeChart::markerColor(a) != TimeChart::seriesColor(0));
        for (MarkerKind b : kinds) {
            if (a != b) {
                QVERIFY(TimeChart::markerColor(a) != TimeChart::markerColor(b));
                QVERIFY(TimeChart::markerSymbol(a) != TimeChart::markerSymbol(b));
            }
        }
    }
    const QImage plain = chart.renderImage(chart.size());
    for (MarkerKind k : kinds)
        QCOMPARE(pixelsNear(plain, TimeChart::markerColor(k)), 0);
    chart.addMarker(end - 600'000, MarkerKind::Deploy, "Redeploy abc123");
    chart.addMarker(end - 400'000, MarkerKind::Alert, "high_response_time firing (critical)");
    chart.addMarker(end - 200'000, MarkerKind::Workflow, "job_posting launched (wf_1)");
    chart.addMarker(end - 3 * 3'600'000, MarkerKind::Workflow, "outside the window");
    QCOMPARE(chart.markerCount(), 4);
    QCOMPARE(chart.markerCount(MarkerKind::Workflow), 2);
    // Sorted by time whatever the order they came in.
    QCOMPARE(chart.markerLabels().constFirst(), QStringLiteral("outside the window"));
    const QImage marked = chart.renderImage(chart.size());
    for (MarkerKind k : kinds) {
        // Its shape near the top of the plot at its time, in its colour.
        const qint64 t = k == MarkerKind::Deploy  ? end - 600'000
                         : k == MarkerKind::Alert ? end - 400'000
                                                  : end - 200'000;
        const int x = int(chart.xForTime(t));
        QVERIFY2(pixelsNear(marked, TimeChart::markerColor(k), QRect(x - 7, 0, 15, 120)) >= 20,
                 qPrintable(TimeChart::markerSymbol(k)));
    }
    // The hover read-out names the marker under the pointer, with its symbol.
    const QStringList readout = chart.readoutAt(chart.xForTime(end - 400'000));
    QVERIFY2(readout.join(u'|').contains(TimeChart::markerSymbol(MarkerKind::Alert) +
                                         " high_response_time firing (critical)"),
             qPrintable(readout.join(u'|')));
    QVERIFY(readout.join(u'|').contains("alpha: "));
    QVERIFY(!readout.join(u'|').contains("Redeploy"));
    QVERIFY(chart.readoutAt(chart.xForTime(end - 600'000)).join(u'|').contains("Redeploy abc123"));
    QVERIFY(chart.accessibleDescription().isEmpty() ||
            !chart.accessibleDescription().contains("stale"));
    chart.clearMarkers();
    QCOMPARE(chart.markerCount(), 0);
}

void TestTimeChart::markerLabelsNeitherOverlapNorCut_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("spreadMs"); // the markers' times lie within this before the end
    QTest::newRow("report chart, a story over 10 min") << 720 << 600'000;
    QTest::newRow("narrow chart, the same story") << 320 << 600'000;
    QTest::newRow("all within 40 s") << 720 << 40'000;
}

// Marker labels never cover each other, a marker's shape or the data, and are never cut to "…":
// labels that do not fit side by side go to a second or third row, and markers too close for
// their own labels share one ("a · b", "a +2 more", "3 events"); every marker is accounted for.
void TestTimeChart::markerLabelsNeitherOverlapNorCut()
{
    QFETCH(int, width);
    QFETCH(int, spreadMs);
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.setTitle("Response time");
    chart.setUnit("ms");
    chart.resize(width, 320);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    const qint64 end = m_day->store.latestTime();
    timeline.setLatest(end);
    timeline.setPreset(15 * 60 * 1000LL);
    const QStringList labels = {"high_response_time pending",
                                "high_response_time firing",
                                "ack by ana",
                                "Redeploy started of 4f9c2e1",
                                "Redeploy finished: live",
                                "Verification failed: 1 of 2 steps passed",
                                "Rollback started",
                                "Rollback finished: ok: live",
                                "high_response_time normal",
                                "unreachable",
                                "up"};
    const QList<MarkerKind> kinds = {MarkerKind::Alert,  MarkerKind::Alert,  MarkerKind::Note,
                                     MarkerKind::Deploy, MarkerKind::Deploy, MarkerKind::Deploy,
                                     MarkerKind::Deploy, MarkerKind::Deploy, MarkerKind::Resolved,
                                     MarkerKind::Note,   MarkerKind::Note};
    const qint64 first = end - spreadMs - 30'000;
    for (int i = 0; i < labels.size(); ++i)
        chart.addMarker(first + qint64(i) * spreadMs / labels.size(), kinds[i], labels[i],
                        "high_response_time");
    // Two at the very same moment, and one at the right edge.
    chart.addMarker(first + spreadMs / 2, MarkerKind::Workflow, "job_posting launched (wf_1)");
    chart.addMarker(end - 1'000, MarkerKind::Note, "waking");

    const std::vector<TimeChart::MarkerLabel> layout = chart.markerLabelLayout();
    const double valueTop = chart.valueAreaTop();
    QVERIFY(!layout.empty());
    int accounted = 0;
    // The top row's top: shapes sit there.
    const double rowTop =
        layout.front().rect.top() - layout.front().row * (QFontMetrics(chart.font()).height() + 2);
    for (std::size_t i = 0; i < layout.size(); ++i) {
        const TimeChart::MarkerLabel& l = layout[i];
        accounted += l.markers;
        QVERIFY2(!l.text.endsWith(QStringLiteral("…")) && !l.text.endsWith(QStringLiteral("...")),
                 qPrintable(l.text));
        QVERIFY2(QFontMetricsF(chart.font()).horizontalAdvance(l.text) <= l.rect.width(),
                 qPrintable(l.text));
        QVERIFY2(l.rect.left() >= 0 && l.rect.right() <= width, qPrintable(l.text));
        // Above the data.
        QVERIFY2(l.rect.bottom() <= valueTop,
                 qPrintable(
                     QStringLiteral("%1: %2 > %3").arg(l.text).arg(l.rect.bottom()).arg(valueTop)));
        for (std::size_t j = i + 1; j < layout.size(); ++j)
            QVERIFY2(!l.rect.intersects(layout[j].rect),
                     qPrintable(QStringLiteral("'%1' overlaps '%2'").arg(l.text, layout[j].text)));
        // Off every marker's shape (drawn at the top row).
        for (const qint64 t : {first, first + spreadMs / 2, end - 1'000}) {
            const QRectF shape(chart.xForTime(t) - 6, rowTop - 1, 12, 12);
            QVERIFY2(!l.rect.intersects(shape), qPrintable(l.text));
        }
    }
    QCOMPARE(accounted, int(labels.size()) + 2);
    if (spreadMs < 60'000) // far too close for eleven labels: some are shared
        QVERIFY(qsizetype(layout.size()) < labels.size());

    // No line of data in the band: the series' colour stays below it.
    const QImage image = chart.renderImage(chart.size());
    const int plotLeft = int(chart.xForTime(timeline.startMs())) + 1;
    const QRect band(plotLeft, int(rowTop), width - 12 - plotLeft, int(valueTop - rowTop) - 1);
    QCOMPARE(pixelsNear(image, TimeChart::seriesColor(0), band, 12), 0);
    QVERIFY(pixelsNear(image, TimeChart::seriesColor(0),
                       QRect(0, int(valueTop), width, 320 - int(valueTop))) > 50);
}

// The label layout is kept between paints (a hover repaints often) but follows a new marker,
// cleared markers and another size.
void TestTimeChart::markerLabelsFollowMarkersAndSize()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(720, 320);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    const qint64 end = m_day->store.latestTime();
    timeline.setLatest(end);
    timeline.setPreset(15 * 60 * 1000LL);
    chart.addMarker(end - 600'000, MarkerKind::Deploy, "Redeploy abc123");
    QCOMPARE(chart.markerLabelLayout().size(), std::size_t(1));
    const QRectF first = chart.markerLabelLayout().front().rect;
    chart.addMarker(end - 300'000, MarkerKind::Workflow, "reindex launched");
    QCOMPARE(chart.markerLabelLayout().size(), std::size_t(2));
    chart.resize(500, 320);
    QVERIFY(chart.markerLabelLayout().front().rect != first);
    chart.clearMarkers();
    QVERIFY(chart.markerLabelLayout().empty());
}

// A chart drawn at twice the size for print keeps its lines' weight with a wider pen.
void TestTimeChart::lineWidthThickensTheLines()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(700, 260);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(15 * 60 * 1000LL);
    QCOMPARE(chart.lineWidth(), 1.0);
    const QRect plot(100, 60, 580, 170);
    const int thin = pixelsNear(chart.renderImage(chart.size()), TimeChart::seriesColor(0), plot);
    chart.setLineWidth(3);
    QCOMPARE(chart.lineWidth(), 3.0);
    const int thick = pixelsNear(chart.renderImage(chart.size()), TimeChart::seriesColor(0), plot);
    QVERIFY2(thin > 100 && thick > 2 * thin,
             qPrintable(QStringLiteral("%1 %2").arg(thin).arg(thick)));
    chart.setLineWidth(0); // refused: the width stays
    QCOMPARE(chart.lineWidth(), 3.0);
}

void TestTimeChart::staleGreysTheLinesWithTheirAge()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.setTitle("Latency");
    chart.resize(800, 300);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(15 * 60 * 1000LL);
    const QColor blue = TimeChart::seriesColor(0);
    QCOMPARE(chart.drawnColor(0), blue);
    QVERIFY(pixelsNear(chart.renderImage(chart.size()), blue) > 200);

    chart.setStale(true, "stale — last data 42 s ago");
    QVERIFY(chart.isStale());
    QVERIFY(chart.drawnColor(0) != blue);
    const QColor grey = chart.drawnColor(0);
    QVERIFY(grey.red() == grey.green() && grey.green() == grey.blue()); // a grey: no hue left
    const QImage stale = chart.renderImage(chart.size());
    QCOMPARE(pixelsNear(stale, blue), 0);
    QVERIFY(pixelsNear(stale, chart.drawnColor(0)) > 200);
    QVERIFY(chart.readoutAt(400).join(u'|').contains("42 s ago"));
    QVERIFY(chart.accessibleDescription().contains("42 s ago"));

    chart.setStale(false);
    QVERIFY(chart.staleNote().isEmpty());
    QCOMPARE(chart.drawnColor(0), blue);
    QVERIFY(pixelsNear(chart.renderImage(chart.size()), blue) > 200);
}

void TestTimeChart::followsPaletteChanges()
{
    const QPalette original = QApplication::palette();
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.setTitle("Latency");
    chart.resize(600, 240);
    chart.setStore(&m_day->store);
    chart.addSeries("alpha", m_day->a, 1000);
    timeline.setLatest(m_day->store.latestTime());
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    // grab() paints through the cached layer: a palette change must invalidate it.
    const QColor lightBase = chart.palette().color(QPalette::Base);
    QCOMPARE(chart.grab().toImage().pixelColor(3, 3), lightBase);
    QApplication::setPalette(darkPalette());
    const QColor darkBase = darkPalette().color(QPalette::Base);
    QVERIFY(darkBase != lightBase);
    QTRY_COMPARE(chart.grab().toImage().pixelColor(3, 3), darkBase);
    // Text in the dark palette is light: the title is drawn in it.
    QVERIFY(pixelsNear(chart.grab().toImage(), darkPalette().color(QPalette::Text),
                       QRect(0, 0, 200, 20), 30) > 10);
    QApplication::setPalette(original);
    QTRY_COMPARE(chart.grab().toImage().pixelColor(3, 3), lightBase);
}

// Right-click on the plot: "Logs at this time" (only where something listens) asks for the
// nearest point's time; off the plot, or with nobody listening, there is no menu.
void TestTimeChart::contextMenuOffersLogsAtThePoint()
{
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.resize(1000, 300);
    chart.setStore(&m_day->store);
    chart.addSeries("a", m_day->a);
    timeline.setLatest(m_day->store.latestTime());
    timeline.setPreset(5 * 60 * 1000LL); // 1 s points, about 3 px apart
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));

    const qint64 pointMs = timeline.endMs() - 2 * 60 * 1000;
    const QPoint at(int(std::lround(chart.xForTime(pointMs))), chart.height() / 2);
    QVERIFY(!chart.createContextMenu(at)); // nobody listens: no menu
    QSignalSpy asked(&chart, &TimeChart::logsAtTimeRequested);
    {
        std::unique_ptr<QMenu> menu(chart.createContextMenu(at));
        QVERIFY(menu);
        QCOMPARE(menu->actions().size(), 1);
        QAction* logs = menu->actions().first();
        QVERIFY2(logs->text().startsWith(QStringLiteral("&Logs at this time")),
                 qPrintable(logs->text()));
        QVERIFY(logs->text().contains(QStringLiteral("± 5 min")));
        menu->adjustSize();
        QVERIFY(menu->grab().save(qEnvironmentVariable("OPS_SCREENSHOT_DIR", QDir::tempPath()) +
                                  QStringLiteral("/chart-logs-menu.png")));
        logs->trigger();
    }
    QCOMPARE(asked.size(), 1);
    const qint64 got = asked.at(0).at(0).toLongLong();
    QVERIFY2(std::abs(got - pointMs) <= 1000, qPrintable(QString::number(got - pointMs)));
    QCOMPARE(got % 1000, kStart % 1000);             // a point's own time, not a pixel's
    QVERIFY(!chart.createContextMenu(QPoint(2, 2))); // off the plot

    // A real right-click opens the menu; choosing the action asks once more.
    QTimer::singleShot(0, &chart, [] {
        if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
            menu->actions().first()->trigger();
            menu->close();
        }
    });
    QContextMenuEvent click(QContextMenuEvent::Mouse, at, chart.mapToGlobal(at));
    QApplication::sendEvent(&chart, &click);
    QTRY_COMPARE(asked.size(), 2);
    QVERIFY(std::abs(asked.at(1).at(0).toLongLong() - pointMs) <= 1000);
}

namespace {

// Three days of 1-minute rollups (min, max, avg) of one signal, as TargetHistory keeps them.
struct Rollups {
    SeriesStore store{SeriesStoreConfig::rollupWindow(4 * 1440, 3)};
    std::uint32_t low = store.addSeries();
    std::uint32_t high = store.addSeries();
    std::uint32_t avg = store.addSeries();
    int minutes = 0;
    void append(double spike = 0)
    {
        const double v = 50 + 20 * std::sin(minutes / 300.0) + 6 * std::sin(minutes / 7.0);
        store.beginScrape(kStart + qint64(minutes) * 60'000);
        store.append(low, v - 4 + spike);
        store.append(high, v + 4 + spike);
        store.append(avg, v + spike);
        store.endScrape();
        ++minutes;
    }
};

// Pixels that differ between two images of the same size.
int differingPixels(const QImage& a, const QImage& b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
    return n;
}

} // namespace

// #21: the chart keeps the pixel columns it read (a poll or a new minute reads only the new
// ones, a pan only those it brings in); what it draws then is what a chart drawing everything
// afresh draws, the new data included.
void TestTimeChart::redrawAfterNewDataMatchesAFreshOne()
{
    Rollups r;
    for (int m = 0; m < 3 * 1440; ++m)
        r.append();
    ChartTimeline timeline;
    TimeChart kept(&timeline);
    TimeChart fresh(&timeline);
    for (TimeChart* chart : {&kept, &fresh}) {
        chart->resize(900, 320);
        chart->setStore(&r.store);
        const int index = chart->addSeries("avg", r.avg);
        chart->setSeriesBand(index, r.low, r.high);
    }
    timeline.setPreset(2 * 24 * 3600 * 1000LL);
    timeline.setLatest(r.store.latestTime());
    QImage keptImage(kept.size(), QImage::Format_ARGB32_Premultiplied);
    const auto drawKept = [&] {
        QPainter painter(&keptImage);
        kept.draw(painter, keptImage.size());
    };
    const auto compare = [&](const char* when) {
        drawKept();
        const QImage freshImage = fresh.renderImage(fresh.size());
        const int differ = differingPixels(keptImage, freshImage);
        // Columns at the edges may take another of their points: a few pixels, never a curve.
        QVERIFY2(differ <= keptImage.width() / 2,
                 qPrintable(QStringLiteral("%1: %2 pixels differ").arg(when).arg(differ)));
        QVERIFY2(std::abs(kept.pointCount(0) - fresh.pointCount(0)) <= 8,
                 qPrintable(QStringLiteral("%1: %2 points, afresh %3")
                                .arg(when)
                                .arg(kept.pointCount(0))
                                .arg(fresh.pointCount(0))));
    };
    compare("first");
    const int before = pixelsNear(keptImage, TimeChart::seriesColor(0));
    QVERIFY(before > 500);

    // New minutes, the last ones far above the rest: drawn at once at the right edge.
    for (int m = 0; m < 45; ++m)
        r.append(m >= 40 ? 200 : 0);
    timeline.setLatest(r.store.latestTime());
    kept.dataChanged();
    fresh.dataChanged();
    compare("new minutes");
    const QRect rightTop(int(kept.xForTime(r.store.latestTime() - 3'600'000)), 0,
                         kept.width() - int(kept.xForTime(r.store.latestTime() - 3'600'000)),
                         kept.valueAreaTop() + 60);
    QVERIFY2(pixelsNear(keptImage, TimeChart::seriesColor(0), rightTop) > 0,
             "the spike of the last minutes is not drawn");

    // The window ends past the rollups (the live signals are ahead of them, as on the
    // dashboard): the columns that had no data yet are read again when it arrives.
    timeline.setLatest(r.store.latestTime() + 3 * 3'600'000);
    compare("ahead of the data");
    for (int m = 0; m < 150; ++m)
        r.append(m >= 140 ? -40 : 0);
    kept.dataChanged();
    fresh.dataChanged();
    compare("caught up");

    // Panned back half a day (columns brought in on the left), then a zoom.
    timeline.pan(-12 * 3600 * 1000LL);
    compare("panned");
    timeline.zoomAroundCentre(0.5);
    compare("zoomed");
}

// The 7 d window's time labels are whole: the last one ends inside the chart (it was cut to
// "06 Dec 00:" at the right edge), and whole days read "06 Dec".
void TestTimeChart::weekAxisLabelsAreWhole()
{
    QCOMPARE(TimeChart::timeAxisFormat(7 * 86'400'000LL, 86'400'000LL), QStringLiteral("dd MMM"));
    QCOMPARE(TimeChart::timeAxisFormat(2 * 86'400'000LL, 6 * 3'600'000LL),
             QStringLiteral("dd MMM HH:mm"));
    Rollups r;
    for (int m = 0; m < 4 * 1440; ++m)
        r.append();
    ChartTimeline timeline;
    TimeChart chart(&timeline);
    chart.setStore(&r.store);
    chart.addSeries("avg", r.avg);
    timeline.setPreset(7 * 24 * 3600 * 1000LL);
    const QColor text = chart.palette().color(QPalette::Text);
    // Across widths and ends of the window, where a label's middle falls near the right edge.
    for (const int width : {560, 600, 633, 640, 700, 777}) {
        chart.resize(width, 260);
        for (qint64 end = 0; end < 86'400'000; end += 3 * 3'600'000) {
            timeline.setLatest(r.store.latestTime() - end);
            const QImage image = chart.renderImage(chart.size());
            const QRect labels(0, int(chart.valueAreaTop()) + 20, width, 260);
            const QRect lastColumns(width - 2, labels.top(), 2, 260);
            QVERIFY2(
                pixelsNear(image, text, lastColumns, 200) == 0,
                qPrintable(QStringLiteral("a label is cut at the right edge (%1 px)").arg(width)));
            QVERIFY(pixelsNear(image, text, QRect(0, 200, width, 60), 200) > 30);
        }
    }
}

QTEST_MAIN(TestTimeChart)

#include "TestTimeChart.moc"
