// Event markers on the dashboard's charts, fed by the real sources: alert transitions from the
// AlertEngine (and its stored history), workflow launches from a WorkflowClient and deploy events
// from a DeploySession against the simulator. Only the watched target's events are drawn;
// switching target shows the other's.
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/ChartMarkerFeed.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

#include <memory>

using namespace ops;

namespace {

AlertRule latencyRule()
{
    AlertRule r;
    r.name = QStringLiteral("high_response_time");
    r.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    r.op = Comparison::Greater;
    r.threshold = 1.0;
    r.aggregation = WindowAggregation::Last;
    r.windowMs = 0;
    r.forMs = 0;
    r.severity = AlertSeverity::Critical;
    return r;
}

void feed(AlertEngine& engine, ManualClock& clock, const QString& target, double seconds)
{
    clock.advanceMs(1000);
    EvaluationSample s;
    s.target = target;
    s.timeMs = clock.nowMs();
    s.intervalMs = 1000;
    s.lastSuccessMs = s.timeMs;
    s.set(AlertSignals::AvgResponseTime, seconds);
    engine.evaluate(s);
}

// A dashboard over a monitor that never polls: the markers are what is checked.
struct Fixture {
    QNetworkAccessManager network;
    SystemClock clock;
    std::unique_ptr<Poller> poller;
    std::unique_ptr<TargetMonitor> monitor;
    QWidget host;
    std::unique_ptr<Dashboard> dashboard;
    std::unique_ptr<ChartMarkerFeed> feed;

    Fixture()
    {
        PollerOptions options;
        options.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        poller = std::make_unique<Poller>(&network, &clock, options);
        monitor = std::make_unique<TargetMonitor>(poller.get(), &clock);
        dashboard = std::make_unique<Dashboard>(monitor.get(), &host);
        feed = std::make_unique<ChartMarkerFeed>(dashboard.get());
    }
    ~Fixture()
    {
        feed.reset();
        dashboard.reset();
    }
    // The markers of one kind on the charts; every chart (and the endpoint charts) holds the
    // same, or -1.
    int markers(MarkerKind kind) const
    {
        const QList<ChartCard*> cards = dashboard->allCards();
        const int first = cards.first()->chart()->markerCount(kind);
        for (ChartCard* card : cards) {
            if (card->chart()->markerCount(kind) != first)
                return -1;
        }
        return first;
    }
    // Alert marks (firing spans and their resolutions) on the chart of the rule's signal, the
    // response time (#19: on that chart only, not on all six); -1 when another chart has any.
    int alertMarks() const
    {
        for (ChartCard* card : dashboard->allCards()) {
            if (card == dashboard->card(Dashboard::ChartId::ResponseTime) ||
                card == dashboard->endpointLatencyCard())
                continue;
            if (card->chart()->markerCount(MarkerKind::Alert) +
                    card->chart()->markerCount(MarkerKind::Resolved) >
                0)
                return -1;
        }
        const TimeChart* chart = dashboard->chart(Dashboard::ChartId::ResponseTime);
        return chart->markerCount(MarkerKind::Alert) + chart->markerCount(MarkerKind::Resolved);
    }
    QStringList labels() const
    {
        return dashboard->chart(Dashboard::ChartId::ResponseTime)->markerLabels();
    }
};

} // namespace

class TestChartMarkers : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("100"),
                              QStringLiteral("--step-ms"), QStringLiteral("50")}),
                 qPrintable(m_sim.error()));
    }
    void alertTransitionsOfTheWatchedTargetOnly();
    void backfillsAlertHistoryFromTheStore();
    void workflowLaunchesOfTheWatchedTargetOnly();
    void deployEventsOfTheWatchedTargetOnly();

private:
    test::SimulatorProcess m_sim;
    QNetworkAccessManager m_network;
};

void TestChartMarkers::alertTransitionsOfTheWatchedTargetOnly()
{
    Fixture f;
    ManualClock clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule()});
    f.feed->setTarget({QStringLiteral("gw")});
    f.feed->watchAlerts(&engine, clock.nowMs() - 86'400'000, clock.nowMs());
    QCOMPARE(f.alertMarks(), 0);

    feed(engine, clock, QStringLiteral("gw"), 0.2);
    QCOMPARE(f.alertMarks(), 0); // normal: nothing to mark
    feed(engine, clock, QStringLiteral("gw"), 2.0);
    QCOMPARE(f.alertMarks(), 1);
    QVERIFY2(f.labels().constFirst().contains(QStringLiteral("high_response_time firing")),
             qPrintable(f.labels().join(u'|')));
    // Another target's alert is kept, not drawn.
    feed(engine, clock, QStringLiteral("other"), 3.0);
    QCOMPARE(f.alertMarks(), 1);
    feed(engine, clock, QStringLiteral("gw"), 0.2);
    QCOMPARE(f.alertMarks(), 2);
    QVERIFY(f.labels().constLast().contains(QStringLiteral("resolved")));
    // The resolution is drawn differently from the firing: its own kind.
    QCOMPARE(f.dashboard->chart(Dashboard::ChartId::ResponseTime)->markerCount(MarkerKind::Alert),
             1);
    QCOMPARE(
        f.dashboard->chart(Dashboard::ChartId::ResponseTime)->markerCount(MarkerKind::Resolved), 1);
    QCOMPARE(f.markers(MarkerKind::Deploy), 0);
    QCOMPARE(f.markers(MarkerKind::Workflow), 0);

    // Watching the other target shows its marker only, and back.
    f.feed->setTarget({QStringLiteral("other")});
    QCOMPARE(f.alertMarks(), 1);
    f.feed->setTarget({QStringLiteral("gw")});
    QCOMPARE(f.alertMarks(), 2);
}

