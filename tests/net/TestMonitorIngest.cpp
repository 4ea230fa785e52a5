// The monitor's /metrics bodies are inflated and parsed on a worker thread (MetricsIngestor):
// the poll completes only once the worker has answered, the UI thread keeps running meanwhile,
// bad bodies still make the poll bad_response, and a poll cancelled mid-parse completes nothing.
#include "models/metrics/SignalBoard.h"
#include "models/monitor/MetricsIngestor.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"

#include "tests/support/FakeNetworkAccessManager.h"
#include "tests/support/LatencySeries.h"
#include "tests/support/TestData.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <cmath>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::gzip;

namespace {

const QString kHealth = QStringLiteral("/health/detailed");
const QString kMetrics = QStringLiteral("/metrics");
const QByteArray kPromType = "text/plain; version=0.0.4; charset=utf-8";

PollerOptions options()
{
    PollerOptions o;
    o.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8000"));
    o.intervalMs = 1000;
    o.readTimeoutMs = 2000;
    o.connectTimeoutMs = 2000;
    o.wakeTimeoutMs = 2000;
    return o;
}

struct Rig {
    FakeNetworkAccessManager network;
    ManualClock clock;
    Poller poller{&network, &clock, options()};
    TargetMonitor monitor{&poller, &clock};

    Rig()
    {
        network.setResponse(kHealth,
                            FakeResponse::json(test::readData(QStringLiteral("health/main.json"))));
        setMetrics(test::readData(QStringLiteral("metrics/main-gateway.prom")), true);
    }
    void setMetrics(const QByteArray& text, bool compressed)
    {
        FakeResponse r = FakeResponse::text(compressed ? gzip(text) : text, kPromType);
        if (compressed)
            r.header("Content-Encoding", "gzip");
        network.setResponse(kMetrics, r);
    }
    PollResult poll()
    {
        QSignalSpy spy(&poller, &Poller::pollFinished);
        clock.advanceMs(1000);
        poller.pollNow();
        if (!spy.wait(10000)) {
            qWarning("no pollFinished");
            return {};
        }
        return spy.takeFirst().at(0).value<PollResult>();
    }
};

// QTRY_VERIFY evaluates its expression once more at the end: no side effects in it.
bool waitEntered(QSemaphore& entered)
{
    return QTest::qWaitFor([&] { return entered.tryAcquire(); }, 10000);
}

} // namespace

class TestMonitorIngest : public QObject {
    Q_OBJECT
private slots:
    void parsedOnTheWorkerAndShownOnTheBoard();
    void uiThreadRunsWhileABodyIsParsed();
    void stopWhileParsingCompletesNothing();
    void monitorGoneWhileParsing();
    void gzipBombAndCorruptGzipAreBadResponses();
    void notMetricsIsBadResponse();
    void overridesReachTheWorker();
    void healthFigureWhenMetricsAreUnavailable();
};

// Gzip from the gateway, inflated and parsed on another thread; the board holds the signals and
// the poll's result carries the inflated text.
void TestMonitorIngest::parsedOnTheWorkerAndShownOnTheBoard()
{
    Rig rig;
    std::atomic<QThread*> parsedOn{nullptr};
    rig.monitor.metricsIngestor()->setWorkerProbe([&] { parsedOn = QThread::currentThread(); });

    const QByteArray text = test::readData(QStringLiteral("metrics/main-gateway.prom"));
    const PollResult first = rig.poll();
    QCOMPARE(first.state, ConnectionState::Up);
    QCOMPARE(first.metricsBody, text); // inflated on the worker, handed back
    QCOMPARE(first.dialect, Dialect::Monolith);
    QVERIFY(parsedOn.load() != nullptr);
    QVERIFY(parsedOn.load() != QThread::currentThread());

    const PollResult second = rig.poll();
    QCOMPARE(second.state, ConnectionState::Up);
    // The board parses nothing (it has no series index: metrics_signal_board checks that); the
    // worker's deriver counted the raw series.
    const SignalBoard& board = rig.monitor.signalBoard();
    QCOMPARE(board.dialect(), Dialect::Monolith);
    QVERIFY(board.scrapedSeries() > 0);
    QVERIFY(!board.endpointTable().empty());
    QCOMPARE(board.signalStore().scrapeCount(), 2);
    // The same body twice, one second apart: zero requests per second, a real number.
    QCOMPARE(board.latest(SignalId::RequestRate), 0.0);
    QVERIFY(!rig.monitor.metricsProblem().contains(QStringLiteral("malformed")));
    QCOMPARE(rig.monitor.metricsIngestor()->pending(), 0);
}

