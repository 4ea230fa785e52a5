#include "models/history/HistoryStore.h"

#include "models/domain/Logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSaveFile>
#include <QtDebug>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t kIndexMagic = 0x31494842; // "BHI1"

const char* kindPrefix(HistoryKind k)
{
    return k == HistoryKind::Raw ? "raw-" : "rollup-";
}

void putU32(QByteArray& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.append(static_cast<char>(v >> (8 * i)));
}
void putI64(QByteArray& out, qint64 v)
{
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i)
        out.append(static_cast<char>(u >> (8 * i)));
}
std::uint64_t getLE(const char* p, int n)
{
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
        v |= std::uint64_t{static_cast<std::uint8_t>(p[i])} << (8 * i);
    return v;
}

bool syncFile(QFileDevice& f)
{
    if (!f.flush())
        return false;
#if defined(Q_OS_UNIX)
    return ::fdatasync(f.handle()) == 0;
#else
    return true;
#endif
}

// The rows of a rollup block after time `from`.
HistoryBlock rowsAfter(const HistoryBlock& r, qint64 from)
{
    HistoryBlock keep = r;
    keep.times.clear();
    for (auto& s : keep.series)
        for (auto& c : s.columns)
            c.clear();
    for (std::size_t i = 0; i < r.times.size(); ++i) {
        if (r.times[i] <= from)
            continue;
        keep.times.push_back(r.times[i]);
        for (std::size_t s = 0; s < r.series.size(); ++s)
            for (std::size_t c = 0; c < kRollupColumns; ++c)
                keep.series[s].columns[c].push_back(r.series[s].columns[c][i]);
    }
    return keep;
}

} // namespace

HistoryStore::HistoryStore(QString folder, const Clock* clock, HistoryOptions options)
    : m_folder(std::move(folder))
    , m_clock(clock)
    , m_options(std::move(options))
{
    m_options.rollupBucketMs = std::max<qint64>(m_options.rollupBucketMs, 1000);
    // Chunks end on whole buckets, so a minute never straddles two raw chunks.
    const qint64 b = m_options.rollupBucketMs;
    m_options.rawBlockMs = std::max(b, m_options.rawBlockMs / b * b);
    m_options.rollupBlockMs = std::max(b, m_options.rollupBlockMs / b * b);
    m_options.rawSegmentMs = std::max(m_options.rawBlockMs, m_options.rawSegmentMs);
    m_options.rollupSegmentMs = std::max(m_options.rollupBlockMs, m_options.rollupSegmentMs);
}

HistoryStore::~HistoryStore()
{
    close();
}

qint64 HistoryStore::slotOf(qint64 t, qint64 span) const
{
    return t >= 0 ? t / span : (t - span + 1) / span;
}

void HistoryStore::problem(const QString& text)
{
    qCWarning(lcHistory).noquote() << "history:" << text;
    m_problems << text;
}

QStringList HistoryStore::takeProblems()
{
    QStringList out;
    out.swap(m_problems);
    return out;
}

bool HistoryStore::open(bool readOnly)
{
    close();
    QDir dir(m_folder);
    if (!dir.exists() && !readOnly)
        QDir().mkpath(m_folder);
    if (!dir.exists()) {
        m_modeReason = QStringLiteral("history folder %1 does not exist and cannot be made")
                           .arg(QDir::toNativeSeparators(m_folder));
        return false;
    }
    const bool writable = claimWriting(dir, readOnly);
    m_mode = writable ? HistoryMode::ReadWrite : HistoryMode::ReadOnly;
    if (writable)
        m_modeReason.clear();

    const QString runsPath = dir.filePath(QStringLiteral("runs.log"));
    loadRunStarts(runsPath);
    loadSegments(dir);
    loadHead();
    rollUpUnrolledRaw();
    if (m_mode == HistoryMode::ReadWrite)
        appendRunStart(runsPath);
    return true;
}

bool HistoryStore::claimWriting(const QDir& dir, bool readOnly)
{
    if (readOnly) {
        m_modeReason = QStringLiteral("opened read-only");
        return false;
    }
    // A real write, not the permission bits: root ignores those, a read-only mount does not.
    QFile probe(dir.filePath(QStringLiteral(".write-probe")));
    const bool probed = probe.open(QIODevice::WriteOnly) && probe.write("x", 1) == 1;
    probe.close();
    probe.remove();
    if (!probed) {
        m_modeReason = QStringLiteral("the history folder is read-only");
        return false;
    }
    m_lock = std::make_unique<QLockFile>(dir.filePath(QStringLiteral("history.lock")));
    m_lock->setStaleLockTime(0); // stale only when its process is gone (kill -9, a crash)
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        m_modeReason = QStringLiteral("another console (pid %1) is writing this history").arg(pid);
        m_lock.reset();
        return false;
    }
    return true;
}

