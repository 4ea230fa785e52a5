// #21, the window: poll, quit, restart with the gateway stopped. The old points are on the
// charts as stale data, with the "console not running" gap between the runs, before and after
// the new run's polls fail. The real console wiring, the real simulator, real files.
#include "app/console/ConsoleApplication.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"
#include "models/itemmodels/EndpointTableModel.h"
#include "models/monitor/TargetMonitor.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/shell/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QLabel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ops;

class TestHistoryRestart : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // The console watching the simulator at 1 s polls, its history in its own folder.
    ConsoleOptions watching(const test::SimulatorProcess& sim, const QString& historyFolder) const
    {
        ConsoleOptions options;
        options.url = sim.url();
        options.intervalMs = 1000;
        options.historyRoot = m_dir.filePath(historyFolder);
        return options;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void restartWithTheGatewayStoppedShowsTheOldPointsAsStale()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(sim.error()));
        ConsoleOptions options;
        options.url = sim.url();
        options.intervalMs = 300;
        options.historyRoot = m_dir.filePath(QStringLiteral("history"));

        qint64 lastPoint = 0;
        int firstRunPoints = 0;
        {
            ConsoleApplication console(options);
            QVERIFY2(console.start(), qPrintable(console.errorString()));
            TimeChart* rate = console.window()->dashboard()->chart(Dashboard::ChartId::RequestRate);
            QVERIFY(rate);
            TargetMonitor* monitor = console.fleet()->current()->monitor();
            QTRY_VERIFY_WITH_TIMEOUT(monitor->signalBoard().signalStore().scrapeCount() >= 5,
                                     20000);
            QVERIFY(rate->notRunningSpans().empty());
            QVERIFY(!rate->isStale());
            lastPoint = monitor->signalBoard().signalStore().latestTime();
            firstRunPoints = int(monitor->signalBoard().signalStore().scrapeCount());
        } // quit: the history is flushed and closed
        sim.stop();

        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        MainWindow* window = console.window();
        window->resize(1280, 720);
        TargetSession* session = console.fleet()->current();
        auto* history = session->capability<TargetHistory>();
        QVERIFY(history);
        QVERIFY(history->restoredScrapes() >= firstRunPoints);
        QVERIFY(history->restoredScrapes() <= firstRunPoints + 1); // a scrape in flight at quit
        TimeChart* rate = window->dashboard()->chart(Dashboard::ChartId::RequestRate);
        TimeChart* latency = window->dashboard()->chart(Dashboard::ChartId::ResponseTime);

        // Before any poll of this run: the old points, grey, "from history", and the gap.
        QTRY_VERIFY_WITH_TIMEOUT(rate->totalPointCount() > 0, 5000);
        QVERIFY(latency->totalPointCount() > 0);
        for (TimeChart* chart : {rate, latency}) {
            QCOMPARE(chart->notRunningSpans().size(), std::size_t(1));
            QVERIFY(chart->notRunningSpans().front().first >= lastPoint);
            QVERIFY(chart->isStale());
            QVERIFY2(chart->staleNote().contains(QStringLiteral("from history")),
                     qPrintable(chart->staleNote()));
        }

        // The gateway does not answer: still the old points, stale, with the gap and now the
        // outage marker; the status line says where the history ends.
        QTRY_VERIFY_WITH_TIMEOUT(rate->outageSince() > 0, 15000);
        QVERIFY(rate->totalPointCount() > 0);
        QVERIFY(rate->isStale());
        QCOMPARE(rate->notRunningSpans().size(), std::size_t(1));
        QVERIFY(rate->outageSince() > rate->notRunningSpans().front().second - 1);
        // The line is not drawn across the gap: the points after it (none yet) would start a
        // second piece; the old ones are one.
        QCOMPARE(rate->drawnPieces(0), 1);
        QVERIFY(window->historyNotice().isEmpty()); // nothing wrong with the history itself

        const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            window->show();
            QTest::qWait(300);
            QVERIFY(window->grab().save(shots + QStringLiteral("/history-restart.png")));
        }
    }

    // 7 d and 30 d: the overview charts draw the rollups from disk with their min–max band;
    // back at 24 h they read memory again.
    void longWindowsDrawRollupsWithTheirBand()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(sim.error()));
        const ConsoleOptions options = watching(sim, QStringLiteral("long"));
        const QString folder = historyFolderFor(options.historyRoot,
                                                QStringLiteral("unsaved/") + sim.url().toString());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 start = (now - 5 * 24 * 3'600'000LL) / 60'000 * 60'000;
        {
            ManualClock clock(start);
            HistoryStore store(folder, &clock);
            QVERIFY(store.open());
            for (qint64 t = start; t < now - 3'600'000; t += 20'000) {
                clock.setMs(t);
                const double phase = double(t - start) / 86'400'000.0 * 6.283;
                store.append({"target",
                              t,
                              {{"bhiv_request_rate", 20 + 10 * std::sin(phase) + (t / 20'000) % 3},
                               {"bhiv_latency_avg", 0.05 + 0.02 * std::cos(phase)}}});
            }
            store.flush();
        }

        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        MainWindow* window = console.window();
        window->resize(1280, 720);
        Dashboard* dashboard = window->dashboard();
        TimeChart* rate = dashboard->chart(Dashboard::ChartId::RequestRate);
        QVERIFY(!dashboard->chartsOnRollups());
        QCOMPARE(dashboard->presetActions().size(), 7);
        QCOMPARE(dashboard->presetActions().at(5)->text(), QStringLiteral("7 d"));
        QCOMPARE(dashboard->presetActions().at(6)->text(), QStringLiteral("30 d"));

        dashboard->presetActions().at(5)->trigger(); // 7 d
        QVERIFY(dashboard->chartsOnRollups());
        QVERIFY(rate->hasBand(0));
        QTRY_VERIFY_WITH_TIMEOUT(rate->pointCount(0) > 100, 5000);
        // The band spans what the minutes spanned: the rate's (t / 20 s) % 3 wobble.
        QStringList status;
        for (QLabel* label : window->findChildren<QLabel*>())
            status << label->text();
        QVERIFY2(status.join(u' ').contains(QStringLiteral("1-minute averages")),
                 qPrintable(status.join(u'|')));

        const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            window->show();
            QTest::qWait(300);
            QVERIFY(window->grab().save(shots + QStringLiteral("/history-7d.png")));
        }

        dashboard->presetActions().at(6)->trigger(); // 30 d
        QVERIFY(dashboard->chartsOnRollups());
        dashboard->presetActions().at(4)->trigger(); // 24 h: memory
        QVERIFY(!dashboard->chartsOnRollups());
        QVERIFY(!rate->hasBand(0));
    }

    // After a restart memory holds the endpoints' last 15 minutes; the endpoint charted on the
    // Endpoints page draws its day from disk (its older hours one point a minute).
    void selectedEndpointChartsItsDayFromDisk()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(sim.error()));
        const ConsoleOptions options = watching(sim, QStringLiteral("endpoint-day"));
        const QString folder = historyFolderFor(options.historyRoot,
                                                QStringLiteral("unsaved/") + sim.url().toString());
        const QString endpoint = QStringLiteral("/v1/restored");
        const std::string rate = TargetHistory::endpointSeriesName(0, endpoint.toStdString());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 start = (now - 5 * 3'600'000LL) / 60'000 * 60'000;
        {
            ManualClock clock(start);
            HistoryStore store(folder, &clock);
            QVERIFY(store.open());
            for (qint64 t = start; t < now - 10'000; t += 10'000) {
                clock.setMs(t);
                store.append({"target", t, {{"bhiv_request_rate", 20.0}}});
                store.append({"endpoints", t, {{rate, double((t - start) / 60'000 % 7)}}});
            }
            store.flush();
        }

        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        Dashboard* dashboard = console.window()->dashboard();
        auto* history = console.fleet()->current()->capability<TargetHistory>();
        QVERIFY(history);
        QVERIFY(history->restoredScrapes() > 1000);
        QTRY_VERIFY_WITH_TIMEOUT(dashboard->endpointModel()->rowOf(endpoint) >= 0, 5000);
        QVERIFY(!history->endpointDayStore());
        dashboard->presetActions().at(4)->trigger(); // 24 h
        dashboard->selectEndpoint(endpoint);
        QCOMPARE(history->focusedEndpoint(), endpoint);
        QVERIFY(history->endpointDayStore());
        QVERIFY(dashboard->endpointChartsOnDay());
        TimeChart* traffic = dashboard->endpointTrafficCard()->chart();
        QCOMPARE(traffic->store(), history->endpointDayStore());
        // Its hours before the last one: one point a minute, each the minute's value.
        std::vector<StorePoint> points;
        history->endpointDayStore()->points(history->endpointDaySeries(EndpointSignal::RequestRate),
                                            start, now - TargetHistory::kEndpointDayRawMs - 60'000,
                                            points);
        QVERIFY2(points.size() > 200, qPrintable(QString::number(points.size())));
        for (const StorePoint& p : points) {
            QCOMPARE((p.t - start) % 60'000, qint64(30'000));
            QCOMPARE(p.v, double((p.t - start) / 60'000 % 7));
        }
        // The chart draws them (decimated to its width).
        QTRY_VERIFY_WITH_TIMEOUT(traffic->pointCount(0) > 0, 5000);
        const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            MainWindow* window = console.window();
            window->resize(1280, 720);
            window->show();
            QTest::qWait(200);
            window->pages()->setCurrentWidget(dashboard->endpointsPage());
            QTest::qWait(500);
            QVERIFY(window->grab().save(shots + QStringLiteral("/history-endpoint-day.png")));
        }

        // Another endpoint (none here): back to memory.
        dashboard->selectEndpoint(QString());
        QVERIFY(!dashboard->endpointChartsOnDay());
        QVERIFY(!history->endpointDayStore());
    }
};

QTEST_MAIN(TestHistoryRestart)
#include "TestHistoryRestart.moc"
