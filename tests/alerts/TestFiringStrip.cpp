// What fires, always in sight (#19): the firing strip above the pages, the Alerts tab's badge,
// the page's header and the tray agree before and after an acknowledgement; an acknowledged
// alert that still fires stays in Firing with its badge; Acknowledge / Withdraw ack / Snooze are
// disabled until a row is selected; the ack dialog says why its button is disabled and
// Ctrl+Enter submits.
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertListModel.h"
#include "models/domain/Clock.h"
#include "ui/alerts/AlertTray.h"
#include "ui/alerts/AlertsPage.h"
#include "ui/alerts/FiringStrip.h"
#include "ui/shell/EmptyState.h"

#include <QApplication>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace ops;

class TestFiringStrip : public QObject {
    Q_OBJECT
private slots:
    void countsAgreeBeforeAndAfterAnAck();
    void actionsNeedASelection();
    void ackDialogSaysWhyAndCtrlEnterSubmits();

private:
    struct Rig {
        QTemporaryDir dir;
        ManualClock clock{QDateTime::currentMSecsSinceEpoch()};
        QNetworkAccessManager network;
        std::unique_ptr<AlertCenter> center;
        QTabWidget tabs;
        AlertsPage* page = nullptr;
        FiringStrip* strip = nullptr;
        std::unique_ptr<AlertTray> tray;

        Rig()
        {
            AlertCenterOptions options;
            options.databasePath = dir.filePath(QStringLiteral("alerts.sqlite"));
            options.desktopNotifications = false;
            center = std::make_unique<AlertCenter>(&clock, &network, options);
        }
        bool start()
        {
            if (!center->start())
                return false;
            page = new AlertsPage(center.get());
            tabs.addTab(new QWidget, QStringLiteral("&Overview"));
            tabs.addTab(page, QStringLiteral("&Alerts"));
            strip = new FiringStrip(center.get(), &tabs);
            strip->attachBadge(&tabs, page);
            tray = std::make_unique<AlertTray>(center.get(), &tabs);
            tabs.resize(1280, 700);
            tabs.show();
            tabs.setCurrentWidget(page);
            return true;
        }
        void feed(double latencySeconds)
        {
            clock.advanceMs(1000);
            EvaluationSample s;
            s.target = QStringLiteral("prod");
            s.timeMs = clock.nowMs();
            s.lastSuccessMs = s.timeMs;
            s.set(AlertSignals::AvgResponseTime, latencySeconds);
            s.set(AlertSignals::ErrorRate, 0.001);
            s.set(AlertSignals::RequestRate, 12);
            s.components.insert(QStringLiteral("database"), HealthState::Healthy);
            center->engine()->evaluate(s);
        }
        void fire()
        {
            for (int i = 0; i < 200 && center->engine()->counts().firing == 0; ++i)
                feed(2.5);
        }
        QString header() const
        {
            return page->findChild<QLabel*>(QStringLiteral("alertSummary"))->text();
        }
    };
};

void TestFiringStrip::countsAgreeBeforeAndAfterAnAck()
{
    Rig rig;
    QVERIFY(rig.start());
    // Nothing firing: said in words everywhere, the Firing table is not blank.
    for (int i = 0; i < 3; ++i)
        rig.feed(0.05);
    QVERIFY2(rig.strip->text().contains(QStringLiteral("All clear")),
             qPrintable(rig.strip->text()));
    QCOMPARE(rig.tabs.tabText(1), QStringLiteral("&Alerts"));
    QVERIFY(rig.tabs.tabIcon(1).isNull());
    QVERIFY2(rig.tray->toolTip().contains(QStringLiteral("no alert firing")),
             qPrintable(rig.tray->toolTip()));
    QCOMPARE(emptyTextShown(rig.page->firingView()), QStringLiteral("All clear: nothing firing."));

    rig.fire();
    QCOMPARE(rig.center->engine()->counts().firing, 1);
    const QString strip = rig.strip->text();
    QVERIFY2(strip.contains(QStringLiteral("1 critical firing")) &&
                 strip.contains(QStringLiteral("high_response_time on prod")),
             qPrintable(strip));
    QVERIFY2(!strip.contains(QStringLiteral("acknowledged")), qPrintable(strip));
    QCOMPARE(rig.tabs.tabText(1), QStringLiteral("&Alerts (1)"));
    QVERIFY(!rig.tabs.tabIcon(1).isNull());
    QVERIFY2(rig.tray->toolTip().contains(QStringLiteral("1 alert(s) firing")),
             qPrintable(rig.tray->toolTip()));
    QVERIFY2(rig.header().startsWith(QStringLiteral("<b>1</b> firing")), qPrintable(rig.header()));
    QCOMPARE(rig.page->lists()->tabText(0), QStringLiteral("Firing (1)"));
    QVERIFY(emptyTextShown(rig.page->firingView()).isEmpty());
    // The Value column carries its unit.
    auto* firing = rig.page->firingView()->model();
    const QString value = firing->index(0, AlertListModel::ValueColumn).data().toString();
    QVERIFY2(value.endsWith(QStringLiteral(" s")) || value.endsWith(QStringLiteral(" ms")),
             qPrintable(value));

    // Acknowledged while it still fires: still 1 firing everywhere, with the ack badge.
    QVERIFY(rig.center->engine()->acknowledge(
        {QStringLiteral("high_response_time"), QStringLiteral("prod")}, QStringLiteral("ana"),
        QStringLiteral("DB failover")));
    rig.feed(2.5);
    QVERIFY2(rig.strip->text().contains(QStringLiteral("1 critical firing")) &&
                 rig.strip->text().contains(QStringLiteral("(acknowledged by ana)")),
             qPrintable(rig.strip->text()));
    QCOMPARE(rig.tabs.tabText(1), QStringLiteral("&Alerts (1)"));
    QVERIFY2(rig.tray->toolTip().contains(QStringLiteral("1 alert(s) firing (1 acknowledged)")),
             qPrintable(rig.tray->toolTip()));
    QVERIFY2(rig.header().startsWith(QStringLiteral("<b>1</b> firing (1 acknowledged)")),
             qPrintable(rig.header()));
    QCOMPARE(rig.page->lists()->tabText(0), QStringLiteral("Firing (1)"));
    QCOMPARE(rig.page->lists()->tabText(2), QStringLiteral("Acknowledged (1)"));
    QCOMPARE(firing->rowCount(), 1);
    QVERIFY(firing->index(0, 0).data(AlertListModel::AcknowledgedRole).toBool());
    QVERIFY2(firing->index(0, AlertListModel::StateColumn).data().toString().contains("acked"),
             qPrintable(firing->index(0, AlertListModel::StateColumn).data().toString()));
    // No column collapsed after the ack: every header reads whole.
    QApplication::processEvents();
    QTableView* view = rig.page->firingView();
    for (int c = 0; c < firing->columnCount(); ++c) {
        const QString title = firing->headerData(c, Qt::Horizontal).toString();
        QVERIFY2(view->columnWidth(c) >= view->fontMetrics().horizontalAdvance(title),
                 qPrintable(title));
    }

    // Resolved: all clear again everywhere.
    for (int i = 0; i < 200 && rig.center->engine()->counts().firing > 0; ++i)
        rig.feed(0.05);
    QCOMPARE(rig.center->engine()->counts().firing, 0);
    QVERIFY2(rig.strip->text().contains(QStringLiteral("All clear")),
             qPrintable(rig.strip->text()));
    QCOMPARE(rig.tabs.tabText(1), QStringLiteral("&Alerts"));
    QVERIFY2(rig.tray->toolTip().contains(QStringLiteral("no alert firing")),
             qPrintable(rig.tray->toolTip()));
    QVERIFY2(rig.header().startsWith(QStringLiteral("<b>0</b> firing")), qPrintable(rig.header()));
}

