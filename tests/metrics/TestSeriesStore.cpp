#include "models/metrics/SeriesStore.h"

#include <QElapsedTimer>
#include <QTest>

#include <bit>
#include <cmath>
#include <limits>
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

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

quint64 bitsOf(double v)
{
    return std::bit_cast<quint64>(v);
}

// Values of every kind the codec has a path for, `n` of them.
std::vector<double> valuesOfKind(const QString& kind, int n)
{
    std::mt19937_64 rng(42);
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        if (kind == "special") {
            static const double special[] = {0.0,
                                             -0.0,
                                             kInf,
                                             -kInf,
                                             kNaN,
                                             std::numeric_limits<double>::denorm_min(),
                                             -std::numeric_limits<double>::denorm_min(),
                                             2.2250738585072009e-308, // largest denormal
                                             std::numeric_limits<double>::min(),
                                             std::numeric_limits<double>::max(),
                                             std::numeric_limits<double>::lowest(),
                                             1.0,
                                             -1.0,
                                             0.1,
                                             1e300};
            v.push_back(
                special[(static_cast<std::size_t>(i) * 7 + rng() % 3) % std::size(special)]);
        } else if (kind == "counter with resets") {
            // Grows by 0-40 a poll, restarts from zero now and then (a redeploy).
            const double previous = v.empty() ? 0.0 : v.back();
            v.push_back(i % 613 == 612 ? static_cast<double>(rng() % 5)
                                       : previous + static_cast<double>(rng() % 41));
        } else if (kind == "large integers") {
            v.push_back(1e15 + static_cast<double>(i) * 3.0 + static_cast<double>(rng() % 2));
        } else if (kind == "noisy doubles") {
            v.push_back(std::bit_cast<double>(rng() & 0x7FEFFFFFFFFFFFFFull) *
                        ((rng() & 1) ? 1.0 : -1.0));
        } else if (kind == "latency average") {
            v.push_back(0.05 + static_cast<double>(rng() % 100000) / 1e6 / 3.0);
        } else if (kind == "few values") {
            // A quantile from bucket deltas: one of 40 values (more than a dictionary holds),
            // often the same again.
            if (i > 0 && rng() % 4 == 0)
                v.push_back(v.back());
            else
                v.push_back(0.25 + static_cast<double>(rng() % 40) * 0.0123456789);
        } else if (kind == "runs") {
            // Long constant stretches (up to 300 polls) broken at every offset, gaps included.
            const int phase = i % 301;
            v.push_back(phase < 7 ? static_cast<double>(phase) : (i / 301) % 3 == 0 ? kNaN : 42.5);
        } else if (kind == "mixed") {
            const int pick = static_cast<int>(rng() % 6);
            const double previous = v.empty() ? 1.0 : v.back();
            const double options[] = {previous,
                                      kNaN,
                                      static_cast<double>(rng() % 3),
                                      std::bit_cast<double>(rng() >> 2),
                                      -0.0,
                                      previous + 1.0};
            v.push_back(options[pick]);
        }
    }
    return v;
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
    void losslessRoundTrip_data();
    void losslessRoundTrip();
    void roundTripAcrossChunkAndRingBoundaries();
    void codecCostFollowsTheValues();
    void cachedBucketsFollowTheData();
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

void TestSeriesStore::losslessRoundTrip_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("config"); // 0: a day of signals, 1: raw series, 2: defaults, 3: none
    for (const char* kind : {"special", "counter with resets", "large integers", "noisy doubles",
                             "latency average", "few values", "runs", "mixed"}) {
        for (int config = 0; config < 4; ++config) {
            QTest::addRow("%s, config %d", kind, config) << QString::fromLatin1(kind) << config;
        }
    }
}

