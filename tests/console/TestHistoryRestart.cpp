// #21, the window: poll, quit, restart with the gateway stopped. The old points are on the
// charts as stale data, with the "console not running" gap between the runs, before and after
// the new run's polls fail. The real console wiring, the real simulator, real files.
#include "app/console/ConsoleApplication.h"
#include "models/fleet/Fleet.h"
#include "models/history/TargetHistory.h"
#include "models/monitor/TargetMonitor.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/shell/MainWindow.h"

#include <QApplication>
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestHistoryRestart : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

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
            QTRY_VERIFY_WITH_TIMEOUT(monitor->signalEngine().signalStore().scrapeCount() >= 5,
                                     20000);
            QVERIFY(rate->notRunningSpans().empty());
            QVERIFY(!rate->isStale());
            lastPoint = monitor->signalEngine().signalStore().latestTime();
            firstRunPoints = int(monitor->signalEngine().signalStore().scrapeCount());
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
};

QTEST_MAIN(TestHistoryRestart)
#include "TestHistoryRestart.moc"
