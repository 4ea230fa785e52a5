// PrometheusClient + PrometheusSource against an in-process fake server: the requests sent
// (paths, PromQL, times, Authorization), the frames merged from the answers, bad answers.
#include "models/datasource/PrometheusClient.h"
#include "models/datasource/PrometheusSource.h"
#include "tests/support/FakeNetworkAccessManager.h"

#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest>
#include <cmath>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::RecordedRequest;

namespace {

QString queryOf(const RecordedRequest& r)
{
    return QUrlQuery(r.url).queryItemValue(QStringLiteral("query"), QUrl::FullyDecoded);
}

// A matrix for `query`: two points at 1000 s and 1001 s, value base and base + 1, per instance.
QByteArray matrix(const QStringList& instances, double base)
{
    QByteArray result;
    for (const QString& instance : instances) {
        if (!result.isEmpty())
            result += ',';
        result += R"({"metric":{"instance":")" + instance.toUtf8() + R"("},"values":[[1000,")" +
                  QByteArray::number(base) + R"("],[1001,")" + QByteArray::number(base + 1) +
                  R"("]]})";
    }
    return R"({"status":"success","data":{"resultType":"matrix","result":[)" + result + "]}}";
}

PrometheusSourceConfig planConfig(InstanceMode mode = InstanceMode::Aggregate)
{
    PrometheusSourceConfig config;
    config.selector = *PromSelector::parse(QStringLiteral("job=\"bhiv-gateway\""));
    config.query.mode = mode;
    config.query.rateWindowSeconds = 20;
    config.mapping = MetricsMapping::forDialect(Dialect::Plan);
    config.detectDialect = false;
    return config;
}

ApiConnection connection(const QByteArray& authorization = {})
{
    ApiConnection c;
    c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9090/prom/"));
    c.authorization = authorization;
    return c;
}

} // namespace

class TestPrometheusSource : public QObject {
    Q_OBJECT
private slots:
    void init() { qRegisterMetaType<QList<ops::SourceSeries>>(); }
    void rangeQueryRequestAndAuth();
    void backfillMergesSignalsIntoFrames();
    void sideBySideKeepsInstancesApart();
    void refreshUsesInstantQueries();
    void errorAnswerFailsPassButKeepsOthers();
    void wrongResultTypeIsAnError();
    void networkErrorIsAValue();
    void connectDetectsDialectFromSeries();
    void authorizationHeaders();
};

void TestPrometheusSource::rangeQueryRequestAndAuth()
{
    FakeNetworkAccessManager network;
    network.setResponse(QStringLiteral("/prom/api/v1/query_range"),
                        FakeResponse::json(matrix({QStringLiteral("a:1")}, 5)));
    PrometheusClient client(&network, connection("Bearer prom-token"));
    PromResponse got;
    bool called = false;
    client.queryRange(QStringLiteral("sum(rate(x{a=\"b c\"}[1m])) + 1"), 1'000'000, 1'060'500, 1000,
                      [&](const PromResponse& r) {
                          got = r;
                          called = true;
                      });
    QVERIFY(!called); // never from inside the call
    QTRY_VERIFY(called);
    QVERIFY2(got.ok, qPrintable(got.error));
    QCOMPARE(network.requests().size(), 1);
    const RecordedRequest& r = network.requests().first();
    QCOMPARE(r.url.path(), QStringLiteral("/prom/api/v1/query_range"));
    QCOMPARE(queryOf(r), QStringLiteral("sum(rate(x{a=\"b c\"}[1m])) + 1"));
    const QUrlQuery q(r.url);
    QCOMPARE(q.queryItemValue(QStringLiteral("start")), QStringLiteral("1000.000"));
    QCOMPARE(q.queryItemValue(QStringLiteral("end")), QStringLiteral("1060.500"));
    QCOMPARE(q.queryItemValue(QStringLiteral("step")), QStringLiteral("1.000"));
    QCOMPARE(r.header("Authorization"), QByteArray("Bearer prom-token"));
}

