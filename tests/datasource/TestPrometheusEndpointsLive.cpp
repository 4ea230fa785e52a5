// The Endpoints page of a Prometheus-backed target, end to end: Debian's real prometheus
// scraping two real bhiv-gateway-sim instances (modular dialect: per-endpoint counters, error
// counters and latency histograms; 20 and 10 synthetic requests a second), the target's
// PrometheusFeed with "side by side" set, and the Dashboard wired as the console wires it.
// The endpoint table fills from PromQL `sum by (endpoint)` (the monitor's own /metrics scrape
// is off in Prometheus mode) with each endpoint's rate matching the simulators' own counters;
// selecting an endpoint charts it once per instance (named by the instance label, the
// Overview's colours) with each line matching that simulator's counter for the endpoint.
#include "models/datasource/InstanceSignals.h"
#include "models/datasource/PrometheusFeed.h"
#include "models/datasource/PrometheusSource.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/ChartPointsModel.h"
#include "models/itemmodels/EndpointTableModel.h"
#include "models/metrics/SignalDeriver.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/PrometheusProcess.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/shell/Theme.h"

#include <QApplication>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>
#include <cmath>

using namespace ops;
using ops::test::PrometheusProcess;
using ops::test::SimulatorProcess;

namespace {

constexpr int kWindowS = 8; // rate() range: eight 1 s scrapes

bool waitForScrapes(const QUrl& prometheus, int targets, int samples)
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
        if (ops::test::ExternalProcess::httpGet(url, &body) == 200 &&
            body.contains(QByteArray("\"") + QByteArray::number(targets) + "\"]"))
            return true;
        QTest::qWait(250);
    }
    return false;
}

bool scrape(SimulatorProcess& sim, SignalDeriver& deriver, qint64 t)
{
    QByteArray body;
    if (sim.get(QStringLiteral("/metrics/prometheus"), &body) != 200)
        return false;
    return deriver
        .ingest(t, std::string_view(body.constData(), body.size()), MetricsFormat::PrometheusText)
        .ok;
}

// A simulator's own request rate of one endpoint (its counter read directly), NaN if unknown.
double directRate(const SignalDeriver& deriver, const QString& endpoint)
{
    for (const EndpointValues& row : deriver.endpointTable())
        if (QString::fromStdString(row.endpoint) == endpoint)
            return row.latest[static_cast<std::size_t>(EndpointSignal::RequestRate)];
    return std::nan("");
}

StorePoint chartPointNear(TimeChart* chart, const QString& series, qint64 t)
{
    chart->setPointsModelActive(true);
    chart->dataChanged();
    chart->pointCount(0); // re-decimates, refreshing the points model
    const ChartPointsModel* model = chart->pointsModel();
    StorePoint best{0, std::nan("")};
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, ChartPointsModel::SeriesColumn).data().toString() != series)
            continue;
        const QModelIndex value = model->index(row, ChartPointsModel::ValueColumn);
        const qint64 at = value.data(ChartPointsModel::TimeMsRole).toLongLong();
        if (best.t == 0 || std::abs(at - t) < std::abs(best.t - t))
            best = {at, value.data(ChartPointsModel::ValueRole).toDouble()};
    }
    return best;
}

QString cell(const EndpointTableModel* model, int row, int column)
{
    return model->index(row, column).data().toString();
}

} // namespace

class TestPrometheusEndpointsLive : public QObject {
    Q_OBJECT
private slots:
    void endpointsTableAndOneLinePerInstance();
};

