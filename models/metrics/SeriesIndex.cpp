#include "models/metrics/SeriesIndex.h"

#include <algorithm>
#include <cstring>

namespace ops {

namespace {

inline std::uint64_t load64(const char* p)
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

inline std::uint64_t mix(std::uint64_t a, std::uint64_t b)
{
    const __uint128_t r = static_cast<__uint128_t>(a) * b;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

constexpr std::uint64_t kP0 = 0xa0761d6478bd642full;
constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr std::uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

} // namespace

// A wyhash-style hash: 16 bytes per multiply.
std::uint64_t hashBytes(std::string_view bytes)
{
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t seed = kP0 ^ n;
    while (n >= 16) {
        seed = mix(load64(p) ^ kP1, load64(p + 8) ^ seed);
        p += 16;
        n -= 16;
    }
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    if (n >= 8) {
        a = load64(p);
        b = load64(p + n - 8);
    } else if (n > 0) {
        std::memcpy(&a, p, n);
    }
    return mix(a ^ kP1, b ^ seed ^ kP2);
}

std::string_view SeriesInfo::label(std::string_view labelName) const
{
    for (const auto& [k, v] : labels) {
        if (k == labelName)
            return v;
    }
    return {};
}

SeriesIndex::SeriesIndex()
    : m_slots(1024)
{
}

std::uint32_t SeriesIndex::findKey(std::string_view rawSeries, std::uint64_t hash) const
{
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& s = m_slots[i];
        if (s.key == kNone)
            return kNone;
        if (s.hash == hash) {
            const Key& k = m_keys[s.key];
            if (k.length == rawSeries.size() &&
                std::memcmp(m_arena.data() + k.offset, rawSeries.data(), rawSeries.size()) == 0)
                return s.key;
        }
    }
}

std::uint32_t SeriesIndex::find(std::string_view rawSeries, std::uint64_t hash) const
{
    const std::uint32_t key = findKey(rawSeries, hash);
    return key == kNone ? kNone : m_keys[key].series;
}

void SeriesIndex::compactArena()
{
    std::string arena;
    arena.reserve(m_arena.size() - m_arenaGarbage);
    for (Key& k : m_keys) {
        if (k.series == kNone)
            continue;
        const std::uint32_t offset = static_cast<std::uint32_t>(arena.size());
        arena.append(keyBytes(k));
        k.offset = offset;
    }
    m_arena.swap(arena);
    m_arenaGarbage = 0;
}

void SeriesIndex::placeKey(std::uint32_t keyIndex)
{
    const std::size_t mask = m_slots.size() - 1;
    const std::uint64_t hash = m_keys[keyIndex].hash;
    std::size_t i = hash & mask;
    while (m_slots[i].key != kNone)
        i = (i + 1) & mask;
    m_slots[i] = {hash, keyIndex};
    ++m_used;
}

void SeriesIndex::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    m_used = 0;
    for (const Slot& s : old) {
        if (s.key != kNone)
            placeKey(s.key);
    }
}

void SeriesIndex::eraseKey(std::uint32_t keyIndex)
{
    // Backward-shift deletion keeps linear probing free of tombstones.
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = m_keys[keyIndex].hash & mask;
    while (m_slots[i].key != keyIndex) {
        if (m_slots[i].key == kNone)
            return;
        i = (i + 1) & mask;
    }
    std::size_t j = i;
    while (true) {
        j = (j + 1) & mask;
        if (m_slots[j].key == kNone)
            break;
        const std::size_t home = m_slots[j].hash & mask;
        // Move j back into i when its home is not within (i, j] cyclically.
        const bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            m_slots[i] = m_slots[j];
            i = j;
        }
    }
    m_slots[i] = Slot{};
    --m_used;
    m_arenaGarbage += m_keys[keyIndex].length;
    m_keys[keyIndex].length = 0;
    m_keys[keyIndex].series = kNone;
    m_freeKeys.push_back(keyIndex);
}

std::string SeriesIndex::canonical(std::string_view name, const LabelList& labels)
{
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(labels.size());
    for (const auto& l : labels)
        sorted.push_back(&l);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
    std::string out(name);
    for (const auto* l : sorted) {
        out += '\0';
        out += l->first;
        out += '\0';
        out += l->second;
    }
    return out;
}

std::uint32_t SeriesIndex::insert(const RawSample& sample, std::uint64_t hash, MetricType type,
                                  std::string* reason)
{
    if (const std::uint32_t existing = find(sample.series, hash); existing != kNone)
        return existing;
    if (!isValidMetricName(sample.name)) {
        if (reason)
            *reason = "bad metric name";
        return kNone;
    }
    if (!decodeLabels(sample.labels, m_scratch, reason))
        return kNone;
    std::string key = canonical(sample.name, m_scratch);
    std::uint32_t id = kNone;
    if (auto it = m_byCanonical.find(key); it != m_byCanonical.end()) {
        id = it->second;
    } else {
        if (!m_freeIds.empty()) {
            id = m_freeIds.back();
            m_freeIds.pop_back();
        } else {
            id = static_cast<std::uint32_t>(m_series.size());
            m_series.emplace_back();
            m_live.push_back(0);
            m_spellings.emplace_back();
            m_canonicalOf.emplace_back();
        }
        SeriesInfo& info = m_series[id];
        info.name.assign(sample.name);
        info.labels = m_scratch;
        info.type = type;
        m_live[id] = 1;
        ++m_liveCount;
        m_canonicalOf[id] = key;
        m_byCanonical.emplace(std::move(key), id);
    }
    std::uint32_t keyIndex;
    if (!m_freeKeys.empty()) {
        keyIndex = m_freeKeys.back();
        m_freeKeys.pop_back();
    } else {
        keyIndex = static_cast<std::uint32_t>(m_keys.size());
        m_keys.emplace_back();
    }
    if (m_arenaGarbage > (1u << 20) && m_arenaGarbage * 2 > m_arena.size())
        compactArena();
    m_keys[keyIndex].offset = static_cast<std::uint32_t>(m_arena.size());
    m_keys[keyIndex].length = static_cast<std::uint32_t>(sample.series.size());
    m_arena.append(sample.series);
    m_keys[keyIndex].hash = hash;
    m_keys[keyIndex].series = id;
    m_spellings[id].push_back(keyIndex);
    if ((m_used + 1) * 2 > m_slots.size())
        grow();
    placeKey(keyIndex);
    return id;
}

void SeriesIndex::remove(std::uint32_t id)
{
    if (!contains(id))
        return;
    for (std::uint32_t keyIndex : m_spellings[id])
        eraseKey(keyIndex);
    m_spellings[id].clear();
    m_byCanonical.erase(m_canonicalOf[id]);
    m_canonicalOf[id].clear();
    m_series[id] = SeriesInfo{};
    m_live[id] = 0;
    --m_liveCount;
    m_freeIds.push_back(id);
}

} // namespace ops