void TestPrometheusSource::backfillMergesSignalsIntoFrames()
{
    FakeNetworkAccessManager network;
    network.setHandler([](const RecordedRequest& r) -> std::optional<FakeResponse> {
        const QString q = queryOf(r);
        if (q.startsWith(QStringLiteral("sum(rate(api_requests_total")))
            return FakeResponse::json(matrix({QString()}, 20));
        if (q.startsWith(QStringLiteral("histogram_quantile(0.95")))
            return FakeResponse::json(matrix({QString()}, 0.2));
        // Every other signal: an empty matrix (no series yet).
        return FakeResponse::json(
            R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
    });
    PrometheusClient client(&network, connection());
    PrometheusSource source(&client, planConfig());
    QSignalSpy frames(&source, &DataSource::framesReady);
    QSignalSpy failed(&source, &DataSource::failed);
    source.backfill(1'000'000, 1'001'000, 1000);
    QVERIFY(frames.wait(5000));
    QCOMPARE(failed.size(), 0);
    const auto series = frames.first().at(0).value<QList<SourceSeries>>();
    QVERIFY(frames.first().at(1).toBool()); // a backfill
    QCOMPARE(series.size(), 1);
    QCOMPARE(series[0].instance, QString());
    QCOMPARE(series[0].frames.size(), 2);
    QCOMPARE(series[0].frames[0].timeMs, 1'000'000);
    QCOMPARE(series[0].frames[0].value(SignalId::RequestRate), 20.0);
    QCOMPARE(series[0].frames[1].value(SignalId::RequestRate), 21.0);
    QCOMPARE(series[0].frames[1].value(SignalId::LatencyP95), 1.2);
    QVERIFY(std::isnan(series[0].frames[0].value(SignalId::LatencyP50)));
    // One query per signal the plan dialect has, no more.
    int expected = 0;
    for (std::size_t i = 0; i < kSignalCount; ++i)
        expected += source.queryFor(static_cast<SignalId>(i)).isEmpty() ? 0 : 1;
    QCOMPARE(network.requests().size(), expected);
    QVERIFY(!source.busy());
}

void TestPrometheusSource::sideBySideKeepsInstancesApart()
{
    FakeNetworkAccessManager network;
    network.setHandler([](const RecordedRequest& r) -> std::optional<FakeResponse> {
        if (queryOf(r).startsWith(QStringLiteral("sum by (instance)(rate(api_requests_total")))
            return FakeResponse::json(
                matrix({QStringLiteral("10.0.0.1:8000"), QStringLiteral("10.0.0.2:8000")}, 7));
        return FakeResponse::json(
            R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
    });
    PrometheusClient client(&network, connection());
    PrometheusSource source(&client, planConfig(InstanceMode::SideBySide));
    QSignalSpy frames(&source, &DataSource::framesReady);
    source.backfill(1'000'000, 1'001'000, 1000);
    QVERIFY(frames.wait(5000));
    const auto series = frames.first().at(0).value<QList<SourceSeries>>();
    QCOMPARE(series.size(), 2);
    QCOMPARE(series[0].instance, QStringLiteral("10.0.0.1:8000"));
    QCOMPARE(series[1].instance, QStringLiteral("10.0.0.2:8000"));
    QCOMPARE(series[1].frames[1].value(SignalId::RequestRate), 8.0);
}

void TestPrometheusSource::refreshUsesInstantQueries()
{
    FakeNetworkAccessManager network;
    network.setResponse(
        QStringLiteral("/prom/api/v1/query"),
        FakeResponse::json(
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600,"3.5"]}]}})"));
    PrometheusClient client(&network, connection());
    PrometheusSource source(&client, planConfig());
    QSignalSpy frames(&source, &DataSource::framesReady);
    source.refresh(1'767'225'600'000);
    source.refresh(1'767'225'600'000); // still busy: not sent twice
    QVERIFY(frames.wait(5000));
    QVERIFY(!frames.first().at(1).toBool());
    const auto series = frames.first().at(0).value<QList<SourceSeries>>();
    QCOMPARE(series.size(), 1);
    QCOMPARE(series[0].frames.size(), 1);
    QCOMPARE(series[0].frames[0].value(SignalId::MemoryBytes), 3.5);
    for (const RecordedRequest& r : network.requests()) {
        QCOMPARE(r.url.path(), QStringLiteral("/prom/api/v1/query"));
        QCOMPARE(QUrlQuery(r.url).queryItemValue(QStringLiteral("time")),
                 QStringLiteral("1767225600.000"));
    }
    QCOMPARE(frames.size(), 1);
}

