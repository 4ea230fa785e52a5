// Against Debian's real prometheus, started by the test on a loopback port, scraping real
// bhiv-gateway-sim instances every second: the charts from Prometheus equal the console's own
// scrape within tolerance, two instances aggregate to their sum, basic auth is honoured.
#include "models/datasource/PrometheusClient.h"
#include "models/datasource/PrometheusSource.h"
#include "models/domain/Clock.h"
#include "models/metrics/SignalDeriver.h"
#include "tests/support/PrometheusProcess.h"
#include "tests/support/SimulatorProcess.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>

using namespace ops;
using ops::test::PrometheusProcess;
using ops::test::SimulatorProcess;

namespace {

constexpr int kWindowS = 8; // rate() range: eight 1 s scrapes

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

PrometheusSourceConfig config(InstanceMode mode)
{
    PrometheusSourceConfig c;
    c.selector = *PromSelector::parse(QStringLiteral("job=\"bhiv-gateway\""));
    c.query.mode = mode;
    c.query.rateWindowSeconds = kWindowS;
    c.mapping = MetricsMapping::forDialect(Dialect::Plan);
    c.detectDialect = false;
    return c;
}

ApiConnection connectionTo(const QUrl& url, const QByteArray& authorization = {})
{
    ApiConnection c;
    c.baseUrl = url;
    c.authorization = authorization;
    c.limits.connectTimeoutMs = 3000;
    c.limits.readTimeoutMs = 5000;
    return c;
}

// Runs one pass of the source and returns its series (empty with *error on failure).
QList<SourceSeries> runPass(PrometheusSource& source, bool range, qint64 from, qint64 to,
                            QString* error)
{
    QSignalSpy frames(&source, &DataSource::framesReady);
    QSignalSpy failed(&source, &DataSource::failed);
    if (range)
        source.backfill(from, to, 1000);
    else
        source.refresh(to);
    if (!frames.wait(15000)) {
        *error = QStringLiteral("no answer");
        return {};
    }
    if (!failed.isEmpty())
        *error = failed.first().at(0).toString();
    return frames.first().at(0).value<QList<SourceSeries>>();
}

// Waits until Prometheus has scraped every target at least `samples` times.
bool waitForScrapes(const QUrl& prometheus, int targets, int samples,
                    const QByteArray& authorization = {})
{
    QUrl url = prometheus;
    url.setPath(QStringLiteral("/api/v1/query"));
    url.setQuery(QStringLiteral("query=") +
                 QString::fromLatin1(QUrl::toPercentEncoding(
                     QStringLiteral("count(count_over_time(up{job=\"bhiv-gateway\"}[1m]) >= %1)")
                         .arg(samples))));
    QDeadlineTimer deadline(40000);
    while (!deadline.hasExpired()) {
        QByteArray body;
        if (ops::test::ExternalProcess::httpGet(url, &body, authorization) == 200 &&
            body.contains(QByteArray("\"") + QByteArray::number(targets) + "\"]"))
            return true;
        QTest::qWait(250);
    }
    return false;
}

} // namespace

class TestPrometheusLive : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<QList<ops::SourceSeries>>(); }
    void chartsEqualTheDirectScrape();
    void twoInstancesAggregated();
    void basicAuthThroughTheApi();
};

