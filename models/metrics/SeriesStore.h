#pragma once

// Columnar time-series storage for one target. One timestamp column shared by every series
// (one entry per scrape); per series a value column aligned to it:
//  - full resolution for `fullResolutionPoints` scrapes, lossless (every double's bits come back,
//    NaN gaps, infinities and -0.0 included), as chunks of `chunkPoints` values coded against the
//    previous value: a nibble per value says "same again", "the k-th value of this chunk's
//    dictionary" (a repeated quantile or rate) or how many XOR bytes follow (trailing and leading
//    zero bytes trimmed); eight repeats in a row cost a shared byte;
//  - a pyramid of per-bucket first/min/max/last summaries (each with its own time), kept longer,
//    so a chart reads any zoom exactly from whole buckets; or, for a store that holds its whole
//    range at full resolution, a cache of such buckets for the chunks read lately.
// Appends are O(1) and allocation-free once the chunk ring has lapped; the decimating read costs
// O(log history + pixel width), or decodes at most `fullReadPointsPerPixel` points a column.
// The number of series is bounded: a new series evicts the longest-idle one or is dropped, and
// both are counted.

#include <QtGlobal>

#include <cstdint>
#include <memory>
#include <vector>

namespace ops {

struct StorePoint {
    qint64 t = 0;
    double v = 0;
    friend bool operator==(const StorePoint&, const StorePoint&) = default;
};

struct SeriesStoreLevel {
    int bucketPoints = 64;    // scrapes per summary bucket (a multiple of the level below)
    int retentionBuckets = 0; // how many buckets are kept
};

struct SeriesStoreConfig {
    int fullResolutionPoints = 1800; // raw: 30 min at 1 s polls
    std::vector<SeriesStoreLevel> levels = {{30, 60},
                                            {300, 288}}; // 30 s for 30 min, 5 min for a day
    std::size_t maxSeries = 20000;
    int idlePollsBeforeEviction = 300; // a series unseen this long goes first when space is needed
    int dropIdleAfterPolls = 3600;     // ... and is removed anyway after this long
    // Values per compressed chunk (a multiple of 8, at most 65536): longer chunks let the
    // dictionary pay off; the ring drops a whole chunk at a time.
    int chunkPoints = 256;
    // Distinct values per chunk a series remembers (0-32): a value seen again costs a nibble.
    int dictionaryValues = 16;
    // decimate() decodes full resolution up to this many points per pixel column (exact M4),
    // beyond that it reads the summaries.
    int fullReadPointsPerPixel = 4;
    // Chunks whose 64-poll first/min/max/last buckets are cached for decimate() (0: none).
    int summaryCacheChunks = 0;

    // A day of derived signals at poll resolution (1 s polls), 64-poll buckets cached.
    static SeriesStoreConfig signalsForADay(int pollsPerDay = 86400);
    // Raw parsed series: the last minute at full resolution (nothing reads further back; the
    // store's bookkeeping bounds and ages the scraped series).
    static SeriesStoreConfig rawSeries(int fullResolutionPoints = 64);
    // One point a minute (history rollups) for `minutes`, every one kept, with 16-minute
    // summaries for the long windows; room for `series` columns.
    static SeriesStoreConfig rollupWindow(int minutes, std::size_t series);
};

// What a store holds, in bytes (capacities, as allocated), and how many values.
struct SeriesStoreMemory {
    std::size_t valueBytes = 0;     // coded values in use
    std::size_t valueCapacity = 0;  // allocated for coded values (>= valueBytes)
    std::size_t summaryBytes = 0;   // summary rings
    std::size_t timestampBytes = 0; // the shared time column
    std::size_t seriesBytes = 0;    // per-series state: write state, dictionaries, chunk headers
    std::size_t pointsHeld = 0;     // full-resolution values held (gaps included)
    std::size_t total() const
    {
        return valueCapacity + summaryBytes + timestampBytes + seriesBytes;
    }
};

class SeriesStore {
public:
    static constexpr std::uint32_t kNoSeries = 0xFFFFFFFFu;

    explicit SeriesStore(SeriesStoreConfig config = {});
    ~SeriesStore();
    SeriesStore(const SeriesStore&) = delete;
    SeriesStore& operator=(const SeriesStore&) = delete;

    const SeriesStoreConfig& config() const { return m_config; }

