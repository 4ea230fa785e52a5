// The reports' signals from a target's history on disk (StoredSignalHistory): raw poll values
// where they are kept, before them the 1-minute rollups' averages, gaps left out; a target without
// history has no points; a corrupt chunk is skipped and said. LayeredSignalHistory: the
// in-memory day first, the disk before it, no point twice at the seam.
#include "models/domain/Clock.h"
#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"
#include "models/incidents/StoredSignalHistory.h"
#include "models/metrics/SignalBoard.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace ops;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01 00:00:00 UTC
constexpr qint64 kMin = 60'000;
constexpr qint64 kHour = 60 * kMin;
constexpr qint64 kPoll = 10'000;

// The recorded latency: rises by a second an hour (exactly representable steps).
double latencyAt(qint64 t)
{
    return 1.0 + double(t - kT0) / double(kHour);
}

// The error ratio: not reported for the first half hour (NaN), then 0.02.
double errorRatioAt(qint64 t)
{
    return t < kT0 + 30 * kMin ? std::numeric_limits<double>::quiet_NaN() : 0.02;
}

} // namespace

class TestStoredSignalHistory : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_folder;

    StoredSignalHistory historyOf(const QString& folder, const Clock* clock) const
    {
        return StoredSignalHistory(
            [folder](const QString& target) {
                return target == u"api" ? folder : QString(); // "other" has no history
            },
            clock);
    }