// Every value comes back bit for bit (NaN: as a gap), at irregular times, through points(),
// latest() and a full-resolution decimate().
void TestSeriesStore::losslessRoundTrip()
{
    QFETCH(QString, kind);
    QFETCH(int, config);
    constexpr int kPoints = 5000;
    SeriesStoreConfig cfg = config == 0   ? SeriesStoreConfig::signalsForADay(20000)
                            : config == 1 ? SeriesStoreConfig::rawSeries(kPoints)
                                          : SeriesStoreConfig{};
    if (config == 2)
        cfg.fullResolutionPoints = kPoints;
    if (config == 3) {
        cfg.fullResolutionPoints = kPoints;
        cfg.dictionaryValues = 0;
        cfg.chunkPoints = 8;
    }
    SeriesStore store(cfg);
    const auto id = store.addSeries();
    const auto other = store.addSeries(); // interleaved, so no state leaks between series
    const std::vector<double> values = valuesOfKind(kind, kPoints);
    std::vector<qint64> times;
    std::mt19937 rng(3);
    qint64 t = 1'700'000'000'000;
    for (int i = 0; i < kPoints; ++i) {
        t += i % 97 == 0 ? 60'000 : 250 + static_cast<qint64>(rng() % 2000); // irregular
        times.push_back(t);
        store.beginScrape(t);
        store.append(id, values[static_cast<std::size_t>(i)]);
        store.append(other, static_cast<double>(i % 5));
        store.endScrape();
        QCOMPARE(bitsOf(store.latest(id)), bitsOf(values[static_cast<std::size_t>(i)]));
    }
    std::vector<StorePoint> got;
    store.points(id, times.front(), times.back(), got);
    std::size_t k = 0;
    for (int i = 0; i < kPoints; ++i) {
        const double v = values[static_cast<std::size_t>(i)];
        if (std::isnan(v))
            continue;
        QVERIFY2(k < got.size(), qPrintable(QStringLiteral("point %1 missing").arg(i)));
        QCOMPARE(got[k].t, times[static_cast<std::size_t>(i)]);
        if (bitsOf(got[k].v) != bitsOf(v))
            QFAIL(qPrintable(QStringLiteral("point %1: %2 (%3) came back as %4 (%5)")
                                 .arg(i)
                                 .arg(v, 0, 'g', 17)
                                 .arg(bitsOf(v), 16, 16, QLatin1Char('0'))
                                 .arg(got[k].v, 0, 'g', 17)
                                 .arg(bitsOf(got[k].v), 16, 16, QLatin1Char('0'))));
        ++k;
    }
    QCOMPARE(k, got.size());
    // A decimation with room for every point returns exactly the points.
    std::vector<StorePoint> decimated;
    store.decimate(id, times.front(), times.back(), 4 * kPoints, decimated);
    QCOMPARE(decimated.size(), got.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(decimated[i].t, got[i].t);
        QCOMPARE(bitsOf(decimated[i].v), bitsOf(got[i].v));
    }
    store.points(other, times.front(), times.back(), got);
    QCOMPARE(got.size(), std::size_t{kPoints});
    QCOMPARE(got[1234].v, 4.0);
}

