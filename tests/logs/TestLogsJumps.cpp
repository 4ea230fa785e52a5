// Jumps into the Logs tab against the real simulator: a Deploys row shows its deploy's build
// logs (type=build over its span), live while it still builds, and only its span once it is done;
// an alert's "Logs around this" shows the lines of its start ± 5 minutes, those and no others.
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/logs/LogLineModel.h"
#include "models/logs/ServiceLogs.h"
#include "tests/support/SimulatedTargetRig.h"
#include "ui/alerts/AlertsPage.h"
#include "ui/deploy/DeploysPage.h"
#include "ui/logs/LogsPage.h"
#include "ui/shell/Theme.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using namespace ops;

namespace {

const QString kService = QStringLiteral("srv-d0bhivgateway901a");

int rowsContaining(const LogsPage& page, const QString& text)
{
    QAbstractItemModel* model = page.view()->model();
    int n = 0;
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(LogLineModel::MessageRole).toString().contains(text))
            ++n;
    }
    return n;
}

// The rows of the page's model whose type is not `type` (0 when every row is of it).
int rowsNotOfType(const LogsPage& page, const QString& type)
{
    QAbstractItemModel* model = page.view()->model();
    int n = 0;
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(LogLineModel::TypeRole).toString() != type)
            ++n;
    }
    return n;
}

} // namespace

class TestLogsJumps : public QObject {
    Q_OBJECT

private:
    test::SimulatedTargetRig m_rig;

    std::unique_ptr<Fleet> watchedFleet()
    {
        auto fleet = std::make_unique<Fleet>(m_rig.context());
        fleet->addCapability([](TargetSession& session) -> std::unique_ptr<SessionCapability> {
            return std::make_unique<ServiceLogs>(session);
        });
        Target t = m_rig.target(QStringLiteral("jumps"));
        t.services = {m_rig.renderService(kService)};
        [&] {
            QVERIFY(
                writeSecretSync(m_rig.sessionSecrets, secretKeyRenderApiKey(t.name), "rnd-sim-key")
                    .ok());
            QVERIFY(fleet->setCurrent(fleet->addUnsaved(t)->id()));
        }();
        return fleet;
    }

    void configure(DeploySession& session)
    {
        session.setTarget(QStringLiteral("sim"), m_rig.url(), ConnectionPolicy());
        session.setRender(m_rig.renderApi(), ApiKey("rnd-sim-key"), kService);
        session.setPollIntervals(30, 30);
        SoakOptions soak;
        soak.polls = 1;
        soak.intervalMs = 200;
        session.setSoak(soak);
    }

    static int rowOf(const DeploySession& session, const QString& id)
    {
        const auto& history = session.history();
        for (int row = 0; row < history.size(); ++row) {
            if (history.at(row).id == id)
                return row;
        }
        return -1;
    }

private slots:
    void initTestCase()
    {
        // Each deploy stage lasts 2.5 s, its build lines spread over it.
        QVERIFY2(m_rig.start({QStringLiteral("--log-rate"), QStringLiteral("0"),
                              QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("2500")}),
                 qPrintable(m_rig.error()));
        QCOMPARE(m_rig.liftRenderRateLimit(), 200);
    }
    void cleanupTestCase() { m_rig.sim.stop(); }

