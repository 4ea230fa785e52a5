// Decoding of the Prometheus HTTP API: every result type, and every bad answer as a value.
#include "models/datasource/PromQuery.h"
#include "models/datasource/PromResponse.h"

#include <QtTest>
#include <cmath>

using namespace ops;

class TestPromResponse : public QObject {
    Q_OBJECT
private slots:
    void matrix();
    void vector();
    void scalar();
    void seriesAndBuildInfo();
    void specialValues();
    void badInput_data();
    void badInput();
    void errorStatus_data();
    void errorStatus();
    void selector_data();
    void selector();
    void queriesPerDialect();
    void sideBySideGroupsByInstance();
    void endpointQueries();
    void endpointNameIsEscaped();
};

void TestPromResponse::matrix()
{
    const QByteArray body = R"({"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"instance":"a:1"},"values":[[1767225600,"1.5"],[1767225601.5,"2"]]},
        {"metric":{"instance":"b:2"},"values":[[1767225600,"3"]]}]}})";
    const PromResponse r = decodePromResponse(200, body);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.resultType, PromResultType::Matrix);
    QCOMPARE(r.series.size(), 2);
    QCOMPARE(r.series[0].labels.value(QStringLiteral("instance")), QStringLiteral("a:1"));
    QCOMPARE(r.series[0].points.size(), 2);
    QCOMPARE(r.series[0].points[0].timeMs, 1'767'225'600'000);
    QCOMPARE(r.series[0].points[1].timeMs, 1'767'225'601'500);
    QCOMPARE(r.series[0].points[0].value, 1.5);
    QCOMPARE(r.series[1].points[0].value, 3.0);
}

void TestPromResponse::vector()
{
    const PromResponse r = decodePromResponse(
        200,
        R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1767225600.25,"42"]}]},"warnings":["w1"]})");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.resultType, PromResultType::Vector);
    QCOMPARE(r.series.size(), 1);
    QVERIFY(r.series[0].labels.isEmpty());
    QCOMPARE(r.series[0].points[0].timeMs, 1'767'225'600'250);
    QCOMPARE(r.series[0].points[0].value, 42.0);
    QCOMPARE(r.warnings, QStringList{QStringLiteral("w1")});
    // An empty vector is a valid answer with no series.
    const PromResponse empty = decodePromResponse(
        200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
    QVERIFY(empty.ok);
    QVERIFY(empty.series.isEmpty());
}

void TestPromResponse::scalar()
{
    const PromResponse r = decodePromResponse(
        200, R"({"status":"success","data":{"resultType":"scalar","result":[1767225600,"0.25"]}})");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.resultType, PromResultType::Scalar);
    QCOMPARE(r.series.size(), 1);
    QCOMPARE(r.series[0].points[0].value, 0.25);
}

void TestPromResponse::seriesAndBuildInfo()
{
    const PromResponse s = decodePromResponse(
        200,
        R"({"status":"success","data":[{"__name__":"api_requests_total","job":"g"},{"__name__":"up","job":"g"}]})");
    QVERIFY2(s.ok, qPrintable(s.error));
    QCOMPARE(s.labelSets.size(), 2);
    QCOMPARE(s.labelSets[1].value(QStringLiteral("__name__")), QStringLiteral("up"));
    const PromResponse b = decodePromResponse(
        200,
        R"({"status":"success","data":{"version":"2.42.0","revision":"abc","goVersion":"go1.19"}})");
    QVERIFY(b.ok);
    QCOMPARE(b.buildInfo.value(QStringLiteral("version")), QStringLiteral("2.42.0"));
}

