// The poller against the in-process FakeNetworkAccessManager and a ManualClock.
#include "models/net/Poller.h"

#include "tests/support/FakeNetworkAccessManager.h"
#include "tests/support/TestData.h"

#include <QSignalSpy>
#include <QTest>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::gzip;

namespace {

const QString kHealth = QStringLiteral("/health/detailed");
const QString kMetrics = QStringLiteral("/metrics");
const QByteArray kPromType = "text/plain; version=0.0.4; charset=utf-8";
const QByteArray kHealthyPlan =
    R"({"status":"healthy","components":{"database":{"status":"healthy"}},
        "performance":{"avg_response_time":0.01}})";

PollerOptions fastOptions()
{
    PollerOptions o;
    o.baseUrl = QUrl(QStringLiteral("http://gw.test:8000"));
    o.allowPlainHttp = true; // gw.test is not loopback; plain http is opted into here
    o.intervalMs = 1000;
    o.connectTimeoutMs = 500;
    o.readTimeoutMs = 500;
    o.wakeTimeoutMs = 500;
    o.wakingAfterMs = 5000;
    o.maxBackoffMs = 8000;
    return o;
}

struct Rig {
    FakeNetworkAccessManager network;
    ManualClock clock;
    Poller poller;

    explicit Rig(PollerOptions options = fastOptions())
        : poller(&network, &clock, std::move(options))
    {
        poller.setRandomSeed(1234);
        network.setResponse(kHealth, FakeResponse::json(kHealthyPlan));
        network.setResponse(
            kMetrics, FakeResponse::text(
                          test::readData(QStringLiteral("metrics/seed-gateway.prom")), kPromType));
    }

    PollResult poll()
    {
        QSignalSpy spy(&poller, &Poller::pollFinished);
        poller.pollNow();
        if (!spy.wait(5000)) {
            qWarning("no pollFinished");
            return {};
        }
        return spy.takeFirst().at(0).value<PollResult>();
    }
};

} // namespace

class TestPoller : public QObject {
    Q_OBJECT
private slots:
    void fixtures_data();
    void fixtures();
    void healthyIsUp();
    void componentDownIsDegraded();
    void requestHeaders();
    void bearerOnlyWhenConfigured();
    void readTimeout();
    void connectTimeout();
    void serverErrorEnvelope();
    void serverErrorPlainText();
    void authFailed_data();
    void authFailed();
    void rateLimitedSeconds();
    void rateLimitedHttpDate();
    void rateLimitedWithoutHeaderBacksOff();
    void connectionRefused();
    void hostNotFound();
    void oversizedContentLength();
    void oversizedStreamed();
    void gzipBomb();
    void htmlBody();
    void metricsUnavailableStillUp();
    void metricsRejectedIsBadResponse();
    void gzipMetricsDecoded();
    void slowFirstAnswerShowsWaking();
    void wakingAgainAfterIdle();
    void backoffGrowsCapsAndResets();
    void byDefaultFailuresRetryEveryInterval();
    void redirectToOtherHostNotFollowed();
    void sameOriginRedirectFollowed();
    void staleWhenNoPollCompletes();
    void failureStatesWinOverStale();
    void dialectKeptUntilEvidenceChanges();
    void intervalScheduling();
    void basePathKept();
};

