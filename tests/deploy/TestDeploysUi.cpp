// The Deploys and Audit pages offscreen against the real simulator's Render API: Redeploy,
// typed confirmation, statuses to live, the audit rows on the Audit page and its CSV export;
// read-only targets and the "configure it" notice. The confirmation dialog is saved as a PNG
// ($OPS_SCREENSHOT_DIR, else the temporary folder) for a look.
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/AuditTableModel.h"
#include "models/metrics/SignalBoard.h"
#include "models/metrics/SignalDeriver.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/audit/AuditPage.h"
#include "ui/deploy/DeploysPage.h"
#include "ui/deploy/RedeployDialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace ops;

namespace {

const QString kService = QStringLiteral("srv-d0bhivgateway901a");
const QString kServiceName = QStringLiteral("bhiv-gateway");

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
    return dir.isEmpty() ? QDir::tempPath() : dir;
}

QPushButton* button(QWidget* page, const char* name)
{
    return page->findChild<QPushButton*>(QLatin1String(name));
}

} // namespace

class TestDeploysUi : public QObject {
    Q_OBJECT

private:
    test::SimulatorProcess m_sim;
    SystemClock m_clock;
    QNetworkAccessManager m_network;
    QTemporaryDir m_dir;

    void configure(DeploySession& session)
    {
        QUrl api = m_sim.url();
        api.setPath(QStringLiteral("/render/v1"));
        session.setTarget(QStringLiteral("sim"), m_sim.url(), ConnectionPolicy());
        session.setRender(api, ApiKey("rnd-sim-key"), kService);
        session.setPollIntervals(30, 30);
        SoakOptions soak;
        soak.polls = 2;
        soak.intervalMs = 200;
        session.setSoak(soak);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("100")}),
                 qPrintable(m_sim.error()));
    }

    void redeployToLive()
    {
        AuditLog log(m_dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(log.open());
        DeploySession session(&m_network, &m_clock, &log);
        configure(session);
        DeploysPage page(&session);
        page.setServiceName(kServiceName);
        page.resize(1100, 700);
        page.show();
        session.refresh();
        auto* historyTable = page.findChild<QTableWidget*>();
        QVERIFY(historyTable);
        QTRY_VERIFY_WITH_TIMEOUT(session.liveDeploy().has_value(), 5000);
        QTRY_VERIFY(historyTable->rowCount() > 0);
        QPushButton* redeploy = button(&page, "deployRedeploy");
        QVERIFY(redeploy);
        QVERIFY(redeploy->isEnabled());

        // The dialog is modal: answer it from inside its event loop.
        bool answered = false;
        bool okDisabledBeforeTyping = false;
        QString grabbedTo;
        QTimer poll;
        poll.setInterval(20);
        connect(&poll, &QTimer::timeout, this, [&] {
            auto* dialog = qobject_cast<RedeployDialog*>(QApplication::activeModalWidget());
            if (!dialog || answered)
                return;
            answered = true;
            auto* typed = dialog->findChild<QLineEdit*>();
            auto* buttons = dialog->findChild<QDialogButtonBox*>();
            QPushButton* ok = nullptr;
            for (QAbstractButton* b : buttons->buttons()) {
                if (buttons->buttonRole(b) == QDialogButtonBox::AcceptRole)
                    ok = qobject_cast<QPushButton*>(b);
            }
            okDisabledBeforeTyping = ok && !ok->isEnabled();
            QTest::keyClicks(typed, QStringLiteral("bhiv-gatewa"));
            const bool stillDisabled = !ok->isEnabled();
            QTest::keyClicks(typed, QStringLiteral("y"));
            grabbedTo = screenshotDir() + QStringLiteral("/redeploy-dialog.png");
            if (!dialog->grab().save(grabbedTo))
                grabbedTo.clear();
            if (stillDisabled && ok->isEnabled())
                QTest::mouseClick(ok, Qt::LeftButton);
            else
                dialog->reject();
        });
        poll.start();
        QTest::mouseClick(redeploy, Qt::LeftButton);
        poll.stop();
        QVERIFY(answered);
        QVERIFY(okDisabledBeforeTyping);
        QVERIFY2(!grabbedTo.isEmpty(), "the dialog could not be saved as a PNG");
        qInfo("redeploy dialog: %s", qPrintable(grabbedTo));

        auto* status = page.findChild<QLabel*>(QStringLiteral("deployStatus"));
        QVERIFY(status);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().endsWith(QLatin1String(": live")), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isDeploying(), 5000);
        QVERIFY(redeploy->isEnabled());
        QVERIFY(button(&page, "deployRollback")->isEnabled());
        // Verification ran after live (checklist and a short soak) and said so.
        QSignalSpy verified(&session, &DeploySession::verificationFinished);
        QVERIFY(verified.wait(20000));
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/deploys-page.png")));

        // The Audit page shows the trigger and the outcome, and exports them.
        AuditTableModel model(&log);
        AuditPage audit(&model);
        audit.resize(1000, 500);
        audit.show();
        QVERIFY(model.rowCount() >= 3);
        QStringList actions;
        for (int r = 0; r < model.rowCount(); ++r)
            actions << model.entry(r).action;
        QVERIFY2(actions.contains(QStringLiteral("deploy.trigger")) &&
                     actions.contains(QStringLiteral("deploy.finished")) &&
                     actions.contains(QStringLiteral("deploy.verify")),
                 qPrintable(actions.join(u',')));
        QVERIFY(audit.grab().save(screenshotDir() + QStringLiteral("/audit-page.png")));
        // A read-only log says so above the rows, and the notice goes when cleared.
        auto* notice = audit.findChild<QLabel*>(QStringLiteral("auditStorageNotice"));
        QVERIFY(notice && !notice->isVisible());
        audit.setStorageNotice(QStringLiteral("The audit log is read-only: new actions are not "
                                              "recorded."));
        QVERIFY(notice->isVisible());
        QVERIFY(notice->text().contains(QStringLiteral("read-only")));
        audit.setStorageNotice(QString());
        QVERIFY(!notice->isVisible());
        const QString csv = m_dir.filePath(QStringLiteral("audit.csv"));
        QString error;
        QVERIFY2(audit.exportCsv(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.startsWith("Time,Actor,Target,Action,Subject,Result,Details\r\n"));
        QVERIFY(text.contains(",sim,deploy.trigger,dep-"));
        QVERIFY(text.contains(",sim,deploy.finished,dep-"));
        QVERIFY(!text.contains("rnd-sim-key"));
        QCOMPARE(text.count('\n'), model.rowCount() + 1);
        // The filters narrow what is exported.
        audit.filterModel()->setActionKind(QStringLiteral("nothing"));
        QCOMPARE(audit.view()->model()->rowCount(), 0);
    }

    // A service with only a deploy hook: Redeploy calls the hook (the simulator counts it), the
    // audit row and the chart marker say so, and nothing pretends to follow or roll back.
    void hookOnlyRedeploy()
    {
        AuditLog log(m_dir.filePath(QStringLiteral("audit-hook.sqlite")));
        QVERIFY(log.open());
        DeploySession session(&m_network, &m_clock, &log);
        QUrl hook = m_sim.url();
        hook.setPath(QStringLiteral("/render/deploy/") + kService);
        hook.setQuery(QStringLiteral("key=hook-sim-key"));
        session.setTarget(QStringLiteral("sim"), m_sim.url(), ConnectionPolicy());
        session.setHookOnly(kService, hook);
        QVERIFY(session.isHookOnly());
        DeploysPage page(&session);
        page.setConfirmations(false);
        page.setServiceName(kServiceName);
        page.show();
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("deployLive"))
                    ->text()
                    .contains(QStringLiteral("deploy hook only")));
        QVERIFY(!button(&page, "deployRollback")->isEnabled());
        QByteArray before;
        QCOMPARE(m_sim.get(QStringLiteral("/__sim/render"), &before), 200);
        const int callsBefore = QJsonDocument::fromJson(before)["hook_calls"].toInt();
        QSignalSpy events(&session, &DeploySession::deployEvent);
        QSignalSpy messages(&session, &DeploySession::message);
        page.redeploy();
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 5000);
        QCOMPARE(events.at(0).at(1).value<DeployEventKind>(), DeployEventKind::Deploy);
        QVERIFY(!session.isDeploying()); // nothing to follow
        QByteArray after;
        QCOMPARE(m_sim.get(QStringLiteral("/__sim/render"), &after), 200);
        QCOMPARE(QJsonDocument::fromJson(after)["hook_calls"].toInt(), callsBefore + 1);
        QVERIFY(!messages.isEmpty());
        QVERIFY(!messages.last().at(0).toString().contains(QStringLiteral("hook-sim-key")));
        const QList<AuditEntry> rows = log.entries();
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.first().action, QStringLiteral("deploy.hook"));
        QCOMPARE(rows.first().result, QStringLiteral("ok: triggered"));
        QVERIFY(!QJsonDocument(rows.first().details).toJson().contains("hook-sim-key"));

        // A wrong key: an error in words, audited as such, the key not in it.
        hook.setQuery(QStringLiteral("key=not-the-key"));
        session.setHookOnly(kService, hook);
        messages.clear();
        page.redeploy();
        QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), 5000);
        QCOMPARE(messages.last().at(1).toBool(), true);
        QVERIFY(!messages.last().at(0).toString().contains(QStringLiteral("not-the-key")));
        QVERIFY(log.entries().first().result.startsWith(QStringLiteral("error: ")));
        QTest::qWait(800); // let the hook's deploy finish before the next test
    }

    // With the watched target's history at hand, "before" is read from it the moment the
    // redeploy starts (latency and error rate both), and "after" comes from the soak.
    void beforeWindowFromHistory()
    {
        SignalDeriver deriver;
        SignalBoard history;
        const qint64 now = m_clock.nowMs();
        // Two minutes of scrapes: 10 % server errors and a 0.25 s mean latency.
        for (int i = 0; i <= 24; ++i) {
            const double requests = 100.0 * i;
            const double errors = 10.0 * i;
            // The modular dialect's names: errors counted by api_errors_total.
            const std::string labels = "method=\"GET\",endpoint=\"/v1/jobs\"";
            const std::string body =
                "# TYPE api_requests_total counter\n# TYPE api_errors_total counter\n"
                "# TYPE api_request_duration_seconds histogram\napi_requests_total{" +
                labels + ",status_code=\"200\"} " + std::to_string(requests - errors) +
                "\napi_requests_total{" + labels + ",status_code=\"500\"} " +
                std::to_string(errors) + "\napi_errors_total{error_type=\"server_error\"} " +
                std::to_string(errors) + "\napi_request_duration_seconds_bucket{" + labels +
                ",le=\"+Inf\"} " + std::to_string(requests) +
                "\napi_request_duration_seconds_sum{" + labels + "} " +
                std::to_string(requests * 0.25) + "\napi_request_duration_seconds_count{" + labels +
                "} " + std::to_string(requests) + "\n";
            const qint64 timeMs = now - 120'000 + i * 5000;
            QVERIFY(deriver.ingest(timeMs, body, MetricsFormat::PrometheusText).ok);
            history.applyFrame(deriver.scrapeFrame(timeMs));
        }
        DeploySession session(&m_network, &m_clock, nullptr);
        configure(session);
        session.setHistory(&history);
        DeploysPage page(&session);
        page.setConfirmations(false);
        page.setServiceName(kServiceName);
        page.show();
        session.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(session.liveDeploy().has_value(), 5000);
        page.redeploy();
        QVERIFY(session.before().has_value());
        QVERIFY(session.before()->avgLatencyS.has_value());
        QVERIFY(session.before()->errorRatio.has_value());
        QVERIFY(qAbs(*session.before()->avgLatencyS - 0.25) < 1e-3);
        QVERIFY2(qAbs(*session.before()->errorRatio - 0.10) < 1e-3,
                 qPrintable(QString::number(*session.before()->errorRatio)));
        QVERIFY(!session.before()->healthKnown);
        QSignalSpy verified(&session, &DeploySession::verificationFinished);
        QVERIFY(verified.wait(20000));
        QVERIFY(session.after().has_value());
        QVERIFY(session.after()->avgLatencyS.has_value());
        // The plan dialect exports no status or error counts: no error rate after, said as such.
        QVERIFY(!session.after()->errorRatio.has_value());
        // The comparison table shows both columns filled, with the unknown health as a dash.
        auto* compare = page.findChild<QTableWidget*>(QStringLiteral("deployCompare"));
        QVERIFY(compare);
        QCOMPARE(compare->item(1, 1)->text(), QStringLiteral("10.00 %"));
        QCOMPARE(compare->item(1, 2)->text(), QStringLiteral("not exported"));
        QCOMPARE(compare->item(2, 1)->text(), QStringLiteral("–"));
    }

    void readOnlyTarget()
    {
        DeploySession session(&m_network, &m_clock, nullptr);
        configure(session);
        DeploysPage page(&session);
        page.setReadOnly(true, QStringLiteral("sim is a read-only target"));
        page.show();
        session.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(session.rollbackTarget().has_value(), 5000);
        for (const char* name : {"deployRedeploy", "deployRollback", "deployCancel"}) {
            QPushButton* b = button(&page, name);
            QVERIFY2(!b->isEnabled(), name);
            QCOMPARE(b->toolTip(), QStringLiteral("sim is a read-only target"));
        }
        QVERIFY(button(&page, "deployVerify")->isEnabled());
        page.redeploy(); // refused without a dialog
        QVERIFY(!session.isDeploying());
        page.setReadOnly(false, QString());
        QVERIFY(button(&page, "deployRedeploy")->isEnabled());
        QVERIFY(button(&page, "deployRollback")->isEnabled());
    }

    // Read-only is enforced in the session, not only by the page's buttons: what a command or
    // a stray call asks is refused and audited as refused, and Render never sees it.
    void readOnlySessionRefuses()
    {
        AuditLog log(m_dir.filePath(QStringLiteral("audit-read-only.sqlite")));
        QVERIFY(log.open());
        DeploySession session(&m_network, &m_clock, &log);
        configure(session);
        session.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(session.liveDeploy().has_value(), 5000);
        const QString liveBefore = session.liveDeploy()->id;
        session.setReadOnly(true);
        QSignalSpy messages(&session, &DeploySession::message);
        session.redeploy(false);
        session.rollback();
        QVERIFY(!session.isDeploying());
        QCOMPARE(messages.count(), 2);
        QVERIFY(messages.at(0).at(0).toString().contains(QStringLiteral("read-only")));
        const QList<AuditEntry> rows = log.entries();
        QCOMPARE(rows.size(), 2);
        for (const AuditEntry& row : rows)
            QVERIFY2(row.result.startsWith(QStringLiteral("refused")), qPrintable(row.result));
        session.refresh();
        QTest::qWait(300);
        QCOMPARE(session.liveDeploy()->id, liveBefore);
        QVERIFY(!session.isDeploying());
    }

    // No audit log to write: Redeploy asks whether to go on unrecorded, and Cancel stops it.
    void unrecordedRedeployAsksFirst()
    {
        QFile blocker(m_dir.filePath(QStringLiteral("not-a-folder")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AuditLog log(blocker.fileName() + QStringLiteral("/audit.sqlite"));
        DeploySession session(&m_network, &m_clock, &log);
        configure(session);
        QVERIFY(!session.auditProblem().isEmpty());
        DeploysPage page(&session);
        page.setServiceName(kServiceName);
        page.show();
        QString asked;
        bool redeployDialogSeen = false;
        QTimer poll;
        poll.setInterval(20);
        connect(&poll, &QTimer::timeout, this, [&] {
            QWidget* modal = QApplication::activeModalWidget();
            if (qobject_cast<RedeployDialog*>(modal)) {
                redeployDialogSeen = true;
                qobject_cast<QDialog*>(modal)->reject();
                return;
            }
            auto* box = qobject_cast<QMessageBox*>(modal);
            if (!box || !asked.isEmpty())
                return;
            asked = box->text() + QLatin1Char(' ') + box->informativeText();
            if (!qEnvironmentVariableIsEmpty("OPS_SHOT_DIR")) // to look at it
                box->grab().save(qEnvironmentVariable("OPS_SHOT_DIR") +
                                 QStringLiteral("/unrecorded-action.png"));
            box->button(QMessageBox::Cancel)->click();
        });
        poll.start();
        page.redeploy();
        poll.stop();
        QVERIFY2(asked.contains(QStringLiteral("audit log cannot be written")) &&
                     asked.contains(QStringLiteral("recorded nowhere")),
                 qPrintable(asked));
        QVERIFY(!redeployDialogSeen); // stopped before the confirmation of the deploy itself
        QVERIFY(!session.isDeploying());
    }

    // "Cancel deploy" asks first; "Keep deploying" (the default) leaves the deploy running.
    void cancelAsksFirst()
    {
        test::SimulatorProcess slow;
        QVERIFY2(slow.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                             QStringLiteral("--deploy-stage-ms"), QStringLiteral("3000")}),
                 qPrintable(slow.error()));
        AuditLog log(m_dir.filePath(QStringLiteral("audit-cancel.sqlite")));
        QVERIFY(log.open());
        DeploySession session(&m_network, &m_clock, &log);
        QUrl api = slow.url();
        api.setPath(QStringLiteral("/render/v1"));
        session.setTarget(QStringLiteral("slow"), slow.url(), ConnectionPolicy());
        session.setRender(api, ApiKey("rnd-sim-key"), kService);
        session.setPollIntervals(30, 30);
        DeploysPage page(&session);
        page.setServiceName(kServiceName);
        page.show();
        session.redeploy(false);
        QTRY_VERIFY_WITH_TIMEOUT(session.isDeploying(), 5000);
        QPushButton* cancel = button(&page, "deployCancel");
        QTRY_VERIFY(cancel->isEnabled());

        const auto answer = [&](const QString& choice) {
            QString asked;
            QTimer poll;
            poll.setInterval(20);
            connect(&poll, &QTimer::timeout, this, [&] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                if (!box || !asked.isEmpty())
                    return;
                asked = box->text();
                for (QAbstractButton* b : box->buttons()) {
                    if (b->text() == choice)
                        b->click();
                }
            });
            poll.start();
            QTest::mouseClick(cancel, Qt::LeftButton);
            poll.stop();
            return asked;
        };
        const QString asked = answer(QStringLiteral("Keep deploying"));
        QVERIFY2(asked.contains(kServiceName) && asked.contains(QStringLiteral("slow")),
                 qPrintable(asked));
        QTest::qWait(200);
        QVERIFY(session.isDeploying());
        for (const AuditEntry& row : log.entries())
            QVERIFY(row.action != QLatin1String("deploy.cancel"));

        answer(QStringLiteral("Cancel deploy"));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const AuditEntry& row : log.entries()) {
                    if (row.action == QLatin1String("deploy.cancel"))
                        return true;
                }
                return false;
            }(),
            5000);
    }

    void noticeInsteadOfThePage()
    {
        DeploySession session(&m_network, &m_clock, nullptr);
        DeploysPage page(&session);
        page.resize(900, 500);
        page.show();
        QSignalSpy configure(&page, &DeploysPage::configureRequested);
        page.setNotice(QStringLiteral("<b>No Render service is configured for x.</b>"), true);
        auto* notice = page.findChild<QLabel*>(QStringLiteral("deployNotice"));
        QVERIFY(notice && notice->isVisible());
        QVERIFY(!button(&page, "deployRedeploy")->isVisible());
        QPushButton* open = button(&page, "deployConfigure");
        QVERIFY(open->isVisible());
        QTest::mouseClick(open, Qt::LeftButton);
        QCOMPARE(configure.count(), 1);
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/deploys-notice.png")));
        page.setNotice(QString(), false);
        QVERIFY(!notice->isVisible());
        QVERIFY(button(&page, "deployRedeploy")->isVisible());
    }
};

QTEST_MAIN(TestDeploysUi)
#include "TestDeploysUi.moc"
