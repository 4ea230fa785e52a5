// TargetHistory, the session capability: every scrape of a directly scraped target goes to disk,
// and a new session on the same folder starts with that day restored exactly (lossless), with the
// time the console was not running as a gap. Against the real simulator, real files.
#include "models/domain/Clock.h"
#include "models/fleet/TargetSession.h"
#include "models/history/HistoryStore.h"
#include "models/history/HistoryWriter.h"
#include "models/history/TargetHistory.h"
#include "models/metrics/SignalBoard.h"
#include "models/monitor/TargetMonitor.h"
#include "tests/support/SimulatedTargetRig.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace ops;

namespace {

// What one scrape left in the board: the values the history must give back.
struct Seen {
    qint64 timeMs = 0;
    std::array<double, kSignalCount> values{};
    std::map<std::string, std::array<double, kEndpointSignalCount>> endpoints;
};

bool sameValue(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

class TestTargetHistory : public QObject {
    Q_OBJECT

private:
    test::SimulatedTargetRig m_rig;
    int m_sessions = 0;

    Target target() const { return m_rig.target(QStringLiteral("alpha"), 200); }

    std::unique_ptr<TargetSession> session(const Target& t, const QString& folder,
                                           HistoryOptions options = {})
    {
        auto s = std::make_unique<TargetSession>(m_rig.context(), QStringLiteral("unsaved/alpha"),
                                                 t, false, QString());
        s->attach(std::make_unique<TargetHistory>(*s, folder, std::move(options), 500));
        ++m_sessions;
        return s;
    }

    static Seen seen(const TargetMonitor& monitor, qint64 timeMs)
    {
        Seen s;
        s.timeMs = timeMs;
        const SignalBoard& board = monitor.signalBoard();
        for (std::size_t i = 0; i < kSignalCount; ++i)
            s.values[i] = board.latest(static_cast<SignalId>(i));
        for (const EndpointRow& row : board.endpointTable())
            s.endpoints[row.endpoint] = row.latest;
        return s;
    }

    // Runs a session until `scrapes` scrapes were recorded; returns what each left.
    void runFor(TargetSession& s, int scrapes, std::vector<Seen>& out)
    {
        QObject guard;
        QObject::connect(s.monitor(), &TargetMonitor::scrapeApplied, &guard,
                         [&out, &s](qint64 t) { out.push_back(seen(*s.monitor(), t)); });
        s.start();
        QTRY_VERIFY_WITH_TIMEOUT(int(out.size()) >= scrapes, 20000);
        s.stop();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_rig.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_rig.error()));
    }

    void seriesNamesRoundTrip()
    {
        for (const std::string& endpoint : {std::string("/v1/jobs"), std::string("/a\"b\\c"),
                                            std::string("/x\ny"), std::string()}) {
            for (std::size_t k = 0; k < kEndpointSignalCount; ++k) {
                const std::string name = TargetHistory::endpointSeriesName(k, endpoint);
                std::size_t signal = 99;
                std::string back;
                QVERIFY2(TargetHistory::parseEndpointSeriesName(name, signal, back), name.c_str());
                QCOMPARE(signal, k);
                QCOMPARE(back, endpoint);
            }
        }
        QCOMPARE(TargetHistory::endpointSeriesName(0, "/v1/jobs"),
                 std::string("bhiv_endpoint_request_rate{endpoint=\"/v1/jobs\"}"));
        QCOMPARE(TargetHistory::targetSeriesName(std::size_t(SignalId::LatencyP95)),
                 std::string("bhiv_latency_p95"));
        std::size_t signal = 0;
        std::string endpoint;
        for (const char* bad : {"bhiv_request_rate", "bhiv_endpoint_nonsense{endpoint=\"/\"}",
                                "bhiv_endpoint_request_rate{endpoint=\"/", "", "{}"})
            QVERIFY2(!TargetHistory::parseEndpointSeriesName(bad, signal, endpoint), bad);
    }

