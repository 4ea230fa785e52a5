#pragma once

// The Gorilla scheme (Pelkonen et al., VLDB 2015), lossless for every bit pattern:
//  - timestamps (ms) as delta-of-delta in 1/9/12/16-bit buckets or 64 raw bits, so regular
//    polls cost one bit and irregular ones a few;
//  - doubles as the XOR with the previous value: an unchanged value costs one bit, a changed one
//    the meaningful bits of the XOR (leading/trailing zeros reused from the previous value when
//    they fit). NaN (gaps, any payload), ±Inf and -0.0 survive bit for bit.
// Bits are written most significant first into a byte vector.
//
// Two value codes: ValueCodec::Gorilla is the paper's; ValueCodec::GorillaRecent (what chunks are
// written with since) also remembers the last 16 distinct values of the stream, so a value seen
// again lately (a bucket-interpolated quantile, a request rate, a state) costs 6 bits instead of
// its XOR. Quantiles of a histogram with few requests a poll take a handful of values that
// alternate every poll: the paper's XOR pays ~50 bits for each of those changes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ops {

class BitWriter {
public:
    explicit BitWriter(std::vector<std::uint8_t>& out)
        : m_out(out)
    {
    }
    // Continues a stream that already holds `bits` bits (its last byte may be partly used).
    BitWriter(std::vector<std::uint8_t>& out, std::uint64_t bits)
        : m_out(out)
        , m_bits(bits)
    {
    }
    void write(std::uint64_t value, int count); // the low `count` bits of value, count 0..64
    void writeBit(bool bit) { write(bit ? 1u : 0u, 1); }
    std::uint64_t bitCount() const { return m_bits; }

private:
    std::vector<std::uint8_t>& m_out;
    std::uint64_t m_bits = 0;
};

class BitReader {
public:
    BitReader(const std::uint8_t* data, std::uint64_t bitCount, std::uint64_t startBit = 0)
        : m_data(data)
        , m_bits(bitCount)
        , m_pos(startBit)
    {
    }
    // False (and value 0) when the stream ends before `count` more bits.
    bool read(int count, std::uint64_t& value);
    bool readBit(bool& bit);
    std::uint64_t position() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_bits; }

private:
    const std::uint8_t* m_data;
    std::uint64_t m_bits;
    std::uint64_t m_pos;
};

enum class ValueCodec : std::uint8_t { Gorilla = 1, GorillaRecent = 2 };

struct XorState {
    std::uint64_t previous = 0;
    std::uint8_t leading = 0xFF; // 0xFF: no window yet
    std::uint8_t trailing = 0;
    bool started = false;
    // GorillaRecent: the last kRecentValues distinct values that were written whole or as an
    // XOR (a ring; a value found here is not added again).
    static constexpr int kRecentValues = 16;
    std::uint8_t recentCount = 0;
    std::uint8_t recentNext = 0;
    std::array<std::uint64_t, kRecentValues> recent{};
};

// Gorilla: '0' same as the previous value | '10' XOR in the previous window | '11' leading (5
// bits), length - 1 (6 bits), XOR.
void encodeXor(BitWriter& w, XorState& s, double value);
bool decodeXor(BitReader& r, XorState& s, double& value);
// GorillaRecent: '0' same | '10' index (4 bits) of a recent value | '110' XOR in the previous
// window | '111' leading, length - 1, XOR.
void encodeXorRecent(BitWriter& w, XorState& s, double value);
bool decodeXorRecent(BitReader& r, XorState& s, double& value);

struct DeltaOfDeltaState {
    std::uint64_t previous = 0;
    std::uint64_t delta = 0;
    std::uint32_t count = 0;
};

void encodeTime(BitWriter& w, DeltaOfDeltaState& s, std::int64_t timeMs);
bool decodeTime(BitReader& r, DeltaOfDeltaState& s, std::int64_t& timeMs);

// Whole streams, for chunks written at once.
std::vector<std::uint8_t> encodeTimes(const std::vector<std::int64_t>& times);
bool decodeTimes(const std::uint8_t* data, std::size_t bytes, std::size_t count,
                 std::vector<std::int64_t>& out);
std::vector<std::uint8_t> encodeValues(const std::vector<double>& values,
                                       ValueCodec codec = ValueCodec::GorillaRecent);
bool decodeValues(const std::uint8_t* data, std::size_t bytes, std::size_t count,
                  std::vector<double>& out, ValueCodec codec = ValueCodec::GorillaRecent);

} // namespace ops
