#pragma once

// Derived signals for one target: every scrape goes in (bytes or samples), the raw series land
// in a bounded SeriesStore and the signals (per target and per endpoint) in a day-long one.
// Counter resets (a redeploy) never give negative rates or spikes: a counter that goes down
// counts from zero, and a changed process start time resets every counter at once.

#include "models/metrics/MetricsMapping.h"
#include "models/metrics/MetricsParser.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SeriesIndex.h"
#include "models/metrics/SeriesStore.h"

#include <QtGlobal>

#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ops {

enum class SignalId : std::uint8_t {
    RequestRate, // requests per second
    ErrorRate,   // server errors per second
    ErrorRatio,  // server errors / requests over the poll interval
    LatencyAvg,  // seconds, Δsum/Δcount (or the stub's gauge)
    LatencyP50,  // seconds, from histogram bucket deltas
    LatencyP95,
    LatencyP99,
    ActiveWorkflows, // gauge
    WorkflowRate,    // workflow executions per second
    MemoryBytes,
    CpuPercent,
    Connections,
    Count
};
constexpr std::size_t kSignalCount = static_cast<std::size_t>(SignalId::Count);
std::string_view signalName(SignalId id);

// Per-endpoint signals (what labels allow): rate, errors, average and quantile latency.
enum class EndpointSignal : std::uint8_t {
    RequestRate,
    ErrorRate,
    LatencyAvg,
    P50,
    P95,
    P99,
    Count
};
constexpr std::size_t kEndpointSignalCount = static_cast<std::size_t>(EndpointSignal::Count);
// "request_rate", "error_rate", "latency_avg", "latency_p50", "latency_p95", "latency_p99".
std::string_view endpointSignalName(EndpointSignal signal);

struct EndpointRow {
    std::string endpoint;
    std::array<double, kEndpointSignalCount> latest{};        // NaN when unknown
    std::array<std::uint32_t, kEndpointSignalCount> series{}; // ids in signalStore()
    double requestsTotal = 0; // counter value (sum over methods/statuses) at the last scrape
};

struct WorkflowRow {
    std::string workflowType;
    std::string status;
    double executions = 0; // the counter's value at the last scrape
};

// Endpoint -> the HTTP methods its requests counter was seen with.
using EndpointMethods = std::map<std::string, std::set<std::string>>;

// What one scrape gave the signals' side: handed from an engine that parses and ingests (on a
// worker thread) to a mirror engine that only keeps and shows the signals (on the UI thread), so
// that the UI thread never parses. See SignalEngine::scrapeFrame() and applyFrame().
struct ScrapeFrame {
    qint64 timestampMs = 0;
    std::array<double, kSignalCount> latest{};
    std::vector<EndpointRow> endpoints; // series ids are the producer's (ignored by applyFrame)
    std::vector<WorkflowRow> workflows;
    EndpointMethods endpointMethods;
    MetricsMapping mapping;
    std::size_t counterResets = 0;
    std::size_t droppedSeries = 0;
    std::size_t evictedSeries = 0;
    std::size_t scrapedSeries = 0;
    double processStartSeconds = 0; // the gateway's process start time (0: not exported)
};

struct SignalEngineConfig {
    SeriesStoreConfig rawStore = SeriesStoreConfig::rawSeries();
    SeriesStoreConfig signalStore = SeriesStoreConfig::signalsForADay();
    std::size_t maxEndpoints = 400; // more endpoints are folded into "(other)"
    bool overrideMapping = false;   // true: use `mapping` as is, no detection
    MetricsMapping mapping;

    // An engine that parses for a mirror (applyFrame) keeps its signals' latest values only:
    // the mirror holds the day of history.
    static SignalEngineConfig forMirroredProducer();
};

struct IngestResult {
    bool ok = false;
    std::string error;
    std::size_t samples = 0;
    std::size_t newSeries = 0;
    std::size_t duplicateSamples = 0;
    std::size_t malformedLines = 0;
    std::vector<MetricsParseError> firstErrors;
};

class SignalEngine {
public:
    explicit SignalEngine(SignalEngineConfig config = {});
    ~SignalEngine();
    SignalEngine(const SignalEngine&) = delete;
    SignalEngine& operator=(const SignalEngine&) = delete;

    // One scrape: the body as the target served it (gzip inflated, JSON stub or text).
    IngestResult ingest(qint64 timestampMs, std::string_view body, MetricsFormat format);
    // One scrape from already parsed samples (another DataSource).
    IngestResult ingestSamples(qint64 timestampMs, const std::vector<MetricSample>& samples);
    // Signals computed elsewhere (a Prometheus data source): appended to the signal store at
    // timestampMs (kept non-decreasing) and taken as the latest values; NaN where unknown. The
    // endpoint rows computed there too (only endpoint and latest are read) go into the endpoint
    // table, matched by name, with a store series per signal; an endpoint not among them gets a
    // gap in this frame.
    void ingestSignals(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                       const std::vector<EndpointRow>& endpoints = {});

    double latest(SignalId id) const { return m_latest[static_cast<std::size_t>(id)]; }
    std::uint32_t signalSeries(SignalId id) const
    {
        return m_signalIds[static_cast<std::size_t>(id)];
    }
    const std::vector<EndpointRow>& endpointTable() const { return m_endpoints; }
    std::vector<WorkflowRow> workflowTable() const;
    EndpointMethods endpointMethods() const;

