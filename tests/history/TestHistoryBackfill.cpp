// HistoryBackfill, the session capability that puts a target's past (the simulator's
// GET /metrics?at=T) through the normal ingest: every past scrape goes through the monitor's
// worker and scrapeApplied() into TargetHistory, updated() waits for the end, and a history that
// holds the span is not fetched again. Against the real simulator, real files.
#include "models/domain/Clock.h"
#include "models/fleet/TargetSession.h"
#include "models/history/HistoryBackfill.h"
#include "models/history/TargetHistory.h"
#include "models/metrics/SignalBoard.h"
#include "models/monitor/TargetMonitor.h"
#include "tests/support/SimulatedTargetRig.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace ops;

class TestHistoryBackfill : public QObject {
    Q_OBJECT

private:
    test::SimulatedTargetRig m_rig;

    std::unique_ptr<TargetSession> session(const QString& folder)
    {
        auto s = std::make_unique<TargetSession>(m_rig.context(), QStringLiteral("unsaved/demo"),
                                                 m_rig.target(QStringLiteral("demo"), 300), false,
                                                 QString());
        s->attach(std::make_unique<TargetHistory>(*s, folder, HistoryOptions{}, 500));
        return s;
    }

    static QString said(const HistoryBackfill* b)
    {
        return QStringLiteral("state %1: %2").arg(int(b->state())).arg(b->message());
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_rig.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--history")}),
                 qPrintable(m_rig.error()));
    }

    void fillsThroughTheNormalIngestOnce()
    {
        const QString folder = m_rig.filePath(QStringLiteral("once"));
        const HistoryBackfillOptions options{3600'000, 10'000, 4}; // an hour, every 10 s
        std::vector<qint64> applied;
        qint64 from = 0;
        {
            auto s = session(folder);
            auto* backfill = static_cast<HistoryBackfill*>(
                s->attach(std::make_unique<HistoryBackfill>(*s, options)));
            QObject guard;
            connect(s->monitor(), &TargetMonitor::scrapeApplied, &guard,
                    [&applied](qint64 t) { applied.push_back(t); });
            int updatedWhileRunning = 0;
            connect(s->monitor(), &TargetMonitor::updated, &guard, [&] {
                if (backfill->isRunning())
                    ++updatedWhileRunning;
            });
            QSignalSpy progress(backfill, &HistoryBackfill::progressChanged);
            s->start();
            QVERIFY(s->monitor()->isBackfilling());
            QTRY_VERIFY2_WITH_TIMEOUT(!backfill->isRunning(), qPrintable(said(backfill)), 60000);
            QVERIFY2(backfill->state() == HistoryBackfill::State::Done, qPrintable(said(backfill)));
            QVERIFY(!s->monitor()->isBackfilling());
            QCOMPARE(backfill->total(), 360);
            QCOMPARE(progress.size(), 361); // 0, then one per scrape
            QCOMPARE(progress.last().at(0).toInt(), 360);
            // Every past scrape went through scrapeApplied (which the history records), oldest
            // first, 10 s apart; updated() only once it was over.
            QVERIFY(applied.size() >= 360);
            from = backfill->fromMs();
            for (int i = 0; i < 360; ++i)
                QCOMPARE(applied[std::size_t(i)], from + i * 10'000);
            QCOMPARE(updatedWhileRunning, 0);
            // The past's signals are real: a request rate at every step.
            const SignalBoard& board = s->monitor()->signalBoard();
            std::vector<StorePoint> rate;
            board.signalStore().points(board.signalSeries(SignalId::RequestRate), from,
                                       backfill->toMs(), rate);
            int rates = 0; // the first scrape has no rate yet
            for (const StorePoint& p : rate) {
                if (std::isnan(p.v))
                    continue;
                ++rates;
                QVERIFY2(p.v > 1 && p.v < 100, qPrintable(QString::number(p.v)));
            }
            QVERIFY2(rates >= 359, qPrintable(QString::number(rates)));
            // Then the live polls are ingested again.
            const qint64 liveFrom = m_rig.clock.nowMs();
            QTRY_VERIFY_WITH_TIMEOUT(board.signalStore().latestTime() > liveFrom, 10000);
            s->stop();
        }
        // A second session on the same folder: the past comes from disk, nothing is fetched.
        auto s = session(folder);
        auto* backfill = static_cast<HistoryBackfill*>(
            s->attach(std::make_unique<HistoryBackfill>(*s, options)));
        s->start();
        QCOMPARE(backfill->state(), HistoryBackfill::State::Skipped);
        QVERIFY2(backfill->message().contains(QStringLiteral("already holds")),
                 qPrintable(backfill->message()));
        QVERIFY(!s->monitor()->isBackfilling());
        const TargetHistory* history = s->capability<TargetHistory>();
        QVERIFY(history->restoredScrapes() >= int(applied.size()));
        // The backfill was part of the first run: no "not running" gap inside it.
        for (const NotRunningSpan& span : history->notRunningSpans())
            QVERIFY(span.fromMs >= from + 359 * 10'000);
        s->stop();
    }

    // Further back than the gateway's past: its 400 and reason, what came is kept, live goes on.
    void beyondTheGatewaysPastFailsInWords()
    {
        auto s = session(m_rig.filePath(QStringLiteral("beyond")));
        auto* backfill = static_cast<HistoryBackfill*>(s->attach(std::make_unique<HistoryBackfill>(
            *s, HistoryBackfillOptions{72 * 3600'000LL, 60'000, 2})));
        s->start();
        QTRY_VERIFY2_WITH_TIMEOUT(!backfill->isRunning(), qPrintable(said(backfill)), 30000);
        QVERIFY2(backfill->state() == HistoryBackfill::State::Failed, qPrintable(said(backfill)));
        QVERIFY2(backfill->message().contains(QStringLiteral("before the simulated history")) &&
                     backfill->message().contains(QStringLiteral("400")),
                 qPrintable(backfill->message()));
        QCOMPARE(backfill->ingested(), 0);
        QVERIFY(!s->monitor()->isBackfilling());
        QTRY_VERIFY_WITH_TIMEOUT(s->monitor()->signalBoard().signalStore().scrapeCount() > 1,
                                 10000);
        s->stop();
    }

    // Once live scrapes are in, the past cannot go before them: skipped, said why.
    void afterALiveScrapeIsSkipped()
    {
        auto s = session(m_rig.filePath(QStringLiteral("late")));
        s->start();
        QTRY_VERIFY_WITH_TIMEOUT(s->monitor()->signalBoard().signalStore().scrapeCount() > 0,
                                 10000);
        auto* backfill =
            static_cast<HistoryBackfill*>(s->attach(std::make_unique<HistoryBackfill>(*s)));
        QCOMPARE(backfill->state(), HistoryBackfill::State::Skipped);
        QVERIFY2(backfill->message().contains(QStringLiteral("live scrapes came first")),
                 qPrintable(backfill->message()));
        QVERIFY(!s->monitor()->isBackfilling());
        s->stop();
    }

    // The session stops mid-way: the backfill stops, live ingest is not left switched off.
    void stoppingTheSessionStopsIt()
    {
        auto s = session(m_rig.filePath(QStringLiteral("stopped")));
        auto* backfill = static_cast<HistoryBackfill*>(s->attach(std::make_unique<HistoryBackfill>(
            *s, HistoryBackfillOptions{24 * 3600'000LL, 1000, 1})));
        s->start();
        QTRY_VERIFY_WITH_TIMEOUT(backfill->ingested() > 3, 30000);
        s->stop();
        QCOMPARE(backfill->state(), HistoryBackfill::State::Stopped);
        QVERIFY(!s->monitor()->isBackfilling());
        QVERIFY(backfill->message().contains(QStringLiteral("stopped after")));
    }

    // The console quits while the day fills: the session goes with its backfill in flight
    // (requests out, bodies on the worker), and nothing calls into what is gone.
    void quittingMidWayIsClean()
    {
        auto s = session(m_rig.filePath(QStringLiteral("quit")));
        auto* backfill = static_cast<HistoryBackfill*>(s->attach(std::make_unique<HistoryBackfill>(
            *s, HistoryBackfillOptions{24 * 3600'000LL, 1000, 4})));
        s->start();
        QTRY_VERIFY_WITH_TIMEOUT(backfill->ingested() > 3, 30000);
        QVERIFY(backfill->isRunning());
        s.reset();
        QTest::qWait(500); // late answers and worker callbacks find nobody
    }
};

QTEST_MAIN(TestHistoryBackfill)
#include "TestHistoryBackfill.moc"
