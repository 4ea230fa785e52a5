#include "models/metrics/MetricsParser.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ops {

namespace {

struct CharTable {
    std::array<bool, 256> nameStart{};
    std::array<bool, 256> name{};
    std::array<bool, 256> labelStart{};
    std::array<bool, 256> label{};
    constexpr CharTable()
    {
        for (int c = 0; c < 256; ++c) {
            const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            const bool digit = c >= '0' && c <= '9';
            nameStart[c] = alpha || c == ':';
            name[c] = alpha || digit || c == ':';
            labelStart[c] = alpha;
            label[c] = alpha || digit;
        }
    }
};
constexpr CharTable kChars;

inline unsigned char uc(char c)
{
    return static_cast<unsigned char>(c);
}
inline bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

constexpr std::array<double, 23> kPow10 = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                           1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

bool equalsNoCase(std::string_view a, std::string_view lowerB)
{
    if (a.size() != lowerB.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lowerB[i])
            return false;
    }
    return true;
}

// Clinger's fast path: a decimal with at most 2^53 as mantissa and a power of ten within 22 is
// exactly representable by one correctly rounded multiplication or division.
inline bool fastDecimal(const char* p, const char* e, double& out)
{
    std::uint64_t mantissa = 0;
    int digits = 0;
    int exponent = 0;
    const char* start = p;
    while (p < e && *p >= '0' && *p <= '9') {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
        ++digits;
        ++p;
    }
    if (p < e && *p == '.') {
        ++p;
        const char* fracStart = p;
        while (p < e && *p >= '0' && *p <= '9') {
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
            ++digits;
            ++p;
        }
        exponent = -static_cast<int>(p - fracStart);
    }
    if (digits == 0 || digits > 19 || p == start)
        return false;
    if (p < e && (*p == 'e' || *p == 'E')) {
        ++p;
        bool negative = false;
        if (p < e && (*p == '+' || *p == '-')) {
            negative = *p == '-';
            ++p;
        }
        int value = 0;
        const char* expStart = p;
        while (p < e && *p >= '0' && *p <= '9' && value < 10000) {
            value = value * 10 + (*p - '0');
            ++p;
        }
        if (p == expStart)
            return false;
        exponent += negative ? -value : value;
    }
    if (p != e || mantissa > (std::uint64_t{1} << 53))
        return false;
    if (exponent == 0) {
        out = static_cast<double>(mantissa);
        return true;
    }
    if (exponent < 0 && exponent >= -22) {
        out = static_cast<double>(mantissa) / kPow10[static_cast<std::size_t>(-exponent)];
        return true;
    }
    if (exponent > 0 && exponent <= 22) {
        out = static_cast<double>(mantissa) * kPow10[static_cast<std::size_t>(exponent)];
        return true;
    }
    return false;
}

#if defined(__SSE2__)
inline std::uint32_t maskEq(__m128i v, char c)
{
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))));
}
#endif

// The end of a metric name: the first '{', blank or line end. Validity is checked when a series
// is first seen (decodeLabels / isValidMetricName), not on every line.
inline const char* scanName(const char* p, const char* e)
{
#if defined(__SSE2__)
    while (e - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const std::uint32_t m = maskEq(v, '{') | maskEq(v, ' ') | maskEq(v, '\t');
        if (m)
            return p + std::countr_zero(m);
        p += 16;
    }
#endif
    while (p < e && *p != '{' && *p != ' ' && *p != '\t')
        ++p;
    return p;
}

// The closing '}' of a label section starting after '{', skipping quoted values (with escapes);
// nullptr when there is none (an unterminated value or set).
inline const char* scanLabels(const char* p, const char* e)
{
    bool inQuote = false;
#if defined(__SSE2__)
    while (e - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        if (maskEq(v, '\\'))
            break; // escapes: the scalar loop below
        const std::uint32_t quotes = maskEq(v, '"');
        const std::uint32_t braces = maskEq(v, '}');
        // Prefix XOR: bit i set when byte i is inside a quoted value.
        std::uint32_t inside = quotes;
        inside ^= inside << 1;
        inside ^= inside << 2;
        inside ^= inside << 4;
        inside ^= inside << 8;
        if (inQuote)
            inside = ~inside;
        const std::uint32_t closing = braces & ~inside & 0xFFFFu;
        if (closing)
            return p + std::countr_zero(closing);
        inQuote ^= (std::popcount(quotes) & 1) != 0;
        p += 16;
    }
#endif
    for (; p < e; ++p) {
        const char c = *p;
        if (inQuote) {
            if (c == '\\')
                ++p;
            else if (c == '"')
                inQuote = false;
        } else if (c == '"') {
            inQuote = true;
        } else if (c == '}') {
            return p;
        }
    }
    return nullptr;
}

