// The main window and its dashboard, offscreen, watching the real simulator in each dialect.
#include "models/domain/Clock.h"
#include "models/itemmodels/EndpointTableModel.h"
#include "models/itemmodels/HealthTableModel.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/MetricTile.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/health/HealthPanel.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/StatePalette.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cmath>

using namespace ops;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("BHIV-test");
        QCoreApplication::setApplicationName("ui_main_window");
    }
    void showsTheSimulatorsComponents();
    void dashboardFollowsTheOperator();
    void saysWhatTheMonolithLacks();
    void showsStaleWhenTheGatewayGoesAway();
    void chartsGreyWhileStaleAndRecover();
    void workflowsTileSaysWhatTheGatewayLacks_data();
    void workflowsTileSaysWhatTheGatewayLacks();
    void remembersWindowPageAndTimeWindow();
    void outageLooksLikeOne();
    void fitsALaptop();

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
    Dashboard* dashboard = window.dashboard();
    TimeChart* latency = dashboard->chart(Dashboard::ChartId::ResponseTime);
    QTRY_VERIFY_WITH_TIMEOUT(latency->pointCount(0) >= 2, 8000);
    QVERIFY(window.findChild<QLabel*>("connectionBanner")->isHidden());
    // Tiles: response time with a value and colour level, the components tile names the state.
    MetricTile* rt = dashboard->tile(Dashboard::TileId::ResponseTime);
    QVERIFY2(rt->value().endsWith("ms"), qPrintable(rt->value()));
    QVERIFY(rt->level() != ThresholdLevel::Unknown);
    QVERIFY(rt->sparklinePoints() >= 2);
    QVERIFY(!dashboard->tile(Dashboard::TileId::Components)->value().isEmpty());
    QVERIFY(dashboard->tile(Dashboard::TileId::RequestRate)->value().contains("req/s"));
    // Thresholds fed from outside (the alert rules) recolour the tile.
    DashboardThresholds strict;
    strict.latencyAvgWarningSeconds = 1e-9;
    strict.latencyAvgCriticalSeconds = 2e-9;
    dashboard->setThresholds(strict);
    QCOMPARE(rt->level(), ThresholdLevel::Critical);
    // The plan dialect has no error counter: the error chart says so instead of staying empty.
    QTRY_VERIFY_WITH_TIMEOUT(
        dashboard->chart(Dashboard::ChartId::ErrorRate)->placeholder().contains("no error counter"),
        8000);
    // The health page lists when each component entered its state.
    QVERIFY(!model->index(0, HealthTableModel::SinceColumn).data().toString().isEmpty());
}