void TestPromResponse::specialValues()
{
    const PromResponse r = decodePromResponse(
        200,
        R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"],[2,"+Inf"],[3,"-Inf"],[4,"1e-3"]]}]}})");
    QVERIFY2(r.ok, qPrintable(r.error));
    const auto& p = r.series[0].points;
    QVERIFY(std::isnan(p[0].value));
    QVERIFY(std::isinf(p[1].value) && p[1].value > 0);
    QVERIFY(std::isinf(p[2].value) && p[2].value < 0);
    QCOMPARE(p[3].value, 0.001);
    QVERIFY(!parsePromValue(QStringLiteral("nan")).has_value()); // only the API's spelling
    QVERIFY(!parsePromValue(QStringLiteral("")).has_value());
    QVERIFY(!parsePromValue(QStringLiteral("1.5x")).has_value());
}

void TestPromResponse::badInput_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorType");
    QTest::newRow("not json") << 200 << QByteArray("{\"status\":") << "decode";
    QTest::newRow("empty body") << 200 << QByteArray() << "decode";
    QTest::newRow("array root") << 200 << QByteArray("[1,2]") << "decode";
    QTest::newRow("no status") << 200 << QByteArray(R"({"data":{}})") << "decode";
    QTest::newRow("no data") << 200 << QByteArray(R"({"status":"success"})") << "decode";
    QTest::newRow("unknown result type")
        << 200
        << QByteArray(R"({"status":"success","data":{"resultType":"histogram","result":[]}})")
        << "decode";
    QTest::newRow("result not array")
        << 200 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":{}}})")
        << "decode";
    QTest::newRow("value not a string")
        << 200
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})")
        << "decode";
    QTest::newRow("value not a number")
        << 200
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}})")
        << "decode";
    QTest::newRow("matrix without values")
        << 200
        << QByteArray(
               R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{}}]}})")
        << "decode";
    QTest::newRow("label not a string")
        << 200
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"1"]}]}})")
        << "decode";
    QTest::newRow("negative time")
        << 200
        << QByteArray(
               R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[-5,"1"]}]}})")
        << "decode";
    QTest::newRow("502 html") << 502 << QByteArray("<html>Bad Gateway</html>") << "http";
    QTest::newRow("404 text") << 404 << QByteArray("404 page not found") << "http";
    QTest::newRow("success body on 500")
        << 500 << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[]}})")
        << "http";
}

void TestPromResponse::badInput()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, errorType);
    const PromResponse r = decodePromResponse(status, body);
    QVERIFY(!r.ok);
    QCOMPARE(r.errorType, errorType);
    QVERIFY(!r.error.isEmpty());
    QVERIFY(r.series.isEmpty());
}

void TestPromResponse::errorStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorType");
    QTest::newRow("400 bad_data") << 400 << "bad_data";
    QTest::newRow("422 execution") << 422 << "execution";
    QTest::newRow("503 timeout") << 503 << "timeout";
    QTest::newRow("200 with error status") << 200 << "internal";
}

void TestPromResponse::errorStatus()
{
    QFETCH(int, status);
    QFETCH(QString, errorType);
    const QByteArray body = R"({"status":"error","errorType":")" + errorType.toUtf8() +
                            R"(","error":"parse error at char 5"})";
    const PromResponse r = decodePromResponse(status, body);
    QVERIFY(!r.ok);
    QCOMPARE(r.errorType, errorType);
    QVERIFY2(r.error.contains(QStringLiteral("parse error at char 5")), qPrintable(r.error));
}

void TestPromResponse::selector_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalised"); // empty: must be refused
    QTest::newRow("bare") << R"(job="bhiv-gateway")"
                          << R"(job="bhiv-gateway")";
    QTest::newRow("braced, spaces") << R"({ job = "bhiv-gateway" , env=~"prod.*" })"
                                    << R"(job="bhiv-gateway",env=~"prod.*")";
    QTest::newRow("not equal, not regex") << R"(job!="x",instance!~"a|b")"
                                          << R"(job!="x",instance!~"a|b")";
    QTest::newRow("escaped quote") << R"(job="a\"b")"
                                   << R"(job="a\"b")";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("braces only") << "{}"
                                 << "";
    QTest::newRow("injection") << R"(job="a"} or vector(1) or {x="y")"
                               << "";
    QTest::newRow("unquoted") << "job=bhiv"
                              << "";
    QTest::newRow("single quotes") << "job='bhiv'"
                                   << "";
    QTest::newRow("unclosed value") << R"(job="bhiv)"
                                    << "";
    QTest::newRow("unclosed brace") << R"({job="bhiv")"
                                    << "";
    QTest::newRow("bad name") << R"(1job="bhiv")"
                              << "";
    QTest::newRow("bad regex") << R"(job=~"(")"
                               << "";
    QTest::newRow("missing comma") << R"(job="a" env="b")"
                                   << "";
}

