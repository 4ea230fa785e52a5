// Every client on the one request path (workflows, deploy verification, the deploy sampler,
// Render, the alert webhook) keeps the transport rules (issue 17 items 2, 10, 11):
// - a 302 to another port is not followed: the key never arrives there;
// - plain http to a host that is not loopback is refused before a byte is sent;
// - ids go into URL paths percent-encoded, so "?" or "/" cannot change the route;
// - Render's Retry-After / Ratelimit-Reset cannot block calls for more than an hour.
#include "models/alerts/WebhookNotifier.h"
#include "models/deploy/DeployVerifier.h"
#include "models/deploy/GatewaySampler.h"
#include "models/deploy/RenderClient.h"
#include "models/domain/Clock.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/FakeNetworkAccessManager.h"
#include "tests/support/RecordingHttpServer.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::RecordingHttpServer;

namespace {

const ApiKey kGatewayKey("gw-secret-4411");
const ApiKey kRenderKey("rnd-secret-9902");

ConnectionPolicy policyWith(const ApiKey& key)
{
    ConnectionPolicy p;
    p.key = key;
    p.connectTimeoutMs = 3000;
    p.readTimeoutMs = 3000;
    return p;
}

template <typename T> T waitFor(std::optional<T>& value)
{
    (void)QTest::qWaitFor([&] { return value.has_value(); }, 10000);
    return value.value_or(T{});
}

// Runs one client's typical calls against `gateway` (and its Render API under /render/v1).
struct Clients {
    QNetworkAccessManager* network;
    ManualClock clock{1'700'000'000'000};

    WorkflowResult workflowFetch(const QUrl& gateway, const QString& id)
    {
        WorkflowClient client(network, gateway, Dialect::Plan, policyWith(kGatewayKey), false);
        std::optional<WorkflowResult> r;
        client.fetch(id, [&](const WorkflowResult& result) { r = result; });
        return waitFor(r);
    }
    WorkflowResult workflowLaunch(const QUrl& gateway)
    {
        WorkflowClient client(network, gateway, Dialect::Plan, policyWith(kGatewayKey), false);
        std::optional<WorkflowResult> r;
        client.launch(QStringLiteral("job_posting"), {},
                      [&](const WorkflowResult& result) { r = result; });
        return waitFor(r);
    }
    VerifyReport verify(const QUrl& gateway)
    {
        DeployVerifier verifier(network, &clock);
        verifier.setBaseUrl(gateway);
        verifier.setPolicy(policyWith(kGatewayKey));
        VerifyCheck check;
        check.name = QStringLiteral("Health");
        check.path = QStringLiteral("/health/detailed");
        verifier.setChecks({check});
        QSignalSpy finished(&verifier, &DeployVerifier::finished);
        verifier.start();
        finished.wait(10000);
        return verifier.report();
    }
    WindowStats sample(const QUrl& gateway)
    {
        GatewaySampler sampler(network, &clock);
        sampler.setBaseUrl(gateway);
        sampler.setPolicy(policyWith(kGatewayKey));
        QSignalSpy finished(&sampler, &GatewaySampler::finished);
        sampler.start(1, 10);
        finished.wait(10000);
        return sampler.stats();
    }
    RenderResult<RenderDeploy> renderGet(const QUrl& api, const QString& service,
                                         const QString& deploy)
    {
        RenderClient render(network, &clock);
        render.setBaseUrl(api);
        render.setApiKey(kRenderKey);
        std::optional<RenderResult<RenderDeploy>> r;
        render.getDeploy(service, deploy,
                         [&](const RenderResult<RenderDeploy>& result) { r = result; });
        return waitFor(r);
    }
    RenderResult<RenderDeploy> renderTrigger(const QUrl& api, const QString& service)
    {
        RenderClient render(network, &clock);
        render.setBaseUrl(api);
        render.setApiKey(kRenderKey);
        std::optional<RenderResult<RenderDeploy>> r;
        render.triggerDeploy(service, RenderClient::ClearCache::DoNotClear,
                             [&](const RenderResult<RenderDeploy>& result) { r = result; });
        return waitFor(r);
    }
    RenderResult<bool> renderHook(const QUrl& hook)
    {
        RenderClient render(network, &clock);
        std::optional<RenderResult<bool>> r;
        render.triggerHook(hook, [&](const RenderResult<bool>& result) { r = result; });
        return waitFor(r);
    }
    std::optional<bool> webhook(const QUrl& url, QString* detail = nullptr)
    {
        WebhookNotifier notifier(network, url);
        notifier.setRetry(1, 10);
        QSignalSpy delivered(&notifier, &NotificationChannel::delivered);
        AlertNotice notice;
        notice.key.rule = QStringLiteral("high_error_rate");
        notice.key.target = QStringLiteral("prod");
        notice.kind = QStringLiteral("firing");
        notifier.send(notice);
        if (!delivered.wait(10000))
            return std::nullopt;
        if (detail)
            *detail = delivered.first().at(2).toString();
        return delivered.first().at(1).toBool();
    }
};

QUrl withPath(const QUrl& base, const QString& path)
{
    QUrl url = base;
    url.setPath(path);
    return url;
}

} // namespace

