#pragma once

// A target's history on disk: append-only segment files of checksummed Gorilla chunks
// (HistoryBlock), one folder per target:
//   raw-<t0>.seg / .idx       poll-resolution chunks (rawBlockMs each), kept rawRetentionMs
//   rollup-<t0>.seg / .idx    1-minute min/max/avg/last chunks, kept rollupRetentionMs
//   head.blk, head-rollup.blk the chunks still open (raw, rollups; a head.blk of an earlier
//                             version holds both): each flush appends only the rows since the
//                             last one (a torn last append, kill -9 mid-flush, is dropped on
//                             load; rows a sealed chunk holds are skipped); rewritten whole
//                             (atomically) once the appends doubled it, so a flush costs what
//                             it adds
//   runs.log                  when each console run started (the gaps between runs are drawn)
//   history.lock              one writer per folder; a second console opens read-only
// A segment's .idx (its chunks' groups, times and offsets, checksummed) is written when the
// segment is sealed or the store closed; a segment without a valid one is scanned. A chunk that
// fails its checksum, or a torn tail, sets the segment aside (renamed *.corrupt-<time>), keeps
// the chunks before it, and is reported once. A write that fails (a full disk) is reported once
// and its chunks stay in memory until a later flush gets them out. Not thread-safe: one thread
// (HistoryWriter's) owns a store.

#include "models/domain/Clock.h"
#include "models/domain/Target.h"
#include "models/history/HistoryBlock.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QDir;
class QLockFile;

namespace ops {

struct HistoryOptions {
    qint64 rawRetentionMs = 48LL * 3600 * 1000;
    qint64 rollupRetentionMs = 30LL * 24 * 3600 * 1000;
    qint64 capBytes = 256LL << 20; // per target: the oldest segments go first
    qint64 rollupBucketMs = 60'000;
    qint64 rawBlockMs = 15 * 60'000;     // a raw chunk spans this (epoch-aligned)
    qint64 rollupBlockMs = 6 * 3600'000; // a rollup chunk spans this
    qint64 rawSegmentMs = 2 * 3600'000;  // a raw segment file spans this
    qint64 rollupSegmentMs = 24 * 3600'000;
    qint64 maxUnwrittenBytes = 64LL << 20; // chunks held while the disk refuses them
    // Test hook: called before every write with its size; false fails it as a full disk would.
    std::function<bool(qint64 bytes)> beforeWrite;

    // The defaults with the target's own limits (hours, days and MB as the operator sets them).
    static HistoryOptions forRetention(const HistoryRetention& retention);
    void applyRetention(const HistoryRetention& retention);
};

enum class HistoryMode { Closed, ReadWrite, ReadOnly };

struct HistoryValue {
    std::string name;
    double value = 0;
};

// One scrape's values of one group of series.
struct HistoryFrame {
    std::string group;
    qint64 timeMs = 0;
    std::vector<HistoryValue> values;
};

struct HistorySegmentInfo {
    QString path;
    HistoryKind kind = HistoryKind::Raw;
    qint64 firstTime = 0;
    qint64 lastTime = 0;
    qint64 bytes = 0;
    int chunks = 0;
};

class HistoryStore {
public:
    HistoryStore(QString folder, const Clock* clock, HistoryOptions options = {});
    ~HistoryStore(); // close()
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // Opens the folder: read-write when it can be written and no other console holds its lock,
    // else read-only (modeReason() says why). False only when nothing can be read at all.
    bool open(bool readOnly = false);
    // Flushes, writes the indexes, releases the lock.
    void close();
    HistoryMode mode() const { return m_mode; }
    QString modeReason() const { return m_modeReason; }
    QString folder() const { return m_folder; }
    const HistoryOptions& options() const { return m_options; }

    // Problems found since the last call (corrupt segments, a full disk), each once.
    QStringList takeProblems();
    // True while writes fail (the disk is full or gone); polling goes on in memory.
    bool writeFailing() const { return m_writeFailing; }

    // Appends one scrape (times kept non-decreasing per group). Seals chunks that are complete.
    void append(const HistoryFrame& frame);
    // Writes the open chunks (head.blk) and any chunk the disk refused before; enforces
    // retention and the cap. Called at least every 10 s by HistoryWriter.
    void flush();
    // Retention and cap, now (flush() calls it). Returns the segments it deleted.
    QStringList enforceLimits();
    // New limits (the operator edited the target), enforced at once: smaller ones delete what
    // is now too old or over the cap. Returns the segments it deleted.
    QStringList setRetention(const HistoryRetention& retention);