// A series that starts mid-chunk, a ring that laps many times, reads that start and end inside
// chunks: always the last fullResolutionPoints values, exact.
void TestSeriesStore::roundTripAcrossChunkAndRingBoundaries()
{
    SeriesStoreConfig cfg;
    cfg.fullResolutionPoints = 300;
    cfg.chunkPoints = 64;
    cfg.levels = {{16, 40}};
    SeriesStore store(cfg);
    const auto early = store.addSeries();
    const std::vector<double> values = valuesOfKind(QStringLiteral("mixed"), 5000);
    std::uint32_t late = SeriesStore::kNoSeries;
    for (int i = 0; i < 5000; ++i) {
        store.beginScrape(i * 1000LL);
        if (i == 37)
            late = store.addSeries(); // mid-chunk
        store.append(early, values[static_cast<std::size_t>(i)]);
        if (late != SeriesStore::kNoSeries)
            store.append(late, values[static_cast<std::size_t>(4999 - i)]);
        store.endScrape();
        if (i == 100 || i == 299 || i == 4999) {
            for (const auto& [series, offset] : {std::pair{early, 0}, std::pair{late, 1}}) {
                std::vector<StorePoint> got;
                store.points(series, 0, i * 1000LL, got);
                std::size_t k = 0;
                const int first = std::max(series == late ? 37 : 0, i - 299);
                for (int j = first; j <= i; ++j) {
                    const double v = values[static_cast<std::size_t>(offset ? 4999 - j : j)];
                    if (std::isnan(v))
                        continue;
                    QVERIFY(k < got.size());
                    QCOMPARE(got[k].t, j * 1000LL);
                    QCOMPARE(bitsOf(got[k].v), bitsOf(v));
                    ++k;
                }
                QCOMPARE(k, got.size());
                // A read starting and ending inside chunks.
                store.points(series, (i - 100) * 1000LL + 1, (i - 3) * 1000LL, got);
                for (const StorePoint& p : got) {
                    const auto j = static_cast<std::size_t>(p.t / 1000);
                    QVERIFY(p.t > (i - 100) * 1000LL && p.t <= (i - 3) * 1000LL);
                    QCOMPARE(bitsOf(p.v), bitsOf(values[offset ? 4999 - j : j]));
                }
            }
        }
    }
    // The summaries answer with real points (exact values at their times) for old ranges.
    std::vector<StorePoint> summary;
    store.decimate(early, 4400'000, 4999'000, 20, summary);
    QVERIFY(!summary.empty());
    for (const StorePoint& p : summary)
        QCOMPARE(bitsOf(p.v), bitsOf(values[static_cast<std::size_t>(p.t / 1000)]));
}

// What the values cost: runs of repeats nearly nothing, a value seen again in the chunk a nibble
// (the dictionary), integers a few bytes (trailing zero bytes left out).
void TestSeriesStore::codecCostFollowsTheValues()
{
    SeriesStore store(SeriesStoreConfig::signalsForADay(20000));
    const auto constant = store.addSeries();
    const auto gaps = store.addSeries();
    const auto fewValues = store.addSeries();
    const auto someValues = store.addSeries();
    const auto counter = store.addSeries();
    const auto noisy = store.addSeries();
    std::mt19937_64 rng(9);
    double count = 1e6;
    constexpr int kPoints = 16384;
    for (int i = 0; i < kPoints; ++i) {
        store.beginScrape(i * 1000LL);
        store.append(constant, 0.125);
        store.append(fewValues, 0.05 + static_cast<double>(rng() % 9) * 0.0371);
        store.append(someValues, 0.05 + static_cast<double>(rng() % 24) * 0.0371);
        count += static_cast<double>(20 + rng() % 5);
        store.append(counter, count);
        store.append(noisy, 0.05 + static_cast<double>(rng() % 1000000) * 1e-7 / 3);
        store.endScrape(); // `gaps` gets NaN every scrape
    }
    auto perPoint = [&](std::uint32_t id) {
        const SeriesStoreMemory m = store.memoryUsage(id);
        return static_cast<double>(m.valueBytes) / static_cast<double>(m.pointsHeld);
    };
    QCOMPARE(store.memoryUsage(constant).pointsHeld, std::size_t{kPoints});
    QVERIFY2(perPoint(constant) < 0.02, qPrintable(QString::number(perPoint(constant))));
    QVERIFY2(perPoint(gaps) < 0.02, qPrintable(QString::number(perPoint(gaps))));
    // 9 distinct values: a nibble each once the chunk has met them; 24: some need a byte more.
    QVERIFY2(perPoint(fewValues) < 0.6, qPrintable(QString::number(perPoint(fewValues))));
    QVERIFY2(perPoint(someValues) < 1.3, qPrintable(QString::number(perPoint(someValues))));
    // Counter near 1e6 growing by 20-24: the XOR spans 2 bytes, plus header and nibble.
    QVERIFY2(perPoint(counter) < 3.6, qPrintable(QString::number(perPoint(counter))));
    // Noise costs what it holds, never more than 8 bytes and a nibble.
    QVERIFY2(perPoint(noisy) <= 8.5, qPrintable(QString::number(perPoint(noisy))));
    const SeriesStoreMemory total = store.memoryUsage();
    QCOMPARE(total.pointsHeld, std::size_t{6 * kPoints});
    QVERIFY(total.valueCapacity >= total.valueBytes);
    QCOMPARE(store.memoryBytes(), total.total());
}