void TestPoller::fixtures_data()
{
    QTest::addColumn<QString>("health");
    QTest::addColumn<QString>("metrics");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("gatewayVersion");
    QTest::addColumn<ConnectionState>("state");
    QTest::addColumn<Dialect>("dialect");
    // seed.json reports external_services "degraded": answering, but degraded.
    QTest::newRow("plan-prom") << "health/seed.json"
                               << "metrics/seed-gateway.prom" << kPromType << QByteArray()
                               << ConnectionState::Degraded << Dialect::Plan;
    QTest::newRow("plan-openmetrics")
        << "health/seed.json"
        << "metrics/seed-gateway.openmetrics"
        << QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8") << QByteArray()
        << ConnectionState::Degraded << Dialect::Plan;
    QTest::newRow("modular-stub") << "health/v321.json"
                                  << "metrics/v321-metrics-stub.json"
                                  << QByteArray("application/json") << QByteArray("3.2.1-modular")
                                  << ConnectionState::Up << Dialect::Modular;
    QTest::newRow("modular-text") << "health/v321.json"
                                  << "metrics/v321-gateway.prom" << kPromType << QByteArray()
                                  << ConnectionState::Up << Dialect::Modular;
    QTest::newRow("monolith") << "health/main.json"
                              << "metrics/main-gateway.prom" << kPromType << QByteArray("3.1.0")
                              << ConnectionState::Up << Dialect::Monolith;
}

void TestPoller::fixtures()
{
    QFETCH(QString, health);
    QFETCH(QString, metrics);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, gatewayVersion);
    QFETCH(ConnectionState, state);
    QFETCH(Dialect, dialect);
    Rig rig;
    FakeResponse h = FakeResponse::json(test::readData(health));
    FakeResponse m = FakeResponse::text(test::readData(metrics), contentType);
    if (!gatewayVersion.isEmpty()) {
        h.header("X-Gateway-Version", gatewayVersion);
        m.header("X-Gateway-Version", gatewayVersion);
    }
    rig.network.setResponse(kHealth, h);
    rig.network.setResponse(kMetrics, m);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, state);
    QCOMPARE(rig.poller.state(), state);
    QCOMPARE(r.dialect, dialect);
    QCOMPARE(rig.poller.dialect(), dialect);
    QVERIFY(r.health.has_value());
    QCOMPARE(r.health->dialect, dialect);
    QCOMPARE(r.healthHttpStatus, 200);
    QCOMPARE(r.metricsHttpStatus, 200);
    QCOMPARE(r.metricsBody, test::readData(metrics));
    QCOMPARE(r.metricsContentType, contentType);
    if (!gatewayVersion.isEmpty())
        QCOMPARE(r.gatewayVersion, QString::fromLatin1(gatewayVersion));
    QCOMPARE(rig.poller.lastSuccessMs(), rig.clock.nowMs());
    QVERIFY(!rig.poller.isDataStale());
    if (state == ConnectionState::Degraded)
        QVERIFY2(r.detail.contains(QStringLiteral("external_services")), qPrintable(r.detail));
}

void TestPoller::healthyIsUp()
{
    Rig rig;
    QSignalSpy states(&rig.poller, &Poller::stateChanged);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Up);
    QVERIFY(r.detail.isEmpty());
    QCOMPARE(r.health->avgResponseTimeSeconds.value_or(-1), 0.01);
    QCOMPARE(states.size(), 1);
    QCOMPARE(states.at(0).at(0).value<ConnectionState>(), ConnectionState::Up);
    QCOMPARE(rig.network.requests().size(), 2);
}

void TestPoller::componentDownIsDegraded()
{
    Rig rig;
    rig.network.setResponse(kHealth, FakeResponse::json(R"({"status":"healthy","components":{
        "database":{"status":"down"},"modules":{"status":"healthy"}}})"));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Degraded);
    QVERIFY2(r.detail.contains(QStringLiteral("database: down")), qPrintable(r.detail));

    rig.network.setResponse(kHealth, FakeResponse::json(R"({"status":"degraded","system":{},
        "application":{},"database":{"status":"connected"}})"));
    QCOMPARE(rig.poll().state, ConnectionState::Degraded);
}

