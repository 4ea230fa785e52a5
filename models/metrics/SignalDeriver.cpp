#include "models/metrics/SignalDeriver.h"

#include "models/metrics/Gzip.h"
#include "models/metrics/Quantile.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <tuple>

namespace ops {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t kNone = SeriesIndex::kNone;
constexpr std::size_t kTargetAcc = 0; // m_acc[0] is the target's total, endpoint i at i + 1

constexpr std::size_t at(SignalId signal)
{
    return static_cast<std::size_t>(signal);
}
constexpr std::size_t at(EndpointSignal signal)
{
    return static_cast<std::size_t>(signal);
}

enum class RoleKind : std::uint8_t {
    None,
    Requests,
    LatencyBucket,
    LatencySum,
    LatencyCount,
    Errors,
    LatencyGauge,
    ActiveWorkflows,
    WorkflowExecutions,
    Memory,
    CpuPercent,
    CpuSeconds,
    Connections,
    ProcessStart,
};

bool isCounterRole(RoleKind k)
{
    switch (k) {
    case RoleKind::Requests:
    case RoleKind::LatencyBucket:
    case RoleKind::LatencySum:
    case RoleKind::LatencyCount:
    case RoleKind::Errors:
    case RoleKind::WorkflowExecutions:
    case RoleKind::CpuSeconds:
        return true;
    default:
        return false;
    }
}

void appendEscaped(std::string& out, std::string_view v)
{
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

} // namespace

struct SignalDeriver::Role {
    RoleKind kind = RoleKind::None;
    bool serverError = false;   // a request counter whose status is 5xx
    std::uint16_t endpoint = 0; // accumulator index; 0: the target only
    std::uint16_t bucketSlot = 0;
    std::uint16_t targetBucketSlot = 0;
};

struct SignalDeriver::ScrapeTotals {
    std::array<double, kSignalCount> gauges = filledWithNaN();
    double workflowDelta = 0;
    bool haveWorkflow = false;
    double cpuSecondsDelta = kNaN;

    static std::array<double, kSignalCount> filledWithNaN()
    {
        std::array<double, kSignalCount> a;
        a.fill(kNaN);
        return a;
    }
};

struct SignalDeriver::EndpointAcc {
    double requests = 0, serverErrors5xx = 0, errors = 0, sum = 0, count = 0;
    double requestsTotal = 0;
    bool haveRequests = false, haveErrors = false, haveCount = false;
    std::vector<HistogramBucket> buckets; // le, delta this scrape (unsorted, by slot)
    std::vector<HistogramBucket> sorted;  // scratch

    void clear()
    {
        requests = serverErrors5xx = errors = sum = count = requestsTotal = 0;
        haveRequests = haveErrors = haveCount = false;
        for (auto& b : buckets)
            b.count = 0;
    }
    std::uint16_t slotFor(double le)
    {
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            if (buckets[i].upperBound == le)
                return static_cast<std::uint16_t>(i);
        }
        buckets.push_back({le, 0});
        sorted.reserve(buckets.size());
        return static_cast<std::uint16_t>(buckets.size() - 1);
    }
};

SignalDeriver::SignalDeriver(SignalDeriverConfig config)
    : m_config(std::move(config))
    , m_raw(std::make_unique<SeriesStore>(m_config.rawStore))
{
    m_mappingFixed = m_config.overrideMapping;
    m_baseMapping =
        m_mappingFixed ? m_config.mapping : MetricsMapping::forDialect(Dialect::Unknown);
    m_mapping = m_baseMapping;
    m_latest.fill(kNaN);
    m_acc.resize(1);
}

SignalDeriver::~SignalDeriver() = default;

std::uint32_t SignalDeriver::rawColumn(std::uint32_t seriesId) const
{
    return seriesId < m_column.size() ? m_column[seriesId] : SeriesStore::kNoSeries;
}

void SignalDeriver::setMapping(const MetricsMapping& mapping)
{
    m_baseMapping = mapping;
    m_mappingFixed = true;
    applyOverrides();
    assignAllRoles();
}

void SignalDeriver::setMappingOverrides(std::vector<std::pair<std::string, std::string>> overrides)
{
    m_overrides = std::move(overrides);
    applyOverrides();
    assignAllRoles();
}

// The mapping in use: the detected (or set) one with the operator's overrides on top.
void SignalDeriver::applyOverrides()
{
    m_mapping = m_baseMapping;
    for (const auto& [role, value] : m_overrides)
        m_mapping.setRole(role, value);
}