void TestChartMarkers::backfillsAlertHistoryFromTheStore()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    ManualClock clock;
    {
        AlertStore store(path);
        QVERIFY(store.open());
        AlertEngine engine(&clock, &store);
        engine.setRules({latencyRule()});
        feed(engine, clock, QStringLiteral("gw"), 2.0);
        feed(engine, clock, QStringLiteral("gw"), 0.2);
        feed(engine, clock, QStringLiteral("elsewhere"), 2.0);
    }
    // A restart: the chart window's history comes back as markers, the watched target's only.
    AlertStore store(path);
    QVERIFY(store.open());
    AlertEngine engine(&clock, &store);
    engine.setRules({latencyRule()});
    Fixture f;
    f.feed->setTarget({QStringLiteral("gw")});
    f.feed->watchAlerts(&engine, clock.nowMs() - 86'400'000, clock.nowMs());
    QCOMPARE(f.alertMarks(), 2);
    // Not before the window asked for.
    Fixture later;
    later.feed->setTarget({QStringLiteral("gw")});
    later.feed->watchAlerts(&engine, clock.nowMs() + 1, clock.nowMs() + 2);
    QCOMPARE(later.alertMarks(), 0);
}

void TestChartMarkers::workflowLaunchesOfTheWatchedTargetOnly()
{
    Fixture f;
    WorkflowClient watched(&m_network, m_sim.url(), Dialect::Plan, ConnectionPolicy(), false);
    watched.setTargetName(QStringLiteral("gw"));
    watched.setTimeoutMs(5000);
    WorkflowClient other(&m_network, m_sim.url(), Dialect::Plan, ConnectionPolicy(), false);
    other.setTargetName(QStringLiteral("other"));
    other.setTimeoutMs(5000);
    // The demo's alerts and workflows name the same gateway differently.
    f.feed->setTarget({QStringLiteral("demo"), QStringLiteral("gw")});
    f.feed->watchWorkflows(&watched);
    f.feed->watchWorkflows(&other);

    bool done = false;
    other.launch(QStringLiteral("job_posting"), QJsonObject{{"step_ms", 50}},
                 [&](const WorkflowResult&) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 8000);
    QCOMPARE(f.markers(MarkerKind::Workflow), 0);
    QString id;
    watched.launch(QStringLiteral("job_posting"), QJsonObject{{"step_ms", 50}},
                   [&](const WorkflowResult& r) { id = r.ok() ? r.workflowId : r.error; });
    QTRY_VERIFY_WITH_TIMEOUT(!id.isEmpty(), 8000);
    QVERIFY2(id.startsWith(QStringLiteral("wf_")), qPrintable(id));
    QCOMPARE(f.markers(MarkerKind::Workflow), 1);
    QVERIFY2(f.labels().constFirst().contains(QStringLiteral("job_posting launched")) &&
                 f.labels().constFirst().contains(id),
             qPrintable(f.labels().join(u'|')));
    f.feed->setTarget({QStringLiteral("other")});
    QCOMPARE(f.markers(MarkerKind::Workflow), 1);
    QVERIFY(!f.labels().constFirst().contains(id));
}

void TestChartMarkers::deployEventsOfTheWatchedTargetOnly()
{
    Fixture f;
    SystemClock clock;
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite")));
    QVERIFY(audit.open());
    DeploySession session(&m_network, &clock, &audit);
    QUrl api = m_sim.url();
    api.setPath(QStringLiteral("/render/v1"));
    session.setTarget(QStringLiteral("gw"), m_sim.url(), ConnectionPolicy());
    session.setRender(api, ApiKey("rnd-sim-key"), QStringLiteral("srv-d0bhivgateway901a"));
    session.setPollIntervals(30, 30);
    SoakOptions soak;
    soak.polls = 1;
    soak.intervalMs = 100;
    session.setSoak(soak);
    f.feed->setTarget({QStringLiteral("elsewhere")});
    f.feed->watchDeploys(&session);
    session.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(session.liveDeploy().has_value(), 5000);
    session.redeploy(false);
    // Redeploy, then live (and the verification after it): kept for gw, not drawn elsewhere.
    QTRY_VERIFY_WITH_TIMEOUT(f.feed->events().size() >= 2, 10000);
    QCOMPARE(f.markers(MarkerKind::Deploy), 0);
    f.feed->setTarget({QStringLiteral("gw")});
    QVERIFY(f.markers(MarkerKind::Deploy) >= 2);
    QVERIFY2(f.labels().constFirst().startsWith(QStringLiteral("Redeploy")),
             qPrintable(f.labels().join(u'|')));
    // New events of the watched target appear as they happen.
    const int before = f.markers(MarkerKind::Deploy);
    session.redeploy(false);
    QTRY_VERIFY_WITH_TIMEOUT(f.markers(MarkerKind::Deploy) > before, 10000);
}

QTEST_MAIN(TestChartMarkers)
#include "TestChartMarkers.moc"
