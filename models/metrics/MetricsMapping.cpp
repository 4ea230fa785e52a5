#include "metrics/MetricsMapping.h"

#include <algorithm>

namespace ops {

MetricsMapping MetricsMapping::forDialect(Dialect dialect)
{
    MetricsMapping m;
    m.dialect = dialect;
    switch (dialect) {
    case Dialect::Plan:
        m.requestsCounter = "api_requests_total";
        m.latencyHistogram = "api_request_duration_seconds";
        m.activeWorkflowsGauge = "active_workflows_total";
        m.memoryGauge = "process_resident_memory_bytes";
        break;
    case Dialect::Modular:
        m.requestsCounter = "api_requests_total";
        m.statusLabel = "status_code";
        m.latencyHistogram = "api_request_duration_seconds";
        m.errorsCounter = "api_errors_total";
        m.errorsLabel = "error_type";
        m.errorsLabelValue = "server_error";
        m.activeWorkflowsGauge = "active_workflows_total";
        m.workflowExecutionsCounter = "workflow_executions_total";
        m.memoryGauge = "system_memory_usage_bytes";
        m.cpuPercentGauge = "system_cpu_usage_percent";
        m.connectionsGauge = "database_connections_active";
        break;
    case Dialect::Monolith:
        m.requestsCounter = "api_requests_total"; // not exported: the histogram count stands in
        m.latencyHistogram = "api_response_seconds";
        m.errorsCounter = "errors_total";
        m.memoryGauge = "process_resident_memory_bytes";
        m.connectionsGauge = "database_connections_active";
        break;
    case Dialect::Unknown:
        m.requestsCounter = "api_requests_total";
        m.latencyHistogram = "api_request_duration_seconds";
        m.memoryGauge = "process_resident_memory_bytes";
        break;
    }
    return m;
}

MetricsMapping MetricsMapping::forModularJsonStub()
{
    MetricsMapping m;
    m.dialect = Dialect::Modular;
    m.requestsCounter = "http_requests_total";
    m.latencyGauge = "http_request_duration_seconds";
    m.memoryGauge = "memory_usage_bytes";
    m.connectionsGauge = "active_connections";
    m.workflowExecutionsCounter = "workflow_executions_total";
    return m;
}

// The modular JSON stub: detected separately by the engine (JSON body), mapped here by names.
Dialect MetricsMapping::detect(const std::vector<std::string_view>& names)
{
    auto has = [&](std::string_view n) {
        return std::find(names.begin(), names.end(), n) != names.end();
    };
    if (has("api_response_seconds_bucket") || has("api_response_seconds_count") ||
        has("resumes_processed_total") || has("active_users_current"))
        return Dialect::Monolith;
    if (has("http_requests_total") || has("api_errors_total") || has("workflow_executions_total") ||
        has("system_cpu_usage_percent"))
        return Dialect::Modular;
    if (has("api_requests_total") || has("api_request_duration_seconds_bucket"))
        return Dialect::Plan;
    return Dialect::Unknown;
}

} // namespace ops