std::uint16_t SignalDeriver::endpointSlot(std::string_view endpoint)
{
    if (endpoint.empty())
        return 0;
    for (std::size_t i = 0; i < m_endpoints.size(); ++i) {
        if (m_endpoints[i].endpoint == endpoint)
            return static_cast<std::uint16_t>(i + 1);
    }
    if (m_endpoints.size() >= m_config.maxEndpoints) {
        endpoint = "(other)";
        for (std::size_t i = 0; i < m_endpoints.size(); ++i) {
            if (m_endpoints[i].endpoint == endpoint)
                return static_cast<std::uint16_t>(i + 1);
        }
    }
    EndpointValues row;
    row.endpoint = std::string(endpoint);
    row.latest.fill(kNaN);
    m_endpoints.push_back(std::move(row));
    m_acc.emplace_back();
    return static_cast<std::uint16_t>(m_endpoints.size());
}

void SignalDeriver::assignRole(std::uint32_t id)
{
    Role role;
    const SeriesInfo& info = m_index.info(id);
    const std::string_view name = info.name;
    const MetricsMapping& m = m_mapping;
    const std::string_view hist = m.latencyHistogram;
    auto withEndpoint = [&](RoleKind kind) {
        role.kind = kind;
        role.endpoint = endpointSlot(info.label(m.endpointLabel));
    };
    if (!m.requestsCounter.empty() && name == m.requestsCounter) {
        withEndpoint(RoleKind::Requests);
        const std::string_view status =
            m.statusLabel.empty() ? std::string_view() : info.label(m.statusLabel);
        role.serverError = status.size() == 3 && status[0] == '5';
    } else if (!hist.empty() && name.size() > hist.size() && name.substr(0, hist.size()) == hist) {
        const std::string_view suffix = name.substr(hist.size());
        if (suffix == "_bucket") {
            double le = 0;
            if (!parseMetricValue(info.label("le"), le))
                return;
            withEndpoint(RoleKind::LatencyBucket);
            role.bucketSlot = m_acc[role.endpoint].slotFor(le);
            role.targetBucketSlot = m_acc[0].slotFor(le);
        } else if (suffix == "_sum") {
            withEndpoint(RoleKind::LatencySum);
        } else if (suffix == "_count") {
            withEndpoint(RoleKind::LatencyCount);
        }
    } else if (!m.errorsCounter.empty() && name == m.errorsCounter) {
        if (!m.errorsLabel.empty() && info.label(m.errorsLabel) != m.errorsLabelValue)
            return;
        withEndpoint(RoleKind::Errors);
    } else if (!m.latencyGauge.empty() && name == m.latencyGauge) {
        role.kind = RoleKind::LatencyGauge;
    } else if (!m.activeWorkflowsGauge.empty() && name == m.activeWorkflowsGauge) {
        role.kind = RoleKind::ActiveWorkflows;
    } else if (!m.workflowExecutionsCounter.empty() && name == m.workflowExecutionsCounter) {
        role.kind = RoleKind::WorkflowExecutions;
    } else if (!m.memoryGauge.empty() && name == m.memoryGauge) {
        role.kind = RoleKind::Memory;
    } else if (!m.cpuPercentGauge.empty() && name == m.cpuPercentGauge) {
        role.kind = RoleKind::CpuPercent;
    } else if (!m.cpuSecondsCounter.empty() && name == m.cpuSecondsCounter) {
        role.kind = RoleKind::CpuSeconds;
    } else if (!m.connectionsGauge.empty() && name == m.connectionsGauge) {
        role.kind = RoleKind::Connections;
    } else if (!m.processStartGauge.empty() && name == m.processStartGauge) {
        role.kind = RoleKind::ProcessStart;
    }
    if (role.kind == RoleKind::None)
        return;
    m_roles[id] = role;
    m_roleSeries.push_back(id);
}

void SignalDeriver::assignAllRoles()
{
    m_roleSeries.clear();
    for (auto& r : m_roles)
        r = Role{};
    for (std::uint32_t id = 0; id < m_index.idLimit(); ++id) {
        if (m_index.contains(id))
            assignRole(id);
    }
}