    void deployRowShowsItsBuildLogsLive()
    {
        auto fleet = watchedFleet();
        LogsPage logs(fleet.get());
        logs.resize(1280, 720);
        logs.show();
        fleet->start();
        QTRY_VERIFY_WITH_TIMEOUT(logs.statusText().startsWith(QStringLiteral("live")), 15000);

        AuditLog audit(m_rig.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(audit.open());
        DeploySession deploys(&m_rig.network, &m_rig.clock, &audit);
        configure(deploys);
        DeploysPage page(&deploys);
        page.setConfirmations(false);
        QList<LogWindowRequest> asked;
        // As the console wires it (ConsoleApplication::showLogs).
        connect(&page, &DeploysPage::logsRequested, &logs, [&](const LogWindowRequest& request) {
            asked << request;
            logs.showWindow(request);
        });
        deploys.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(deploys.liveDeploy().has_value(), 10000);
        QSignalSpy finished(&deploys, &DeploySession::deployFinished);
        page.redeploy();
        QTRY_VERIFY_WITH_TIMEOUT(deploys.isDeploying() && !deploys.current().id.isEmpty(), 10000);
        const QString id = deploys.current().id;
        if (rowOf(deploys, id) < 0)
            deploys.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(deploys, id) >= 0, 10000);
        QVERIFY(!deploys.history().at(rowOf(deploys, id)).isFinished());

        // While it builds: type=build from its creation, then live.
        QVERIFY(page.requestLogsOfRow(rowOf(deploys, id)));
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.first().types, QStringList{QStringLiteral("build")});
        QVERIFY(asked.first().live);
        QVERIFY(asked.first().why.contains(id));
        QCOMPARE(logs.findChildren<QComboBox*>().at(1)->currentText(), QStringLiteral("build"));
        QTRY_VERIFY_WITH_TIMEOUT(rowsContaining(logs, QStringLiteral("==> Cloning from")) == 1,
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(logs.statusText().startsWith(QStringLiteral("live")), 10000);
        // An app line written meanwhile is not asked for (server side: not even kept).
        QCOMPARE(m_rig.sim.post(QStringLiteral("/__sim/logs"),
                                R"({"emit": {"count": 3, "type": "app", "message": "jump-app"}})"),
                 200);
        // The later stages arrive live, as Render writes them.
        QTRY_VERIFY_WITH_TIMEOUT(
            rowsContaining(logs, QStringLiteral("==> Your service is live")) == 1, 30000);
        QVERIFY(rowsContaining(logs, QStringLiteral("==> Running pre-deploy command")) == 1);
        // A look, light and dark ($OPS_SCREENSHOT_DIR, else the temporary folder).
        const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR", QDir::tempPath());
        QVERIFY(logs.grab().save(shots + QStringLiteral("/logs-build-light.png")));
        QVERIFY(applyPalette(QStringLiteral("dark")));
        QCoreApplication::processEvents();
        QVERIFY(logs.grab().save(shots + QStringLiteral("/logs-build-dark.png")));
        QVERIFY(applyPalette(QStringLiteral("light")));
        QCOMPARE(rowsNotOfType(logs, QStringLiteral("build")), 0);
        const LogBuffer& kept = logs.logs()->logs()->model()->buffer();
        for (qsizetype i = 0; i < kept.size(); ++i)
            QCOMPARE(kept.at(i).type, QStringLiteral("build"));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 20000);

