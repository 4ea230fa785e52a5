#include "metrics/SeriesStore.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Chunk {
    std::int64_t start = -1; // scrape index of the first value
    int count = 0;
    std::uint32_t prev = 0;
    std::size_t control = 0; // position of the control byte of the current pair
    std::vector<std::uint8_t> bytes;

    void reset(std::int64_t first) {
        start = first;
        count = 0;
        prev = 0;
        bytes.clear();
    }

    // XOR with the previous float's bits; a nibble per value says how many low bytes follow.
    void push(float value) {
        std::uint32_t bits;
        std::memcpy(&bits, &value, 4);
        const std::uint32_t x = bits ^ prev;
        prev = bits;
        const int n = x == 0 ? 0 : 4 - std::countl_zero(x) / 8;
        if ((count & 1) == 0) {
            control = bytes.size();
            bytes.push_back(static_cast<std::uint8_t>(n));
        } else {
            bytes[control] = static_cast<std::uint8_t>(bytes[control] | (n << 4));
        }
        for (int i = 0; i < n; ++i)
            bytes.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
        ++count;
    }

    // Calls f(index, value) for every value.
    template <typename F> void decode(F&& f) const {
        std::uint32_t prevBits = 0;
        std::size_t pos = 0;
        std::uint8_t controlByte = 0;
        for (int i = 0; i < count; ++i) {
            int n;
            if ((i & 1) == 0) {
                controlByte = bytes[pos++];
                n = controlByte & 0x0F;
            } else {
                n = controlByte >> 4;
            }
            std::uint32_t x = 0;
            for (int k = 0; k < n; ++k)
                x |= static_cast<std::uint32_t>(bytes[pos++]) << (8 * k);
            prevBits ^= x;
            float v;
            std::memcpy(&v, &prevBits, 4);
            f(start + i, static_cast<double>(v));
        }
    }
};

struct Bucket {
    float first = 0, min = 0, max = 0, last = 0;
    std::uint16_t firstOff = 0, minOff = 0, maxOff = 0, lastOff = 0;
    std::int32_t number = -1; // bucket number (scrape index / bucketPoints); -1: empty
};

struct Level {
    std::int64_t bucketPoints = 1;
    std::vector<Bucket> ring;
};

} // namespace

struct SeriesStore::Column {
    std::int64_t start = 0; // first scrape index held
    std::int64_t lastAppended = -1;
    std::int64_t lastSeen = 0; // last scrape with a real value
    double latest = kNaN;
    std::vector<Chunk> chunks; // ring by chunk number
    std::vector<Level> levels;
};

SeriesStoreConfig SeriesStoreConfig::signalsForADay(int pollsPerDay) {
    SeriesStoreConfig c;
    c.fullResolutionPoints = pollsPerDay;
    c.levels = {{64, pollsPerDay / 64 + 1}, {1024, pollsPerDay / 1024 + 1}};
    c.maxSeries = 20000;
    c.idlePollsBeforeEviction = 300;
    c.dropIdleAfterPolls = pollsPerDay;
    return c;
}

SeriesStoreConfig SeriesStoreConfig::rawSeries(int fullResolutionPoints, int pollsPerDay) {
    SeriesStoreConfig c;
    c.fullResolutionPoints = fullResolutionPoints;
    c.levels = {{300, pollsPerDay / 300 + 1}};
    return c;
}

SeriesStore::SeriesStore(SeriesStoreConfig config)
    : m_config(std::move(config)) {
    m_config.fullResolutionPoints = std::max(m_config.fullResolutionPoints, 1);
    std::int64_t span = m_config.fullResolutionPoints;
    std::int64_t previous = 1;
    for (auto& l : m_config.levels) {
        l.bucketPoints = std::clamp(l.bucketPoints, 2, 65535);
        // Keep every level a multiple of the one below it.
        l.bucketPoints = static_cast<int>((l.bucketPoints + previous - 1) / previous * previous);
        previous = l.bucketPoints;
        l.retentionBuckets = std::max(l.retentionBuckets, 1);
        span =
            std::max<std::int64_t>(span, std::int64_t{l.bucketPoints} * (l.retentionBuckets + 1));
    }
    m_times.assign(static_cast<std::size_t>(span + 1), 0);
}