void SignalDeriver::forget(std::uint32_t seriesId)
{
    if (!m_index.contains(seriesId))
        return;
    m_index.remove(seriesId);
    if (m_roles[seriesId].kind != RoleKind::None) {
        m_roles[seriesId] = Role{};
        m_roleSeries.erase(std::remove(m_roleSeries.begin(), m_roleSeries.end(), seriesId),
                           m_roleSeries.end());
    }
    const std::uint32_t col = m_column[seriesId];
    if (col != SeriesStore::kNoSeries && col < m_columnOwner.size())
        m_columnOwner[col] = kNone;
    m_column[seriesId] = SeriesStore::kNoSeries;
    m_seenIn[seriesId] = 0;
    m_previous[seriesId] = kNaN;
}

std::uint32_t SignalDeriver::newSeries(const RawSample& sample, std::uint64_t hash, MetricType type,
                                       IngestResult& result)
{
    std::string reason;
    const std::uint32_t id = m_index.insert(sample, hash, type, &reason);
    if (id == kNone) {
        ++result.malformedLines;
        if (result.firstErrors.size() < MetricsLimits::kMaxReportedErrors)
            result.firstErrors.push_back({sample.line, reason});
        return kNone;
    }
    if (id >= m_column.size()) {
        const std::size_t n = m_index.idLimit();
        m_column.resize(n, SeriesStore::kNoSeries);
        m_seenIn.resize(n, 0);
        m_value.resize(n, kNaN);
        m_previous.resize(n, kNaN);
        m_roles.resize(n);
    }
    if (m_column[id] == SeriesStore::kNoSeries && m_seenIn[id] == 0 &&
        m_roles[id].kind == RoleKind::None) {
        ++result.newSeries;
        m_previous[id] = kNaN;
        attachColumn(id);
        assignRole(id);
    }
    return id;
}

void SignalDeriver::observe(std::uint32_t id, double value, IngestResult& result)
{
    if (m_seenIn[id] == m_scrapeNo) {
        ++result.duplicateSamples;
        return;
    }
    m_seenIn[id] = m_scrapeNo;
    m_value[id] = value;
    ++result.samples;
    std::uint32_t col = m_column[id];
    if (col == SeriesStore::kNoSeries && m_raw->seriesCount() < m_raw->config().maxSeries)
        col = attachColumn(id);
    if (col != SeriesStore::kNoSeries)
        m_raw->append(col, value);
}

std::uint32_t SignalDeriver::attachColumn(std::uint32_t id)
{
    std::uint32_t evicted = SeriesStore::kNoSeries;
    const std::uint32_t col = m_raw->addSeries(&evicted);
    if (evicted != SeriesStore::kNoSeries && evicted < m_columnOwner.size() &&
        m_columnOwner[evicted] != kNone)
        forget(m_columnOwner[evicted]);
    m_column[id] = col;
    if (col != SeriesStore::kNoSeries) {
        if (col >= m_columnOwner.size())
            m_columnOwner.resize(col + 1, kNone);
        m_columnOwner[col] = id;
    }
    return col;
}

void SignalDeriver::beginScrape(qint64 timestampMs)
{
    ++m_scrapeNo;
    m_raw->beginScrape(timestampMs);
}

IngestResult SignalDeriver::ingest(qint64 timestampMs, std::string_view body, MetricsFormat format)
{
    IngestResult result;
    if (isGzip(body)) {
        std::string why;
        if (!decodeGzip(body, m_inflated, MetricsLimits::kMaxBodyBytes, &why)) {
            result.error = why;
            return result;
        }
        body = m_inflated;
    }
    if (auto why = rejectNonMetricsBody(body, format)) {
        result.error = *why;
        return result;
    }
    if (format == MetricsFormat::JsonStub) {
        MetricsParseResult parsed = parseMetrics(body, format);
        if (!parsed.ok) {
            result.error = parsed.error;
            return result;
        }
        if (!m_mappingFixed && m_baseMapping.latencyGauge.empty()) {
            m_baseMapping = MetricsMapping::forModularJsonStub();
            applyOverrides();
            assignAllRoles();
        }
        return ingestSamples(timestampMs, parsed.samples);
    }
    beginScrape(timestampMs);
    m_parser.reset(body, format);
    RawSample s;
    std::size_t position = 0;
    while (m_parser.next(s)) {
        // A scrape repeats the previous one: check the series seen at this position last time
        // before hashing (sequential memory, no table probe).
        std::uint32_t id = kNone;
        if (position < m_keyAt.size() && m_index.keyMatches(m_keyAt[position], s.series)) {
            id = m_index.keySeries(m_keyAt[position]);
        } else {
            const std::uint64_t h = hashBytes(s.series);
            std::uint32_t key = m_index.findKey(s.series, h);
            if (key != kNone)
                id = m_index.keySeries(key);
            if (key == kNone || m_column[id] == SeriesStore::kNoSeries) {
                id = newSeries(s, h, m_parser.typeOf(s.name), result);
                if (id == kNone)
                    continue;
                key = m_index.findKey(s.series, h);
            }
            if (position < m_keyAt.size())
                m_keyAt[position] = key;
            else
                m_keyAt.push_back(key);
        }
        ++position;
        observe(id, s.value, result);
    }
    result.malformedLines += m_parser.malformedLines();
    for (const auto& e : m_parser.firstErrors()) {
        if (result.firstErrors.size() < MetricsLimits::kMaxReportedErrors)
            result.firstErrors.push_back(e);
    }
    if (result.samples == 0 && result.malformedLines > 0) {
        result.error = "no valid metrics lines, not metrics text";
        m_raw->endScrape();
        return result;
    }
    finishScrape(timestampMs, false);
    result.ok = true;
    return result;
}