void TestPrometheusLive::chartsEqualTheDirectScrape()
{
    SimulatorProcess sim;
    QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                        QStringLiteral("--seed"), QStringLiteral("11")}),
             qPrintable(sim.error()));
    PrometheusProcess prometheus;
    QVERIFY2(prometheus.start(QList<QUrl>{sim.url()}), qPrintable(prometheus.error()));

    // Prometheus picks its targets up a few seconds after it starts; before it has a whole rate
    // window of samples its rate() is partial by design. Compare from then on.
    QVERIFY(waitForScrapes(prometheus.url(), 1, 2));
    // The console's own scrape, once a second, for 18 s.
    SignalDeriver direct;
    struct Point {
        qint64 t;
        double requests;
        double latencyAvg;
        double p95;
    };
    QList<Point> points;
    for (int i = 0; i < 19; ++i) {
        QByteArray body;
        QCOMPARE(sim.get(QStringLiteral("/metrics"), &body), 200);
        const qint64 t = nowMs();
        const IngestResult r = direct.ingest(t, std::string_view(body.constData(), body.size()),
                                             MetricsFormat::PrometheusText);
        QVERIFY2(r.ok, r.error.c_str());
        if (i > 0) {
            points.append({t, direct.latest(SignalId::RequestRate),
                           direct.latest(SignalId::LatencyAvg),
                           direct.latest(SignalId::LatencyP95)});
        }
        QTest::qWait(1000);
    }
    QVERIFY(waitForScrapes(prometheus.url(), 1, kWindowS + 4));
    QNetworkAccessManager network;
    PrometheusClient client(&network, connectionTo(prometheus.url()));
    PrometheusSource source(&client, config(InstanceMode::Aggregate));
    const qint64 to = points.last().t;
    const qint64 from = points.first().t + kWindowS * 1000;
    QString error;
    const QList<SourceSeries> series = runPass(source, true, from, to, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(series.size(), 1);
    QVERIFY(series[0].frames.size() >= 8);

    // At every step of the backfill, Prometheus's rate over [t - 8 s, t] against the direct
    // scrape's rates over the same span (weighted by their intervals).
    // Latencies are weighted by the requests they average over.
    const auto directOver = [&](qint64 t0, qint64 t1, auto value, bool perRequest = false) {
        double sum = 0, span = 0;
        qint64 previous = 0;
        for (const Point& p : points) {
            if (previous > 0 && p.t > t0 && p.t <= t1) {
                const double w = double(p.t - previous) * (perRequest ? p.requests : 1.0);
                sum += value(p) * w;
                span += w;
            }
            previous = p.t;
        }
        return span > 0 ? sum / span : std::nan("");
    };
    double worstRate = 0, meanRate = 0, worstLatency = 0, promP95 = 0, directP95 = 0;
    int compared = 0;
    for (const SignalFrame& frame : series[0].frames) {
        const double promRate = frame.value(SignalId::RequestRate);
        const double rate = directOver(frame.timeMs - kWindowS * 1000, frame.timeMs,
                                       [](const Point& p) { return p.requests; });
        const double latency = directOver(
            frame.timeMs - kWindowS * 1000, frame.timeMs,
            [](const Point& p) { return p.latencyAvg; }, true);
        if (std::isnan(rate) || std::isnan(promRate))
            continue;
        QVERIFY2(promRate > 5, qPrintable(QString::number(promRate)));
        worstRate = qMax(worstRate, std::abs(promRate - rate) / rate);
        meanRate += std::abs(promRate - rate) / rate;
        worstLatency =
            qMax(worstLatency, std::abs(frame.value(SignalId::LatencyAvg) - latency) / latency);
        promP95 += frame.value(SignalId::LatencyP95);
        directP95 += directOver(
            frame.timeMs - kWindowS * 1000, frame.timeMs, [](const Point& p) { return p.p95; },
            true);
        ++compared;
    }
    QVERIFY2(compared >= 6, qPrintable(QString::number(compared)));
    meanRate /= compared;
    qInfo("request rate: relative difference mean %.3f worst %.3f; average latency worst %.3f; "
          "p95 %.4f vs %.4f",
          meanRate, worstRate, worstLatency, promP95 / compared, directP95 / compared);
    // The two scrape the same counters up to a second apart: a frame may differ by what a
    // second's traffic adds to the window, the whole run much less.
    QVERIFY2(meanRate < 0.08, qPrintable(QString::number(meanRate)));
    QVERIFY2(worstRate < 0.2, qPrintable(QString::number(worstRate)));
    QVERIFY2(worstLatency < 0.2, qPrintable(QString::number(worstLatency)));
    QVERIFY2(std::abs(promP95 - directP95) / directP95 < 0.3,
             qPrintable(QStringLiteral("%1 vs %2").arg(promP95).arg(directP95)));
}

