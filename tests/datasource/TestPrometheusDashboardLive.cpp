// Side by side on the dashboard, end to end: Debian's real prometheus scraping two real
// bhiv-gateway-sim instances (20 and 10 synthetic requests a second), a Prometheus-backed target
// with "side by side" set, its PrometheusFeed and the Dashboard. The request-rate chart draws
// two lines named by the instance labels whose values match each simulator's own rate (its
// counter read directly over the same 8 s), the tile shows their sum (the exact aggregate), and
// an instance that stops turns stale on the chart while the other keeps going.
#include "models/datasource/InstanceSignals.h"
#include "models/datasource/PrometheusFeed.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/ChartPointsModel.h"
#include "models/metrics/SignalDeriver.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/PrometheusProcess.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/MetricTile.h"
#include "ui/dashboard/TimeChart.h"

#include <QNetworkAccessManager>
#include <QtTest>
#include <cmath>
#include <memory>

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

// The request counter of one simulator read directly from its /metrics.
bool scrape(SimulatorProcess& sim, SignalDeriver& deriver, qint64 t)
{
    QByteArray body;
    if (sim.get(QStringLiteral("/metrics"), &body) != 200)
        return false;
    return deriver
        .ingest(t, std::string_view(body.constData(), body.size()), MetricsFormat::PrometheusText)
        .ok;
}

// The point a chart draws for `series` nearest to time t (from its table of points).
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

} // namespace

class TestPrometheusDashboardLive : public QObject {
    Q_OBJECT
private slots:
    void twoInstancesSideBySideOnTheChart();
};

void TestPrometheusDashboardLive::twoInstancesSideBySideOnTheChart()
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
    Poller poller(&network, &clock, options); // not started: the signals come from Prometheus
    TargetMonitor monitor(&poller, &clock);
    auto* feed = new PrometheusFeed(&network, target, {}, &monitor, &clock, &monitor);
    QWidget host;
    Dashboard dashboard(&monitor, &host);
    dashboard.setInstanceSignals(feed->instanceSignals()); // as the target's session does
    connect(&monitor, &TargetMonitor::updated, &dashboard, &Dashboard::refresh);
    dashboard.timeline()->setPreset(5 * 60'000); // a point per second fits in 700 px
    TimeChart* chart = dashboard.chart(Dashboard::ChartId::RequestRate);
    chart->resize(700, 260);
    feed->start(60'000);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.chartedInstances().size(), 2, 20000);
    QCOMPARE(dashboard.instanceSignals(), feed->instanceSignals());

    // Two lines, named by the instance labels, in two colours.
    QStringList names{chart->seriesName(0), chart->seriesName(1)};
    QStringList expected{nameA, nameB};
    expected.sort();
    QCOMPARE(names, expected);
    QCOMPARE(chart->visibleSeries(), expected);
    QVERIFY(chart->drawnColor(0) != chart->drawnColor(1));

    // Each line against its simulator's own counter over the same 8 s (the rate window).
    SignalDeriver directA, directB;
    const qint64 t0 = clock.nowMs();
    QVERIFY(scrape(a, directA, t0) && scrape(b, directB, t0));
    QTest::qWait(kWindowS * 1000);
    const qint64 t1 = clock.nowMs();
    QVERIFY(scrape(a, directA, t1) && scrape(b, directB, t1));
    const double rateA = directA.latest(SignalId::RequestRate);
    const double rateB = directB.latest(SignalId::RequestRate);
    QTRY_VERIFY_WITH_TIMEOUT(feed->instanceSignals()->latestTime() >= t1, 10000);
    const StorePoint chartA = chartPointNear(chart, nameA, t1);
    const StorePoint chartB = chartPointNear(chart, nameB, t1);
    qInfo("request rate side by side on the chart: %s %.3f (direct %.3f), %s %.3f (direct %.3f); "
          "points %lld / %lld ms from the direct read",
          qPrintable(nameA), chartA.v, rateA, qPrintable(nameB), chartB.v, rateB, chartA.t - t1,
          chartB.t - t1);
    QVERIFY2(std::abs(chartA.t - t1) <= 1500 && std::abs(chartB.t - t1) <= 1500,
             qPrintable(QStringLiteral("%1 %2").arg(chartA.t - t1).arg(chartB.t - t1)));
    QVERIFY2(std::abs(chartA.v - rateA) / rateA < 0.2,
             qPrintable(QStringLiteral("%1 vs %2").arg(chartA.v).arg(rateA)));
    QVERIFY2(std::abs(chartB.v - rateB) / rateB < 0.2,
             qPrintable(QStringLiteral("%1 vs %2").arg(chartB.v).arg(rateB)));
    QVERIFY(rateA > 1.5 * rateB); // 20 vs 10 a second: the lines are not swapped
    // The hover read-out names each instance with its value.
    const QStringList readout = chart->readoutAt(chart->xForTime(chartA.t));
    QVERIFY2(readout.filter(nameA + QStringLiteral(": ")).size() == 1 &&
                 readout.filter(nameB + QStringLiteral(": ")).size() == 1,
             qPrintable(readout.join(u'|')));

    // The tile: the aggregate (Prometheus's sum over both), within a scrape of the lines' sum.
    dashboard.refresh();
    const double total = monitor.signalBoard().latest(SignalId::RequestRate);
    const InstanceSignals* instances = feed->instanceSignals();
    const double sum = instances->latest(nameA, SignalId::RequestRate) +
                       instances->latest(nameB, SignalId::RequestRate);
    qInfo("aggregate (tile) %.3f req/s, sum of the lines %.3f", total, sum);
    QVERIFY2(std::abs(total - sum) / sum < 0.1,
             qPrintable(QStringLiteral("%1 vs %2").arg(total).arg(sum)));
    MetricTile* tile = dashboard.tile(Dashboard::TileId::RequestRate);
    QVERIFY2(tile->detail().contains(QStringLiteral("sum of 2 instances")),
             qPrintable(tile->detail()));

    // b stops: once Prometheus no longer answers for it, its line is stale (grey) and gets no
    // more points; a's goes on.
    b.stop();
    const int bIndex = chart->seriesName(0) == nameB ? 0 : 1;
    QTRY_VERIFY_WITH_TIMEOUT(chart->isSeriesStale(bIndex), 40000);
    QVERIFY(!chart->isSeriesStale(1 - bIndex));
    QVERIFY(chart->drawnColor(bIndex) != chart->drawnColor(1 - bIndex));
    const qint64 lastB = instances->lastSeenMs(nameB);
    const qint64 latest = instances->latestTime();
    QTRY_VERIFY_WITH_TIMEOUT(instances->latestTime() > latest, 5000);
    QCOMPARE(instances->lastSeenMs(nameB), lastB);
    dashboard.refresh();
    QVERIFY2(tile->detail().contains(QStringLiteral("1 instance reporting")),
             qPrintable(tile->detail()));
    QVERIFY(chart->readoutAt(chart->xForTime(lastB))
                .filter(nameB + QStringLiteral(" (stale): "))
                .size() == 1);
}

QTEST_MAIN(TestPrometheusDashboardLive)
#include "TestPrometheusDashboardLive.moc"
