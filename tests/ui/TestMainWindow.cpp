// The main window, offscreen, watching the real simulator.
#include "HealthPanel.h"
#include "MainWindow.h"
#include "ResponseTimeChart.h"
#include "SimulatorProcess.h"
#include "domain/Clock.h"
#include "itemmodels/HealthTableModel.h"
#include "monitor/TargetMonitor.h"
#include "net/Poller.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QTableView>
#include <QTest>

using namespace ops;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void showsTheSimulatorsComponents();
    void showsStaleWhenTheGatewayGoesAway();

private:
    static QStringList componentNames(const HealthTableModel* model)
    {
        QStringList names;
        for (int row = 0; row < model->rowCount(); ++row)
            names << model->index(row, HealthTableModel::ComponentColumn).data().toString();
        return names;
    }
};

void TestMainWindow::showsTheSimulatorsComponents()
{
    test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "plan"}), qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 300;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, sim.url().toString());
    QAbstractItemModelTester tester(window.healthPanel()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.show();
    poller.start();

    const HealthTableModel* model = window.healthPanel()->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, 8000);
    const QStringList names = componentNames(model);
    QVERIFY(names.contains("database"));
    QVERIFY(names.contains("external_services"));
    QCOMPARE(window.connectionText(), QStringLiteral("up"));
    QCOMPARE(window.dialectText(), QStringLiteral("plan"));
    auto* state = window.findChild<QLabel*>("connectionState");
    QVERIFY(state && state->text().contains("up"));
    // The chart fills once two scrapes give a Δsum/Δcount.
    QTRY_VERIFY_WITH_TIMEOUT(window.responseTimeChart()->pointCount() >= 2, 8000);
    QVERIFY(window.findChild<QLabel*>("connectionBanner")->isHidden());
}

void TestMainWindow::showsStaleWhenTheGatewayGoesAway()
{
    test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "modular"}), qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 300;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, sim.url().toString());
    window.show();
    poller.start();
    QTRY_COMPARE_WITH_TIMEOUT(window.healthPanel()->model()->rowCount(), 5, 8000);
    sim.stop();
    QTRY_COMPARE_WITH_TIMEOUT(window.connectionText(), QStringLiteral("unreachable"), 8000);
    auto* banner = window.findChild<QLabel*>("connectionBanner");
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains("stale"), qPrintable(banner->text()));
    // The last known components stay listed, flagged stale.
    const QModelIndex first = window.healthPanel()->model()->index(0, 0);
    QVERIFY(first.data(HealthTableModel::StaleRole).toBool());
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