class TestClientTransport : public QObject {
    Q_OBJECT
private slots:
    void redirectToAnotherPortCarriesNoKey()
    {
        RecordingHttpServer elsewhere;
        QVERIFY(elsewhere.listen());
        RecordingHttpServer gateway;
        QVERIFY(gateway.listen());
        gateway.redirectEverythingTo(elsewhere.url());
        QNetworkAccessManager network;
        Clients c{&network};

        const WorkflowResult fetched = c.workflowFetch(gateway.url(), QStringLiteral("wf-1"));
        QVERIFY(!fetched.ok());
        QCOMPARE(fetched.apiError.kind, ApiErrorKind::RedirectRefused);
        const WorkflowResult launched = c.workflowLaunch(gateway.url());
        QVERIFY(!launched.ok());
        const VerifyReport verified = c.verify(gateway.url());
        QVERIFY(verified.couldNotRun);
        QVERIFY2(verified.steps.first().detail.contains(QStringLiteral("redirected")),
                 qPrintable(verified.steps.first().detail));
        QCOMPARE(c.sample(gateway.url()).answeredPolls, 0);
        const QUrl api = withPath(gateway.url(), QStringLiteral("/render/v1"));
        QVERIFY(!c.renderGet(api, QStringLiteral("srv-1"), QStringLiteral("dep-1")).ok);
        QVERIFY(!c.renderTrigger(api, QStringLiteral("srv-1")).ok);
        QVERIFY(!c.renderHook(withPath(gateway.url(), QStringLiteral("/deploy/srv-1"))).ok);
        QCOMPARE(c.webhook(withPath(gateway.url(), QStringLiteral("/hook"))), false);

        // Every client asked the gateway, with its key where it has one ...
        int withGatewayKey = 0;
        int withRenderKey = 0;
        for (const auto& request : gateway.requests()) {
            withGatewayKey += request.header("Authorization") == kGatewayKey.bearerHeader();
            withRenderKey += request.header("Authorization") == kRenderKey.bearerHeader();
        }
        QVERIFY(withGatewayKey >= 4); // fetch, launch, verify, sampler (x2)
        QCOMPARE(withRenderKey, 2);
        // ... and nothing at all reached the other port.
        for (const auto& request : elsewhere.requests())
            qWarning("leaked: %s %s auth=%s", request.method.constData(),
                     request.target.constData(), request.header("Authorization").constData());
        QCOMPARE(elsewhere.requests().size(), 0);
    }

    void plainHttpToRemoteRefusedBeforeSending()
    {
        FakeNetworkAccessManager network;
        network.setHandler([](const test::RecordedRequest&) -> std::optional<FakeResponse> {
            return FakeResponse::json(R"({"status":"healthy","components":{}})");
        });
        Clients c{&network};
        for (const QUrl& gateway : {QUrl(QStringLiteral("http://gw.example.com:8000")),
                                    QUrl(QStringLiteral("http://gw.localhost:8000"))}) {
            const WorkflowResult fetched = c.workflowFetch(gateway, QStringLiteral("wf-1"));
            QCOMPARE(fetched.apiError.kind, ApiErrorKind::PlainHttpRefused);
            QVERIFY2(fetched.error.contains(QStringLiteral("plain http")),
                     qPrintable(fetched.error));
            QCOMPARE(c.workflowLaunch(gateway).apiError.kind, ApiErrorKind::PlainHttpRefused);
            const VerifyReport verified = c.verify(gateway);
            QVERIFY(verified.couldNotRun);
            QVERIFY2(verified.steps.first().detail.contains(QStringLiteral("plain http")),
                     qPrintable(verified.steps.first().detail));
            QCOMPARE(c.sample(gateway).answeredPolls, 0);
            const QUrl api = withPath(gateway, QStringLiteral("/render/v1"));
            QCOMPARE(c.renderGet(api, QStringLiteral("srv-1"), QStringLiteral("dep-1")).error.kind,
                     ApiErrorKind::PlainHttpRefused);
            QCOMPARE(c.renderTrigger(api, QStringLiteral("srv-1")).error.kind,
                     ApiErrorKind::PlainHttpRefused);
            const auto hook = c.renderHook(
                QUrl(gateway.toString() + QStringLiteral("/deploy/srv-1?key=hook-secret")));
            QCOMPARE(hook.error.kind, ApiErrorKind::PlainHttpRefused);
            QVERIFY(!hook.error.message.contains(QStringLiteral("hook-secret")));
            QString why;
            QCOMPARE(c.webhook(withPath(gateway, QStringLiteral("/hook")), &why), false);
            QVERIFY2(why.contains(QStringLiteral("plain http")), qPrintable(why));
        }
        QCOMPARE(network.requests().size(), 0); // not one byte, the keys least of all

        // Loopback is fine for all of them.
        const QUrl local(QStringLiteral("http://127.0.0.1:8000"));
        (void)c.workflowFetch(local, QStringLiteral("wf-1"));
        (void)c.verify(local);
        (void)c.renderGet(withPath(local, QStringLiteral("/render/v1")), QStringLiteral("srv-1"),
                          QStringLiteral("dep-1"));
        QVERIFY(network.requests().size() >= 3);
    }