// Runs: when each console run started.
void HistoryStore::loadRunStarts(const QString& runsPath)
{
    QFile runs(runsPath);
    if (!runs.open(QIODevice::ReadOnly))
        return;
    for (const QByteArray& line : runs.readAll().split('\n')) {
        bool ok = false;
        const qint64 t = line.trimmed().toLongLong(&ok);
        if (ok)
            m_runStarts.push_back(t);
    }
}

void HistoryStore::appendRunStart(const QString& runsPath)
{
    const qint64 now = m_clock->nowMs();
    m_runStarts.push_back(now);
    QFile runs(runsPath);
    if (runs.open(QIODevice::Append))
        runs.write(QByteArray::number(now) + '\n');
}

void HistoryStore::loadSegments(const QDir& dir)
{
    const QStringList names = dir.entryList({QStringLiteral("*.seg")}, QDir::Files, QDir::Name);
    for (const QString& name : names) {
        Segment seg;
        seg.path = dir.filePath(name);
        seg.kind = name.startsWith(QLatin1String("raw-")) ? HistoryKind::Raw : HistoryKind::Rollup;
        bool ok = false;
        seg.start = name.mid(name.indexOf(QLatin1Char('-')) + 1).chopped(4).toLongLong(&ok);
        if (!ok)
            continue;
        seg.bytes = QFileInfo(seg.path).size();
        if (!loadIndex(seg))
            scanSegment(seg);
        m_segments.push_back(std::move(seg));
    }
    std::sort(m_segments.begin(), m_segments.end(),
              [](const Segment& a, const Segment& b) { return a.start < b.start; });
    for (const Segment& seg : m_segments) {
        if (seg.kind != HistoryKind::Raw)
            continue;
        for (const IndexEntry& e : seg.index)
            m_sealedUntil[e.group] = std::max(m_sealedUntil[e.group], e.lastTime);
    }
}

// Raw chunks sealed after the head last got their rollups (a crash between the two writes):
// roll them up again.
void HistoryStore::rollUpUnrolledRaw()
{
    const std::map<std::string, qint64> rolledUntil = rolledUntilByGroup();
    for (const auto& [group, until] : m_sealedUntil) {
        const auto it = rolledUntil.find(group);
        const qint64 from =
            it == rolledUntil.end() ? std::numeric_limits<qint64>::min() : it->second;
        // A rollup row stands for its whole bucket: raw times before the bucket's end are in it.
        if (until <= from || (it != rolledUntil.end() && until < from + m_options.rollupBucketMs))
            continue;
        for (const HistoryBlock& raw : read(HistoryKind::Raw, group, from, until)) {
            if (raw.kind != HistoryKind::Raw || raw.lastTime() > until)
                continue;
            const HistoryBlock keep = rowsAfter(rollupOf(raw, m_options.rollupBucketMs), from);
            if (!keep.times.empty() && m_mode == HistoryMode::ReadWrite)
                addRollupRows(keep);
        }
    }
}

// Group -> the last rollup time held, on disk or in the open windows.
std::map<std::string, qint64> HistoryStore::rolledUntilByGroup() const
{
    std::map<std::string, qint64> rolledUntil;
    for (const Segment& seg : m_segments) {
        if (seg.kind != HistoryKind::Rollup)
            continue;
        for (const IndexEntry& e : seg.index)
            rolledUntil[e.group] = std::max(rolledUntil[e.group], e.lastTime);
    }
    for (const auto& [group, w] : m_rollup) {
        if (!w.times.empty())
            rolledUntil[group] = std::max(rolledUntil[group], w.times.back());
    }
    return rolledUntil;
}

bool HistoryStore::backdateRunStart(qint64 timeMs)
{
    if (m_mode != HistoryMode::ReadWrite || m_runStarts.empty() || timeMs >= m_runStarts.back())
        return false;
    if (m_runStarts.size() > 1 && timeMs <= m_runStarts[m_runStarts.size() - 2])
        return false;
    m_runStarts.back() = timeMs;
    QSaveFile runs(QDir(m_folder).filePath(QStringLiteral("runs.log")));
    if (!runs.open(QIODevice::WriteOnly))
        return false;
    for (const qint64 t : m_runStarts)
        runs.write(QByteArray::number(t) + '\n');
    return runs.commit();
}

void HistoryStore::close()
{
    if (m_mode == HistoryMode::ReadWrite) {
        flush();
        for (Segment& seg : m_segments) {
            if (!seg.indexWritten)
                writeIndex(seg);
        }
    }
    m_mode = HistoryMode::Closed;
    m_segments.clear();
    m_raw.clear();
    m_rollup.clear();
    m_sealedUntil.clear();
    m_headRawRows.clear();
    m_headRollupRows.clear();
    m_headRaw = HeadFile{};
    m_headRollup = HeadFile{};
    m_unwritten.clear();
    m_unwrittenBytes = 0;
    m_runStarts.clear();
    if (m_lock) {
        m_lock->unlock();
        m_lock.reset();
    }
}