    // Chunks of `kind` for `group` overlapping [t0, t1], sealed and open, in time order.
    // Chunks that fail their checksum now are reported and skipped. `select`: the columns and
    // series wanted (as decodeBlock); the others may be left empty or out.
    std::vector<HistoryBlock> read(HistoryKind kind, const std::string& group, qint64 t0, qint64 t1,
                                   const BlockSelection& select = {});
    // Groups that have any chunk.
    std::vector<std::string> groups() const;
    std::vector<HistorySegmentInfo> segments() const;
    qint64 diskBytes() const;
    // Newest time held (any group), 0 when empty.
    qint64 lastTime() const;
    // When earlier console runs started (from runs.log), oldest first, this run's included.
    const std::vector<qint64>& runStarts() const { return m_runStarts; }
    // This run's data begins before its start (a backfill of the target's past): its start
    // moves back to timeMs (later than the run before it), so a later restore draws no
    // "console not running" gap inside what was backfilled. False when read-only or no
    // earlier.
    bool backdateRunStart(qint64 timeMs);

private:
    struct IndexEntry {
        std::string group;
        qint64 firstTime = 0;
        qint64 lastTime = 0;
        qint64 offset = 0;
        qint64 bytes = 0;
    };
    struct Segment {
        QString path;
        HistoryKind kind = HistoryKind::Raw;
        qint64 start = 0; // from the name
        qint64 bytes = 0;
        std::vector<IndexEntry> index;
        bool indexWritten = false;
    };
    struct OpenWindow {
        std::vector<qint64> times;
        std::map<std::string, std::vector<double>> columns; // raw: 1 value; rollup: 4 per row
        qint64 slot = 0;                                    // which aligned span it fills
        // The columns in the order the last frame named them: a scrape names its series in
        // the same order each time, so append() compares a name instead of searching the map.
        // Points into `columns` (map nodes stay put); never copied with the window.
        std::vector<std::pair<const std::string*, std::vector<double>*>> frameOrder;

        OpenWindow() = default;
        OpenWindow(const OpenWindow& o)
            : times(o.times)
            , columns(o.columns)
            , slot(o.slot)
        {
        }
        OpenWindow& operator=(const OpenWindow& o)
        {
            times = o.times;
            columns = o.columns;
            slot = o.slot;
            frameOrder.clear();
            return *this;
        }
    };

    // Whether this console may write: a real write to the folder, then its lock (another
    // console may hold it); m_modeReason says why not.
    bool claimWriting(const QDir& dir, bool readOnly);
    void loadRunStarts(const QString& runsPath);
    void appendRunStart(const QString& runsPath);
    // The *.seg files in time order, their indexes (scanned when missing), m_sealedUntil.
    void loadSegments(const QDir& dir);
    void rollUpUnrolledRaw();
    std::map<std::string, qint64> rolledUntilByGroup() const;
    bool scanSegment(Segment& seg);
    bool loadIndex(Segment& seg);
    void writeIndex(Segment& seg);
    void setAside(Segment& seg, qint64 goodBytes, const QString& why);
    void loadHead();
    bool writeHead();
    void sealRaw(const std::string& group);
    void sealRollup(const std::string& group);
    void addRollupRows(const HistoryBlock& rollup);
    // The window's rows from fromRow on as a block (only the series named in `only`, if set).
    HistoryBlock windowBlock(const std::string& group, const OpenWindow& w, HistoryKind kind,
                             std::size_t fromRow = 0,
                             const std::vector<std::string>* only = nullptr) const;
    // The framed bytes of windowBlock(group, w, kind, fromRow), without building it.
    std::vector<std::uint8_t> encodeWindow(const std::string& group, const OpenWindow& w,
                                           HistoryKind kind, std::size_t fromRow = 0) const;
    bool appendToSegment(HistoryKind kind, const HistoryBlock& block);
    bool writeUnwritten();
    bool checkedWrite(qint64 bytes);
    void reportWriteFailure(const QString& what);
    void problem(const QString& text);
    Segment* currentSegment(HistoryKind kind, qint64 time);
    qint64 slotOf(qint64 t, qint64 span) const;

    QString m_folder;
    const Clock* m_clock;
    HistoryOptions m_options;
    HistoryMode m_mode = HistoryMode::Closed;
    QString m_modeReason;
    std::unique_ptr<QLockFile> m_lock;
    std::vector<Segment> m_segments; // in time order per kind
    std::map<std::string, OpenWindow> m_raw;
    std::map<std::string, OpenWindow> m_rollup;
    std::map<std::string, qint64> m_sealedUntil; // group -> last raw time on disk
    // The open windows on disk, a file per kind (head.blk raw, head-rollup.blk rollups: the
    // rollups change only when a raw chunk is sealed, so rewriting the raw head never encodes
    // them again). Rows of each open window already in its file; rewrite: write it whole next
    // flush (the store was just opened).
    struct HeadFile {
        bool rewrite = true;
        bool appendsOff = false; // after an append failed: whole rewrites only, this run
        qint64 bytes = 0;        // its size now
        qint64 fullBytes = 0;    // its size when last written whole (appends stop at 4x it)
    };
    std::map<std::string, std::size_t> m_headRawRows;
    std::map<std::string, std::size_t> m_headRollupRows;
    HeadFile m_headRaw;
    HeadFile m_headRollup;
    bool writeHeadFile(HistoryKind kind);
    void loadHeadFile(const QString& name, const std::map<std::string, qint64>& rolledSealed);
    struct Unwritten {
        HistoryKind kind;
        HistoryBlock block;
        qint64 bytes;
    };
    std::vector<Unwritten> m_unwritten;
    qint64 m_unwrittenBytes = 0;
    std::size_t m_droppedUnwritten = 0;
    bool m_writeFailing = false;
    QStringList m_problems;
    std::vector<qint64> m_runStarts;
};

} // namespace ops
