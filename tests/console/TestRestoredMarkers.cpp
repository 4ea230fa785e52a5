// #21: persisted deploy and launch markers on restored charts. Run one launches a workflow
// through the console's own client (the real simulator; its audit row in the real audit log) and
// a deploy is recorded (trigger, finish, verification); after a restart the restored charts show
// each at its time, with the labels the live markers had. Refused rows, another target's and rows
// older than the charts' longest window make no marker. Offscreen, temporary XDG folders.
#include "app/console/ConsoleApplication.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/fleet/TargetSession.h"
#include "models/monitor/TargetMonitor.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/SimulatorProcess.h"
#include "tests/support/TestData.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/shell/MainWindow.h"

#include <QApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestRestoredMarkers : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::useOwnUserFolders(m_dir.path());
    }

    void deployAndLaunchMarkersComeBackAfterARestart()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(sim.error()));
        ConsoleOptions options;
        options.url = sim.url();
        options.intervalMs = 300;
        options.historyRoot = m_dir.filePath(QStringLiteral("history"));

        QString target;
        QString workflowId;
        qint64 launchedMs = 0;
        qint64 fifthScrapeMs = 0;
        {
            ConsoleApplication console(options);
            QVERIFY2(console.start(), qPrintable(console.errorString()));
            TargetSession* session = console.fleet()->current();
            target = session->name();
            QTRY_VERIFY_WITH_TIMEOUT(
                session->monitor()->signalBoard().signalStore().scrapeCount() >= 5, 20000);
            fifthScrapeMs = session->monitor()->signalBoard().signalStore().latestTime();
            bool done = false;
            WorkflowResult result;
            session->workflows()->launch(QStringLiteral("job_posting"), {},
                                         [&](const WorkflowResult& r) {
                                             result = r;
                                             done = true;
                                         });
            QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
            QVERIFY2(result.ok(), qPrintable(result.error));
            workflowId = result.workflowId;
            QVERIFY(!workflowId.isEmpty());
            // The live marker, for comparison.
            TimeChart* rate = console.window()->dashboard()->chart(Dashboard::ChartId::RequestRate);
            QCOMPARE(rate->markerCount(MarkerKind::Workflow), 1);
            launchedMs = QDateTime::currentMSecsSinceEpoch();
        }

        // A deploy of this target during run one (as DeploySession records one), and rows that
        // must make no marker: a refused trigger, another target's deploy, one of 40 days ago.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        {
            AuditLog audit;
            QVERIFY2(audit.open(), qPrintable(audit.errorString()));
            ManualClock clock(fifthScrapeMs - 900);
            QVERIFY(DeployAudit::record(&audit, &clock, target, DeployAction::Trigger,
                                        QStringLiteral("dep-111"), {},
                                        QStringLiteral("started: build_in_progress")));
            clock.setMs(fifthScrapeMs - 600);
            QVERIFY(DeployAudit::record(
                &audit, &clock, target, DeployAction::Finished, QStringLiteral("dep-111"),
                {{QStringLiteral("commit"), QStringLiteral("abcdef1234567")},
                 {QStringLiteral("status"), QStringLiteral("live")}},
                QStringLiteral("ok: live")));
            clock.setMs(fifthScrapeMs - 300);
            QVERIFY(DeployAudit::record(
                &audit, &clock, target, DeployAction::Verify, QStringLiteral("dep-111"),
                {{QStringLiteral("summary"), QStringLiteral("5/5 checks")}}, QStringLiteral("ok")));
            clock.setMs(fifthScrapeMs - 200);
            QVERIFY(DeployAudit::record(&audit, &clock, target, DeployAction::Trigger,
                                        QStringLiteral("srv-x"), {},
                                        QStringLiteral("error: 401 the key was refused")));
            QVERIFY(DeployAudit::record(&audit, &clock, QStringLiteral("another"),
                                        DeployAction::Trigger, QStringLiteral("dep-222"), {},
                                        QStringLiteral("started: build_in_progress")));
            clock.setMs(now - 40LL * 24 * 3'600'000);
            QVERIFY(DeployAudit::record(&audit, &clock, target, DeployAction::Trigger,
                                        QStringLiteral("dep-000"), {},
                                        QStringLiteral("started: build_in_progress")));
        }

        // Restart with the gateway stopped: the restored charts carry the markers.
        sim.stop();
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        MainWindow* window = console.window();
        window->resize(1280, 720);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        window->dashboard()->refresh();
        for (const auto id : {Dashboard::ChartId::RequestRate, Dashboard::ChartId::ResponseTime}) {
            TimeChart* chart = window->dashboard()->chart(id);
            QVERIFY(chart->totalPointCount() > 0); // restored from history
            const QStringList labels = chart->markerLabels();
            QVERIFY2(labels.contains(QStringLiteral("job_posting launched (%1)").arg(workflowId)),
                     qPrintable(labels.join(u'|')));
            QVERIFY2(labels.contains(QStringLiteral("Redeploy dep-111")),
                     qPrintable(labels.join(u'|')));
            QVERIFY2(labels.contains(QStringLiteral("abcdef1 live")),
                     qPrintable(labels.join(u'|')));
            QVERIFY2(labels.contains(QStringLiteral("verified: 5/5 checks")),
                     qPrintable(labels.join(u'|')));
            QCOMPARE(chart->markerCount(MarkerKind::Workflow), 1);
            QCOMPARE(chart->markerCount(MarkerKind::Deploy), 3); // not refused, other, 40 d old
        }
        // At their times: the launch's marker is found where the launch was (24 h window).
        TimeChart* rate = window->dashboard()->chart(Dashboard::ChartId::RequestRate);
        window->dashboard()->timeline()->setPreset(24LL * 3600 * 1000);
        window->dashboard()->refresh();
        const qint64 near = rate->markerNear(rate->xForTime(launchedMs));
        QVERIFY2(near > 0 && std::abs(near - launchedMs) < 60'000,
                 qPrintable(QStringLiteral("%1 vs %2").arg(near).arg(launchedMs)));

        const qint64 deployNear = rate->markerNear(rate->xForTime(fifthScrapeMs - 600));
        QVERIFY2(deployNear > 0 && std::abs(deployNear - (fifthScrapeMs - 600)) < 1000,
                 qPrintable(QStringLiteral("%1 vs %2").arg(deployNear).arg(fifthScrapeMs - 600)));

        const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(window->grab().save(shots + QStringLiteral("/restored-markers.png")));
    }
};

QTEST_MAIN(TestRestoredMarkers)
#include "TestRestoredMarkers.moc"
