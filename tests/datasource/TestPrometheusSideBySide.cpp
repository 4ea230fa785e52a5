// Side by side: a Prometheus-backed target's instances as one series each. InstanceSignals on
// its own (frames in, one store series per instance and signal, stale instances), then
// PrometheusFeed against an in-process fake Prometheus: side by side fills InstanceSignals with
// the instances' own values (and one that appears later) while the monitor keeps the exact
// aggregate; aggregated mode sends the same queries as before and no per-instance ones.
#include "models/datasource/InstanceSignals.h"
#include "models/datasource/PrometheusFeed.h"
#include "models/datasource/PrometheusSource.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/FakeNetworkAccessManager.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest>
#include <cmath>
#include <memory>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::RecordedRequest;

namespace {

SignalFrame frame(qint64 t, double requests, double p95 = std::nan(""))
{
    SignalFrame f;
    f.timeMs = t;
    f.values[static_cast<std::size_t>(SignalId::RequestRate)] = requests;
    f.values[static_cast<std::size_t>(SignalId::LatencyP95)] = p95;
    return f;
}

QList<StorePoint> pointsOf(const InstanceSignals& perInstance, const QString& instance, SignalId id)
{
    std::vector<StorePoint> out;
    const std::uint32_t series = perInstance.series(instance, id);
    if (series != SeriesStore::kNoSeries)
        perInstance.store().points(series, 0, std::numeric_limits<qint64>::max(), out);
    return QList<StorePoint>(out.begin(), out.end());
}

QString queryOf(const RecordedRequest& r)
{
    return QUrlQuery(r.url).queryItemValue(QStringLiteral("query"), QUrl::FullyDecoded);
}

// A fake Prometheus whose gateways serve `rates` requests a second each (instance -> rate):
// request-rate queries answer per instance (by (instance)) or their sum; every other signal has
// no series. Range queries answer every step of [start, end]; instant ones at `time`.
class FakePrometheus {
public:
    QMap<QString, double> rates;
    QMap<QString, double> endpointRates; // by (endpoint): endpoint label -> rate
    FakeNetworkAccessManager network;

    FakePrometheus()
    {
        network.setResponse(
            QStringLiteral("/api/v1/status/buildinfo"),
            FakeResponse::json(R"({"status":"success","data":{"version":"2.42.0"}})"));
        network.setHandler([this](const RecordedRequest& r) -> std::optional<FakeResponse> {
            const QString path = r.url.path();
            if (path != u"/api/v1/query" && path != u"/api/v1/query_range")
                return std::nullopt;
            const bool range = path.endsWith(u"_range");
            const QString query = queryOf(r);
            const bool byInstance = query.contains(QStringLiteral("by (instance)"));
            const QUrlQuery q(r.url);
            QList<double> times;
            if (range) {
                const double start = q.queryItemValue(QStringLiteral("start")).toDouble();
                const double end = q.queryItemValue(QStringLiteral("end")).toDouble();
                const double step = q.queryItemValue(QStringLiteral("step")).toDouble();
                for (double t = std::ceil(start); t <= end; t += step)
                    times << t;
            } else {
                times << q.queryItemValue(QStringLiteral("time")).toDouble();
            }
            QMap<QString, double> answer; // instance label ("" aggregated) -> value
            const bool byEndpoint = query.contains(QStringLiteral("by (endpoint)"));
            const QString label =
                byEndpoint ? QStringLiteral("endpoint") : QStringLiteral("instance");
            if (byEndpoint) {
                if (query.contains(QStringLiteral("rate(api_requests_total{")))
                    answer = endpointRates;
            } else if (query.contains(QStringLiteral("rate(api_requests_total{")) &&
                       !query.contains(QStringLiteral("status")) && !rates.isEmpty()) {
                if (byInstance)
                    answer = rates;
                else {
                    double sum = 0;
                    for (double v : std::as_const(rates))
                        sum += v;
                    answer.insert(QString(), sum);
                }
            }
            QByteArray result;
            for (auto it = answer.cbegin(); it != answer.cend(); ++it) {
                if (!result.isEmpty())
                    result += ',';
                const QByteArray metric = it.key().isEmpty()
                                              ? QByteArray("{}")
                                              : QJsonDocument(QJsonObject{{label, it.key()}})
                                                    .toJson(QJsonDocument::Compact);
                QByteArray values;
                for (double t : std::as_const(times)) {
                    if (!values.isEmpty())
                        values += ',';
                    values += '[' + QByteArray::number(t, 'f', 3) + ",\"" +
                              QByteArray::number(it.value()) + "\"]";
                }
                result +=
                    R"({"metric":)" + metric +
                    (range ? R"(,"values":[)" + values + "]}" : R"(,"value":)" + values + '}');
            }
            return FakeResponse::json(R"({"status":"success","data":{"resultType":")" +
                                      QByteArray(range ? "matrix" : "vector") + R"(","result":[)" +
                                      result + "]}}");
        });
    }
};

