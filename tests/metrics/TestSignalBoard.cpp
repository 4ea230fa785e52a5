#include "tests/bench/ScrapeSimulator.h"

#include "models/domain/Clock.h"
#include "models/metrics/SignalBoard.h"
#include "models/metrics/SignalDeriver.h"

#include "tests/support/TestData.h"

#include <QTest>

#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace ops;

namespace {

std::string_view view(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

const EndpointRow* row(const SignalBoard& board, std::string_view endpoint)
{
    for (const auto& r : board.endpointTable()) {
        if (r.endpoint == endpoint)
            return &r;
    }
    return nullptr;
}

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

// What the deriver computed, scrape by scrape: the points a board fed its frames must hold (a
// NaN is a gap, which SeriesStore::points() skips).
struct DerivedPoints {
    std::array<std::vector<StorePoint>, kSignalCount> target;
    std::map<std::string, std::array<std::vector<StorePoint>, kEndpointSignalCount>> endpoints;

    void record(qint64 timeMs, const SignalDeriver& deriver)
    {
        for (std::size_t i = 0; i < kSignalCount; ++i) {
            const double v = deriver.latest(static_cast<SignalId>(i));
            if (!std::isnan(v))
                target[i].push_back({timeMs, v});
        }
        for (const EndpointValues& e : deriver.endpointTable()) {
            auto& series = endpoints[e.endpoint];
            for (std::size_t k = 0; k < kEndpointSignalCount; ++k) {
                if (!std::isnan(e.latest[k]))
                    series[k].push_back({timeMs, e.latest[k]});
            }
        }
    }
};

} // namespace

// The board holds nothing parsed: the raw series and their index stay with the deriver.
template <typename Signals> constexpr bool holdsRawSeries = requires(const Signals& s)
{
    s.seriesIndex();
    s.rawStore();
};
static_assert(holdsRawSeries<SignalDeriver>);
static_assert(!holdsRawSeries<SignalBoard>);

class TestSignalBoard : public QObject {
    Q_OBJECT
private slots:
    void boardFedFramesMatchesTheDeriver();
    void overridesShowUntilTheNextFrame();
};

// The console parses on a worker (SignalDeriver) and applies each scrape's frame to the board on
// the UI thread: the board must show exactly what the deriver computed, across new endpoints
// and a redeploy.
void TestSignalBoard::boardFedFramesMatchesTheDeriver()
{
    const QByteArray body = test::readData(QStringLiteral("metrics/gateway-10k.prom"));
    bench::ScrapeSimulator sim(view(body));
    SignalDeriver deriver;
    SignalBoard board;
    DerivedPoints derived;
    ManualClock clock;
    for (int poll = 0; poll < 12; ++poll) {
        if (poll == 7)
            sim.redeploy();
        clock.advanceMs(1000);
        QVERIFY(deriver.ingest(clock.nowMs(), sim.next(), MetricsFormat::PrometheusText).ok);
        derived.record(clock.nowMs(), deriver);
        board.applyFrame(deriver.scrapeFrame(clock.nowMs()));
    }
    // Another endpoint appears late, in a scrape of its own.
    const QByteArray extra = body + "api_requests_total{endpoint=\"/late\",method=\"PATCH\"} 3\n";
    clock.advanceMs(1000);
    QVERIFY(deriver.ingest(clock.nowMs(), view(extra), MetricsFormat::PrometheusText).ok);
    derived.record(clock.nowMs(), deriver);
    board.applyFrame(deriver.scrapeFrame(clock.nowMs()));

    QCOMPARE(board.dialect(), deriver.dialect());
    QCOMPARE(board.mapping().requestsCounter, deriver.mapping().requestsCounter);
    QCOMPARE(board.counterResets(), deriver.counterResets());
    QCOMPARE(board.scrapedSeries(), deriver.scrapedSeries());
    QCOMPARE(board.droppedSeries(), deriver.droppedSeries());
    QCOMPARE(board.evictedSeries(), deriver.evictedSeries());
    QCOMPARE(board.processStartSeconds(), deriver.processStartSeconds());
    QVERIFY(deriver.scrapedSeries() > 10000);
    QVERIFY(deriver.counterResets() > 0);
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        const auto id = static_cast<SignalId>(i);
        QVERIFY2(sameValue(deriver.latest(id), board.latest(id)), signalName(id).data());
        std::vector<StorePoint> held;
        board.signalStore().points(board.signalSeries(id), 0, clock.nowMs(), held);
        const std::vector<StorePoint>& expected = derived.target[i];
        QCOMPARE(held.size(), expected.size());
        for (std::size_t k = 0; k < expected.size(); ++k) {
            QCOMPARE(held[k].t, expected[k].t);
            QCOMPARE(held[k].v, expected[k].v);
        }
    }
    QVERIFY(std::isfinite(board.latest(SignalId::RequestRate)));
    QCOMPARE(board.endpointTable().size(), deriver.endpointTable().size());
    QVERIFY(row(board, "/late") != nullptr);
    for (std::size_t e = 0; e < deriver.endpointTable().size(); ++e) {
        const EndpointValues& d = deriver.endpointTable()[e];
        const EndpointRow& b = board.endpointTable()[e];
        QCOMPARE(b.endpoint, d.endpoint);
        QCOMPARE(b.requestsTotal, d.requestsTotal);
        for (std::size_t k = 0; k < kEndpointSignalCount; ++k) {
            QVERIFY(sameValue(d.latest[k], b.latest[k]));
            std::vector<StorePoint> held;
            board.signalStore().points(b.series[k], 0, clock.nowMs(), held);
            const std::vector<StorePoint>& expected = derived.endpoints[d.endpoint][k];
            QCOMPARE(held.size(), expected.size());
            for (std::size_t p = 0; p < expected.size(); ++p) {
                QCOMPARE(held[p].t, expected[p].t);
                QCOMPARE(held[p].v, expected[p].v);
            }
        }
    }
    QCOMPARE(board.endpointMethods(), deriver.endpointMethods());
    QVERIFY(board.endpointMethods().at("/late").count("PATCH") == 1);

