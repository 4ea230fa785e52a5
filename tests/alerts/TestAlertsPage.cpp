// The Alerts page and the rules editor: lists follow the engine, acknowledge from the page, the
// editor's form edits the selected rule and refuses bad ones. With OPS_SCREENSHOT_DIR set, saves
// both as PNGs (scripts look at them).
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertHistoryModel.h"
#include "models/alerts/AlertRulesModel.h"
#include "models/domain/Clock.h"
#include "ui/alerts/AlertRulesDialog.h"
#include "ui/alerts/AlertsPage.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestAlertsPage : public QObject {
    Q_OBJECT
private slots:
    void pageListsAndCounts();
    void rulesEditorEditsAndValidates();

private:
    void feed(AlertEngine* engine, ManualClock& clock, double latency, double errors)
    {
        clock.advanceMs(1000);
        EvaluationSample s;
        s.target = QStringLiteral("production");
        s.timeMs = clock.nowMs();
        s.lastSuccessMs = s.timeMs;
        s.set(AlertSignals::AvgResponseTime, latency);
        s.set(AlertSignals::ErrorRate, errors);
        s.set(AlertSignals::RequestRate, 12);
        s.components.insert(QStringLiteral("database"), HealthState::Healthy);
        engine->evaluate(s);
    }
    static void save(QWidget* widget, const char* name)
    {
        const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            QVERIFY(widget->grab().save(dir + u'/' + QLatin1String(name)));
    }
};

void TestAlertsPage::pageListsAndCounts()
{
    QTemporaryDir dir;
    ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    QNetworkAccessManager network;
    AlertCenterOptions options;
    options.databasePath = dir.filePath(QStringLiteral("alerts.sqlite"));
    options.desktopNotifications = false;
    AlertCenter center(&clock, &network, options);
    QVERIFY(center.start());
    AlertsPage page(&center);
    page.resize(1300, 760);
    page.show();
    for (int i = 0; i < 80; ++i)
        feed(center.engine(), clock, i < 10 ? 0.3 : 1.6, i < 20 ? 0.01 : 0.09);
    QVERIFY(center.engine()->acknowledge(
        {QStringLiteral("high_response_time"), QStringLiteral("production")}, QStringLiteral("ana"),
        QStringLiteral("DB failover"), clock.nowMs() + 2 * 3'600'000));
    for (int i = 0; i < 3; ++i)
        feed(center.engine(), clock, 1.6, 0.09);
    // #19: an acknowledged alert that still fires stays in Firing (with its ack badge).
    QCOMPARE(page.lists()->tabText(0), QStringLiteral("Firing (2)"));
    QCOMPARE(page.lists()->tabText(2), QStringLiteral("Acknowledged (1)"));
    page.lists()->setCurrentIndex(0);
    QVERIFY(page.historyModel()->rowCount() >= 5);
    QApplication::processEvents();
    save(&page, "alerts-page.png");
    page.lists()->setCurrentIndex(2);
    save(&page, "alerts-page-acknowledged.png");
}

void TestAlertsPage::rulesEditorEditsAndValidates()
{
    AlertRulesDialog dialog(defaultAlertRules());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.table()->selectRow(0);
    auto* threshold = dialog.findChildren<QDoubleSpinBox*>().first();
    threshold->setValue(1.5);
    QCOMPARE(dialog.rules().first().threshold, 1.5);
    QApplication::processEvents();
    save(&dialog, "alert-rules-editor.png");
    auto* name = dialog.findChildren<QLineEdit*>().first();
    name->setText(QStringLiteral("high error rate"));
    emit name->textEdited(name->text());
    auto* problem = dialog.findChild<QLabel*>(QStringLiteral("rulesProblem"));
    QVERIFY2(problem->text().contains(QStringLiteral("no spaces")), qPrintable(problem->text()));
    name->setText(QStringLiteral("high_error_rate"));
    emit name->textEdited(name->text());
    QVERIFY2(problem->text().contains(QStringLiteral("Two rules")), qPrintable(problem->text()));
    name->setText(QStringLiteral("slow_gateway"));
    emit name->textEdited(name->text());
    QVERIFY(problem->text().isEmpty());
    QCOMPARE(dialog.rules().first().name, QStringLiteral("slow_gateway"));
}

QTEST_MAIN(TestAlertsPage)
#include "TestAlertsPage.moc"
