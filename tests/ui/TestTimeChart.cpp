// The dashboard's chart with a day of synthetic data, offscreen: decimation bound, time windows,
// pause, zoom and pan, series toggles, markers, the table alternative and the exports.
#include "dashboard/ChartCard.h"
#include "dashboard/ChartTimeline.h"
#include "dashboard/TimeChart.h"
#include "itemmodels/ChartPointsModel.h"
#include "metrics/SeriesStore.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QImage>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

using namespace ops;

namespace {

constexpr qint64 kStart = 1'700'000'000'000;
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

QTEST_MAIN(TestTimeChart)
#include "TestTimeChart.moc"