bool HistoryStore::loadIndex(Segment& seg)
{
    QFile f(seg.path + QStringLiteral(".idx"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = f.readAll();
    if (bytes.size() < 20 || getLE(bytes.constData(), 4) != kIndexMagic)
        return false;
    const auto crc = static_cast<std::uint32_t>(getLE(bytes.constData() + 4, 4));
    const auto* body = reinterpret_cast<const std::uint8_t*>(bytes.constData() + 8);
    const std::size_t bodySize = std::size_t(bytes.size()) - 8;
    if (crc32Of(body, bodySize) != crc)
        return false;
    const char* p = bytes.constData() + 8;
    const char* end = bytes.constData() + bytes.size();
    const auto segBytes = static_cast<qint64>(getLE(p, 8));
    const auto count = static_cast<std::uint32_t>(getLE(p + 8, 4));
    p += 12;
    if (segBytes != seg.bytes)
        return false; // the segment grew (or shrank) since: scan it
    std::vector<IndexEntry> entries;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (end - p < 1)
            return false;
        const int groupBytes = static_cast<std::uint8_t>(*p++);
        if (end - p < groupBytes + 32)
            return false;
        IndexEntry e;
        e.group.assign(p, std::size_t(groupBytes));
        p += groupBytes;
        e.firstTime = static_cast<qint64>(getLE(p, 8));
        e.lastTime = static_cast<qint64>(getLE(p + 8, 8));
        e.offset = static_cast<qint64>(getLE(p + 16, 8));
        e.bytes = static_cast<qint64>(getLE(p + 24, 8));
        p += 32;
        entries.push_back(std::move(e));
    }
    seg.index = std::move(entries);
    seg.indexWritten = true;
    return true;
}

void HistoryStore::writeIndex(Segment& seg)
{
    if (m_mode != HistoryMode::ReadWrite)
        return;
    QByteArray body;
    putI64(body, seg.bytes);
    putU32(body, static_cast<std::uint32_t>(seg.index.size()));
    for (const IndexEntry& e : seg.index) {
        body.append(static_cast<char>(std::min<std::size_t>(e.group.size(), 255)));
        body.append(e.group.data(),
                    static_cast<qsizetype>(std::min<std::size_t>(e.group.size(), 255)));
        putI64(body, e.firstTime);
        putI64(body, e.lastTime);
        putI64(body, e.offset);
        putI64(body, e.bytes);
    }
    QByteArray out;
    putU32(out, kIndexMagic);
    putU32(out, crc32Of(reinterpret_cast<const std::uint8_t*>(body.constData()),
                        std::size_t(body.size())));
    out += body;
    if (!checkedWrite(out.size()))
        return; // the index is a cache: the segment is scanned next time
    QSaveFile f(seg.path + QStringLiteral(".idx"));
    if (f.open(QIODevice::WriteOnly) && f.write(out) == out.size() && f.commit())
        seg.indexWritten = true;
}

bool HistoryStore::scanSegment(Segment& seg)
{
    QFile f(seg.path);
    if (!f.open(QIODevice::ReadOnly)) {
        problem(QStringLiteral("cannot read %1: %2").arg(seg.path, f.errorString()));
        return false;
    }
    const QByteArray bytes = f.readAll();
    f.close();
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.constData());
    const std::size_t size = std::size_t(bytes.size());
    std::size_t offset = 0;
    seg.index.clear();
    while (offset < size) {
        std::size_t frame = 0;
        HistoryBlock block;
        const BlockReadStatus status =
            decodeBlock(data + offset, size - offset, frame, &block, true);
        if (status != BlockReadStatus::Ok) {
            setAside(seg, qint64(offset), QString::fromLatin1(blockReadStatusText(status)));
            break;
        }
        seg.index.push_back(
            {block.group, block.firstTime(), block.lastTime(), qint64(offset), qint64(frame)});
        offset += frame;
    }
    seg.bytes = qint64(std::min(offset, size));
    seg.indexWritten = false;
    return true;
}

void HistoryStore::setAside(Segment& seg, qint64 goodBytes, const QString& why)
{
    const QString aside =
        seg.path + QStringLiteral(".corrupt-%1").arg(QDateTime::currentMSecsSinceEpoch());
    if (m_mode != HistoryMode::ReadWrite) {
        problem(QStringLiteral("history segment %1: %2 at byte %3; the %4 chunks before it are "
                               "read, the rest is skipped (read-only)")
                    .arg(QFileInfo(seg.path).fileName(), why)
                    .arg(goodBytes)
                    .arg(seg.index.size()));
        return;
    }
    QFile::remove(seg.path + QStringLiteral(".idx"));
    bool ok = QFile::rename(seg.path, aside);
    if (ok) {
        QFile from(aside);
        QFile to(seg.path);
        ok = from.open(QIODevice::ReadOnly) && to.open(QIODevice::WriteOnly);
        if (ok && goodBytes > 0)
            ok = to.write(from.read(goodBytes)) == goodBytes && syncFile(to);
    }
    problem(QStringLiteral("history segment %1: %2 at byte %3; set aside as %4, the %5 chunks "
                           "before it kept")
                .arg(QFileInfo(seg.path).fileName(), why)
                .arg(goodBytes)
                .arg(QFileInfo(aside).fileName())
                .arg(seg.index.size()) +
            (ok ? QString() : QStringLiteral(" (copying them failed)")));
}

