#include "models/metrics/SeriesStore.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxLevels = 3;
constexpr int kGroupValues = 8; // values coded together: four control bytes, then their bytes
constexpr int kMaxDictionary = 32;
constexpr int kDirectDictionary = 9; // dictionary positions with a code of their own
constexpr std::uint16_t kEmptyBucket = 0xFFFF;

// A group of (up to) 8 values is its codes, a nibble each (two a byte, low
// nibble first), then the extra nibbles of its kXor13 values (two a byte), then
// the values' bytes in order. A group of 8 repeats after such a run can instead
// be one byte: kRun in the low nibble.
enum Code : std::uint8_t {
    kRepeat = 0,        // the previous value again (at a chunk's start: +0.0)
    kDictionary0 = 1,   // 1-9: dictionary position 0-8
    kDictionaryAt = 10, // dictionary position 9 + the next byte
    kXorShaped = 11,    // header byte (trailing zero bytes << 4 | bytes), then that
                        // many XOR bytes
    kXor13 = 12,        // the XOR with the previous value in 13 nibbles (sign and exponent
                        // unchanged): 6 bytes and a nibble of the group's extra nibbles
    kXor6 = 13,         // the low 6 bytes of the XOR (the top 2 are zero)
    kXor7 = 14,
    kRun = 15, // low nibble of a group's first byte: (high nibble + 1) x 8 repeats
};
constexpr int kMaxCodedBytes = 9; // kXorShaped: header + 8
constexpr int kPendingData = kGroupValues * kMaxCodedBytes;
constexpr int kGroupBytes = kGroupValues / 2 + kGroupValues / 2 + kPendingData;

struct Bucket {
    double first = 0, min = 0, max = 0, last = 0;
    std::uint16_t firstOff = kEmptyBucket, minOff = 0, maxOff = 0, lastOff = 0;

    static Bucket of(double v, std::uint16_t off) { return {v, v, v, v, off, off, off, off}; }
    // A later value of the same bucket, at offset `off` within it.
    void add(double v, std::uint16_t off)
    {
        if (v < min) {
            min = v;
            minOff = off;
        }
        if (v > max) {
            max = v;
            maxOff = off;
        }
        last = v;
        lastOff = off;
    }
};

// Where a series' completed chunk lies in its batch.
struct Span {
    std::uint32_t offset = 0;
    std::uint32_t bytes = 0;
    std::uint16_t first = 0; // index of the first value within the chunk
    std::uint16_t count = 0; // values; 0: the series has no such chunk
};

// The bytes a chunk's values take, where to decode them from.
struct ChunkView {
    const std::uint8_t* bytes = nullptr;
    std::int64_t start = 0; // scrape index of the first value
    int count = 0;
};

std::uint64_t bitsOf(double v)
{
    return std::bit_cast<std::uint64_t>(v);
}

} // namespace

// The distinct values of the current chunk (up to `capacity`), most used first:
// encoder and decoder update it the same way, so a position names the same
// value on both sides.
struct SeriesStore::Dictionary {
    std::uint64_t values[kMaxDictionary];
    std::uint16_t counts[kMaxDictionary];
    int size = 0;
    // The encoder's tally for this chunk: it stops looking values up in a dictionary that never
    // matches (noise), which only costs bytes, never correctness: a decoder reads what it gets.
    std::uint16_t hits = 0;
    std::uint16_t misses = 0;

    int find(std::uint64_t bits) const
    {
        for (int i = 0; i < size; ++i) {
            if (values[i] == bits)
                return i;
        }
        return -1;
    }
    std::uint64_t use(int pos)
    {
        const std::uint64_t v = values[pos];
        if (counts[pos] < 0xFFFF)
            ++counts[pos];
        while (pos > 0 && counts[pos] > counts[pos - 1]) {
            std::swap(values[pos], values[pos - 1]);
            std::swap(counts[pos], counts[pos - 1]);
            --pos;
        }
        return v;
    }
    void insert(std::uint64_t bits, int capacity)
    {
        if (capacity <= 0)
            return;
        const int at = size < capacity ? size++ : capacity - 1; // full: the least used goes
        values[at] = bits;
        counts[at] = 1;
    }
};

namespace {

template <typename Dict> struct Decoder {
    std::uint64_t prevBits = 0;
    int capacity = 0;
    Dict* dict = nullptr;

    static std::uint64_t readLow(const std::uint8_t*& p, int n)
    {
        std::uint64_t x = 0;
        for (int k = 0; k < n; ++k)
            x |= static_cast<std::uint64_t>(*p++) << (8 * k);
        return x;
    }
    void value(int code, const std::uint8_t*& p, std::uint32_t& extraNibbles)
    {
        switch (code) {
        case kRepeat:
            return;
        case kDictionaryAt:
            prevBits = dict->use(kDirectDictionary + *p++);
            return;
        case kXorShaped: {
            const int header = *p++;
            prevBits ^= readLow(p, header & 0x0F) << (8 * (header >> 4));
            break;
        }
        case kXor13:
            prevBits ^= readLow(p, 6) | std::uint64_t{extraNibbles & 0x0F} << 48;
            extraNibbles >>= 4;
            break;
        case kXor6:
            prevBits ^= readLow(p, 6);
            break;
        case kXor7:
            prevBits ^= readLow(p, 7);
            break;
        default: // kDictionary0 + position
            prevBits = dict->use(code - kDictionary0);
            return;
        }
        if (dict)
            dict->insert(prevBits, capacity);
    }
    template <typename F> void run(const std::uint8_t* p, int count, std::int64_t firstIndex, F&& f)
    {
        int i = 0;
        while (i < count) {
            if ((*p & 0x0F) == kRun) {
                const int n = std::min(kGroupValues * ((*p >> 4) + 1), count - i);
                ++p;
                const double v = std::bit_cast<double>(prevBits);
                for (int k = 0; k < n; ++k)
                    f(firstIndex + i + k, v);
                i += n;
                continue;
            }
            const int values = std::min(kGroupValues, count - i);
            std::uint32_t codes = 0;
            for (int c = 0; c < (values + 1) / 2; ++c)
                codes |= std::uint32_t{*p++} << (8 * c);
            int extra = 0;
            for (int v = 0; v < values; ++v)
                extra += ((codes >> (4 * v)) & 0x0F) == kXor13;
            std::uint32_t extraNibbles = 0;
            for (int c = 0; c < (extra + 1) / 2; ++c)
                extraNibbles |= std::uint32_t{*p++} << (8 * c);
            for (int v = 0; v < values; ++v) {
                value(static_cast<int>(codes & 0x0F), p, extraNibbles);
                codes >>= 4;
                f(firstIndex + i + v, std::bit_cast<double>(prevBits));
            }
            i += values;
        }
    }
};

} // namespace