void TestPromResponse::selector()
{
    QFETCH(QString, input);
    QFETCH(QString, normalised);
    QString error;
    const auto parsed = PromSelector::parse(input, &error);
    if (normalised.isEmpty()) {
        QVERIFY2(!parsed, qPrintable(input));
        QVERIFY(!error.isEmpty());
    } else {
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->matchers(), normalised);
        QCOMPARE(parsed->braced(), u'{' + normalised + u'}');
    }
}

void TestPromResponse::queriesPerDialect()
{
    const auto selector = *PromSelector::parse(QStringLiteral("job=\"bhiv-gateway\""));
    PromQueryOptions options;
    options.rateWindowSeconds = 30;
    const MetricsMapping plan = MetricsMapping::forDialect(Dialect::Plan);
    QCOMPARE(promQueryFor(SignalId::RequestRate, plan, selector, options),
             QStringLiteral("sum(rate(api_requests_total{job=\"bhiv-gateway\"}[30s]))"));
    QCOMPARE(promQueryFor(SignalId::LatencyP95, plan, selector, options),
             QStringLiteral("histogram_quantile(0.95, sum by (le)(rate("
                            "api_request_duration_seconds_bucket{job=\"bhiv-gateway\"}[30s])))"));
    QCOMPARE(
        promQueryFor(SignalId::LatencyAvg, plan, selector, options),
        QStringLiteral("sum(rate(api_request_duration_seconds_sum{job=\"bhiv-gateway\"}[30s])) / "
                       "sum(rate(api_request_duration_seconds_count{job=\"bhiv-gateway\"}[30s]))"));
    // The plan dialect has no error series: no query rather than a wrong one.
    QVERIFY(promQueryFor(SignalId::ErrorRatio, plan, selector, options).isEmpty());
    QVERIFY(promQueryFor(SignalId::WorkflowRate, plan, selector, options).isEmpty());

    const MetricsMapping modular = MetricsMapping::forDialect(Dialect::Modular);
    const QString errors = promQueryFor(SignalId::ErrorRate, modular, selector, options);
    QVERIFY2(errors.contains(QStringLiteral(
                 "api_errors_total{job=\"bhiv-gateway\",error_type=\"server_error\"}[30s]")),
             qPrintable(errors));
    QVERIFY2(errors.contains(QStringLiteral(" or 0 * sum(rate(api_requests_total")),
             qPrintable(errors));
    const QString ratio = promQueryFor(SignalId::ErrorRatio, modular, selector, options);
    QVERIFY(ratio.startsWith(u'(' + errors.mid(1)));
    QVERIFY(ratio.endsWith(
        QStringLiteral(" / sum(rate(api_requests_total{job=\"bhiv-gateway\"}[30s]))")));
    QCOMPARE(promQueryFor(SignalId::CpuPercent, modular, selector, options),
             QStringLiteral("sum(system_cpu_usage_percent{job=\"bhiv-gateway\"})"));

    // The monolith exports no request counter: its histogram count stands in.
    const MetricsMapping monolith = MetricsMapping::forDialect(Dialect::Monolith);
    QCOMPARE(promQueryFor(SignalId::RequestRate, monolith, selector, options),
             QStringLiteral("sum(rate(api_response_seconds_count{job=\"bhiv-gateway\"}[30s]))"));
    QVERIFY(promQueryFor(SignalId::ErrorRate, monolith, selector, options)
                .contains(QStringLiteral("errors_total{job=\"bhiv-gateway\"}")));
}