void HistoryStore::loadHead()
{
    std::map<std::string, qint64> rolledSealed;
    for (const Segment& seg : m_segments) {
        if (seg.kind == HistoryKind::Rollup)
            for (const IndexEntry& e : seg.index)
                rolledSealed[e.group] = std::max(rolledSealed[e.group], e.lastTime);
    }
    // Rollups first: written first, so after a crash between the two rewrites the rows are in
    // both files (the second copy is skipped), never in neither.
    loadHeadFile(QStringLiteral("head-rollup.blk"), rolledSealed);
    loadHeadFile(QStringLiteral("head.blk"), rolledSealed);
}

void HistoryStore::loadHeadFile(const QString& name,
                                const std::map<std::string, qint64>& rolledSealed)
{
    const QString path = QDir(m_folder).filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return;
    const QByteArray bytes = f.readAll();
    f.close();
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.constData());
    std::size_t offset = 0;
    while (offset < std::size_t(bytes.size())) {
        std::size_t frame = 0;
        HistoryBlock block;
        const BlockReadStatus status =
            decodeBlock(data + offset, std::size_t(bytes.size()) - offset, frame, &block);
        if (status == BlockReadStatus::Truncated)
            break; // a flush's append cut short (kill -9): its rows are lost, the rest loads
        if (status != BlockReadStatus::Ok) {
            // Anything but a short last block is damage, not a crash mid-write.
            const QString aside =
                path + QStringLiteral(".corrupt-%1").arg(QDateTime::currentMSecsSinceEpoch());
            if (m_mode == HistoryMode::ReadWrite)
                QFile::rename(path, aside);
            problem(
                QStringLiteral("history %1: %2 at byte %3; the open chunks after it are "
                               "lost%4")
                    .arg(name, QString::fromLatin1(blockReadStatusText(status)))
                    .arg(offset)
                    .arg(m_mode == HistoryMode::ReadWrite
                             ? QStringLiteral(" (set aside as %1)").arg(QFileInfo(aside).fileName())
                             : QString()));
            break;
        }
        offset += frame;
        const bool raw = block.kind == HistoryKind::Raw;
        const auto sealed = raw ? m_sealedUntil.find(block.group) : rolledSealed.find(block.group);
        const qint64 after = sealed == (raw ? m_sealedUntil.end() : rolledSealed.end())
                                 ? std::numeric_limits<qint64>::min()
                                 : sealed->second;
        OpenWindow& w = raw ? m_raw[block.group] : m_rollup[block.group];
        // Times increase within a block: the rows a sealed chunk holds are a prefix. The kept
        // rows go in a series at a time (a column found once a block, not once a row).
        // (Rows the window has already: a second copy, from the other head file.)
        const qint64 from = w.times.empty() ? after : std::max(after, w.times.back());
        std::size_t first = 0;
        while (first < block.times.size() && block.times[first] <= from)
            ++first;
        if (first < block.times.size()) {
            if (w.times.empty())
                w.slot = slotOf(block.times[first],
                                raw ? m_options.rawBlockMs : m_options.rollupBlockMs);
            const std::size_t base = w.times.size();
            w.times.insert(w.times.end(), block.times.begin() + qsizetype(first),
                           block.times.end());
            const std::size_t width = raw ? 1 : kRollupColumns;
            for (const HistorySeries& s : block.series) {
                auto& col = w.columns[s.name];
                col.resize(base * width, kNaN);
                for (std::size_t i = first; i < block.times.size(); ++i)
                    for (std::size_t c = 0; c < width; ++c)
                        col.push_back(c < s.columns.size() && i < s.columns[c].size()
                                          ? s.columns[c][i]
                                          : kNaN);
            }
        }
        if (w.times.empty())
            (raw ? m_raw : m_rollup).erase(block.group);
    }
}

