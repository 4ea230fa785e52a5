// The Gorilla codec and the chunk frame: every value comes back bit for bit in both value codes
// (NaN payloads, ±Inf, -0.0, denormals, counter resets, random bit patterns, recent values
// reused), every timestamp sequence (irregular, backwards, the int64 extremes), chunks of the
// first format still read, and a damaged stream is refused, never read past its end.

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

void checkValuesWith(const std::vector<double>& in, ValueCodec codec)
{
    const auto bytes = encodeValues(in, codec);
    std::vector<double> out;
    QVERIFY(decodeValues(bytes.data(), bytes.size(), in.size(), out, codec));
    QCOMPARE(out.size(), in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (bitsOf(in[i]) != bitsOf(out[i]))
            QFAIL(qPrintable(QStringLiteral("codec %1, value %2: %3 came back as %4")
                                 .arg(int(codec))
                                 .arg(i)
                                 .arg(bitsOf(in[i]), 16, 16, QLatin1Char('0'))
                                 .arg(bitsOf(out[i]), 16, 16, QLatin1Char('0'))));
    }
}

// Both value codes: the one chunks are written with and the one the first stores hold.
void checkValues(const std::vector<double>& in)
{
    checkValuesWith(in, ValueCodec::GorillaRecent);
    if (!QTest::currentTestFailed())
        checkValuesWith(in, ValueCodec::Gorilla);
}

// Values drawn from `distinct` bucket-interpolated-quantile-like values, as a histogram's p95
// with a few requests a poll moves between them.
std::vector<double> alternating(std::size_t count, int distinct, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<double> v;
    for (std::size_t i = 0; i < count; ++i)
        v.push_back(0.1 + 0.4 * double(rng() % std::uint64_t(distinct)) / 7.0);
    return v;
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
    void recentValuesCostSixBits();
    void recentValuesBeyondTheRing();
    void unseenRecentIndexIsRefused();
    void blockRoundTrip();
    void chunksOfTheFirstFormatStillRead();
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
    for (const ValueCodec codec : {ValueCodec::GorillaRecent, ValueCodec::Gorilla}) {
        const auto bytes = encodeValues(v, codec);
        std::vector<double> out;
        for (std::size_t cut = 0; cut < bytes.size(); cut += 7)
            QVERIFY(!decodeValues(bytes.data(), cut, v.size(), out, codec));
    }
    std::vector<std::int64_t> times;
    for (int i = 0; i < 300; ++i)
        times.push_back(i * 1234567);
    const auto tb = encodeTimes(times);
    std::vector<std::int64_t> tout;
    for (std::size_t cut = 0; cut + 1 < tb.size(); cut += 3)
        QVERIFY(!decodeTimes(tb.data(), cut, times.size(), tout));
}

void TestGorilla::recentValuesCostSixBits()
{
    // Five values in random order, a 15-minute chunk of 1 s polls: each change is a 6-bit
    // reference to a recent value instead of a ~50-bit XOR.
    const std::vector<double> v = alternating(900, 5, 11);
    checkValues(v);
    const double recent = double(encodeValues(v, ValueCodec::GorillaRecent).size()) / 900.0;
    const double gorilla = double(encodeValues(v, ValueCodec::Gorilla).size()) / 900.0;
    QVERIFY2(recent <= 0.8, qPrintable(QString::number(recent)));
    QVERIFY2(gorilla >= 3 * recent,
             qPrintable(QStringLiteral("%1 vs %2 B a value").arg(gorilla).arg(recent)));
    // Values that never repeat cost at most a bit more than the paper's code.
    std::vector<double> unique;
    for (int i = 0; i < 900; ++i)
        unique.push_back(0.05 + std::sqrt(double(i)) * 1e-3);
    checkValues(unique);
    const double uniqueRecent = double(encodeValues(unique).size());
    const double uniqueGorilla = double(encodeValues(unique, ValueCodec::Gorilla).size());
    QVERIFY2(uniqueRecent <= uniqueGorilla + 900.0 / 8 + 1,
             qPrintable(QStringLiteral("%1 vs %2 B").arg(uniqueRecent).arg(uniqueGorilla)));
}

