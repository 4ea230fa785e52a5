// The dashboard of a Prometheus-backed target shown side by side: given InstanceSignals (as the
// target's session passes on its side-by-side PrometheusFeed's) the overview charts draw one line
// per instance, named by its instance label, in distinct colours; an instance appearing later gets
// its lines, one that stops reporting turns grey and "(stale)"; the tiles keep the aggregate.
// Without them (aggregated, or the direct scrape) the charts are exactly as before.
#include "models/datasource/InstanceSignals.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/MetricTile.h"
#include "ui/dashboard/TimeChart.h"

#include <QNetworkAccessManager>
#include <QSet>
#include <QSignalSpy>
#include <QtTest>
#include <memory>

using namespace ops;

namespace {

SignalFrame frame(qint64 t, double requests, double avg, double p95)
{
    SignalFrame f;
    f.timeMs = t;
    f.values[static_cast<std::size_t>(SignalId::RequestRate)] = requests;
    f.values[static_cast<std::size_t>(SignalId::LatencyAvg)] = avg;
    f.values[static_cast<std::size_t>(SignalId::LatencyP95)] = p95;
    f.values[static_cast<std::size_t>(SignalId::ErrorRatio)] = 0.01;
    return f;
}

struct Fixture {
    QNetworkAccessManager network;
    ManualClock clock;
    std::unique_ptr<Poller> poller;
    std::unique_ptr<TargetMonitor> monitor;
    QWidget host;
    std::unique_ptr<Dashboard> dashboard;

    Fixture()
    {
        PollerOptions options;
        options.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        poller = std::make_unique<Poller>(&network, &clock, options);
        monitor = std::make_unique<TargetMonitor>(poller.get(), &clock);
        dashboard = std::make_unique<Dashboard>(monitor.get(), &host);
        for (ChartCard* card : dashboard->allCards())
            card->chart()->resize(700, 260);
    }
    ~Fixture() { dashboard.reset(); }
    TimeChart* requests() const { return dashboard->chart(Dashboard::ChartId::RequestRate); }
    // The aggregate, as the feed's aggregated source gives the monitor.
    void aggregate(qint64 t, double requests)
    {
        std::array<double, kSignalCount> values;
        values.fill(std::nan(""));
        values[static_cast<std::size_t>(SignalId::RequestRate)] = requests;
        values[static_cast<std::size_t>(SignalId::LatencyAvg)] = 0.05;
        values[static_cast<std::size_t>(SignalId::LatencyP95)] = 0.14;
        values[static_cast<std::size_t>(SignalId::ErrorRatio)] = 0.01;
        monitor->ingestExternalSignals(t, values);
    }
};

QStringList names(const TimeChart* chart)
{
    QStringList out;
    for (int i = 0; i < chart->seriesCount(); ++i)
        out << chart->seriesName(i);
    return out;
}

} // namespace

class TestDashboardInstances : public QObject {
    Q_OBJECT
private slots:
    void aggregatedChartsUnchanged();
    void oneLinePerInstance();
    void laterAndStaleInstances();
    void instancesFollowTheShownTarget();
};

void TestDashboardInstances::aggregatedChartsUnchanged()
{
    Fixture f;
    QVERIFY(!f.dashboard->instanceSignals());
    QCOMPARE(names(f.requests()), QStringList{QStringLiteral("requests")});
    QCOMPARE(names(f.dashboard->chart(Dashboard::ChartId::ResponseTime)),
             (QStringList{QStringLiteral("avg"), QStringLiteral("p50"), QStringLiteral("p95"),
                          QStringLiteral("p99")}));
    QCOMPARE(names(f.dashboard->chart(Dashboard::ChartId::Workflows)),
             (QStringList{QStringLiteral("active"), QStringLiteral("executions/min")}));
    QCOMPARE(f.requests()->store(), &f.monitor->signalBoard().signalStore());
    const qint64 t = f.clock.nowMs();
    for (int i = 0; i < 5; ++i)
        f.aggregate(t + i * 1000, 30);
    f.dashboard->refresh();
    QCOMPARE(f.requests()->visibleSeries(), QStringList{QStringLiteral("requests")});
    QVERIFY(f.dashboard->chartedInstances().isEmpty());
    QVERIFY(!f.dashboard->tile(Dashboard::TileId::RequestRate)
                 ->detail()
                 .contains(QStringLiteral("instance")));
}