HistoryBlock HistoryStore::windowBlock(const std::string& group, const OpenWindow& w,
                                       HistoryKind kind, std::size_t fromRow,
                                       const std::vector<std::string>* only) const
{
    HistoryBlock b;
    b.kind = kind;
    b.group = group;
    fromRow = std::min(fromRow, w.times.size());
    b.times.assign(w.times.begin() + qsizetype(fromRow), w.times.end());
    const std::size_t rows = b.times.size();
    const std::size_t width = kind == HistoryKind::Raw ? 1 : kRollupColumns;
    b.series.reserve(w.columns.size());
    for (const auto& [name, col] : w.columns) {
        if (only && std::find(only->begin(), only->end(), name) == only->end())
            continue;
        HistorySeries s;
        s.name = name;
        s.columns.assign(width, std::vector<double>(rows, kNaN));
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t c = 0; c < width; ++c)
                if ((fromRow + i) * width + c < col.size())
                    s.columns[c][i] = col[(fromRow + i) * width + c];
        b.series.push_back(std::move(s));
    }
    return b;
}

std::vector<std::uint8_t> HistoryStore::encodeWindow(const std::string& group, const OpenWindow& w,
                                                     HistoryKind kind, std::size_t fromRow) const
{
    fromRow = std::min(fromRow, w.times.size());
    const std::size_t width = kind == HistoryKind::Raw ? 1 : kRollupColumns;
    std::vector<SeriesColumnsView> views;
    views.reserve(w.columns.size());
    for (const auto& [name, col] : w.columns) {
        SeriesColumnsView& v = views.emplace_back();
        v.name = &name;
        v.stride = width;
        for (std::size_t c = 0; c < width; ++c) {
            // Row r, column c is col[r * width + c] (missing at the end: NaN).
            const std::size_t at = fromRow * width + c;
            v.values[c] = at < col.size() ? col.data() + at : nullptr;
            v.rows[c] = at < col.size() ? (col.size() - at + width - 1) / width : 0;
        }
    }
    return encodeBlockView(kind, group, w.times.data() + fromRow, w.times.size() - fromRow, views);
}

void HistoryStore::append(const HistoryFrame& frame)
{
    if (m_mode != HistoryMode::ReadWrite)
        return;
    OpenWindow& w = m_raw[frame.group];
    qint64 t = frame.timeMs;
    const auto sealed = m_sealedUntil.find(frame.group);
    if (sealed != m_sealedUntil.end())
        t = std::max(t, sealed->second);
    if (!w.times.empty())
        t = std::max(t, w.times.back());
    const qint64 slot = slotOf(t, m_options.rawBlockMs);
    if (!w.times.empty() && slot != w.slot)
        sealRaw(frame.group);
    OpenWindow& open = m_raw[frame.group];
    if (open.times.empty())
        open.slot = slot;
    open.times.push_back(t);
    const std::size_t row = open.times.size() - 1;
    auto& order = open.frameOrder;
    if (order.size() > frame.values.size())
        order.resize(frame.values.size());
    for (std::size_t i = 0; i < frame.values.size(); ++i) {
        const HistoryValue& v = frame.values[i];
        std::vector<double>* col = nullptr;
        if (i < order.size() && *order[i].first == v.name) {
            col = order[i].second;
        } else {
            const auto it = open.columns.try_emplace(v.name).first;
            col = &it->second;
            if (i < order.size())
                order[i] = {&it->first, col};
            else
                order.emplace_back(&it->first, col);
        }
        if (col->size() < row)
            col->resize(row, kNaN);
        if (col->size() == row)
            col->push_back(v.value);
    }
}

void HistoryStore::sealRaw(const std::string& group)
{
    auto it = m_raw.find(group);
    if (it == m_raw.end() || it->second.times.empty())
        return;
    HistoryBlock block = windowBlock(group, it->second, HistoryKind::Raw);
    m_raw.erase(it);
    // Its rows stay in head.blk until it is next written whole: loading skips rows that a
    // sealed chunk holds, so appends go on from the new window's first row.
    m_headRawRows[group] = 0;
    addRollupRows(rollupOf(block, m_options.rollupBucketMs));
    m_sealedUntil[group] = std::max(m_sealedUntil[group], block.lastTime());
    // Its rows in head.blk are dead now: the next flush writes the head whole, which costs the
    // new window's few rows (not a whole window's, as when the appends had doubled it). Only
    // once the chunk is on disk: until then the head keeps them.
    if (appendToSegment(HistoryKind::Raw, block))
        m_headRaw.rewrite = true;
}

void HistoryStore::addRollupRows(const HistoryBlock& rollup)
{
    for (std::size_t i = 0; i < rollup.times.size(); ++i) {
        const qint64 t = rollup.times[i];
        const qint64 slot = slotOf(t, m_options.rollupBlockMs);
        auto found = m_rollup.find(rollup.group);
        if (found != m_rollup.end() && !found->second.times.empty() && found->second.slot != slot)
            sealRollup(rollup.group);
        OpenWindow& w = m_rollup[rollup.group];
        if (!w.times.empty() && t <= w.times.back())
            continue;
        if (w.times.empty())
            w.slot = slot;
        w.times.push_back(t);
        const std::size_t row = w.times.size() - 1;
        for (const HistorySeries& s : rollup.series) {
            auto& col = w.columns[s.name];
            col.resize(row * kRollupColumns, kNaN);
            for (std::size_t c = 0; c < kRollupColumns; ++c)
                col.push_back(s.columns[c][i]);
        }
    }
}