std::string printable(std::string_view text)
{
    std::string out;
    for (char c : text.substr(0, 40)) {
        if (uc(c) < 0x20 || uc(c) >= 0x7f)
            out += '?';
        else
            out += c;
    }
    if (text.size() > 40)
        out += "...";
    return out;
}

// Parses "sec[.frac]" seconds (OpenMetrics) into milliseconds, truncating below the ms.
bool parseSecondsToMs(std::string_view token, std::int64_t& out)
{
    const char* p = token.data();
    const char* e = p + token.size();
    bool negative = false;
    if (p < e && (*p == '-' || *p == '+')) {
        negative = *p == '-';
        ++p;
    }
    std::int64_t seconds = 0;
    const char* intStart = p;
    while (p < e && *p >= '0' && *p <= '9') {
        if (seconds > std::numeric_limits<std::int64_t>::max() / 10000)
            return false;
        seconds = seconds * 10 + (*p - '0');
        ++p;
    }
    std::int64_t ms = 0;
    bool simple = p != intStart;
    if (simple && p < e && *p == '.') {
        ++p;
        int n = 0;
        while (p < e && *p >= '0' && *p <= '9') {
            if (n < 3)
                ms = ms * 10 + (*p - '0');
            ++n;
            ++p;
        }
        for (; n < 3; ++n)
            ms *= 10;
    }
    if (simple && p == e) {
        std::int64_t total = seconds * 1000 + ms;
        out = negative ? -total : total;
        return true;
    }
    double value = 0;
    if (!parseMetricValue(token, value) || !std::isfinite(value) || std::fabs(value) > 9e15)
        return false;
    out = static_cast<std::int64_t>(std::floor(value * 1000.0));
    return true;
}

bool parseIntegerMs(std::string_view token, std::int64_t& out)
{
    const char* p = token.data();
    const char* e = p + token.size();
    if (p < e && *p == '+')
        ++p;
    auto [ptr, ec] = std::from_chars(p, e, out);
    return ec == std::errc() && ptr == e && p != e;
}

} // namespace

std::string_view metricTypeName(MetricType type)
{
    switch (type) {
    case MetricType::Untyped:
        return "untyped";
    case MetricType::Counter:
        return "counter";
    case MetricType::Gauge:
        return "gauge";
    case MetricType::Histogram:
        return "histogram";
    case MetricType::Summary:
        return "summary";
    case MetricType::Info:
        return "info";
    case MetricType::StateSet:
        return "stateset";
    case MetricType::GaugeHistogram:
        return "gaugehistogram";
    }
    return "untyped";
}

bool isValidMetricName(std::string_view name)
{
    if (name.empty() || !kChars.nameStart[uc(name[0])])
        return false;
    for (char c : name) {
        if (!kChars.name[uc(c)])
            return false;
    }
    return true;
}

bool parseMetricValue(std::string_view token, double& out)
{
    if (token.empty())
        return false;
    const char* p = token.data();
    const char* e = p + token.size();
    if (*p >= '0' && *p <= '9' && fastDecimal(p, e, out))
        return true;
    bool negative = false;
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        ++p;
    }
    if (p == e || *p == '+' || *p == '-')
        return false;
    const std::string_view rest(p, static_cast<std::size_t>(e - p));
    if (equalsNoCase(rest, "nan")) {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (equalsNoCase(rest, "inf") || equalsNoCase(rest, "infinity")) {
        out = negative ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
        return true;
    }
    // Only decimal digits, '.', and an exponent from here on (no hex, no "0x").
    for (const char* q = p; q < e; ++q) {
        const char c = *q;
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return false;
    }
    double value = 0;
    if (!fastDecimal(p, e, value)) {
        auto [ptr, ec] = std::from_chars(p, e, value, std::chars_format::general);
        if (ptr != e)
            return false;
        if (ec == std::errc::result_out_of_range) {
            // from_chars leaves value untouched on range errors: saturate like strtod.
            const char* ex = p;
            while (ex < e && *ex != 'e' && *ex != 'E')
                ++ex;
            const bool tiny = ex + 1 < e && ex[1] == '-';
            value = tiny ? 0.0 : std::numeric_limits<double>::infinity();
        } else if (ec != std::errc()) {
            return false;
        }
    }
    out = negative ? -value : value;
    return true;
}

bool isValidUtf8(std::string_view text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const auto* e = s + text.size();
    while (s < e) {
        const unsigned char c = *s;
        if (c < 0x80) {
            ++s;
            continue;
        }
        int n = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (e - s <= n)
            return false;
        for (int i = 1; i <= n; ++i) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n + 1;
    }
    return true;
}