    // Workflow outcomes (the modular dialect).
    const QByteArray modular = test::readData(QStringLiteral("metrics/v321-gateway.prom"));
    SignalDeriver modularDeriver;
    SignalBoard modularBoard;
    QVERIFY(modularDeriver.ingest(clock.nowMs(), view(modular), MetricsFormat::PrometheusText).ok);
    modularBoard.applyFrame(modularDeriver.scrapeFrame(clock.nowMs()));
    const auto expected = modularDeriver.workflowTable();
    const auto& workflows = modularBoard.workflowTable();
    QVERIFY(!expected.empty());
    QCOMPARE(workflows.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(workflows[i].workflowType, expected[i].workflowType);
        QCOMPARE(workflows[i].status, expected[i].status);
        QCOMPARE(workflows[i].executions, expected[i].executions);
    }
    QCOMPARE(modularBoard.dialect(), Dialect::Modular);
}

// An operator's role override shows on the board at once, over the last frame's mapping; the
// next frame's mapping (the deriver's, which has the override too) replaces it.
void TestSignalBoard::overridesShowUntilTheNextFrame()
{
    const QByteArray modular = test::readData(QStringLiteral("metrics/v321-gateway.prom"));
    SignalDeriver deriver;
    SignalBoard board;
    QCOMPARE(board.dialect(), Dialect::Unknown);
    QVERIFY(deriver.ingest(1000, view(modular), MetricsFormat::PrometheusText).ok);
    board.applyFrame(deriver.scrapeFrame(1000));
    QCOMPARE(board.mapping().memoryGauge, std::string("system_memory_usage_bytes"));

    const std::vector<std::pair<std::string, std::string>> overrides = {{"memory", "rss_bytes"}};
    board.showMappingOverrides(overrides);
    QCOMPARE(board.mapping().memoryGauge, std::string("rss_bytes"));
    QCOMPARE(board.dialect(), Dialect::Modular);
    deriver.setMappingOverrides(overrides);
    QVERIFY(deriver.ingest(2000, view(modular), MetricsFormat::PrometheusText).ok);
    board.applyFrame(deriver.scrapeFrame(2000));
    QCOMPARE(board.mapping().memoryGauge, std::string("rss_bytes"));

    board.showMappingOverrides({});
    QCOMPARE(board.mapping().memoryGauge, std::string("rss_bytes")); // the last frame's
    deriver.setMappingOverrides({});
    QVERIFY(deriver.ingest(3000, view(modular), MetricsFormat::PrometheusText).ok);
    board.applyFrame(deriver.scrapeFrame(3000));
    QCOMPARE(board.mapping().memoryGauge, std::string("system_memory_usage_bytes"));
}

QTEST_GUILESS_MAIN(TestSignalBoard)
#include "TestSignalBoard.moc"