// While the worker holds a body, the poll is in flight, the UI thread's timers fire and nothing
// is finished; released, the poll completes with the signals in place.
void TestMonitorIngest::uiThreadRunsWhileABodyIsParsed()
{
    Rig rig;
    QSemaphore entered, release;
    rig.monitor.metricsIngestor()->setWorkerProbe([&] {
        entered.release();
        release.acquire();
    });
    QSignalSpy finished(&rig.poller, &Poller::pollFinished);
    QSignalSpy updated(&rig.monitor, &TargetMonitor::updated);
    rig.poller.pollNow();
    QVERIFY(waitEntered(entered));
    int ticks = 0;
    QTimer timer;
    connect(&timer, &QTimer::timeout, [&] { ++ticks; });
    timer.start(5);
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= 10, 5000); // the event loop is free
    QVERIFY(rig.poller.isPollInFlight());
    QCOMPARE(finished.count(), 0);
    QCOMPARE(updated.count(), 0);
    QCOMPARE(rig.monitor.signalBoard().signalStore().scrapeCount(), 0);
    release.release();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).value<PollResult>().state, ConnectionState::Up);
    QCOMPARE(updated.count(), 1);
    QCOMPARE(rig.monitor.signalBoard().signalStore().scrapeCount(), 1);
    QVERIFY(!rig.poller.isPollInFlight());
}

// stop() while the worker parses: that poll never finishes, the next one does.
void TestMonitorIngest::stopWhileParsingCompletesNothing()
{
    Rig rig;
    QSemaphore entered, release;
    std::atomic<bool> hold{true};
    rig.monitor.metricsIngestor()->setWorkerProbe([&] {
        if (!hold)
            return;
        entered.release();
        release.acquire();
    });
    QSignalSpy finished(&rig.poller, &Poller::pollFinished);
    rig.poller.start();
    QVERIFY(waitEntered(entered));
    rig.poller.stop();
    QVERIFY(!rig.poller.isPollInFlight());
    hold = false;
    release.release();
    QTest::qWait(200); // the worker's answer arrives and is dropped
    QCOMPARE(finished.count(), 0);
    rig.poller.start();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).value<PollResult>().state, ConnectionState::Up);
    rig.poller.stop();
}

// The monitor is deleted while its worker parses: no crash, and the poller (which outlives it)
// polls again on its interval without a consumer.
void TestMonitorIngest::monitorGoneWhileParsing()
{
    FakeNetworkAccessManager network;
    ManualClock clock;
    PollerOptions o = options();
    o.intervalMs = 50;
    Poller poller(&network, &clock, o);
    network.setResponse(kHealth,
                        FakeResponse::json(test::readData(QStringLiteral("health/main.json"))));
    network.setResponse(
        kMetrics,
        FakeResponse::text(test::readData(QStringLiteral("metrics/main-gateway.prom")), kPromType));
    auto* monitor = new TargetMonitor(&poller, &clock);
    QSemaphore entered, release;
    monitor->metricsIngestor()->setWorkerProbe([&] {
        entered.release();
        release.acquire();
    });
    QSignalSpy finished(&poller, &Poller::pollFinished);
    poller.start();
    QVERIFY(waitEntered(entered));
    release.release(); // the destructor waits for the body in hand
    delete monitor;
    QVERIFY(finished.wait(10000));
    const PollResult r = finished.last().at(0).value<PollResult>();
    QCOMPARE(r.state, ConnectionState::Up);
    poller.stop();
}

