// Jumps into the Logs tab against the real simulator: a Deploys row shows its deploy's build
// logs (type=build over its span), live while it still builds, and only its span once it is done.
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/logs/LogLineModel.h"
#include "models/logs/ServiceLogs.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/deploy/DeploysPage.h"
#include "ui/logs/LogsPage.h"
#include "ui/shell/Theme.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

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
    test::SimulatorProcess m_sim;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    SystemClock m_clock;
    MemorySecretStore m_session;
    MemorySecretStore m_keychain;
    std::unique_ptr<ChainedSecretStore> m_secrets;

    QUrl renderApi() const { return m_sim.url().resolved(QUrl(QStringLiteral("/render/v1"))); }

    std::unique_ptr<Fleet> watchedFleet()
    {
        auto fleet =
            std::make_unique<Fleet>(FleetContext{&m_network, &m_clock, m_secrets.get(), nullptr});
        fleet->addCapability([](TargetSession& session) -> std::unique_ptr<SessionCapability> {
            return std::make_unique<ServiceLogs>(session);
        });
        Target t;
        t.name = QStringLiteral("jumps");
        t.baseUrl = m_sim.url();
        t.intervalMs = 1000;
        RenderService render;
        render.restApi = true;
        render.serviceId = kService;
        render.apiBaseUrl = renderApi();
        t.services = {render};
        [&] {
            QVERIFY(writeSecretSync(m_session, secretKeyRenderApiKey(t.name), "rnd-sim-key").ok());
            QVERIFY(fleet->setCurrent(fleet->addUnsaved(t)->id()));
        }();
        return fleet;
    }

    void configure(DeploySession& session)
    {
        session.setTarget(QStringLiteral("sim"), m_sim.url(), ConnectionPolicy());
        session.setRender(renderApi(), ApiKey("rnd-sim-key"), kService);
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
        QVERIFY(m_dir.isValid());
        // Each deploy stage lasts 2.5 s, its build lines spread over it.
        QVERIFY2(m_sim.start({QStringLiteral("--log-rate"), QStringLiteral("0"),
                              QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("2500")}),
                 qPrintable(m_sim.error()));
        QCOMPARE(
            m_sim.post(QStringLiteral("/__sim/render"), R"({"rate_limit": {"limit": 100000}})"),
            200);
        m_secrets = std::make_unique<ChainedSecretStore>(&m_session, &m_keychain);
    }
    void cleanupTestCase() { m_sim.stop(); }

    void deployRowShowsItsBuildLogsLive()
    {
        auto fleet = watchedFleet();
        LogsPage logs(fleet.get());
        logs.resize(1280, 720);
        logs.show();
        fleet->start();
        QTRY_VERIFY_WITH_TIMEOUT(logs.statusText().startsWith(QStringLiteral("live")), 15000);

        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(audit.open());
        DeploySession deploys(&m_network, &m_clock, &audit);
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
        QCOMPARE(m_sim.post(QStringLiteral("/__sim/logs"),
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
};

QTEST_MAIN(TestLogsJumps)
#include "TestLogsJumps.moc"