void HistoryStore::sealRollup(const std::string& group)
{
    auto it = m_rollup.find(group);
    if (it == m_rollup.end() || it->second.times.empty())
        return;
    HistoryBlock block = windowBlock(group, it->second, HistoryKind::Rollup);
    m_rollup.erase(it);
    m_headRollupRows[group] = 0;
    if (appendToSegment(HistoryKind::Rollup, block))
        m_headRollup.rewrite = true; // as sealRaw
}

HistoryStore::Segment* HistoryStore::currentSegment(HistoryKind kind, qint64 time)
{
    const qint64 span =
        kind == HistoryKind::Raw ? m_options.rawSegmentMs : m_options.rollupSegmentMs;
    const qint64 start = slotOf(time, span) * span;
    Segment* last = nullptr;
    for (Segment& s : m_segments) {
        if (s.kind == kind && (!last || s.start >= last->start))
            last = &s;
    }
    if (last && last->start == start)
        return last;
    if (last && !last->indexWritten)
        writeIndex(*last); // sealed: nothing more goes into it
    Segment seg;
    seg.kind = kind;
    seg.start = start;
    seg.path = QDir(m_folder).filePath(QString::fromLatin1(kindPrefix(kind)) +
                                       QString::number(start) + QStringLiteral(".seg"));
    m_segments.push_back(std::move(seg));
    std::sort(m_segments.begin(), m_segments.end(),
              [](const Segment& a, const Segment& b) { return a.start < b.start; });
    for (Segment& s : m_segments) {
        if (s.kind == kind && s.start == start)
            return &s;
    }
    return nullptr;
}

bool HistoryStore::checkedWrite(qint64 bytes)
{
    return !m_options.beforeWrite || m_options.beforeWrite(bytes);
}

void HistoryStore::reportWriteFailure(const QString& what)
{
    if (!m_writeFailing)
        problem(QStringLiteral("cannot write history (%1): the disk may be full; polling goes on "
                               "and the charts keep their points in memory")
                    .arg(what));
    m_writeFailing = true;
}

bool HistoryStore::appendToSegment(HistoryKind kind, const HistoryBlock& block)
{
    const std::vector<std::uint8_t> bytes = encodeBlock(block);
    auto keep = [&] {
        m_unwritten.push_back({kind, block, qint64(bytes.size())});
        m_unwrittenBytes += qint64(bytes.size());
        while (m_unwrittenBytes > m_options.maxUnwrittenBytes && m_unwritten.size() > 1) {
            m_unwrittenBytes -= m_unwritten.front().bytes;
            m_unwritten.erase(m_unwritten.begin());
            ++m_droppedUnwritten;
        }
        return false;
    };
    if (m_mode != HistoryMode::ReadWrite)
        return false;
    Segment* seg = currentSegment(kind, block.firstTime());
    if (!seg)
        return keep();
    QFile f(seg->path);
    if (!checkedWrite(qint64(bytes.size()))) {
        reportWriteFailure(QStringLiteral("no space"));
        return keep();
    }
    if (!f.open(QIODevice::ReadWrite)) {
        reportWriteFailure(f.errorString());
        return keep();
    }
    const qint64 before = seg->bytes;
    const bool ok = f.seek(before) &&
                    f.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size())) ==
                        qint64(bytes.size()) &&
                    syncFile(f);
    if (!ok) {
        const QString why = errno ? QString::fromLocal8Bit(std::strerror(errno)) : f.errorString();
        f.resize(before); // no torn chunk left behind
        f.close();
        reportWriteFailure(why);
        return keep();
    }
    f.close();
    seg->index.push_back(
        {block.group, block.firstTime(), block.lastTime(), before, qint64(bytes.size())});
    seg->bytes = before + qint64(bytes.size());
    seg->indexWritten = false;
    return true;
}

bool HistoryStore::writeUnwritten()
{
    if (m_unwritten.empty())
        return true;
    std::vector<Unwritten> pending;
    pending.swap(m_unwritten);
    m_unwrittenBytes = 0;
    bool ok = true;
    for (Unwritten& u : pending) {
        if (!ok) {
            m_unwritten.push_back(std::move(u));
            m_unwrittenBytes += m_unwritten.back().bytes;
            continue;
        }
        ok = appendToSegment(u.kind, u.block);
    }
    return ok;
}

bool HistoryStore::writeHead()
{
    // Rollups first (see loadHead).
    const bool rollups = writeHeadFile(HistoryKind::Rollup);
    return writeHeadFile(HistoryKind::Raw) && rollups;
}

