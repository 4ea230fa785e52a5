// The history store with real files: write, close, reopen, every value back bit for bit;
// retention and the disk cap on a ManualClock; a flipped byte, a torn tail, kill -9 during
// writes, a full disk (an injected failure and a real RLIMIT_FSIZE), a read-only folder and a
// second console holding the lock.

#include "tests/history/HistoryTestData.h"

#include "models/history/HistoryWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace ops;
using namespace ops::historytest;

namespace {

HistoryOptions smallOptions()
{
    HistoryOptions o;
    o.rawBlockMs = 60'000;
    o.rawSegmentMs = 5 * 60'000;
    o.rollupBlockMs = 10 * 60'000;
    o.rollupSegmentMs = 30 * 60'000;
    return o;
}

// Every raw point of the group, in time order: index i -> (time, values per series).
struct Points {
    std::vector<qint64> times;
    std::map<std::string, std::vector<double>> values;
};

Points readAll(HistoryStore& store, HistoryKind kind = HistoryKind::Raw, int column = 0)
{
    Points p;
    for (const HistoryBlock& b : store.read(kind, "target", 0, kStart * 2)) {
        const std::size_t base = p.times.size();
        p.times.insert(p.times.end(), b.times.begin(), b.times.end());
        for (const HistorySeries& s : b.series) {
            auto& v = p.values[s.name];
            v.resize(base, std::numeric_limits<double>::quiet_NaN());
            v.insert(v.end(), s.columns[std::size_t(column)].begin(),
                     s.columns[std::size_t(column)].end());
        }
    }
    return p;
}

// Frames 0..last are all there, bit for bit, and nothing else before them.
void verifyFrames(HistoryStore& store, int last)
{
    const Points p = readAll(store);
    QVERIFY2(int(p.times.size()) >= last + 1,
             qPrintable(QStringLiteral("%1 points, want %2").arg(p.times.size()).arg(last + 1)));
    for (int i = 0; i <= last; ++i) {
        QCOMPARE(p.times[std::size_t(i)], kStart + i * 1000);
        for (int s = 0; s < kSeries; ++s) {
            const double got = p.values.at(seriesName(s))[std::size_t(i)];
            if (!sameBits(got, valueAt(i, s)))
                QFAIL(qPrintable(QStringLiteral("frame %1 series %2: %3 != %4")
                                     .arg(i)
                                     .arg(s)
                                     .arg(got)
                                     .arg(valueAt(i, s))));
        }
    }
}

void writeFrames(HistoryStore& store, ManualClock& clock, int from, int to)
{
    for (int i = from; i < to; ++i) {
        clock.setMs(kStart + i * 1000);
        store.append(frameAt(i));
        if (i % 10 == 9)
            store.flush();
    }
}

QString childBinary()
{
    return qEnvironmentVariable("OPS_HISTORY_CHILD");
}

QStringList segmentFiles(const QString& dir, const QString& pattern = QStringLiteral("*.seg"))
{
    return QDir(dir).entryList({pattern}, QDir::Files, QDir::Name);
}

} // namespace

class TestHistoryStore : public QObject {
    Q_OBJECT
private slots:
    void writeCloseReopen();
    void rollupsCoverSealedMinutes();
    void retentionOnManualClock();
    void capEvictsOldestSegmentsFirst();
    void retentionFromTheTarget();
    void smallerLimitsApplyAtOnce();
    void flippedByteIsSetAside();
    void flippedByteUnderAnIndexIsSkippedOnRead();
    void tornTailKeepsTheChunksBefore();
    void killDuringWritesLosesAtMostOneFlush();
    void fullDiskInjected();
    void fullDiskRealFileSizeLimit();
    void secondConsoleOpensReadOnly();
    void readOnlyFolderOpensReadOnly();
    void writerThreadFlushes();
    void flushAppendsOnlyTheNewRows();
    void headIsWrittenWholeAtFourTimesItsSize();
    void tornHeadAppendLosesOnlyThatFlush();
    void singleHeadFileOfTheEarlierVersionLoads();
};