    // Run one records; run two (a new session, as after a restart) starts with exactly those
    // values on its charts before its first poll, and a gap from the last point to its start.
    void restartRestoresTheDayExactly()
    {
        const QString folder = m_rig.filePath(QStringLiteral("restart"));
        std::vector<Seen> first;
        // What run one's charts held: run two must show exactly these.
        std::vector<std::vector<StorePoint>> shown(kSignalCount);
        {
            auto s = session(target(), folder);
            runFor(*s, 6, first);
            auto* history = s->capability<TargetHistory>();
            QVERIFY(history);
            QCOMPARE(history->mode(), HistoryMode::ReadWrite);
            QCOMPARE(history->restoredScrapes(), 0);
            QVERIFY(history->notRunningSpans().empty());
            const SignalBoard& board = s->monitor()->signalBoard();
            for (std::size_t i = 0; i < kSignalCount; ++i)
                board.signalStore().points(board.signalSeries(static_cast<SignalId>(i)),
                                           first.front().timeMs, first.back().timeMs, shown[i]);
        }
        QVERIFY(QFile::exists(folder + QStringLiteral("/runs.log")));

        // On disk: every scrape's values as the board had them, bit for bit (lossless).
        {
            ManualClock clock(m_rig.clock.nowMs());
            HistoryStore store(folder, &clock);
            QVERIFY(store.open(true));
            const auto blocks =
                store.read(HistoryKind::Raw, "target", first.front().timeMs, first.back().timeMs);
            std::size_t row = 0;
            for (const HistoryBlock& b : blocks) {
                for (std::size_t r = 0; r < b.times.size(); ++r, ++row) {
                    QVERIFY(row < first.size());
                    QCOMPARE(b.times[r], first[row].timeMs);
                    for (const HistorySeries& series : b.series) {
                        for (std::size_t i = 0; i < kSignalCount; ++i) {
                            if (series.name == TargetHistory::targetSeriesName(i))
                                QVERIFY2(sameValue(series.columns[0][r], first[row].values[i]),
                                         series.name.c_str());
                        }
                    }
                }
            }
            QCOMPARE(row, first.size());
        }
        QTest::qWait(50); // the new run starts strictly after the last point

        auto s = session(target(), folder);
        const qint64 before = m_rig.clock.nowMs();
        s->start(); // restores synchronously: no poll has answered yet
        auto* history = s->capability<TargetHistory>();
        QVERIFY(history);
        QCOMPARE(history->mode(), HistoryMode::ReadWrite);
        QCOMPARE(history->restoredScrapes(), int(first.size()));
        const SignalBoard& board = s->monitor()->signalBoard();
        QCOMPARE(board.signalStore().scrapeCount(), std::int64_t(first.size()));
        QVERIFY(!s->monitor()->hasData());

        // Every signal: the same points as run one's charts held (NaN kept as a gap).
        std::vector<StorePoint> points;
        for (std::size_t i = 0; i < kSignalCount; ++i) {
            board.signalStore().points(board.signalSeries(static_cast<SignalId>(i)),
                                       first.front().timeMs, first.back().timeMs, points);
            QCOMPARE(points.size(), shown[i].size());
            for (std::size_t p = 0; p < points.size(); ++p) {
                QCOMPARE(points[p].t, shown[i][p].t);
                QVERIFY2(sameValue(points[p].v, shown[i][p].v),
                         qPrintable(
                             QStringLiteral("%1 at %2: %3 != %4")
                                 .arg(QString::fromStdString(std::string(signalName(SignalId(i)))))
                                 .arg(points[p].t)
                                 .arg(points[p].v)
                                 .arg(shown[i][p].v)));
            }
        }
        // At least the request rate and the latency were charted in run one.
        QVERIFY(!shown[std::size_t(SignalId::RequestRate)].empty());
        QVERIFY(!shown[std::size_t(SignalId::LatencyAvg)].empty());
        QVERIFY(!first.back().endpoints.empty());
        // The endpoints: the same rows, and each one's request rate the same.
        QCOMPARE(board.endpointTable().size(), first.back().endpoints.size());
        for (const EndpointRow& row : board.endpointTable()) {
            QVERIFY(first.back().endpoints.count(row.endpoint));
            board.signalStore().points(row.series[0], first.front().timeMs, first.back().timeMs,
                                       points);
            std::size_t p = 0;
            for (const Seen& seen : first) {
                const auto it = seen.endpoints.find(row.endpoint);
                if (it == seen.endpoints.end() || std::isnan(it->second[0]))
                    continue;
                QVERIFY(p < points.size());
                QCOMPARE(points[p].t, seen.timeMs);
                ++p;
            }
            QCOMPARE(p, points.size());
        }

        // The gap: from the last point written to this run's start.
        QCOMPARE(history->notRunningSpans().size(), std::size_t(1));
        const NotRunningSpan gap = history->notRunningSpans().front();
        QCOMPARE(gap.fromMs, first.back().timeMs);
        QVERIFY(gap.toMs >= before && gap.toMs <= m_rig.clock.nowMs());

        // Live polls go on after the restored ones, and are recorded too.
        QTRY_VERIFY_WITH_TIMEOUT(s->monitor()->hasData(), 10000);
        QVERIFY(board.signalStore().scrapeCount() > std::int64_t(first.size()));
        QVERIFY(board.signalStore().latestTime() > gap.toMs);
        s->stop();
        s.reset();

        // Third run: two gaps now, the older one still from the first run's last point.
        auto third = session(target(), folder);
        third->start();
        auto* h3 = third->capability<TargetHistory>();
        QVERIFY(h3->restoredScrapes() > int(first.size()));
        QCOMPARE(h3->notRunningSpans().size(), std::size_t(2));
        QCOMPARE(h3->notRunningSpans().front(), gap);
        third->stop();
    }

