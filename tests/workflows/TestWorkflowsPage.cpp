// The Workflows page and its launch dialog, offscreen, against the real simulator. With
// OPS_SCREENSHOT_DIR set, the page and the dialog are also saved as PNGs there.
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/WorkflowListModel.h"
#include "models/workflows/WorkflowClient.h"
#include "models/workflows/WorkflowTracker.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/workflows/LaunchWorkflowDialog.h"
#include "ui/workflows/WorkflowsPage.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace ops;

class TestWorkflowsPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void launchThroughTheDialog();
    void readOnlyBlocksTheDialog();
    void unrecordedLaunchAsksFirst();
    void monolithPageSaysSo();
    void durationsFollowTheSessionClock();

private:
    void shoot(QWidget* widget, const QString& name);
    test::SimulatorProcess m_sim;
    QNetworkAccessManager m_network;
};

void TestWorkflowsPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("modular"),
                          QStringLiteral("--step-ms"), QStringLiteral("60")}),
             qPrintable(m_sim.error()));
}

void TestWorkflowsPage::shoot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(dir + QLatin1Char('/') + name));
}

void TestWorkflowsPage::launchThroughTheDialog()
{
    WorkflowClient client(&m_network, m_sim.url(), Dialect::Modular, {}, false);
    WorkflowsPage page(&client, QStringLiteral("sim (modular)"));
    page.tracker()->setIntervals(50, 300);
    page.resize(1400, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));

    // A failing one first, so the page has something to show in red.
    bool done = false;
    client.launch(QStringLiteral("interview_process"),
                  QJsonObject{{"fail_at_step", 4}, {"step_ms", 40}}, [&](const WorkflowResult& r) {
                      done = true;
                      page.tracker()->follow(r.workflowId);
                  });
    QTRY_VERIFY(done);

    page.launchAction()->trigger();
    LaunchWorkflowDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = page.findChild<LaunchWorkflowDialog*>()) != nullptr);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->typeBox()->count(), 5);
    dialog->setWorkflowType(QStringLiteral("job_posting"));
    dialog->setMetadataText(QStringLiteral("{\n  \"job_id\": \"job_42\",\n  \"step_ms\": 50,\n}"));
    QVERIFY(!dialog->launchButton()->isEnabled());
    QVERIFY2(dialog->metadataError().startsWith(QStringLiteral("Line 4, column ")),
             qPrintable(dialog->metadataError()));
    shoot(dialog, QStringLiteral("launch-dialog-invalid.png"));
    dialog->setMetadataText(QStringLiteral("{\n  \"job_id\": \"job_42\",\n  \"step_ms\": 50\n}"));
    QVERIFY(dialog->launchButton()->isEnabled());
    // A form field writes into the JSON.
    QCOMPARE(dialog->metadata().value(QStringLiteral("job_id")).toString(),
             QStringLiteral("job_42"));
    shoot(dialog, QStringLiteral("launch-dialog.png"));
    QTest::mouseClick(dialog->launchButton(), Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 2, 5000);
    int row = -1;
    QTRY_VERIFY((row = [&] {
                    for (int r = 0; r < page.model()->rowCount(); ++r)
                        if (page.model()->workflow(r).type == u"job_posting")
                            return r;
                    return -1;
                }()) >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->workflow(row).status, QStringLiteral("completed"),
                              10000);
    QTRY_VERIFY_WITH_TIMEOUT(page.tracker()->followedIds().isEmpty(), 10000);
    QVERIFY(page.messageText().contains(QStringLiteral("Launched")));
    QVERIFY(LaunchWorkflowDialog::recentLaunches().size() >= 1);
    QCOMPARE(LaunchWorkflowDialog::recentLaunches().at(0).first, QStringLiteral("job_posting"));

    // The filter by status hides the completed one; the counts table has both types.
    page.proxy()->sort(0);
    QCOMPARE(page.proxy()->rowCount(), 2);
    page.findChildren<QComboBox*>().at(0)->setCurrentIndex(4); // "failed"
    QCOMPARE(page.proxy()->rowCount(), 1);
    page.findChildren<QComboBox*>().at(0)->setCurrentIndex(0);
    QCOMPARE(page.countsTable()->rowCount(), 2);
    // Select the failed one: the details pane shows its error.
    for (int r = 0; r < page.proxy()->rowCount(); ++r) {
        if (page.proxy()->index(r, 0).data(WorkflowListModel::TypeRole).toString() ==
            u"interview_process")
            page.view()->setCurrentIndex(page.proxy()->index(r, 0));
    }
    QVERIFY(page.rerunAction()->isEnabled());
    QVERIFY(!page.cancelAction()->isEnabled());
    QApplication::processEvents();
    shoot(&page, QStringLiteral("workflows-page.png"));
}

void TestWorkflowsPage::readOnlyBlocksTheDialog()
{
    WorkflowClient client(&m_network, m_sim.url(), Dialect::Modular, {}, true);
    WorkflowsPage page(&client, QStringLiteral("production (read-only)"));
    QVERIFY(!page.launchAction()->isEnabled());
    LaunchWorkflowDialog dialog(QStringLiteral("production"), Dialect::Modular, true);
    QVERIFY(!dialog.launchButton()->isEnabled());
    QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("readOnlyBanner")));
}