void TestPoller::requestHeaders()
{
    Rig rig;
    rig.poll();
    const auto health = rig.network.requestsTo(kHealth);
    const auto metrics = rig.network.requestsTo(kMetrics);
    QCOMPARE(health.size(), 1);
    QCOMPARE(metrics.size(), 1);
    QCOMPARE(health.first().url, QUrl(QStringLiteral("http://gw.test:8000/health/detailed")));
    QCOMPARE(metrics.first().header("Accept"),
             QByteArray("application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0."
                        "4;q=0.5,*/*;q=0.1"));
    QCOMPARE(metrics.first().header("Accept-Encoding"), QByteArray("gzip"));
    QCOMPARE(health.first().header("Accept"), QByteArray("application/json"));
    QCOMPARE(metrics.first().request.attribute(QNetworkRequest::RedirectPolicyAttribute).toInt(),
             int(QNetworkRequest::ManualRedirectPolicy));
}

void TestPoller::bearerOnlyWhenConfigured()
{
    Rig rig;
    rig.poll();
    for (const auto& r : rig.network.requests())
        QVERIFY(!r.request.hasRawHeader("Authorization"));

    PollerOptions o = fastOptions();
    o.apiKey = "s3cret-key";
    Rig keyed(o);
    QCOMPARE(keyed.poll().state, ConnectionState::Up);
    QCOMPARE(keyed.network.requests().size(), 2);
    for (const auto& r : keyed.network.requests())
        QCOMPARE(r.header("Authorization"), QByteArray("Bearer s3cret-key"));
}

void TestPoller::readTimeout()
{
    PollerOptions o = fastOptions();
    o.readTimeoutMs = 100;
    o.wakeTimeoutMs = 100;
    Rig rig(o);
    FakeResponse hang;
    hang.neverFinish = true;
    rig.network.setResponse(kHealth, hang);
    QElapsedTimer t;
    t.start();
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Timeout);
    QVERIFY2(r.detail.contains(QStringLiteral("no answer within 100 ms")), qPrintable(r.detail));
    QVERIFY(t.elapsed() < 2000);
    QCOMPARE(rig.network.pendingReplies(), 0); // the hanging reply was aborted
    QVERIFY(!r.health.has_value());
}

void TestPoller::connectTimeout()
{
    PollerOptions o = fastOptions();
    o.connectTimeoutMs = 100;
    Rig rig(o);
    FakeResponse hang;
    hang.neverSendRequest = true;
    rig.network.setResponse(kHealth, hang);
    rig.network.setResponse(kMetrics, hang);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Timeout);
    QVERIFY2(r.detail.contains(QStringLiteral("no connection within 100 ms")),
             qPrintable(r.detail));
}

void TestPoller::serverErrorEnvelope()
{
    Rig rig;
    rig.network.setResponse(
        kHealth, FakeResponse::json(R"({"error":"internal","message":"database pool exhausted",
            "status_code":500,"request_id":"r1"})",
                                    500));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Error);
    QCOMPARE(r.healthHttpStatus, 500);
    QVERIFY2(r.detail.contains(QStringLiteral("HTTP 500: database pool exhausted")),
             qPrintable(r.detail));
}

void TestPoller::serverErrorPlainText()
{
    Rig rig;
    rig.network.setResponse(kHealth,
                            FakeResponse::text("Internal Server Error", "text/plain", 500));
    QVERIFY(rig.poll().detail.contains(QStringLiteral("HTTP 500: Internal Server Error")));
    rig.network.setResponse(kHealth, FakeResponse::json("", 503));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Error);
    QVERIFY2(r.detail.contains(QStringLiteral("HTTP 503: Service Unavailable")),
             qPrintable(r.detail));
    rig.network.setResponse(kHealth, FakeResponse::json(R"({"detail":"Not Found"})", 404));
    QCOMPARE(rig.poll().state, ConnectionState::Error);
}

void TestPoller::authFailed_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("detail");
    QTest::newRow("401") << 401 << QByteArray(R"({"detail":"Invalid API key"})")
                         << QStringLiteral("HTTP 401: Invalid API key");
    QTest::newRow("403") << 403 << QByteArray(R"({"detail":"Not authenticated"})")
                         << QStringLiteral("HTTP 403: Not authenticated");
    QTest::newRow("403-message") << 403 << QByteArray(R"({"message":"Forbidden here"})")
                                 << QStringLiteral("HTTP 403: Forbidden here");
}