void TestMainWindow::dashboardFollowsTheOperator()
{
    test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "plan"}), qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 250;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, sim.url().toString());
    window.resize(1400, 900);
    window.show();
    poller.start();
    Dashboard* dashboard = window.dashboard();
    TimeChart* latency = dashboard->chart(Dashboard::ChartId::ResponseTime);
    QTRY_VERIFY_WITH_TIMEOUT(latency->pointCount(0) >= 3, 8000);
    // The plan dialect labels requests by endpoint (the modular /metrics is a JSON stub without
    // endpoints) and exports process memory; CPU where the gateway exports it, else said in words.
    QTRY_VERIFY_WITH_TIMEOUT(
        dashboard->chart(Dashboard::ChartId::Cpu)->pointCount(0) >= 1 ||
            dashboard->chart(Dashboard::ChartId::Cpu)->placeholder().contains("CPU"),
        8000);
    QVERIFY(dashboard->chart(Dashboard::ChartId::Memory)->placeholder().isEmpty());

    // Time window presets through their actions; the timeline follows.
    dashboard->presetActions().at(2)->trigger(); // 1 h
    QCOMPARE(dashboard->timeline()->spanMs(), 3600 * 1000LL);
    // Pause holds the window still while polls arrive.
    dashboard->pauseAction()->trigger();
    QVERIFY(!dashboard->timeline()->isLive());
    const qint64 end = dashboard->timeline()->endMs();
    const int polls = int(monitor.signalBoard().signalStore().scrapeCount());
    QTRY_VERIFY_WITH_TIMEOUT(monitor.signalBoard().signalStore().scrapeCount() > polls + 1, 5000);
    QCOMPARE(dashboard->timeline()->endMs(), end);
    dashboard->pauseAction()->trigger();
    QVERIFY(dashboard->timeline()->isLive());

    // The legend toggles a series.
    QVERIFY(latency->visibleSeries().contains("p99"));
    latency->setSeriesVisible(3, false);
    QVERIFY(!latency->visibleSeries().contains("p99"));
    QCOMPARE(latency->pointCount(3), 0);

    // Endpoints: the table fills, sorts by rate; selecting a row charts that endpoint.
    window.pages()->setCurrentWidget(dashboard->endpointsPage());
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->endpointModel()->rowCount() > 1, 8000);
    QAbstractItemModelTester tester(dashboard->endpointModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    TimeChart* endpointChart = dashboard->endpointTrafficCard()->chart();
    QVERIFY(!endpointChart->placeholder().isEmpty());
    const QString first =
        dashboard->endpointProxy()->index(0, 0).data(EndpointTableModel::EndpointRole).toString();
    dashboard->endpointView()->selectRow(0);
    QCOMPARE(dashboard->selectedEndpoint(), first);
    QVERIFY(endpointChart->placeholder().isEmpty());
    QVERIFY(endpointChart->title().contains(first));
    QTRY_VERIFY_WITH_TIMEOUT(endpointChart->pointCount(0) >= 1, 8000);
    // The selection survives polls.
    const int more = int(monitor.signalBoard().signalStore().scrapeCount()) + 2;
    QTRY_VERIFY_WITH_TIMEOUT(monitor.signalBoard().signalStore().scrapeCount() >= more, 5000);
    QCOMPARE(dashboard->selectedEndpoint(), first);
    // OPS_SCREENSHOT_DIR=dir: pictures of each page, light and dark, to look at.
    const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        QTest::qWait(4000);
        auto shoot = [&](const QString& name) {
            for (QWidget* page : {dashboard->overviewPage(), dashboard->endpointsPage(),
                                  static_cast<QWidget*>(dashboard->healthPanel())}) {
                window.pages()->setCurrentWidget(page);
                QTest::qWait(50);
                window.grab().save(shots + "/" + name + "-" + page->objectName() + ".png");
            }
        };
        shoot("light");
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
        dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::ToolTipBase, QColor(0x35, 0x35, 0x35));
        dark.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xe8));
        dark.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
        dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
        const QPalette light = QApplication::palette();
        QApplication::setPalette(dark);
        shoot("dark");
        QApplication::setPalette(light);
        window.pages()->setCurrentWidget(dashboard->endpointsPage());
    }
    // Tables for every chart.
    dashboard->setTablesShown(true);
    QVERIFY(dashboard->endpointTrafficCard()->isTableShown());
    QVERIFY(dashboard->card(Dashboard::ChartId::ResponseTime)->isTableShown());
    dashboard->setTablesShown(false);
}

void TestMainWindow::saysWhatTheMonolithLacks()
{
    test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "monolith"}), qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 250;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, sim.url().toString());
    window.show();
    poller.start();
    Dashboard* dashboard = window.dashboard();
    QTRY_VERIFY_WITH_TIMEOUT(
        dashboard->chart(Dashboard::ChartId::Workflows)->placeholder().contains("workflow"), 8000);
    QVERIFY2(dashboard->tile(Dashboard::TileId::ActiveWorkflows)->detail().contains("not exported"),
             qPrintable(dashboard->tile(Dashboard::TileId::ActiveWorkflows)->detail()));
    QVERIFY(dashboard->chart(Dashboard::ChartId::Cpu)->placeholder().contains("CPU") ||
            dashboard->chart(Dashboard::ChartId::Cpu)->pointCount(0) > 0);
    QVERIFY(dashboard->chart(Dashboard::ChartId::ResponseTime)->pointCount(0) > 0);
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
    // Tiles are greyed with their age.
    QTRY_VERIFY(window.dashboard()->tile(Dashboard::TileId::ResponseTime)->isStale());
}

