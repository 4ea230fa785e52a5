#include "models/metrics/SeriesStore.h"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <random>

using namespace ops;

namespace {

// Reference M4: every point of the range, assigned to its pixel column by time.
std::vector<StorePoint> bruteForceM4(const std::vector<StorePoint>& pts, qint64 t0, qint64 t1,
                                     int width)
{
    std::vector<StorePoint> out;
    const double span = static_cast<double>(t1 - t0) + 1.0;
    std::size_t i = 0;
    while (i < pts.size()) {
        const int col = std::clamp(
            static_cast<int>(static_cast<double>(pts[i].t - t0) * width / span), 0, width - 1);
        std::size_t j = i;
        std::size_t mn = i, mx = i;
        while (j < pts.size() &&
               std::clamp(static_cast<int>(static_cast<double>(pts[j].t - t0) * width / span), 0,
                          width - 1) == col) {
            if (pts[j].v < pts[mn].v)
                mn = j;
            if (pts[j].v > pts[mx].v)
                mx = j;
            ++j;
        }
        std::vector<std::size_t> idx = {i, mn, mx, j - 1};
        std::sort(idx.begin(), idx.end());
        idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
        for (std::size_t k : idx)
            out.push_back(pts[k]);
        i = j;
    }
    return out;
}

} // namespace

class TestSeriesStore : public QObject {
    Q_OBJECT
private slots:
    void appendAndRead();
    void gapsAndLateSeries();
    void decimateMatchesBruteForce_data();
    void decimateMatchesBruteForce();
    void decimateOldDataFromSummaries();
    void decimateCostIndependentOfHistory();
    void boundsAndEviction();
    void dropsIdleSeries();
};

void TestSeriesStore::appendAndRead()
{
    SeriesStore store(SeriesStoreConfig::signalsForADay(4000));
    const auto a = store.addSeries();
    const auto b = store.addSeries();
    for (int i = 0; i < 1000; ++i) {
        store.beginScrape(1'000'000 + i * 1000);
        store.append(a, i * 0.5);
        store.append(b, i % 7 == 0 ? 3.25 : 1e6 + i);
        store.endScrape();
    }
    QCOMPARE(store.latest(a), 999 * 0.5);
    std::vector<StorePoint> pts;
    store.points(a, 0, 1'000'000'000, pts);
    QCOMPARE(pts.size(), std::size_t{1000});
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(pts[static_cast<std::size_t>(i)].t, qint64{1'000'000 + i * 1000});
        QCOMPARE(pts[static_cast<std::size_t>(i)].v,
                 static_cast<double>(static_cast<float>(i * 0.5)));
    }
    store.points(b, 1'000'000 + 14'000, 1'000'000 + 14'000, pts);
    QCOMPARE(pts.size(), std::size_t{1});
    QCOMPARE(pts[0].v, 3.25);
    // Repeated values compress to half a byte each.
    SeriesStore flat(SeriesStoreConfig::signalsForADay(4000));
    const auto f = flat.addSeries();
    const std::size_t before = flat.memoryBytes();
    for (int i = 0; i < 2048; ++i) {
        flat.beginScrape(i * 1000);
        flat.append(f, 42.0);
        flat.endScrape();
    }
    QVERIFY(flat.memoryBytes() - before < 2048);
}