// A day store reads wide ranges from cached 64-poll buckets of whole chunks: every point is a
// stored one, the extremes are kept, new polls show up at once, and a series id handed to a new
// series never shows the old one's buckets.
void TestSeriesStore::cachedBucketsFollowTheData()
{
    constexpr int kPolls = 20000;
    SeriesStore store(SeriesStoreConfig::signalsForADay(kPolls));
    auto id = store.addSeries();
    std::mt19937_64 rng(5);
    std::vector<double> values;
    auto poll = [&](double v) {
        const auto i = static_cast<qint64>(values.size());
        store.beginScrape(i * 1000);
        store.append(id, v);
        store.endScrape();
        values.push_back(v);
    };
    for (int i = 0; i < kPolls; ++i)
        poll(std::sin(i / 300.0) + static_cast<double>(rng() % 1000) * 1e-4);
    auto check = [&](qint64 from, qint64 to, int width) {
        // Full resolution reaches back kPolls polls.
        from = std::max(from, (static_cast<qint64>(values.size()) - kPolls) * 1000);
        std::vector<StorePoint> got;
        store.decimate(id, from, to, width, got);
        QVERIFY(!got.empty());
        QVERIFY(got.size() <= static_cast<std::size_t>(4 * width));
        double wantMin = 1e9, wantMax = -1e9, gotMin = 1e9, gotMax = -1e9;
        for (qint64 t = (from + 999) / 1000 * 1000; t <= to; t += 1000) {
            const double v = values[static_cast<std::size_t>(t / 1000)];
            wantMin = std::min(wantMin, v);
            wantMax = std::max(wantMax, v);
        }
        for (std::size_t k = 0; k < got.size(); ++k) {
            QCOMPARE(bitsOf(got[k].v), bitsOf(values[static_cast<std::size_t>(got[k].t / 1000)]));
            if (k > 0)
                QVERIFY(got[k].t > got[k - 1].t);
            gotMin = std::min(gotMin, got[k].v);
            gotMax = std::max(gotMax, got[k].v);
        }
        QCOMPARE(gotMin, wantMin);
        QCOMPARE(gotMax, wantMax);
        QCOMPARE(got.back().t, to / 1000 * 1000);
        QVERIFY(got.front().t >= from && got.front().t < from + 1000);
    };
    check(0, (kPolls - 1) * 1000LL, 800); // whole day: cached buckets
    check(1234'567, 17'654'321, 300);     // ends inside chunks
    check(0, (kPolls - 1) * 1000LL, 800); // again, from the cache
    // New polls, a spike among them: the next read has them.
    poll(50.0);
    for (int i = 0; i < 1500; ++i)
        poll(0.5);
    check(0, static_cast<qint64>(values.size() - 1) * 1000, 800);
    // The id goes to a new series: its reads never show the old buckets.
    store.removeSeries(id);
    store.beginScrape(static_cast<qint64>(values.size()) * 1000);
    const auto reused = store.addSeries();
    store.append(reused, -7.0);
    store.endScrape();
    std::vector<StorePoint> got;
    store.decimate(reused, 0, static_cast<qint64>(values.size()) * 1000, 800, got);
    QCOMPARE(got.size(), std::size_t{1});
    QCOMPARE(got[0].v, -7.0);
}

QTEST_GUILESS_MAIN(TestSeriesStore)
#include "TestSeriesStore.moc"
