#include "models/history/Gorilla.h"

#include <bit>
#include <cstring>

namespace ops {

void BitWriter::write(std::uint64_t value, int count)
{
    if (count <= 0)
        return;
    if (count < 64)
        value &= (std::uint64_t{1} << count) - 1;
    // The rest of a partly used last byte first, then whole bytes, then the leftover bits at
    // the top of a new byte: the same bytes as bit by bit, a byte at a time.
    const int used = static_cast<int>(m_bits & 7);
    if (used != 0) {
        const int room = 8 - used;
        if (count <= room) {
            m_out.back() = static_cast<std::uint8_t>(m_out.back() | (value << (room - count)));
            m_bits += static_cast<std::uint64_t>(count);
            return;
        }
        count -= room;
        m_out.back() = static_cast<std::uint8_t>(m_out.back() | (value >> count));
        m_bits += static_cast<std::uint64_t>(room);
    }
    while (count >= 8) {
        count -= 8;
        m_out.push_back(static_cast<std::uint8_t>(value >> count));
        m_bits += 8;
    }
    if (count > 0) {
        m_out.push_back(static_cast<std::uint8_t>(value << (8 - count)));
        m_bits += static_cast<std::uint64_t>(count);
    }
}

bool BitReader::read(int count, std::uint64_t& value)
{
    value = 0;
    if (count <= 0)
        return true;
    if (m_pos + static_cast<std::uint64_t>(count) > m_bits)
        return false;
    // Eight bytes at once where the stream has them (most reads): big-endian load, shift.
    const std::uint64_t byte = m_pos >> 3;
    const int skip = static_cast<int>(m_pos & 7);
    if constexpr (std::endian::native == std::endian::little) {
        if (skip + count <= 64 && byte + 8 <= (m_bits + 7) >> 3) {
            std::uint64_t word = 0;
            std::memcpy(&word, m_data + byte, 8);
            word = __builtin_bswap64(word) << skip;
            value = word >> (64 - count);
            m_pos += static_cast<std::uint64_t>(count);
            return true;
        }
    }
    while (count > 0) {
        const std::uint8_t byte = m_data[m_pos >> 3];
        const int used = static_cast<int>(m_pos & 7);
        const int room = 8 - used;
        const int take = count < room ? count : room;
        const auto part = static_cast<std::uint64_t>((byte >> (room - take)) & ((1u << take) - 1));
        value = (value << take) | part;
        count -= take;
        m_pos += static_cast<std::uint64_t>(take);
    }
    return true;
}

bool BitReader::readBit(bool& bit)
{
    std::uint64_t v = 0;
    const bool ok = read(1, v);
    bit = v != 0;
    return ok;
}

namespace {

// A changed value's XOR, after `prefixBits` bits that say whether the previous window is reused
// (`reuse`) or a new one follows (`fresh`).
void writeXorWindow(BitWriter& w, XorState& s, std::uint64_t x, std::uint64_t reuse,
                    std::uint64_t fresh, int prefixBits)
{
    int leading = std::countl_zero(x);
    const int trailing = std::countr_zero(x);
    if (leading > 31)
        leading = 31; // five bits hold it
    if (s.leading != 0xFF && leading >= s.leading && trailing >= s.trailing) {
        w.write(reuse, prefixBits);
        w.write(x >> s.trailing, 64 - s.leading - s.trailing);
        return;
    }
    const int len = 64 - leading - trailing; // 1..64
    w.write(fresh, prefixBits);
    w.write(static_cast<std::uint64_t>(leading), 5);
    w.write(static_cast<std::uint64_t>(len - 1), 6);
    w.write(x >> trailing, len);
    s.leading = static_cast<std::uint8_t>(leading);
    s.trailing = static_cast<std::uint8_t>(trailing);
}

// The XOR after its prefix: a new window's leading and length first when `newWindow`.
bool readXorWindow(BitReader& r, XorState& s, bool newWindow, std::uint64_t& x)
{
    if (newWindow) {
        std::uint64_t leading = 0, lenMinusOne = 0;
        if (!r.read(5, leading) || !r.read(6, lenMinusOne))
            return false;
        const int len = static_cast<int>(lenMinusOne) + 1;
        if (static_cast<int>(leading) + len > 64)
            return false; // corrupt
        s.leading = static_cast<std::uint8_t>(leading);
        s.trailing = static_cast<std::uint8_t>(64 - leading - static_cast<unsigned>(len));
    } else if (s.leading == 0xFF) {
        return false; // a reused window before any was set: corrupt
    }
    const int len = 64 - s.leading - s.trailing;
    std::uint64_t meaningful = 0;
    if (!r.read(len, meaningful))
        return false;
    x = s.trailing >= 64 ? 0 : meaningful << s.trailing;
    return true;
}

int recentIndexOf(const XorState& s, std::uint64_t bits)
{
    // All 16 compared without a branch (unrolled compare-and-set), so a miss, the common case
    // of a noisy series, costs no mispredicted exit.
    unsigned found = 0;
    for (int i = 0; i < XorState::kRecentValues; ++i)
        found |= unsigned{s.recent[static_cast<std::size_t>(i)] == bits} << i;
    found &= (1u << s.recentCount) - 1; // slots not filled yet hold 0, which is 0.0's bits
    return found ? std::countr_zero(found) : -1;
}

void remember(XorState& s, std::uint64_t bits)
{
    s.recent[s.recentNext] = bits;
    s.recentNext = static_cast<std::uint8_t>((s.recentNext + 1) % XorState::kRecentValues);
    if (s.recentCount < XorState::kRecentValues)
        ++s.recentCount;
}

std::uint64_t bitsOf(double value)
{
    std::uint64_t bits;
    std::memcpy(&bits, &value, 8);
    return bits;
}

// The two value codes differ in three places: a recent value may stand for a changed one, the
// XOR's prefixes are a bit longer to make room for that, and what is written whole or as an XOR
// is remembered.
template <ValueCodec Codec> void encodeValue(BitWriter& w, XorState& s, double value)
{
    constexpr bool kRecent = Codec == ValueCodec::GorillaRecent;
    const std::uint64_t bits = bitsOf(value);
    if (!s.started) {
        w.write(bits, 64);
        s.previous = bits;
        s.started = true;
        if constexpr (kRecent)
            remember(s, bits);
        return;
    }
    const std::uint64_t x = bits ^ s.previous;
    s.previous = bits;
    if (x == 0) {
        w.writeBit(false);
        return;
    }
    if constexpr (kRecent) {
        const int index = recentIndexOf(s, bits);
        if (index >= 0) {
            w.write(0b10, 2);
            w.write(static_cast<std::uint64_t>(index), 4);
            return;
        }
        writeXorWindow(w, s, x, 0b110, 0b111, 3);
        remember(s, bits);
    } else {
        writeXorWindow(w, s, x, 0b10, 0b11, 2);
    }
}

// A value that is not the previous one: a recent value (GorillaRecent) or an XOR.
template <ValueCodec Codec> bool readChangedValue(BitReader& r, XorState& s, std::uint64_t& bits)
{
    constexpr bool kRecent = Codec == ValueCodec::GorillaRecent;
    if constexpr (kRecent) {
        bool xorFollows = false;
        if (!r.readBit(xorFollows))
            return false;
        if (!xorFollows) {
            std::uint64_t index = 0;
            if (!r.read(4, index) || index >= s.recentCount)
                return false; // a value never seen: corrupt
            bits = s.recent[index];
            return true;
        }
    }
    bool newWindow = false;
    std::uint64_t x = 0;
    if (!r.readBit(newWindow) || !readXorWindow(r, s, newWindow, x))
        return false;
    bits = s.previous ^ x;
    if constexpr (kRecent)
        remember(s, bits);
    return true;
}

template <ValueCodec Codec> bool decodeValue(BitReader& r, XorState& s, double& value)
{
    std::uint64_t bits = 0;
    if (!s.started) {
        if (!r.read(64, bits))
            return false;
        s.started = true;
        if constexpr (Codec == ValueCodec::GorillaRecent)
            remember(s, bits);
    } else {
        bool changed = false;
        if (!r.readBit(changed))
            return false;
        if (!changed)
            bits = s.previous;
        else if (!readChangedValue<Codec>(r, s, bits))
            return false;
    }
    s.previous = bits;
    std::memcpy(&value, &bits, 8);
    return true;
}

template <ValueCodec Codec>
bool decodeAll(BitReader& r, std::size_t count, std::vector<double>& out)
{
    XorState s;
    double v = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (!decodeValue<Codec>(r, s, v))
            return false;
        out.push_back(v);
    }
    return true;
}

} // namespace