void TestPoller::authFailed()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, detail);
    PollerOptions o = fastOptions();
    o.apiKey = "wrong-key-123";
    Rig rig(o);
    rig.network.setResponse(kHealth, FakeResponse::json(body, status));
    rig.network.setResponse(kMetrics, FakeResponse::json(body, status));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::AuthFailed);
    QVERIFY2(r.detail.contains(detail), qPrintable(r.detail));
    QVERIFY(!r.detail.contains(QStringLiteral("wrong-key-123")));
}

void TestPoller::rateLimitedSeconds()
{
    Rig rig;
    rig.network.setResponse(
        kHealth,
        FakeResponse::json(R"({"detail":"Too many requests"})", 429).header("Retry-After", "30"));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::RateLimited);
    QCOMPARE(rig.poller.nextDelayMs(), 30000);
    QVERIFY2(r.detail.contains(QStringLiteral("next poll in 30 s")), qPrintable(r.detail));
}

void TestPoller::rateLimitedHttpDate()
{
    Rig rig;
    // ManualClock starts at 2026-01-01T00:00:00Z.
    rig.network.setResponse(kHealth, FakeResponse::json("{}", 429).header(
                                         "Retry-After", "Thu, 01 Jan 2026 00:02:00 GMT"));
    QCOMPARE(rig.poll().state, ConnectionState::RateLimited);
    QCOMPARE(rig.poller.nextDelayMs(), 120000);

    rig.network.setResponse(kHealth, FakeResponse::json("{}", 429).header(
                                         "Retry-After", "Sat, 03 Jan 2026 00:00:00 GMT"));
    rig.poll();
    QCOMPARE(rig.poller.nextDelayMs(), 3600000); // capped at an hour
}

void TestPoller::rateLimitedWithoutHeaderBacksOff()
{
    Rig rig;
    rig.network.setResponse(kHealth, FakeResponse::json("{}", 429));
    QCOMPARE(rig.poll().state, ConnectionState::RateLimited);
    QVERIFY(rig.poller.nextDelayMs() >= 1000 && rig.poller.nextDelayMs() <= 1200);
    rig.poll();
    QVERIFY(rig.poller.nextDelayMs() >= 1600 && rig.poller.nextDelayMs() <= 2400);
}

void TestPoller::connectionRefused()
{
    Rig rig;
    const FakeResponse refused = FakeResponse::networkError(QNetworkReply::ConnectionRefusedError,
                                                            QStringLiteral("Connection refused"));
    rig.network.setResponse(kHealth, refused);
    rig.network.setResponse(kMetrics, refused);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Unreachable);
    QVERIFY2(r.detail.contains(QStringLiteral("Connection refused")), qPrintable(r.detail));
    QCOMPARE(r.healthHttpStatus, 0);
    QCOMPARE(rig.poller.lastSuccessMs(), 0);
}

void TestPoller::hostNotFound()
{
    Rig rig;
    rig.network.setResponse(kHealth,
                            FakeResponse::networkError(QNetworkReply::HostNotFoundError,
                                                       QStringLiteral("Host gw.test not found")));
    QCOMPARE(rig.poll().state, ConnectionState::Unreachable);
    rig.network.setResponse(kHealth,
                            FakeResponse::networkError(QNetworkReply::RemoteHostClosedError));
    QCOMPARE(rig.poll().state, ConnectionState::Unreachable);
}

void TestPoller::oversizedContentLength()
{
    PollerOptions o = fastOptions();
    o.maxBodyBytes = 2 * 1024 * 1024;
    Rig rig(o);
    FakeResponse big = FakeResponse::json(kHealthyPlan);
    big.contentLengthOverride = 50 * 1024 * 1024;
    big.stallAfterHeaders = true; // the cap must not wait for the body
    rig.network.setResponse(kHealth, big);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::BadResponse);
    QVERIFY2(r.detail.contains(QStringLiteral("response larger than 2 MB")), qPrintable(r.detail));
    QCOMPARE(rig.network.pendingReplies(), 0);
}