// No audit log to write: Launch asks whether to go on unrecorded. Cancel sends nothing; "Launch
// unrecorded" launches.
void TestWorkflowsPage::unrecordedLaunchAsksFirst()
{
    QTemporaryDir dir;
    QFile blocker(dir.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    AuditLog log(blocker.fileName() + QStringLiteral("/audit.sqlite"));
    WorkflowClient client(&m_network, m_sim.url(), Dialect::Modular, {}, false);
    client.setAuditLog(&log);
    QVERIFY(!client.auditProblem().isEmpty());
    WorkflowsPage page(&client, QStringLiteral("sim (modular)"));
    page.tracker()->setIntervals(50, 300);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    // What the gateway holds, not what the page shows: launches of job_7.
    auto launchedOnServer = [&] {
        int count = -1;
        client.list({}, QStringLiteral("job_posting"), 100, [&](const WorkflowResult& r) {
            count = 0;
            for (const Workflow& w : r.workflows)
                count += w.metadata.value(QStringLiteral("job_id")).toString() == u"job_7";
        });
        return QTest::qWaitFor([&] { return count >= 0; }, 5000) ? count : -1;
    };
    const int before = launchedOnServer();

    QString asked;
    bool goOn = false;
    QTimer poll;
    poll.setInterval(20);
    connect(&poll, &QTimer::timeout, this, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || box->objectName() != u"unrecordedActionConfirmation")
            return;
        asked = box->text() + QLatin1Char(' ') + box->informativeText();
        for (QAbstractButton* b : box->buttons()) {
            const bool isGo = b->text() == u"Launch unrecorded";
            if (isGo == goOn) {
                b->click();
                return;
            }
        }
    });
    poll.start();
    auto launchOnce = [&] {
        page.launchAction()->trigger();
        LaunchWorkflowDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = page.findChild<LaunchWorkflowDialog*>()) != nullptr);
        dialog->setWorkflowType(QStringLiteral("job_posting"));
        dialog->setMetadataText(QStringLiteral("{\"job_id\": \"job_7\", \"step_ms\": 20}"));
        QVERIFY(dialog->launchButton()->isEnabled());
        QTest::mouseClick(dialog->launchButton(), Qt::LeftButton);
    };

    launchOnce();
    QVERIFY2(asked.contains(QStringLiteral("audit log cannot be written")) &&
                 asked.contains(QStringLiteral("recorded nowhere")),
             qPrintable(asked));
    QTest::qWait(500); // a launch would have answered by now
    QCOMPARE(launchedOnServer(), before);
    QVERIFY(!page.messageText().contains(QStringLiteral("Launch")));

    asked.clear();
    goOn = true;
    QTRY_VERIFY(page.findChild<LaunchWorkflowDialog*>() == nullptr); // the first one closed
    launchOnce();
    QVERIFY(!asked.isEmpty());
    QTRY_VERIFY(page.messageText().contains(QStringLiteral("Launched")));
    QCOMPARE(launchedOnServer(), before + 1);
    poll.stop();
}

void TestWorkflowsPage::monolithPageSaysSo()
{
    WorkflowClient client(&m_network, m_sim.url(), Dialect::Monolith, {}, false);
    WorkflowsPage page(&client, QStringLiteral("monolith"));
    page.show();
    QVERIFY(page.messageText().contains(QStringLiteral("no workflow API")));
    QVERIFY(!page.launchAction()->isEnabled());
    page.setDialect(Dialect::Plan);
    QVERIFY(page.launchAction()->isEnabled());
    QVERIFY(!page.messageText().contains(QStringLiteral("no workflow API")));
}

// The page counts running workflows' time with its client's clock (the session's), never the
// wall clock: a ManualClock years from now moves the duration column only when advanced, and
// another target's client brings its own clock.
void TestWorkflowsPage::durationsFollowTheSessionClock()
{
    ManualClock clock(1'700'000'000'000);
    WorkflowClient client(&m_network, m_sim.url(), Dialect::Modular, {}, false);
    client.setClock(&clock);
    WorkflowsPage page(&client, QStringLiteral("sim (modular)"));
    Workflow running;
    running.id = QStringLiteral("wf_clock");
    running.type = QStringLiteral("job_posting");
    running.status = QStringLiteral("running");
    running.startedMs = clock.nowMs() - 5000;
    page.model()->upsert(running);
    const auto duration = [&] {
        return page.model()
            ->index(page.model()->rowOf(running.id), WorkflowListModel::DurationColumn)
            .data()
            .toString();
    };
    QCOMPARE(duration(), QStringLiteral("5.0 s"));

    QSignalSpy repainted(page.model(), &QAbstractItemModel::dataChanged);
    clock.advanceMs(60'000);
    QTRY_VERIFY(!repainted.isEmpty()); // the page's one-second tick
    QCOMPARE(duration(), QStringLiteral("1 min 05 s"));

    ManualClock otherClock(clock.nowMs() + 3'600'000);
    WorkflowClient other(&m_network, m_sim.url(), Dialect::Modular, {}, false);
    other.setClock(&otherClock);
    page.setClient(&other, QStringLiteral("another target"));
    page.model()->upsert(running);
    QCOMPARE(duration(), QStringLiteral("1 h 01 min"));
}

QTEST_MAIN(TestWorkflowsPage)
#include "TestWorkflowsPage.moc"