void TestPromResponse::sideBySideGroupsByInstance()
{
    const auto selector = *PromSelector::parse(QStringLiteral("job=\"g\""));
    PromQueryOptions options;
    options.mode = InstanceMode::SideBySide;
    options.rateWindowSeconds = 10;
    const MetricsMapping plan = MetricsMapping::forDialect(Dialect::Plan);
    QCOMPARE(promQueryFor(SignalId::RequestRate, plan, selector, options),
             QStringLiteral("sum by (instance)(rate(api_requests_total{job=\"g\"}[10s]))"));
    QVERIFY(promQueryFor(SignalId::LatencyP99, plan, selector, options)
                .contains(QStringLiteral("sum by (le,instance)(")));
    InstanceMode mode{};
    QVERIFY(instanceModeFromName(QStringLiteral("side_by_side"), &mode));
    QCOMPARE(mode, InstanceMode::SideBySide);
    QVERIFY(!instanceModeFromName(QStringLiteral("stacked"), &mode));
}

// The endpoint table: `sum by (endpoint)` of the row's signals, nothing for the others; one
// endpoint per instance: the endpoint matcher added, `by (instance)`.
void TestPromResponse::endpointQueries()
{
    const auto selector = *PromSelector::parse(QStringLiteral("job=\"g\""));
    PromQueryOptions table;
    table.mode = InstanceMode::SideBySide;
    table.instanceLabel = QStringLiteral("endpoint");
    table.rateWindowSeconds = 10;
    const MetricsMapping plan = MetricsMapping::forDialect(Dialect::Plan);
    QCOMPARE(promEndpointQueryFor(SignalId::RequestRate, plan, selector, table),
             QStringLiteral("sum by (endpoint)(rate(api_requests_total{job=\"g\"}[10s]))"));
    QCOMPARE(promEndpointQueryFor(SignalId::LatencyP95, plan, selector, table),
             QStringLiteral("histogram_quantile(0.95, sum by (le,endpoint)(rate("
                            "api_request_duration_seconds_bucket{job=\"g\"}[10s])))"));
    QCOMPARE(promEndpointQueryFor(SignalId::LatencyAvg, plan, selector, table),
             QStringLiteral("sum by (endpoint)(rate(api_request_duration_seconds_sum{job=\"g\"}"
                            "[10s])) / sum by (endpoint)(rate(api_request_duration_seconds_count"
                            "{job=\"g\"}[10s]))"));
    // Not a column of the table: no query.
    for (SignalId other : {SignalId::MemoryBytes, SignalId::CpuPercent, SignalId::ErrorRatio,
                           SignalId::ActiveWorkflows, SignalId::Connections})
        QVERIFY(promEndpointQueryFor(other, plan, selector, table).isEmpty());
    // The plan dialect has no error series per endpoint either.
    QVERIFY(promEndpointQueryFor(SignalId::ErrorRate, plan, selector, table).isEmpty());
    const MetricsMapping modular = MetricsMapping::forDialect(Dialect::Modular);
    QCOMPARE(promEndpointQueryFor(SignalId::ErrorRate, modular, selector, table),
             QStringLiteral("sum by (endpoint)(rate(api_errors_total{job=\"g\","
                            "error_type=\"server_error\"}[10s]))"));
    // The monolith's error counter has no endpoint label: no zero stand-in per endpoint (its
    // endpoints read unknown, not error-free).
    QVERIFY(!promEndpointQueryFor(SignalId::ErrorRate,
                                  MetricsMapping::forDialect(Dialect::Monolith), selector, table)
                 .contains(QStringLiteral(" or 0 *")));
    // Errors from the requests counter's status label: the same labels, zero while none.
    MetricsMapping byStatus = modular;
    byStatus.errorsCounter.clear();
    QVERIFY(promEndpointQueryFor(SignalId::ErrorRate, byStatus, selector, table)
                .contains(QStringLiteral("status_code=~\"5..\"")));
    // A latency gauge has no endpoint label: the average comes from the histogram.
    MetricsMapping gauge = plan;
    gauge.latencyGauge = "api_response_time_avg_seconds";
    QVERIFY(!promEndpointQueryFor(SignalId::LatencyAvg, gauge, selector, table)
                 .contains(QStringLiteral("api_response_time_avg_seconds")));
    QVERIFY(promQueryFor(SignalId::LatencyAvg, gauge, selector, table)
                .contains(QStringLiteral("api_response_time_avg_seconds")));

    // One endpoint, per instance.
    const auto narrowed =
        selector.withMatcher(QStringLiteral("endpoint"), QStringLiteral("/v1/jobs"));
    QVERIFY(narrowed);
    QCOMPARE(narrowed->matchers(), QStringLiteral("job=\"g\",endpoint=\"/v1/jobs\""));
    PromQueryOptions perInstance;
    perInstance.mode = InstanceMode::SideBySide;
    perInstance.rateWindowSeconds = 10;
    QCOMPARE(promEndpointQueryFor(SignalId::RequestRate, plan, *narrowed, perInstance),
             QStringLiteral("sum by (instance)(rate(api_requests_total{job=\"g\","
                            "endpoint=\"/v1/jobs\"}[10s]))"));
    QCOMPARE(promEndpointQueryFor(SignalId::LatencyP99, plan, *narrowed, perInstance),
             QStringLiteral("histogram_quantile(0.99, sum by (le,instance)(rate("
                            "api_request_duration_seconds_bucket{job=\"g\",endpoint=\"/v1/jobs\"}"
                            "[10s])))"));
    // The original selector is left as it was.
    QCOMPARE(selector.matchers(), QStringLiteral("job=\"g\""));
    // A label name that is not one (a bad mapping override): no selector, not the whole target.
    QVERIFY(!selector.withMatcher(QStringLiteral("end point"), QStringLiteral("/x")));
    QVERIFY(!selector.withMatcher(QStringLiteral("endpoint\"}or vector(1)"), QStringLiteral("/x")));
    QVERIFY(!selector.withMatcher(QString(), QStringLiteral("/x")));
}