void TestPoller::oversizedStreamed()
{
    PollerOptions o = fastOptions();
    o.maxBodyBytes = 64 * 1024;
    Rig rig(o);
    FakeResponse stream = FakeResponse::text(QByteArray(1024 * 1024, 'x'), kPromType);
    stream.sendContentLength = false;
    stream.chunkSize = 16 * 1024;
    rig.network.setResponse(kMetrics, stream);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::BadResponse);
    QVERIFY2(r.detail.contains(QStringLiteral("metrics: response larger than 64 KB")),
             qPrintable(r.detail));
    QVERIFY(r.health.has_value()); // the health still arrived
    // It stopped reading early: far fewer than all 64 chunks were delivered.
    QCOMPARE(rig.network.pendingReplies(), 0);
}

void TestPoller::gzipBomb()
{
    PollerOptions o = fastOptions();
    o.maxBodyBytes = 256 * 1024;
    Rig rig(o);
    const QByteArray bomb = gzip(QByteArray(8 * 1024 * 1024, '\0'));
    QVERIFY(bomb.size() < 64 * 1024);
    rig.network.setResponse(kMetrics,
                            FakeResponse::text(bomb, kPromType).header("Content-Encoding", "gzip"));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::BadResponse);
    QVERIFY2(r.detail.contains(QStringLiteral("response larger than 256 KB")),
             qPrintable(r.detail));

    rig.network.setResponse(
        kMetrics,
        FakeResponse::text("not gzip at all", kPromType).header("Content-Encoding", "gzip"));
    const PollResult corrupt = rig.poll();
    QCOMPARE(corrupt.state, ConnectionState::BadResponse);
    QVERIFY2(corrupt.detail.contains(QStringLiteral("gzip")), qPrintable(corrupt.detail));
}

void TestPoller::htmlBody()
{
    Rig rig;
    rig.network.setResponse(
        kHealth, FakeResponse::text("<html><head><title>Application Error</title></head></html>",
                                    "text/html"));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::BadResponse);
    QVERIFY2(r.detail.contains(QStringLiteral("HTML, not JSON: Application Error")),
             qPrintable(r.detail));
}

void TestPoller::metricsUnavailableStillUp()
{
    Rig rig;
    rig.network.setResponse(kMetrics, FakeResponse::json(R"({"detail":"Not Found"})", 404));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Up);
    QVERIFY2(r.detail.contains(QStringLiteral("metrics unavailable")), qPrintable(r.detail));
    QVERIFY(r.health.has_value());
    QCOMPARE(r.metricsHttpStatus, 404);
    QVERIFY(r.metricsBody.isEmpty());

    FakeResponse hang;
    hang.neverFinish = true;
    rig.network.setResponse(kMetrics, hang);
    const PollResult slow = rig.poll();
    QCOMPARE(slow.state, ConnectionState::Up);
    QVERIFY2(slow.detail.contains(QStringLiteral("metrics unavailable (no answer")),
             qPrintable(slow.detail));
}

void TestPoller::metricsRejectedIsBadResponse()
{
    Rig rig;
    rig.network.setResponse(
        kMetrics, FakeResponse::text("<html><title>Captive portal</title></html>", "text/html"));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::BadResponse);
    QVERIFY2(r.detail.startsWith(QStringLiteral("metrics: ")), qPrintable(r.detail));
    QVERIFY(r.health.has_value());
}

void TestPoller::gzipMetricsDecoded()
{
    Rig rig;
    const QByteArray text = test::readData(QStringLiteral("metrics/main-gateway.prom"));
    rig.network.setResponse(kHealth,
                            FakeResponse::json(test::readData(QStringLiteral("health/main.json"))));
    rig.network.setResponse(
        kMetrics, FakeResponse::text(gzip(text), kPromType).header("Content-Encoding", "gzip"));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Up);
    QCOMPARE(r.metricsBody, text);
    QCOMPARE(r.dialect, Dialect::Monolith);
}

