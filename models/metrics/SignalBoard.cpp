#include "models/metrics/SignalBoard.h"

#include <limits>

namespace ops {

SignalBoard::SignalBoard(SeriesStoreConfig store)
    : m_signals(std::make_unique<SeriesStore>(std::move(store)))
    , m_frameMapping(MetricsMapping::forDialect(Dialect::Unknown))
    , m_mapping(m_frameMapping)
{
    m_latest.fill(std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < kSignalCount; ++i)
        m_signalIds[i] = m_signals->addSeries();
}

SignalBoard::~SignalBoard() = default;

// The board's row of an endpoint: at `position` when the deriver's rows line up (it only ever
// appends), else found by name, else added with its series.
EndpointRow& SignalBoard::rowFor(std::size_t position, const std::string& endpoint)
{
    if (position < m_endpoints.size() && m_endpoints[position].endpoint == endpoint)
        return m_endpoints[position];
    for (EndpointRow& row : m_endpoints) {
        if (row.endpoint == endpoint)
            return row;
    }
    EndpointRow row;
    row.endpoint = endpoint;
    row.latest.fill(std::numeric_limits<double>::quiet_NaN());
    for (auto& s : row.series)
        s = m_signals->addSeries();
    m_endpoints.push_back(std::move(row));
    return m_endpoints.back();
}

void SignalBoard::applyFrame(ScrapeFrame frame)
{
    if (frame.processStartSeconds != 0)
        m_processStart = frame.processStartSeconds;
    m_frameMapping = frame.mapping;
    m_mapping = std::move(frame.mapping);
    m_signals->beginScrape(frame.timestampMs);
    for (std::size_t i = 0; i < kSignalCount; ++i)
        m_signals->append(m_signalIds[i], frame.latest[i]);
    for (std::size_t e = 0; e < frame.endpoints.size(); ++e) {
        const EndpointValues& incoming = frame.endpoints[e];
        EndpointRow& row = rowFor(e, incoming.endpoint);
        row.latest = incoming.latest;
        row.requestsTotal = incoming.requestsTotal;
        for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
            m_signals->append(row.series[k], row.latest[k]);
    }
    m_signals->endScrape();
    m_latest = frame.latest;
    m_workflows = std::move(frame.workflows);
    m_methods = std::move(frame.endpointMethods);
    m_counterResets = frame.counterResets;
    m_droppedSeries = frame.droppedSeries;
    m_evictedSeries = frame.evictedSeries;
    m_scrapedSeries = frame.scrapedSeries;
}

void SignalBoard::appendScrape(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                               const std::vector<EndpointValues>& endpoints)
{
    m_signals->beginScrape(timestampMs);
    for (std::size_t i = 0; i < kSignalCount; ++i)
        m_signals->append(m_signalIds[i], values[i]);
    for (std::size_t e = 0; e < endpoints.size(); ++e) {
        const EndpointRow& row = rowFor(e, endpoints[e].endpoint);
        for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
            m_signals->append(row.series[k], endpoints[e].latest[k]);
    }
    m_signals->endScrape();
}

void SignalBoard::ingestSignals(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                                const std::vector<EndpointValues>& endpoints)
{
    appendScrape(timestampMs, values, endpoints);
    for (std::size_t e = 0; e < endpoints.size(); ++e)
        rowFor(e, endpoints[e].endpoint).latest = endpoints[e].latest;
    m_latest = values;
}

void SignalBoard::restoreScrape(qint64 timestampMs, const std::array<double, kSignalCount>& values,
                                const std::vector<EndpointValues>& endpoints)
{
    appendScrape(timestampMs, values, endpoints);
}

void SignalBoard::showMappingOverrides(
    const std::vector<std::pair<std::string, std::string>>& overrides)
{
    m_mapping = m_frameMapping;
    for (const auto& [role, value] : overrides)
        m_mapping.setRole(role, value);
}

} // namespace ops