    // A second console on the same folder: read-only (the lock), still restores, writes nothing.
    void secondConsoleReadsOnly()
    {
        const QString folder = m_rig.filePath(QStringLiteral("second"));
        auto writer = session(target(), folder);
        std::vector<Seen> seen;
        runFor(*writer, 3, seen);
        writer->capability<TargetHistory>()->flushNow(); // stopped, it still holds the lock

        auto reader = session(target(), folder);
        reader->start();
        auto* history = reader->capability<TargetHistory>();
        QCOMPARE(history->mode(), HistoryMode::ReadOnly);
        QVERIFY2(history->modeReason().contains(QStringLiteral("another console")),
                 qPrintable(history->modeReason()));
        QVERIFY(history->restoredScrapes() >= 3);
        QVERIFY(history->notRunningSpans().empty()); // the other console is running
        const QByteArray runs = [&] {
            QFile f(folder + QStringLiteral("/runs.log"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QCOMPARE(runs.count('\n'), 1); // the writer's run, none for the reader
        reader->stop();
        writer->stop();
    }

    // A Prometheus-backed target keeps using Prometheus for its past: nothing on disk.
    void prometheusTargetRecordsNothing()
    {
        const QString folder = m_rig.filePath(QStringLiteral("prometheus"));
        Target t = target();
        t.dataSource.kind = DataSourceConfig::Kind::Prometheus;
        t.dataSource.url = QUrl(QStringLiteral("http://127.0.0.1:9/"));
        auto s = session(t, folder);
        s->start();
        QTest::qWait(600);
        QCOMPARE(s->capability<TargetHistory>()->mode(), HistoryMode::Closed);
        QVERIFY(!QDir(folder).exists());
        s->stop();
    }

    // The 7 d / 30 d windows: three days on disk (two polls a minute, v and v + 10) come back as
    // 1-minute rollups: minimum v, maximum v + 10, average v + 5, every minute.
    // Three hours on disk, a scrape every 5 s. On restart the target's signals come back at poll
    // resolution for all of it, the endpoints' for the last hour (HistoryRestore). The endpoint
    // the Endpoints page charts gets its day on demand (focusEndpoint): its older minutes one
    // point a minute each, the minute's average from the 1-minute rollups at the minute's
    // middle, then the last hour at poll resolution; every later scrape extends it.
    void endpointDayOnDemandAfterRestart()
    {
        const QString folder = m_rig.filePath(QStringLiteral("endpoint-day"));
        const qint64 now = m_rig.clock.nowMs();
        const qint64 start = (now - 3 * 3'600'000LL) / 60'000 * 60'000;
        const qint64 end = now - 30'000;
        const std::string rateA = TargetHistory::endpointSeriesName(0, "/a");
        const std::string p95B = TargetHistory::endpointSeriesName(4, "/b");
        // /a's request rate: the minute number (mod 50), + 10 on every other scrape, so that a
        // minute's twelve scrapes average to the minute number + 5 exactly.
        const auto rateOf = [start](qint64 t) {
            return double((t - start) / 60'000 % 50) + ((t - start) / 5'000 % 2 ? 10.0 : 0.0);
        };
        std::vector<qint64> times;
        {
            ManualClock clock(start);
            HistoryStore store(folder, &clock);
            QVERIFY(store.open());
            for (qint64 t = start; t <= end; t += 5'000) {
                clock.setMs(t);
                store.append(
                    {"target", t, {{TargetHistory::targetSeriesName(0), double(t % 997)}}});
                store.append({"endpoints", t, {{rateA, rateOf(t)}, {p95B, 0.25}}});
                times.push_back(t);
            }
            store.flush();
        }
        auto s = session(target(), folder);
        const qint64 startedFrom = m_rig.clock.nowMs();
        s->start(); // restores synchronously, before any poll answered
        const qint64 startedTo = m_rig.clock.nowMs();
        auto* history = s->capability<TargetHistory>();
        QCOMPARE(history->restoredScrapes(), int(times.size()));
        QVERIFY(!s->monitor()->hasData());
        const SignalBoard& board = s->monitor()->signalBoard();
        const SeriesStore& memory = board.signalStore();
        // The target's signal: every scrape, exactly.
        std::vector<StorePoint> points;
        memory.points(board.signalSeries(SignalId::RequestRate), start, end, points);
        QCOMPARE(points.size(), times.size());
        for (std::size_t i = 0; i < points.size(); ++i) {
            QCOMPARE(points[i].t, times[i]);
            QCOMPARE(points[i].v, double(times[i] % 997));
        }
        // Both endpoints are in the table; their last hour is in memory, exactly.
        QCOMPARE(board.endpointTable().size(), std::size_t(2));
        const EndpointRow* a = nullptr;
        for (const EndpointRow& row : board.endpointTable()) {
            if (row.endpoint == "/a")
                a = &row;
        }
        QVERIFY(a);
        memory.points(a->series[0], start, end, points);
        QVERIFY(!points.empty());
        QVERIFY(points.front().t >= startedFrom - TargetHistory::kEndpointRecentMs);
        QVERIFY(points.front().t < startedTo - TargetHistory::kEndpointRecentMs + 5'000);
        for (const StorePoint& p : points)
            QCOMPARE(p.v, rateOf(p.t));

        // The Endpoints page charts /a: its day.
        QVERIFY(!history->endpointDayStore());
        QSignalSpy changed(history, &TargetHistory::endpointDayChanged);
        const qint64 focusedAt = m_rig.clock.nowMs();
        history->focusEndpoint(QStringLiteral("/a"));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(history->focusedEndpoint(), QStringLiteral("/a"));
        const SeriesStore* day = history->endpointDayStore();
        QVERIFY(day);
        // Poll resolution from the last whole minute an hour before now (the minutes end there).
        const qint64 rawFrom = (focusedAt - TargetHistory::kEndpointDayRawMs) / 60'000 * 60'000;
        day->points(history->endpointDaySeries(EndpointSignal::RequestRate), start, end, points);
        std::size_t minutes = 0;
        std::size_t raw = 0;
        for (const StorePoint& p : points) {
            if (p.t < rawFrom) {
                QCOMPARE((p.t - start) % 60'000, qint64(30'000));
                const qint64 minute = p.t - 30'000;
                QCOMPARE(p.v, double((minute - start) / 60'000 % 50) + 5.0);
                ++minutes;
            } else {
                QCOMPARE(p.t, times[std::size_t((p.t - start) / 5'000)]);
                QCOMPARE(p.v, rateOf(p.t));
                ++raw;
            }
        }
        QCOMPARE(qint64(minutes), (rawFrom - start) / 60'000);
        QCOMPARE(qint64(raw), (end - rawFrom) / 5'000 + 1);
        // /b is not in /a's day; /a's other signals are gaps where it had none.
        day->points(history->endpointDaySeries(EndpointSignal::P95), start, end, points);
        QVERIFY(points.empty());

        // Live scrapes extend it.
        const qint64 before = day->latestTime();
        QTRY_VERIFY_WITH_TIMEOUT(day->latestTime() > before, 10000);
        // Another endpoint: a new day; none: no store.
        history->focusEndpoint(QStringLiteral("/b"));
        QCOMPARE(changed.count(), 2);
        QVERIFY(history->endpointDayStore());
        history->endpointDayStore()->points(history->endpointDaySeries(EndpointSignal::P95), start,
                                            end, points);
        QCOMPARE(points.size(), minutes + raw);
        for (const StorePoint& p : points)
            QCOMPARE(p.v, 0.25);
        history->focusEndpoint(QString());
        QCOMPARE(changed.count(), 3);
        QVERIFY(!history->endpointDayStore());
        QCOMPARE(history->endpointDaySeries(EndpointSignal::P95), SeriesStore::kNoSeries);
        s->stop();
    }

    void rollupsOfThreeDaysForTheLongWindows()
    {
        const QString folder = m_rig.filePath(QStringLiteral("rollups"));
        const qint64 now = m_rig.clock.nowMs();
        const qint64 start = (now - 3 * 24 * 3'600'000LL) / 60'000 * 60'000;
        const qint64 end = (now - 2 * 3'600'000LL) / 60'000 * 60'000;
        {
            ManualClock clock(start);
            HistoryStore store(folder, &clock);
            QVERIFY(store.open());
            for (qint64 t = start; t < end; t += 30'000) {
                clock.setMs(t);
                const double v = double((t - start) / 60'000 % 500) + ((t / 30'000) % 2 ? 10 : 0);
                store.append({"target", t, {{TargetHistory::targetSeriesName(0), v}}});
            }
            store.flush();
        }
        auto s = session(target(), folder);
        auto* history = s->capability<TargetHistory>();
        QVERIFY(!history->rollupStore());
        s->start();
        QSignalSpy changed(history, &TargetHistory::rollupsChanged);
        history->refreshRollups();
        QCOMPARE(changed.count(), 1);
        const SeriesStore* store = history->rollupStore();
        QVERIFY(store);
        std::vector<StorePoint> min, max, avg;
        const qint64 from = start + 60'000, to = end - 16 * 60'000; // the last chunk may be open
        store->points(history->rollupSeries(SignalId::RequestRate, RollupColumn::Min), from, to,
                      min);
        store->points(history->rollupSeries(SignalId::RequestRate, RollupColumn::Max), from, to,
                      max);
        store->points(history->rollupSeries(SignalId::RequestRate, RollupColumn::Avg), from, to,
                      avg);
        QCOMPARE(qint64(min.size()), (to - from) / 60'000 + 1);
        QCOMPARE(max.size(), min.size());
        QCOMPARE(avg.size(), min.size());
        for (std::size_t i = 0; i < min.size(); ++i) {
            const double v = double((min[i].t - start) / 60'000 % 500);
            QCOMPARE(min[i].v, v);
            QCOMPARE(max[i].v, v + 10);
            QCOMPARE(avg[i].v, v + 5);
        }
        // Called again: nothing new, nothing added twice.
        const auto rows = store->scrapeCount();
        history->refreshRollups();
        QCOMPARE(store->scrapeCount(), rows);
        QCOMPARE(changed.count(), 1);
        s->stop();
    }

    // The operator shortens the target's history limits while it is watched: what is now too
    // old goes at once, and the store keeps the new limits for what it writes next.
    void editedRetentionAppliesAtOnce()
    {
        const QString folder = m_rig.filePath(QStringLiteral("retention"));
        const qint64 now = m_rig.clock.nowMs();
        {
            // Twenty minutes recorded three hours ago, by an earlier run: they cross a
            // 15-minute chunk boundary whatever the time of day, so a raw segment holds some.
            ManualClock then(now - 3 * 3600'000);
            HistoryStore store(folder, &then);
            QVERIFY(store.open());
            for (int i = 0; i < 1200; ++i) {
                then.setMs(now - 3 * 3600'000 + i * 1000);
                store.append(HistoryFrame{
                    "target", then.nowMs(), {{TargetHistory::targetSeriesName(0), 1.0 + i}}});
            }
            store.close();
        }
        const auto rawSegments = [&] {
            return QDir(folder).entryList({QStringLiteral("raw-*.seg")}, QDir::Files);
        };
        const QStringList before = rawSegments();
        QVERIFY(!before.isEmpty());

        Target t = target();
        QVERIFY(t.history.isDefault());
        auto s = session(t, folder, HistoryOptions::forRetention(t.history));
        auto* history = s->capability<TargetHistory>();
        s->start();
        QCOMPARE(history->mode(), HistoryMode::ReadWrite);
        QVERIFY(history->restoredScrapes() >= 1200); // kept under the default 48 h
        for (const QString& name : before)
            QVERIFY2(rawSegments().contains(name), qPrintable(name));

        t.history = {1, 2, 64};
        s->setTarget(t);
        for (const QString& name : before)
            QVERIFY2(!rawSegments().contains(name), qPrintable(name));
        HistoryOptions kept;
        history->writer()->withStore([&kept](HistoryStore& store) { kept = store.options(); });
        QCOMPARE(kept.rawRetentionMs, qint64(3600'000));
        QCOMPARE(kept.rollupRetentionMs, qint64(2) * 24 * 3600'000);
        QCOMPARE(kept.capBytes, qint64(64) << 20);
        // Polling and recording go on under the new limits.
        const qint64 editedAt = m_rig.clock.nowMs();
        std::vector<Seen> seen;
        runFor(*s, 2, seen);
        history->flushNow();
        qint64 newest = 0;
        history->writer()->withStore([&newest](HistoryStore& store) { newest = store.lastTime(); });
        QVERIFY2(newest >= editedAt, qPrintable(QString::number(editedAt - newest)));
    }

    // A full disk: said once, and polling goes on in memory.
    void fullDiskIsReportedAndPollingGoesOn()
    {
        const QString folder = m_rig.filePath(QStringLiteral("full"));
        HistoryOptions options;
        options.beforeWrite = [](qint64) { return false; };
        auto s = session(target(), folder, options);
        auto* history = s->capability<TargetHistory>();
        QSignalSpy problems(history, &TargetHistory::problemsFound);
        s->start();
        QTRY_VERIFY_WITH_TIMEOUT(!history->problems().isEmpty(), 10000);
        QVERIFY2(history->problems().join(u' ').contains(QStringLiteral("disk may be full")),
                 qPrintable(history->problems().join(u' ')));
        const auto scrapes = s->monitor()->signalBoard().signalStore().scrapeCount();
        QTRY_VERIFY_WITH_TIMEOUT(
            s->monitor()->signalBoard().signalStore().scrapeCount() > scrapes + 3, 10000);
        QCOMPARE(problems.count(), 1); // once, not at every flush
        s->stop();
    }

    // A segment with flipped bytes is set aside and reported; the rest still loads.
    void corruptSegmentIsSetAsideAndReported()
    {
        const QString folder = m_rig.filePath(QStringLiteral("corrupt"));
        {
            auto s = session(target(), folder);
            std::vector<Seen> seen;
            runFor(*s, 3, seen);
        }
        QFile junk(folder + QStringLiteral("/raw-1000.seg"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray("BHC1") + QByteArray(64, '\x5a'));
        junk.close();

        auto s = session(target(), folder);
        auto* history = s->capability<TargetHistory>();
        s->start();
        QVERIFY(history->restoredScrapes() >= 3);
        QTRY_VERIFY_WITH_TIMEOUT(!history->problems().isEmpty(), 5000);
        QVERIFY2(history->problems().join(u' ').contains(QStringLiteral("raw-1000.seg")),
                 qPrintable(history->problems().join(u' ')));
        QCOMPARE(
            QDir(folder).entryList({QStringLiteral("raw-1000.seg.corrupt-*")}, QDir::Files).size(),
            1);
        s->stop();
    }
};

QTEST_GUILESS_MAIN(TestTargetHistory)
#include "TestTargetHistory.moc"