void encodeXor(BitWriter& w, XorState& s, double value)
{
    encodeValue<ValueCodec::Gorilla>(w, s, value);
}

bool decodeXor(BitReader& r, XorState& s, double& value)
{
    return decodeValue<ValueCodec::Gorilla>(r, s, value);
}

void encodeXorRecent(BitWriter& w, XorState& s, double value)
{
    encodeValue<ValueCodec::GorillaRecent>(w, s, value);
}

bool decodeXorRecent(BitReader& r, XorState& s, double& value)
{
    return decodeValue<ValueCodec::GorillaRecent>(r, s, value);
}

namespace {

bool fitsSigned(std::int64_t v, int bits)
{
    const std::int64_t lo = -(std::int64_t{1} << (bits - 1));
    const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
    return v >= lo && v <= hi;
}

std::int64_t signExtend(std::uint64_t v, int bits)
{
    const std::uint64_t m = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int64_t>((v ^ m) - m);
}

struct Bucket {
    std::uint64_t prefix;
    int prefixBits;
    int valueBits;
};
// '0' for an unchanged interval; then 7, 9, 12 and 16 signed bits; else 64 raw bits.
constexpr Bucket kBuckets[] = {{0b10, 2, 7}, {0b110, 3, 9}, {0b1110, 4, 12}, {0b11110, 5, 16}};

} // namespace

