#include "tests/bench/ScrapeSimulator.h"

#include "models/metrics/MetricsParser.h"

#include <charconv>
#include <cmath>
#include <map>

namespace ops::bench {

namespace {

// Latency CDF of a gateway: most requests under 100 ms, a tail to a few seconds.
double latencyCdf(double le)
{
    if (std::isinf(le))
        return 1.0;
    if (le <= 0)
        return 0.0;
    // Log-normal with median 60 ms, sigma 1.
    return 0.5 * std::erfc(-(std::log(le / 0.06)) / std::sqrt(2.0));
}

} // namespace

ScrapeSimulator::ScrapeSimulator(std::string_view body)
{
    std::map<std::string, std::uint32_t> groups;
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t nl = body.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = body.size();
        const std::string_view line = body.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty() || line[0] == '#') {
            m_order.push_back(-static_cast<std::int32_t>(m_literal.size()) - 1);
            m_literal.emplace_back(line);
            continue;
        }
        MetricsParser parser(line, MetricsFormat::PrometheusText);
        RawSample s;
        if (!parser.next(s)) {
            m_order.push_back(-static_cast<std::int32_t>(m_literal.size()) - 1);
            m_literal.emplace_back(line);
            continue;
        }
        Line l;
        const std::size_t valueStart = line.find_first_not_of(' ', s.series.size());
        l.prefix = std::string(line.substr(0, valueStart));
        l.value = s.value;
        LabelList labels;
        decodeLabels(s.labels, labels);
        std::string groupKey;
        double le = 0;
        bool hasLe = false;
        for (const auto& [k, v] : labels) {
            if (k == "le") {
                hasLe = parseMetricValue(v, le);
                continue;
            }
            if (k == "endpoint" || k == "method")
                groupKey += k + "=" + v + ";";
        }
        const std::string_view name = s.name;
        auto endsWith = [&](std::string_view suffix) {
            return name.size() >= suffix.size() &&
                   name.substr(name.size() - suffix.size()) == suffix;
        };
        if (name == "process_start_time_seconds") {
            l.kind = Kind::Start;
            l.integer = false;
        } else if (!groupKey.empty()) {
            if (endsWith("_bucket") && hasLe) {
                l.kind = Kind::Bucket;
                l.fraction = latencyCdf(le);
            } else if (endsWith("_count")) {
                l.kind = Kind::Count;
            } else if (endsWith("_sum")) {
                l.kind = Kind::Sum;
                l.integer = false;
            } else if (endsWith("_total")) {
                l.kind = Kind::Requests;
            }
        }
        if (l.kind != Kind::Fixed && l.kind != Kind::Start) {
            auto [it, inserted] =
                groups.emplace(groupKey, static_cast<std::uint32_t>(groups.size()));
            l.group = it->second;
        }
        if (l.kind == Kind::Fixed)
            l.integer = false;
        m_order.push_back(static_cast<std::int32_t>(m_lines.size()));
        m_lines.push_back(std::move(l));
    }
    m_rate.resize(groups.size());
    m_delta.resize(groups.size());
    for (double& r : m_rate)
        r = static_cast<double>(random() % 40);
    m_body.reserve(body.size() * 2);
}

std::uint64_t ScrapeSimulator::random()
{
    m_state ^= m_state << 13;
    m_state ^= m_state >> 7;
    m_state ^= m_state << 17;
    return m_state;
}

void ScrapeSimulator::redeploy()
{
    for (Line& l : m_lines) {
        if (l.kind == Kind::Start)
            l.value += 3600;
        else if (l.kind != Kind::Fixed)
            l.value = 0;
    }
}

std::string_view ScrapeSimulator::next()
{
    for (std::size_t g = 0; g < m_delta.size(); ++g)
        m_delta[g] =
            static_cast<std::uint32_t>(m_rate[g]) + static_cast<std::uint32_t>(random() % 5);
    m_body.clear();
    char buf[40];
    for (std::int32_t o : m_order) {
        if (o < 0) {
            m_body += m_literal[static_cast<std::size_t>(-o - 1)];
            m_body += '\n';
            continue;
        }
        Line& l = m_lines[static_cast<std::size_t>(o)];
        const double d = l.kind == Kind::Fixed || l.kind == Kind::Start ? 0 : m_delta[l.group];
        switch (l.kind) {
        case Kind::Requests:
        case Kind::Count:
            l.value += d;
            break;
        case Kind::Bucket:
            l.value += std::floor(d * l.fraction + 0.5);
            break;
        case Kind::Sum:
            l.value += d * (0.05 + static_cast<double>(random() % 1000) * 1e-4);
            break;
        case Kind::Fixed:
        case Kind::Start:
            break;
        }
        m_body += l.prefix;
        char* end;
        if (l.integer && l.value < 9e15) {
            end = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(l.value)).ptr;
            *end++ = '.';
            *end++ = '0';
        } else {
            end = std::to_chars(buf, buf + sizeof buf, l.value).ptr;
        }
        m_body.append(buf, end);
        m_body += '\n';
    }
    return m_body;
}

} // namespace ops::bench