void TestPrometheusSource::errorAnswerFailsPassButKeepsOthers()
{
    FakeNetworkAccessManager network;
    network.setHandler([](const RecordedRequest& r) -> std::optional<FakeResponse> {
        if (queryOf(r).startsWith(QStringLiteral("histogram_quantile")))
            return FakeResponse::json(
                R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\""})",
                400);
        if (queryOf(r).contains(QStringLiteral("process_resident_memory_bytes")))
            return FakeResponse::text("upstream down", "text/plain", 503);
        return FakeResponse::json(matrix({QString()}, 1));
    });
    PrometheusClient client(&network, connection());
    PrometheusSource source(&client, planConfig());
    QSignalSpy frames(&source, &DataSource::framesReady);
    QSignalSpy failed(&source, &DataSource::failed);
    source.backfill(1'000'000, 1'001'000, 1000);
    QVERIFY(frames.wait(5000));
    QCOMPARE(failed.size(), 1);
    const QString error = failed.first().at(0).toString();
    QVERIFY2(error.contains(QStringLiteral("invalid parameter")) ||
                 error.contains(QStringLiteral("503")),
             qPrintable(error));
    QCOMPARE(source.errorString(), error);
    const auto series = frames.first().at(0).value<QList<SourceSeries>>();
    QCOMPARE(series.size(), 1);
    QCOMPARE(series[0].frames[0].value(SignalId::RequestRate), 1.0); // the others still count
    QVERIFY(std::isnan(series[0].frames[0].value(SignalId::LatencyP95)));
    QVERIFY(std::isnan(series[0].frames[0].value(SignalId::MemoryBytes)));
}

void TestPrometheusSource::wrongResultTypeIsAnError()
{
    FakeNetworkAccessManager network;
    // A vector where a range query needs a matrix.
    network.setResponse(
        QStringLiteral("/prom/api/v1/query_range"),
        FakeResponse::json(
            R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}})"));
    PrometheusClient client(&network, connection());
    PrometheusSource source(&client, planConfig());
    QSignalSpy failed(&source, &DataSource::failed);
    QSignalSpy frames(&source, &DataSource::framesReady);
    source.backfill(1'000'000, 1'001'000, 1000);
    QVERIFY(frames.wait(5000));
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().at(0).toString().contains(QStringLiteral("expected a matrix")),
             qPrintable(failed.first().at(0).toString()));
    QVERIFY(frames.first().at(0).value<QList<SourceSeries>>().isEmpty());
}

void TestPrometheusSource::networkErrorIsAValue()
{
    FakeNetworkAccessManager network;
    network.setHandler([](const RecordedRequest&) -> std::optional<FakeResponse> {
        return FakeResponse::networkError(QNetworkReply::ConnectionRefusedError,
                                          QStringLiteral("Connection refused"));
    });
    PrometheusClient client(&network, connection("Bearer prom-token"));
    PrometheusSource source(&client, planConfig());
    QSignalSpy failed(&source, &DataSource::failed);
    source.connectSource(1'000'000, 60'000, 1000);
    QVERIFY(failed.wait(5000));
    const QString error = failed.first().at(0).toString();
    QVERIFY2(error.contains(QStringLiteral("refused")), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("prom-token")));
    // Plain http to a host that is not loopback is refused before anything is sent.
    ApiConnection remote = connection();
    remote.baseUrl = QUrl(QStringLiteral("http://prometheus.example.com"));
    PrometheusClient remoteClient(&network, remote);
    network.clearRequests();
    bool called = false;
    PromResponse got;
    remoteClient.buildInfo([&](const PromResponse& r) {
        got = r;
        called = true;
    });
    QTRY_VERIFY(called);
    QVERIFY(!got.ok);
    QCOMPARE(got.errorType, QStringLiteral("network"));
    QVERIFY(network.requests().isEmpty());
}

