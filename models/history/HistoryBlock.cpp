#include "models/history/HistoryBlock.h"

#include "models/history/Gorilla.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <string_view>

namespace ops {

namespace {

void putU16(std::vector<std::uint8_t>& out, std::uint16_t v)
{
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void putU32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void setU32(std::uint8_t* p, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t getU32(const std::uint8_t* p)
{
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}

struct Cursor {
    const std::uint8_t* p;
    const std::uint8_t* end;
    bool ok = true;
    const std::uint8_t* take(std::size_t n)
    {
        if (!ok || static_cast<std::size_t>(end - p) < n) {
            ok = false;
            return nullptr;
        }
        const std::uint8_t* at = p;
        p += n;
        return at;
    }
    std::uint32_t u32()
    {
        const std::uint8_t* at = take(4);
        return at ? getU32(at) : 0;
    }
    std::uint16_t u16()
    {
        const std::uint8_t* at = take(2);
        return at ? static_cast<std::uint16_t>(at[0] | at[1] << 8) : 0;
    }
};

} // namespace

std::uint32_t crc32Of(const std::uint8_t* data, std::size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        const auto n = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
        crc = crc32(crc, data, n);
        data += n;
        size -= n;
    }
    return static_cast<std::uint32_t>(crc);
}

const char* blockReadStatusText(BlockReadStatus s)
{
    switch (s) {
    case BlockReadStatus::Ok:
        return "ok";
    case BlockReadStatus::Truncated:
        return "torn tail (the last chunk ends early)";
    case BlockReadStatus::BadMagic:
        return "not a history chunk";
    case BlockReadStatus::BadChecksum:
        return "checksum mismatch";
    case BlockReadStatus::BadPayload:
        return "chunk cannot be decoded";
    }
    return "unknown";
}

namespace {
// CRC-32 of the header's kind, group length, reserved and length fields, then the payload: a
// flipped bit anywhere in the frame but the checksum itself is caught.
std::uint32_t frameChecksum(const std::uint8_t* frame, std::size_t payload)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, frame + 4, 8);
    crc = crc32_combine(crc, crc32Of(frame + historyformat::kHeaderBytes, payload),
                        static_cast<z_off_t>(payload));
    return static_cast<std::uint32_t>(crc);
}
} // namespace

std::vector<std::uint8_t> encodeBlockView(HistoryKind kind, const std::string& group,
                                          const qint64* times, std::size_t count,
                                          const std::vector<SeriesColumnsView>& series)
{
    std::vector<std::uint8_t> out(historyformat::kHeaderBytes, 0);
    const std::size_t columns = kind == HistoryKind::Rollup ? kRollupColumns : 1;
    std::size_t estimate = historyformat::kHeaderBytes + 64 + count * 2;
    for (const SeriesColumnsView& s : series)
        estimate += s.name->size() + 2 + columns * (4 + count * 4 + 8);
    out.reserve(estimate);
    // Payload: count u32 | series u32 | times stream | per series: name, columns' streams.
    putU32(out, static_cast<std::uint32_t>(count));
    putU32(out, static_cast<std::uint32_t>(series.size()));
    out.insert(out.end(), group.begin(), group.end());
    {
        const std::size_t lengthAt = out.size();
        putU32(out, 0);
        const std::size_t start = out.size();
        BitWriter w(out, std::uint64_t{start} * 8);
        DeltaOfDeltaState state;
        for (std::size_t i = 0; i < count; ++i)
            encodeTime(w, state, times[i]);
        setU32(out.data() + lengthAt, static_cast<std::uint32_t>(out.size() - start));
    }
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    for (const SeriesColumnsView& s : series) {
        const std::size_t nameBytes = std::min<std::size_t>(s.name->size(), 65535);
        putU16(out, static_cast<std::uint16_t>(nameBytes));
        out.insert(out.end(), s.name->begin(),
                   s.name->begin() + static_cast<std::ptrdiff_t>(nameBytes));
        for (std::size_t c = 0; c < columns; ++c) {
            // Each column's stream straight into `out`: its length, then the same bytes
            // encodeValues() gives.
            const std::size_t lengthAt = out.size();
            putU32(out, 0);
            const std::size_t start = out.size();
            BitWriter w(out, std::uint64_t{start} * 8);
            XorState state;
            const double* v = s.values[c];
            const std::size_t have = v ? std::min(s.rows[c], count) : 0;
            for (std::size_t i = 0; i < have; ++i)
                encodeXorRecent(w, state, v[i * s.stride]);
            for (std::size_t i = have; i < count; ++i)
                encodeXorRecent(w, state, kNaN);
            setU32(out.data() + lengthAt, static_cast<std::uint32_t>(out.size() - start));
        }
    }
    const std::size_t payload = out.size() - historyformat::kHeaderBytes;
    setU32(out.data(), historyformat::kBlockMagic);
    out[4] = static_cast<std::uint8_t>(kind);
    out[5] = static_cast<std::uint8_t>(std::min<std::size_t>(group.size(), 255));
    setU32(out.data() + 8, static_cast<std::uint32_t>(payload));
    setU32(out.data() + 12, frameChecksum(out.data(), payload));
    return out;
}

std::vector<std::uint8_t> encodeBlock(const HistoryBlock& block)
{
    const std::size_t columns = block.kind == HistoryKind::Rollup ? kRollupColumns : 1;
    std::vector<SeriesColumnsView> views;
    views.reserve(block.series.size());
    for (const HistorySeries& s : block.series) {
        SeriesColumnsView& v = views.emplace_back();
        v.name = &s.name;
        for (std::size_t c = 0; c < columns && c < s.columns.size(); ++c) {
            v.values[c] = s.columns[c].data();
            v.rows[c] = s.columns[c].size();
        }
    }
    return encodeBlockView(block.kind, block.group, block.times.data(), block.times.size(), views);
}