void TestFiringStrip::actionsNeedASelection()
{
    Rig rig;
    QVERIFY(rig.start());
    rig.fire();
    QApplication::processEvents();
    QTableView* view = rig.page->firingView();
    QCOMPARE(view->model()->rowCount(), 1);
    // Nothing selected: nothing to act on.
    QVERIFY(!rig.page->acknowledgeButton()->isEnabled());
    QVERIFY(!rig.page->withdrawButton()->isEnabled());
    QVERIFY(!rig.page->snoozeButton()->isEnabled());
    QVERIFY(rig.page->acknowledgeButton()->toolTip().contains(QStringLiteral("Select")));
    view->selectRow(0);
    QVERIFY(rig.page->acknowledgeButton()->isEnabled());
    QVERIFY(!rig.page->withdrawButton()->isEnabled()); // no ack to withdraw
    QVERIFY(rig.page->snoozeButton()->isEnabled());
    QVERIFY(rig.center->engine()->acknowledge(
        {QStringLiteral("high_response_time"), QStringLiteral("prod")}, QStringLiteral("ana"),
        QStringLiteral("on it")));
    rig.feed(2.5);
    view->selectRow(0);
    QVERIFY(!rig.page->acknowledgeButton()->isEnabled()); // already acknowledged
    QVERIFY(rig.page->withdrawButton()->isEnabled());
    view->clearSelection();
    QVERIFY(!rig.page->withdrawButton()->isEnabled());
    QVERIFY(!rig.page->snoozeButton()->isEnabled());
}

void TestFiringStrip::ackDialogSaysWhyAndCtrlEnterSubmits()
{
    Rig rig;
    QVERIFY(rig.start());
    rig.fire();
    QApplication::processEvents();
    rig.page->firingView()->selectRow(0);
    bool checked = false;
    QString hintBefore;
    bool disabledBefore = false;
    QTimer::singleShot(200, this, [&] {
        auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        auto* ok = dialog->findChild<QPushButton*>(QStringLiteral("ackSubmit"));
        auto* hint = dialog->findChild<QLabel*>(QStringLiteral("ackHint"));
        auto* comment = dialog->findChild<QPlainTextEdit*>(QStringLiteral("ackComment"));
        disabledBefore = ok && !ok->isEnabled();
        hintBefore = hint ? hint->text() : QString();
        comment->setFocus();
        QTest::keyClicks(comment, QStringLiteral("restarting the DB"));
        checked = ok->isEnabled();
        QTest::keyClick(comment, Qt::Key_Return, Qt::ControlModifier);
        if (dialog->isVisible()) // not submitted: close it so the test ends
            dialog->reject();
    });
    rig.page->acknowledgeSelected();
    QVERIFY(disabledBefore);
    QVERIFY2(hintBefore.contains(QStringLiteral("Type a comment")), qPrintable(hintBefore));
    QVERIFY(checked);
    const auto alert =
        rig.center->engine()->alert({QStringLiteral("high_response_time"), QStringLiteral("prod")});
    QVERIFY(alert && alert->ack);
    QCOMPARE(alert->ack->comment, QStringLiteral("restarting the DB"));
    QCOMPARE(alert->ack->author, AlertEngine::defaultAuthor());
}

QTEST_MAIN(TestFiringStrip)
#include "TestFiringStrip.moc"