void TestPoller::slowFirstAnswerShowsWaking()
{
    PollerOptions o = fastOptions();
    o.wakingAfterMs = 50;
    o.wakeTimeoutMs = 2000;
    o.readTimeoutMs = 100; // the wake timeout, not this, applies to the first poll
    Rig rig(o);
    FakeResponse slow = FakeResponse::json(kHealthyPlan);
    slow.delayMs = 400;
    rig.network.setResponse(kHealth, slow);
    QSignalSpy states(&rig.poller, &Poller::stateChanged);
    QSignalSpy done(&rig.poller, &Poller::pollFinished);
    rig.poller.pollNow();
    QTRY_COMPARE_WITH_TIMEOUT(rig.poller.state(), ConnectionState::Waking, 2000);
    QVERIFY(done.isEmpty()); // still waiting
    QVERIFY(rig.poller.isPollInFlight());
    QVERIFY(done.wait(3000));
    QCOMPARE(rig.poller.state(), ConnectionState::Up);
    QCOMPARE(states.size(), 2);
    QCOMPARE(states.at(0).at(0).value<ConnectionState>(), ConnectionState::Waking);
    QCOMPARE(states.at(1).at(0).value<ConnectionState>(), ConnectionState::Up);

    // Not idle any more: the read timeout applies, and a slow answer is a timeout, not waking.
    rig.clock.advanceMs(1000);
    states.clear();
    const PollResult second = rig.poll();
    QCOMPARE(second.state, ConnectionState::Timeout);
    for (const auto& s : states)
        QVERIFY(s.at(0).value<ConnectionState>() != ConnectionState::Waking);
}

void TestPoller::wakingAgainAfterIdle()
{
    PollerOptions o = fastOptions();
    o.wakingAfterMs = 50;
    o.wakeTimeoutMs = 2000;
    o.idleBeforeWakeMs = 60 * 1000;
    Rig rig(o);
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    rig.clock.advanceMs(61 * 1000);
    FakeResponse slow = FakeResponse::json(kHealthyPlan);
    slow.delayMs = 300;
    rig.network.setResponse(kHealth, slow);
    QSignalSpy states(&rig.poller, &Poller::stateChanged);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Up);
    QList<ConnectionState> seen;
    for (const auto& s : states)
        seen << s.at(0).value<ConnectionState>();
    QVERIFY(seen.contains(ConnectionState::Waking));
}

void TestPoller::backoffGrowsCapsAndResets()
{
    Rig rig; // interval 1000, cap 8000
    const FakeResponse refused = FakeResponse::networkError(QNetworkReply::ConnectionRefusedError);
    rig.network.setResponse(kHealth, refused);
    const int bases[] = {1000, 2000, 4000, 8000, 8000, 8000};
    for (int base : bases) {
        rig.poll();
        const int d = rig.poller.nextDelayMs();
        QVERIFY2(d >= std::max(1000, int(base * 0.8)) && d <= std::min(8000, int(base * 1.2)),
                 qPrintable(QStringLiteral("base %1 got %2").arg(base).arg(d)));
    }
    rig.network.setResponse(kHealth, FakeResponse::json(kHealthyPlan));
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    QCOMPARE(rig.poller.nextDelayMs(), 1000);
    rig.network.setResponse(kHealth, refused);
    rig.poll();
    QVERIFY(rig.poller.nextDelayMs() <= 1200); // the count started again
}

