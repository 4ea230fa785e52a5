// #21: demo mode starts with a day of history. The real console wiring in demo mode (its real
// simulator child with --history), real history files under temporary XDG folders: the first
// start fills the last 24 h through the normal ingest (progress in the status bar) and shows the
// 24 h window with curves across all of it; a second start restores that day from disk and
// fetches nothing, so no point is there twice.
#include "app/console/ConsoleApplication.h"
#include "models/fleet/Fleet.h"
#include "models/fleet/TargetSession.h"
#include "models/history/HistoryBackfill.h"
#include "models/history/TargetHistory.h"
#include "models/monitor/TargetMonitor.h"
#include "tests/support/TestData.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/shell/MainWindow.h"

#include <QApplication>
#include <QDateTime>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <set>
#include <vector>

using namespace ops;

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;

QString backfillText(const HistoryBackfill* b)
{
    return QStringLiteral("state %1: %2").arg(int(b->state())).arg(b->message());
}

std::vector<StorePoint> requestRatePoints(const TargetMonitor* monitor, qint64 from, qint64 to)
{
    const SignalBoard& board = monitor->signalBoard();
    std::vector<StorePoint> points;
    board.signalStore().points(board.signalSeries(SignalId::RequestRate), from, to, points);
    return points;
}

} // namespace

