#pragma once

// Series identified by their raw bytes, as Prometheus's scrape cache does: the bytes of
// "name{labels}" exactly as the target wrote them are hashed and looked up in a flat
// open-addressing table. A label set is decoded once, when its bytes are first seen; after that
// a lookup allocates nothing. Two spellings of one series (whitespace, label order) share an id.

#include "models/metrics/MetricsParser.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ops {

std::uint64_t hashBytes(std::string_view bytes);

struct SeriesInfo {
    std::string name;
    LabelList labels; // decoded, in written order
    MetricType type = MetricType::Untyped;

    // The value of a label, or an empty view.
    std::string_view label(std::string_view labelName) const;
};

class SeriesIndex {
public:
    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

    SeriesIndex();

    // The id of the series with these raw bytes, or kNone.
    std::uint32_t find(std::string_view rawSeries, std::uint64_t hash) const;
    std::uint32_t find(std::string_view rawSeries) const
    {
        return find(rawSeries, hashBytes(rawSeries));
    }

    // Registers a spelling for a series: decodes the labels (once), reuses the id of an equal
    // series spelled differently, else assigns a new id. Returns kNone with reason when the
    // labels are malformed.
    std::uint32_t insert(const RawSample& sample, std::uint64_t hash, MetricType type,
                         std::string* reason = nullptr);

    // The fast path of a scrape that repeats the previous one: spellings ("keys") are stored
    // contiguously in first-seen order; a caller remembers the key found at each position of the
    // last scrape and checks it before hashing. findKey() returns a key index or kNone.
    std::uint32_t findKey(std::string_view rawSeries, std::uint64_t hash) const;
    bool keyMatches(std::uint32_t key, std::string_view rawSeries) const
    {
        if (key >= m_keys.size())
            return false;
        const Key& k = m_keys[key];
        return k.length == rawSeries.size() && k.series != kNone &&
               std::memcmp(m_arena.data() + k.offset, rawSeries.data(), rawSeries.size()) == 0;
    }
    std::uint32_t keySeries(std::uint32_t key) const { return m_keys[key].series; }

    // Forgets a series and every spelling of it; its id may be reused.
    void remove(std::uint32_t id);

    const SeriesInfo& info(std::uint32_t id) const { return m_series[id]; }
    bool contains(std::uint32_t id) const { return id < m_series.size() && m_live[id]; }
    std::size_t size() const { return m_liveCount; }
    // One past the highest id ever handed out (ids are dense, reused after remove()).
    std::size_t idLimit() const { return m_series.size(); }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t key = kNone; // index into m_keys
    };
    struct Key {
        std::uint64_t hash = 0;
        std::uint32_t offset = 0; // in m_arena
        std::uint32_t length = 0;
        std::uint32_t series = kNone;
    };
    std::string_view keyBytes(const Key& k) const
    {
        return std::string_view(m_arena.data() + k.offset, k.length);
    }
    void compactArena();

    void grow();
    void placeKey(std::uint32_t keyIndex);
    void eraseKey(std::uint32_t keyIndex);
    static std::string canonical(std::string_view name, const LabelList& labels);

    std::vector<Slot> m_slots;
    std::size_t m_used = 0;
    std::vector<Key> m_keys;
    std::string m_arena; // every key's bytes, first-seen order
    std::size_t m_arenaGarbage = 0;
    std::vector<std::uint32_t> m_freeKeys;
    std::vector<SeriesInfo> m_series;
    std::vector<std::uint8_t> m_live;
    std::vector<std::vector<std::uint32_t>> m_spellings; // series -> key indices
    std::vector<std::uint32_t> m_freeIds;
    std::unordered_map<std::string, std::uint32_t> m_byCanonical;
    std::vector<std::string> m_canonicalOf;
    std::size_t m_liveCount = 0;
    LabelList m_scratch;
};

} // namespace ops