BlockReadStatus decodeBlock(const std::uint8_t* data, std::size_t size, std::size_t& frameBytes,
                            HistoryBlock* block, bool timesOnly, const BlockSelection& select)
{
    frameBytes = 0;
    if (size < historyformat::kHeaderBytes)
        return BlockReadStatus::Truncated;
    const std::uint32_t magic = getU32(data);
    if ((magic != historyformat::kBlockMagic && magic != historyformat::kBlockMagicGorilla) ||
        data[4] > 1)
        return BlockReadStatus::BadMagic;
    const ValueCodec codec = magic == historyformat::kBlockMagicGorilla ? ValueCodec::Gorilla
                                                                        : ValueCodec::GorillaRecent;
    const std::uint32_t payload = getU32(data + 8);
    if (payload > historyformat::kMaxPayload)
        return BlockReadStatus::BadMagic;
    if (size - historyformat::kHeaderBytes < payload)
        return BlockReadStatus::Truncated;
    const std::uint8_t* body = data + historyformat::kHeaderBytes;
    if (frameChecksum(data, payload) != getU32(data + 12))
        return BlockReadStatus::BadChecksum;
    frameBytes = historyformat::kHeaderBytes + payload;
    if (!block)
        return BlockReadStatus::Ok;
    *block = HistoryBlock{};
    block->kind = static_cast<HistoryKind>(data[4]);
    const std::size_t groupBytes = data[5];
    Cursor c{body, body + payload};
    const std::uint32_t count = c.u32();
    const std::uint32_t seriesCount = c.u32();
    const std::uint8_t* group = c.take(groupBytes);
    if (!c.ok)
        return BlockReadStatus::BadPayload;
    block->group.assign(reinterpret_cast<const char*>(group), groupBytes);
    const std::uint32_t timesBytes = c.u32();
    const std::uint8_t* timesData = c.take(timesBytes);
    std::vector<std::int64_t> times;
    if (!c.ok || !decodeTimes(timesData, timesBytes, count, times))
        return BlockReadStatus::BadPayload;
    block->times.assign(times.begin(), times.end());
    if (timesOnly)
        return BlockReadStatus::Ok;
    const std::size_t columns = block->kind == HistoryKind::Rollup ? kRollupColumns : 1;
    if (seriesCount > payload)
        return BlockReadStatus::BadPayload;
    block->series.reserve(select.series ? select.series->size() : seriesCount);
    for (std::uint32_t i = 0; i < seriesCount; ++i) {
        const std::uint16_t nameBytes = c.u16();
        const std::uint8_t* name = c.take(nameBytes);
        if (!c.ok)
            return BlockReadStatus::BadPayload;
        const std::string_view nameView(reinterpret_cast<const char*>(name), nameBytes);
        const bool wanted =
            !select.series || std::find(select.series->begin(), select.series->end(), nameView) !=
                                  select.series->end();
        HistorySeries* s = nullptr;
        if (wanted) {
            s = &block->series.emplace_back();
            s->name.assign(nameView);
            s->columns.resize(columns);
        }
        for (std::size_t k = 0; k < columns; ++k) {
            const std::uint32_t bytes = c.u32();
            const std::uint8_t* stream = c.take(bytes);
            if (!c.ok)
                return BlockReadStatus::BadPayload;
            if (!s || (k < 32 && !(select.columns >> k & 1u)))
                continue;
            if (!decodeValues(stream, bytes, count, s->columns[k], codec))
                return BlockReadStatus::BadPayload;
        }
    }
    return BlockReadStatus::Ok;
}

HistoryBlock rollupOf(const HistoryBlock& raw, qint64 bucketMs)
{
    HistoryBlock out;
    out.kind = HistoryKind::Rollup;
    out.group = raw.group;
    if (raw.kind != HistoryKind::Raw || raw.times.empty() || bucketMs <= 0)
        return out;
    // Bucket of each raw point (aligned to the epoch, so restarts line up).
    std::vector<std::size_t> bucketOf(raw.times.size());
    for (std::size_t i = 0; i < raw.times.size(); ++i) {
        const qint64 t = raw.times[i];
        const qint64 b = (t >= 0 ? t / bucketMs : (t - bucketMs + 1) / bucketMs) * bucketMs;
        if (out.times.empty() || out.times.back() != b)
            out.times.push_back(b);
        bucketOf[i] = out.times.size() - 1;
    }
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    out.series.resize(raw.series.size());
    std::vector<double> sum(out.times.size());
    std::vector<std::uint32_t> n(out.times.size());
    for (std::size_t s = 0; s < raw.series.size(); ++s) {
        const HistorySeries& in = raw.series[s];
        HistorySeries& r = out.series[s];
        r.name = in.name;
        r.columns.assign(kRollupColumns, std::vector<double>(out.times.size(), kNaN));
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(n.begin(), n.end(), 0u);
        const std::vector<double>& v = in.columns.empty() ? std::vector<double>() : in.columns[0];
        for (std::size_t i = 0; i < v.size() && i < raw.times.size(); ++i) {
            const double x = v[i];
            if (std::isnan(x))
                continue;
            const std::size_t b = bucketOf[i];
            auto& mn = r.columns[0][b];
            auto& mx = r.columns[1][b];
            if (n[b] == 0 || x < mn)
                mn = x;
            if (n[b] == 0 || x > mx)
                mx = x;
            r.columns[3][b] = x;
            sum[b] += x;
            ++n[b];
        }
        for (std::size_t b = 0; b < out.times.size(); ++b) {
            if (n[b] > 0)
                r.columns[2][b] = sum[b] / n[b];
        }
    }
    return out;
}

} // namespace ops