void TestDashboardInstances::oneLinePerInstance()
{
    Fixture f;
    auto* instances = new InstanceSignals(f.monitor.get());
    f.dashboard->setInstanceSignals(instances); // as the session passes on its feed's
    const qint64 t = f.clock.nowMs();
    QList<SignalFrame> a, b;
    for (int i = 0; i < 10; ++i) {
        a << frame(t + i * 1000, 20, 0.040, 0.090);
        b << frame(t + i * 1000, 10, 0.060, 0.150);
        f.aggregate(t + i * 1000, 30);
    }
    instances->ingest(
        {{QStringLiteral("127.0.0.1:9101"), a}, {QStringLiteral("127.0.0.1:9102"), b}});
    f.dashboard->refresh();
    QCOMPARE(f.dashboard->instanceSignals(), instances);
    QCOMPARE(f.dashboard->chartedInstances(),
             (QStringList{QStringLiteral("127.0.0.1:9101"), QStringLiteral("127.0.0.1:9102")}));

    // Request rate: one line per instance, named by its label, distinct colours.
    TimeChart* requests = f.requests();
    QCOMPARE(requests->store(), &instances->store());
    QCOMPARE(names(requests),
             (QStringList{QStringLiteral("127.0.0.1:9101"), QStringLiteral("127.0.0.1:9102")}));
    QCOMPARE(requests->visibleSeries(), names(requests));
    QVERIFY(requests->drawnColor(0) != requests->drawnColor(1));
    // The hover read-out and the accessible text carry each instance's own value.
    const QStringList readout = requests->readoutAt(requests->xForTime(t + 9000));
    QVERIFY2(readout.contains(QStringLiteral("127.0.0.1:9101: 20.0 req/s")),
             qPrintable(readout.join(u'|')));
    QVERIFY2(readout.contains(QStringLiteral("127.0.0.1:9102: 10.0 req/s")),
             qPrintable(readout.join(u'|')));
    requests->grab(); // paints: the accessible text follows what is drawn
    QVERIFY2(requests->accessibleDescription().contains(
                 QStringLiteral("127.0.0.1:9102 latest 10.0 req/s")),
             qPrintable(requests->accessibleDescription()));

    // Response time: the average and p95 of each instance, the instance's hue for both.
    TimeChart* latency = f.dashboard->chart(Dashboard::ChartId::ResponseTime);
    QCOMPARE(
        names(latency),
        (QStringList{QStringLiteral("127.0.0.1:9101 avg"), QStringLiteral("127.0.0.1:9101 p95"),
                     QStringLiteral("127.0.0.1:9102 avg"), QStringLiteral("127.0.0.1:9102 p95")}));
    QCOMPARE(latency->visibleSeries().size(), 4);
    QSet<QRgb> colours;
    for (int i = 0; i < 4; ++i)
        colours.insert(latency->drawnColor(i).rgb());
    QCOMPARE(colours.size(), 4);
    const QStringList latencyReadout = latency->readoutAt(latency->xForTime(t + 9000));
    QVERIFY2(latencyReadout.contains(QStringLiteral("127.0.0.1:9102 p95: 150 ms")),
             qPrintable(latencyReadout.join(u'|')));
    // Error rate: per instance too; no instance exports memory here: nothing drawn there.
    QCOMPARE(f.dashboard->chart(Dashboard::ChartId::ErrorRate)->visibleSeries().size(), 2);
    QVERIFY(f.dashboard->chart(Dashboard::ChartId::Memory)->visibleSeries().isEmpty());

    // The tile: the aggregate (their sum, from the monitor), saying so.
    MetricTile* rate = f.dashboard->tile(Dashboard::TileId::RequestRate);
    QCOMPARE(rate->value(), QStringLiteral("30.0 req/s"));
    QVERIFY2(rate->detail().contains(QStringLiteral("sum of 2 instances")),
             qPrintable(rate->detail()));

    // The feed goes (its target edited or removed): back to the aggregate, nothing dangling.
    delete instances;
    f.dashboard->refresh();
    QVERIFY(f.dashboard->chartedInstances().isEmpty());
    QCOMPARE(names(requests), QStringList{QStringLiteral("requests")});
    QCOMPARE(requests->store(), &f.monitor->signalBoard().signalStore());
    QCOMPARE(requests->visibleSeries(), QStringList{QStringLiteral("requests")});
}

