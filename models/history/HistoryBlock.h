#pragma once

// One chunk of history as it lies on disk: a time column shared by a group of series, each
// series one Gorilla value column (raw) or four (a 1-minute rollup: min, max, avg, last).
// Framed as  magic | kind u8 | group length u8 | reserved u16 | payload length u32 |
// CRC-32 of the payload u32 | payload,  so a flipped byte or a torn tail is found before a
// single value is decoded. The magic names the value code: "BHC2" (written since) holds
// ValueCodec::GorillaRecent columns, "BHC1" (the first stores) the paper's Gorilla; both read.

#include <QtGlobal>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ops {

enum class HistoryKind : std::uint8_t { Raw = 0, Rollup = 1 };
// The columns of a rollup series, in stored order.
enum class RollupColumn : std::uint8_t { Min, Max, Avg, Last, Count };
constexpr std::size_t kRollupColumns = static_cast<std::size_t>(RollupColumn::Count);

struct HistorySeries {
    std::string name;                         // OpenMetrics style: bhiv_request_rate{endpoint="/x"}
    std::vector<std::vector<double>> columns; // 1 (raw) or kRollupColumns, each times.size() long
};

struct HistoryBlock {
    HistoryKind kind = HistoryKind::Raw;
    std::string group; // which series travel together ("target", "endpoints")
    std::vector<qint64> times;
    std::vector<HistorySeries> series;

    qint64 firstTime() const { return times.empty() ? 0 : times.front(); }
    qint64 lastTime() const { return times.empty() ? 0 : times.back(); }
    std::size_t pointCount() const { return times.size() * series.size(); }
};

namespace historyformat {
constexpr std::uint32_t kBlockMagicGorilla = 0x31434842; // "BHC1" little-endian
constexpr std::uint32_t kBlockMagic = 0x32434842;        // "BHC2": what is written
constexpr std::size_t kHeaderBytes = 16;
constexpr std::uint32_t kMaxPayload = 256u << 20;
} // namespace historyformat

// The framed bytes of a block.
std::vector<std::uint8_t> encodeBlock(const HistoryBlock& block);

// The same bytes from columns held elsewhere (the store's open windows), without copying them
// into a HistoryBlock first: column c of a series is values[c][row * stride], NaN from row
// rows[c] on (a series that started late, or a short column).
struct SeriesColumnsView {
    const std::string* name = nullptr;
    std::array<const double*, kRollupColumns> values{};
    std::array<std::size_t, kRollupColumns> rows{};
    std::size_t stride = 1;
};
std::vector<std::uint8_t> encodeBlockView(HistoryKind kind, const std::string& group,
                                          const qint64* times, std::size_t count,
                                          const std::vector<SeriesColumnsView>& series);

enum class BlockReadStatus { Ok, Truncated, BadMagic, BadChecksum, BadPayload };
const char* blockReadStatusText(BlockReadStatus s);

// Reads the frame at data[0..size): on Ok, `frameBytes` is its length and `block` (if given)
// the decoded block. Truncated: the frame claims more bytes than there are (a torn tail).
// `timesOnly`: decode kind, group and times only (the index path). `select`: what to decode of
// the values (the checksum still covers the whole frame).
struct BlockSelection {
    std::uint32_t columns = ~0u; // bit c: column c; the others are left empty
    // Only the series of these names (the others are left out of the block); null: all.
    const std::vector<std::string>* series = nullptr;
};
BlockReadStatus decodeBlock(const std::uint8_t* data, std::size_t size, std::size_t& frameBytes,
                            HistoryBlock* block, bool timesOnly = false,
                            const BlockSelection& select = {});

// 1-minute (or `bucketMs`) rollups of a raw block: per bucket, min/max/avg/last of the values
// that are not NaN; the bucket's time is its start. Buckets with no value at all are dropped for
// the whole group only when every series is empty in them.
HistoryBlock rollupOf(const HistoryBlock& raw, qint64 bucketMs);

std::uint32_t crc32Of(const std::uint8_t* data, std::size_t size);

} // namespace ops
