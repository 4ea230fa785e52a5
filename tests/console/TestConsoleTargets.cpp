// The windowed console's composition root over two saved targets, each a real simulator: every
// target's alerts are evaluated (not only the one on screen), choosing the other target moves
// the Workflows page to its gateway with its read-only flag, and a target's metric-name
// overrides reach its signals; a damaged database at start is set aside and reported.
#include "app/console/ConsoleApplication.h"
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/audit/AuditLog.h"
#include "models/fleet/Fleet.h"
#include "models/history/HistoryPaths.h"
#include "models/metrics/SignalBoard.h"
#include "models/monitor/TargetMonitor.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"
#include "models/targets/TargetStore.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/TargetsDialog.h"
#include "ui/targets/TargetsPanel.h"
#include "ui/workflows/WorkflowsPage.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

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
        // No history from an earlier run of the suite on the charts.
        QDir(ops::defaultHistoryRoot()).removeRecursively();
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
        QTRY_VERIFY_WITH_TIMEOUT(alphaMonitor->signalBoard().dialect() == Dialect::Plan, 10000);
        QCOMPARE(alphaMonitor->signalBoard().mapping().memoryGauge,
                 std::string("process_virtual_memory_bytes"));
        TargetMonitor* betaMonitor = targets->sessionNamed(QStringLiteral("beta"))->monitor();
        QVERIFY(betaMonitor);
        QTRY_VERIFY_WITH_TIMEOUT(betaMonitor->signalBoard().dialect() == Dialect::Modular, 10000);
        // beta has no override: its own dialect's mapping (the modular JSON stub here).
        QCOMPARE(betaMonitor->signalBoard().mapping().memoryGauge,
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

    // Two writers, one targets file (#17.7): a target another bhiv-ops (the CLI) adds while
    // the window runs survives the window's next write (switching the watched target).
    void targetAddedMeanwhileSurvivesTheWindow()
    {
        ConsoleOptions options;
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        Fleet* fleet = console.fleet();
        QVERIFY(fleet);

        TargetStore cli; // what `bhiv-ops targets add gamma` does, in another process
        QString error;
        QVERIFY2(cli.update(
                     [this](TargetStore& store, QString* why) {
                         Target gamma;
                         gamma.name = QStringLiteral("gamma");
                         gamma.baseUrl = m_plan.url();
                         return store.upsert(gamma, why);
                     },
                     &error),
                 qPrintable(error));

        QVERIFY(fleet->setCurrent(fleet->sessionNamed(QStringLiteral("beta"))->id()));
        QVERIFY(fleet->setCurrent(fleet->sessionNamed(QStringLiteral("alpha"))->id()));
        TargetStore reread;
        QVERIFY2(reread.load(&error), qPrintable(error));
        QVERIFY2(reread.find(QStringLiteral("gamma")).has_value(),
                 qPrintable(reread.names().join(u',')));
        QCOMPARE(reread.lastWatched(), QStringLiteral("alpha"));
        // The window's store followed the file: gamma has a session now.
        QVERIFY(fleet->sessionNamed(QStringLiteral("gamma")));
        QVERIFY(reread.update(
            [](TargetStore& store, QString*) { return store.remove(QStringLiteral("gamma")); },
            &error));
    }

    // A target edited to point elsewhere (#17.3): its key, entered for the old address, is not
    // sent; the notice strip says so until the operator confirms the new address.
    void movedKeyWithheldUntilConfirmed()
    {
        ConsoleOptions options;
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        Fleet* fleet = console.fleet();
        ChainedSecretStore* secrets = fleet->context().secrets;
        QVERIFY(secrets && secrets->boundSession());
        TargetSession* alpha = fleet->sessionNamed(QStringLiteral("alpha"));
        QVERIFY(fleet->setCurrent(alpha->id()));
        const QString key = secretKeyGatewayApiKey(QStringLiteral("alpha"));
        bool written = false;
        secrets->writeSession(key, "alpha-session-key", [&](const SecretResult& r) {
            QVERIFY(r.ok());
            written = true;
        });
        QTRY_VERIFY(written);
        alpha->reloadSecrets();
        QTRY_VERIFY(console.targetsPanel()->noticeText().isEmpty() ||
                    !console.targetsPanel()->noticeText().contains(QStringLiteral("Not sent")));

        // Edited (as the dialog or an import would): alpha now points at the modular gateway.
        QString error;
        const QUrl before = alpha->target().baseUrl;
        QVERIFY2(fleet->store()->update(
                     [this](TargetStore& store, QString* why) {
                         auto t = store.find(QStringLiteral("alpha"));
                         t->baseUrl = m_modular.url();
                         return store.upsert(*t, why);
                     },
                     &error),
                 qPrintable(error));
        QCOMPARE(alpha->target().baseUrl, m_modular.url());
        QTRY_COMPARE_WITH_TIMEOUT(alpha->movedSecrets().size(), 1, 10000);
        QVERIFY2(alpha->movedSecrets().first().contains(originOf(before)) &&
                     alpha->movedSecrets().first().contains(originOf(m_modular.url())),
                 qPrintable(alpha->movedSecrets().first()));
        QTRY_VERIFY_WITH_TIMEOUT(
            console.targetsPanel()->noticeText().contains(QStringLiteral("Not sent")), 10000);
        SecretResult read;
        bool answered = false;
        alpha->readSecret(key, [&](const SecretResult& r) {
            read = r;
            answered = true;
        });
        QTRY_VERIFY(answered);
        QCOMPARE(read.error, SecretError::OriginChanged);
        QVERIFY(read.value.isEmpty());

        // Review… in the notice strip: "Don't send" (the default) keeps it withheld; "Send to
        // the new address" confirms it in both layers and the notice goes.
        QPushButton* review = nullptr;
        for (QPushButton* button : console.window()->findChildren<QPushButton*>()) {
            if (button->isVisible() && button->text() == QStringLiteral("Review…"))
                review = button;
        }
        QVERIFY(review);
        const auto answer = [](const QString& buttonText, QString* shown) {
            QTimer::singleShot(0, [buttonText, shown] {
                QMessageBox* box = nullptr;
                for (QWidget* w : QApplication::topLevelWidgets()) {
                    if (w->objectName() == QStringLiteral("confirmSecretOrigins") && w->isVisible())
                        box = qobject_cast<QMessageBox*>(w);
                }
                if (!box)
                    return;
                *shown = box->text();
                if (!qEnvironmentVariableIsEmpty("OPS_SHOT_DIR"))
                    box->grab().save(qEnvironmentVariable("OPS_SHOT_DIR") +
                                     QStringLiteral("/confirm-secret-origins.png"));
                for (QAbstractButton* b : box->buttons()) {
                    if (b->text() == buttonText)
                        b->click();
                }
            });
        };
        QString shown;
        answer(QStringLiteral("Don't send"), &shown);
        review->click();
        QVERIFY2(shown.contains(originOf(before)) && shown.contains(originOf(m_modular.url())),
                 qPrintable(shown));
        QTest::qWait(200);
        QCOMPARE(alpha->movedSecrets().size(), 1);
        shown.clear();
        answer(QStringLiteral("Send to the new address"), &shown);
        review->click();
        QVERIFY(!shown.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(alpha->movedSecrets().isEmpty(), 10000);
        QTRY_VERIFY(!console.targetsPanel()->noticeText().contains(QStringLiteral("Not sent")));
        answered = false;
        alpha->readSecret(key, [&](const SecretResult& r) {
            read = r;
            answered = true;
        });
        QTRY_VERIFY(answered);
        QCOMPARE(read.value, QByteArray("alpha-session-key"));

        // Put back for the other cases.
        QVERIFY(fleet->store()->update(
            [&before](TargetStore& store, QString* why) {
                auto t = store.find(QStringLiteral("alpha"));
                t->baseUrl = before;
                return store.upsert(*t, why);
            },
            &error));
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