struct SeriesStore::Hot {
    double latest = kNaN;
    std::int64_t start = 0; // first scrape index held
    std::int64_t lastAppended = -1;
    std::int64_t lastSeen = 0; // last scrape with a real value
    std::int64_t chunkNo = -1; // chunk the pending values belong to
    std::uint64_t prevBits = 0;
    std::int32_t runPos = -1; // the chunk's last byte is an open run byte at this offset
    // The group being filled: codes, kXor13's extra nibbles, the values' bytes.
    std::uint32_t pendingCodes = 0;
    std::uint32_t pendingNibbles = 0;
    std::uint8_t pendingCount = 0;
    std::uint8_t pendingNibbleCount = 0;
    std::uint8_t pendingBytes = 0;
    bool pendingRepeats = true; // every pending value is a repeat
    std::uint8_t pending[kPendingData] = {};

    // The group as stored; returns its size (at most kGroupBytes).
    int assemble(std::uint8_t* out) const
    {
        int n = 0;
        for (int c = 0; c < (pendingCount + 1) / 2; ++c)
            out[n++] = static_cast<std::uint8_t>(pendingCodes >> (8 * c));
        for (int c = 0; c < (pendingNibbleCount + 1) / 2; ++c)
            out[n++] = static_cast<std::uint8_t>(pendingNibbles >> (8 * c));
        std::memcpy(out + n, pending, pendingBytes);
        return n + pendingBytes;
    }
};

struct SeriesStore::Column {
    struct OpenBucket {
        Bucket bucket;
        std::int32_t number = -1; // -1: none yet
    };
    // The chunk being written (completed chunks move into the store's batches).
    std::vector<std::uint8_t> bytes;
    std::int64_t start = -1;                 // scrape index of its first value
    int count = 0;                           // values in bytes (whole groups until complete)
    std::uint32_t generation = 0;            // tells a reused series id from its previous owner
    std::vector<std::vector<Bucket>> levels; // rings of completed buckets
    std::vector<OpenBucket> open;            // per level, the bucket being filled
};

// Every series' completed chunk of one chunk number, back to back: chunk
// numbers are shared (scrape index / chunkPoints), so a whole batch is dropped
// when the ring moves on, and its buffer is reused for the next, without a
// slack per series.
struct SeriesStore::Batch {
    std::int64_t chunkNo = -1;
    std::vector<std::uint8_t> bytes;
    std::vector<Span> spans; // by series id
};

// 64-poll first/min/max/last buckets of completed chunks, computed when a read
// needs them and kept for the most recently read chunks: a day of such buckets
// for every series would cost a third of the values themselves, while a chart
// only ever shows a few series at a time.
struct SeriesStore::SummaryCache {
    static constexpr int kBucketPoints = 64;
    static constexpr std::size_t kWays = 4;
    struct Entry {
        std::int64_t chunkNo = -1;
        std::uint32_t generation = 0;
        std::uint32_t used = 0;
    };
    std::mutex mutex;
    int bucketsPerChunk = 0;
    std::uint32_t clock = 0;
    std::vector<Entry> entries; // set k: entries k * kWays to k * kWays + kWays - 1
    std::vector<Bucket> buckets;
};

SeriesStoreConfig SeriesStoreConfig::signalsForADay(int pollsPerDay)
{
    SeriesStoreConfig c;
    c.fullResolutionPoints = pollsPerDay;
    // Up to 16 points a pixel column (7 h at 1600 px) are decoded, exact; wider
    // ranges read 64-poll buckets of whole chunks. 960 divides a day of 1 s
    // polls: the ring holds a day and the open chunk, nothing more.
    c.chunkPoints = 960;
    c.dictionaryValues = 32;
    c.fullReadPointsPerPixel = 16;
    // No summary rings (a day of 64-poll buckets would cost a third of the
    // values): whole chunks read for a wide range get their buckets computed once
    // and cached.
    c.levels.clear();
    c.summaryCacheChunks = 2048;
    c.maxSeries = 20000;
    c.idlePollsBeforeEviction = 300;
    c.dropIdleAfterPolls = pollsPerDay;
    return c;
}

SeriesStoreConfig SeriesStoreConfig::rawSeries(int fullResolutionPoints)
{
    SeriesStoreConfig c;
    c.fullResolutionPoints = fullResolutionPoints;
    c.levels.clear();
    c.chunkPoints = 32;
    c.dictionaryValues = 0; // counters rarely repeat an older value
    return c;
}

SeriesStoreConfig SeriesStoreConfig::rollupWindow(int minutes, std::size_t series)
{
    SeriesStoreConfig c;
    c.fullResolutionPoints = minutes + 60;
    // 16-minute summaries: a 30-day window reads ~2,700 buckets a column, not
    // 43,200 minutes.
    c.levels = {{16, minutes / 16 + 8}};
    c.maxSeries = series;
    c.idlePollsBeforeEviction = c.fullResolutionPoints;
    c.dropIdleAfterPolls = c.fullResolutionPoints * 2;
    return c;
}