// The default: a failing gateway is asked again every interval (so its recovery shows within
// one interval); only the gateway's own Retry-After (429, 503) spaces the polls out.
void TestPoller::byDefaultFailuresRetryEveryInterval()
{
    PollerOptions o = fastOptions();
    o.maxBackoffMs = PollerOptions{}.maxBackoffMs;
    Rig rig(o);
    rig.network.setResponse(kHealth,
                            FakeResponse::networkError(QNetworkReply::ConnectionRefusedError));
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(rig.poll().state, ConnectionState::Unreachable);
        QCOMPARE(rig.poller.nextDelayMs(), 1000);
    }
    FakeResponse unavailable = FakeResponse::json(R"({"detail":"maintenance"})", 503);
    unavailable.header("Retry-After", "7");
    rig.network.setResponse(kHealth, unavailable);
    const PollResult asked = rig.poll();
    QCOMPARE(asked.state, ConnectionState::Error);
    QCOMPARE(rig.poller.nextDelayMs(), 7000);
    QVERIFY2(asked.detail.contains(QStringLiteral("next poll in 7 s")), qPrintable(asked.detail));
    rig.network.setResponse(kHealth, FakeResponse::json(R"({"detail":"maintenance"})", 503));
    QCOMPARE(rig.poll().state, ConnectionState::Error);
    QCOMPARE(rig.poller.nextDelayMs(), 1000);
    rig.network.setResponse(kHealth, FakeResponse::json(kHealthyPlan));
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    QCOMPARE(rig.poller.nextDelayMs(), 1000);
}

void TestPoller::redirectToOtherHostNotFollowed()
{
    PollerOptions o = fastOptions();
    o.apiKey = "top-secret";
    Rig rig(o);
    FakeResponse redirect = FakeResponse::json("", 302);
    redirect.header("Location", "http://evil.example/health/detailed");
    rig.network.setResponse(kHealth, redirect);
    FakeResponse portChange = FakeResponse::json("", 307);
    portChange.header("Location", "http://gw.test:9999/metrics");
    rig.network.setResponse(kMetrics, portChange);
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Error);
    QVERIFY2(r.detail.contains(QStringLiteral("not followed")), qPrintable(r.detail));
    QCOMPARE(rig.network.requests().size(), 2);
    for (const auto& req : rig.network.requests()) {
        QCOMPARE(req.url.host(), QStringLiteral("gw.test"));
        QCOMPARE(req.url.port(), 8000);
    }
}

void TestPoller::sameOriginRedirectFollowed()
{
    PollerOptions o = fastOptions();
    o.apiKey = "top-secret";
    Rig rig(o);
    FakeResponse redirect = FakeResponse::json("", 301);
    redirect.header("Location", "/v2/health/detailed");
    rig.network.setResponse(kHealth, redirect);
    rig.network.setResponse(QStringLiteral("/v2/health/detailed"),
                            FakeResponse::json(kHealthyPlan));
    const PollResult r = rig.poll();
    QCOMPARE(r.state, ConnectionState::Up);
    const auto followed = rig.network.requestsTo(QStringLiteral("/v2/health/detailed"));
    QCOMPARE(followed.size(), 1);
    QCOMPARE(followed.first().header("Authorization"), QByteArray("Bearer top-secret"));

    // A redirect loop ends.
    FakeResponse loop = FakeResponse::json("", 302);
    loop.header("Location", "/health/detailed");
    rig.network.setResponse(kHealth, loop);
    const PollResult looped = rig.poll();
    QCOMPARE(looped.state, ConnectionState::Error);
    QVERIFY2(looped.detail.contains(QStringLiteral("too many redirects")),
             qPrintable(looped.detail));
}

void TestPoller::staleWhenNoPollCompletes()
{
    Rig rig; // interval 1000, stale after 3 intervals
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    rig.clock.advanceMs(2500);
    rig.poller.checkStale();
    QCOMPARE(rig.poller.state(), ConnectionState::Up);
    QVERIFY(!rig.poller.isDataStale());
    rig.clock.advanceMs(1000);
    QSignalSpy states(&rig.poller, &Poller::stateChanged);
    rig.poller.checkStale();
    QCOMPARE(rig.poller.state(), ConnectionState::Stale);
    QVERIFY(rig.poller.isDataStale());
    QCOMPARE(states.size(), 1);
    QVERIFY2(rig.poller.stateDetail().contains(QStringLiteral("no fresh data for 3 s")),
             qPrintable(rig.poller.stateDetail()));
    // The next completed poll ends it.
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    QVERIFY(!rig.poller.isDataStale());

    // A poll in flight for too long (event loop starved, machine suspended) also shows stale:
    // the poll start re-checks.
    rig.clock.advanceMs(10000);
    FakeResponse hang;
    hang.neverFinish = true;
    rig.network.setResponse(kHealth, hang);
    rig.poller.pollNow();
    QCOMPARE(rig.poller.state(), ConnectionState::Stale);
    rig.poller.stop();
    QVERIFY(!rig.poller.isPollInFlight());
}

