#pragma once

// The signals of one target, derived from its scrapes (bytes or samples) on the ingest worker:
// the raw series land in a bounded SeriesStore, the target's and each endpoint's signals are
// computed per scrape and handed on as a ScrapeFrame (scrapeFrame()) to the SignalBoard that
// keeps their history. Counter resets (a redeploy) never give negative rates or spikes: a
// counter that goes down counts from zero, and a changed process start time resets every
// counter at once.

#include "models/metrics/MetricsMapping.h"
#include "models/metrics/MetricsParser.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SeriesIndex.h"
#include "models/metrics/SeriesStore.h"
#include "models/metrics/SignalTypes.h"

#include <QtGlobal>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ops {

struct SignalDeriverConfig {
    SeriesStoreConfig rawStore = SeriesStoreConfig::rawSeries();
    std::size_t maxEndpoints = 400; // more endpoints are folded into "(other)"
    bool overrideMapping = false;   // true: use `mapping` as is, no detection
    MetricsMapping mapping;
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

class SignalDeriver {
public:
    explicit SignalDeriver(SignalDeriverConfig config = {});
    ~SignalDeriver();
    SignalDeriver(const SignalDeriver&) = delete;
    SignalDeriver& operator=(const SignalDeriver&) = delete;

    // One scrape: the body as the target served it (gzip inflated, JSON stub or text).
    IngestResult ingest(qint64 timestampMs, std::string_view body, MetricsFormat format);
    // One scrape from already parsed samples (another DataSource).
    IngestResult ingestSamples(qint64 timestampMs, const std::vector<MetricSample>& samples);

    // The signals of the last scrape (NaN where unknown).
    double latest(SignalId id) const { return m_latest[static_cast<std::size_t>(id)]; }
    const std::vector<EndpointValues>& endpointTable() const { return m_endpoints; }
    std::vector<WorkflowRow> workflowTable() const;
    EndpointMethods endpointMethods() const;
    // The signals' side of the last scrape (after ingest()), for SignalBoard::applyFrame().
    ScrapeFrame scrapeFrame(qint64 timestampMs) const;
    // The gateway's process start time (seconds since the epoch) from the latest scrape that
    // had it, 0 when it exports none: a change means the gateway restarted.
    double processStartSeconds() const { return m_processStart; }

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
    // Raw series kept from the scrapes, and those the raw store refused or evicted.
    std::size_t scrapedSeries() const { return m_raw->seriesCount(); }
    std::size_t droppedSeries() const { return m_raw->droppedSeries(); }
    std::size_t evictedSeries() const { return m_raw->evictedSeries(); }

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

    SignalDeriverConfig m_config;
    MetricsMapping m_mapping;     // in use: m_baseMapping + m_overrides
    MetricsMapping m_baseMapping; // detected, or set
    bool m_mappingFixed = false;
    std::vector<std::pair<std::string, std::string>> m_overrides;
    SeriesIndex m_index;
    std::unique_ptr<SeriesStore> m_raw;
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

    std::vector<EndpointValues> m_endpoints;
    std::vector<EndpointAcc> m_acc; // [0] is the target total; endpoint i at i + 1
    std::array<double, kSignalCount> m_latest{};
    qint64 m_previousTimeMs = 0;
    bool m_havePrevious = false;
    double m_processStart = 0;
    std::size_t m_counterResets = 0;
};

} // namespace ops
