// A scripted incident against the real simulator on the manual clock: latency up -> alert ->
// ack with a comment -> redeploy -> verification fails -> rollback -> resolved. Real HTTP
// (poller, Render API, verification), real SQLite stores, the real recorder, alert engine and
// deploy session; every timestamp comes from the ManualClock, so the timeline holds exactly
// the scripted events at the scripted times, and TTA/TTR are the scripted figures. The PDF
// report made from it is read back with pdftotext.
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertStore.h"
#include "models/alerts/MonitorAlertFeed.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/incidents/EventRecorder.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/IncidentBook.h"
#include "models/incidents/IncidentReport.h"
#include "models/incidents/SignalHistory.h"
#include "models/incidents/Timeline.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/targets/TargetStore.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/incidents/IncidentReportWriter.h"

#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01 00:00:00 UTC
constexpr qint64 kSec = 1000;
constexpr qint64 kMin = 60 * kSec;
const QString kService = QStringLiteral("srv-d0bhivgateway901a");
const QString kTarget = QStringLiteral("sim");

} // namespace

class TestScriptedIncident : public QObject {
    Q_OBJECT

    test::SimulatorProcess m_sim;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        // Steady traffic so every scrape has requests to average; deploys take 100 ms a stage.
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("100")}),
                 qPrintable(m_sim.error()));
        QCOMPARE(m_sim.setFaults(R"({"rps": 200})"), 200);
    }

    // The console's way: the recorder attached to every session of the fleet (EventRecording).
    // A saved target's connection is recorded under its name, and under the new one after a
    // rename; a target added later is recorded too; a session that goes stops recording.
    void fleetSessionsRecordThroughTheirCapability()
    {
        SystemClock clock;
        QNetworkAccessManager network;
        MemorySecretStore sessionSecrets;
        MemorySecretStore keychainSecrets;
        ChainedSecretStore secrets(&sessionSecrets, &keychainSecrets);
        EventStore events(m_dir.filePath(QStringLiteral("fleet-events.sqlite")));
        QVERIFY(events.open());
        EventRecorder recorder(&events, &clock);
        const auto connections = [&events](const QString& target) {
            QStringList states;
            for (const RecordedEvent& e :
                 events.eventsBetween(0, std::numeric_limits<qint64>::max(), target)) {
                if (e.kind == QLatin1String("connection"))
                    states << e.toState;
            }
            return states;
        };
        const auto target = [this](const QString& name) {
            Target t;
            t.name = name;
            t.baseUrl = m_sim.url();
            t.intervalMs = 300;
            return t;
        };
        Fleet fleet(FleetContext{&network, &clock, &secrets, nullptr});
        fleet.addCapability([&recorder](TargetSession& session) {
            return std::make_unique<EventRecording>(session, &recorder);
        });
        auto store = std::make_unique<TargetStore>(m_dir.filePath(QStringLiteral("targets.json")));
        QVERIFY(store->load());
        QVERIFY(store->upsert(target(QStringLiteral("alpha"))));
        fleet.useSavedTargets(std::move(store));
        TargetSession* alpha = fleet.sessionNamed(QStringLiteral("alpha"));
        QVERIFY(alpha && alpha->capability<EventRecording>());
        fleet.start();
        QTRY_COMPARE_WITH_TIMEOUT(connections(QStringLiteral("alpha")),
                                  QStringList{QStringLiteral("up")}, 10000);

        // Renamed: the same session, its events under the new name from now on.
        Target renamed = alpha->target();
        renamed.name = QStringLiteral("gamma");
        QVERIFY(fleet.store()->replace(QStringLiteral("alpha"), renamed));
        QCOMPARE(fleet.sessionNamed(QStringLiteral("gamma")), alpha);
        QCOMPARE(m_sim.setFaults(R"({"force_status": 503})"), 200);
        QTRY_VERIFY_WITH_TIMEOUT(!connections(QStringLiteral("gamma")).isEmpty(), 10000);
        QCOMPARE(connections(QStringLiteral("alpha")), QStringList{QStringLiteral("up")});
        QCOMPARE(m_sim.clearFaults(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(
            connections(QStringLiteral("gamma")).endsWith(QStringLiteral("up")), 10000);

        // Added later: recorded too. Removed: no more events for it.
        QVERIFY(fleet.store()->upsert(target(QStringLiteral("delta"))));
        QTRY_COMPARE_WITH_TIMEOUT(connections(QStringLiteral("delta")),
                                  QStringList{QStringLiteral("up")}, 10000);
        QVERIFY(fleet.store()->remove(QStringLiteral("delta")));
        QCOMPARE(m_sim.setFaults(R"({"force_status": 503})"), 200);
        QTRY_COMPARE_WITH_TIMEOUT(
            connections(QStringLiteral("gamma")),
            (QStringList{QStringLiteral("error"), QStringLiteral("up"), QStringLiteral("error")}),
            10000);
        QCOMPARE(connections(QStringLiteral("delta")), QStringList{QStringLiteral("up")});
    }

    // Whatever a test left: steady traffic and no fault.
    void cleanup()
    {
        QCOMPARE(m_sim.clearFaults(), 200);
        QCOMPARE(m_sim.setFaults(R"({"rps": 200})"), 200);
    }

    void latencyAlertAckRedeployFailedVerificationRollbackResolved()
    {
        ManualClock clock(kT0);
        QNetworkAccessManager network;
        EventStore events(m_dir.filePath(QStringLiteral("events.sqlite")));
        AlertStore alerts(m_dir.filePath(QStringLiteral("alerts.sqlite")));
        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(events.open() && alerts.open() && audit.open());

        // Polls only when the script says (the interval is an hour).
        PollerOptions options;
        options.baseUrl = m_sim.url();
        options.intervalMs = 3'600'000;
        options.allowPlainHttp = true;
        Poller poller(&network, &clock, options);
        TargetMonitor monitor(&poller, &clock);
        EventRecorder recorder(&events, &clock);
        recorder.watch(&monitor, kTarget);

        AlertEngine engine(&clock, &alerts);
        AlertRule rule;
        rule.name = QStringLiteral("high_response_time");
        rule.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
        rule.op = Comparison::Greater;
        rule.threshold = 0.5; // seconds
        engine.setRules({rule});
        MonitorAlertFeed feed(&monitor, &engine, &clock, kTarget);
        const AlertKey key{rule.name, kTarget};
        const auto alertState = [&] {
            for (const AlertStatus& s : engine.alerts()) {
                if (s.key == key)
                    return s.state;
            }
            return AlertState::Normal;
        };
        // One poll at the clock's time; the next a little later in real time, so the
        // simulator served requests in between (the average is over the last interval).
        const auto poll = [&] {
            QTest::qWait(1100);
            QSignalSpy updated(&monitor, &TargetMonitor::updated);
            monitor.pollNow();
            QVERIFY(updated.wait(10000));
            // The feed evaluates the poll once every listener has heard of it (queued).
            QCoreApplication::sendPostedEvents();
        };

        DeploySession session(&network, &clock, &audit);
        QUrl api = m_sim.url();
        api.setPath(QStringLiteral("/render/v1"));
        session.setTarget(kTarget, m_sim.url(), ConnectionPolicy());
        session.setRender(api, ApiKey("rnd-sim-key"), kService);
        session.setPollIntervals(30, 30);
        SoakOptions soak;
        soak.polls = 1;
        soak.intervalMs = 100;
        session.setSoak(soak);
        session.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(session.liveDeploy().has_value(), 5000);

        // 00:00 the console watches a healthy gateway.
        poll();
        QCOMPARE(monitor.state(), ConnectionState::Up);
        clock.setMs(kT0 + 10 * kSec);
        poll();
        QCOMPARE(alertState(), AlertState::Normal);

        // 00:30 latency goes up: the first poll after it fires the alert.
        QCOMPARE(m_sim.setFaults(R"({"mean_latency_s": 2.0})"), 200);
        clock.setMs(kT0 + 30 * kSec);
        poll();
        QCOMPARE(alertState(), AlertState::Firing);

        // 03:00 ana acknowledges it with a comment.
        clock.setMs(kT0 + 3 * kMin);
        QVERIFY(engine.acknowledge(key, QStringLiteral("ana"),
                                   QStringLiteral("search slow, redeploying")));

        // 04:00 redeploy; it goes live at 05:00 and its verification fails (a check answers 500).
        QCOMPARE(m_sim.setFaults(R"({"force_status": 500, "paths": ["/v1/jobs"]})"), 200);
        clock.setMs(kT0 + 4 * kMin);
        QSignalSpy finished(&session, &DeploySession::deployFinished);
        QSignalSpy verified(&session, &DeploySession::verificationFinished);
        connect(&session, &DeploySession::deployStatus, this, [&](const RenderDeploy& d) {
            if (d.isLive())
                clock.setMs(kT0 + 5 * kMin);
        });
        session.redeploy(false);
        QVERIFY(finished.wait(20000));
        QVERIFY(verified.wait(20000));
        QVERIFY(!session.verifier().report().passed);

        // 06:00 roll back (the faults go with the bad deploy); live again at 07:00, and the
        // verification that follows passes.
        disconnect(&session, &DeploySession::deployStatus, this, nullptr);
        QCOMPARE(m_sim.clearFaults(), 200);
        QCOMPARE(m_sim.setFaults(R"({"rps": 200})"), 200);
        clock.setMs(kT0 + 6 * kMin);
        QVERIFY(session.rollbackTarget().has_value());
        connect(&session, &DeploySession::deployStatus, this, [&](const RenderDeploy& d) {
            if (d.isLive())
                clock.setMs(kT0 + 7 * kMin);
        });
        finished.clear();
        verified.clear();
        session.rollback();
        QVERIFY(finished.wait(20000));
        QVERIFY(verified.wait(20000));
        QVERIFY2(session.verifier().report().passed,
                 qPrintable(session.verifier().report().summary()));
        disconnect(&session, &DeploySession::deployStatus, this, nullptr);

        // 08:00 the console polls again: the gateway restarted (the rollback), the alert resolves.
        clock.setMs(kT0 + 8 * kMin);
        for (int i = 0; i < 4 && alertState() != AlertState::Normal; ++i)
            poll();
        QCOMPARE(alertState(), AlertState::Normal);

        // 14:00: resolved and up for five minutes: the incident is closed.
        clock.setMs(kT0 + 14 * kMin);
        const Timeline timeline(&events, &alerts, &audit);
        TimelineQuery query;
        query.target = kTarget;
        query.notifications = false;
        const QList<TimelineEvent> rows = timeline.events(query);
        QStringList story;
        for (const TimelineEvent& e : rows)
            story << QStringLiteral("%1 %2 %3 %4")
                         .arg((e.timeMs - kT0) / 1000)
                         .arg(e.kind, e.actor,
                              e.kind == QLatin1String("connection") ? e.toState : e.result);
        const QString user = AuditLog::currentUser();
        const QStringList expected{
            QStringLiteral("0 connection console up"),
            QStringLiteral("30 alert.firing console "),
            QStringLiteral("180 alert.ack ana "),
            QStringLiteral("240 deploy.trigger %1 started: created").arg(user),
            QStringLiteral("300 deploy.finished %1 ok: live").arg(user),
            QStringLiteral("300 deploy.verify %1 failed").arg(user),
            QStringLiteral("360 deploy.rollback %1 started").arg(user),
            QStringLiteral("420 deploy.rollback_finished %1 ok: live").arg(user),
            QStringLiteral("420 deploy.verify %1 ok").arg(user),
            QStringLiteral("480 restart console "),
            QStringLiteral("480 alert.resolved console "),
        };
        QVERIFY2(story == expected, qPrintable(story.join(u'\n')));
        QCOMPARE(rows[2].comment, QStringLiteral("search slow, redeploying"));

        IncidentBook book(&events, &timeline, &audit, &clock);
        const QList<Incident> incidents = book.incidents(kTarget, kT0, clock.nowMs());
        QCOMPARE(incidents.size(), 1);
        const Incident& incident = incidents.first();
        QCOMPARE(incident.openedMs, kT0 + 30 * kSec);
        QCOMPARE(incident.ttaMs(), 2 * kMin + 30 * kSec); // 00:30 -> 03:00
        QCOMPARE(incident.ttrMs(), 7 * kMin + 30 * kSec); // 00:30 -> 08:00
        QVERIFY(!incident.isOpen());
        QCOMPARE(incident.title, QStringLiteral("high_response_time on sim"));
        // The ack, the deploy (trigger, live, verification), the rollback (start, live,
        // verification).
        QCOMPARE(incident.actions().size(), 7);

        // The report: charts from the monitor's own signal history.
        BoardSignalHistory history([&](const QString& name) -> const SignalBoard* {
            return name == kTarget ? &monitor.signalBoard() : nullptr;
        });
        const IncidentReport report =
            buildIncidentReport(incident, timeline, &history, clock.nowMs());
        QVERIFY(report.charts.first().hasData());
        QVERIFY2(report.peakLatencyMs > 1500, qPrintable(QString::number(report.peakLatencyMs)));
        QCOMPARE(report.verifications.size(), 2);
        QCOMPARE(report.verifications.first().result, QStringLiteral("failed"));
        QVERIFY(!report.verifications.first().checks.isEmpty());
        const QString pdf = m_dir.filePath(QStringLiteral("scripted.pdf"));
        QString error;
        QVERIFY2(IncidentReportWriter(report).write(ReportFormat::Pdf, pdf, &error),
                 qPrintable(error));
        QProcess text;
        text.start(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
        QVERIFY(text.waitForFinished(30000));
        const QString body = QString::fromUtf8(text.readAllStandardOutput())
                                 .simplified()
                                 .replace(QChar(0xFB01), QStringLiteral("fi"))
                                 .replace(QChar(0xFB02), QStringLiteral("fl"));
        QVERIFY2(body.contains(QStringLiteral("2 min 30 s")), qPrintable(body)); // TTA
        QVERIFY(body.contains(QStringLiteral("7 min 30 s")));                    // TTR
        QVERIFY(body.contains(QStringLiteral("search slow, redeploying")));
        QVERIFY(body.contains(QStringLiteral("failed")));
        QVERIFY(body.contains(QStringLiteral("Rollback finished")));
        const QString keep = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!keep.isEmpty()) {
            QFile::remove(keep + QStringLiteral("/scripted-incident.pdf"));
            QFile::copy(pdf, keep + QStringLiteral("/scripted-incident.pdf"));
        }
        poller.stop();
    }
};

QTEST_MAIN(TestScriptedIncident)
#include "TestScriptedIncident.moc"