// Appends stop (the head is written whole) when it reaches this many times its whole size. An
// append repeats each series' name and starts each value column afresh, so its rows cost ~2.7
// times what they do in the whole file: at 2 the head was rewritten every few flushes, each time
// encoding the whole open chunk (+50 % write time at gateway-10k). At 4 it holds about as many
// bytes as 2 did before the recent-value code made whole files half as big.
constexpr qint64 kHeadAppendsUpTo = 4;

bool HistoryStore::writeHeadFile(HistoryKind kind)
{
    const bool raw = kind == HistoryKind::Raw;
    const QString path = QDir(m_folder).filePath(raw ? QStringLiteral("head.blk")
                                                     : QStringLiteral("head-rollup.blk"));
    HeadFile& head = raw ? m_headRaw : m_headRollup;
    const std::map<std::string, OpenWindow>& windows = raw ? m_raw : m_rollup;
    std::map<std::string, std::size_t>& written = raw ? m_headRawRows : m_headRollupRows;
    if (!head.rewrite && !head.appendsOff) {
        // Only the rows since the last flush: a flush costs what it adds, not the whole window.
        QByteArray out;
        for (const auto& [group, w] : windows) {
            const std::size_t from = written[group];
            if (w.times.size() <= from)
                continue;
            const auto b = encodeWindow(group, w, kind, from);
            out.append(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()));
        }
        if (out.isEmpty())
            return true;
        if (head.bytes + out.size() <= kHeadAppendsUpTo * head.fullBytes) {
            if (!checkedWrite(out.size())) {
                reportWriteFailure(QStringLiteral("no space"));
                return false;
            }
            QFile f(path);
            const qint64 before = f.exists() ? f.size() : -1;
            const bool ok = before >= 0 && f.open(QIODevice::ReadWrite) && f.seek(before) &&
                            f.write(out) == out.size() && syncFile(f);
            if (ok) {
                for (const auto& [group, w] : windows)
                    written[group] = w.times.size();
                head.bytes = before + out.size();
                return true;
            }
            if (before >= 0 && f.isOpen())
                f.resize(before); // no torn rows left behind
            f.close();
            // Write it whole instead (below), and so from now on in this run: a failure is
            // reported only when that fails too, and "written again" cannot flap with each
            // append that a whole head, smaller, would not have needed.
            head.appendsOff = true;
        }
        // The appends doubled it, or one failed: write it whole.
    }
    QByteArray out;
    for (const auto& [group, w] : windows) {
        if (w.times.empty())
            continue;
        const auto b = encodeWindow(group, w, kind);
        out.append(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()));
    }
    if (!checkedWrite(out.size())) {
        reportWriteFailure(QStringLiteral("no space"));
        return false;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(out) != out.size() || !f.commit()) {
        reportWriteFailure(f.errorString());
        return false;
    }
    written.clear();
    for (const auto& [group, w] : windows)
        written[group] = w.times.size();
    head.rewrite = false;
    head.bytes = head.fullBytes = out.size();
    return true;
}

void HistoryStore::flush()
{
    if (m_mode != HistoryMode::ReadWrite)
        return;
    const bool chunksOut = writeUnwritten();
    if (writeHead() && chunksOut && m_writeFailing) {
        m_writeFailing = false;
        problem(QStringLiteral("history is written again") +
                (m_droppedUnwritten ? QStringLiteral(" (%1 chunks could not be kept meanwhile)")
                                          .arg(m_droppedUnwritten)
                                    : QString()));
        m_droppedUnwritten = 0;
    }
    enforceLimits();
}

HistoryOptions HistoryOptions::forRetention(const HistoryRetention& retention)
{
    HistoryOptions options;
    options.applyRetention(retention);
    return options;
}

void HistoryOptions::applyRetention(const HistoryRetention& retention)
{
    rawRetentionMs = qint64(retention.rawHours) * 3600'000;
    rollupRetentionMs = qint64(retention.rollupDays) * 24 * 3600'000;
    capBytes = qint64(retention.capMb) << 20;
}

QStringList HistoryStore::setRetention(const HistoryRetention& retention)
{
    m_options.applyRetention(retention);
    return enforceLimits();
}