void TestPrometheusSource::connectDetectsDialectFromSeries()
{
    FakeNetworkAccessManager network;
    network.setResponse(QStringLiteral("/prom/api/v1/status/buildinfo"),
                        FakeResponse::json(R"({"status":"success","data":{"version":"2.42.0"}})"));
    network.setResponse(
        QStringLiteral("/prom/api/v1/series"),
        FakeResponse::json(
            R"({"status":"success","data":[{"__name__":"api_response_seconds_bucket","job":"bhiv-gateway"},{"__name__":"errors_total"}]})"));
    network.setResponse(
        QStringLiteral("/prom/api/v1/query_range"),
        FakeResponse::json(R"({"status":"success","data":{"resultType":"matrix","result":[]}})"));
    PrometheusClient client(&network, connection());
    PrometheusSourceConfig config = planConfig();
    config.mapping = MetricsMapping::forDialect(Dialect::Unknown);
    config.detectDialect = true;
    PrometheusSource source(&client, config);
    QSignalSpy connected(&source, &PrometheusSource::connected);
    QSignalSpy frames(&source, &DataSource::framesReady);
    source.connectSource(1'767'225'600'000, 600'000, 5000);
    QVERIFY(frames.wait(5000));
    QCOMPARE(connected.size(), 1);
    QCOMPARE(connected.first().at(0).toString(), QStringLiteral("2.42.0"));
    QCOMPARE(source.serverVersion(), QStringLiteral("2.42.0"));
    QCOMPARE(source.config().mapping.dialect, Dialect::Monolith);
    const auto series = network.requestsTo(QStringLiteral("/prom/api/v1/series"));
    QCOMPARE(series.size(), 1);
    QString match;
    for (const auto& [key, value] : QUrlQuery(series.first().url).queryItems(QUrl::FullyDecoded))
        if (key == u"match[]")
            match = value;
    QCOMPARE(match, QStringLiteral("{job=\"bhiv-gateway\"}"));
    const auto ranges = network.requestsTo(QStringLiteral("/prom/api/v1/query_range"));
    QVERIFY(!ranges.isEmpty());
    QCOMPARE(QUrlQuery(ranges.first().url).queryItemValue(QStringLiteral("start")),
             QStringLiteral("1767225000.000"));
    QCOMPARE(QUrlQuery(ranges.first().url).queryItemValue(QStringLiteral("step")),
             QStringLiteral("5.000"));
}

void TestPrometheusSource::authorizationHeaders()
{
    QCOMPARE(authorizationHeader(ApiAuthKind::Bearer, {}, "tok"), QByteArray("Bearer tok"));
    QCOMPARE(authorizationHeader(ApiAuthKind::Basic, QStringLiteral("ops"), "pw"),
             QByteArray("Basic ") + QByteArray("ops:pw").toBase64());
    QVERIFY(authorizationHeader(ApiAuthKind::None, {}, "tok").isEmpty());
    QVERIFY(authorizationHeader(ApiAuthKind::Bearer, {}, {}).isEmpty());
    ApiAuthKind kind{};
    QVERIFY(apiAuthKindFromName(QStringLiteral("basic"), &kind));
    QCOMPARE(kind, ApiAuthKind::Basic);
    QVERIFY(!apiAuthKindFromName(QStringLiteral("digest"), &kind));
}

QTEST_GUILESS_MAIN(TestPrometheusSource)
#include "TestPrometheusSource.moc"