bool decodeLabels(std::string_view raw, LabelList& out, std::string* reason)
{
    auto failWith = [&](const char* why) {
        if (reason)
            *reason = why;
        return false;
    };
    out.clear();
    const char* p = raw.data();
    const char* e = p + raw.size();
    while (true) {
        while (p < e && isBlank(*p))
            ++p;
        if (p == e)
            return true;
        if (!kChars.labelStart[uc(*p)])
            return failWith("bad label name");
        const char* nameStart = p;
        while (p < e && kChars.label[uc(*p)])
            ++p;
        std::string name(nameStart, p);
        while (p < e && isBlank(*p))
            ++p;
        if (p == e || *p != '=')
            return failWith("expected '=' after label name");
        ++p;
        while (p < e && isBlank(*p))
            ++p;
        if (p == e || *p != '"')
            return failWith("expected '\"' before label value");
        ++p;
        std::string value;
        bool closed = false;
        while (p < e) {
            const char c = *p++;
            if (c == '"') {
                closed = true;
                break;
            }
            if (c == '\\') {
                if (p == e)
                    return failWith("unterminated label value");
                const char x = *p++;
                if (x == '\\')
                    value += '\\';
                else if (x == '"')
                    value += '"';
                else if (x == 'n')
                    value += '\n';
                else
                    return failWith("bad escape in label value");
            } else {
                value += c;
            }
        }
        if (!closed)
            return failWith("unterminated label value");
        if (!isValidUtf8(value))
            return failWith("invalid UTF-8 in label value");
        for (const auto& [existing, unused] : out) {
            if (existing == name)
                return failWith("duplicate label name");
        }
        if (out.size() >= MetricsLimits::kMaxLabelsPerSeries)
            return failWith("too many labels");
        out.emplace_back(std::move(name), std::move(value));
        while (p < e && isBlank(*p))
            ++p;
        if (p == e)
            return true;
        if (*p != ',')
            return failWith("expected ',' between labels");
        ++p;
    }
}

void MetricsParser::reset(std::string_view body, MetricsFormat format)
{
    m_pos = body.data();
    m_end = body.data() + body.size();
    m_format = format;
    m_line = 0;
    m_malformed = 0;
    m_sawEof = false;
    m_errors.clear();
    m_familyName = {};
    m_familyType = MetricType::Untyped;
}

void MetricsParser::fail(const char* reason)
{
    ++m_malformed;
    if (m_errors.size() < MetricsLimits::kMaxReportedErrors)
        m_errors.push_back({m_line, reason});
}

void MetricsParser::fail(std::string reason)
{
    ++m_malformed;
    if (m_errors.size() < MetricsLimits::kMaxReportedErrors)
        m_errors.push_back({m_line, std::move(reason)});
}

MetricType MetricsParser::typeOf(std::string_view sampleName) const
{
    if (m_familyName.empty() || sampleName.substr(0, m_familyName.size()) != m_familyName)
        return MetricType::Untyped;
    const std::string_view suffix = sampleName.substr(m_familyName.size());
    if (suffix.empty())
        return m_familyType;
    static constexpr std::string_view kSuffixes[] = {"_total",  "_created", "_count", "_sum",
                                                     "_bucket", "_gcount",  "_gsum",  "_info"};
    for (std::string_view s : kSuffixes) {
        if (suffix == s)
            return m_familyType;
    }
    return MetricType::Untyped;
}

bool MetricsParser::next(RawSample& out)
{
    while (m_pos < m_end) {
        const char* b = m_pos;
        const auto* nl =
            static_cast<const char*>(std::memchr(b, '\n', static_cast<std::size_t>(m_end - b)));
        const char* e = nl ? nl : m_end;
        m_pos = nl ? nl + 1 : m_end;
        ++m_line;
        if (m_sawEof) {
            // Anything but blank lines after "# EOF" is an error in OpenMetrics.
            while (b < e && (isBlank(*b) || *b == '\r'))
                ++b;
            if (b != e)
                fail("text after # EOF");
            continue;
        }
        if (static_cast<std::size_t>(e - b) > MetricsLimits::kMaxLineBytes) {
            fail("line too long");
            continue;
        }
        while (b < e && isBlank(*b))
            ++b;
        while (e > b && (isBlank(e[-1]) || e[-1] == '\r'))
            --e;
        if (b == e)
            continue;
        if (*b == '#') {
            parseComment(b, e);
            continue;
        }
        if (parseSample(b, e, out))
            return true;
    }
    return false;
}

