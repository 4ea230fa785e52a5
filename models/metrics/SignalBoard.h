#pragma once

// The signals of one target as the console's readers see them (charts, tables, alerts, history,
// reports), on the UI thread: each scrape's ScrapeFrame from the SignalDeriver goes into a
// day-long SeriesStore and becomes the latest values, endpoint and workflow tables and mapping.
// It parses nothing; the raw series stay with the deriver on the ingest worker.

#include "models/metrics/MetricsMapping.h"
#include "models/metrics/SeriesStore.h"
#include "models/metrics/SignalTypes.h"

#include <QtGlobal>

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ops {

class SignalBoard {
public:
    explicit SignalBoard(SeriesStoreConfig store = SeriesStoreConfig::signalsForADay());
    ~SignalBoard();
    SignalBoard(const SignalBoard&) = delete;
    SignalBoard& operator=(const SignalBoard&) = delete;

    // One scrape's frame (SignalDeriver::scrapeFrame()) goes into the signal store at its time
    // and becomes the latest values, endpoint and workflow tables, mapping and counts.
    void applyFrame(ScrapeFrame frame);
    // Signals computed elsewhere (a Prometheus data source): appended to the signal store at
    // timestampMs (kept non-decreasing) and taken as the latest values; NaN where unknown. The
    // endpoints computed there too go into the endpoint table, matched by name, with a store
    // series per signal; an endpoint not among them gets a gap in this frame.
    void ingestSignals(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                       const std::vector<EndpointValues>& endpoints = {});
    // From history on disk (a restart): one past scrape's signals and endpoint values go into
    // the signal store at timestampMs (kept non-decreasing, before any live frame); the latest
    // values, tables and mapping are left to the first live frame. Endpoints are matched by
    // name.
    void restoreScrape(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                       const std::vector<EndpointValues>& endpoints);

    double latest(SignalId id) const { return m_latest[static_cast<std::size_t>(id)]; }
    std::uint32_t signalSeries(SignalId id) const
    {
        return m_signalIds[static_cast<std::size_t>(id)];
    }
    const std::vector<EndpointRow>& endpointTable() const { return m_endpoints; }
    const std::vector<WorkflowRow>& workflowTable() const { return m_workflows; }
    const EndpointMethods& endpointMethods() const { return m_methods; }
    const SeriesStore& signalStore() const { return *m_signals; }
    // The gateway's process start time (seconds since the epoch) from the latest frame that had
    // it, 0 when it exports none: a change means the gateway restarted.
    double processStartSeconds() const { return m_processStart; }

    // The mapping the last frame was derived with.
    Dialect dialect() const { return m_mapping.dialect; }
    const MetricsMapping& mapping() const { return m_mapping; }
    // The operator's role overrides laid over the last frame's mapping at once (the deriver has
    // them too: the next frame brings its mapping with them).
    void showMappingOverrides(const std::vector<std::pair<std::string, std::string>>& overrides);

    // The deriver's counts at the last frame: counter resets, and the raw series it keeps,
    // refused and evicted.
    std::size_t counterResets() const { return m_counterResets; }
    std::size_t scrapedSeries() const { return m_scrapedSeries; }
    std::size_t droppedSeries() const { return m_droppedSeries; }
    std::size_t evictedSeries() const { return m_evictedSeries; }

private:
    EndpointRow& rowFor(std::size_t position, const std::string& endpoint);
    // One scrape's values into the day's store (rows made for new endpoints); nothing else.
    void appendScrape(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                      const std::vector<EndpointValues>& endpoints);

    std::unique_ptr<SeriesStore> m_signals;
    std::array<std::uint32_t, kSignalCount> m_signalIds{};
    std::array<double, kSignalCount> m_latest{};
    std::vector<EndpointRow> m_endpoints;
    std::vector<WorkflowRow> m_workflows;
    EndpointMethods m_methods;
    MetricsMapping m_frameMapping; // the last frame's
    MetricsMapping m_mapping;      // m_frameMapping, with overrides shown since
    double m_processStart = 0;
    std::size_t m_counterResets = 0;
    std::size_t m_scrapedSeries = 0;
    std::size_t m_droppedSeries = 0;
    std::size_t m_evictedSeries = 0;
};

} // namespace ops