    void idsArePercentEncodedInPaths()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.setHandler([](const RecordingHttpServer::Request&) {
            RecordingHttpServer::Response r;
            r.status = 404;
            r.body = R"({"message":"not found"})";
            return r;
        });
        QNetworkAccessManager network;
        Clients c{&network};
        (void)c.workflowFetch(server.url(), QStringLiteral("wf?status=x/../y"));
        (void)c.renderGet(withPath(server.url(), QStringLiteral("/render/v1")),
                          QStringLiteral("srv-a?limit=1"), QStringLiteral("dep/../../x#y"));
        (void)c.renderTrigger(withPath(server.url(), QStringLiteral("/render/v1")),
                              QStringLiteral("srv-b/../../services/srv-c"));
        QCOMPARE(server.requests().size(), 3);
        QCOMPARE(server.requests().at(0).target,
                 QByteArray("/v1/workflows/wf%3Fstatus%3Dx%2F..%2Fy"));
        QCOMPARE(server.requests().at(1).target,
                 QByteArray("/render/v1/services/srv-a%3Flimit%3D1/deploys/dep%2F..%2F..%2Fx%23y"));
        QCOMPARE(server.requests().at(2).target,
                 QByteArray("/render/v1/services/srv-b%2F..%2F..%2Fservices%2Fsrv-c/deploys"));

        // An id that is a route of its own ("..", "") never goes out.
        const WorkflowResult dots = c.workflowFetch(server.url(), QStringLiteral(".."));
        QCOMPARE(dots.apiError.kind, ApiErrorKind::InvalidRequest);
        QCOMPARE(server.requests().size(), 3);
    }

    void renderRateLimitWaitsClampedToAnHour_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("Retry-After 1000 days")
            << QByteArray("Retry-After") << QByteArray("86400000");
        QTest::newRow("Retry-After huge")
            << QByteArray("Retry-After") << QByteArray("99999999999999999999999");
        QTest::newRow("Ratelimit-Reset epoch far ahead")
            << QByteArray("Ratelimit-Reset") << QByteArray("99999999999");
        QTest::newRow("Ratelimit-Reset huge")
            << QByteArray("Ratelimit-Reset") << QByteArray("1e300");
    }

    void renderRateLimitWaitsClampedToAnHour()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        FakeNetworkAccessManager network;
        network.setResponse(
            QStringLiteral("/v1/services"),
            FakeResponse::json(R"({"message":"slow down"})", 429).header(header, value));
        ManualClock clock(1'700'000'000'000);
        RenderClient render(&network, &clock);
        render.setBaseUrl(QUrl(QStringLiteral("https://api.render.test/v1")));
        render.setApiKey(kRenderKey);
        std::optional<RenderResult<QList<RenderServiceInfo>>> r;
        render.listServices([&](const RenderResult<QList<RenderServiceInfo>>& x) { r = x; });
        (void)QTest::qWaitFor([&] { return r.has_value(); }, 5000);
        QVERIFY(r && !r->ok);
        QVERIFY(r->error.rateLimited);
        const qint64 wait = render.nextAllowedMs() - clock.nowMs();
        QVERIFY2(wait > 0 && wait <= 3'600'000, qPrintable(QString::number(wait)));
        // An hour later Render may be asked again (a rollback is not blocked until restart).
        clock.advanceMs(3'600'000);
        QCOMPARE(render.nextAllowedMs(), qint64(0));
        network.setResponse(QStringLiteral("/v1/services"), FakeResponse::json("[]"));
        r.reset();
        render.listServices([&](const RenderResult<QList<RenderServiceInfo>>& x) { r = x; });
        (void)QTest::qWaitFor([&] { return r.has_value(); }, 5000);
        QVERIFY2(r && r->ok, r ? qPrintable(r->error.message) : "no answer");
    }
};

QTEST_GUILESS_MAIN(TestClientTransport)
#include "TestClientTransport.moc"
