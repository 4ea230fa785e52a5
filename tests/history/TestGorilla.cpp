// The Gorilla codec and the chunk frame: every value comes back bit for bit (NaN payloads, ±Inf,
// -0.0, denormals, counter resets, random bit patterns), every timestamp sequence (irregular,
// backwards, the int64 extremes), and a damaged stream is refused, never read past its end.

#include "models/history/Gorilla.h"
#include "models/history/HistoryBlock.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace ops;

namespace {

double fromBits(std::uint64_t b)
{
    double d;
    std::memcpy(&d, &b, 8);
    return d;
}
std::uint64_t bitsOf(double d)
{
    std::uint64_t b;
    std::memcpy(&b, &d, 8);
    return b;
}

void checkValues(const std::vector<double>& in)
{
    const auto bytes = encodeValues(in);
    std::vector<double> out;
    QVERIFY(decodeValues(bytes.data(), bytes.size(), in.size(), out));
    QCOMPARE(out.size(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (bitsOf(in[i]) != bitsOf(out[i]))
            QFAIL(qPrintable(QStringLiteral("value %1: %2 came back as %3")
                                 .arg(i)
                                 .arg(bitsOf(in[i]), 16, 16, QLatin1Char('0'))
                                 .arg(bitsOf(out[i]), 16, 16, QLatin1Char('0'))));
    }
}

void checkTimes(const std::vector<std::int64_t>& in)
{
    const auto bytes = encodeTimes(in);
    std::vector<std::int64_t> out;
    QVERIFY(decodeTimes(bytes.data(), bytes.size(), in.size(), out));
    QCOMPARE(out, in);
}

} // namespace

class TestGorilla : public QObject {
    Q_OBJECT
private slots:
    void specialValues();
    void randomBitPatterns();
    void counterResetsAndGauges();
    void everyWindowTransition();
    void regularTimestampsCostABit();
    void irregularTimestamps();
    void extremeTimestamps();
    void truncatedStreamsAreRefused();
    void blockRoundTrip();
    void blockDamageIsDetected();
    void rollupOfABlock();
};

void TestGorilla::specialValues()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> v = {0.0,
                             -0.0,
                             nan,
                             -nan,
                             fromBits(0x7FF0000000000001ull), // signalling NaN
                             fromBits(0x7FF8DEADBEEF0001ull), // NaN with a payload
                             fromBits(0xFFFFFFFFFFFFFFFFull),
                             inf,
                             -inf,
                             inf,
                             std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::min(),
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::lowest(),
                             std::numeric_limits<double>::epsilon(),
                             1.0,
                             1.0,
                             nan,
                             nan,
                             0.1,
                             0.2,
                             0.30000000000000004};
    checkValues(v);
    checkValues({nan});
    checkValues({});
}

