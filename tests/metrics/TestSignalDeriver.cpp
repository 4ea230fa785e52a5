#include "tests/bench/AllocationCounter.h"
#include "tests/bench/ScrapeSimulator.h"

#include "models/domain/Clock.h"
#include "models/metrics/Quantile.h"
#include "models/metrics/SignalBoard.h"
#include "models/metrics/SignalDeriver.h"

#include "tests/support/TestData.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace ops;

namespace {

std::string_view view(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

const EndpointValues* row(const SignalDeriver& e, std::string_view endpoint)
{
    for (const auto& r : e.endpointTable()) {
        if (r.endpoint == endpoint)
            return &r;
    }
    return nullptr;
}

SignalDeriverConfig smallConfig()
{
    SignalDeriverConfig c;
    c.rawStore.fullResolutionPoints = 256;
    c.rawStore.levels = {{32, 16}};
    return c;
}

SeriesStoreConfig smallSignalStore()
{
    SeriesStoreConfig c = SeriesStoreConfig::signalsForADay();
    c.fullResolutionPoints = 512;
    c.levels = {{64, 16}};
    return c;
}

} // namespace

class TestSignalDeriver : public QObject {
    Q_OBJECT
private slots:
    void quantiles();
    void detectsDialects_data();
    void detectsDialects();
    void ratesLatencyAndErrors();
    void counterResetAcrossRedeploy();
    void jsonStubSignals();
    void mappingOverride();
    void roleOverridesOverTheDetectedDialect();
    void rejectsBadScrapes();
    void zeroAllocationsPerSampleInSteadyState();
    void seriesBoundHoldsUnderChurn();
};

void TestSignalDeriver::quantiles()
{
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<HistogramBucket> b = {{0.1, 10}, {0.5, 30}, {1, 40}, {inf, 40}};
    // rank 20 falls in (0.1, 0.5]: 0.1 + 0.4 * (10 / 20) = 0.3
    QCOMPARE(histogramQuantile(0.5, b), 0.3);
    // rank 4 in the first bucket: 0 + 0.1 * 4/10
    QCOMPARE(histogramQuantile(0.1, b), 0.04);
    // rank 38 in (0.5, 1]: 0.5 + 0.5 * 8/10
    QCOMPARE(histogramQuantile(0.95, b), 0.9);
    // All observations past the last finite bound: that bound.
    std::vector<HistogramBucket> tail = {{0.1, 0}, {1, 0}, {inf, 5}};
    QCOMPARE(histogramQuantile(0.5, tail), 1.0);
    // Negative first bound answers that bound.
    std::vector<HistogramBucket> neg = {{-1, 5}, {inf, 5}};
    QCOMPARE(histogramQuantile(0.5, neg), -1.0);
    // No observations, no +Inf, too few buckets: NaN. q outside [0,1]: +-Inf.
    QVERIFY(std::isnan(histogramQuantile(0.5, std::vector<HistogramBucket>{{0.1, 0}, {inf, 0}})));
    QVERIFY(std::isnan(histogramQuantile(0.5, std::vector<HistogramBucket>{{0.1, 1}, {1, 2}})));
    QVERIFY(std::isnan(histogramQuantile(0.5, std::vector<HistogramBucket>{{inf, 2}})));
    QCOMPARE(histogramQuantile(-0.1, b), -inf);
    QCOMPARE(histogramQuantile(1.1, b), inf);
    // Non-monotonic counts are made monotonic (as Prometheus does).
    std::vector<HistogramBucket> bumpy = {{0.1, 10}, {0.5, 8}, {1, 20}, {inf, 20}};
    // monotonic: 10, 10, 20, 20 -> rank 10 reached in the first bucket: 0.1 * 10/10
    QCOMPARE(histogramQuantile(0.5, bumpy), 0.1);
}

void TestSignalDeriver::detectsDialects_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("dialect");
    QTest::newRow("plan") << "seed-gateway.prom" << static_cast<int>(Dialect::Plan);
    QTest::newRow("modular") << "v321-gateway.prom" << static_cast<int>(Dialect::Modular);
    QTest::newRow("monolith") << "main-gateway.prom" << static_cast<int>(Dialect::Monolith);
    QTest::newRow("monolith om") << "main-gateway.openmetrics"
                                 << static_cast<int>(Dialect::Monolith);
    QTest::newRow("stub") << "v321-metrics-stub.json" << static_cast<int>(Dialect::Modular);
}