void TestDashboardInstances::laterAndStaleInstances()
{
    Fixture f;
    auto* instances = new InstanceSignals(f.monitor.get());
    f.dashboard->setInstanceSignals(instances);
    const qint64 t = f.clock.nowMs();
    instances->ingest({{QStringLiteral("a:1"), {frame(t, 20, 0.04, 0.09)}},
                       {QStringLiteral("b:2"), {frame(t, 10, 0.06, 0.15)}}});
    f.dashboard->refresh();
    TimeChart* requests = f.requests();
    QCOMPARE(requests->seriesCount(), 2);
    const QColor colourA = requests->drawnColor(0);
    requests->setSeriesVisible(1, false); // the operator hid b

    // c appears, b stops reporting: c gets its line, b's is grey and "(stale)", b stays hidden.
    instances->ingest({{QStringLiteral("a:1"), {frame(t + 1000, 21, 0.04, 0.09)}},
                       {QStringLiteral("c:3"), {frame(t + 1000, 5, 0.05, 0.10)}}});
    QCOMPARE(names(requests),
             (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2"), QStringLiteral("c:3")}));
    QCOMPARE(requests->drawnColor(0), colourA); // a keeps its colour
    QVERIFY(!requests->isSeriesVisible(1));
    QVERIFY(requests->isSeriesStale(1));
    QVERIFY(!requests->isSeriesStale(0) && !requests->isSeriesStale(2));
    QVERIFY(requests->drawnColor(1) != TimeChart::seriesColor(1));
    QVERIFY(requests->drawnColor(2) != colourA);
    requests->setSeriesVisible(1, true);
    const QStringList readout = requests->readoutAt(requests->xForTime(t));
    QVERIFY2(readout.contains(QStringLiteral("b:2 (stale): 10.0 req/s")),
             qPrintable(readout.join(u'|')));
    QVERIFY(f.dashboard->chart(Dashboard::ChartId::ResponseTime)->isSeriesStale(2)); // b avg
    // b reports again: colour back.
    instances->ingest({{QStringLiteral("b:2"), {frame(t + 2000, 11, 0.06, 0.15)}}});
    QVERIFY(!requests->isSeriesStale(1));
    QCOMPARE(requests->drawnColor(1), TimeChart::seriesColor(1));
    QVERIFY(requests->isSeriesStale(0));
}

// The dashboard is told which per-instance signals to draw (no search among the monitor's
// children): given after the target is shown (the feed started later), dropped when another
// target is shown without them, given again with it.
void TestDashboardInstances::instancesFollowTheShownTarget()
{
    Fixture f;
    const qint64 t = f.clock.nowMs();
    // Per-instance signals that nobody gave the dashboard are not drawn, even as the monitor's
    // child.
    auto* stray = new InstanceSignals(f.monitor.get());
    stray->ingest({{QStringLiteral("stray:1"), {frame(t, 1, 0.01, 0.02)}}});
    f.dashboard->refresh();
    QVERIFY(!f.dashboard->instanceSignals());
    QVERIFY(f.dashboard->chartedInstances().isEmpty());

    InstanceSignals instances;
    instances.ingest({{QStringLiteral("a:1"), {frame(t, 20, 0.04, 0.09)}},
                      {QStringLiteral("b:2"), {frame(t, 10, 0.06, 0.15)}}});
    f.dashboard->setInstanceSignals(&instances); // no refresh needed
    QCOMPARE(f.dashboard->instanceSignals(), &instances);
    QCOMPARE(f.dashboard->chartedInstances(),
             (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2")}));
    QCOMPARE(f.requests()->store(), &instances.store());

    // Another target, aggregated: its monitor's series, none of the first target's instances.
    Poller otherPoller(&f.network, &f.clock, f.poller->options());
    TargetMonitor other(&otherPoller, &f.clock);
    f.dashboard->setMonitor(&other);
    QVERIFY(!f.dashboard->instanceSignals());
    QVERIFY(f.dashboard->chartedInstances().isEmpty());
    QCOMPARE(names(f.requests()), QStringList{QStringLiteral("requests")});
    QCOMPARE(f.requests()->store(), &other.signalBoard().signalStore());
    // Frames of the first target's instances no longer reach the charts.
    instances.ingest({{QStringLiteral("c:3"), {frame(t + 1000, 5, 0.05, 0.10)}}});
    QCOMPARE(names(f.requests()), QStringList{QStringLiteral("requests")});

    // Back to the first target with its instances: one line each, c included.
    f.dashboard->setMonitor(f.monitor.get(), &instances);
    QCOMPARE(f.dashboard->chartedInstances(),
             (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2"), QStringLiteral("c:3")}));
    QCOMPARE(f.requests()->store(), &instances.store());
    // Taken back (nullptr): the aggregate again.
    f.dashboard->setInstanceSignals(nullptr);
    QVERIFY(f.dashboard->chartedInstances().isEmpty());
    QCOMPARE(f.requests()->store(), &f.monitor->signalBoard().signalStore());
}

QTEST_MAIN(TestDashboardInstances)
#include "TestDashboardInstances.moc"