    // Starts a scrape at time tMs (clamped to be non-decreasing). Series not appended before the
    // next beginScrape()/endScrape() get a gap (NaN) for this scrape.
    void beginScrape(qint64 tMs);
    void endScrape();
    std::int64_t scrapeCount() const { return m_scrapes; }

    // A new column. Returns kNoSeries (and counts a dropped series) when the store is full and no
    // series has been idle long enough to be evicted. `evicted` receives the id of a column
    // that was evicted to make room (its owner must forget it), or kNoSeries.
    std::uint32_t addSeries(std::uint32_t* evicted = nullptr);
    void removeSeries(std::uint32_t id);
    // Removes series unseen for dropIdleAfterPolls; returns their ids through out.
    void dropIdleSeries(std::vector<std::uint32_t>& out);

    // The value of series id for the current scrape.
    void append(std::uint32_t id, double value);

    bool contains(std::uint32_t id) const;
    std::size_t seriesCount() const { return m_liveCount; }
    std::size_t droppedSeries() const { return m_dropped; }
    std::size_t evictedSeries() const { return m_evicted; }
    double latest(std::uint32_t id) const;
    qint64 latestTime() const;
    // Oldest time still held at any resolution.
    qint64 oldestTime() const;

    // M4 decimation: for each of `width` pixel columns over [t0, t1], the first, min, max and
    // last point in time order (duplicates merged), from the finest level that holds the range
    // and keeps the work under ~4 items per column. out is cleared first.
    void decimate(std::uint32_t id, qint64 t0, qint64 t1, int width,
                  std::vector<StorePoint>& out) const;
    // Every full-resolution point in [t0, t1] (gaps skipped) — for tests and table views.
    void points(std::uint32_t id, qint64 t0, qint64 t1, std::vector<StorePoint>& out) const;

    // Bytes held by value columns, summaries, timestamps and series state (as allocated).
    std::size_t memoryBytes() const { return memoryUsage().total(); }
    SeriesStoreMemory memoryUsage() const;
    // One series' part (values, summaries, its state; no timestamps).
    SeriesStoreMemory memoryUsage(std::uint32_t id) const;

private:
    struct Column; // cold: compressed chunks and summary rings, touched every few appends
    struct Hot;    // per series write state, contiguous: the per-scrape path stays sequential
    struct Dictionary;
    struct Batch;        // every series' completed chunk of one chunk number
    struct SummaryCache; // buckets of recently read chunks
    void flushPending(std::uint32_t id);
    void startChunk(std::uint32_t id, std::int64_t index, std::int64_t chunkNo);
    void appendAt(std::uint32_t id, std::int64_t index, double value);
    template <typename F> void decodeChunk(std::uint32_t id, std::int64_t chunkNo, F&& f) const;
    const void* chunkSummaries(std::uint32_t id, std::int64_t chunkNo) const;
    // decimate(): which resolution holds the range, then its points (or buckets) in time order.
    struct DecimationRead;
    DecimationRead decimationRead(std::int64_t g0, std::int64_t g1, int width) const;
    template <typename F>
    void decodeChunks(std::uint32_t id, std::int64_t g0, std::int64_t g1, F&& f) const;
    template <typename F>
    void readCachedChunks(std::uint32_t id, std::int64_t g0, std::int64_t g1, F&& f) const;
    template <typename F>
    void readSummaryLevel(std::uint32_t id, int level, std::int64_t g0, std::int64_t g1,
                          F&& f) const;

    qint64 timeAt(std::int64_t index) const;
    std::int64_t firstIndexAtOrAfter(qint64 t) const;
    std::int64_t lastIndexAtOrBefore(qint64 t) const;
    std::int64_t oldestIndex() const;

    SeriesStoreConfig m_config;
    std::vector<qint64> m_times; // ring, indexed by scrape index % size
    std::int64_t m_scrapes = 0;  // index of the next scrape; current = m_scrapes - 1
    std::vector<Column*> m_columns;
    std::vector<Hot> m_hot;
    std::vector<Dictionary> m_dictionaries; // per series when dictionaryValues > 0
    std::vector<Batch> m_batches;           // ring by chunk number
    std::unique_ptr<SummaryCache> m_cache;
    std::uint32_t m_generations = 0;
    std::vector<std::uint32_t> m_freeIds;
    std::size_t m_liveCount = 0;
    std::size_t m_dropped = 0;
    std::size_t m_evicted = 0;
    bool m_inScrape = false;
};

} // namespace ops