IngestResult SignalDeriver::ingestSamples(qint64 timestampMs,
                                          const std::vector<MetricSample>& samples)
{
    IngestResult result;
    beginScrape(timestampMs);
    std::string key;
    for (const MetricSample& m : samples) {
        key = m.name;
        std::size_t labelsStart = key.size();
        if (!m.labels.empty()) {
            key += '{';
            labelsStart = key.size();
            bool first = true;
            for (const auto& [k, v] : m.labels) {
                if (!first)
                    key += ',';
                first = false;
                key += k;
                key += "=\"";
                appendEscaped(key, v);
                key += '"';
            }
            key += '}';
        }
        RawSample s;
        s.series = key;
        s.name = std::string_view(key).substr(0, m.name.size());
        s.labels = m.labels.empty()
                       ? std::string_view()
                       : std::string_view(key).substr(labelsStart, key.size() - 1 - labelsStart);
        s.value = m.value;
        const std::uint64_t h = hashBytes(s.series);
        std::uint32_t id = m_index.find(s.series, h);
        if (id == kNone || m_column[id] == SeriesStore::kNoSeries) {
            id = newSeries(s, h, MetricType::Untyped, result);
            if (id == kNone)
                continue;
        }
        observe(id, s.value, result);
    }
    finishScrape(timestampMs, true);
    result.ok = true;
    return result;
}

void SignalDeriver::finishScrape(qint64 timestampMs, bool jsonStub)
{
    m_raw->endScrape();
    tidyAfterScrape(jsonStub);
    const ScrapeTotals totals = accumulateScrape();
    publishSignals(timestampMs, totals);
}

// Drops raw series unseen for long, and detects the dialect while it is unknown.
void SignalDeriver::tidyAfterScrape(bool jsonStub)
{
    if (m_scrapeNo % 64 == 0) {
        m_raw->dropIdleSeries(m_scratchIds);
        for (std::uint32_t col : m_scratchIds) {
            if (col < m_columnOwner.size() && m_columnOwner[col] != kNone)
                forget(m_columnOwner[col]);
        }
    }
    if (!m_mappingFixed && !jsonStub && m_baseMapping.dialect == Dialect::Unknown) {
        std::vector<std::string_view> names;
        for (std::uint32_t id = 0; id < m_index.idLimit(); ++id) {
            if (m_index.contains(id))
                names.push_back(m_index.info(id).name);
        }
        const Dialect d = MetricsMapping::detect(names);
        if (d != Dialect::Unknown) {
            m_baseMapping = MetricsMapping::forDialect(d);
            applyOverrides();
            assignAllRoles();
        }
    }
}