QStringList HistoryStore::enforceLimits()
{
    QStringList deleted;
    if (m_mode != HistoryMode::ReadWrite)
        return deleted;
    const qint64 now = m_clock->nowMs();
    auto lastOf = [](const Segment& s) {
        qint64 t = s.start;
        for (const IndexEntry& e : s.index)
            t = std::max(t, e.lastTime);
        return t;
    };
    auto remove = [&](std::size_t i) {
        QFile::remove(m_segments[i].path);
        QFile::remove(m_segments[i].path + QStringLiteral(".idx"));
        deleted << m_segments[i].path;
        m_segments.erase(m_segments.begin() + static_cast<std::ptrdiff_t>(i));
    };
    for (std::size_t i = 0; i < m_segments.size();) {
        const Segment& s = m_segments[i];
        const qint64 keep =
            s.kind == HistoryKind::Raw ? m_options.rawRetentionMs : m_options.rollupRetentionMs;
        if (lastOf(s) < now - keep)
            remove(i);
        else
            ++i;
    }
    // The cap: oldest segments first, never the newest of a kind (the one being written).
    auto newestOf = [&](HistoryKind k) {
        qint64 start = std::numeric_limits<qint64>::min();
        for (const Segment& s : m_segments)
            if (s.kind == k)
                start = std::max(start, s.start);
        return start;
    };
    while (diskBytes() > m_options.capBytes) {
        std::size_t victim = m_segments.size();
        for (std::size_t i = 0; i < m_segments.size(); ++i) {
            const Segment& s = m_segments[i];
            if (s.start == newestOf(s.kind))
                continue;
            if (victim == m_segments.size() || s.start < m_segments[victim].start)
                victim = i;
        }
        if (victim == m_segments.size())
            break;
        remove(victim);
    }
    return deleted;
}

qint64 HistoryStore::diskBytes() const
{
    qint64 total = 0;
    for (const Segment& s : m_segments)
        total += s.bytes;
    return total;
}

std::vector<HistorySegmentInfo> HistoryStore::segments() const
{
    std::vector<HistorySegmentInfo> out;
    for (const Segment& s : m_segments) {
        HistorySegmentInfo i;
        i.path = s.path;
        i.kind = s.kind;
        i.bytes = s.bytes;
        i.chunks = int(s.index.size());
        i.firstTime = s.index.empty() ? s.start : s.index.front().firstTime;
        i.lastTime = s.start;
        for (const IndexEntry& e : s.index)
            i.lastTime = std::max(i.lastTime, e.lastTime);
        out.push_back(i);
    }
    return out;
}

std::vector<std::string> HistoryStore::groups() const
{
    std::vector<std::string> out;
    auto add = [&](const std::string& g) {
        if (std::find(out.begin(), out.end(), g) == out.end())
            out.push_back(g);
    };
    for (const Segment& s : m_segments)
        for (const IndexEntry& e : s.index)
            add(e.group);
    for (const auto& [g, w] : m_raw)
        add(g);
    for (const auto& [g, w] : m_rollup)
        add(g);
    return out;
}

qint64 HistoryStore::lastTime() const
{
    qint64 t = 0;
    for (const Segment& s : m_segments)
        for (const IndexEntry& e : s.index)
            t = std::max(t, e.lastTime);
    for (const auto& [g, w] : m_raw)
        if (!w.times.empty())
            t = std::max(t, w.times.back());
    return t;
}

std::vector<HistoryBlock> HistoryStore::read(HistoryKind kind, const std::string& group, qint64 t0,
                                             qint64 t1, const BlockSelection& select)
{
    std::vector<HistoryBlock> out;
    for (const Segment& seg : m_segments) {
        if (seg.kind != kind)
            continue;
        QFile f;
        bool reported = false;
        for (const IndexEntry& e : seg.index) {
            if (e.group != group || e.lastTime < t0 || e.firstTime > t1)
                continue;
            if (!f.isOpen()) {
                f.setFileName(seg.path);
                if (!f.open(QIODevice::ReadOnly)) {
                    problem(QStringLiteral("cannot read %1: %2").arg(seg.path, f.errorString()));
                    break;
                }
            }
            QByteArray bytes;
            if (f.seek(e.offset))
                bytes = f.read(e.bytes);
            std::size_t frame = 0;
            HistoryBlock block;
            const BlockReadStatus status =
                decodeBlock(reinterpret_cast<const std::uint8_t*>(bytes.constData()),
                            std::size_t(bytes.size()), frame, &block, false, select);
            if (status != BlockReadStatus::Ok) {
                if (!reported)
                    problem(QStringLiteral("history segment %1: %2 at byte %3; that chunk is "
                                           "skipped")
                                .arg(QFileInfo(seg.path).fileName(),
                                     QString::fromLatin1(blockReadStatusText(status)))
                                .arg(e.offset));
                reported = true;
                continue;
            }
            out.push_back(std::move(block));
        }
    }
    for (const Unwritten& u : m_unwritten) {
        if (u.kind == kind && u.block.group == group && u.block.lastTime() >= t0 &&
            u.block.firstTime() <= t1)
            out.push_back(u.block);
    }
    const auto& windows = kind == HistoryKind::Raw ? m_raw : m_rollup;
    const auto it = windows.find(group);
    if (it != windows.end() && !it->second.times.empty() && it->second.times.back() >= t0 &&
        it->second.times.front() <= t1)
        out.push_back(windowBlock(group, it->second, kind, 0, select.series));
    std::stable_sort(out.begin(), out.end(), [](const HistoryBlock& a, const HistoryBlock& b) {
        return a.firstTime() < b.firstTime();
    });
    return out;
}

} // namespace ops