Target fleet(bool sideBySide)
{
    Target t;
    t.name = QStringLiteral("fleet");
    t.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
    t.intervalMs = 1000;
    t.dialect = Dialect::Plan;
    t.dataSource.kind = DataSourceConfig::Kind::Prometheus;
    t.dataSource.url = QUrl(QStringLiteral("http://127.0.0.1:9090"));
    t.dataSource.selector = QStringLiteral("job=\"bhiv-gateway\"");
    t.dataSource.rateWindowSeconds = 5;
    t.dataSource.sideBySide = sideBySide;
    return t;
}

// A monitor that never polls, and a feed owned by it as the console does.
struct Rig {
    FakePrometheus prometheus;
    SystemClock clock;
    std::unique_ptr<Poller> poller;
    std::unique_ptr<TargetMonitor> monitor;
    PrometheusFeed* feed = nullptr;

    explicit Rig(bool sideBySide)
    {
        prometheus.rates = {{QStringLiteral("10.0.0.1:8000"), 20.0},
                            {QStringLiteral("10.0.0.2:8000"), 10.0}};
        PollerOptions options;
        options.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        poller = std::make_unique<Poller>(&prometheus.network, &clock, options);
        monitor = std::make_unique<TargetMonitor>(poller.get(), &clock);
        feed = new PrometheusFeed(&prometheus.network, fleet(sideBySide), {}, monitor.get(), &clock,
                                  monitor.get());
    }
};

} // namespace

class TestPrometheusSideBySide : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<QList<ops::SourceSeries>>(); }
    void oneSeriesPerInstance();
    void newInstanceLaterAndStaleOne();
    void sideBySideFeedFillsInstances();
    void aggregatedFeedUnchanged();
    void endpointRowsAndHostileFocus();
};

