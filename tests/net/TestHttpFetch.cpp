// The one request path on its own: HttpFetch's deadlines and caps, and ApiCaller over it (same-
// origin redirects only, the key never sent to another origin, plain http to a remote host
// refused before a byte is sent, ids percent-encoded, error kinds a CLI can map to words).
#include "models/domain/Target.h"
#include "models/net/ApiKey.h"
#include "models/net/ApiRequest.h"
#include "models/net/ApiResult.h"
#include "models/net/ApiUrl.h"
#include "models/net/HttpFetch.h"
#include "tests/support/FakeNetworkAccessManager.h"
#include "tests/support/RecordingHttpServer.h"
#include "tests/support/TestData.h"

#include <QDebug>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <optional>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::RecordingHttpServer;

namespace {

const ApiKey kKey("fetch-secret-key-77e1");

// Sends one request and waits for its answer.
ApiResult<ApiResponse> call(QNetworkAccessManager* network, const ApiRequest& request,
                            int waitMs = 10000)
{
    ApiCaller calls(network);
    std::optional<ApiResult<ApiResponse>> result;
    calls.send(request, [&](const ApiResult<ApiResponse>& r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, waitMs)) {
        ApiResult<ApiResponse> none;
        none.error.message = QStringLiteral("test: no callback");
        return none;
    }
    return *result;
}

ConnectionPolicy fastPolicy()
{
    ConnectionPolicy p;
    p.connectTimeoutMs = 300;
    p.readTimeoutMs = 300;
    p.key = kKey;
    return p;
}

} // namespace