void TestPrometheusLive::twoInstancesAggregated()
{
    SimulatorProcess a;
    SimulatorProcess b;
    QVERIFY2(a.start({QStringLiteral("--seed"), QStringLiteral("1")}), qPrintable(a.error()));
    QVERIFY2(b.start({QStringLiteral("--seed"), QStringLiteral("2"), QStringLiteral("--rps"),
                      QStringLiteral("10")}),
             qPrintable(b.error()));
    PrometheusProcess prometheus;
    QVERIFY2(prometheus.start(QList<QUrl>{a.url(), b.url()}), qPrintable(prometheus.error()));
    QVERIFY(waitForScrapes(prometheus.url(), 2, kWindowS + 2));

    QNetworkAccessManager network;
    PrometheusClient client(&network, connectionTo(prometheus.url()));
    // On connect: build info, dialect detected from the series, a backfill of the window.
    PrometheusSourceConfig detecting = config(InstanceMode::Aggregate);
    detecting.mapping = MetricsMapping::forDialect(Dialect::Unknown);
    detecting.detectDialect = true;
    PrometheusSource aggregate(&client, detecting);
    QSignalSpy connected(&aggregate, &PrometheusSource::connected);
    QSignalSpy backfilled(&aggregate, &DataSource::framesReady);
    aggregate.connectSource(nowMs(), 60'000, 1000);
    QVERIFY(backfilled.wait(15000));
    QCOMPARE(connected.size(), 1);
    QVERIFY2(connected.first().at(0).toString().startsWith(QStringLiteral("2.")),
             qPrintable(connected.first().at(0).toString()));
    QCOMPARE(aggregate.config().mapping.dialect, Dialect::Plan);
    const auto window = backfilled.first().at(0).value<QList<SourceSeries>>();
    QCOMPARE(window.size(), 1);
    // The window holds what Prometheus has (it started seconds ago), up to now, by the step.
    QVERIFY2(window[0].frames.size() >= kWindowS,
             qPrintable(QString::number(window[0].frames.size())));
    QVERIFY(window[0].frames.last().timeMs > nowMs() - 5000);
    for (qsizetype i = 1; i < window[0].frames.size(); ++i)
        QCOMPARE(window[0].frames[i].timeMs - window[0].frames[i - 1].timeMs, 1000);
    QVERIFY(window[0].frames.last().value(SignalId::RequestRate) > 0);

    PrometheusSource sideBySide(&client, config(InstanceMode::SideBySide));
    const qint64 t = nowMs() - 1000;
    QString error;
    const QList<SourceSeries> total = runPass(aggregate, false, t, t, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QList<SourceSeries> each = runPass(sideBySide, false, t, t, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(total.size(), 1);
    QCOMPARE(each.size(), 2);
    QStringList instances{each[0].instance, each[1].instance};
    instances.sort();
    QStringList expected{QStringLiteral("127.0.0.1:%1").arg(a.url().port()),
                         QStringLiteral("127.0.0.1:%1").arg(b.url().port())};
    expected.sort();
    QCOMPARE(instances, expected);
    const double sum = each[0].frames[0].value(SignalId::RequestRate) +
                       each[1].frames[0].value(SignalId::RequestRate);
    const double aggregated = total[0].frames[0].value(SignalId::RequestRate);
    qInfo("aggregate %.3f req/s, side by side %.3f + %.3f", aggregated,
          each[0].frames[0].value(SignalId::RequestRate),
          each[1].frames[0].value(SignalId::RequestRate));
    QVERIFY2(std::abs(aggregated - sum) < 1e-9 * qMax(1.0, sum),
             qPrintable(QStringLiteral("%1 vs %2").arg(aggregated).arg(sum)));
    // 20 + 10 synthetic requests a second (plus the scrapes themselves).
    QVERIFY2(aggregated > 30 * 0.7 && aggregated < 30 * 1.4,
             qPrintable(QString::number(aggregated)));
    // The aggregated average latency lies between the instances' own.
    const double l0 = each[0].frames[0].value(SignalId::LatencyAvg);
    const double l1 = each[1].frames[0].value(SignalId::LatencyAvg);
    const double lAll = total[0].frames[0].value(SignalId::LatencyAvg);
    QVERIFY2(lAll >= qMin(l0, l1) - 1e-12 && lAll <= qMax(l0, l1) + 1e-12,
             qPrintable(QStringLiteral("%1 not within %2..%3").arg(lAll).arg(l0).arg(l1)));
}

void TestPrometheusLive::basicAuthThroughTheApi()
{
    SimulatorProcess sim;
    QVERIFY2(sim.start({}), qPrintable(sim.error()));
    // bcrypt of "h11-test-password" (a test-only password).
    const QByteArray right = authorizationHeader(ApiAuthKind::Basic, QStringLiteral("ops"),
                                                 QByteArrayLiteral("h11-test-password"));
    PrometheusProcess::Options options;
    options.gateways = {sim.url()};
    options.basicAuthUser = QStringLiteral("ops");
    options.basicAuthHash = "$2b$04$Ms/Feig5zIM0wrzgrHeyPuEiH5eQ5PFWNh69s9VNF52BEQycZ1m.W";
    options.readyAuthorization = right;
    PrometheusProcess prometheus;
    QVERIFY2(prometheus.start(options), qPrintable(prometheus.error()));

    QNetworkAccessManager network;
    for (const QByteArray& wrong :
         {QByteArray(), authorizationHeader(ApiAuthKind::Basic, QStringLiteral("ops"), "nope"),
          authorizationHeader(ApiAuthKind::Bearer, {}, "h11-test-password")}) {
        PrometheusClient client(&network, connectionTo(prometheus.url(), wrong));
        PrometheusSource source(&client, config(InstanceMode::Aggregate));
        QSignalSpy failed(&source, &DataSource::failed);
        source.connectSource(nowMs(), 10'000, 1000);
        QVERIFY(failed.wait(10000));
        const QString why = failed.first().at(0).toString();
        QVERIFY2(why.contains(QStringLiteral("401")) || why.contains(QStringLiteral("credentials")),
                 qPrintable(why));
        QVERIFY(!why.contains(QStringLiteral("h11-test-password")));
    }
    PrometheusClient client(&network, connectionTo(prometheus.url(), right));
    PrometheusSource source(&client, config(InstanceMode::Aggregate));
    QSignalSpy connected(&source, &PrometheusSource::connected);
    source.connectSource(nowMs(), 10'000, 1000);
    QVERIFY(connected.wait(10000));
}

QTEST_GUILESS_MAIN(TestPrometheusLive)
#include "TestPrometheusLive.moc"
