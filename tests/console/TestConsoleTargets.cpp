// The windowed console's composition root over two saved targets, each a real simulator: every
// target's alerts are evaluated (not only the one on screen), choosing the other target moves
// the Workflows page to its gateway with its read-only flag, and a target's metric-name
// overrides reach its signals; a damaged database at start is set aside and reported.
#include "app/console/ConsoleApplication.h"
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/audit/AuditLog.h"
#include "models/fleet/Fleet.h"
#include "models/metrics/SignalEngine.h"
#include "models/monitor/TargetMonitor.h"
#include "models/targets/TargetStore.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/TargetsDialog.h"
#include "ui/workflows/WorkflowsPage.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTest>

using namespace ops;

class TestConsoleTargets : public QObject {
    Q_OBJECT

private:
    test::SimulatorProcess m_plan;
    test::SimulatorProcess m_modular;

    static bool targetEvaluated(const AlertCenter* alerts, const QString& target)
    {
        for (const AlertStatus& status : alerts->engine()->alerts()) {
            if (status.key.target == target)
                return true;
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_plan.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_plan.error()));
        QVERIFY2(m_modular.start({QStringLiteral("--dialect"), QStringLiteral("modular")}),
                 qPrintable(m_modular.error()));
        TargetStore store;
        QFile::remove(store.path());
        QString error;
        QVERIFY2(store.load(&error), qPrintable(error));
        Target alpha;
        alpha.name = QStringLiteral("alpha");
        alpha.baseUrl = m_plan.url();
        alpha.intervalMs = 1000;
        alpha.metricMapping.insert(QStringLiteral("memory"),
                                   QStringLiteral("process_virtual_memory_bytes"));
        Target beta;
        beta.name = QStringLiteral("beta");
        beta.baseUrl = m_modular.url();
        beta.intervalMs = 1000;
        beta.readOnly = true;
        QVERIFY2(store.upsert(alpha, &error), qPrintable(error));
        QVERIFY2(store.upsert(beta, &error), qPrintable(error));
        store.setLastWatched(QStringLiteral("alpha"));
        QVERIFY2(store.save(&error), qPrintable(error));
    }

    void everyTargetWatchedAndFollowed()
    {
        ConsoleOptions options;
        options.page = QStringLiteral("workflows");
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        Fleet* targets = console.fleet();
        QVERIFY(targets);
        QCOMPARE(targets->current()->name(), QStringLiteral("alpha"));

        // Alerts: both targets are evaluated while only alpha is on screen.
        AlertCenter* alerts = console.alertCenter();
        QCOMPARE(alerts->watchedTargets().size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(targetEvaluated(alerts, QStringLiteral("alpha")), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(targetEvaluated(alerts, QStringLiteral("beta")), 15000);

        // The metric-name override of alpha: memory is its virtual size, not the resident one.
        TargetMonitor* alphaMonitor = targets->sessionNamed(QStringLiteral("alpha"))->monitor();
        QVERIFY(alphaMonitor);
        QTRY_VERIFY_WITH_TIMEOUT(alphaMonitor->signalEngine().dialect() == Dialect::Plan, 10000);
        QCOMPARE(alphaMonitor->signalEngine().mapping().memoryGauge,
                 std::string("process_virtual_memory_bytes"));
        TargetMonitor* betaMonitor = targets->sessionNamed(QStringLiteral("beta"))->monitor();
        QVERIFY(betaMonitor);
        QTRY_VERIFY_WITH_TIMEOUT(betaMonitor->signalEngine().dialect() == Dialect::Modular, 10000);
        // beta has no override: its own dialect's mapping (the modular JSON stub here).
        QCOMPARE(betaMonitor->signalEngine().mapping().memoryGauge,
                 MetricsMapping::forModularJsonStub().memoryGauge);

        // Workflows: alpha (writable, plan dialect) first...
        WorkflowsPage* page = console.workflowsPage();
        QVERIFY(page);
        QCOMPARE(page->client()->baseUrl(), m_plan.url());
        QVERIFY(!page->client()->isReadOnly());
        QTRY_COMPARE_WITH_TIMEOUT(page->client()->dialect(), Dialect::Plan, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(page->launchAction()->isEnabled(), 10000);

        // ...then beta: its gateway, its dialect, read-only, so no launch.
        QVERIFY(targets->setCurrent(targets->sessionNamed(QStringLiteral("beta"))->id()));
        QCOMPARE(targets->current()->name(), QStringLiteral("beta"));
        QCOMPARE(page->client()->baseUrl(), m_modular.url());
        QCOMPARE(page->client()->targetName(), QStringLiteral("beta"));
        QVERIFY(page->client()->isReadOnly());
        QTRY_COMPARE_WITH_TIMEOUT(page->client()->dialect(), Dialect::Modular, 10000);
        QVERIFY(!page->launchAction()->isEnabled());

        // And back: alpha's client again, writable.
        QVERIFY(targets->setCurrent(targets->sessionNamed(QStringLiteral("alpha"))->id()));
        QCOMPARE(page->client()->baseUrl(), m_plan.url());
        QVERIFY(!page->client()->isReadOnly());
        QTRY_VERIFY_WITH_TIMEOUT(page->launchAction()->isEnabled(), 10000);
    }

    // #19.8: File > Targets… works with --url too: the saved targets join the fleet (so one
    // saved in the dialog can be switched to) while the URL stays the one watched.
    void targetsDialogReachableWithUrl()
    {
        ConsoleOptions options;
        options.url = m_plan.url();
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        Fleet* targets = console.fleet();
        QVERIFY(!targets->store());
        const QString watched = targets->current()->id();
        auto* action = console.window()->findChild<QAction*>(QStringLiteral("targetsAction"));
        QVERIFY(action);
        QVERIFY(action->isEnabled());
        // Every File entry the window offers does something (they were left disabled, unwired).
        QVERIFY(console.window()->rulesAction()->isEnabled());
        QVERIFY(console.window()->exportAction()->isEnabled());
        action->trigger();
        TargetsDialog* dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (dialog = console.window()->findChild<TargetsDialog*>()) && dialog->isVisible(), 5000);
        QVERIFY(targets->store());
        QVERIFY(targets->sessionNamed(QStringLiteral("alpha")));
        QVERIFY(targets->sessionNamed(QStringLiteral("beta")));
        QCOMPARE(targets->current()->id(), watched);
        dialog->close();
    }

    // A damaged audit database at start: set aside, a fresh one used, and the operator told.
    void damagedDatabaseSetAsideAndReported()
    {
        const QString path = AuditLog::defaultPath();
        QDir().mkpath(QFileInfo(path).absolutePath());
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(path + suffix);
        {
            QFile damaged(path);
            QVERIFY(damaged.open(QIODevice::WriteOnly));
            damaged.write(QByteArray("not a database at all ").repeated(400));
        }
        ConsoleOptions options;
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        QMessageBox* notice = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (notice = console.window()->findChild<QMessageBox*>(QStringLiteral("recoveryNotice"))),
            5000);
        QTRY_VERIFY(notice->isVisible());
        QVERIFY2(notice->informativeText().contains(QStringLiteral("set aside")),
                 qPrintable(notice->informativeText()));
        const QStringList aside =
            QDir(QFileInfo(path).absolutePath())
                .entryList({QFileInfo(path).fileName() + QStringLiteral(".corrupt-*")});
        QVERIFY2(!aside.isEmpty(), "the damaged file was not kept aside");
        // The fresh database works: the audit log of this run is open.
        AuditLog reopened(path);
        QVERIFY2(reopened.open(), qPrintable(reopened.errorString()));
    }
};

QTEST_MAIN(TestConsoleTargets)
#include "TestConsoleTargets.moc"