class TestDemoHistory : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The console's stores (history, audit, alerts, events, settings) in folders of its own.
        test::useOwnUserFolders(m_dir.path());
    }

    void demoStartsWithADayAndARestartAddsNoPoint()
    {
        ConsoleOptions options;
        options.demo = true;
        options.intervalMs = 1000;

        qint64 backfillFrom = 0;
        qint64 backfillTo = 0;
        int firstRunScrapes = 0;
        {
            ConsoleApplication console(options);
            QStringList messages;
            QVERIFY2(console.start(), qPrintable(console.errorString()));
            MainWindow* window = console.window();
            window->resize(1280, 720);
            connect(window->statusBar(), &QStatusBar::messageChanged, this,
                    [&messages](const QString& text) { messages << text; });
            TargetSession* session = console.fleet()->current();
            auto* backfill = session->capability<HistoryBackfill>();
            QVERIFY(backfill);
            auto* history = session->capability<TargetHistory>();
            QVERIFY(history);
            QCOMPARE(history->restoredScrapes(), 0);
            // The UI is not blocked: the window shows the 24 h window while the day fills.
            QCOMPARE(window->dashboard()->timeline()->presetMs(), kDayMs);
            QTRY_VERIFY2_WITH_TIMEOUT(!backfill->isRunning(), qPrintable(backfillText(backfill)),
                                      90000);
            QVERIFY2(backfill->state() == HistoryBackfill::State::Done,
                     qPrintable(backfillText(backfill)));
            qInfo("backfill: %s in %.1f s", qPrintable(backfill->message()),
                  double(backfill->elapsedMs()) / 1000.0);
            QCOMPARE(backfill->total(), 2880); // a day at one scrape every 30 s
            QCOMPARE(backfill->ingested(), 2880);
            backfillFrom = backfill->fromMs();
            backfillTo = backfill->toMs();
            QCOMPARE(backfillTo - backfillFrom, kDayMs - 30'000);

            // Progress said in the status bar as it went, then the outcome.
            bool progress = false;
            for (const QString& m : std::as_const(messages))
                progress = progress || (m.startsWith(QStringLiteral("Filling a day of demo "
                                                                    "history… ")) &&
                                        m.endsWith(QStringLiteral(" %")));
            QVERIFY2(progress, qPrintable(messages.join(u'|')));
            QVERIFY2(messages.last().startsWith(QStringLiteral("A day of demo history filled in")),
                     qPrintable(messages.join(u'|')));

            // Then the live polls go on from there.
            TargetMonitor* monitor = session->monitor();
            const qint64 liveFrom = QDateTime::currentMSecsSinceEpoch();
            QTRY_VERIFY_WITH_TIMEOUT(monitor->signalBoard().signalStore().latestTime() > liveFrom,
                                     20000);
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            const std::vector<StorePoint> day = requestRatePoints(monitor, now - kDayMs, now);
            QVERIFY2(day.size() > 2800, qPrintable(QString::number(day.size())));
            QVERIFY(day.front().t <= now - kDayMs + 5 * 60'000); // from a day ago ...
            QVERIFY(day.back().t >= now - 10'000);               // ... to now
            // Real curves: the rate varies over the day (busiest at 14:00 UTC), no zero line.
            double low = 1e9, high = 0;
            for (const StorePoint& p : day) {
                low = std::min(low, p.v);
                high = std::max(high, p.v);
            }
            QVERIFY2(low > 1 && high > 1.8 * low && high < 200,
                     qPrintable(QStringLiteral("%1..%2 req/s").arg(low).arg(high)));

            // On the overview charts: the day across the plot, not a sliver at its right edge.
            window->show();
            QVERIFY(QTest::qWaitForWindowExposed(window));
            window->dashboard()->refresh();
            for (const auto id : {Dashboard::ChartId::RequestRate, Dashboard::ChartId::ResponseTime,
                                  Dashboard::ChartId::Memory}) {
                TimeChart* chart = window->dashboard()->chart(id);
                QVERIFY(chart);
                QTRY_VERIFY(chart->totalPointCount() > 100);
                const double left = chart->xForTime(backfillFrom);
                const double right = chart->xForTime(now);
                QVERIFY2(right - left > 0.95 * chart->plotWidth(),
                         qPrintable(QStringLiteral("%1: data from x=%2 to x=%3 of %4 px")
                                        .arg(chart->title())
                                        .arg(left)
                                        .arg(right)
                                        .arg(chart->plotWidth())));
                QVERIFY(chart->notRunningSpans().empty());
            }
            const QString shots = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
            if (!shots.isEmpty())
                QVERIFY(window->grab().save(shots + QStringLiteral("/demo-history.png")));
            history->flushNow();
            firstRunScrapes = int(monitor->signalBoard().signalStore().scrapeCount());
        } // quit: the history is flushed and closed, the simulator stopped

        // Second start: the day comes from disk; nothing is fetched, no point is there twice.
        ConsoleApplication console(options);
        QVERIFY2(console.start(), qPrintable(console.errorString()));
        TargetSession* session = console.fleet()->current();
        auto* backfill = session->capability<HistoryBackfill>();
        QVERIFY(backfill);
        QCOMPARE(backfill->state(), HistoryBackfill::State::Skipped);
        QVERIFY2(backfill->message().contains(QStringLiteral("already holds")),
                 qPrintable(backfill->message()));
        QCOMPARE(backfill->ingested(), 0);
        auto* history = session->capability<TargetHistory>();
        // The restore window is the last 24 h: a few of the oldest backfilled points fall out.
        QVERIFY2(history->restoredScrapes() > 2800 &&
                     history->restoredScrapes() <= firstRunScrapes + 1,
                 qPrintable(QStringLiteral("%1 restored, %2 in run one")
                                .arg(history->restoredScrapes())
                                .arg(firstRunScrapes)));
        TargetMonitor* monitor = session->monitor();
        const qint64 liveFrom = QDateTime::currentMSecsSinceEpoch();
        QTRY_VERIFY_WITH_TIMEOUT(monitor->signalBoard().signalStore().latestTime() > liveFrom,
                                 20000);
        const std::vector<StorePoint> all =
            requestRatePoints(monitor, 0, QDateTime::currentMSecsSinceEpoch());
        std::set<qint64> times;
        for (const StorePoint& p : all)
            QVERIFY2(times.insert(p.t).second, qPrintable(QString::number(p.t)));
        // Exactly one point per 30 s step of the backfilled day (those still in the window).
        const std::vector<StorePoint> backfilled =
            requestRatePoints(monitor, backfillFrom, backfillTo);
        const qint64 windowStart = std::max(backfillFrom, liveFrom - kDayMs);
        const qint64 expected = (backfillTo - windowStart) / 30'000 + 1;
        QVERIFY2(
            std::abs(qint64(backfilled.size()) - expected) <= 1,
            qPrintable(QStringLiteral("%1 points, %2 steps").arg(backfilled.size()).arg(expected)));
        // The backfill counts as the first run: the only gap is the one between the two runs.
        const auto& spans = history->notRunningSpans();
        QCOMPARE(spans.size(), std::size_t(1));
        QVERIFY(spans.front().fromMs > backfillTo);
    }
};

QTEST_MAIN(TestDemoHistory)
#include "TestDemoHistory.moc"