class TestHttpFetch : public QObject {
    Q_OBJECT
private slots:
    void connectDeadline()
    {
        FakeNetworkAccessManager network;
        FakeResponse hang;
        hang.neverSendRequest = true;
        network.setResponse(QStringLiteral("/x"), hang);
        const auto r = call(&network, ApiRequest::get(QUrl("https://gw.test/x"), fastPolicy()));
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, ApiErrorKind::ConnectTimeout);
        QVERIFY(!r.error.requestSent);
        QVERIFY2(r.error.message.contains(QStringLiteral("300 ms")), qPrintable(r.error.message));
    }

    void readDeadline()
    {
        FakeNetworkAccessManager network;
        FakeResponse hang;
        hang.neverFinish = true;
        network.setResponse(QStringLiteral("/x"), hang);
        const auto r = call(&network, ApiRequest::get(QUrl("https://gw.test/x"), fastPolicy()));
        QCOMPARE(r.error.kind, ApiErrorKind::ReadTimeout);
        QVERIFY(r.error.requestSent); // a change may have happened
        QVERIFY(r.error.isTimeout());
    }

    void stalledBodyHitsReadDeadline()
    {
        FakeNetworkAccessManager network;
        FakeResponse stall = FakeResponse::json(QByteArray(4096, ' '));
        stall.chunkSize = 100;
        stall.stallAfterHeaders = true;
        network.setResponse(QStringLiteral("/x"), stall);
        const auto r = call(&network, ApiRequest::get(QUrl("https://gw.test/x"), fastPolicy()));
        QCOMPARE(r.error.kind, ApiErrorKind::ReadTimeout);
    }

    void bodyCaps()
    {
        FakeNetworkAccessManager network;
        ConnectionPolicy p = fastPolicy();
        p.readTimeoutMs = 5000;
        p.maxBodyBytes = 1024;
        // Announced too large.
        FakeResponse announced = FakeResponse::json("{}");
        announced.contentLengthOverride = 10 * 1024 * 1024;
        network.setResponse(QStringLiteral("/announced"), announced);
        // Streamed past the cap with no length.
        FakeResponse streamed = FakeResponse::json(QByteArray(64 * 1024, 'x'));
        streamed.sendContentLength = false;
        streamed.chunkSize = 4096;
        network.setResponse(QStringLiteral("/streamed"), streamed);
        // A gzip bomb: small on the wire, large inflated.
        network.setResponse(QStringLiteral("/bomb"),
                            FakeResponse::json(ops::test::gzip(QByteArray(4 * 1024 * 1024, ' ')))
                                .header("Content-Encoding", "gzip"));
        for (const char* path : {"/announced", "/streamed", "/bomb"}) {
            const auto r = call(
                &network,
                ApiRequest::get(QUrl(QStringLiteral("https://gw.test") + QLatin1String(path)), p));
            QVERIFY2(r.error.kind == ApiErrorKind::TooLarge, path);
            QVERIFY2(r.error.message.contains(QStringLiteral("1 KB")), qPrintable(r.error.message));
        }
        // Under the cap: fine, and gzip is inflated.
        network.setResponse(
            QStringLiteral("/small"),
            FakeResponse::json(ops::test::gzip(R"({"a":1})")).header("Content-Encoding", "gzip"));
        const auto ok = call(&network, ApiRequest::get(QUrl("https://gw.test/small"), p));
        QVERIFY2(ok.ok, qPrintable(ok.error.message));
        QCOMPARE(ok.value.body, QByteArray(R"({"a":1})"));
        // The request offered gzip itself, so Qt did not inflate without a cap.
        QCOMPARE(network.requests().last().header("Accept-Encoding"), QByteArray("gzip"));
    }

    void sameOriginRedirectFollowedWithKey()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.setHandler([](const RecordingHttpServer::Request& request) {
            RecordingHttpServer::Response r;
            if (request.target == "/old") {
                r.status = 302;
                r.headers.append({QByteArray("Location"), QByteArray("/new")});
                r.body = {};
            } else {
                r.body = R"({"here":true})";
            }
            return r;
        });
        QNetworkAccessManager network;
        ConnectionPolicy p = fastPolicy();
        p.readTimeoutMs = p.connectTimeoutMs = 5000;
        const auto r =
            call(&network, ApiRequest::get(endpointUrl(server.url(), {QStringLiteral("old")}), p));
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(r.value.body, QByteArray(R"({"here":true})"));
        QCOMPARE(server.requests().size(), 2);
        QCOMPARE(server.requests().at(1).target, QByteArray("/new"));
        QCOMPARE(server.requests().at(1).header("Authorization"), kKey.bearerHeader());
    }

    void keyNotForwardedToAnotherOrigin()
    {
        RecordingHttpServer other;
        QVERIFY(other.listen());
        RecordingHttpServer first;
        QVERIFY(first.listen());
        first.redirectEverythingTo(other.url());
        QNetworkAccessManager network;
        ConnectionPolicy p = fastPolicy();
        p.readTimeoutMs = p.connectTimeoutMs = 5000;
        for (const QByteArray& verb : {QByteArray("GET"), QByteArray("POST")}) {
            ApiRequest request = ApiRequest::get(
                endpointUrl(first.url(), {QStringLiteral("v1"), QStringLiteral("x")}), p);
            request.verb = verb;
            const auto r = call(&network, request);
            QVERIFY(!r.ok);
            if (verb == "GET") {
                QCOMPARE(r.error.kind, ApiErrorKind::RedirectRefused);
                QVERIFY2(r.error.message.contains(QString::number(other.port())),
                         qPrintable(r.error.message));
            } else {
                QCOMPARE(r.error.kind, ApiErrorKind::Http); // other verbs: the 302 is the answer
                QCOMPARE(r.value.status, 302);
            }
        }
        QCOMPARE(first.requests().size(), 2);
        QCOMPARE(first.requests().first().header("Authorization"), kKey.bearerHeader());
        QCOMPARE(other.requests().size(), 0); // nothing went to the other port, the key least
    }

    void plainHttpToRemoteRefusedBeforeSending()
    {
        FakeNetworkAccessManager network;
        for (const char* url :
             {"http://gw.example.com:8000/x", "http://gw.localhost:8000/x", "http://10.0.0.1/x"}) {
            const auto r = call(&network, ApiRequest::get(QUrl(QLatin1String(url)), fastPolicy()));
            QVERIFY2(r.error.kind == ApiErrorKind::PlainHttpRefused, url);
            QVERIFY(!r.error.requestSent);
            QVERIFY2(r.error.message.contains(QStringLiteral("plain http")),
                     qPrintable(r.error.message));
        }
        QCOMPARE(network.requests().size(), 0);

        // Loopback needs no permission; another host does, and then gets it.
        (void)call(&network, ApiRequest::get(QUrl("http://127.0.0.1:1/x"), fastPolicy()));
        QCOMPARE(network.requests().size(), 1);
        ConnectionPolicy allowed = fastPolicy();
        allowed.allowPlainHttp = true;
        (void)call(&network, ApiRequest::get(QUrl("http://gw.example.com:8000/x"), allowed));
        QCOMPARE(network.requests().size(), 2);
    }

    void localhostSubdomainIsNotLoopback()
    {
        QVERIFY(isLoopbackHost(QStringLiteral("localhost")));
        QVERIFY(isLoopbackHost(QStringLiteral("127.0.0.1")));
        QVERIFY(isLoopbackHost(QStringLiteral("[::1]")));
        QVERIFY(!isLoopbackHost(QStringLiteral("gw.localhost")));
        QVERIFY(!isLoopbackHost(QStringLiteral("evil.localhost")));
    }

    void pathSegmentsEncoded()
    {
        const QUrl base(QStringLiteral("https://api.test/v1/"));
        const QUrl url =
            endpointUrl(base, {QStringLiteral("services"), QStringLiteral("srv-a?x=1"),
                               QStringLiteral("deploys"), QStringLiteral("dep/../b#f")});
        QCOMPARE(url.toEncoded(),
                 QByteArray("https://api.test/v1/services/srv-a%3Fx%3D1/deploys/dep%2F..%2Fb%23f"));
        QVERIFY(!url.hasQuery());
        QVERIFY(!url.hasFragment());
        QVERIFY(!endpointUrl(base, {QStringLiteral("services"), QString()}).isValid());
        QVERIFY(!endpointUrl(base, {QStringLiteral("..")}).isValid());
        QVERIFY(!endpointUrl(base, {QStringLiteral(".")}).isValid());
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("status"), QStringLiteral("a&b"));
        QCOMPARE(routeUrl(QUrl("https://h/p?old=1#frag"), QStringLiteral("/health/detailed"), q)
                     .toEncoded(),
                 QByteArray("https://h/p/health/detailed?status=a%26b"));

        // An invalid URL is refused here, before the network.
        FakeNetworkAccessManager network;
        const auto r = call(
            &network, ApiRequest::get(endpointUrl(base, {QStringLiteral("..")}), fastPolicy()));
        QCOMPARE(r.error.kind, ApiErrorKind::InvalidRequest);
        QCOMPARE(network.requests().size(), 0);
    }

    void errorKinds()
    {
        // Nothing listens: connection refused.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        QNetworkAccessManager network;
        ConnectionPolicy p = fastPolicy();
        p.connectTimeoutMs = p.readTimeoutMs = 5000;
        auto r = call(&network,
                      ApiRequest::get(QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(port)), p));
        QCOMPARE(r.error.kind, ApiErrorKind::ConnectionRefused);
        QCOMPARE(apiErrorKindName(r.error.kind), QStringLiteral("connection-refused"));

        // https to a plain http server: "the server does not speak TLS".
        RecordingHttpServer plain;
        QVERIFY(plain.listen());
        QUrl https = plain.url();
        https.setScheme(QStringLiteral("https"));
        r = call(&network, ApiRequest::get(endpointUrl(https, {QStringLiteral("x")}), p));
        QCOMPARE(r.error.kind, ApiErrorKind::TlsNotSpoken);
        QVERIFY2(r.error.message.contains(QStringLiteral("does not speak TLS")),
                 qPrintable(r.error.message));

        // DNS.
        FakeNetworkAccessManager fake;
        fake.setResponse(QStringLiteral("/x"),
                         FakeResponse::networkError(QNetworkReply::HostNotFoundError,
                                                    QStringLiteral("Host nowhere.test not found")));
        r = call(&fake, ApiRequest::get(QUrl("https://nowhere.test/x"), fastPolicy()));
        QCOMPARE(r.error.kind, ApiErrorKind::HostNotFound);
        QVERIFY2(r.error.message.contains(QStringLiteral("DNS")), qPrintable(r.error.message));

        // An HTTP error keeps the answer and what the body said.
        fake.setResponse(QStringLiteral("/y"),
                         FakeResponse::json(R"({"detail":"service is sleeping"})", 503));
        r = call(&fake, ApiRequest::get(QUrl("https://gw.test/y"), fastPolicy()));
        QCOMPARE(r.error.kind, ApiErrorKind::Http);
        QCOMPARE(r.error.httpStatus, 503);
        QCOMPARE(r.value.status, 503);
        QCOMPARE(r.error.serverMessage, QStringLiteral("service is sleeping"));
    }

    void serverMessages()
    {
        QCOMPARE(serverErrorMessage(R"({"message":"m"})"), QStringLiteral("m"));
        QCOMPARE(serverErrorMessage(R"({"detail":"d"})"), QStringLiteral("d"));
        QCOMPARE(serverErrorMessage(R"({"detail":[{"loc":["body"],"msg":"field required"}]})"),
                 QStringLiteral("field required"));
        QCOMPARE(serverErrorMessage(R"({"error":{"message":"nested"}})"), QStringLiteral("nested"));
        QCOMPARE(serverErrorMessage(R"({"other":1})"), QString());
        QCOMPARE(serverErrorMessage("<html><body>502</body></html>"), QString());
        QCOMPARE(serverErrorMessage("upstream\n timed out"), QStringLiteral("upstream timed out"));
        const QString long_ = serverErrorMessage(QByteArray(5000, 'a'));
        QCOMPARE(long_.size(), 200);
        QVERIFY(serverErrorMessage(QByteArray(R"({"message":")") + QByteArray(5000, 'b') + "\"}")
                    .size() <= 300);
    }

    void apiKeyNeverPrintsItself()
    {
        QString printed;
        QDebug(&printed) << kKey << ApiKey();
        QVERIFY(!printed.contains(QStringLiteral("fetch-secret")));
        QVERIFY(printed.contains(QStringLiteral("ApiKey(set)")));
        QVERIFY(printed.contains(QStringLiteral("ApiKey(empty)")));
        QCOMPARE(ApiKey::fromText(QStringLiteral("  k \n")).reveal(), QByteArray("k"));
        QCOMPARE(ApiKey().bearerHeader(), QByteArray());
    }

    void callbackNotCalledAfterCancel()
    {
        FakeNetworkAccessManager network;
        FakeResponse slow = FakeResponse::json("{}");
        slow.delayMs = 100;
        network.setResponse(QStringLiteral("/x"), slow);
        bool called = false;
        {
            ApiCaller calls(&network);
            calls.send(ApiRequest::get(QUrl("https://gw.test/x"), fastPolicy()),
                       [&](const ApiResult<ApiResponse>&) { called = true; });
            QCOMPARE(calls.pending(), 1);
        } // destroyed with the request in flight
        QTest::qWait(300);
        QVERIFY(!called);
        QCOMPARE(network.pendingReplies(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHttpFetch)
#include "TestHttpFetch.moc"