        // Done: its span only (not live), the same lines once each, oldest first.
        deploys.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(deploys, id) >= 0 &&
                                     deploys.history().at(rowOf(deploys, id)).isFinished(),
                                 10000);
        QVERIFY(page.requestLogsOfRow(rowOf(deploys, id)));
        QCOMPARE(asked.size(), 2);
        QVERIFY(!asked.last().live);
        QCOMPARE(asked.last().types, QStringList{QStringLiteral("build")});
        QTRY_VERIFY_WITH_TIMEOUT(rowsContaining(logs, QStringLiteral("==> Your service is live")) ==
                                         1 &&
                                     !logs.statusText().startsWith(QStringLiteral("loading")),
                                 10000);
        QVERIFY2(!logs.statusText().startsWith(QStringLiteral("live")),
                 qPrintable(logs.statusText()));
        QCOMPARE(rowsContaining(logs, QStringLiteral("==> Cloning from")), 1);
        QCOMPARE(rowsContaining(logs, QStringLiteral("jump-app")), 0);
        QCOMPARE(rowsNotOfType(logs, QStringLiteral("build")), 0);
        QAbstractItemModel* model = logs.view()->model();
        for (int row = 1; row < model->rowCount(); ++row)
            QVERIFY(model->index(row - 1, 0).data(LogLineModel::TimestampMsRole).toLongLong() <=
                    model->index(row, 0).data(LogLineModel::TimestampMsRole).toLongLong());

        // Back to live: every type again, the jump's type filter gone.
        logs.followLive();
        QCOMPARE(logs.findChildren<QComboBox*>().at(1)->currentText(), QStringLiteral("All types"));
        QTRY_VERIFY_WITH_TIMEOUT(rowsContaining(logs, QStringLiteral("jump-app")) == 3, 15000);
    }

    void alertJumpShowsTheLinesOfThatWindow()
    {
        auto fleet = watchedFleet();
        LogsPage logs(fleet.get());
        logs.resize(1280, 720);
        logs.show();
        fleet->start();
        QTRY_VERIFY_WITH_TIMEOUT(logs.statusText().startsWith(QStringLiteral("live")), 15000);

        // An alert on the watched target that began about nine minutes ago.
        const qint64 realNow = QDateTime::currentMSecsSinceEpoch();
        ManualClock clock(realNow - 10 * 60'000);
        AlertCenterOptions options;
        options.databasePath = m_rig.filePath(QStringLiteral("alerts.sqlite"));
        options.desktopNotifications = false;
        AlertCenter center(&clock, &m_rig.network, options);
        QVERIFY(center.start());
        const QString target = fleet->current()->name();
        for (int i = 0; i < 90; ++i) {
            clock.advanceMs(1000);
            EvaluationSample sample;
            sample.target = target;
            sample.timeMs = clock.nowMs();
            sample.lastSuccessMs = sample.timeMs;
            sample.set(AlertSignals::AvgResponseTime, i < 5 ? 0.2 : 1.8);
            sample.set(AlertSignals::ErrorRate, 0.0);
            sample.set(AlertSignals::RequestRate, 12);
            center.engine()->evaluate(sample);
        }
        AlertsPage alerts(&center);
        // As the console wires it (ConsoleApplication::addAlerts).
        qint64 at = -1;
        connect(&alerts, &AlertsPage::logsRequested, &logs,
                [&](const QString& name, qint64 atMs, const QString& why) {
                    QCOMPARE(name, target);
                    at = atMs;
                    if (fleet->sessionNamed(name))
                        logs.showWindow(LogsPage::around(atMs, why));
                });
        alerts.showAlert(QStringLiteral("high_response_time"), target);
        // Lines before, inside and after the window, placed in the simulator's past before
        // anything is asked for.
        const std::optional<AlertStatus> alert =
            center.engine()->alert({QStringLiteral("high_response_time"), target});
        const qint64 firing = alert ? alert->firingSinceMs : -1;
        QVERIFY2(firing > 0, "the latency alert did not fire");
        const auto emitAt = [&](qint64 ms, int count, const char* message) {
            const QJsonObject line{{QStringLiteral("count"), count},
                                   {QStringLiteral("message"), QString::fromLatin1(message)},
                                   {QStringLiteral("ago_ms"), realNow - ms}};
            QCOMPARE(m_rig.sim.post(QStringLiteral("/__sim/logs"),
                                    QJsonDocument(QJsonObject{{QStringLiteral("emit"), line}})
                                        .toJson(QJsonDocument::Compact)),
                     200);
        };
        // The simulator refuses a past it cannot have (the future, more than 30 days).
        QCOMPARE(m_rig.sim.post(QStringLiteral("/__sim/logs"), R"({"emit": {"ago_ms": -5}})"), 400);
        QCOMPARE(m_rig.sim.post(QStringLiteral("/__sim/logs"), R"({"emit": {"ago_ms": 9e12}})"),
                 400);
        emitAt(firing - 6 * 60'000, 2, "alert-before");
        emitAt(firing - 4 * 60'000, 3, "alert-inside-early");
        emitAt(firing + 30'000, 4, "alert-inside-late");
        emitAt(firing + 6 * 60'000, 2, "alert-after");
        QVERIFY(firing + 6 * 60'000 < realNow);

        QVERIFY(alerts.showLogsOfSelected());
        QCOMPARE(at, firing);
        QTRY_VERIFY_WITH_TIMEOUT(rowsContaining(logs, QStringLiteral("alert-inside-late")) == 4 &&
                                     !logs.statusText().startsWith(QStringLiteral("loading")),
                                 15000);
        QCOMPARE(rowsContaining(logs, QStringLiteral("alert-inside-early")), 3);
        QCOMPARE(rowsContaining(logs, QStringLiteral("alert-before")), 0);
        QCOMPARE(rowsContaining(logs, QStringLiteral("alert-after")), 0);
        QVERIFY2(!logs.statusText().startsWith(QStringLiteral("live")),
                 qPrintable(logs.statusText()));

        // Exactly the simulator's lines of [start - 5 min, start + 5 min], oldest first.
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("ids"), QString());
        query.addQueryItem(QStringLiteral("startTime"), formatRfc3339(firing - 5 * 60'000));
        query.addQueryItem(QStringLiteral("endTime"), formatRfc3339(firing + 5 * 60'000));
        QByteArray body;
        QCOMPARE(m_rig.sim.get(QStringLiteral("/__sim/logs?") + query.toString(QUrl::FullyEncoded),
                               &body),
                 200);
        QStringList expected;
        for (const QJsonValue& id : QJsonDocument::fromJson(body)[QStringLiteral("ids")].toArray())
            expected << id.toString();
        QStringList shown;
        QAbstractItemModel* model = logs.view()->model();
        for (int row = 0; row < model->rowCount(); ++row)
            shown << model->index(row, 0).data(LogLineModel::IdRole).toString();
        QVERIFY2(expected.size() >= 7, qPrintable(QString::number(expected.size())));
        QCOMPARE(shown, expected);
    }
};

QTEST_MAIN(TestLogsJumps)
#include "TestLogsJumps.moc"
