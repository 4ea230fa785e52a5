#pragma once

// What SignalDeriver (parses and derives, on the ingest worker) and SignalBoard (keeps and
// answers, on the UI thread) share: the signals' names and the frame one scrape hands over.

#include "models/metrics/MetricsMapping.h"

#include <QtGlobal>

#include <array>
#include <cstdint>
#include <map>
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

// One endpoint's signals at one scrape, as derived (or computed by another data source).
struct EndpointValues {
    std::string endpoint;
    std::array<double, kEndpointSignalCount> latest{}; // NaN when unknown
    double requestsTotal = 0; // counter value (sum over methods/statuses) at the scrape
};

// One endpoint as the board keeps it: its latest values and its series in the signal store.
struct EndpointRow {
    std::string endpoint;
    std::array<double, kEndpointSignalCount> latest{};        // NaN when unknown
    std::array<std::uint32_t, kEndpointSignalCount> series{}; // ids in SignalBoard::signalStore()
    double requestsTotal = 0; // counter value (sum over methods/statuses) at the last scrape
};

struct WorkflowRow {
    std::string workflowType;
    std::string status;
    double executions = 0; // the counter's value at the last scrape
};

// Endpoint -> the HTTP methods its requests counter was seen with.
using EndpointMethods = std::map<std::string, std::set<std::string>>;

// What one scrape gave the signals' side: made by the SignalDeriver that parsed it (on the
// ingest worker) and applied to the SignalBoard the readers use (on the UI thread), so that the
// UI thread never parses. See SignalDeriver::scrapeFrame() and SignalBoard::applyFrame().
struct ScrapeFrame {
    qint64 timestampMs = 0;
    std::array<double, kSignalCount> latest{};
    std::vector<EndpointValues> endpoints;
    std::vector<WorkflowRow> workflows;
    EndpointMethods endpointMethods;
    MetricsMapping mapping;
    std::size_t counterResets = 0;
    std::size_t droppedSeries = 0;
    std::size_t evictedSeries = 0;
    std::size_t scrapedSeries = 0;
    double processStartSeconds = 0; // the gateway's process start time (0: not exported)
};

} // namespace ops