void TestHistoryStore::writeCloseReopen()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    {
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        QCOMPARE(store.mode(), HistoryMode::ReadWrite);
        writeFrames(store, clock, 0, 1000);
        verifyFrames(store, 999); // sealed chunks and the open one
    }
    QVERIFY(!segmentFiles(dir.path()).isEmpty());
    QVERIFY(!segmentFiles(dir.path(), QStringLiteral("*.idx")).isEmpty());
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    QVERIFY(store.takeProblems().isEmpty());
    verifyFrames(store, 999);
    QCOMPARE(store.lastTime(), kStart + 999 * 1000);
    QCOMPARE(store.runStarts().size(), std::size_t(2));
    // Appending after the reopen goes on where it stopped.
    writeFrames(store, clock, 1000, 1300);
    verifyFrames(store, 1299);
}

void TestHistoryStore::rollupsCoverSealedMinutes()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    writeFrames(store, clock, 0, 1800); // 30 minutes
    const Points min = readAll(store, HistoryKind::Rollup, int(RollupColumn::Min));
    const Points max = readAll(store, HistoryKind::Rollup, int(RollupColumn::Max));
    const Points avg = readAll(store, HistoryKind::Rollup, int(RollupColumn::Avg));
    const Points last = readAll(store, HistoryKind::Rollup, int(RollupColumn::Last));
    QCOMPARE(min.times.size(), std::size_t(29)); // every whole minute sealed so far
    for (std::size_t m = 0; m < min.times.size(); ++m) {
        QCOMPARE(min.times[m], kStart + qint64(m) * 60'000);
        // Series 1 is a counter of (i*37)%1000 over the minute's 60 points.
        double lo = 1e300, hi = -1e300, sum = 0;
        for (int i = int(m) * 60; i < int(m) * 60 + 60; ++i) {
            lo = std::min(lo, valueAt(i, 1));
            hi = std::max(hi, valueAt(i, 1));
            sum += valueAt(i, 1);
        }
        QCOMPARE(min.values.at(seriesName(1))[m], lo);
        QCOMPARE(max.values.at(seriesName(1))[m], hi);
        QCOMPARE(avg.values.at(seriesName(1))[m], sum / 60);
        QCOMPARE(last.values.at(seriesName(1))[m], valueAt(int(m) * 60 + 59, 1));
    }
}

void TestHistoryStore::retentionOnManualClock()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryOptions o = smallOptions();
    o.rawRetentionMs = 12 * 60'000;
    o.rollupRetentionMs = 60 * 60'000;
    HistoryStore store(dir.path(), &clock, o);
    QVERIFY(store.open());
    writeFrames(store, clock, 0, 2 * 3600); // two hours
    const Points raw = readAll(store);
    QVERIFY(!raw.times.empty());
    // Raw: nothing in a segment that ended more than 12 min ago (segments are 5 min).
    QVERIFY2(raw.times.front() >= clock.nowMs() - 12 * 60'000 - 5 * 60'000,
             qPrintable(QString::number(clock.nowMs() - raw.times.front())));
    const Points rollup = readAll(store, HistoryKind::Rollup, int(RollupColumn::Avg));
    QVERIFY(!rollup.times.empty());
    QVERIFY(rollup.times.front() >= clock.nowMs() - 60 * 60'000 - 30 * 60'000);
    QVERIFY(rollup.times.front() < raw.times.front()); // rollups reach further back
    // Time passes without polls: everything ages out but the segments being written.
    clock.advanceMs(3LL * 3600 * 1000);
    const QStringList deleted = store.enforceLimits();
    QVERIFY(!deleted.isEmpty());
    for (const QString& path : deleted)
        QVERIFY(!QFile::exists(path));
    QCOMPARE(segmentFiles(dir.path()).size(), 0);
}

void TestHistoryStore::capEvictsOldestSegmentsFirst()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryOptions o = smallOptions();
    o.capBytes = 40'000;
    HistoryStore store(dir.path(), &clock, o);
    QVERIFY(store.open());
    writeFrames(store, clock, 0, 3600);
    const auto segs = store.segments();
    QVERIFY(store.diskBytes() <= o.capBytes);
    QVERIFY(segs.size() >= 2);
    // What is left is the newest: the oldest raw point kept is later than frame 0, and the raw
    // data is contiguous up to now.
    const Points raw = readAll(store);
    QVERIFY(raw.times.front() > kStart);
    for (std::size_t i = 1; i < raw.times.size(); ++i)
        QCOMPARE(raw.times[i] - raw.times[i - 1], qint64(1000));
    QCOMPARE(raw.times.back(), kStart + 3599 * 1000);
    for (const QString& f : segmentFiles(dir.path())) {
        bool ok = false;
        const qint64 start = f.mid(f.indexOf(QLatin1Char('-')) + 1).chopped(4).toLongLong(&ok);
        QVERIFY(ok);
        if (f.startsWith(QLatin1String("raw-")))
            QVERIFY(start + 5 * 60'000 > raw.times.front());
    }
}