// An endpoint name is whatever the gateway put in its label: quotes, backslashes, newlines and
// PromQL of its own stay inside the one quoted value, and the narrowed selector parses back to
// exactly that value.
void TestPromResponse::endpointNameIsEscaped()
{
    const auto selector = *PromSelector::parse(QStringLiteral("job=\"g\""));
    const QString hostile = QStringLiteral("/x\"} or vector(1) or {a=\"\\\nb");
    const auto narrowed = selector.withMatcher(QStringLiteral("endpoint"), hostile);
    QVERIFY(narrowed);
    QCOMPARE(narrowed->matchers(),
             QStringLiteral("job=\"g\",endpoint=\"/x\\\"} or vector(1) or {a=\\\"\\\\\\nb\""));
    // Parsed back (as the selector parser reads PromQL strings): the same two matchers, the
    // value intact.
    QString error;
    const auto reparsed = PromSelector::parse(narrowed->matchers(), &error);
    QVERIFY2(reparsed, qPrintable(error));
    QCOMPARE(reparsed->matchers(), narrowed->matchers());
    QCOMPARE(promQuoted(hostile),
             narrowed->matchers().mid(narrowed->matchers().indexOf(u'=', 6) + 1));
    PromQueryOptions perInstance;
    perInstance.mode = InstanceMode::SideBySide;
    const QString promql = promEndpointQueryFor(
        SignalId::RequestRate, MetricsMapping::forDialect(Dialect::Plan), *narrowed, perInstance);
    // One selector in braces: the hostile text never closes it early.
    QCOMPARE(promql.count(QStringLiteral("{job=")), 1);
    QVERIFY2(promql.endsWith(QStringLiteral("\\nb\"}[60s]))")), qPrintable(promql));
    QVERIFY(!promql.contains(u'\n'));
}

QTEST_GUILESS_MAIN(TestPromResponse)
#include "TestPromResponse.moc"