void TestSignalDeriver::detectsDialects()
{
    QFETCH(QString, file);
    QFETCH(int, dialect);
    const QByteArray body = test::readData(QStringLiteral("metrics/") + file);
    SignalDeriver deriver(smallConfig());
    const auto r =
        deriver.ingest(1000, view(body), detectMetricsFormat(view(body), file.toStdString()));
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(static_cast<int>(deriver.dialect()), dialect);
    // Gauges are there from the first scrape; rates need two.
    QVERIFY(std::isnan(deriver.latest(SignalId::RequestRate)));
    if (file.startsWith(QLatin1String("seed")) || file.startsWith(QLatin1String("v321-gateway")))
        QVERIFY(!std::isnan(deriver.latest(SignalId::ActiveWorkflows)));
}

void TestSignalDeriver::ratesLatencyAndErrors()
{
    // Modular dialect, hand-written: two endpoints, a histogram, 5xx and error counters.
    auto scrape = [](int req200, int req500, int errors, double sum, int b1, int b2, int b3) {
        std::string s = "# TYPE api_requests_total counter\n";
        s += "api_requests_total{method=\"GET\",endpoint=\"/a\",status_code=\"200\"} " +
             std::to_string(req200) + "\n";
        s += "api_requests_total{method=\"GET\",endpoint=\"/a\",status_code=\"500\"} " +
             std::to_string(req500) + "\n";
        s += "api_requests_total{method=\"GET\",endpoint=\"/b\",status_code=\"200\"} 7\n";
        s += "api_errors_total{error_type=\"server_error\",endpoint=\"/a\"} " +
             std::to_string(errors) + "\n";
        s += "api_errors_total{error_type=\"client_error\",endpoint=\"/a\"} 1000\n";
        s += "# TYPE api_request_duration_seconds histogram\n";
        s += "api_request_duration_seconds_bucket{method=\"GET\",endpoint=\"/a\",le=\"0.1\"} " +
             std::to_string(b1) + "\n";
        s += "api_request_duration_seconds_bucket{method=\"GET\",endpoint=\"/a\",le=\"0.5\"} " +
             std::to_string(b2) + "\n";
        s += "api_request_duration_seconds_bucket{method=\"GET\",endpoint=\"/a\",le=\"+Inf\"} " +
             std::to_string(b3) + "\n";
        s += "api_request_duration_seconds_sum{method=\"GET\",endpoint=\"/a\"} " +
             std::to_string(sum) + "\n";
        s += "api_request_duration_seconds_count{method=\"GET\",endpoint=\"/a\"} " +
             std::to_string(b3) + "\n";
        s += "active_workflows_total 3\nsystem_memory_usage_bytes 1e9\nsystem_cpu_usage_percent "
             "12.5\n";
        s += "workflow_executions_total{workflow_type=\"job_posting\",status=\"completed\"} 4\n";
        return s;
    };
    SignalDeriver deriver(smallConfig());
    SignalBoard board(smallSignalStore());
    QVERIFY(
        deriver.ingest(10'000, scrape(100, 10, 10, 5.0, 50, 90, 110), MetricsFormat::PrometheusText)
            .ok);
    board.applyFrame(deriver.scrapeFrame(10'000));
    QCOMPARE(deriver.dialect(), Dialect::Modular);
    QVERIFY(
        deriver
            .ingest(12'000, scrape(140, 20, 20, 9.0, 60, 110, 160), MetricsFormat::PrometheusText)
            .ok);
    board.applyFrame(deriver.scrapeFrame(12'000));
    // 50 more requests in 2 s.
    QCOMPARE(deriver.latest(SignalId::RequestRate), 25.0);
    // Server errors come from api_errors_total{error_type="server_error"}: 10 in 2 s.
    QCOMPARE(deriver.latest(SignalId::ErrorRate), 5.0);
    QCOMPARE(deriver.latest(SignalId::ErrorRatio), 10.0 / 50.0);
    // Δsum / Δcount = 4 / 50
    QCOMPARE(deriver.latest(SignalId::LatencyAvg), 4.0 / 50.0);
    // Bucket deltas: 10 @0.1, 20 @0.5, 50 @+Inf. p50: rank 25 in (0.1,0.5]: 0.1+0.4*15/10 -> past:
    // cumulative 10, 20, 50 -> rank 25 > 20 -> +Inf bucket -> 0.5.
    QCOMPARE(deriver.latest(SignalId::LatencyP50), 0.5);
    // p95 likewise; p (rank 15): 0.1 + 0.4 * 5/10 = 0.3
    QCOMPARE(deriver.latest(SignalId::LatencyP99), 0.5);
    QCOMPARE(deriver.latest(SignalId::ActiveWorkflows), 3.0);
    QCOMPARE(deriver.latest(SignalId::MemoryBytes), 1e9);
    QCOMPARE(deriver.latest(SignalId::CpuPercent), 12.5);
    const EndpointValues* a = row(deriver, "/a");
    QVERIFY(a);
    QCOMPARE(a->latest[static_cast<std::size_t>(EndpointSignal::RequestRate)], 25.0);
    QCOMPARE(a->latest[static_cast<std::size_t>(EndpointSignal::ErrorRate)], 5.0);
    const EndpointValues* b = row(deriver, "/b");
    QVERIFY(b);
    QCOMPARE(b->latest[static_cast<std::size_t>(EndpointSignal::RequestRate)], 0.0);
    const auto workflows = deriver.workflowTable();
    QCOMPARE(workflows.size(), std::size_t{1});
    QCOMPARE(workflows[0].workflowType, std::string("job_posting"));
    QCOMPARE(workflows[0].executions, 4.0);
    // The frames put the signals in the board's day store for charts.
    std::vector<StorePoint> pts;
    board.signalStore().points(board.signalSeries(SignalId::RequestRate), 0, 20'000, pts);
    QCOMPARE(pts.size(), std::size_t{1});
    QCOMPARE(pts[0].t, qint64{12'000});
}

void TestSignalDeriver::counterResetAcrossRedeploy()
{
    const QByteArray body = test::readData(QStringLiteral("metrics/gateway-10k.prom"));
    bench::ScrapeSimulator sim(view(body));
    SignalDeriver deriver;
    ManualClock clock;
    std::vector<double> rates;
    for (int poll = 0; poll < 40; ++poll) {
        if (poll == 20)
            sim.redeploy(); // every counter restarts from zero, process start time moves
        clock.advanceMs(1000);
        const auto r = deriver.ingest(clock.nowMs(), sim.next(), MetricsFormat::PrometheusText);
        QVERIFY(r.ok);
        if (poll > 0)
            rates.push_back(deriver.latest(SignalId::RequestRate));
    }
    QVERIFY(deriver.counterResets() > 0);
    double maxRate = 0, minRate = 1e18;
    for (double r : rates) {
        QVERIFY(!std::isnan(r));
        QVERIFY2(r >= 0, "negative rate after a reset");
        maxRate = std::max(maxRate, r);
        minRate = std::min(minRate, r);
    }
    // No spike: the rate over the redeploy is in line with the others (the counters restart at
    // the one-poll increment, which is counted from zero).
    QVERIFY2(maxRate < minRate * 1.5,
             qPrintable(QStringLiteral("%1 .. %2").arg(minRate).arg(maxRate)));
    for (const auto& e : deriver.endpointTable()) {
        const double p95 = e.latest[static_cast<std::size_t>(EndpointSignal::P95)];
        QVERIFY(std::isnan(p95) || (p95 >= 0 && p95 <= 10));
    }
}

void TestSignalDeriver::jsonStubSignals()
{
    SignalDeriver deriver(smallConfig());
    QVERIFY(deriver
                .ingest(1000,
                        "{\"http_requests_total\": 1500, \"http_request_duration_seconds\": 0.25, "
                        "\"memory_usage_bytes\": 5e8, \"active_connections\": 15}",
                        MetricsFormat::JsonStub)
                .ok);
    QVERIFY(deriver
                .ingest(3000,
                        "{\"http_requests_total\": 1520, \"http_request_duration_seconds\": 0.3, "
                        "\"memory_usage_bytes\": 5e8, \"active_connections\": 16}",
                        MetricsFormat::JsonStub)
                .ok);
    QCOMPARE(deriver.dialect(), Dialect::Modular);
    QCOMPARE(deriver.latest(SignalId::RequestRate), 10.0);
    QCOMPARE(deriver.latest(SignalId::LatencyAvg), 0.3);
    QCOMPARE(deriver.latest(SignalId::MemoryBytes), 5e8);
    QCOMPARE(deriver.latest(SignalId::Connections), 16.0);
}

void TestSignalDeriver::mappingOverride()
{
    SignalDeriverConfig cfg = smallConfig();
    cfg.overrideMapping = true;
    cfg.mapping.requestsCounter = "my_hits_total";
    cfg.mapping.endpointLabel = "route";
    SignalDeriver deriver(cfg);
    QVERIFY(deriver
                .ingest(0, "my_hits_total{route=\"/x\"} 1\napi_requests_total 100\n",
                        MetricsFormat::PrometheusText)
                .ok);
    QVERIFY(deriver
                .ingest(1000, "my_hits_total{route=\"/x\"} 4\napi_requests_total 900\n",
                        MetricsFormat::PrometheusText)
                .ok);
    QCOMPARE(deriver.latest(SignalId::RequestRate), 3.0);
    QVERIFY(row(deriver, "/x"));
}

// A target's "metric names" setting: the dialect is still detected, and the overridden roles
// are laid over it, before and after detection, and when changed later.
void TestSignalDeriver::roleOverridesOverTheDetectedDialect()
{
    MetricsMapping m;
    QVERIFY(!m.setRole("no_such_role", "x"));
    QVERIFY(m.setRole("latency", "lat_seconds"));
    QCOMPARE(m.latencyHistogram, std::string("lat_seconds"));
    QVERIFY(std::find(MetricsMapping::roleNames().begin(), MetricsMapping::roleNames().end(),
                      "requests_counter") != MetricsMapping::roleNames().end());

    SignalDeriver deriver(smallConfig());
    // Modular dialect series, except that memory is exported under another name.
    deriver.setMappingOverrides({{"memory", "rss_bytes"}, {"bogus", "ignored"}});
    const auto scrape = [&](qint64 t, int requests, double rss) {
        const std::string body =
            "api_requests_total{method=\"GET\",endpoint=\"/v1/jobs\",status_code=\"200\"} " +
            std::to_string(requests) +
            "\napi_errors_total{error_type=\"server_error\"} 0\n"
            "workflow_executions_total{workflow_type=\"job_posting\",status=\"completed\"} 1\n"
            "system_memory_usage_bytes 111\nrss_bytes " +
            std::to_string(rss) + "\n";
        return deriver.ingest(t, body, MetricsFormat::PrometheusText);
    };
    QVERIFY(scrape(0, 10, 5e8).ok);
    QVERIFY(scrape(1000, 30, 6e8).ok);
    QCOMPARE(deriver.dialect(), Dialect::Modular);
    QCOMPARE(deriver.mapping().memoryGauge, std::string("rss_bytes"));
    QCOMPARE(deriver.latest(SignalId::MemoryBytes), 6e8);
    QCOMPARE(deriver.latest(SignalId::RequestRate), 20.0);
    // Cleared: the dialect's own name again.
    deriver.setMappingOverrides({});
    QCOMPARE(deriver.mapping().memoryGauge, std::string("system_memory_usage_bytes"));
    QVERIFY(scrape(2000, 50, 7e8).ok);
    QCOMPARE(deriver.latest(SignalId::MemoryBytes), 111.0);
    QCOMPARE(deriver.latest(SignalId::RequestRate), 20.0);
}

void TestSignalDeriver::rejectsBadScrapes()
{
    SignalDeriver deriver(smallConfig());
    auto r = deriver.ingest(0, "<html>502</html>", MetricsFormat::PrometheusText);
    QVERIFY(!r.ok);
    QVERIFY(r.error.find("HTML") != std::string::npos);
    r = deriver.ingest(0, "garbage everywhere\n", MetricsFormat::PrometheusText);
    QVERIFY(!r.ok);
    r = deriver.ingest(0, "a 1\nb{x=\"\\q\"} 2\n9bad 3\n", MetricsFormat::PrometheusText);
    QVERIFY(r.ok);
    QCOMPARE(r.samples, std::size_t{1});
    QCOMPARE(r.malformedLines, std::size_t{2});
    QCOMPARE(r.firstErrors.size(), std::size_t{2});
    QCOMPARE(r.firstErrors[0].line, 2);
    // Duplicates within a scrape are counted, the first value wins.
    r = deriver.ingest(1000, "a 1\na 2\n", MetricsFormat::PrometheusText);
    QCOMPARE(r.duplicateSamples, std::size_t{1});
}

void TestSignalDeriver::zeroAllocationsPerSampleInSteadyState()
{
    const QByteArray body = test::readData(QStringLiteral("metrics/v321-gateway.prom"));
    bench::ScrapeSimulator sim(view(body));
    SignalDeriver deriver(smallConfig());
    ManualClock clock;
    // Warm up past one lap of the raw ring (256 + chunk); the signal store is the board's.
    for (int poll = 0; poll < 4000; ++poll) {
        clock.advanceMs(1000);
        QVERIFY(deriver.ingest(clock.nowMs(), sim.next(), MetricsFormat::PrometheusText).ok);
    }
    std::size_t allocations = 0, samples = 0;
    for (int poll = 0; poll < 600; ++poll) {
        clock.advanceMs(1000);
        const std::string_view scrape = sim.next();
        const std::size_t before = bench::allocationCount();
        const auto r = deriver.ingest(clock.nowMs(), scrape, MetricsFormat::PrometheusText);
        allocations += bench::allocationCount() - before;
        samples += r.samples;
    }
    QVERIFY(samples > 600 * 200);
    QCOMPARE(allocations, std::size_t{0});
}

void TestSignalDeriver::seriesBoundHoldsUnderChurn()
{
    // Ids in endpoints: a new series every poll; the raw store stays bounded and counts.
    SignalDeriverConfig cfg = smallConfig();
    cfg.rawStore.maxSeries = 50;
    cfg.rawStore.idlePollsBeforeEviction = 5;
    SignalDeriver deriver(cfg);
    for (int poll = 0; poll < 300; ++poll) {
        std::string s = "api_requests_total{endpoint=\"/v1/workflows/wf_" + std::to_string(poll) +
                        "/start\",method=\"POST\"} 1\nactive_workflows_total 2\n";
        QVERIFY(deriver.ingest(poll * 1000, s, MetricsFormat::PrometheusText).ok);
    }
    QVERIFY(deriver.rawStore().seriesCount() <= 50);
    QVERIFY(deriver.evictedSeries() > 200);
    QVERIFY(deriver.seriesIndex().size() <= 50);
    QVERIFY(deriver.endpointTable().size() <= 401);
}

QTEST_GUILESS_MAIN(TestSignalDeriver)
#include "TestSignalDeriver.moc"