// The operator's hours, days and MB become the store's limits; the rest stays as it was.
void TestHistoryStore::retentionFromTheTarget()
{
    const HistoryOptions defaults;
    const HistoryOptions fromDefaults = HistoryOptions::forRetention(HistoryRetention{});
    QCOMPARE(fromDefaults.rawRetentionMs, defaults.rawRetentionMs);
    QCOMPARE(fromDefaults.rollupRetentionMs, defaults.rollupRetentionMs);
    QCOMPARE(fromDefaults.capBytes, defaults.capBytes);
    const HistoryOptions o = HistoryOptions::forRetention({6, 90, 1024});
    QCOMPARE(o.rawRetentionMs, qint64(6) * 3600 * 1000);
    QCOMPARE(o.rollupRetentionMs, qint64(90) * 24 * 3600 * 1000);
    QCOMPARE(o.capBytes, qint64(1024) * 1024 * 1024);
    QCOMPARE(o.rawBlockMs, defaults.rawBlockMs);
    QCOMPARE(o.rollupBucketMs, defaults.rollupBucketMs);
}

// Shorter limits set on an open store delete what is now too old at once, not at some later
// flush; the rollups of the older hours stay while they are within their own limit.
void TestHistoryStore::smallerLimitsApplyAtOnce()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    writeFrames(store, clock, 0, 3 * 3600); // three hours, all kept under the defaults
    store.flush();
    QCOMPARE(readAll(store).times.front(), kStart);
    const QStringList rawBefore = segmentFiles(dir.path(), QStringLiteral("raw-*.seg"));

    const QStringList deleted = store.setRetention({1, 1, 256});
    QCOMPARE(store.options().rawRetentionMs, qint64(3600) * 1000);
    QCOMPARE(store.options().rollupRetentionMs, qint64(24) * 3600 * 1000);
    QVERIFY(!deleted.isEmpty());
    for (const QString& path : deleted) {
        QVERIFY2(!QFile::exists(path), qPrintable(path));
        QVERIFY2(QFileInfo(path).fileName().startsWith(QStringLiteral("raw-")), qPrintable(path));
    }
    const QStringList rawAfter = segmentFiles(dir.path(), QStringLiteral("raw-*.seg"));
    QVERIFY(rawAfter.size() < rawBefore.size());
    // Raw: nothing in a segment that ended more than an hour ago (segments are 5 min).
    const Points raw = readAll(store);
    QVERIFY(!raw.times.empty());
    QVERIFY2(raw.times.front() >= clock.nowMs() - 3600 * 1000 - 5 * 60'000,
             qPrintable(QString::number(clock.nowMs() - raw.times.front())));
    QCOMPARE(raw.times.back(), kStart + (3 * 3600 - 1) * 1000);
    // Rollups: the three hours are within a day, so their start is still there.
    const Points rollup = readAll(store, HistoryKind::Rollup, int(RollupColumn::Avg));
    QVERIFY(!rollup.times.empty());
    QVERIFY(rollup.times.front() < kStart + 60'000);

    // Larger limits delete nothing more; the store keeps writing under them.
    QVERIFY(store.setRetention({48, 30, 256}).isEmpty());
    writeFrames(store, clock, 3 * 3600, 3 * 3600 + 60);
    store.flush();
    QCOMPARE(readAll(store).times.back(), kStart + (3 * 3600 + 59) * 1000);
}

namespace {
void flipByteIn(const QString& path, qint64 at)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek(at));
    char c = 0;
    QVERIFY(f.getChar(&c));
    QVERIFY(f.seek(at));
    QVERIFY(f.putChar(char(c ^ 0x10)));
}
} // namespace