void TestPoller::failureStatesWinOverStale()
{
    Rig rig;
    QCOMPARE(rig.poll().state, ConnectionState::Up);
    rig.network.setResponse(kHealth,
                            FakeResponse::networkError(QNetworkReply::ConnectionRefusedError));
    rig.clock.advanceMs(60000);
    QCOMPARE(rig.poll().state, ConnectionState::Unreachable);
    rig.poller.checkStale();
    QCOMPARE(rig.poller.state(), ConnectionState::Unreachable);
    QVERIFY(rig.poller.isDataStale()); // but the data shown is old
}

void TestPoller::dialectKeptUntilEvidenceChanges()
{
    Rig rig;
    rig.network.setResponse(kHealth,
                            FakeResponse::json(test::readData(QStringLiteral("health/v321.json"))));
    rig.network.setResponse(kMetrics, FakeResponse::json(test::readData(
                                          QStringLiteral("metrics/v321-metrics-stub.json"))));
    QCOMPARE(rig.poll().dialect, Dialect::Modular);
    // No evidence either way: keep it.
    rig.network.setResponse(kHealth, FakeResponse::json(R"({"status":"healthy"})"));
    rig.network.setResponse(kMetrics, FakeResponse::text("up 1\n", kPromType));
    QCOMPARE(rig.poll().dialect, Dialect::Modular);
    rig.network.setResponse(kHealth, FakeResponse::json(R"({"status":"healthy"})", 500));
    QCOMPARE(rig.poll().dialect, Dialect::Modular);
    // New evidence: switch.
    rig.network.setResponse(kHealth,
                            FakeResponse::json(test::readData(QStringLiteral("health/main.json"))));
    QCOMPARE(rig.poll().dialect, Dialect::Monolith);
    QCOMPARE(rig.poller.dialect(), Dialect::Monolith);
}

void TestPoller::intervalScheduling()
{
    PollerOptions o = fastOptions();
    o.intervalMs = 50;
    Rig rig(o);
    QSignalSpy done(&rig.poller, &Poller::pollFinished);
    QVERIFY(!rig.poller.isPolling());
    rig.poller.start();
    QVERIFY(rig.poller.isPolling());
    QTRY_VERIFY_WITH_TIMEOUT(done.size() >= 3, 3000);
    rig.poller.stop();
    QVERIFY(!rig.poller.isPolling());
    const auto count = done.size();
    QTest::qWait(150);
    QCOMPARE(done.size(), count);
    // pollNow while a poll is in flight is ignored.
    FakeResponse hang;
    hang.neverFinish = true;
    rig.network.setResponse(kHealth, hang);
    rig.network.clearRequests();
    rig.poller.pollNow();
    rig.poller.pollNow();
    QTRY_COMPARE(rig.network.requests().size(), 2);
    QTest::qWait(20);
    QCOMPARE(rig.network.requests().size(), 2);
    rig.poller.stop();
}

void TestPoller::basePathKept()
{
    PollerOptions o = fastOptions();
    o.baseUrl = QUrl(QStringLiteral("https://ops.example/gateway/"));
    Rig rig(o);
    rig.poll();
    QCOMPARE(rig.network.requests().first().url,
             QUrl(QStringLiteral("https://ops.example/gateway/health/detailed")));
}

QTEST_GUILESS_MAIN(TestPoller)
#include "TestPoller.moc"