void TestPrometheusEndpointsLive::endpointsTableAndOneLinePerInstance()
{
    SimulatorProcess a;
    SimulatorProcess b;
    QVERIFY2(a.start({QStringLiteral("--dialect"), QStringLiteral("modular"),
                      QStringLiteral("--seed"), QStringLiteral("1")}),
             qPrintable(a.error()));
    QVERIFY2(
        b.start({QStringLiteral("--dialect"), QStringLiteral("modular"), QStringLiteral("--seed"),
                 QStringLiteral("2"), QStringLiteral("--rps"), QStringLiteral("10")}),
        qPrintable(b.error()));
    PrometheusProcess prometheus;
    PrometheusProcess::Options scraping;
    scraping.gateways = {a.url(), b.url()};
    scraping.metricsPath = QStringLiteral("/metrics/prometheus"); // modular: /metrics is JSON
    QVERIFY2(prometheus.start(scraping), qPrintable(prometheus.error()));
    QVERIFY(waitForScrapes(prometheus.url(), 2, kWindowS + 2));
    const QString nameA = QStringLiteral("127.0.0.1:%1").arg(a.url().port());
    const QString nameB = QStringLiteral("127.0.0.1:%1").arg(b.url().port());

    QNetworkAccessManager network;
    SystemClock clock;
    Target target;
    target.name = QStringLiteral("fleet");
    target.baseUrl = a.url();
    target.intervalMs = 1000;
    target.dataSource.kind = DataSourceConfig::Kind::Prometheus;
    target.dataSource.url = prometheus.url();
    target.dataSource.selector = QStringLiteral("job=\"bhiv-gateway\"");
    target.dataSource.rateWindowSeconds = kWindowS;
    target.dataSource.sideBySide = true;
    PollerOptions options;
    options.baseUrl = a.url();
    // Polled as the console polls (health, connection state); the signals come from Prometheus.
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    auto* feed = new PrometheusFeed(&network, target, {}, &monitor, &clock, &monitor);
    QWidget host;
    Dashboard dashboard(&monitor, &host);
    dashboard.setInstanceSignals(feed->instanceSignals());
    // As ConsoleApplication wires a session's feed.
    connect(&dashboard, &Dashboard::endpointSelected, feed, &PrometheusFeed::setEndpointFocus);
    connect(feed, &PrometheusFeed::endpointInstanceSignalsChanged, &dashboard,
            [&] { dashboard.setEndpointInstanceSignals(feed->endpointInstanceSignals()); });
    connect(&monitor, &TargetMonitor::updated, &dashboard, &Dashboard::refresh);
    dashboard.timeline()->setPreset(5 * 60'000);
    feed->start(60'000);
    poller.start();

    // The table: every endpoint both simulators serve, with rate, average, p95 and errors.
    const EndpointTableModel* model = dashboard.endpointModel();
    QStringList problems;
    connect(feed, &PrometheusFeed::problem, feed, [&](const QString& p) { problems << p; });
    QTRY_VERIFY2_WITH_TIMEOUT(model->rowCount() >= 6,
                              qPrintable(QStringLiteral("%1 rows, %2 on the board; %3")
                                             .arg(model->rowCount())
                                             .arg(monitor.signalBoard().endpointTable().size())
                                             .arg(problems.join(u'|'))),
                              20000);
    QVERIFY(!monitor.signalBoard().endpointTable().empty());
    QVERIFY2(feed->endpointSource()
                 ->queryFor(SignalId::RequestRate)
                 .startsWith(QStringLiteral("sum by (endpoint)(")),
             qPrintable(feed->endpointSource()->queryFor(SignalId::RequestRate)));

    // Each endpoint's rate against both simulators' own counters over the same 8 s.
    SignalDeriver directA, directB;
    const qint64 t0 = clock.nowMs();
    QVERIFY(scrape(a, directA, t0) && scrape(b, directB, t0));
    QTest::qWait(kWindowS * 1000);
    const qint64 t1 = clock.nowMs();
    QVERIFY(scrape(a, directA, t1) && scrape(b, directB, t1));
    QTRY_VERIFY_WITH_TIMEOUT(monitor.signalBoard().signalStore().latestTime() >= t1, 10000);
    dashboard.refresh();
    QString busiest;
    double busiestRate = 0;
    for (const EndpointValues& row : directA.endpointTable()) {
        const QString endpoint = QString::fromStdString(row.endpoint);
        const double both = directRate(directA, endpoint) + directRate(directB, endpoint);
        if (both > busiestRate) {
            busiestRate = both;
            busiest = endpoint;
        }
    }
    QVERIFY(!busiest.isEmpty());
    const int row = model->rowOf(busiest);
    QVERIFY2(row >= 0, qPrintable(busiest));
    const double tableRate = model->index(row, EndpointTableModel::RateColumn)
                                 .data(EndpointTableModel::SortRole)
                                 .toDouble();
    qInfo("endpoint %s: table %.3f req/s (Prometheus, sum by endpoint), direct %.3f req/s; row "
          "'%s | %s | %s | %s | %s | %s'",
          qPrintable(busiest), tableRate, busiestRate,
          qPrintable(cell(model, row, EndpointTableModel::MethodColumn)),
          qPrintable(cell(model, row, EndpointTableModel::RateColumn)),
          qPrintable(cell(model, row, EndpointTableModel::AvgColumn)),
          qPrintable(cell(model, row, EndpointTableModel::P95Column)),
          qPrintable(cell(model, row, EndpointTableModel::ErrorColumn)),
          qPrintable(cell(model, row, EndpointTableModel::ShareColumn)));
    QVERIFY2(std::abs(tableRate - busiestRate) / busiestRate < 0.25,
             qPrintable(QStringLiteral("%1 vs %2").arg(tableRate).arg(busiestRate)));
    // Latency and errors known too (modular: histogram and error counter per endpoint).
    QVERIFY(cell(model, row, EndpointTableModel::AvgColumn).endsWith(QStringLiteral(" ms")) ||
            cell(model, row, EndpointTableModel::AvgColumn).endsWith(QStringLiteral(" s")));
    QVERIFY(cell(model, row, EndpointTableModel::P95Column) != QStringLiteral("—"));
    QVERIFY(cell(model, row, EndpointTableModel::ErrorColumn).endsWith(QStringLiteral(" %")));

    // Selected: its charts draw one line per instance, named as on the Overview.
    dashboard.selectEndpoint(busiest);
    QCOMPARE(feed->endpointFocus(), busiest);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.endpointChartedInstances().size(), 2, 20000);
    QVERIFY(feed->endpointInstanceSignals());
    QVERIFY2(feed->endpointInstanceSignals() == dashboard.endpointInstanceSignals(), "not bound");
    TimeChart* traffic = dashboard.endpointTrafficCard()->chart();
    TimeChart* latency = dashboard.endpointLatencyCard()->chart();
    traffic->resize(700, 260);
    latency->resize(700, 260);
    QStringList instances{nameA, nameB};
    instances.sort();
    QCOMPARE(dashboard.endpointChartedInstances(), instances);
    QCOMPARE(traffic->seriesCount(), 2);
    QCOMPARE(latency->seriesCount(), 4);
    QCOMPARE(traffic->seriesName(0), instances[0]);
    QCOMPARE(traffic->seriesName(1), instances[1]);
    QCOMPARE(latency->seriesName(0), instances[0] + QStringLiteral(" avg"));
    QCOMPARE(latency->seriesName(3), instances[1] + QStringLiteral(" p95"));
    // The Overview's colours: instance k's first line in the same colour on both pages.
    TimeChart* overview = dashboard.chart(Dashboard::ChartId::RequestRate);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.chartedInstances(), instances, 10000);
    QCOMPARE(traffic->drawnColor(0), overview->drawnColor(0));
    QCOMPARE(traffic->drawnColor(1), overview->drawnColor(1));
    QCOMPARE(latency->drawnColor(0), overview->drawnColor(0));
    QCOMPARE(latency->drawnColor(2), overview->drawnColor(1));
    QVERIFY(traffic->drawnColor(0) != traffic->drawnColor(1));

    // Each line: that simulator's own counter for this endpoint over the same window.
    QTRY_VERIFY_WITH_TIMEOUT(feed->endpointInstanceSignals()->latestTime() >= t1, 10000);
    const StorePoint pointA = chartPointNear(traffic, nameA, t1);
    const StorePoint pointB = chartPointNear(traffic, nameB, t1);
    const double rateA = directRate(directA, busiest);
    const double rateB = directRate(directB, busiest);
    qInfo("endpoint %s per instance on the chart: %s %.3f (direct %.3f), %s %.3f (direct %.3f); "
          "points %lld / %lld ms from the direct read",
          qPrintable(busiest), qPrintable(nameA), pointA.v, rateA, qPrintable(nameB), pointB.v,
          rateB, pointA.t - t1, pointB.t - t1);
    QVERIFY(std::abs(pointA.t - t1) <= 1500 && std::abs(pointB.t - t1) <= 1500);
    QVERIFY2(std::abs(pointA.v - rateA) / rateA < 0.25,
             qPrintable(QStringLiteral("%1 vs %2").arg(pointA.v).arg(rateA)));
    QVERIFY2(std::abs(pointB.v - rateB) / rateB < 0.25,
             qPrintable(QStringLiteral("%1 vs %2").arg(pointB.v).arg(rateB)));
    // A latency line per instance has values (the endpoint's histogram, by instance).
    QVERIFY(std::isfinite(chartPointNear(latency, nameA + QStringLiteral(" avg"), t1).v));
    QVERIFY(std::isfinite(chartPointNear(latency, nameB + QStringLiteral(" p95"), t1).v));

    // OPS_SCREENSHOT_DIR set: the page as a user sees it, 1280x720, light and dark palettes.
    const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        dashboard.timeline()->setPreset(60'000); // the backfilled minute fills the charts
        QWidget* page = dashboard.endpointsPage();
        page->setParent(nullptr);
        page->resize(1280, 720);
        page->show();
        for (const QString& name : {QStringLiteral("light"), QStringLiteral("dark")}) {
            QVERIFY(applyPalette(name));
            QTest::qWait(1200);
            const QString path = shots + QStringLiteral("/endpoints-side-by-side-%1.png").arg(name);
            QVERIFY2(page->grab().save(path), qPrintable(path));
            qInfo("screenshot written to %s", qPrintable(path));
        }
        page->hide();
        page->setParent(&host);
    }

    // Another endpoint: a new per-instance store, none of the previous endpoint's lines.
    QString other;
    for (int r = 0; r < model->rowCount() && other.isEmpty(); ++r)
        if (model->index(r, 0).data(EndpointTableModel::EndpointRole).toString() != busiest)
            other = model->index(r, 0).data(EndpointTableModel::EndpointRole).toString();
    // The old store is deleted and a fresh one made: the allocator may hand the new one the
    // same address, so compare by its death and the new store's emptiness, not by pointer.
    QPointer<InstanceSignals> before = feed->endpointInstanceSignals();
    QVERIFY(before);
    QSignalSpy replaced(feed, &PrometheusFeed::endpointInstanceSignalsChanged);
    dashboard.selectEndpoint(other);
    QCOMPARE(feed->endpointFocus(), other);
    QCOMPARE(replaced.count(), 1);
    QVERIFY(before.isNull());
    QVERIFY(feed->endpointInstanceSignals());
    QCOMPARE(feed->endpointInstanceSignals()->instanceCount(), 0);
    QCOMPARE(feed->endpointInstanceSignals()->latestTime(), qint64(0));
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.endpointChartedInstances().size(), 2, 20000);
    QVERIFY(dashboard.endpointTrafficCard()->chart()->title().contains(other));

    // No endpoint selected: the aggregate's four series back, nothing focused.
    dashboard.selectEndpoint(QString());
    QCOMPARE(feed->endpointFocus(), QString());
    QVERIFY(!feed->endpointInstanceSignals());
    QTRY_VERIFY(dashboard.endpointChartedInstances().isEmpty());
    QCOMPARE(latency->seriesCount(), 4);
    QCOMPARE(latency->seriesName(0), QStringLiteral("avg"));
}

QTEST_MAIN(TestPrometheusEndpointsLive)
#include "TestPrometheusEndpointsLive.moc"
