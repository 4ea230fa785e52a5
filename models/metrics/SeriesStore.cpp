#include "models/metrics/SeriesStore.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxLevels = 3;
constexpr int kPendingValues = 8;

struct Bucket {
    float first = 0, min = 0, max = 0, last = 0;
    std::uint16_t firstOff = 0, minOff = 0, maxOff = 0, lastOff = 0;
    std::int32_t number = -1; // scrape index / bucketPoints; -1: empty
};

struct Chunk {
    std::int64_t start = -1; // scrape index of the first value
    int count = 0;           // values in bytes (a multiple of kPendingValues until complete)
    std::vector<std::uint8_t> bytes;
};

// Float32 bits XOR the previous value's; a nibble per value (two per control byte) says how many
// low bytes of the XOR follow (0-4). Identical values cost half a byte.
struct Decoder {
    std::uint32_t prevBits = 0;
    int drop = 0;
    template <typename F> void run(const std::uint8_t* p, int count, std::int64_t firstIndex, F&& f)
    {
        std::uint8_t control = 0;
        for (int i = 0; i < count; ++i) {
            int n;
            if ((i & 1) == 0) {
                control = *p++;
                n = control & 0x0F;
            } else {
                n = control >> 4;
            }
            std::uint32_t x = 0;
            for (int k = 0; k < n; ++k)
                x |= static_cast<std::uint32_t>(*p++) << (8 * k);
            prevBits ^= x;
            const std::uint32_t bits = prevBits << drop;
            float v;
            std::memcpy(&v, &bits, 4);
            f(firstIndex + i, static_cast<double>(v));
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
    std::uint32_t prevBits = 0;
    std::uint8_t pendingCount = 0;
    std::uint8_t pendingBytes = 0;
    std::uint8_t controlPos = 0;
    std::uint8_t pending[kPendingValues / 2 + kPendingValues * 4] = {};
    Bucket current[kMaxLevels];
};

struct SeriesStore::Column {
    std::vector<Chunk> chunks;               // ring by chunk number
    std::vector<std::vector<Bucket>> levels; // rings of completed buckets
};

SeriesStoreConfig SeriesStoreConfig::signalsForADay(int pollsPerDay)
{
    SeriesStoreConfig c;
    c.fullResolutionPoints = pollsPerDay;
    c.levels = {{64, pollsPerDay / 64 + 1}, {1024, pollsPerDay / 1024 + 1}};
    c.mantissaBits = 12;
    c.maxSeries = 20000;
    c.idlePollsBeforeEviction = 300;
    c.dropIdleAfterPolls = pollsPerDay;
    return c;
}

SeriesStoreConfig SeriesStoreConfig::rawSeries(int fullResolutionPoints, int pollsPerDay)
{
    SeriesStoreConfig c;
    c.fullResolutionPoints = fullResolutionPoints;
    c.levels = {{900, pollsPerDay / 900 + 1}}; // 15-minute summaries for a day
    return c;
}

SeriesStoreConfig SeriesStoreConfig::rollupWindow(int minutes, std::size_t series)
{
    SeriesStoreConfig c;
    c.fullResolutionPoints = minutes + 60;
    // 16-minute summaries: a 30-day window reads ~2,700 buckets a column, not 43,200 minutes.
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
    if (m_config.levels.size() > kMaxLevels)
        m_config.levels.resize(kMaxLevels);
    std::int64_t span = m_config.fullResolutionPoints;
    std::int64_t previous = 1;
    for (auto& l : m_config.levels) {
        l.bucketPoints = std::clamp(l.bucketPoints, 2, 65535);
        // Every level a multiple of the one below it.
        l.bucketPoints = static_cast<int>((l.bucketPoints + previous - 1) / previous * previous);
        previous = l.bucketPoints;
        l.retentionBuckets = std::max(l.retentionBuckets, 1);
        span =
            std::max<std::int64_t>(span, std::int64_t{l.bucketPoints} * (l.retentionBuckets + 1));
    }
    m_times.assign(static_cast<std::size_t>(span + 1), 0);
    m_drop = 23 - std::clamp(m_config.mantissaBits, 1, 23);
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
    c->chunks.resize(static_cast<std::size_t>(
        (m_config.fullResolutionPoints + kChunkPoints - 1) / kChunkPoints + 1));
    for (const auto& l : m_config.levels)
        c->levels.emplace_back(static_cast<std::size_t>(l.retentionBuckets));
    std::uint32_t id;
    if (!m_freeIds.empty()) {
        id = m_freeIds.back();
        m_freeIds.pop_back();
        m_columns[id] = c;
    } else {
        id = static_cast<std::uint32_t>(m_columns.size());
        m_columns.push_back(c);
        m_hot.emplace_back();
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
    Chunk& ch =
        c.chunks[static_cast<std::size_t>(h.chunkNo % static_cast<std::int64_t>(c.chunks.size()))];
    if (ch.bytes.size() + h.pendingBytes > ch.bytes.capacity()) {
        // Outgrew its estimate: take the most a chunk can need, so this slot never grows again.
        const std::size_t valueBytes = static_cast<std::size_t>((32 - m_drop + 7) / 8);
        ch.bytes.reserve(kChunkPoints / 2 + kChunkPoints * valueBytes);
    }
    ch.bytes.insert(ch.bytes.end(), h.pending, h.pending + h.pendingBytes);
    ch.count += h.pendingCount;
    h.pendingCount = 0;
    h.pendingBytes = 0;
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

void SeriesStore::appendAt(std::uint32_t id, std::int64_t index, double value)
{
    Hot& h = m_hot[id];
    h.lastAppended = index;
    const std::int64_t chunkNo = index / kChunkPoints;
    if (chunkNo != h.chunkNo) {
        flushPending(id);
        Column& c = *m_columns[id];
        Chunk& ch = c.chunks[static_cast<std::size_t>(chunkNo %
                                                      static_cast<std::int64_t>(c.chunks.size()))];
        ch.start = index;
        ch.count = 0;
        ch.bytes.clear(); // keeps its capacity: once the ring has wrapped, nothing is allocated
        // Size a fresh buffer once, from what the previous chunk of this series needed.
        const Chunk& before = c.chunks[static_cast<std::size_t>(
            (chunkNo + static_cast<std::int64_t>(c.chunks.size()) - 1) %
            static_cast<std::int64_t>(c.chunks.size()))];
        const std::size_t want =
            std::max<std::size_t>(64, before.bytes.size() + before.bytes.size() / 8);
        if (ch.bytes.capacity() == 0)
            ch.bytes.reserve(want);
        h.chunkNo = chunkNo;
        h.prevBits = 0;
    }
    float f = static_cast<float>(value);
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    if (m_drop > 0 && !std::isnan(f)) {
        // Round to the kept mantissa bits (a carry into the exponent is correct rounding).
        bits = (bits + (1u << (m_drop - 1))) & ~((1u << m_drop) - 1u);
        std::memcpy(&f, &bits, 4);
    }
    bits >>= m_drop;
    const std::uint32_t x = bits ^ h.prevBits;
    h.prevBits = bits;
    const int n = x == 0 ? 0 : 4 - std::countl_zero(x) / 8;
    if ((h.pendingCount & 1) == 0) {
        h.controlPos = h.pendingBytes;
        h.pending[h.pendingBytes++] = static_cast<std::uint8_t>(n);
    } else {
        h.pending[h.controlPos] = static_cast<std::uint8_t>(h.pending[h.controlPos] | (n << 4));
    }
    for (int i = 0; i < n; ++i)
        h.pending[h.pendingBytes++] = static_cast<std::uint8_t>(x >> (8 * i));
    ++h.pendingCount;
    h.latest = value;
    if (h.pendingCount == kPendingValues)
        flushPending(id);
    if (std::isnan(value))
        return;
    h.lastSeen = index;
    for (std::size_t l = 0; l < m_config.levels.size(); ++l) {
        const std::int64_t bucketPoints = m_config.levels[l].bucketPoints;
        const std::int64_t b = index / bucketPoints;
        Bucket& cur = h.current[l];
        const auto off = static_cast<std::uint16_t>(index - b * bucketPoints);
        if (cur.number != static_cast<std::int32_t>(b)) {
            if (cur.number >= 0) {
                auto& ring = m_columns[id]->levels[l];
                ring[static_cast<std::size_t>(cur.number %
                                              static_cast<std::int64_t>(ring.size()))] = cur;
            }
            cur = Bucket{f, f, f, f, off, off, off, off, static_cast<std::int32_t>(b)};
            continue;
        }
        if (f < cur.min) {
            cur.min = f;
            cur.minOff = off;
        }
        if (f > cur.max) {
            cur.max = f;
            cur.maxOff = off;
        }
        cur.last = f;
        cur.lastOff = off;
    }
}

template <typename F>
void SeriesStore::decodeChunk(std::uint32_t id, std::int64_t chunkNo, F&& f) const
{
    const Column& c = *m_columns[id];
    const Hot& h = m_hot[id];
    const Chunk& ch =
        c.chunks[static_cast<std::size_t>(chunkNo % static_cast<std::int64_t>(c.chunks.size()))];
    if (ch.start < 0 || ch.start / kChunkPoints != chunkNo)
        return;
    Decoder d;
    d.drop = m_drop;
    d.run(ch.bytes.data(), ch.count, ch.start, f);
    if (h.chunkNo == chunkNo)
        d.run(h.pending, h.pendingCount, ch.start + ch.count, f);
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
    for (std::int64_t chunkNo = g0 / kChunkPoints; chunkNo * kChunkPoints <= g1; ++chunkNo) {
        decodeChunk(id, chunkNo, [&](std::int64_t i, double v) {
            if (i >= g0 && i <= g1 && !std::isnan(v))
                out.push_back({timeAt(i), v});
        });
    }
}

void SeriesStore::decimate(std::uint32_t id, qint64 t0, qint64 t1, int width,
                           std::vector<StorePoint>& out) const
{
    out.clear();
    if (!contains(id) || m_scrapes == 0 || t1 < t0 || width <= 0)
        return;
    const Hot& h = m_hot[id];
    const Column& c = *m_columns[id];
    std::int64_t g0 = std::max(firstIndexAtOrAfter(t0), h.start);
    const std::int64_t g1 = std::min(lastIndexAtOrBefore(t1), h.lastAppended);
    if (g1 < g0)
        return;
    const std::int64_t n = g1 - g0 + 1;
    const std::int64_t budget = 4 * std::int64_t{width};
    const std::int64_t current = m_scrapes - 1;

    // -1: full resolution; else a summary level.
    int level = -1;
    const std::int64_t fullFrom = current - m_config.fullResolutionPoints + 1;
    if (!(n <= budget && g0 >= fullFrom) && !m_config.levels.empty()) {
        level = static_cast<int>(m_config.levels.size()) - 1;
        for (int l = 0; l < static_cast<int>(m_config.levels.size()); ++l) {
            const auto& cfg = m_config.levels[static_cast<std::size_t>(l)];
            const std::int64_t from =
                (current / cfg.bucketPoints - cfg.retentionBuckets) * cfg.bucketPoints;
            if (n / cfg.bucketPoints <= budget && g0 >= from) {
                level = l;
                break;
            }
        }
    }
    if (level < 0 && g0 < fullFrom)
        g0 = fullFrom;

    struct Acc {
        std::int64_t firstI = -1, minI = 0, maxI = 0, lastI = 0;
        double first = 0, min = 0, max = 0, last = 0;
    };
    const double span = static_cast<double>(t1 - t0) + 1.0;
    int column = -1;
    Acc acc;
    auto emitSorted = [&](std::int64_t* idx, double* val, auto&& sink) {
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
    };
    auto flush = [&]() {
        if (column < 0 || acc.firstI < 0)
            return;
        std::int64_t idx[4] = {acc.firstI, acc.minI, acc.maxI, acc.lastI};
        double val[4] = {acc.first, acc.min, acc.max, acc.last};
        emitSorted(idx, val, [&](std::int64_t i, double v) { out.push_back({timeAt(i), v}); });
    };
    auto add = [&](std::int64_t i, double v) {
        if (std::isnan(v) || i < g0 || i > g1)
            return;
        const qint64 t = timeAt(i);
        int col = static_cast<int>(static_cast<double>(t - t0) * width / span);
        col = std::clamp(col, 0, width - 1);
        if (col != column) {
            flush();
            column = col;
            acc = Acc{};
        }
        if (acc.firstI < 0) {
            acc = Acc{i, i, i, i, v, v, v, v};
            return;
        }
        if (v < acc.min) {
            acc.min = v;
            acc.minI = i;
        }
        if (v > acc.max) {
            acc.max = v;
            acc.maxI = i;
        }
        acc.last = v;
        acc.lastI = i;
    };

    if (level < 0) {
        for (std::int64_t chunkNo = g0 / kChunkPoints; chunkNo * kChunkPoints <= g1; ++chunkNo)
            decodeChunk(id, chunkNo, add);
    } else {
        const auto l = static_cast<std::size_t>(level);
        const std::int64_t bucketPoints = m_config.levels[l].bucketPoints;
        const auto& ring = c.levels[l];
        const std::int64_t ringSize = static_cast<std::int64_t>(ring.size());
        const std::int64_t b0 = std::max(g0 / bucketPoints, current / bucketPoints - ringSize);
        const std::int64_t b1 = g1 / bucketPoints;
        for (std::int64_t b = b0; b <= b1; ++b) {
            const Bucket& k = h.current[l].number == static_cast<std::int32_t>(b)
                                  ? h.current[l]
                                  : ring[static_cast<std::size_t>(b % ringSize)];
            if (k.number != static_cast<std::int32_t>(b))
                continue;
            const std::int64_t base = b * bucketPoints;
            std::int64_t idx[4] = {base + k.firstOff, base + k.minOff, base + k.maxOff,
                                   base + k.lastOff};
            double val[4] = {k.first, k.min, k.max, k.last};
            emitSorted(idx, val, add);
        }
    }
    flush();
}

std::size_t SeriesStore::memoryBytes() const
{
    std::size_t total = m_times.capacity() * sizeof(qint64) + m_hot.capacity() * sizeof(Hot);
    for (const Column* c : m_columns) {
        if (!c)
            continue;
        total += sizeof(Column);
        for (const Chunk& ch : c->chunks)
            total += sizeof(Chunk) + ch.bytes.capacity();
        for (const auto& l : c->levels)
            total += l.capacity() * sizeof(Bucket);
    }
    return total;
}

} // namespace ops