SeriesStore::SeriesStore(SeriesStoreConfig config)
    : m_config(std::move(config))
{
    m_config.fullResolutionPoints = std::max(m_config.fullResolutionPoints, 1);
    m_config.chunkPoints =
        std::clamp(m_config.chunkPoints, kGroupValues, 32768) / kGroupValues * kGroupValues;
    m_config.dictionaryValues = std::clamp(m_config.dictionaryValues, 0, kMaxDictionary);
    m_config.fullReadPointsPerPixel = std::max(m_config.fullReadPointsPerPixel, 4);
    if (m_config.levels.size() > kMaxLevels)
        m_config.levels.resize(kMaxLevels);
    std::int64_t span = m_config.fullResolutionPoints;
    std::int64_t previous = 1;
    for (auto& l : m_config.levels) {
        l.bucketPoints = std::clamp(l.bucketPoints, 2, 65535);
        // Every level a multiple of the one below it.
        l.bucketPoints = static_cast<int>((l.bucketPoints + previous - 1) / previous * previous);
        if (l.bucketPoints > 65535)
            l.bucketPoints = static_cast<int>(65535 / previous * previous);
        previous = l.bucketPoints;
        l.retentionBuckets = std::max(l.retentionBuckets, 1);
        span =
            std::max<std::int64_t>(span, std::int64_t{l.bucketPoints} * (l.retentionBuckets + 1));
    }
    m_times.assign(static_cast<std::size_t>(span + 1), 0);
    m_batches.resize(static_cast<std::size_t>(
        (m_config.fullResolutionPoints + m_config.chunkPoints - 1) / m_config.chunkPoints));
    if (m_config.summaryCacheChunks > 0 && m_config.chunkPoints >= SummaryCache::kBucketPoints) {
        m_cache = std::make_unique<SummaryCache>();
        m_cache->bucketsPerChunk = m_config.chunkPoints / SummaryCache::kBucketPoints;
        const auto entries =
            (static_cast<std::size_t>(m_config.summaryCacheChunks) + SummaryCache::kWays - 1) /
            SummaryCache::kWays * SummaryCache::kWays;
        m_cache->entries.resize(entries);
        m_cache->buckets.resize(entries * static_cast<std::size_t>(m_cache->bucketsPerChunk));
    }
}

SeriesStore::~SeriesStore()
{
    for (Column* c : m_columns)
        delete c;
}

qint64 SeriesStore::timeAt(std::int64_t index) const
{
    return m_times[static_cast<std::size_t>(index % static_cast<std::int64_t>(m_times.size()))];
}

std::int64_t SeriesStore::oldestIndex() const
{
    return std::max<std::int64_t>(0, m_scrapes - static_cast<std::int64_t>(m_times.size()) + 1);
}

qint64 SeriesStore::latestTime() const
{
    return m_scrapes > 0 ? timeAt(m_scrapes - 1) : 0;
}
qint64 SeriesStore::oldestTime() const
{
    return m_scrapes > 0 ? timeAt(oldestIndex()) : 0;
}