void MetricsParser::parseComment(const char* b, const char* e)
{
    // Tokens: '#', keyword, metric name, rest.
    const char* p = b + 1;
    while (p < e && isBlank(*p))
        ++p;
    const char* kw = p;
    while (p < e && !isBlank(*p))
        ++p;
    const std::string_view keyword(kw, static_cast<std::size_t>(p - kw));
    if (keyword == "EOF" && p == e) {
        if (m_format == MetricsFormat::OpenMetrics)
            m_sawEof = true;
        return;
    }
    const bool isType = keyword == "TYPE";
    if (!isType && keyword != "HELP" && keyword != "UNIT")
        return; // a plain comment
    while (p < e && isBlank(*p))
        ++p;
    const char* nameStart = p;
    while (p < e && !isBlank(*p))
        ++p;
    const std::string_view name(nameStart, static_cast<std::size_t>(p - nameStart));
    bool validName = !name.empty() && kChars.nameStart[uc(name[0])];
    for (char c : name)
        validName = validName && kChars.name[uc(c)];
    if (!validName) {
        if (m_format == MetricsFormat::OpenMetrics || isType)
            fail("bad metric name in # " + std::string(keyword));
        return; // Prometheus text: a HELP without a proper name is just a comment
    }
    if (!isType) {
        if (name != m_familyName) {
            m_familyName = name;
            m_familyType = MetricType::Untyped;
        }
        return;
    }
    while (p < e && isBlank(*p))
        ++p;
    const std::string_view type(p, static_cast<std::size_t>(e - p));
    static constexpr std::pair<std::string_view, MetricType> kTypes[] = {
        {"counter", MetricType::Counter},
        {"gauge", MetricType::Gauge},
        {"histogram", MetricType::Histogram},
        {"summary", MetricType::Summary},
        {"untyped", MetricType::Untyped},
        {"unknown", MetricType::Untyped},
        {"info", MetricType::Info},
        {"stateset", MetricType::StateSet},
        {"gaugehistogram", MetricType::GaugeHistogram},
    };
    for (const auto& [word, t] : kTypes) {
        if (type == word) {
            m_familyName = name;
            m_familyType = t;
            return;
        }
    }
    fail("unknown metric type '" + printable(type) + "'");
}

bool MetricsParser::parseSample(const char* b, const char* e, RawSample& out)
{
    // Structure only: the name's end, the label section's end (quote and escape aware) and the
    // value. Names, label names, escapes and UTF-8 are validated once per new series by
    // isValidMetricName() / decodeLabels(); a known series has byte-identical, valid text.
    const char* nameEnd = scanName(b, e);
    if (nameEnd == b) {
        fail("bad metric name");
        return false;
    }
    const char* p = nameEnd;
    while (p < e && isBlank(*p))
        ++p;
    const char* seriesEnd = nameEnd;
    const char* labelsBegin = nameEnd;
    const char* labelsEnd = nameEnd;
    if (p < e && *p == '{') {
        labelsBegin = p + 1;
        const char* close = scanLabels(labelsBegin, e);
        if (!close) {
            fail("unterminated label value or set");
            return false;
        }
        labelsEnd = close;
        p = close + 1;
        seriesEnd = p;
        while (p < e && isBlank(*p))
            ++p;
    }
    if (p == e) {
        fail("missing value");
        return false;
    }
    const char* valueStart = p;
    while (p < e && !isBlank(*p))
        ++p;
    if (!parseMetricValue(std::string_view(valueStart, static_cast<std::size_t>(p - valueStart)),
                          out.value)) {
        fail("bad value '" +
             printable(std::string_view(valueStart, static_cast<std::size_t>(p - valueStart))) +
             "'");
        return false;
    }
    while (p < e && isBlank(*p))
        ++p;
    out.hasTimestamp = false;
    if (p < e && *p != '#') {
        const char* tsStart = p;
        while (p < e && !isBlank(*p))
            ++p;
        const std::string_view ts(tsStart, static_cast<std::size_t>(p - tsStart));
        const bool okTs = m_format == MetricsFormat::OpenMetrics
                              ? parseSecondsToMs(ts, out.timestampMs)
                              : parseIntegerMs(ts, out.timestampMs);
        if (!okTs) {
            fail("bad timestamp '" + printable(ts) + "'");
            return false;
        }
        out.hasTimestamp = true;
        while (p < e && isBlank(*p))
            ++p;
    }
    if (p < e) {
        // OpenMetrics exemplar: "# {labels} value [timestamp]" — read and skipped.
        if (m_format != MetricsFormat::OpenMetrics || *p != '#' || e - p < 3 || p[1] != ' ' ||
            p[2] != '{' || std::memchr(p, '}', static_cast<std::size_t>(e - p)) == nullptr) {
            fail("unexpected text after value");
            return false;
        }
    }
    out.name = std::string_view(b, static_cast<std::size_t>(nameEnd - b));
    out.labels = std::string_view(labelsBegin, static_cast<std::size_t>(labelsEnd - labelsBegin));
    out.series = std::string_view(b, static_cast<std::size_t>(seriesEnd - b));
    out.line = m_line;
    return true;
}

} // namespace ops