void encodeTime(BitWriter& w, DeltaOfDeltaState& s, std::int64_t timeMs)
{
    const auto t = static_cast<std::uint64_t>(timeMs);
    if (s.count == 0) {
        w.write(t, 64);
    } else {
        // Unsigned arithmetic wraps, so every pair of int64 times round-trips exactly.
        const std::uint64_t delta = t - s.previous;
        const auto dod = static_cast<std::int64_t>(delta - s.delta);
        if (dod == 0) {
            w.writeBit(false);
        } else {
            bool done = false;
            for (const Bucket& b : kBuckets) {
                if (fitsSigned(dod, b.valueBits)) {
                    w.write(b.prefix, b.prefixBits);
                    w.write(static_cast<std::uint64_t>(dod), b.valueBits);
                    done = true;
                    break;
                }
            }
            if (!done) {
                w.write(0b11111, 5);
                w.write(static_cast<std::uint64_t>(dod), 64);
            }
        }
        s.delta = delta;
    }
    s.previous = t;
    ++s.count;
}

bool decodeTime(BitReader& r, DeltaOfDeltaState& s, std::int64_t& timeMs)
{
    std::uint64_t t = 0;
    if (s.count == 0) {
        if (!r.read(64, t))
            return false;
    } else {
        int ones = 0;
        bool bit = true;
        while (ones < 5) {
            if (!r.readBit(bit))
                return false;
            if (!bit)
                break;
            ++ones;
        }
        std::uint64_t dod = 0;
        if (ones == 5) {
            if (!r.read(64, dod))
                return false;
        } else if (ones > 0) {
            const int bits = kBuckets[ones - 1].valueBits;
            std::uint64_t raw = 0;
            if (!r.read(bits, raw))
                return false;
            dod = static_cast<std::uint64_t>(signExtend(raw, bits));
        }
        s.delta += dod;
        t = s.previous + s.delta;
    }
    s.previous = t;
    ++s.count;
    timeMs = static_cast<std::int64_t>(t);
    return true;
}

std::vector<std::uint8_t> encodeTimes(const std::vector<std::int64_t>& times)
{
    std::vector<std::uint8_t> out;
    BitWriter w(out);
    DeltaOfDeltaState s;
    for (std::int64_t t : times)
        encodeTime(w, s, t);
    return out;
}

bool decodeTimes(const std::uint8_t* data, std::size_t bytes, std::size_t count,
                 std::vector<std::int64_t>& out)
{
    out.clear();
    out.reserve(count);
    BitReader r(data, std::uint64_t{bytes} * 8);
    DeltaOfDeltaState s;
    for (std::size_t i = 0; i < count; ++i) {
        std::int64_t t = 0;
        if (!decodeTime(r, s, t))
            return false;
        out.push_back(t);
    }
    return true;
}

std::vector<std::uint8_t> encodeValues(const std::vector<double>& values, ValueCodec codec)
{
    std::vector<std::uint8_t> out;
    BitWriter w(out);
    XorState s;
    for (double v : values) {
        if (codec == ValueCodec::Gorilla)
            encodeValue<ValueCodec::Gorilla>(w, s, v);
        else
            encodeValue<ValueCodec::GorillaRecent>(w, s, v);
    }
    return out;
}

bool decodeValues(const std::uint8_t* data, std::size_t bytes, std::size_t count,
                  std::vector<double>& out, ValueCodec codec)
{
    out.clear();
    out.reserve(count);
    BitReader r(data, std::uint64_t{bytes} * 8);
    return codec == ValueCodec::Gorilla ? decodeAll<ValueCodec::Gorilla>(r, count, out)
                                        : decodeAll<ValueCodec::GorillaRecent>(r, count, out);
}

} // namespace ops