std::int64_t SeriesStore::firstIndexAtOrAfter(qint64 t) const
{
    std::int64_t lo = oldestIndex();
    std::int64_t hi = m_scrapes;
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (timeAt(mid) < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::int64_t SeriesStore::lastIndexAtOrBefore(qint64 t) const
{
    std::int64_t lo = oldestIndex() - 1;
    std::int64_t hi = m_scrapes - 1;
    while (lo < hi) {
        const std::int64_t mid = hi - (hi - lo) / 2;
        if (timeAt(mid) > t)
            hi = mid - 1;
        else
            lo = mid;
    }
    return lo;
}

void SeriesStore::beginScrape(qint64 tMs)
{
    if (m_inScrape)
        endScrape();
    if (m_scrapes > 0)
        tMs = std::max(tMs, timeAt(m_scrapes - 1));
    m_times[static_cast<std::size_t>(m_scrapes % static_cast<std::int64_t>(m_times.size()))] = tMs;
    ++m_scrapes;
    m_inScrape = true;
}

void SeriesStore::endScrape()
{
    if (!m_inScrape)
        return;
    m_inScrape = false;
    const std::int64_t current = m_scrapes - 1;
    for (std::uint32_t id = 0; id < m_hot.size(); ++id) {
        if (m_columns[id] && m_hot[id].lastAppended < current) {
            append(id, kNaN);
            m_hot[id].latest = kNaN;
        }
    }
}

std::uint32_t SeriesStore::addSeries(std::uint32_t* evicted)
{
    if (evicted)
        *evicted = kNoSeries;
    const std::int64_t current = std::max<std::int64_t>(m_scrapes - 1, 0);
    if (m_liveCount >= m_config.maxSeries) {
        std::uint32_t victim = kNoSeries;
        std::int64_t oldestSeen = current - m_config.idlePollsBeforeEviction + 1;
        for (std::uint32_t id = 0; id < m_hot.size(); ++id) {
            if (m_columns[id] && m_hot[id].lastSeen < oldestSeen) {
                oldestSeen = m_hot[id].lastSeen;
                victim = id;
            }
        }
        if (victim == kNoSeries) {
            ++m_dropped;
            return kNoSeries;
        }
        removeSeries(victim);
        ++m_evicted;
        if (evicted)
            *evicted = victim;
    }
    auto* c = new Column;
    c->generation = ++m_generations;
    for (const auto& l : m_config.levels)
        c->levels.emplace_back(static_cast<std::size_t>(l.retentionBuckets));
    c->open.resize(m_config.levels.size());
    std::uint32_t id;
    if (!m_freeIds.empty()) {
        id = m_freeIds.back();
        m_freeIds.pop_back();
        m_columns[id] = c;
    } else {
        id = static_cast<std::uint32_t>(m_columns.size());
        m_columns.push_back(c);
        m_hot.emplace_back();
        if (m_config.dictionaryValues > 0)
            m_dictionaries.emplace_back();
    }
    Hot& h = m_hot[id];
    h = Hot{};
    h.start = m_inScrape ? current : m_scrapes;
    h.lastSeen = h.start;
    h.lastAppended = h.start - 1;
    ++m_liveCount;
    return id;
}

void SeriesStore::removeSeries(std::uint32_t id)
{
    if (!contains(id))
        return;
    delete m_columns[id];
    m_columns[id] = nullptr;
    m_freeIds.push_back(id);
    --m_liveCount;
}

void SeriesStore::dropIdleSeries(std::vector<std::uint32_t>& out)
{
    out.clear();
    const std::int64_t limit = m_scrapes - 1 - m_config.dropIdleAfterPolls;
    for (std::uint32_t id = 0; id < m_hot.size(); ++id) {
        if (m_columns[id] && m_hot[id].lastSeen < limit) {
            removeSeries(id);
            ++m_evicted;
            out.push_back(id);
        }
    }
}

bool SeriesStore::contains(std::uint32_t id) const
{
    return id < m_columns.size() && m_columns[id] != nullptr;
}

double SeriesStore::latest(std::uint32_t id) const
{
    return contains(id) ? m_hot[id].latest : kNaN;
}

void SeriesStore::flushPending(std::uint32_t id)
{
    Hot& h = m_hot[id];
    if (h.pendingCount == 0)
        return;
    Column& c = *m_columns[id];
    const bool run = h.pendingCount == kGroupValues && h.pendingRepeats;
    if (run && h.runPos >= 0 && (c.bytes[static_cast<std::size_t>(h.runPos)] >> 4) < 15) {
        // Eight more repeats: the open run grows by a group.
        c.bytes[static_cast<std::size_t>(h.runPos)] += 0x10;
    } else {
        std::uint8_t group[kGroupBytes];
        const std::size_t need = run ? 1 : static_cast<std::size_t>(h.assemble(group));
        if (c.bytes.size() + need > c.bytes.capacity()) {
            // The series' chunk buffer is reused chunk after chunk: sized first for 2
            // bytes a value, it grows by a quarter only when a chunk needs more than
            // any before it.
            c.bytes.reserve(std::max({c.bytes.size() + need + kGroupBytes,
                                      c.bytes.capacity() + c.bytes.capacity() / 4,
                                      static_cast<std::size_t>(2 * m_config.chunkPoints)}));
        }
        if (run) {
            h.runPos = static_cast<std::int32_t>(c.bytes.size());
            c.bytes.push_back(kRun);
        } else {
            h.runPos = -1;
            c.bytes.insert(c.bytes.end(), group, group + need);
        }
    }
    c.count += h.pendingCount;
    h.pendingCount = 0;
    h.pendingBytes = 0;
    h.pendingCodes = 0;
    h.pendingNibbles = 0;
    h.pendingNibbleCount = 0;
    h.pendingRepeats = true;
}

void SeriesStore::append(std::uint32_t id, double value)
{
    if (!contains(id) || m_scrapes == 0)
        return;
    Hot& h = m_hot[id];
    const std::int64_t index = m_scrapes - 1;
    if (h.lastAppended >= index)
        return; // one value per scrape: the first wins
    // Scrapes this series missed without an endScrape() in between become gaps.
    while (h.lastAppended + 1 < index)
        appendAt(id, h.lastAppended + 1, kNaN);
    appendAt(id, index, value);
}

void SeriesStore::startChunk(std::uint32_t id, std::int64_t index, std::int64_t chunkNo)
{
    flushPending(id);
    Hot& h = m_hot[id];
    Column& c = *m_columns[id];
    if (h.chunkNo >= 0 && c.count > 0) {
        // The finished chunk joins its batch (the first series to finish it starts
        // the batch, dropping the one a ring's length older; a chunk older than
        // every batch is dropped).
        Batch& batch = m_batches[static_cast<std::size_t>(
            h.chunkNo % static_cast<std::int64_t>(m_batches.size()))];
        if (batch.chunkNo < h.chunkNo) {
            const bool fresh = batch.bytes.capacity() == 0;
            batch.chunkNo = h.chunkNo;
            batch.bytes.clear(); // keeps its capacity: once the ring has lapped, no allocation
            if (fresh) {
                // As large as the batch before it and a little more.
                const auto ring = static_cast<std::int64_t>(m_batches.size());
                const Batch& previous =
                    m_batches[static_cast<std::size_t>((h.chunkNo - 1 + ring) % ring)];
                batch.bytes.reserve(previous.bytes.size() + previous.bytes.size() / 64);
            }
            for (Span& span : batch.spans)
                span = Span{};
        }
        if (batch.chunkNo == h.chunkNo) {
            if (batch.spans.size() <= id)
                batch.spans.resize(m_columns.size());
            if (batch.bytes.size() + c.bytes.size() > batch.bytes.capacity()) {
                // Larger than the batch before it (series added, or the first batch): grow by
                // an eighth, so that filling a batch copies it a few times, not once a series.
                batch.bytes.reserve(std::max(batch.bytes.size() + c.bytes.size(),
                                             batch.bytes.capacity() + batch.bytes.capacity() / 8));
            }
            Span& span = batch.spans[id];
            span.offset = static_cast<std::uint32_t>(batch.bytes.size());
            span.bytes = static_cast<std::uint32_t>(c.bytes.size());
            span.first = static_cast<std::uint16_t>(c.start - h.chunkNo * m_config.chunkPoints);
            span.count = static_cast<std::uint16_t>(c.count);
            batch.bytes.insert(batch.bytes.end(), c.bytes.begin(), c.bytes.end());
        }
    }
    c.start = index;
    c.count = 0;
    c.bytes.clear(); // keeps its capacity
    h.chunkNo = chunkNo;
    h.prevBits = 0;
    h.runPos = -1;
    if (!m_dictionaries.empty()) {
        m_dictionaries[id].size = 0;
        m_dictionaries[id].hits = 0;
        m_dictionaries[id].misses = 0;
    }
}

void SeriesStore::appendAt(std::uint32_t id, std::int64_t index, double value)
{
    Hot& h = m_hot[id];
    h.lastAppended = index;
    const std::int64_t chunkNo = index / m_config.chunkPoints;
    if (chunkNo != h.chunkNo)
        startChunk(id, index, chunkNo);

    // Code the value: a repeat, a dictionary position, or the XOR with the
    // previous value in the fewest bytes (leading and trailing zero bytes left
    // out).
    const std::uint64_t bits = bitsOf(value);
    std::uint8_t code = kRepeat;
    std::uint8_t coded[kMaxCodedBytes];
    int n = 0;
    if (bits != h.prevBits) {
        Dictionary* dict = m_dictionaries.empty() ? nullptr : &m_dictionaries[id];
        const bool lookUp = dict && (dict->misses < 64 || dict->hits >= dict->misses / 8);
        const int pos = lookUp ? dict->find(bits) : -1;
        if (pos >= 0) {
            dict->use(pos);
            if (dict->hits < 0xFFFF)
                ++dict->hits;
            if (pos < kDirectDictionary) {
                code = static_cast<std::uint8_t>(kDictionary0 + pos);
            } else {
                code = kDictionaryAt;
                coded[n++] = static_cast<std::uint8_t>(pos - kDirectDictionary);
            }
        } else {
            const std::uint64_t x = bits ^ h.prevBits;
            const int leadingNibbles = std::countl_zero(x) / 4;
            const int trailing = std::countr_zero(x) / 8;
            const int significant = 8 - std::countl_zero(x) / 8 - trailing;
            // Cost in nibbles: shaped 2 + 2 a byte; kXor6 12, kXor13 13, kXor7 14.
            const int shaped = 2 + 2 * significant;
            const int direct = leadingNibbles >= 4 ? 12 : leadingNibbles == 3 ? 13 : 14;
            if (leadingNibbles >= 2 && direct <= shaped) {
                code = direct == 12 ? kXor6 : direct == 13 ? kXor13 : kXor7;
                const int bytes = direct == 14 ? 7 : 6;
                for (int k = 0; k < bytes; ++k)
                    coded[n++] = static_cast<std::uint8_t>(x >> (8 * k));
                if (code == kXor13) {
                    h.pendingNibbles |= static_cast<std::uint32_t>((x >> 48) & 0x0F)
                                        << (4 * h.pendingNibbleCount);
                    ++h.pendingNibbleCount;
                }
            } else {
                code = kXorShaped;
                coded[n++] = static_cast<std::uint8_t>(trailing << 4 | significant);
                for (int k = 0; k < significant; ++k)
                    coded[n++] = static_cast<std::uint8_t>(x >> (8 * (trailing + k)));
            }
            if (dict) {
                dict->insert(bits, m_config.dictionaryValues);
                if (dict->misses < 0xFFFF)
                    ++dict->misses;
            }
        }
        h.prevBits = bits;
        h.pendingRepeats = false;
    }
    h.pendingCodes |= std::uint32_t{code} << (4 * h.pendingCount);
    std::memcpy(h.pending + h.pendingBytes, coded, static_cast<std::size_t>(n));
    h.pendingBytes = static_cast<std::uint8_t>(h.pendingBytes + n);
    ++h.pendingCount;
    h.latest = value;
    if (h.pendingCount == kGroupValues)
        flushPending(id);
    if (std::isnan(value))
        return;
    h.lastSeen = index;
    for (std::size_t l = 0; l < m_config.levels.size(); ++l) {
        const std::int64_t bucketPoints = m_config.levels[l].bucketPoints;
        const auto b = static_cast<std::int32_t>(index / bucketPoints);
        Column& col = *m_columns[id];
        Column::OpenBucket& open = col.open[l];
        Bucket& cur = open.bucket;
        const auto off = static_cast<std::uint16_t>(index - std::int64_t{b} * bucketPoints);
        if (open.number != b) {
            if (open.number >= 0) {
                // The finished bucket goes into the ring; the buckets skipped (no value
                // at all) are marked empty so that no slot keeps a lap-old bucket.
                auto& ring = col.levels[l];
                const auto size = static_cast<std::int32_t>(ring.size());
                ring[static_cast<std::size_t>(open.number % size)] = cur;
                const std::int32_t from = std::max(open.number + 1, b - size);
                for (std::int32_t k = from; k < b; ++k)
                    ring[static_cast<std::size_t>(k % size)].firstOff = kEmptyBucket;
            }
            open.number = b;
            cur = Bucket::of(value, off);
            continue;
        }
        cur.add(value, off);
    }
}

template <typename F>
void SeriesStore::decodeChunk(std::uint32_t id, std::int64_t chunkNo, F&& f) const
{
    const Column& c = *m_columns[id];
    const Hot& h = m_hot[id];
    Dictionary dict;
    Decoder<Dictionary> d;
    d.capacity = m_config.dictionaryValues;
    d.dict = d.capacity > 0 ? &dict : nullptr;
    if (h.chunkNo == chunkNo) {
        if (c.start < 0)
            return;
        d.run(c.bytes.data(), c.count, c.start, f);
        if (h.pendingCount > 0) {
            std::uint8_t group[kGroupBytes];
            h.assemble(group);
            d.run(group, h.pendingCount, c.start + c.count, f);
        }
        return;
    }
    const Batch& batch =
        m_batches[static_cast<std::size_t>(chunkNo % static_cast<std::int64_t>(m_batches.size()))];
    if (batch.chunkNo != chunkNo || id >= batch.spans.size())
        return;
    const Span& span = batch.spans[id];
    const std::int64_t start = chunkNo * m_config.chunkPoints + span.first;
    if (span.count == 0 || start < h.start) // none, or the id's previous owner's
        return;
    d.run(batch.bytes.data() + span.offset, span.count, start, f);
}

// The cached 64-poll buckets of a completed chunk (computed now if not cached),
// or nullptr when the store keeps no cache. Called with the cache's mutex held.
const void* SeriesStore::chunkSummaries(std::uint32_t id, std::int64_t chunkNo) const
{
    SummaryCache& cache = *m_cache;
    const std::uint32_t generation = m_columns[id]->generation;
    // A series' consecutive chunks go to consecutive sets (a day of one series never evicts
    // itself), each series starting somewhere else; four ways, the least recently used goes.
    constexpr std::size_t kWays = SummaryCache::kWays;
    const std::size_t sets = cache.entries.size() / kWays;
    const std::size_t set =
        static_cast<std::size_t>((std::uint64_t{generation} * 0x9E3779B97F4A7C15ull >> 32) +
                                 static_cast<std::uint64_t>(chunkNo)) %
        sets;
    const auto per = static_cast<std::size_t>(cache.bucketsPerChunk);
    ++cache.clock;
    std::size_t slot = set * kWays;
    for (std::size_t way = 0; way < kWays; ++way) {
        auto& e = cache.entries[set * kWays + way];
        if (e.chunkNo == chunkNo && e.generation == generation) {
            e.used = cache.clock;
            return &cache.buckets[(set * kWays + way) * per];
        }
        if (e.used < cache.entries[slot].used)
            slot = set * kWays + way;
    }
    auto& e = cache.entries[slot];
    e.chunkNo = chunkNo;
    e.generation = generation;
    e.used = cache.clock;
    Bucket* buckets = &cache.buckets[slot * per];
    for (std::size_t b = 0; b < per; ++b)
        buckets[b] = Bucket{};
    const std::int64_t base = chunkNo * m_config.chunkPoints;
    decodeChunk(id, chunkNo, [&](std::int64_t i, double v) {
        if (std::isnan(v))
            return;
        const std::int64_t inChunk = i - base;
        Bucket& k = buckets[static_cast<std::size_t>(inChunk / SummaryCache::kBucketPoints)];
        const auto off = static_cast<std::uint16_t>(inChunk % SummaryCache::kBucketPoints);
        if (k.firstOff == kEmptyBucket)
            k = Bucket::of(v, off);
        else
            k.add(v, off);
    });
    return buckets;
}

void SeriesStore::points(std::uint32_t id, qint64 t0, qint64 t1, std::vector<StorePoint>& out) const
{
    out.clear();
    if (!contains(id) || m_scrapes == 0 || t1 < t0)
        return;
    const Hot& h = m_hot[id];
    const std::int64_t g0 =
        std::max({firstIndexAtOrAfter(t0), h.start,
                  m_scrapes - static_cast<std::int64_t>(m_config.fullResolutionPoints)});
    const std::int64_t g1 = std::min(lastIndexAtOrBefore(t1), h.lastAppended);
    const std::int64_t chunkPoints = m_config.chunkPoints;
    for (std::int64_t chunkNo = g0 / chunkPoints; chunkNo * chunkPoints <= g1; ++chunkNo) {
        decodeChunk(id, chunkNo, [&](std::int64_t i, double v) {
            if (i >= g0 && i <= g1 && !std::isnan(v))
                out.push_back({timeAt(i), v});
        });
    }
}

namespace {

// The four points of an M4 column or a summary bucket, sorted by scrape index (insertion sort of
// four), each index once.
template <typename Sink> void emitInTimeOrder(std::int64_t (&idx)[4], double (&val)[4], Sink&& sink)
{
    for (int i = 1; i < 4; ++i) {
        for (int j = i; j > 0 && idx[j] < idx[j - 1]; --j) {
            std::swap(idx[j], idx[j - 1]);
            std::swap(val[j], val[j - 1]);
        }
    }
    for (int i = 0; i < 4; ++i) {
        if (i == 0 || idx[i] != idx[i - 1])
            sink(idx[i], val[i]);
    }
}

// A bucket starting at scrape index `base` as its first/min/max/last points; an empty one as none.
template <typename Sink> void emitBucket(const Bucket& k, std::int64_t base, Sink&& sink)
{
    if (k.firstOff == kEmptyBucket)
        return;
    std::int64_t idx[4] = {base + k.firstOff, base + k.minOff, base + k.maxOff, base + k.lastOff};
    double val[4] = {k.first, k.min, k.max, k.last};
    emitInTimeOrder(idx, val, sink);
}

// M4 over `width` pixel columns of [t0, t1]: points of scrape indices [g0, g1] arrive in time
// order; each column's first, min, max and last point go to `out` when the next column starts.
class M4Columns {
public:
    M4Columns(const std::vector<qint64>& times, qint64 t0, qint64 t1, int width, std::int64_t g0,
              std::int64_t g1, std::vector<StorePoint>& out)
        : m_times(times)
        , m_ringSize(static_cast<std::int64_t>(times.size()))
        , m_t0(t0)
        , m_span(static_cast<double>(t1 - t0) + 1.0)
        , m_width(width)
        , m_g0(g0)
        , m_g1(g1)
        , m_out(out)
    {
    }

    void add(std::int64_t i, double v)
    {
        if (std::isnan(v) || i < m_g0 || i > m_g1)
            return;
        const qint64 t = timeOf(i);
        if (t >= m_columnEnd)
            enterColumnOf(t);
        if (m_acc.firstI < 0) {
            m_acc = Acc{i, i, i, i, v, v, v, v};
            return;
        }
        if (v < m_acc.min) {
            m_acc.min = v;
            m_acc.minI = i;
        }
        if (v > m_acc.max) {
            m_acc.max = v;
            m_acc.maxI = i;
        }
        m_acc.last = v;
        m_acc.lastI = i;
    }
    // The last column's points.
    void finish() { flush(); }

private:
    struct Acc {
        std::int64_t firstI = -1, minI = 0, maxI = 0, lastI = 0;
        double first = 0, min = 0, max = 0, last = 0;
    };

    // Points arrive in time order: the time column is walked, not indexed (no
    // division a point), and the column is recomputed only past the current
    // column's end.
    qint64 timeOf(std::int64_t i)
    {
        if (i == m_ringIndex + 1)
            m_ringPos = m_ringPos + 1 == m_ringSize ? 0 : m_ringPos + 1;
        else
            m_ringPos = i % m_ringSize;
        m_ringIndex = i;
        return m_times[static_cast<std::size_t>(m_ringPos)];
    }
    int columnOf(qint64 t) const
    {
        return std::clamp(static_cast<int>(static_cast<double>(t - m_t0) * m_width / m_span), 0,
                          m_width - 1);
    }
    void enterColumnOf(qint64 t)
    {
        const int col = columnOf(t);
        if (col != m_column) {
            flush();
            m_column = col;
            m_acc = Acc{};
        }
        if (col == m_width - 1) {
            m_columnEnd = std::numeric_limits<qint64>::max();
        } else {
            // The first time of the next column, exactly as columnOf() draws the
            // line.
            qint64 end = m_t0 + static_cast<qint64>(std::ceil((col + 1) * m_span / m_width));
            end = std::max(end, t + 1);
            while (end - 1 > t && columnOf(end - 1) > col)
                --end;
            while (columnOf(end) <= col)
                ++end;
            m_columnEnd = end;
        }
    }
    void flush()
    {
        if (m_column < 0 || m_acc.firstI < 0)
            return;
        std::int64_t idx[4] = {m_acc.firstI, m_acc.minI, m_acc.maxI, m_acc.lastI};
        double val[4] = {m_acc.first, m_acc.min, m_acc.max, m_acc.last};
        emitInTimeOrder(idx, val, [&](std::int64_t i, double v) {
            m_out.push_back({timeAt(i), v});
        });
    }
    // As SeriesStore::timeAt().
    qint64 timeAt(std::int64_t i) const
    {
        return m_times[static_cast<std::size_t>(i % m_ringSize)];
    }

    const std::vector<qint64>& m_times;
    const std::int64_t m_ringSize;
    const qint64 m_t0;
    const double m_span;
    const int m_width;
    const std::int64_t m_g0, m_g1;
    std::vector<StorePoint>& m_out;
    std::int64_t m_ringIndex = -2, m_ringPos = 0;
    qint64 m_columnEnd = std::numeric_limits<qint64>::min();
    int m_column = -1;
    Acc m_acc;
};

} // namespace

// What decimate() reads: full resolution (level -1), a summary level, or the cached buckets of
// whole chunks, from scrape index `from` on.
struct SeriesStore::DecimationRead {
    int level = -1;
    bool cachedChunks = false;
    std::int64_t from = 0;
};

void SeriesStore::decimate(std::uint32_t id, qint64 t0, qint64 t1, int width,
                           std::vector<StorePoint>& out) const
{
    out.clear();
    if (!contains(id) || m_scrapes == 0 || t1 < t0 || width <= 0)
        return;
    const Hot& h = m_hot[id];
    const std::int64_t g0 = std::max(firstIndexAtOrAfter(t0), h.start);
    const std::int64_t g1 = std::min(lastIndexAtOrBefore(t1), h.lastAppended);
    if (g1 < g0)
        return;
    const DecimationRead read = decimationRead(g0, g1, width);
    M4Columns columns(m_times, t0, t1, width, read.from, g1, out);
    auto add = [&columns](std::int64_t i, double v) { columns.add(i, v); };
    if (read.cachedChunks)
        readCachedChunks(id, read.from, g1, add);
    else if (read.level < 0)
        decodeChunks(id, read.from, g1, add);
    else
        readSummaryLevel(id, read.level, read.from, g1, add);
    columns.finish();
}

// The finest resolution that holds [g0, g1] and keeps the work under ~4 items a column: every
// point while there are few enough (and all at full resolution), else the cached buckets of whole
// chunks, else the first summary level that holds the range within the budget (the coarsest if
// none does).
SeriesStore::DecimationRead SeriesStore::decimationRead(std::int64_t g0, std::int64_t g1,
                                                        int width) const
{
    const std::int64_t n = g1 - g0 + 1;
    const std::int64_t budget = 4 * std::int64_t{width};
    const std::int64_t decodeBudget = std::int64_t{m_config.fullReadPointsPerPixel} * width;
    const std::int64_t current = m_scrapes - 1;

    DecimationRead read;
    const std::int64_t fullFrom = current - m_config.fullResolutionPoints + 1;
    const bool decodeAll = n <= decodeBudget && g0 >= fullFrom;
    if (!decodeAll && m_cache && (g0 >= fullFrom || m_config.levels.empty()))
        read.cachedChunks = true;
    else if (!decodeAll && !m_config.levels.empty()) {
        read.level = static_cast<int>(m_config.levels.size()) - 1;
        for (int l = 0; l < static_cast<int>(m_config.levels.size()); ++l) {
            const auto& cfg = m_config.levels[static_cast<std::size_t>(l)];
            const std::int64_t from =
                (current / cfg.bucketPoints - cfg.retentionBuckets) * cfg.bucketPoints;
            if (n / cfg.bucketPoints <= budget && g0 >= from) {
                read.level = l;
                break;
            }
        }
    }
    // Full resolution (and the cache, read from it) holds only the last points.
    read.from = read.level < 0 && g0 < fullFrom ? fullFrom : g0;
    return read;
}

// Every chunk holding any of [g0, g1], decoded whole (f filters).
template <typename F>
void SeriesStore::decodeChunks(std::uint32_t id, std::int64_t g0, std::int64_t g1, F&& f) const
{
    const std::int64_t chunkPoints = m_config.chunkPoints;
    for (std::int64_t chunkNo = g0 / chunkPoints; chunkNo * chunkPoints <= g1; ++chunkNo)
        decodeChunk(id, chunkNo, f);
}

// Whole completed chunks from their cached buckets; the ends and the open chunk decoded.
template <typename F>
void SeriesStore::readCachedChunks(std::uint32_t id, std::int64_t g0, std::int64_t g1, F&& f) const
{
    const Hot& h = m_hot[id];
    const std::int64_t chunkPoints = m_config.chunkPoints;
    const auto per = static_cast<std::int64_t>(m_cache->bucketsPerChunk);
    std::lock_guard<std::mutex> lock(m_cache->mutex);
    for (std::int64_t chunkNo = g0 / chunkPoints; chunkNo * chunkPoints <= g1; ++chunkNo) {
        const std::int64_t first = chunkNo * chunkPoints;
        if (chunkNo == h.chunkNo || first < g0 || first + chunkPoints - 1 > g1) {
            decodeChunk(id, chunkNo, f);
            continue;
        }
        const auto* buckets = static_cast<const Bucket*>(chunkSummaries(id, chunkNo));
        for (std::int64_t b = 0; b < per; ++b)
            emitBucket(buckets[b], first + b * SummaryCache::kBucketPoints, f);
    }
}

// The buckets of summary `level` over [g0, g1], the open one included.
template <typename F>
void SeriesStore::readSummaryLevel(std::uint32_t id, int level, std::int64_t g0, std::int64_t g1,
                                   F&& f) const
{
    const Column& c = *m_columns[id];
    const auto l = static_cast<std::size_t>(level);
    const std::int64_t bucketPoints = m_config.levels[l].bucketPoints;
    const auto& ring = c.levels[l];
    const std::int64_t ringSize = static_cast<std::int64_t>(ring.size());
    const std::int64_t open = c.open[l].number; // the series' bucket still being filled
    // Ring slots hold the buckets before the open one, back to a ring's length.
    const std::int64_t b0 = std::max(g0 / bucketPoints, open - ringSize + 1);
    const std::int64_t b1 = std::min(g1 / bucketPoints, open);
    for (std::int64_t b = b0; b <= b1; ++b) {
        const Bucket& k =
            b == open ? c.open[l].bucket : ring[static_cast<std::size_t>(b % ringSize)];
        emitBucket(k, b * bucketPoints, f);
    }
}

SeriesStoreMemory SeriesStore::memoryUsage(std::uint32_t id) const
{
    SeriesStoreMemory m;
    if (!contains(id))
        return m;
    const Column& c = *m_columns[id];
    const Hot& h = m_hot[id];
    m.seriesBytes = sizeof(Hot) + (m_dictionaries.empty() ? 0 : sizeof(Dictionary)) +
                    sizeof(Column*) + sizeof(Column) + c.levels.capacity() * sizeof(c.levels[0]);
    for (const Batch& batch : m_batches) {
        if (id >= batch.spans.size())
            continue;
        const Span& span = batch.spans[id];
        if (span.count == 0 || batch.chunkNo * m_config.chunkPoints + span.first < h.start)
            continue;
        m.valueBytes += span.bytes;
        m.valueCapacity += span.bytes;
        m.pointsHeld += span.count;
    }
    std::uint8_t group[kGroupBytes];
    m.valueBytes += c.bytes.size() + static_cast<std::size_t>(h.assemble(group));
    m.valueCapacity += c.bytes.capacity();
    m.pointsHeld += static_cast<std::size_t>(c.count) + h.pendingCount;
    for (const auto& l : c.levels)
        m.summaryBytes += l.capacity() * sizeof(Bucket);
    m.summaryBytes += c.open.capacity() * sizeof(Column::OpenBucket);
    return m;
}

SeriesStoreMemory SeriesStore::memoryUsage() const
{
    SeriesStoreMemory m;
    m.timestampBytes = m_times.capacity() * sizeof(qint64);
    // State of ids not in use (kept for reuse) counts too.
    m.seriesBytes = (m_hot.capacity() - m_liveCount) * sizeof(Hot) +
                    (m_dictionaries.capacity() - std::min(m_dictionaries.capacity(), m_liveCount)) *
                        sizeof(Dictionary) +
                    (m_columns.capacity() - m_liveCount) * sizeof(Column*) +
                    m_batches.capacity() * sizeof(Batch);
    std::size_t inSpans = 0;
    for (std::uint32_t id = 0; id < m_columns.size(); ++id) {
        const SeriesStoreMemory s = memoryUsage(id);
        m.valueBytes += s.valueBytes;
        m.valueCapacity += s.valueCapacity;
        m.summaryBytes += s.summaryBytes;
        m.seriesBytes += s.seriesBytes;
        m.pointsHeld += s.pointsHeld;
    }
    // Batches: their whole capacity (the series' spans were counted above), and
    // the spans.
    for (const Batch& batch : m_batches) {
        for (std::size_t id = 0; id < batch.spans.size(); ++id) {
            const Span& span = batch.spans[id];
            if (span.count > 0 && id < m_columns.size() && m_columns[id] &&
                batch.chunkNo * m_config.chunkPoints + span.first >= m_hot[id].start)
                inSpans += span.bytes;
        }
        m.valueCapacity += batch.bytes.capacity();
        m.seriesBytes += batch.spans.capacity() * sizeof(Span);
    }
    m.valueCapacity -= std::min(m.valueCapacity, inSpans);
    if (m_cache) {
        m.summaryBytes += sizeof(SummaryCache) +
                          m_cache->entries.capacity() * sizeof(SummaryCache::Entry) +
                          m_cache->buckets.capacity() * sizeof(Bucket);
    }
    return m;
}

} // namespace ops