void TestMonitorIngest::gzipBombAndCorruptGzipAreBadResponses()
{
    Rig rig;
    PollerOptions o = rig.poller.options();
    o.maxBodyBytes = 256 * 1024;
    rig.poller.setOptions(o);
    FakeResponse bomb = FakeResponse::text(gzip(QByteArray(8 * 1024 * 1024, '\0')), kPromType);
    bomb.header("Content-Encoding", "gzip");
    QVERIFY(bomb.body.size() < 64 * 1024); // small on the wire: the cap is on the inflated size
    rig.network.setResponse(kMetrics, bomb);
    const PollResult big = rig.poll();
    QCOMPARE(big.state, ConnectionState::BadResponse);
    QVERIFY2(big.detail.contains(QStringLiteral("response larger than 256 KB (inflated)")),
             qPrintable(big.detail));
    QCOMPARE(rig.monitor.signalBoard().signalStore().scrapeCount(), 0);

    FakeResponse corrupt = FakeResponse::text("not gzip at all", kPromType);
    corrupt.body = QByteArray("\x1f\x8b\x08\x00garbage", 12);
    corrupt.header("Content-Encoding", "gzip");
    rig.network.setResponse(kMetrics, corrupt);
    const PollResult broken = rig.poll();
    QCOMPARE(broken.state, ConnectionState::BadResponse);
    QVERIFY2(broken.detail.contains(QStringLiteral("gzip")), qPrintable(broken.detail));

    rig.setMetrics(test::readData(QStringLiteral("metrics/main-gateway.prom")), true);
    QCOMPARE(rig.poll().state, ConnectionState::Up); // recovers at the next poll
    QCOMPARE(rig.monitor.signalBoard().signalStore().scrapeCount(), 1);
}

void TestMonitorIngest::notMetricsIsBadResponse()
{
    Rig rig;
    rig.setMetrics("<html><title>Captive portal</title></html>", false);
    const PollResult html = rig.poll();
    QCOMPARE(html.state, ConnectionState::BadResponse);
    QVERIFY2(html.detail.startsWith(QStringLiteral("metrics: ")), qPrintable(html.detail));
    rig.setMetrics("# only comments\nthis is { not metrics\n", false);
    const PollResult garbage = rig.poll();
    QCOMPARE(garbage.state, ConnectionState::BadResponse);
    QCOMPARE(rig.monitor.signalBoard().signalStore().scrapeCount(), 0);
    // A body with some bad lines is ingested and the skipped lines are reported.
    rig.setMetrics(
        test::readData(QStringLiteral("metrics/main-gateway.prom")) + "broken_line{ 12\n", true);
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    QVERIFY2(rig.monitor.metricsProblem().contains(QStringLiteral("malformed")),
             qPrintable(rig.monitor.metricsProblem()));
}

// Role overrides reach the deriver that parses: the board shows the overridden mapping.
void TestMonitorIngest::overridesReachTheWorker()
{
    Rig rig;
    rig.monitor.setMappingOverrides(
        {{QStringLiteral("memory_gauge"), QStringLiteral("python_info_made_up")}});
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    QCOMPARE(rig.monitor.signalBoard().mapping().memoryGauge, std::string("python_info_made_up"));
    QVERIFY(std::isnan(rig.monitor.signalBoard().latest(SignalId::MemoryBytes)));
    rig.monitor.setMappingOverrides({});
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    QCOMPARE(rig.monitor.signalBoard().mapping().memoryGauge,
             std::string("process_resident_memory_bytes"));
}

// /metrics unavailable: the latest average is the health body's own figure (basis "health"),
// which the status verb and the tiles show; the charted series gets no point from it, since only
// scrapes are charted.
void TestMonitorIngest::healthFigureWhenMetricsAreUnavailable()
{
    Rig rig;
    rig.network.setResponse(kHealth,
                            FakeResponse::json(test::readData(QStringLiteral("health/seed.json"))));
    rig.network.setResponse(kMetrics, FakeResponse::text("not found\n", "text/plain", 404));
    for (int poll = 0; poll < 2; ++poll) {
        const PollResult result = rig.poll();
        QVERIFY2(isAnswering(result.state), qPrintable(result.detail));
        QCOMPARE(rig.monitor.latencyBasis(), QStringLiteral("health"));
        QVERIFY(rig.monitor.latestLatencySeconds().has_value());
        QCOMPARE(*rig.monitor.latestLatencySeconds(), 0.045);
        QVERIFY(!rig.monitor.exportsLatencyHistogram());
        QVERIFY2(rig.monitor.metricsProblem().contains(QStringLiteral("404")),
                 qPrintable(rig.monitor.metricsProblem()));
        QCOMPARE(test::latencyPointCount(rig.monitor), 0);
    }
}

QTEST_GUILESS_MAIN(TestMonitorIngest)
#include "TestMonitorIngest.moc"