SeriesStore::~SeriesStore() {
    for (Column* c : m_columns)
        delete c;
}

qint64 SeriesStore::timeAt(std::int64_t index) const {
    return m_times[static_cast<std::size_t>(index % static_cast<std::int64_t>(m_times.size()))];
}

std::int64_t SeriesStore::oldestIndex() const {
    return std::max<std::int64_t>(0, m_scrapes - static_cast<std::int64_t>(m_times.size()) + 1);
}

qint64 SeriesStore::latestTime() const {
    return m_scrapes > 0 ? timeAt(m_scrapes - 1) : 0;
}
qint64 SeriesStore::oldestTime() const {
    return m_scrapes > 0 ? timeAt(oldestIndex()) : 0;
}

std::int64_t SeriesStore::firstIndexAtOrAfter(qint64 t) const {
    std::int64_t lo = oldestIndex();
    std::int64_t hi = m_scrapes; // answer in [lo, hi]
    while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (timeAt(mid) < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::int64_t SeriesStore::lastIndexAtOrBefore(qint64 t) const {
    std::int64_t lo = oldestIndex() - 1;
    std::int64_t hi = m_scrapes - 1; // answer in [lo, hi]
    while (lo < hi) {
        const std::int64_t mid = hi - (hi - lo) / 2;
        if (timeAt(mid) > t)
            hi = mid - 1;
        else
            lo = mid;
    }
    return lo;
}

void SeriesStore::beginScrape(qint64 tMs) {
    if (m_inScrape)
        endScrape();
    if (m_scrapes > 0)
        tMs = std::max(tMs, timeAt(m_scrapes - 1));
    m_times[static_cast<std::size_t>(m_scrapes % static_cast<std::int64_t>(m_times.size()))] = tMs;
    ++m_scrapes;
    m_inScrape = true;
}

void SeriesStore::endScrape() {
    if (!m_inScrape)
        return;
    m_inScrape = false;
    const std::int64_t current = m_scrapes - 1;
    for (std::uint32_t id = 0; id < m_columns.size(); ++id) {
        Column* c = m_columns[id];
        if (c && c->lastAppended < current) {
            append(id, kNaN);
            c->latest = kNaN;
        }
    }
}

std::uint32_t SeriesStore::addSeries(std::uint32_t* evicted) {
    if (evicted)
        *evicted = kNoSeries;
    const std::int64_t current = std::max<std::int64_t>(m_scrapes - 1, 0);
    if (m_liveCount >= m_config.maxSeries) {
        std::uint32_t victim = kNoSeries;
        std::int64_t oldestSeen = current - m_config.idlePollsBeforeEviction + 1;
        for (std::uint32_t id = 0; id < m_columns.size(); ++id) {
            const Column* c = m_columns[id];
            if (c && c->lastSeen < oldestSeen) {
                oldestSeen = c->lastSeen;
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
    c->start = m_inScrape ? current : m_scrapes;
    c->lastSeen = c->start;
    c->lastAppended = c->start - 1;
    c->chunks.resize(static_cast<std::size_t>(
        (m_config.fullResolutionPoints + kChunkPoints - 1) / kChunkPoints + 1));
    for (const auto& l : m_config.levels) {
        Level level;
        level.bucketPoints = l.bucketPoints;
        level.ring.resize(static_cast<std::size_t>(l.retentionBuckets));
        c->levels.push_back(std::move(level));
    }
    std::uint32_t id;
    if (!m_freeIds.empty()) {
        id = m_freeIds.back();
        m_freeIds.pop_back();
        m_columns[id] = c;
    } else {
        id = static_cast<std::uint32_t>(m_columns.size());
        m_columns.push_back(c);
    }
    ++m_liveCount;
    return id;
}

void SeriesStore::removeSeries(std::uint32_t id) {
    if (!contains(id))
        return;
    delete m_columns[id];
    m_columns[id] = nullptr;
    m_freeIds.push_back(id);
    --m_liveCount;
}

void SeriesStore::dropIdleSeries(std::vector<std::uint32_t>& out) {
    out.clear();
    const std::int64_t limit = m_scrapes - 1 - m_config.dropIdleAfterPolls;
    for (std::uint32_t id = 0; id < m_columns.size(); ++id) {
        if (m_columns[id] && m_columns[id]->lastSeen < limit) {
            removeSeries(id);
            ++m_evicted;
            out.push_back(id);
        }
    }
}

bool SeriesStore::contains(std::uint32_t id) const {
    return id < m_columns.size() && m_columns[id] != nullptr;
}

double SeriesStore::latest(std::uint32_t id) const {
    return contains(id) ? m_columns[id]->latest : kNaN;
}

void SeriesStore::append(std::uint32_t id, double value) {
    if (!contains(id) || m_scrapes == 0)
        return;
    Column& c = *m_columns[id];
    const std::int64_t index = m_scrapes - 1;
    if (c.lastAppended >= index)
        return; // one value per scrape: the first wins
    // A column that missed scrapes (appended outside begin/end) gets gaps first.
    while (c.lastAppended + 1 < index) {
        const std::int64_t gap = c.lastAppended + 1;
        c.lastAppended = gap;
        Chunk& ch = c.chunks[static_cast<std::size_t>((gap / kChunkPoints) %
                                                      static_cast<std::int64_t>(c.chunks.size()))];
        if (ch.start < 0 || ch.start / kChunkPoints != gap / kChunkPoints)
            ch.reset(gap);
        ch.push(std::numeric_limits<float>::quiet_NaN());
    }
    c.lastAppended = index;
    Chunk& ch = c.chunks[static_cast<std::size_t>((index / kChunkPoints) %
                                                  static_cast<std::int64_t>(c.chunks.size()))];
    if (ch.start < 0 || ch.start / kChunkPoints != index / kChunkPoints)
        ch.reset(index);
    const float f = static_cast<float>(value);
    ch.push(f);
    c.latest = value;
    if (std::isnan(value))
        return;
    c.lastSeen = index;
    for (Level& level : c.levels) {
        const std::int64_t b = index / level.bucketPoints;
        Bucket& bucket =
            level.ring[static_cast<std::size_t>(b % static_cast<std::int64_t>(level.ring.size()))];
        const auto off = static_cast<std::uint16_t>(index - b * level.bucketPoints);
        if (bucket.number != static_cast<std::int32_t>(b)) {
            bucket = Bucket{f, f, f, f, off, off, off, off, static_cast<std::int32_t>(b)};
            continue;
        }
        if (f < bucket.min) {
            bucket.min = f;
            bucket.minOff = off;
        }
        if (f > bucket.max) {
            bucket.max = f;
            bucket.maxOff = off;
        }
        bucket.last = f;
        bucket.lastOff = off;
    }
}

void SeriesStore::points(std::uint32_t id, qint64 t0, qint64 t1,
                         std::vector<StorePoint>& out) const {
    out.clear();
    if (!contains(id) || m_scrapes == 0 || t1 < t0)
        return;
    const Column& c = *m_columns[id];
    const std::int64_t g0 =
        std::max({firstIndexAtOrAfter(t0), c.start,
                  m_scrapes - static_cast<std::int64_t>(m_config.fullResolutionPoints)});
    const std::int64_t g1 = std::min(lastIndexAtOrBefore(t1), c.lastAppended);
    for (std::int64_t chunkNo = g0 / kChunkPoints; chunkNo * kChunkPoints <= g1; ++chunkNo) {
        const Chunk& ch = c.chunks[static_cast<std::size_t>(
            chunkNo % static_cast<std::int64_t>(c.chunks.size()))];
        if (ch.start < 0 || ch.start / kChunkPoints != chunkNo)
            continue;
        ch.decode([&](std::int64_t i, double v) {
            if (i >= g0 && i <= g1 && !std::isnan(v))
                out.push_back({timeAt(i), v});
        });
    }
}

void SeriesStore::decimate(std::uint32_t id, qint64 t0, qint64 t1, int width,
                           std::vector<StorePoint>& out) const {
    out.clear();
    if (!contains(id) || m_scrapes == 0 || t1 < t0 || width <= 0)
        return;
    const Column& c = *m_columns[id];
    std::int64_t g0 = std::max(firstIndexAtOrAfter(t0), c.start);
    const std::int64_t g1 = std::min(lastIndexAtOrBefore(t1), c.lastAppended);
    if (g1 < g0)
        return;
    const std::int64_t n = g1 - g0 + 1;
    const std::int64_t budget = 4 * std::int64_t{width};
    const std::int64_t current = m_scrapes - 1;

    // Level -1: full resolution; else c.levels[level].
    int level = -1;
    const std::int64_t fullFrom = current - m_config.fullResolutionPoints + 1;
    if (!(n <= budget && g0 >= fullFrom)) {
        level = static_cast<int>(c.levels.size()) - 1;
        for (int l = 0; l < static_cast<int>(c.levels.size()); ++l) {
            const Level& lv = c.levels[static_cast<std::size_t>(l)];
            const std::int64_t from =
                (current / lv.bucketPoints - static_cast<std::int64_t>(lv.ring.size()) + 1) *
                lv.bucketPoints;
            if (n / lv.bucketPoints <= budget && g0 >= from) {
                level = l;
                break;
            }
        }
        if (level < 0 && g0 < fullFrom)
            g0 = fullFrom; // no summaries at all: what full resolution still holds
    }

    // Per pixel column: first, min, max, last, all as (index, value).
    struct Acc {
        std::int64_t firstI = -1, minI = 0, maxI = 0, lastI = 0;
        double first = 0, min = 0, max = 0, last = 0;
    };
    const double span = static_cast<double>(t1 - t0) + 1.0;
    int column = -1;
    Acc acc;
    auto flush = [&]() {
        if (column < 0 || acc.firstI < 0)
            return;
        std::int64_t idx[4] = {acc.firstI, acc.minI, acc.maxI, acc.lastI};
        double val[4] = {acc.first, acc.min, acc.max, acc.last};
        // Sort the four by index (tiny insertion sort), merge duplicates.
        for (int i = 1; i < 4; ++i) {
            for (int j = i; j > 0 && idx[j] < idx[j - 1]; --j) {
                std::swap(idx[j], idx[j - 1]);
                std::swap(val[j], val[j - 1]);
            }
        }
        for (int i = 0; i < 4; ++i) {
            if (i > 0 && idx[i] == idx[i - 1])
                continue;
            out.push_back({timeAt(idx[i]), val[i]});
        }
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
        for (std::int64_t chunkNo = g0 / kChunkPoints; chunkNo * kChunkPoints <= g1; ++chunkNo) {
            const Chunk& ch = c.chunks[static_cast<std::size_t>(
                chunkNo % static_cast<std::int64_t>(c.chunks.size()))];
            if (ch.start < 0 || ch.start / kChunkPoints != chunkNo)
                continue;
            ch.decode(add);
        }
    } else {
        const Level& lv = c.levels[static_cast<std::size_t>(level)];
        const std::int64_t ringSize = static_cast<std::int64_t>(lv.ring.size());
        const std::int64_t oldestBucket = current / lv.bucketPoints - ringSize + 1;
        const std::int64_t b0 = std::max(g0 / lv.bucketPoints, oldestBucket);
        const std::int64_t b1 = g1 / lv.bucketPoints;
        for (std::int64_t b = b0; b <= b1; ++b) {
            const Bucket& k = lv.ring[static_cast<std::size_t>(b % ringSize)];
            if (k.number != static_cast<std::int32_t>(b))
                continue;
            const std::int64_t base = b * lv.bucketPoints;
            std::int64_t idx[4] = {base + k.firstOff, base + k.minOff, base + k.maxOff,
                                   base + k.lastOff};
            double val[4] = {k.first, k.min, k.max, k.last};
            for (int i = 1; i < 4; ++i) {
                for (int j = i; j > 0 && idx[j] < idx[j - 1]; --j) {
                    std::swap(idx[j], idx[j - 1]);
                    std::swap(val[j], val[j - 1]);
                }
            }
            for (int i = 0; i < 4; ++i) {
                if (i == 0 || idx[i] != idx[i - 1])
                    add(idx[i], val[i]);
            }
        }
    }
    flush();
}

std::size_t SeriesStore::memoryBytes() const {
    std::size_t total = m_times.capacity() * sizeof(qint64);
    for (const Column* c : m_columns) {
        if (!c)
            continue;
        total += sizeof(Column);
        for (const Chunk& ch : c->chunks)
            total += sizeof(Chunk) + ch.bytes.capacity();
        for (const Level& l : c->levels)
            total += l.ring.capacity() * sizeof(Bucket);
    }
    return total;
}

} // namespace ops