void TestHistoryStore::flippedByteIsSetAside()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    {
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 900); // 15 min: three raw segments
    }
    const QString victim = dir.filePath(QStringLiteral("raw-%1.seg").arg(kStart + 5 * 60'000));
    QVERIFY(QFile::exists(victim));
    const qint64 size = QFileInfo(victim).size();
    flipByteIn(victim, size * 3 / 5);               // in its third chunk
    QFile::remove(victim + QStringLiteral(".idx")); // no index: the segment is scanned
    {
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        const QStringList problems = store.takeProblems();
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].contains(QLatin1String("checksum")), qPrintable(problems[0]));
        QVERIFY(problems[0].contains(QLatin1String("set aside")));
        QCOMPARE(segmentFiles(dir.path(), QStringLiteral("raw-*.seg.corrupt-*")).size(), 1);
        // Everything else loads: all frames but the segment's chunks from the damaged one on.
        const Points p = readAll(store);
        const qint64 holeFrom = kStart + 5 * 60'000 + 2 * 60'000;
        const qint64 holeTo = kStart + 10 * 60'000;
        for (qint64 t : p.times)
            QVERIFY(t < holeFrom || t >= holeTo);
        QCOMPARE(p.times.front(), kStart);
        QCOMPARE(p.times.back(), kStart + 899 * 1000);
        QCOMPARE(p.times.size(), std::size_t(900 - 180));
    }
    // Reported once: the next open finds nothing wrong.
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    QVERIFY(store.takeProblems().isEmpty());
}

void TestHistoryStore::flippedByteUnderAnIndexIsSkippedOnRead()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    {
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 600);
    }
    const QString victim = dir.filePath(QStringLiteral("raw-%1.seg").arg(kStart));
    flipByteIn(victim, 40); // inside its first chunk; the index still matches the size
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    QVERIFY(store.takeProblems().isEmpty());
    const Points p = readAll(store);
    const QStringList problems = store.takeProblems();
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems[0].contains(QLatin1String("checksum")));
    QCOMPARE(p.times.size(), std::size_t(600 - 60));
    QCOMPARE(p.times.front(), kStart + 60'000);
}

void TestHistoryStore::tornTailKeepsTheChunksBefore()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    {
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 240); // three raw chunks in the first segment, one open
    }
    const QString seg = dir.filePath(QStringLiteral("raw-%1.seg").arg(kStart));
    {
        QFile f(seg);
        QVERIFY(f.resize(f.size() - 9)); // the last chunk loses its end
    }
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    const QStringList problems = store.takeProblems();
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems[0].contains(QLatin1String("torn tail")), qPrintable(problems[0]));
    const Points p = readAll(store);
    QCOMPARE(p.times.front(), kStart);
    // Chunks 0-1 (120 frames) survive, the torn third is gone, the open fourth (head.blk) is
    // there.
    std::size_t before = 0;
    for (qint64 t : p.times)
        before += t < kStart + 180'000;
    QCOMPARE(before, std::size_t(120));
    QCOMPARE(p.times.size(), std::size_t(180));
    QCOMPARE(p.times.back(), kStart + 239 * 1000);
    QCOMPARE(segmentFiles(dir.path(), QStringLiteral("*.corrupt-*")).size(), 1);
}

void TestHistoryStore::killDuringWritesLosesAtMostOneFlush()
{
    for (int round = 0; round < 3; ++round) {
        QTemporaryDir dir;
        QProcess child;
        child.start(childBinary(), {QStringLiteral("write"), dir.path(), QStringLiteral("10")});
        QVERIFY(child.waitForStarted());
        int lastFlushed = -1;
        const int wantFlushes = 30 + round * 25; // past several chunk and segment seals
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (lastFlushed < wantFlushes * 10 && timer.elapsed() < 30'000) {
            child.waitForReadyRead(1000);
            out += child.readAllStandardOutput();
            const QList<QByteArray> lines = out.split('\n');
            for (const QByteArray& line : lines) {
                if (line.startsWith("flushed "))
                    lastFlushed = line.mid(8).toInt();
            }
        }
        ::kill(pid_t(child.processId()), SIGKILL); // mid-write, most likely
        child.waitForFinished();
        out += child.readAllStandardOutput();
        for (const QByteArray& line : out.split('\n')) {
            if (line.startsWith("flushed "))
                lastFlushed = std::max(lastFlushed, line.mid(8).toInt());
        }
        QVERIFY(lastFlushed > 0);
        ManualClock clock(kStart + lastFlushed * 1000);
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        QCOMPARE(store.mode(), HistoryMode::ReadWrite); // the dead child's lock is stale
        verifyFrames(store, lastFlushed);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestHistoryStore::fullDiskInjected()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    bool diskFull = false;
    HistoryOptions o = smallOptions();
    o.beforeWrite = [&](qint64) { return !diskFull; };
    {
        HistoryStore store(dir.path(), &clock, o);
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 100);
        diskFull = true;
        writeFrames(store, clock, 100, 400); // seals chunks and flushes, all refused
        const QStringList problems = store.takeProblems();
        QCOMPARE(problems.size(), 1); // once, not once per write
        QVERIFY2(problems[0].contains(QLatin1String("disk may be full")), qPrintable(problems[0]));
        QVERIFY(store.writeFailing());
        verifyFrames(store, 399); // nothing lost: the refused chunks are held in memory
        diskFull = false;
        store.flush();
        QVERIFY(!store.writeFailing());
        QVERIFY(store.takeProblems().join(QLatin1Char(' ')).contains(QLatin1String("again")));
    }
    HistoryStore store(dir.path(), &clock, o);
    QVERIFY(store.open());
    verifyFrames(store, 399);
}