void TestPrometheusSideBySide::oneSeriesPerInstance()
{
    InstanceSignals perInstance;
    QSignalSpy changed(&perInstance, &InstanceSignals::instancesChanged);
    QSignalSpy updated(&perInstance, &InstanceSignals::updated);
    SourceSeries a{QStringLiteral("b:2"), {frame(1000, 7, 0.2), frame(2000, 8, 0.3)}};
    SourceSeries b{QStringLiteral("a:1"), {frame(1000, 3), frame(2000, 4)}};
    SourceSeries aggregate{QString(), {frame(1000, 10), frame(2000, 12)}}; // ignored
    perInstance.ingest({b, a, aggregate});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(updated.size(), 1);
    QCOMPARE(perInstance.instances(), (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2")}));
    QCOMPARE(pointsOf(perInstance, QStringLiteral("b:2"), SignalId::RequestRate),
             (QList<StorePoint>{{1000, 7}, {2000, 8}}));
    QCOMPARE(pointsOf(perInstance, QStringLiteral("a:1"), SignalId::RequestRate),
             (QList<StorePoint>{{1000, 3}, {2000, 4}}));
    QCOMPARE(perInstance.latest(QStringLiteral("b:2"), SignalId::LatencyP95), 0.3);
    // No value, no series (the chart shows nothing rather than zeros).
    QCOMPARE(perInstance.series(QStringLiteral("a:1"), SignalId::LatencyP95),
             SeriesStore::kNoSeries);
    QCOMPARE(perInstance.series(QString(), SignalId::RequestRate), SeriesStore::kNoSeries);
    QVERIFY(!perInstance.isStale(QStringLiteral("a:1")));
    QCOMPARE(perInstance.latestTime(), 2000);
    // Frames already held are not added twice (a refresh overlapping the backfill).
    perInstance.ingest({a});
    QCOMPARE(pointsOf(perInstance, QStringLiteral("b:2"), SignalId::RequestRate).size(), 2);
    QCOMPARE(changed.size(), 1);
}

void TestPrometheusSideBySide::newInstanceLaterAndStaleOne()
{
    InstanceSignals perInstance;
    perInstance.ingest(
        {{QStringLiteral("a:1"), {frame(1000, 3)}}, {QStringLiteral("b:2"), {frame(1000, 7)}}});
    QSignalSpy changed(&perInstance, &InstanceSignals::instancesChanged);
    // b stops answering; c appears.
    perInstance.ingest(
        {{QStringLiteral("a:1"), {frame(2000, 4)}}, {QStringLiteral("c:3"), {frame(2000, 1.5)}}});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(perInstance.instances(),
             (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2"), QStringLiteral("c:3")}));
    QCOMPARE(pointsOf(perInstance, QStringLiteral("c:3"), SignalId::RequestRate),
             (QList<StorePoint>{{2000, 1.5}}));
    QVERIFY(perInstance.isStale(QStringLiteral("b:2")));
    QVERIFY(!perInstance.isStale(QStringLiteral("c:3")));
    QCOMPARE(perInstance.lastSeenMs(QStringLiteral("b:2")), 1000);
    QVERIFY(std::isnan(perInstance.latest(QStringLiteral("b:2"), SignalId::RequestRate)));
    // b got no point at 2000: its line ends where it stopped.
    QCOMPARE(pointsOf(perInstance, QStringLiteral("b:2"), SignalId::RequestRate),
             (QList<StorePoint>{{1000, 7}}));
    // Back again: no longer stale, and no new series.
    perInstance.ingest({{QStringLiteral("b:2"), {frame(3000, 9)}}});
    QVERIFY(!perInstance.isStale(QStringLiteral("b:2")));
    QVERIFY(perInstance.isStale(QStringLiteral("a:1")));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(pointsOf(perInstance, QStringLiteral("b:2"), SignalId::RequestRate),
             (QList<StorePoint>{{1000, 7}, {3000, 9}}));
}

void TestPrometheusSideBySide::sideBySideFeedFillsInstances()
{
    Rig rig(true);
    QVERIFY(rig.feed->sideBySide());
    InstanceSignals* perInstance = rig.feed->instanceSignals();
    QVERIFY(perInstance);
    // What the dashboard is given: TargetSession::instanceSignals (fleet_sessions).
    QSignalSpy problems(rig.feed, &PrometheusFeed::problem);
    QSignalSpy changed(perInstance, &InstanceSignals::instancesChanged);
    rig.feed->start(30'000);
    QTRY_COMPARE_WITH_TIMEOUT(perInstance->instanceCount(), 2, 5000);
    QCOMPARE(problems.size(), 0);
    QCOMPARE(perInstance->instances(),
             (QStringList{QStringLiteral("10.0.0.1:8000"), QStringLiteral("10.0.0.2:8000")}));
    // The backfill: the whole window, every step, each instance its own value.
    const QList<StorePoint> first =
        pointsOf(*perInstance, QStringLiteral("10.0.0.1:8000"), SignalId::RequestRate);
    QVERIFY2(first.size() >= 29, qPrintable(QString::number(first.size())));
    for (const StorePoint& p : first)
        QCOMPARE(p.v, 20.0);
    for (const StorePoint& p :
         pointsOf(*perInstance, QStringLiteral("10.0.0.2:8000"), SignalId::RequestRate))
        QCOMPARE(p.v, 10.0);
    // The monitor keeps the exact aggregate (tiles, alert rules).
    QTRY_VERIFY_WITH_TIMEOUT(rig.feed->framesFed() > 0, 5000);
    QCOMPARE(rig.monitor->signalBoard().latest(SignalId::RequestRate), 30.0);
    QVERIFY(rig.monitor->usesExternalSignals());
    // Both kinds of query went out: the aggregate's and the same by instance.
    bool sawBy = false, sawSum = false;
    for (const RecordedRequest& r : rig.prometheus.network.requests()) {
        const QString q = queryOf(r);
        sawBy = sawBy || q.startsWith(QStringLiteral("sum by (instance)(rate(api_requests_total"));
        sawSum = sawSum || q.startsWith(QStringLiteral("sum(rate(api_requests_total"));
    }
    QVERIFY(sawBy && sawSum);

    // A third instance starts reporting: the next refresh gives it a series.
    rig.prometheus.rates.insert(QStringLiteral("10.0.0.3:8000"), 5.0);
    QTRY_COMPARE_WITH_TIMEOUT(perInstance->instanceCount(), 3, 5000);
    QVERIFY(changed.size() >= 2);
    QCOMPARE(perInstance->instances().last(), QStringLiteral("10.0.0.3:8000"));
    QCOMPARE(perInstance->latest(QStringLiteral("10.0.0.3:8000"), SignalId::RequestRate), 5.0);
    QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->signalBoard().latest(SignalId::RequestRate), 35.0, 5000);

    // The second one goes away: stale, and it gets no more points.
    rig.prometheus.rates.remove(QStringLiteral("10.0.0.2:8000"));
    QTRY_VERIFY_WITH_TIMEOUT(perInstance->isStale(QStringLiteral("10.0.0.2:8000")), 5000);
    const int held =
        pointsOf(*perInstance, QStringLiteral("10.0.0.2:8000"), SignalId::RequestRate).size();
    const qint64 lastSeen = perInstance->lastSeenMs(QStringLiteral("10.0.0.2:8000"));
    const qint64 latest = perInstance->latestTime();
    QTRY_VERIFY_WITH_TIMEOUT(perInstance->latestTime() > latest, 5000);
    QCOMPARE(pointsOf(*perInstance, QStringLiteral("10.0.0.2:8000"), SignalId::RequestRate).size(),
             held);
    QCOMPARE(perInstance->lastSeenMs(QStringLiteral("10.0.0.2:8000")), lastSeen);
    QCOMPARE(perInstance->instanceCount(), 3); // still listed (grey on the chart), not forgotten
    QVERIFY(!perInstance->isStale(QStringLiteral("10.0.0.1:8000")));
    QCOMPARE(perInstance->latest(QStringLiteral("10.0.0.1:8000"), SignalId::RequestRate), 20.0);
}

void TestPrometheusSideBySide::aggregatedFeedUnchanged()
{
    Rig rig(false);
    QVERIFY(!rig.feed->sideBySide());
    QVERIFY(!rig.feed->instanceSignals());
    QSignalSpy connected(rig.feed, &PrometheusFeed::connected);
    rig.feed->start(30'000);
    QVERIFY(connected.wait(5000));
    QTRY_VERIFY_WITH_TIMEOUT(rig.feed->framesFed() >= 29, 5000);
    QCOMPARE(rig.monitor->signalBoard().latest(SignalId::RequestRate), 30.0);
    QVERIFY(!rig.feed->instanceSource());
    // One query per signal and pass, none by instance.
    int rangeQueries = 0;
    for (const RecordedRequest& r : rig.prometheus.network.requests()) {
        QVERIFY2(!queryOf(r).contains(QStringLiteral("instance")), qPrintable(queryOf(r)));
        rangeQueries += r.url.path() == u"/api/v1/query_range" ? 1 : 0;
    }
    int signalQueries = 0;
    for (std::size_t i = 0; i < kSignalCount; ++i)
        signalQueries += rig.feed->source()->queryFor(static_cast<SignalId>(i)).isEmpty() ? 0 : 1;
    QCOMPARE(rangeQueries, signalQueries);
}

// The endpoint table from `sum by (endpoint)` into the monitor's endpoint rows (its own scrape
// is off); focusing an endpoint whose name the server gave (hostile: quotes, braces, PromQL)
// narrows the per-instance queries with that name escaped, never spliced in.
void TestPrometheusSideBySide::endpointRowsAndHostileFocus()
{
    const QString hostile = QStringLiteral("/x\"} or vector(1) or {a=\"\\");
    Rig rig(true);
    rig.prometheus.endpointRates = {{QStringLiteral("/v1/jobs"), 12.0}, {hostile, 3.0}};
    QSignalSpy problems(rig.feed, &PrometheusFeed::problem);
    rig.feed->start(30'000);
    const SignalBoard& board = rig.monitor->signalBoard();
    QTRY_COMPARE_WITH_TIMEOUT(board.endpointTable().size(), std::size_t(2), 5000);
    QCOMPARE(problems.size(), 0);
    const auto rateOf = [&](const QString& endpoint) {
        for (const EndpointRow& row : board.endpointTable())
            if (QString::fromStdString(row.endpoint) == endpoint)
                return row.latest[static_cast<std::size_t>(EndpointSignal::RequestRate)];
        return std::nan("");
    };
    QCOMPARE(rateOf(QStringLiteral("/v1/jobs")), 12.0);
    QCOMPARE(rateOf(hostile), 3.0);
    // Unknown where the server had nothing (the fake answers request rates only).
    QVERIFY(
        std::isnan(board.endpointTable()[0].latest[static_cast<std::size_t>(EndpointSignal::P95)]));
    // Charted: the endpoint rows have store series with the values.
    std::vector<StorePoint> points;
    board.signalStore().points(
        board.endpointTable()[0].series[static_cast<std::size_t>(EndpointSignal::RequestRate)], 0,
        std::numeric_limits<qint64>::max(), points);
    QVERIFY(!points.empty());

    QSignalSpy focusChanged(rig.feed, &PrometheusFeed::endpointInstanceSignalsChanged);
    rig.feed->setEndpointFocus(hostile);
    QCOMPARE(focusChanged.size(), 1);
    InstanceSignals* perInstance = rig.feed->endpointInstanceSignals();
    QVERIFY(perInstance);
    QTRY_COMPARE_WITH_TIMEOUT(perInstance->instanceCount(), 2, 5000);
    const QString matcher = QStringLiteral("endpoint=") + promQuoted(hostile);
    bool narrowed = false;
    for (const RecordedRequest& r : rig.prometheus.network.requests()) {
        const QString q = queryOf(r);
        QVERIFY2(!q.contains(QStringLiteral("=\"/x\"}")), qPrintable(q)); // never unescaped
        narrowed = narrowed ||
                   (q.startsWith(QStringLiteral("sum by (instance)(rate(")) && q.contains(matcher));
    }
    QVERIFY2(narrowed, qPrintable(matcher));
    // Focus off: no per-endpoint store, no more per-endpoint queries.
    rig.feed->setEndpointFocus(QString());
    QCOMPARE(focusChanged.size(), 2);
    QVERIFY(!rig.feed->endpointInstanceSignals());

    // Aggregated: the table still fills, but nothing is charted per instance.
    Rig aggregated(false);
    aggregated.prometheus.endpointRates = {{QStringLiteral("/v1/jobs"), 12.0}};
    aggregated.feed->start(30'000);
    QTRY_COMPARE_WITH_TIMEOUT(aggregated.monitor->signalBoard().endpointTable().size(),
                              std::size_t(1), 5000);
    aggregated.feed->setEndpointFocus(QStringLiteral("/v1/jobs"));
    QVERIFY(!aggregated.feed->endpointInstanceSignals());
}

QTEST_GUILESS_MAIN(TestPrometheusSideBySide)
#include "TestPrometheusSideBySide.moc"
