#include "models/metrics/SignalTypes.h"

namespace ops {

std::string_view signalName(SignalId id)
{
    static constexpr std::string_view kNames[] = {
        "request_rate",  "error_rate",   "error_ratio", "latency_avg",
        "latency_p50",   "latency_p95",  "latency_p99", "active_workflows",
        "workflow_rate", "memory_bytes", "cpu_percent", "connections"};
    const auto i = static_cast<std::size_t>(id);
    return i < std::size(kNames) ? kNames[i] : std::string_view("unknown");
}

std::string_view endpointSignalName(EndpointSignal signal)
{
    static constexpr std::string_view kNames[] = {"request_rate", "error_rate",  "latency_avg",
                                                  "latency_p50",  "latency_p95", "latency_p99"};
    const auto i = static_cast<std::size_t>(signal);
    return i < std::size(kNames) ? kNames[i] : std::string_view("unknown");
}

} // namespace ops