void TestGorilla::recentValuesBeyondTheRing()
{
    // More distinct values than the ring holds: the oldest are forgotten and come back as XORs,
    // every value still exact (a ring that lapped, values that re-enter it, NaN among them).
    std::vector<double> v = alternating(3000, 40, 5);
    for (std::size_t i = 0; i < v.size(); i += 37)
        v[i] = std::numeric_limits<double>::quiet_NaN();
    checkValues(v);
    std::vector<double> cycle;
    for (int i = 0; i < 2000; ++i)
        cycle.push_back(double(i % (XorState::kRecentValues + 1))); // always just evicted
    checkValues(cycle);
}

void TestGorilla::unseenRecentIndexIsRefused()
{
    // One value, then '10' and index 5: the ring holds one value, so the stream is corrupt.
    std::vector<std::uint8_t> bytes;
    BitWriter w(bytes);
    w.write(bitsOf(1.5), 64);
    w.write(0b10, 2);
    w.write(5, 4);
    std::vector<double> out;
    QVERIFY(!decodeValues(bytes.data(), bytes.size(), 2, out));
    // Index 0 is the one value seen: that reads.
    std::vector<std::uint8_t> fine;
    BitWriter f(fine);
    f.write(bitsOf(1.5), 64);
    f.write(0b10, 2);
    f.write(0, 4);
    QVERIFY(decodeValues(fine.data(), fine.size(), 2, out));
    QCOMPARE(out, (std::vector<double>{1.5, 1.5}));
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

void TestGorilla::chunksOfTheFirstFormatStillRead()
{
    // A chunk as the first stores wrote it ("BHC1", the paper's Gorilla columns): two series
    // over five irregular polls, NaN, -0.0 and +Inf among the values. A store written before
    // the recent-value code keeps reading.
    const QByteArray v1 =
        QByteArray::fromHex("4248433100060000800000003a80915105000000020000007461726765740f00"
                            "00000000019b76daa800e3e870fa7706001000626869765f6c6174656e63795f"
                            "703935100000003fd0000000000000d40f784b805a00c01100626869765f7265"
                            "71756573745f7261746522000000406e36666666666660fb01b8d9999999999d"
                            "ffe00000000000023fd8000000000000");
    std::size_t frame = 0;
    HistoryBlock back;
    const auto* data = reinterpret_cast<const std::uint8_t*>(v1.constData());
    QCOMPARE(decodeBlock(data, std::size_t(v1.size()), frame, &back), BlockReadStatus::Ok);
    QCOMPARE(frame, std::size_t(v1.size()));
    QCOMPARE(back.group, std::string("target"));
    QCOMPARE(back.times, (std::vector<qint64>{1767225600000, 1767225601000, 1767225602000,
                                              1767225603500, 1767225604500}));
    QCOMPARE(back.series.size(), std::size_t(2));
    QCOMPARE(back.series[0].name, std::string("bhiv_latency_p95"));
    const auto& p95 = back.series[0].columns[0];
    QCOMPARE(p95[0], 0.25);
    QCOMPARE(p95[1], 0.5);
    QCOMPARE(p95[2], 0.25);
    QVERIFY(std::isnan(p95[3]));
    QCOMPARE(p95[4], 0.5);
    QCOMPARE(back.series[1].name, std::string("bhiv_request_rate"));
    const auto& rate = back.series[1].columns[0];
    QCOMPARE(rate[0], 241.7);
    QCOMPARE(rate[1], 241.7);
    QCOMPARE(bitsOf(rate[2]), bitsOf(-0.0));
    QCOMPARE(rate[3], std::numeric_limits<double>::infinity());
    QCOMPARE(rate[4], 12.0);
    // What is written now says which code it holds, and reads back the same values.
    const auto now = encodeBlock(back);
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(now.data()), 4), QByteArray("BHC2"));
    HistoryBlock again;
    QCOMPARE(decodeBlock(now.data(), now.size(), frame, &again), BlockReadStatus::Ok);
    for (std::size_t s = 0; s < 2; ++s) {
        for (std::size_t i = 0; i < 5; ++i)
            QCOMPARE(bitsOf(again.series[s].columns[0][i]), bitsOf(back.series[s].columns[0][i]));
    }
    // A flipped bit in the old chunk is still caught by its checksum.
    QByteArray damaged = v1;
    damaged[40] = char(damaged[40] ^ 0x10);
    QCOMPARE(decodeBlock(reinterpret_cast<const std::uint8_t*>(damaged.constData()),
                         std::size_t(damaged.size()), frame, &back),
             BlockReadStatus::BadChecksum);
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