    // The signals' side of the last scrape (after ingest()), for a mirror engine.
    ScrapeFrame scrapeFrame(qint64 timestampMs) const;
    // Mirror mode: the frame another engine produced goes into this engine's signal store and
    // becomes its latest values, endpoint and workflow tables and mapping. An engine fed frames
    // has no raw series of its own (seriesIndex() and rawStore() stay empty).
    void applyFrame(ScrapeFrame frame);
    // Mirror mode, from history on disk (a restart): one past scrape's signals and endpoint
    // values go into the signal store at timestampMs (kept non-decreasing, before any live
    // frame); the latest values, tables and mapping are left to the first live frame. Endpoints
    // are matched by name; `endpoints` need only endpoint and latest.
    void restoreScrape(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                       const std::vector<EndpointRow>& endpoints);
    // The gateway's process start time (seconds since the epoch) from the latest scrape that
    // had it, 0 when it exports none: a change means the gateway restarted.
    double processStartSeconds() const { return m_processStart; }

    const SeriesStore& signalStore() const { return *m_signals; }
    const SeriesStore& rawStore() const { return *m_raw; }
    const SeriesIndex& seriesIndex() const { return m_index; }
    // The raw store's column of an index series id, or SeriesStore::kNoSeries.
    std::uint32_t rawColumn(std::uint32_t seriesId) const;

    Dialect dialect() const { return m_mapping.dialect; }
    const MetricsMapping& mapping() const { return m_mapping; }
    // Replaces the mapping (operator override) and re-reads every known series' role.
    void setMapping(const MetricsMapping& mapping);
    // Role overrides (MetricsMapping::setRole) laid over whatever mapping is detected, now and
    // after every later detection. Unknown roles are ignored (the settings validate them).
    void setMappingOverrides(std::vector<std::pair<std::string, std::string>> overrides);

    std::size_t counterResets() const { return m_counterResets; }
    // Raw series kept from the scrapes (the producer's count in a mirror).
    std::size_t scrapedSeries() const
    {
        return m_mirror ? m_mirroredScraped : m_raw->seriesCount();
    }
    std::size_t droppedSeries() const
    {
        return m_mirror ? m_mirroredDropped : m_raw->droppedSeries();
    }
    std::size_t evictedSeries() const
    {
        return m_mirror ? m_mirroredEvicted : m_raw->evictedSeries();
    }

private:
    struct Role;
    struct EndpointAcc;
    struct ScrapeTotals;
    void beginScrape(qint64 timestampMs);
    std::uint32_t newSeries(const RawSample& sample, std::uint64_t hash, MetricType type,
                            IngestResult& result);
    void observe(std::uint32_t id, double value, IngestResult& result);
    std::uint32_t attachColumn(std::uint32_t id);
    void finishScrape(qint64 timestampMs, bool jsonStub);
    void tidyAfterScrape(bool jsonStub);
    ScrapeTotals accumulateScrape();
    double deriveEndpointSignals(EndpointAcc& acc, double dtSeconds, bool errorsFromCounter,
                                 std::array<double, kEndpointSignalCount>& out) const;
    void publishSignals(qint64 timestampMs, const ScrapeTotals& totals);
    void assignRole(std::uint32_t id);
    void assignAllRoles();
    void applyOverrides();
    std::uint16_t endpointSlot(std::string_view endpoint);
    void forget(std::uint32_t seriesId);
    EndpointRow& mirroredEndpoint(std::size_t position, const std::string& endpoint);

    SignalEngineConfig m_config;
    MetricsMapping m_mapping;     // in use: m_baseMapping + m_overrides
    MetricsMapping m_baseMapping; // detected, or set
    bool m_mappingFixed = false;
    std::vector<std::pair<std::string, std::string>> m_overrides;
    SeriesIndex m_index;
    std::unique_ptr<SeriesStore> m_raw;
    std::unique_ptr<SeriesStore> m_signals;
    MetricsParser m_parser;
    std::string m_inflated;

    // Per index series id.
    std::vector<std::uint32_t> m_column; // raw store column
    std::vector<std::uint32_t> m_seenIn; // scrape number it was last seen in
    std::vector<double> m_value;         // value this scrape
    std::vector<double> m_previous;      // value at the previous scrape it was seen in (NaN: none)
    std::vector<Role> m_roles;
    std::vector<std::uint32_t> m_roleSeries;  // ids with a role
    std::vector<std::uint32_t> m_columnOwner; // raw column -> series id
    std::vector<std::uint32_t> m_scratchIds;
    std::vector<std::uint32_t> m_keyAt; // index key seen at each position of the last scrape
    std::uint32_t m_scrapeNo = 0;

    std::vector<EndpointRow> m_endpoints;
    std::vector<EndpointAcc> m_acc; // [0] is the target total; endpoint i at i + 1
    std::array<double, kSignalCount> m_latest{};
    std::array<std::uint32_t, kSignalCount> m_signalIds{};
    qint64 m_previousTimeMs = 0;
    bool m_havePrevious = false;
    double m_processStart = 0;
    std::size_t m_counterResets = 0;

    // Mirror mode (applyFrame).
    bool m_mirror = false;
    std::vector<WorkflowRow> m_mirroredWorkflows;
    EndpointMethods m_mirroredMethods;
    std::size_t m_mirroredDropped = 0;
    std::size_t m_mirroredEvicted = 0;
    std::size_t m_mirroredScraped = 0;
};

} // namespace ops