private slots:
    void initTestCase()
    {
        // Three hours every 10 s; raw values kept one hour, so the first two remain as rollups.
        m_folder = historyFolderFor(m_dir.path(), QStringLiteral("unsaved/api"));
        ManualClock clock(kT0);
        HistoryOptions options;
        options.rawRetentionMs = kHour;
        options.rawBlockMs = 5 * kMin;
        options.rawSegmentMs = 15 * kMin;
        options.rollupBlockMs = 30 * kMin; // sealed into a rollup segment, not all in head.blk
        HistoryStore store(m_folder, &clock, options);
        QVERIFY(store.open());
        for (qint64 t = kT0; t <= kT0 + 3 * kHour; t += kPoll) {
            clock.setMs(t);
            HistoryFrame f;
            f.group = kHistoryTargetGroup;
            f.timeMs = t;
            for (std::size_t i = 0; i < kSignalCount; ++i) {
                const auto id = static_cast<SignalId>(i);
                const double v = id == SignalId::LatencyAvg   ? latencyAt(t)
                                 : id == SignalId::ErrorRatio ? errorRatioAt(t)
                                                              : 5.0;
                f.values.push_back({TargetHistory::targetSeriesName(i), v});
            }
            store.append(f);
            if ((t - kT0) % (10 * kMin) == 0)
                store.flush();
        }
        store.close();
    }

    void rawWhereKeptRollupsBefore()
    {
        SystemClock clock;
        const StoredSignalHistory history = historyOf(m_folder, &clock);
        const QList<SignalPoint> points =
            history.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + 3 * kHour);
        QVERIFY(!points.isEmpty());
        QVERIFY2(history.problems().isEmpty(), qPrintable(history.problems().join(u'\n')));
        for (int i = 1; i < points.size(); ++i)
            QVERIFY(points[i].timeMs > points[i - 1].timeMs); // in order, none twice
        QCOMPARE(points.first().timeMs, kT0);
        QCOMPARE(points.last().timeMs, kT0 + 3 * kHour);
        QCOMPARE(points.last().value, latencyAt(kT0 + 3 * kHour));
        // The raw values start somewhere in the last hour and a half (whole raw segments are
        // dropped); before them one point a minute: its minute's average.
        int rollups = 0;
        int raw = 0;
        qint64 firstRaw = 0;
        for (const SignalPoint& p : points) {
            if (p.timeMs < kT0 + 2 * kHour - 15 * kMin) {
                QCOMPARE(p.timeMs % kMin, 0);
                double sum = 0;
                for (qint64 t = p.timeMs; t < p.timeMs + kMin; t += kPoll)
                    sum += latencyAt(t);
                QVERIFY2(std::abs(p.value - sum / 6) < 1e-9,
                         qPrintable(QStringLiteral("%1 at %2").arg(p.value).arg(p.timeMs)));
                ++rollups;
            } else if (p.timeMs >= kT0 + 2 * kHour) {
                QCOMPARE(p.value, latencyAt(p.timeMs));
                if (!firstRaw && p.timeMs % kMin != 0)
                    firstRaw = p.timeMs;
                ++raw;
            }
        }
        QVERIFY(rollups >= 100);
        QVERIFY2(raw >= 360, qPrintable(QString::number(raw))); // the last hour at 10 s
        QVERIFY(firstRaw > 0 && firstRaw <= kT0 + 2 * kHour + kPoll);

        // A range inside the raw hour: raw only, at the poll interval.
        const QList<SignalPoint> recent = history.points(
            QStringLiteral("api"), SignalId::LatencyAvg, kT0 + 150 * kMin, kT0 + 160 * kMin);
        QCOMPARE(recent.size(), 61);
        QCOMPARE(recent.first().timeMs, kT0 + 150 * kMin);
        QCOMPARE(recent.first().value, latencyAt(kT0 + 150 * kMin));
    }

    void gapsAndUnknownTargets()
    {
        SystemClock clock;
        const StoredSignalHistory history = historyOf(m_folder, &clock);
        // The error ratio was not reported for the first half hour: no points there, not zeros.
        const QList<SignalPoint> errors =
            history.points(QStringLiteral("api"), SignalId::ErrorRatio, kT0, kT0 + kHour);
        QVERIFY(!errors.isEmpty());
        QVERIFY(errors.first().timeMs >= kT0 + 30 * kMin);
        for (const SignalPoint& p : errors)
            QCOMPARE(p.value, 0.02);
        QVERIFY(history.points(QStringLiteral("api"), SignalId::ErrorRatio, kT0, kT0 + 29 * kMin)
                    .isEmpty());
        // No history, a range before it, a range the wrong way round: nothing, and no problem.
        QVERIFY(history.points(QStringLiteral("other"), SignalId::LatencyAvg, kT0, kT0 + kHour)
                    .isEmpty());
        QVERIFY(
            history
                .points(QStringLiteral("api"), SignalId::LatencyAvg, kT0 - 2 * kHour, kT0 - kHour)
                .isEmpty());
        QVERIFY(history.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0 + kHour, kT0)
                    .isEmpty());
        const StoredSignalHistory gone = historyOf(m_dir.filePath(QStringLiteral("gone")), &clock);
        QVERIFY(
            gone.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + kHour).isEmpty());
        QVERIFY(history.problems().isEmpty());
    }

    // A flipped byte in a rollup segment: that chunk is skipped and said, the rest still read.
    void corruptChunkIsSkippedAndSaid()
    {
        QTemporaryDir copy;
        const QString folder = copy.filePath(QStringLiteral("api"));
        QVERIFY(QDir().mkpath(folder));
        QString rollupSegment;
        for (const QString& name : QDir(m_folder).entryList(QDir::Files)) {
            QVERIFY(QFile::copy(m_folder + u'/' + name, folder + u'/' + name));
            if (name.startsWith(QLatin1String("rollup-")) && name.endsWith(QLatin1String(".seg")))
                rollupSegment = folder + u'/' + name;
        }
        QVERIFY(!rollupSegment.isEmpty());
        QFile seg(rollupSegment);
        QVERIFY(seg.open(QIODevice::ReadWrite));
        QVERIFY(seg.size() > 100);
        seg.seek(seg.size() / 2);
        char byte = 0;
        seg.getChar(&byte);
        seg.seek(seg.size() / 2);
        seg.putChar(char(byte ^ 0x5a));
        seg.close();

        SystemClock clock;
        const StoredSignalHistory history = historyOf(folder, &clock);
        const QList<SignalPoint> points =
            history.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + 3 * kHour);
        QVERIFY(!history.problems().isEmpty());
        QVERIFY2(history.problems().join(u' ').contains(QStringLiteral("rollup-")),
                 qPrintable(history.problems().join(u' ')));
        // The raw hour is still there.
        QVERIFY(!points.isEmpty());
        QCOMPARE(points.last().timeMs, kT0 + 3 * kHour);
    }

    void layeredTakesMemoryFirstThenDisk()
    {
        SystemClock clock;
        const StoredSignalHistory disk = historyOf(m_folder, &clock);
        MemorySignalHistory memory; // the console's day: the last 30 minutes, 1 s apart
        for (qint64 t = kT0 + 150 * kMin; t <= kT0 + 3 * kHour; t += 1000)
            memory.add(QStringLiteral("api"), SignalId::LatencyAvg, t, 42.0);
        const LayeredSignalHistory layered(&memory, &disk);
        const QList<SignalPoint> points =
            layered.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + 3 * kHour);
        int fromMemory = 0;
        for (int i = 0; i < points.size(); ++i) {
            if (i > 0)
                QVERIFY(points[i].timeMs > points[i - 1].timeMs);
            const bool inMemoryRange = points[i].timeMs >= kT0 + 150 * kMin;
            QCOMPARE(points[i].value == 42.0, inMemoryRange);
            fromMemory += inMemoryRange ? 1 : 0;
        }
        QCOMPARE(fromMemory, 30 * 60 + 1);
        QCOMPARE(points.first().timeMs, kT0);
        // Nothing in memory for the range: all from disk; no disk: memory alone.
        QCOMPARE(layered.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + kHour),
                 disk.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + kHour));
        const LayeredSignalHistory memoryOnly(&memory, nullptr);
        QCOMPARE(
            memoryOnly.points(QStringLiteral("api"), SignalId::LatencyAvg, kT0, kT0 + 3 * kHour)
                .size(),
            30 * 60 + 1);
    }
};

QTEST_GUILESS_MAIN(TestStoredSignalHistory)
#include "TestStoredSignalHistory.moc"