void TestHistoryStore::fullDiskRealFileSizeLimit()
{
    // The kernel refuses the writes (EFBIG, as ENOSPC would), not a hook.
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    writeFrames(store, clock, 0, 60);
    rlimit old{};
    QVERIFY(::getrlimit(RLIMIT_FSIZE, &old) == 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit tiny = old;
    tiny.rlim_cur = 2048;
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &tiny) == 0);
    writeFrames(store, clock, 60, 400);
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &old) == 0);
    std::signal(SIGXFSZ, oldHandler);
    QVERIFY(store.writeFailing());
    const QStringList problems = store.takeProblems();
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems[0].contains(QLatin1String("cannot write history")));
    for (const QString& f : segmentFiles(dir.path()))
        QVERIFY(QFileInfo(dir.filePath(f)).size() <= 2048); // no torn chunk left over the limit
    verifyFrames(store, 399);
    store.flush();
    QVERIFY(!store.writeFailing());
    store.close();
    HistoryStore again(dir.path(), &clock, smallOptions());
    QVERIFY(again.open());
    QVERIFY(again.takeProblems().isEmpty());
    verifyFrames(again, 399);
}

void TestHistoryStore::secondConsoleOpensReadOnly()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    {
        HistoryStore store(dir.path(), &clock, smallOptions());
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 200);
    }
    QProcess first;
    first.start(childBinary(), {QStringLiteral("hold"), dir.path()});
    QVERIFY(first.waitForReadyRead(10'000));
    QVERIFY(first.readAllStandardOutput().startsWith("mode rw"));
    {
        HistoryStore second(dir.path(), &clock, smallOptions());
        QVERIFY(second.open());
        QCOMPARE(second.mode(), HistoryMode::ReadOnly);
        QVERIFY2(second.modeReason().contains(QLatin1String("another console")),
                 qPrintable(second.modeReason()));
        verifyFrames(second, 199); // it reads what the first wrote
        second.append(frameAt(500));
        second.flush();
    }
    first.closeWriteChannel();
    QVERIFY(first.waitForFinished(10'000));
    HistoryStore store(dir.path(), &clock, smallOptions());
    QVERIFY(store.open());
    QCOMPARE(store.mode(), HistoryMode::ReadWrite);
    QCOMPARE(store.lastTime(), kStart + 199 * 1000); // the read-only one wrote nothing
}

void TestHistoryStore::readOnlyFolderOpensReadOnly()
{
    QTemporaryDir parent;
    QFile::setPermissions(parent.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                             QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                             QFileDevice::ExeOther | QFileDevice::ReadGroup |
                                             QFileDevice::ExeGroup);
    const QString folder = parent.filePath(QStringLiteral("history"));
    ManualClock clock(kStart);
    {
        HistoryStore store(folder, &clock, smallOptions());
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 200);
    }
    const auto readOnly = QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther |
                          QFileDevice::ExeOther | QFileDevice::ReadGroup | QFileDevice::ExeGroup;
    QVERIFY(QFile::setPermissions(folder, readOnly));
    for (const QString& f : QDir(folder).entryList(QDir::Files))
        QFile::setPermissions(QDir(folder).filePath(f), QFileDevice::ReadOwner |
                                                            QFileDevice::ReadOther |
                                                            QFileDevice::ReadGroup);
    QProcess child;
    if (::geteuid() == 0) {
        // Root writes anywhere: open it as nobody, as a real user would meet the folder.
        child.start(QStringLiteral("setpriv"),
                    {QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"),
                     QStringLiteral("--clear-groups"), childBinary(), QStringLiteral("mode"),
                     folder});
    } else {
        child.start(childBinary(), {QStringLiteral("mode"), folder});
    }
    QVERIFY(child.waitForFinished(20'000));
    const QByteArray out = child.readAllStandardOutput() + child.readAllStandardError();
    QFile::setPermissions(folder, readOnly | QFileDevice::WriteOwner);
    QVERIFY2(out.startsWith("mode ro the history folder is read-only"), out.constData());
    QVERIFY2(out.contains("points 200"), out.constData());
    QVERIFY(!QFile::exists(QDir(folder).filePath(QStringLiteral("history.lock"))));
}

void TestHistoryStore::writerThreadFlushes()
{
    QTemporaryDir dir;
    ManualClock clock(kStart);
    {
        HistoryWriter writer(dir.path(), &clock, smallOptions(), 50);
        QCOMPARE(writer.openState().mode, HistoryMode::ReadWrite);
        std::vector<HistoryFrame> frames;
        for (int i = 0; i < 30; ++i)
            frames.push_back(frameAt(i));
        writer.append(frames);
        // The timer flushes without being asked: head.blk appears.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(dir.filePath(QStringLiteral("head.blk"))).size() > 100,
                                 5000);
        int points = 0;
        writer.withStore([&](HistoryStore& s) { points = int(readAll(s).times.size()); });
        QCOMPARE(points, 30);
    }
    HistoryWriter again(dir.path(), &clock, smallOptions());
    QCOMPARE(again.openState().lastTime, kStart + 29 * 1000);
}

void TestHistoryStore::flushAppendsOnlyTheNewRows()
{
    // A flush writes what it adds: head.blk grows by about ten rows per flush, not by the whole
    // open chunk, until a sealed chunk (or four times its whole size) has it written whole again.
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryOptions o = smallOptions();
    o.rawBlockMs = 10 * 60'000; // 600 frames in the open chunk
    std::vector<qint64> writes;
    o.beforeWrite = [&writes](qint64 bytes) {
        writes.push_back(bytes);
        return true;
    };
    HistoryStore store(dir.path(), &clock, o);
    QVERIFY(store.open());
    const QString head = dir.filePath(QStringLiteral("head.blk"));
    writeFrames(store, clock, 0, 200);
    const qint64 at200 = QFileInfo(head).size();
    writes.clear();
    writeFrames(store, clock, 200, 210); // one flush, at frame 209
    const qint64 at210 = QFileInfo(head).size();
    QCOMPARE(writes.size(), std::size_t(1));
    QVERIFY2(
        writes[0] < at200 / 4 && at210 == at200 + writes[0],
        qPrintable(
            QStringLiteral("head %1 -> %2 bytes, wrote %3").arg(at200).arg(at210).arg(writes[0])));
    writeFrames(store, clock, 210, 590);
    store.close();
    HistoryStore again(dir.path(), &clock, o);
    QVERIFY(again.open());
    verifyFrames(again, 589);
    QVERIFY(again.takeProblems().isEmpty());
}

void TestHistoryStore::headIsWrittenWholeAtFourTimesItsSize()
{
    // Appends repeat each series' name, so they grow the head faster than its whole form: it is
    // written whole again when it reaches four times that, rarely (a whole write encodes the
    // whole open chunk: 4 times in these 59 flushes, 6 at the old limit of twice), and never left
    // larger.
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryOptions o = smallOptions();
    o.rawBlockMs = 10 * 60'000; // 600 frames, 60 flushes in the open chunk
    HistoryStore store(dir.path(), &clock, o);
    QVERIFY(store.open());
    const QString head = dir.filePath(QStringLiteral("head.blk"));
    qint64 whole = 0; // its size when last written whole
    qint64 previous = 0;
    int wholeWrites = 0;
    for (int flush = 0; flush < 59; ++flush) {
        writeFrames(store, clock, flush * 10, flush * 10 + 10);
        const qint64 size = QFileInfo(head).size();
        if (flush == 0 || size < previous) {
            whole = size;
            ++wholeWrites;
        } else {
            QVERIFY2(size <= 4 * whole, qPrintable(QStringLiteral("flush %1: %2 bytes, whole %3")
                                                       .arg(flush)
                                                       .arg(size)
                                                       .arg(whole)));
        }
        previous = size;
    }
    QVERIFY2(wholeWrites >= 2 && wholeWrites <= 5, qPrintable(QString::number(wholeWrites)));
    store.close();
    HistoryStore again(dir.path(), &clock, o);
    QVERIFY(again.open());
    verifyFrames(again, 589);
}

void TestHistoryStore::tornHeadAppendLosesOnlyThatFlush()
{
    // kill -9 in the middle of a flush's append: its rows are lost, everything before loads,
    // and nothing is reported or set aside (it is a crash, not damage).
    QTemporaryDir dir;
    ManualClock clock(kStart);
    HistoryOptions o = smallOptions();
    o.rawBlockMs = 10 * 60'000;
    {
        HistoryStore store(dir.path(), &clock, o);
        QVERIFY(store.open());
        writeFrames(store, clock, 0, 100); // flushed at frame 99
        const qint64 before = QFileInfo(dir.filePath(QStringLiteral("head.blk"))).size();
        writeFrames(store, clock, 100, 110); // flushed at 109: one more append
        QFile head(dir.filePath(QStringLiteral("head.blk")));
        const qint64 after = head.size();
        QVERIFY(after > before + 20);
        QVERIFY(head.resize(after - 7)); // the last append cut short
        // Closing now writes nothing more to head.blk (no rows since the last flush).
    }
    {
        HistoryStore store(dir.path(), &clock, o);
        QVERIFY(store.open());
        const Points p = readAll(store);
        QCOMPARE(p.times.size(), std::size_t(100));
        verifyFrames(store, 99);
        QVERIFY(store.takeProblems().isEmpty());
        QVERIFY(QDir(dir.path()).entryList({QStringLiteral("*.corrupt-*")}).isEmpty());
        // It goes on: the next flush writes the head whole, and all of it reloads.
        writeFrames(store, clock, 100, 130);
        store.close();
    }
    HistoryStore again(dir.path(), &clock, o);
    QVERIFY(again.open());
    verifyFrames(again, 129);
}

void TestHistoryStore::singleHeadFileOfTheEarlierVersionLoads()
{
    // The open rollups now live in head-rollup.blk beside head.blk; the version before kept both
    // kinds in head.blk (its raw blocks, then its rollup blocks). Such a folder loads whole, and
    // so does one with the rollups in both files (a crash between the two rewrites): no row
    // twice.
    const auto minutes = [](HistoryStore& store) {
        return readAll(store, HistoryKind::Rollup, int(RollupColumn::Avg));
    };
    for (const bool alsoInNewFile : {false, true}) {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryOptions o = smallOptions();
        o.rollupBlockMs = 60 * 60'000; // the rollups stay open (in the head)
        Points before;
        {
            HistoryStore store(dir.path(), &clock, o);
            QVERIFY(store.open());
            writeFrames(store, clock, 0, 1200); // 20 minutes
            before = minutes(store);
            QCOMPARE(before.times.size(), std::size_t(19));
        }
        const QString head = dir.filePath(QStringLiteral("head.blk"));
        const QString rollups = dir.filePath(QStringLiteral("head-rollup.blk"));
        QVERIFY(QFileInfo(rollups).size() > 0);
        QFile raw(head);
        QVERIFY(raw.open(QIODevice::Append));
        QFile r(rollups);
        QVERIFY(r.open(QIODevice::ReadOnly));
        QVERIFY(raw.write(r.readAll()) > 0);
        raw.close();
        r.close();
        if (!alsoInNewFile)
            QVERIFY(QFile::remove(rollups));
        HistoryStore store(dir.path(), &clock, o);
        QVERIFY(store.open());
        QVERIFY(store.takeProblems().isEmpty());
        verifyFrames(store, 1199);
        const Points after = minutes(store);
        QCOMPARE(after.times, before.times);
        QCOMPARE(after.values.at(seriesName(1)), before.values.at(seriesName(1)));
        // It goes on, and the next flush splits the head again.
        writeFrames(store, clock, 1200, 1320);
        store.close();
        HistoryStore again(dir.path(), &clock, o);
        QVERIFY(again.open());
        verifyFrames(again, 1319);
        QCOMPARE(minutes(again).times.size(), std::size_t(21));
    }
}

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "TestHistoryStore.moc"