void TestMainWindow::chartsGreyWhileStaleAndRecover()
{
    test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "plan"}), qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 250;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, sim.url().toString());
    window.show();
    poller.start();
    Dashboard* dashboard = window.dashboard();
    TimeChart* latency = dashboard->chart(Dashboard::ChartId::ResponseTime);
    QTRY_VERIFY_WITH_TIMEOUT(latency->pointCount(0) >= 2, 8000);
    QVERIFY(!latency->isStale());
    QCOMPARE(latency->drawnColor(0), TimeChart::seriesColor(0));

    // The gateway answers 503: the data goes stale, every chart greys with its age.
    QCOMPARE(sim.setFaults(R"({"force_status": 503})"), 200);
    QTRY_VERIFY_WITH_TIMEOUT(latency->isStale(), 8000);
    QVERIFY2(latency->staleNote().contains(QRegularExpression("stale — last data \\d+ s ago")),
             qPrintable(latency->staleNote()));
    QVERIFY(latency->drawnColor(0) != TimeChart::seriesColor(0));
    for (ChartCard* card : dashboard->allCards())
        QVERIFY2(card->chart()->isStale(), qPrintable(card->chart()->title()));
    QVERIFY(dashboard->tile(Dashboard::TileId::ResponseTime)->isStale());

    // Polls answer again: back to colour, no note.
    QCOMPARE(sim.clearFaults(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(!latency->isStale(), 8000);
    QVERIFY(latency->staleNote().isEmpty());
    QCOMPARE(latency->drawnColor(0), TimeChart::seriesColor(0));
    for (ChartCard* card : dashboard->allCards())
        QVERIFY(!card->chart()->isStale());
}

void TestMainWindow::workflowsTileSaysWhatTheGatewayLacks_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<bool>("hasActive");
    QTest::addColumn<bool>("hasRate");
    QTest::addColumn<QString>("detail"); // what the tile says (a part of it)
    QTest::newRow("plan: gauge only")
        << "plan" << true << false << "executions/min not exported by this gateway";
    QTest::newRow("modular: counter only")
        << "modular" << false << true << "active count not exported by this gateway";
    QTest::newRow("monolith: neither")
        << "monolith" << false << false << "not exported by this gateway";
}

// The same words on every dialect for what the gateway lacks, as on the other tiles.
void TestMainWindow::workflowsTileSaysWhatTheGatewayLacks()
{
    QFETCH(QString, dialect);
    QFETCH(bool, hasActive);
    QFETCH(bool, hasRate);
    QFETCH(QString, detail);
    test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", dialect}), qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 250;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, sim.url().toString());
    window.show();
    poller.start();
    Dashboard* dashboard = window.dashboard();
    MetricTile* tile = dashboard->tile(Dashboard::TileId::ActiveWorkflows);
    QTRY_VERIFY_WITH_TIMEOUT(monitor.signalBoard().signalStore().scrapeCount() >= 4, 8000);
    dashboard->refresh();
    const SignalBoard& board = monitor.signalBoard();
    QCOMPARE(std::isfinite(board.latest(SignalId::ActiveWorkflows)), hasActive);
    QCOMPARE(std::isfinite(board.latest(SignalId::WorkflowRate)), hasRate);
    QVERIFY2(tile->detail().contains(detail), qPrintable(tile->detail()));
    QVERIFY2(!tile->detail().contains("counter") && !tile->detail().contains("gauge"),
             qPrintable(tile->detail()));
    QCOMPARE(tile->value() == QStringLiteral("—"), !hasActive);
    if (hasRate)
        QVERIFY2(tile->detail().contains("executions/min"), qPrintable(tile->detail()));
    // The chart says it in a sentence: a note when one is missing, the placeholder when both.
    ChartCard* card = dashboard->card(Dashboard::ChartId::Workflows);
    if (!hasActive && !hasRate) {
        QVERIFY2(card->chart()->placeholder().startsWith("This gateway exports no workflow"),
                 qPrintable(card->chart()->placeholder()));
    } else if (!hasActive || !hasRate) {
        QVERIFY2(card->note().contains("This gateway exports no"), qPrintable(card->note()));
        QVERIFY(card->chart()->placeholder().isEmpty());
    }
}

