#pragma once

// Which series mean requests, latency, errors, workflows, memory and CPU differs per gateway
// dialect (docs: gateway-contract.md). One mapping per dialect, detected from the series
// present, and overridable field by field (the settings can fill this struct).

#include "models/domain/Dialect.h"

#include <string>
#include <string_view>
#include <vector>

namespace ops {

struct MetricsMapping {
    Dialect dialect = Dialect::Unknown;
    std::string endpointLabel = "endpoint";
    std::string requestsCounter;  // e.g. api_requests_total
    std::string statusLabel;      // e.g. status_code: 5xx values count as errors
    std::string latencyHistogram; // base name of _bucket/_sum/_count
    std::string latencyGauge;     // a gauge that already is the average latency (JSON stub)
    std::string errorsCounter;    // e.g. api_errors_total
    std::string errorsLabel;      // when set, only errorsLabel=errorsLabelValue counts
    std::string errorsLabelValue;
    std::string activeWorkflowsGauge;
    std::string workflowExecutionsCounter;
    std::string workflowTypeLabel = "workflow_type";
    std::string workflowStatusLabel = "status";
    std::string memoryGauge;
    std::string cpuPercentGauge;
    std::string cpuSecondsCounter = "process_cpu_seconds_total";
    std::string connectionsGauge;
    std::string processStartGauge = "process_start_time_seconds"; // a change means a redeploy

    // An operator override of one role ("requests_counter", "latency_histogram", ... : see
    // roleNames()) by a series or label name. False (and nothing changed) for an unknown role.
    bool setRole(std::string_view role, std::string value);
    // The overridable roles, in the order the settings list them.
    static const std::vector<std::string_view>& roleNames();

    static MetricsMapping forDialect(Dialect dialect);
    // The modular gateway's JSON stub at /metrics: every field a gauge-like number.
    static MetricsMapping forModularJsonStub();
    // The dialect whose series are present (metric names of one scrape).
    static Dialect detect(const std::vector<std::string_view>& names);
};

} // namespace ops
