#include "models/metrics/MetricsMapping.h"

#include <algorithm>

namespace ops {

namespace {

struct RoleField {
    std::string_view name;
    std::string MetricsMapping::*field;
};

const RoleField kRoles[] = {
    {"requests_counter", &MetricsMapping::requestsCounter},
    {"status_label", &MetricsMapping::statusLabel},
    {"endpoint_label", &MetricsMapping::endpointLabel},
    {"latency_histogram", &MetricsMapping::latencyHistogram},
    {"latency_gauge", &MetricsMapping::latencyGauge},
    {"errors_counter", &MetricsMapping::errorsCounter},
    {"errors_label", &MetricsMapping::errorsLabel},
    {"errors_label_value", &MetricsMapping::errorsLabelValue},
    {"active_workflows_gauge", &MetricsMapping::activeWorkflowsGauge},
    {"workflow_executions_counter", &MetricsMapping::workflowExecutionsCounter},
    {"workflow_type_label", &MetricsMapping::workflowTypeLabel},
    {"workflow_status_label", &MetricsMapping::workflowStatusLabel},
    {"memory_gauge", &MetricsMapping::memoryGauge},
    {"cpu_percent_gauge", &MetricsMapping::cpuPercentGauge},
    {"cpu_seconds_counter", &MetricsMapping::cpuSecondsCounter},
    {"connections_gauge", &MetricsMapping::connectionsGauge},
    {"process_start_gauge", &MetricsMapping::processStartGauge},
    // Short names for the common ones.
    {"requests", &MetricsMapping::requestsCounter},
    {"latency", &MetricsMapping::latencyHistogram},
    {"errors", &MetricsMapping::errorsCounter},
    {"workflows", &MetricsMapping::activeWorkflowsGauge},
    {"memory", &MetricsMapping::memoryGauge},
    {"cpu", &MetricsMapping::cpuPercentGauge},
};

} // namespace

bool MetricsMapping::setRole(std::string_view role, std::string value)
{
    for (const RoleField& r : kRoles) {
        if (r.name == role) {
            this->*(r.field) = std::move(value);
            return true;
        }
    }
    return false;
}

const std::vector<std::string_view>& MetricsMapping::roleNames()
{
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const RoleField& r : kRoles)
            v.push_back(r.name);
        return v;
    }();
    return names;
}

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