// This scrape's counter deltas summed per accumulator (the target's and each endpoint's), and
// the gauges, workflow and CPU totals.
SignalDeriver::ScrapeTotals SignalDeriver::accumulateScrape()
{
    for (auto& a : m_acc)
        a.clear();
    ScrapeTotals totals;

    // A changed process start time means a redeploy: every counter restarted from zero.
    bool redeploy = false;
    for (std::uint32_t id : m_roleSeries) {
        if (m_roles[id].kind == RoleKind::ProcessStart && m_seenIn[id] == m_scrapeNo) {
            const double v = m_value[id];
            redeploy = m_processStart != 0 && v != m_processStart;
            m_processStart = v;
        }
    }

    for (std::uint32_t id : m_roleSeries) {
        if (m_seenIn[id] != m_scrapeNo)
            continue;
        const Role& role = m_roles[id];
        const double v = m_value[id];
        double delta = 0;
        bool haveDelta = false;
        if (isCounterRole(role.kind)) {
            const double prev = m_previous[id];
            m_previous[id] = v;
            if (!std::isnan(prev) && !std::isnan(v)) {
                haveDelta = true;
                if (v < prev || redeploy) {
                    delta = v; // counted from zero since the reset
                    if (v < prev)
                        ++m_counterResets;
                } else {
                    delta = v - prev;
                }
            }
        }
        EndpointAcc& target = m_acc[kTargetAcc];
        EndpointAcc* ep = role.endpoint ? &m_acc[role.endpoint] : nullptr;
        switch (role.kind) {
        case RoleKind::Requests:
            target.requestsTotal += v;
            if (ep)
                ep->requestsTotal += v;
            if (!haveDelta)
                break;
            target.requests += delta;
            target.haveRequests = true;
            if (role.serverError)
                target.serverErrors5xx += delta;
            if (ep) {
                ep->requests += delta;
                ep->haveRequests = true;
                if (role.serverError)
                    ep->serverErrors5xx += delta;
            }
            break;
        case RoleKind::Errors:
            if (!haveDelta)
                break;
            target.errors += delta;
            target.haveErrors = true;
            if (ep) {
                ep->errors += delta;
                ep->haveErrors = true;
            }
            break;
        case RoleKind::LatencyBucket:
            if (!haveDelta)
                break;
            target.buckets[role.targetBucketSlot].count += delta;
            if (ep)
                ep->buckets[role.bucketSlot].count += delta;
            break;
        case RoleKind::LatencySum:
            if (!haveDelta)
                break;
            target.sum += delta;
            if (ep)
                ep->sum += delta;
            break;
        case RoleKind::LatencyCount:
            if (!haveDelta)
                break;
            target.count += delta;
            target.haveCount = true;
            if (ep) {
                ep->count += delta;
                ep->haveCount = true;
            }
            break;
        case RoleKind::WorkflowExecutions:
            if (haveDelta) {
                totals.workflowDelta += delta;
                totals.haveWorkflow = true;
            }
            break;
        case RoleKind::CpuSeconds:
            if (haveDelta)
                totals.cpuSecondsDelta =
                    std::isnan(totals.cpuSecondsDelta) ? delta : totals.cpuSecondsDelta + delta;
            break;
        case RoleKind::LatencyGauge:
            totals.gauges[at(SignalId::LatencyAvg)] = v;
            break;
        case RoleKind::ActiveWorkflows:
            totals.gauges[at(SignalId::ActiveWorkflows)] = v;
            break;
        case RoleKind::Memory:
            totals.gauges[at(SignalId::MemoryBytes)] = v;
            break;
        case RoleKind::CpuPercent:
            totals.gauges[at(SignalId::CpuPercent)] = v;
            break;
        case RoleKind::Connections:
            totals.gauges[at(SignalId::Connections)] = v;
            break;
        case RoleKind::ProcessStart:
        case RoleKind::None:
            break;
        }
    }
    return totals;
}

// One accumulator's signals over dtSeconds (rates only when it is positive); returns its errors.
double SignalDeriver::deriveEndpointSignals(EndpointAcc& a, double dtSeconds,
                                            bool errorsFromCounter,
                                            std::array<double, kEndpointSignalCount>& out) const
{
    out.fill(kNaN);
    const double requests = a.haveRequests ? a.requests : (a.haveCount ? a.count : kNaN);
    const bool haveErr = errorsFromCounter ? a.haveErrors || a.haveRequests
                                           : (a.haveRequests && !m_mapping.statusLabel.empty());
    const double errors = errorsFromCounter ? a.errors : a.serverErrors5xx;
    if (dtSeconds > 0) {
        out[at(EndpointSignal::RequestRate)] = requests / dtSeconds;
        if (haveErr)
            out[at(EndpointSignal::ErrorRate)] = errors / dtSeconds;
    }
    if (a.haveCount && a.count > 0)
        out[at(EndpointSignal::LatencyAvg)] = a.sum / a.count;
    if (a.buckets.size() >= 2) {
        a.sorted.assign(a.buckets.begin(), a.buckets.end());
        std::sort(a.sorted.begin(), a.sorted.end(),
                  [](const auto& x, const auto& y) { return x.upperBound < y.upperBound; });
        out[at(EndpointSignal::P50)] = histogramQuantile(0.50, a.sorted);
        out[at(EndpointSignal::P95)] = histogramQuantile(0.95, a.sorted);
        out[at(EndpointSignal::P99)] = histogramQuantile(0.99, a.sorted);
    }
    return errors;
}