void TestGorilla::randomBitPatterns()
{
    std::mt19937_64 rng(20261205);
    for (int run = 0; run < 50; ++run) {
        std::vector<double> v;
        for (int i = 0; i < 2000; ++i) {
            const std::uint64_t r = rng();
            switch (r % 4) {
            case 0:
                v.push_back(fromBits(rng())); // anything, NaNs included
                break;
            case 1:
                v.push_back(v.empty() ? 0.0 : v.back()); // a repeat
                break;
            case 2: // a near neighbour: few low bits change
                v.push_back(fromBits((v.empty() ? 0 : bitsOf(v.back())) ^ (rng() & 0xFFFF)));
                break;
            default: // a high bit flips: a new leading-zero window
                v.push_back(fromBits((v.empty() ? 0 : bitsOf(v.back())) ^ (1ull << (r % 64))));
                break;
            }
        }
        checkValues(v);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestGorilla::counterResetsAndGauges()
{
    std::vector<double> counter;
    double c = 0;
    for (int i = 0; i < 5000; ++i) {
        c += (i * 7919) % 13;
        if (i % 1000 == 999)
            c = 0; // a redeploy: the counter restarts
        counter.push_back(c);
    }
    checkValues(counter);
    std::vector<double> gauge;
    for (int i = 0; i < 5000; ++i)
        gauge.push_back(i % 50 == 0 ? std::numeric_limits<double>::quiet_NaN()
                                    : 0.25 + 0.01 * std::sin(i));
    checkValues(gauge);
    // A constant costs about a bit a point.
    const auto bytes = encodeValues(std::vector<double>(8000, 3.5));
    QVERIFY2(bytes.size() <= 8 + 8000 / 8 + 1, qPrintable(QString::number(bytes.size())));
}

void TestGorilla::everyWindowTransition()
{
    // Each pair of (leading, trailing) windows, reused and replaced.
    std::vector<double> v = {0.0};
    for (int lead = 0; lead < 64; lead += 3) {
        for (int len = 1; lead + len <= 64; len += 5) {
            const int trail = 64 - lead - len;
            const std::uint64_t mask =
                (len == 64 ? ~0ull : ((1ull << len) - 1)) << trail | (1ull << trail);
            v.push_back(fromBits(bitsOf(v.back()) ^ mask));
            v.push_back(fromBits(bitsOf(v.back()) ^ (1ull << trail)));
        }
    }
    checkValues(v);
}

void TestGorilla::regularTimestampsCostABit()
{
    std::vector<std::int64_t> t;
    for (int i = 0; i < 86400; ++i)
        t.push_back(1'767'225'600'000 + std::int64_t{i} * 1000);
    checkTimes(t);
    const auto bytes = encodeTimes(t);
    QVERIFY2(bytes.size() <= 8 + 2 + 86400 / 8 + 1, qPrintable(QString::number(bytes.size())));
}

void TestGorilla::irregularTimestamps()
{
    std::mt19937_64 rng(7);
    std::vector<std::int64_t> t;
    std::int64_t now = 1'767'225'600'000;
    for (int i = 0; i < 20000; ++i) {
        const auto r = rng();
        switch (r % 6) {
        case 0:
            now += 1000;
            break;
        case 1:
            now += 1000 + static_cast<std::int64_t>(r % 40) - 20; // timer jitter
            break;
        case 2:
            now += static_cast<std::int64_t>(r % 5000); // a slow poll
            break;
        case 3:
            now += static_cast<std::int64_t>(r % 100'000'000); // the console was not running
            break;
        case 4:
            now -= static_cast<std::int64_t>(r % 3000); // clock stepped back
            break;
        default:
            break; // the same millisecond twice
        }
        t.push_back(now);
    }
    checkTimes(t);
}

void TestGorilla::extremeTimestamps()
{
    const auto mn = std::numeric_limits<std::int64_t>::min();
    const auto mx = std::numeric_limits<std::int64_t>::max();
    checkTimes({mn, mx, mn, 0, -1, 1, mx, mx, mn + 1});
    checkTimes({0});
    checkTimes({});
}

void TestGorilla::truncatedStreamsAreRefused()
{
    std::vector<double> v;
    for (int i = 0; i < 300; ++i)
        v.push_back(std::sqrt(double(i)));
    const auto bytes = encodeValues(v);
    std::vector<double> out;
    for (std::size_t cut = 0; cut < bytes.size(); cut += 7)
        QVERIFY(!decodeValues(bytes.data(), cut, v.size(), out));
    std::vector<std::int64_t> times;
    for (int i = 0; i < 300; ++i)
        times.push_back(i * 1234567);
    const auto tb = encodeTimes(times);
    std::vector<std::int64_t> tout;
    for (std::size_t cut = 0; cut + 1 < tb.size(); cut += 3)
        QVERIFY(!decodeTimes(tb.data(), cut, times.size(), tout));
}

namespace {
HistoryBlock sampleBlock()
{
    HistoryBlock b;
    b.group = "endpoints";
    for (int i = 0; i < 500; ++i)
        b.times.push_back(1'767'225'600'000 + i * 997);
    for (int s = 0; s < 3; ++s) {
        HistorySeries series;
        series.name = "bhiv_endpoint_request_rate{endpoint=\"/v1/" + std::to_string(s) + "\"}";
        series.columns.resize(1);
        for (int i = 0; i < 500; ++i)
            series.columns[0].push_back(i % 9 == 0 ? std::numeric_limits<double>::quiet_NaN()
                                                   : (i * (s + 1)) % 17 / 3.0);
        b.series.push_back(series);
    }
    return b;
}
} // namespace

void TestGorilla::blockRoundTrip()
{
    const HistoryBlock b = sampleBlock();
    const auto bytes = encodeBlock(b);
    std::size_t frame = 0;
    HistoryBlock back;
    QCOMPARE(decodeBlock(bytes.data(), bytes.size(), frame, &back), BlockReadStatus::Ok);
    QCOMPARE(frame, bytes.size());
    QCOMPARE(back.group, b.group);
    QCOMPARE(back.times, b.times);
    QCOMPARE(back.series.size(), b.series.size());
    for (std::size_t s = 0; s < b.series.size(); ++s) {
        QCOMPARE(back.series[s].name, b.series[s].name);
        for (std::size_t i = 0; i < b.times.size(); ++i)
            QCOMPARE(bitsOf(back.series[s].columns[0][i]), bitsOf(b.series[s].columns[0][i]));
    }
}

void TestGorilla::blockDamageIsDetected()
{
    const auto bytes = encodeBlock(sampleBlock());
    std::size_t frame = 0;
    // Every single flipped bit of the payload and header is caught (CRC-32 finds them all).
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto damaged = bytes;
        damaged[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
        HistoryBlock b;
        const auto status = decodeBlock(damaged.data(), damaged.size(), frame, &b);
        QVERIFY2(status != BlockReadStatus::Ok, qPrintable(QString::number(i)));
    }
    // A torn tail is "truncated", whatever the cut.
    for (std::size_t cut = 0; cut < bytes.size(); cut += 5) {
        HistoryBlock b;
        QCOMPARE(decodeBlock(bytes.data(), cut, frame, &b), BlockReadStatus::Truncated);
    }
}

void TestGorilla::rollupOfABlock()
{
    HistoryBlock raw;
    raw.group = "target";
    HistorySeries s;
    s.name = "x";
    s.columns.resize(1);
    const qint64 t0 = 1'767'225'600'000;
    for (int i = 0; i < 180; ++i) { // three minutes of 1 s polls
        raw.times.push_back(t0 + i * 1000);
        s.columns[0].push_back(i >= 120 ? std::numeric_limits<double>::quiet_NaN() : double(i));
    }
    raw.series.push_back(s);
    const HistoryBlock r = rollupOf(raw, 60'000);
    QCOMPARE(r.kind, HistoryKind::Rollup);
    QCOMPARE(r.times, (std::vector<qint64>{t0, t0 + 60'000, t0 + 120'000}));
    const auto& c = r.series[0].columns;
    QCOMPARE(c[0][0], 0.0);
    QCOMPARE(c[1][0], 59.0);
    QCOMPARE(c[2][0], 29.5);
    QCOMPARE(c[3][0], 59.0);
    QCOMPARE(c[0][1], 60.0);
    QCOMPARE(c[3][1], 119.0);
    QVERIFY(std::isnan(c[2][2])); // a minute of gaps stays a gap
    const auto bytes = encodeBlock(r);
    HistoryBlock back;
    std::size_t frame = 0;
    QCOMPARE(decodeBlock(bytes.data(), bytes.size(), frame, &back), BlockReadStatus::Ok);
    QCOMPARE(back.series[0].columns[2][0], 29.5);
}

QTEST_GUILESS_MAIN(TestGorilla)
#include "TestGorilla.moc"