void TestSeriesStore::gapsAndLateSeries()
{
    SeriesStore store;
    const auto a = store.addSeries();
    for (int i = 0; i < 10; ++i) {
        store.beginScrape(i * 1000);
        if (i % 3 != 0)
            store.append(a, i);
        store.endScrape();
    }
    std::vector<StorePoint> pts;
    store.points(a, 0, 100000, pts);
    QCOMPARE(pts.size(), std::size_t{6}); // 1 2 4 5 7 8
    QCOMPARE(pts.front().v, 1.0);
    QVERIFY(std::isnan(store.latest(a))); // scrape 9 missed it
    store.beginScrape(10'000);
    const auto late = store.addSeries();
    store.append(late, 5);
    store.endScrape();
    store.points(late, 0, 100000, pts);
    QCOMPARE(pts.size(), std::size_t{1});
    QCOMPARE(pts[0].t, qint64{10'000});
    // Time never goes backwards in the store.
    store.beginScrape(5'000);
    store.endScrape();
    QCOMPARE(store.latestTime(), qint64{10'000});
}

void TestSeriesStore::decimateMatchesBruteForce_data()
{
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("width");
    QTest::newRow("dense") << 3000 << 1600;
    QTest::newRow("fewer points than pixels") << 500 << 1600;
    QTest::newRow("narrow") << 5000 << 1300; // 4 items per column budget: still full resolution
    QTest::newRow("odd") << 777 << 333;
}

void TestSeriesStore::decimateMatchesBruteForce()
{
    QFETCH(int, points);
    QFETCH(int, width);
    SeriesStore store(SeriesStoreConfig::signalsForADay(20000));
    const auto id = store.addSeries();
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0, 1);
    qint64 t = 1'700'000'000'000;
    for (int i = 0; i < points; ++i) {
        t += 900 + static_cast<int>(rng() % 200); // jittered polls
        store.beginScrape(t);
        if (i % 97 != 5)
            store.append(id, 100 + 10 * std::sin(i / 50.0) + noise(rng));
        store.endScrape();
    }
    std::vector<StorePoint> all;
    store.points(id, 0, t, all);
    for (const auto& [from, to] : {std::pair<qint64, qint64>{all.front().t, all.back().t},
                                   {all[all.size() / 3].t + 17, all[all.size() / 2].t - 3}}) {
        std::vector<StorePoint> inRange;
        for (const auto& p : all) {
            if (p.t >= from && p.t <= to)
                inRange.push_back(p);
        }
        std::vector<StorePoint> got;
        store.decimate(id, from, to, width, got);
        const auto want = bruteForceM4(inRange, from, to, width);
        QCOMPARE(got.size(), want.size());
        QVERIFY(got == want);
        QVERIFY(got.size() <= static_cast<std::size_t>(4 * width));
    }
}

void TestSeriesStore::decimateOldDataFromSummaries()
{
    // Raw-series config: 100 points at full resolution, 10-point summaries kept long.
    SeriesStoreConfig cfg;
    cfg.fullResolutionPoints = 100;
    cfg.levels = {{10, 500}};
    SeriesStore store(cfg);
    const auto id = store.addSeries();
    std::vector<double> values;
    for (int i = 0; i < 3000; ++i) {
        store.beginScrape(i * 1000);
        const double v = (i * 7919) % 1000; // exactly representable in float
        values.push_back(v);
        store.append(id, v);
        store.endScrape();
    }
    // Old range: full resolution is gone, the summaries answer with real points.
    std::vector<StorePoint> got;
    store.decimate(id, 1'000'000, 1'999'000, 50, got);
    QVERIFY(!got.empty());
    QVERIFY(got.size() <= 200);
    double globalMin = 1e9, globalMax = -1e9;
    for (int i = 1000; i <= 1999; ++i) {
        globalMin = std::min(globalMin, values[static_cast<std::size_t>(i)]);
        globalMax = std::max(globalMax, values[static_cast<std::size_t>(i)]);
    }
    double gotMin = 1e9, gotMax = -1e9;
    for (std::size_t k = 0; k < got.size(); ++k) {
        // Every point is a real sample at its real time, in time order.
        QCOMPARE(got[k].v, values[static_cast<std::size_t>(got[k].t / 1000)]);
        if (k > 0)
            QVERIFY(got[k].t > got[k - 1].t);
        gotMin = std::min(gotMin, got[k].v);
        gotMax = std::max(gotMax, got[k].v);
    }
    QCOMPARE(gotMin, globalMin);
    QCOMPARE(gotMax, globalMax);
    QCOMPARE(got.front().t, qint64{1'000'000});
    QCOMPARE(got.back().t, qint64{1'999'000});
    // The very old part (beyond every level's retention) is gone.
    store.points(id, 0, 3'000'000, got);
    QCOMPARE(got.size(), std::size_t{100});
    QCOMPARE(got.front().t, qint64{(3000 - 100) * 1000});
}

void TestSeriesStore::decimateCostIndependentOfHistory()
{
    // A day at 1 s: a full-range read touches at most ~4 items per pixel column.
    SeriesStore store(SeriesStoreConfig::signalsForADay());
    const auto id = store.addSeries();
    for (int i = 0; i < 86400; ++i) {
        store.beginScrape(i * 1000LL);
        store.append(id, (i % 600) * 0.25);
        store.endScrape();
    }
    std::vector<StorePoint> out;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < 20; ++i)
        store.decimate(id, 0, 86'399'000, 1600, out);
    const qint64 ns = timer.nsecsElapsed() / 20;
    QVERIFY(out.size() <= 4 * 1600);
    QVERIFY(!out.empty());
    QCOMPARE(out.front().t, qint64{0});
    QCOMPARE(out.back().t, qint64{86'399'000});
    qInfo("decimate 86400 -> 1600: %lld us, %zu points", ns / 1000, out.size());
    QVERIFY(ns < 50'000'000); // generous: timing is the benchmark's job
}

void TestSeriesStore::boundsAndEviction()
{
    SeriesStoreConfig cfg;
    cfg.maxSeries = 3;
    cfg.idlePollsBeforeEviction = 5;
    SeriesStore store(cfg);
    store.beginScrape(0);
    const auto a = store.addSeries();
    const auto b = store.addSeries();
    const auto c = store.addSeries();
    store.append(a, 1);
    store.append(b, 1);
    store.append(c, 1);
    store.endScrape();
    // Full, nobody idle: the new series is dropped and counted.
    std::uint32_t evicted = 0;
    store.beginScrape(1000);
    QCOMPARE(store.addSeries(&evicted), SeriesStore::kNoSeries);
    QCOMPARE(store.droppedSeries(), std::size_t{1});
    QCOMPARE(evicted, SeriesStore::kNoSeries);
    store.endScrape();
    // b goes idle; after 5 polls it is the one evicted for a newcomer.
    for (int i = 2; i < 9; ++i) {
        store.beginScrape(i * 1000);
        store.append(a, i);
        store.append(c, i);
        store.endScrape();
    }
    store.beginScrape(9000);
    const auto d = store.addSeries(&evicted);
    QVERIFY(d != SeriesStore::kNoSeries);
    QCOMPARE(evicted, b);
    QCOMPARE(store.evictedSeries(), std::size_t{1});
    QCOMPARE(store.seriesCount(), std::size_t{3});
    QVERIFY(!store.contains(b) || d == b);
    store.endScrape();
}

void TestSeriesStore::dropsIdleSeries()
{
    SeriesStoreConfig cfg;
    cfg.dropIdleAfterPolls = 10;
    SeriesStore store(cfg);
    const auto a = store.addSeries();
    const auto b = store.addSeries();
    for (int i = 0; i < 30; ++i) {
        store.beginScrape(i * 1000);
        store.append(a, i);
        if (i < 5)
            store.append(b, i);
        store.endScrape();
    }
    std::vector<std::uint32_t> dropped;
    store.dropIdleSeries(dropped);
    QCOMPARE(dropped, std::vector<std::uint32_t>{b});
    QVERIFY(store.contains(a));
    QVERIFY(!store.contains(b));
}

QTEST_GUILESS_MAIN(TestSeriesStore)
#include "TestSeriesStore.moc"
