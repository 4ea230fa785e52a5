// A tile's sparkline leaves the time nothing was recorded empty (#21: "never a line across it"),
// as the charts do, and stays one line where polls are merely sparse.

#include "ui/dashboard/MetricTile.h"

#include <QImage>
#include <QTest>

using namespace ops;

namespace {

constexpr qint64 kHour = 3'600'000;
constexpr qint64 kStart = 1'767'225'600'000;

std::vector<StorePoint> polls(qint64 from, qint64 to, qint64 every)
{
    std::vector<StorePoint> points;
    for (qint64 t = from; t < to; t += every)
        points.push_back({t, 40.0 + double((t / every) % 7)});
    return points;
}

// Rows of the sparkline band that hold a pixel of the line's colour at column x.
bool lineAtColumn(const QImage& image, int x, QRgb line)
{
    for (int y = image.height() / 2; y < image.height(); ++y) {
        if (image.pixel(x, y) == line)
            return true;
    }
    return false;
}

} // namespace

class TestMetricTile : public QObject {
    Q_OBJECT
private slots:
    void aDayWithAGapIsTwoPieces()
    {
        MetricTile tile(QStringLiteral("Response time (avg)"));
        // Six hours recorded, nine hours not running, nine hours recorded: one point a minute.
        auto points = polls(kStart, kStart + 6 * kHour, 60'000);
        const auto after = polls(kStart + 15 * kHour, kStart + 24 * kHour, 60'000);
        points.insert(points.end(), after.begin(), after.end());
        tile.setSparkline(points, kStart, kStart + 24 * kHour);
        const auto runs = tile.sparklineRuns();
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(runs[0], (std::pair<std::size_t, std::size_t>{0, 360}));
        QCOMPARE(runs[1], (std::pair<std::size_t, std::size_t>{360, points.size()}));

        // Drawn: the line is there before and after, and nowhere over the gap.
        tile.setAccent(QColor(0, 128, 0));
        tile.resize(240, 110);
        const QImage image = tile.grab().toImage();
        const QRgb line = QColor(0, 128, 0).rgb();
        const double perHour = double(image.width()) / 24.0;
        bool before = false, inGap = false, later = false;
        for (int x = 0; x < image.width(); ++x) {
            const double hour = double(x) / perHour;
            const bool drawn = lineAtColumn(image, x, line);
            if (hour > 1 && hour < 5)
                before = before || drawn;
            if (hour > 7.5 && hour < 13.5)
                inGap = inGap || drawn;
            if (hour > 16 && hour < 23)
                later = later || drawn;
        }
        QVERIFY(before);
        QVERIFY(later);
        QVERIFY(!inGap);
    }

    void sparsePollsStayOneLine()
    {
        MetricTile tile(QStringLiteral("Request rate"));
        // A poll every 30 s in a 15-minute window, one every 5 min in a day: regular, no gap.
        tile.setSparkline(polls(kStart, kStart + 15 * 60'000, 30'000), kStart,
                          kStart + 15 * 60'000);
        QCOMPARE(tile.sparklineRuns().size(), std::size_t(1));
        tile.setSparkline(polls(kStart, kStart + 24 * kHour, 300'000), kStart, kStart + 24 * kHour);
        QCOMPARE(tile.sparklineRuns().size(), std::size_t(1));
        // A decimated day (four points a column, the columns' steps uneven) is one line too.
        std::vector<StorePoint> decimated;
        for (int column = 0; column < 120; ++column) {
            const qint64 c0 = kStart + column * (24 * kHour / 120);
            for (const qint64 offset :
                 {qint64(0), qint64(90'000), qint64(500'000), qint64(719'000)})
                decimated.push_back({c0 + offset, double(column % 5)});
        }
        tile.setSparkline(decimated, kStart, kStart + 24 * kHour);
        QCOMPARE(tile.sparklineRuns().size(), std::size_t(1));
    }

    void aShortOutageInFiveMinutesBreaksTheLine()
    {
        MetricTile tile(QStringLiteral("Response time (avg)"));
        // 1 s polls; the gateway did not answer for 40 s in the middle.
        auto points = polls(kStart, kStart + 120'000, 1000);
        const auto after = polls(kStart + 160'000, kStart + 300'000, 1000);
        points.insert(points.end(), after.begin(), after.end());
        tile.setSparkline(points, kStart, kStart + 300'000);
        QCOMPARE(tile.sparklineRuns().size(), std::size_t(2));
        // Nothing, or one point, draws nothing to break.
        tile.setSparkline({}, kStart, kStart + 300'000);
        QVERIFY(tile.sparklineRuns().empty());
        tile.setSparkline({{kStart, 1.0}}, kStart, kStart + 300'000);
        QCOMPARE(tile.sparklineRuns().size(), std::size_t(1));
    }
};

QTEST_MAIN(TestMetricTile)
#include "TestMetricTile.moc"