// The target's signals into m_latest, each endpoint's into its row of the endpoint table.
void SignalDeriver::publishSignals(qint64 timestampMs, const ScrapeTotals& totals)
{
    const double dt =
        m_havePrevious ? static_cast<double>(timestampMs - m_previousTimeMs) / 1000.0 : 0.0;
    const bool rates = dt > 0;
    const bool errorsFromCounter = m_acc[kTargetAcc].haveErrors;

    std::array<double, kEndpointSignalCount> sig{};
    const double targetErrors =
        deriveEndpointSignals(m_acc[kTargetAcc], dt, errorsFromCounter, sig);
    m_latest.fill(kNaN);
    m_latest[at(SignalId::RequestRate)] = sig[at(EndpointSignal::RequestRate)];
    m_latest[at(SignalId::ErrorRate)] = sig[at(EndpointSignal::ErrorRate)];
    const double requests =
        m_acc[kTargetAcc].haveRequests ? m_acc[kTargetAcc].requests : m_acc[kTargetAcc].count;
    if (!std::isnan(sig[at(EndpointSignal::ErrorRate)]) && requests > 0)
        m_latest[at(SignalId::ErrorRatio)] = targetErrors / requests;
    m_latest[at(SignalId::LatencyAvg)] = sig[at(EndpointSignal::LatencyAvg)];
    m_latest[at(SignalId::LatencyP50)] = sig[at(EndpointSignal::P50)];
    m_latest[at(SignalId::LatencyP95)] = sig[at(EndpointSignal::P95)];
    m_latest[at(SignalId::LatencyP99)] = sig[at(EndpointSignal::P99)];
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        if (!std::isnan(totals.gauges[i]))
            m_latest[i] = totals.gauges[i];
    }
    if (rates && totals.haveWorkflow)
        m_latest[at(SignalId::WorkflowRate)] = totals.workflowDelta / dt;
    if (rates && std::isnan(m_latest[at(SignalId::CpuPercent)]) &&
        !std::isnan(totals.cpuSecondsDelta))
        m_latest[at(SignalId::CpuPercent)] = totals.cpuSecondsDelta / dt * 100.0;
    for (std::size_t e = 0; e < m_endpoints.size(); ++e) {
        EndpointValues& row = m_endpoints[e];
        deriveEndpointSignals(m_acc[e + 1], dt, errorsFromCounter, row.latest);
        row.requestsTotal = m_acc[e + 1].requestsTotal;
    }
    m_previousTimeMs = timestampMs;
    m_havePrevious = true;
}

EndpointMethods SignalDeriver::endpointMethods() const
{
    EndpointMethods methods;
    if (m_mapping.requestsCounter.empty())
        return methods;
    for (std::uint32_t id : m_roleSeries) {
        if (m_roles[id].kind != RoleKind::Requests)
            continue;
        const SeriesInfo& info = m_index.info(id);
        const std::string_view method = info.label("method");
        if (!method.empty())
            methods[std::string(info.label(m_mapping.endpointLabel))].insert(std::string(method));
    }
    return methods;
}

ScrapeFrame SignalDeriver::scrapeFrame(qint64 timestampMs) const
{
    ScrapeFrame frame;
    frame.timestampMs = timestampMs;
    frame.latest = m_latest;
    frame.endpoints = m_endpoints;
    frame.workflows = workflowTable();
    frame.endpointMethods = endpointMethods();
    frame.mapping = m_mapping;
    frame.counterResets = m_counterResets;
    frame.droppedSeries = droppedSeries();
    frame.evictedSeries = evictedSeries();
    frame.scrapedSeries = scrapedSeries();
    frame.processStartSeconds = m_processStart;
    return frame;
}

std::vector<WorkflowRow> SignalDeriver::workflowTable() const
{
    std::vector<WorkflowRow> rows;
    for (std::uint32_t id : m_roleSeries) {
        if (m_roles[id].kind != RoleKind::WorkflowExecutions || m_seenIn[id] != m_scrapeNo)
            continue;
        const SeriesInfo& info = m_index.info(id);
        rows.push_back({std::string(info.label(m_mapping.workflowTypeLabel)),
                        std::string(info.label(m_mapping.workflowStatusLabel)), m_value[id]});
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::tie(a.workflowType, a.status) < std::tie(b.workflowType, b.status);
    });
    return rows;
}

} // namespace ops