void TestMainWindow::remembersWindowPageAndTimeWindow()
{
    QSettings().clear();
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = QUrl("http://127.0.0.1:9");
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    {
        MainWindow window(&monitor, "test");
        window.show();
        window.resize(900, 640);
        window.dashboard()->presetActions().at(3)->trigger(); // 6 h
        window.pages()->setCurrentWidget(window.dashboard()->endpointsPage());
        window.close();
    }
    MainWindow again(&monitor, "test");
    QCOMPARE(again.dashboard()->timeline()->presetMs(), 6 * 3600 * 1000LL);
    QTRY_COMPARE(again.pages()->currentWidget(), again.dashboard()->endpointsPage());
    QCOMPARE(again.width(), 900); // the height is at least what the dashboard needs
    QSettings().clear();
}

// #19: after the gateway stops, the tiles lead with the state and keep the last figure small,
// the overall health is unknown (never green), the charts mark where polling failed and their
// axis keeps moving to now.
void TestMainWindow::outageLooksLikeOne()
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
    window.show();
    poller.start();
    Dashboard* dashboard = window.dashboard();
    MetricTile* latency = dashboard->tile(Dashboard::TileId::ResponseTime);
    MetricTile* components = dashboard->tile(Dashboard::TileId::Components);
    QTRY_VERIFY_WITH_TIMEOUT(latency->value().contains(QRegularExpression("\\d (ms|s|µs)$")), 8000);
    QTRY_COMPARE_WITH_TIMEOUT(window.healthPanel()->overallState(), QStringLiteral("healthy"),
                              8000);
    QVERIFY(!latency->isOutage());
    TimeChart* chart = dashboard->chart(Dashboard::ChartId::ResponseTime);
    QCOMPARE(chart->outageSince(), 0);

    sim.stop();
    QTRY_COMPARE_WITH_TIMEOUT(window.connectionText(), QStringLiteral("unreachable"), 8000);
    window.refresh();
    QVERIFY(latency->isOutage());
    const QRegularExpression headline("^Unreachable for \\d+ s$");
    QVERIFY2(headline.match(latency->value()).hasMatch(), qPrintable(latency->value()));
    QVERIFY2(headline.match(components->value()).hasMatch(), qPrintable(components->value()));
    QVERIFY2(QRegularExpression("^last: [\\d.,]+ (ms|s|µs), \\d+ s ago$")
                 .match(latency->detail())
                 .hasMatch(),
             qPrintable(latency->detail()));
    QVERIFY2(components->detail().startsWith(QStringLiteral("last: Healthy, ")),
             qPrintable(components->detail()));
    // Never green from old data.
    QCOMPARE(window.healthPanel()->overallState(), QStringLiteral("unknown"));
    const QString overall = window.healthPanel()->overallText();
    QVERIFY2(overall.contains(QStringLiteral("<b>unknown</b>")), qPrintable(overall));
    QVERIFY2(!overall.contains(colorFor(HealthState::Healthy).name()), qPrintable(overall));
    // The banner says it plainly, in a solid band.
    auto* banner = window.findChild<QLabel*>("connectionBanner");
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QStringLiteral("Unreachable for")),
             qPrintable(banner->text()));
    QCOMPARE(banner->palette().color(QPalette::Window).alpha(), 255);
    // The charts mark the failure; the axis moves on to now, past the last sample.
    const qint64 since = chart->outageSince();
    QVERIFY(since > 0);
    for (ChartCard* card : dashboard->allCards())
        QCOMPARE(card->chart()->outageSince(), since);
    const qint64 lastSample = monitor.signalBoard().signalStore().latestTime();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->timeline()->latestMs() > lastSample + 2000, 5000);
    QVERIFY(dashboard->timeline()->latestMs() <= clock.nowMs());
}

// #19: a laptop screen: the window asks for no more than 1280x700, the Overview scrolls, the
// status bar (the connection state) stays on screen.
void TestMainWindow::fitsALaptop()
{
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    MainWindow window(&monitor, QStringLiteral("laptop"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
    QVERIFY2(minimum.width() <= 1280 && minimum.height() <= 700,
             qPrintable(QStringLiteral("%1x%2").arg(minimum.width()).arg(minimum.height())));
    window.resize(1280, 700);
    QApplication::processEvents();
    QCOMPARE(window.height(), 700);
    QVERIFY(window.statusBar()->geometry().bottom() < window.height());
    auto* scroll = window.dashboard()->overviewPage()->findChild<QScrollArea*>("overviewScroll");
    QVERIFY(scroll);
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
