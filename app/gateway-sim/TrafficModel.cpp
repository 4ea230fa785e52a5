#include "app/gateway-sim/TrafficModel.h"

#include <QDir>
#include <QFile>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <ctime>

#include <sys/resource.h>
#include <unistd.h>

namespace ops::sim {

namespace {

constexpr double kWarmupSeconds = 1800.0; // history the gateway "already has" at start-up
constexpr int kMaxRequestsPerAdvance = 200000;

QByteArray hex8(std::mt19937_64& rng)
{
    return QByteArray::number(static_cast<quint32>(rng() & 0xffffffffu), 16).rightJustified(8, '0');
}

MetricSeries counter(MetricLabels labels, double value, double created)
{
    MetricSeries s;
    s.labels = std::move(labels);
    s.value = value;
    s.created = created;
    return s;
}

MetricSeries gauge(MetricLabels labels, double value)
{
    MetricSeries s;
    s.labels = std::move(labels);
    s.value = value;
    return s;
}

template <size_t N>
MetricSeries histogram(MetricLabels labels, const std::array<double, N>& buckets, double count,
                       double sum, double created)
{
    MetricSeries s;
    s.labels = std::move(labels);
    double acc = 0.0;
    for (double b : buckets) {
        acc += b;
        s.cumulativeBuckets.push_back(acc);
    }
    s.count = count;
    s.sum = sum;
    s.created = created;
    return s;
}

double readProcStatmBytes(int field)
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly)) {
        return 0.0;
    }
    const QList<QByteArray> parts = f.readAll().split(' ');
    if (parts.size() <= field) {
        return 0.0;
    }
    return parts.at(field).toDouble() * static_cast<double>(sysconf(_SC_PAGESIZE));
}

} // namespace

TrafficModel::TrafficModel(Dialect dialect, quint64 seed, int endpointPaths, double nowS)
    : m_dialect(dialect)
    , m_rng(seed)
{
    buildCatalog(endpointPaths);
    // Pretend the gateway has been serving for a while: replay a warm-up period so every
    // endpoint already has series and histograms look lived-in.
    m_startTime = nowS - kWarmupSeconds;
    m_allCreated = m_startTime + 0.3;
    m_lastAdvance = m_startTime;
    for (size_t i = 0; i < m_catalog.size(); ++i) {
        for (int k = 0; k < 3; ++k) {
            const Endpoint& e = m_catalog[i];
            std::lognormal_distribution<double> lat(std::log(0.08 * e.latencyFactor) - 0.18, 0.6);
            observe(e.method, e.path, sampleStatus(e, 0.02), lat(m_rng),
                    m_startTime + 0.3 + 0.0001 * static_cast<double>(i));
        }
    }
    advance(nowS, TrafficRegime{});
}

void TrafficModel::buildCatalog(int endpointPaths)
{
    const QByteArray rateLimit = m_dialect == Dialect::Monolith
                                     ? QByteArray("/v1/security/rate-limit-status")
                                     : QByteArray("/v1/auth/security/rate-limit-status");
    struct Base {
        const char* path;
        std::vector<const char*> methods;
        double factor;
        double weight;
    };
    const std::vector<Base> base{
        {"/v1/workflows/wf_3f9c2a1b", {"GET"}, 1.0, 4},
        {"/system/modules", {"GET"}, 0.4, 3},
        {"/v1/candidates", {"GET"}, 1.3, 5},
        {"/health/detailed", {"GET"}, 0.6, 4},
        {rateLimit.constData(), {"GET"}, 0.3, 3},
        {"/v1/jobs", {"GET", "POST"}, 1.1, 5},
        {"/v1/workflows/wf_3f9c2a1b/start", {"POST"}, 1.4, 4},
        {"/v1/auth/login", {"POST"}, 1.6, 4},
        {"/health", {"GET"}, 0.2, 4},
        {"/v1/workflows", {"GET", "POST"}, 1.0, 2},
        {"/metrics", {"GET"}, 0.3, 2},
        {"/v1/candidates/search", {"GET"}, 2.0, 2},
    };
    struct Template {
        const char* pattern; // {n} = number, {wf} = workflow id
        std::vector<const char*> methods;
        double factor;
    };
    const std::vector<Template> templates{
        {"/v1/candidates/{n}", {"GET", "PUT", "DELETE"}, 1.0},
        {"/v1/jobs/{n}", {"GET", "PUT", "DELETE"}, 0.9},
        {"/v1/workflows/{wf}", {"GET", "DELETE"}, 0.8},
        {"/v1/workflows/{wf}/start", {"POST"}, 1.4},
        {"/v1/workflows/{wf}/status", {"GET"}, 0.5},
        {"/v1/candidates/{n}/resume", {"GET", "POST"}, 2.5},
        {"/v1/jobs/{n}/matches", {"GET", "POST"}, 3.0},
        {"/v1/interviews/{n}", {"GET", "PUT", "DELETE"}, 0.9},
        {"/v1/feedback/{n}", {"GET", "POST", "PUT"}, 0.8},
        {"/v1/offers/{n}", {"GET", "PUT"}, 0.7},
    };
    std::vector<double> weights;
    std::lognormal_distribution<double> jitter(0.0, 0.35);
    const int baseCount = std::min<int>(endpointPaths, static_cast<int>(base.size()));
    for (int i = 0; i < baseCount; ++i) {
        for (const char* m : base[static_cast<size_t>(i)].methods) {
            m_catalog.push_back({base[static_cast<size_t>(i)].path, m,
                                 base[static_cast<size_t>(i)].factor * jitter(m_rng)});
            weights.push_back(base[static_cast<size_t>(i)].weight);
        }
    }
    QSet<QByteArray> usedPaths;
    std::uniform_int_distribution<int> ids(1, 99999);
    std::uniform_int_distribution<size_t> pickTemplate(0, templates.size() - 1);
    for (int i = baseCount; i < endpointPaths; ++i) {
        const Template& t = templates[pickTemplate(m_rng)];
        QByteArray path(t.pattern);
        path.replace("{n}", QByteArray::number(ids(m_rng)));
        path.replace("{wf}", "wf_" + hex8(m_rng));
        if (usedPaths.contains(path)) {
            --i;
            continue;
        }
        usedPaths.insert(path);
        // Long tail: later ids are requested less often.
        const double w = 3.0 / std::pow(1.0 + (i - baseCount) / 8.0, 0.7);
        for (const char* m : t.methods) {
            m_catalog.push_back({path, m, t.factor * jitter(m_rng)});
            weights.push_back(w);
        }
    }
    m_pick = std::discrete_distribution<size_t>(weights.begin(), weights.end());
}

int TrafficModel::sampleStatus(const Endpoint& e, double errorRate)
{
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double x = u(m_rng);
    if (x < errorRate) {
        const double y = u(m_rng);
        return y < 0.7 ? 500 : (y < 0.9 ? 503 : 502);
    }
    if (x < errorRate + 0.04) {
        if (e.path.contains("/auth/")) {
            return 401;
        }
        if (e.method == "POST" || e.method == "PUT") {
            return 422;
        }
        return 404;
    }
    return 200;
}

TrafficModel::Series& TrafficModel::seriesFor(const QByteArray& method, const QByteArray& path,
                                              double atS)
{
    const auto key = std::make_pair(path, method);
    auto it = m_index.find(key);
    if (it == m_index.end()) {
        Series s;
        s.path = path;
        s.method = method;
        s.created = atS;
        m_series.push_back(std::move(s));
        it = m_index.emplace(key, m_series.size() - 1).first;
    }
    return m_series[it->second];
}

void TrafficModel::observe(const QByteArray& method, const QByteArray& path, int status,
                           double seconds, double atS)
{
    Series& s = seriesFor(method, path, atS);
    const auto& bounds = MetricsWriter::defaultBuckets();
    const size_t bucket = static_cast<size_t>(
        std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
    s.buckets[bucket] += 1.0;
    s.count += 1.0;
    s.sum += seconds;
    m_allBuckets[bucket] += 1.0;
    m_allCount += 1.0;
    m_allSum += seconds;
    m_totalRequests += 1.0;

    auto st = std::find_if(s.statuses.begin(), s.statuses.end(),
                           [status](const StatusCount& c) { return c.status == status; });
    if (st == s.statuses.end()) {
        s.statuses.push_back({status, 0.0, atS});
        st = s.statuses.end() - 1;
    }
    st->count += 1.0;

    if (status >= 400) {
        const QByteArray type = status >= 500 ? "server_error" : "client_error";
        auto er = std::find_if(s.errors.begin(), s.errors.end(),
                               [&type](const ErrorCount& c) { return c.type == type; });
        if (er == s.errors.end()) {
            s.errors.push_back({type, 0.0, atS});
            er = s.errors.end() - 1;
        }
        er->count += 1.0;
        Labeled& me = m_monolithErrors[{type, "gateway"}];
        if (me.count == 0.0) {
            me.created = atS;
        }
        me.count += 1.0;
    }
    if (status >= 500) {
        m_totalErrors += 1.0;
    }
    if (status < 300 && method == "POST" && path == "/v1/jobs") {
        recordJobPosting(atS);
    }
    m_gcCollected += 0.35;
}

void TrafficModel::advance(double nowS, const TrafficRegime& regime)
{
    const double dt = nowS - m_lastAdvance;
    if (dt <= 0.0) {
        return;
    }
    const double from = m_lastAdvance;
    m_lastAdvance = nowS;
    driftGauges(dt, regime);
    if (regime.rps <= 0.0 || m_catalog.empty()) {
        return;
    }
    std::poisson_distribution<int> arrivals(regime.rps * dt);
    const int n = std::min(arrivals(m_rng), kMaxRequestsPerAdvance);
    std::normal_distribution<double> noise(0.0, 0.6);
    std::uniform_real_distribution<double> when(from, nowS);
    std::vector<double> times(static_cast<size_t>(n));
    for (double& t : times) {
        t = when(m_rng);
    }
    std::sort(times.begin(), times.end());
    int errors = 0;
    for (int i = 0; i < n; ++i) {
        const Endpoint& e = m_catalog[m_pick(m_rng)];
        const int status = sampleStatus(e, regime.errorRate);
        // Lognormal around the regime's mean (sigma 0.6 gives a realistic long tail).
        const double mean = regime.meanLatencyS * e.latencyFactor * (status >= 500 ? 1.5 : 1.0);
        const double latency = std::exp(std::log(mean) - 0.18 + noise(m_rng));
        observe(e.method, e.path, status, latency, times[static_cast<size_t>(i)]);
        if (status >= 500) {
            ++errors;
        }
        if (m_dialect != Dialect::Monolith && e.method == "POST" && e.path == "/v1/workflows" &&
            status < 300) {
            static const QByteArray types[] = {"job_posting", "candidate_onboarding",
                                               "interview_process"};
            const QByteArray& type = types[m_rng() % 3];
            recordWorkflowExecution(type, (m_rng() % 10) == 0 ? "failed" : "completed",
                                    times[static_cast<size_t>(i)]);
        }
    }
    if (n > 0) {
        m_recentErrorRate = static_cast<double>(errors) / n;
    }
    if (m_dialect == Dialect::Monolith) {
        std::poisson_distribution<int> resumes(0.1 * dt);
        const int r = resumes(m_rng);
        for (int i = 0; i < r; ++i) {
            const QByteArray status = (m_rng() % 20) == 0 ? "failed" : "success";
            Labeled& l = m_resumes[status];
            if (l.count == 0.0) {
                l.created = nowS;
            }
            l.count += 1.0;
        }
    }
}

void TrafficModel::driftGauges(double dt, const TrafficRegime& regime)
{
    std::normal_distribution<double> step(0.0, std::sqrt(std::min(dt, 60.0)));
    m_memoryBytes = std::clamp(m_memoryBytes + 2.0e5 * step(m_rng), 3.0e8, 9.0e8);
    m_cpuPercent = std::clamp(2.0 + regime.rps * 0.05 + std::abs(step(m_rng)), 0.5, 100.0);
    m_cpuPercent = std::round(m_cpuPercent * 10.0) / 10.0;
    m_cpuSeconds += m_cpuPercent / 100.0 * dt;
    m_dbConnections =
        std::clamp(m_dbConnections + static_cast<int>(std::lround(step(m_rng))), 1, 20);
    m_activeUsers = std::clamp(std::round(m_activeUsers + step(m_rng)), 0.0, 500.0);
    m_matchRate =
        std::round(std::clamp(m_matchRate + 0.005 * step(m_rng), 0.6, 0.98) * 100.0) / 100.0;
    m_syntheticActiveWorkflows =
        std::clamp(std::round(m_syntheticActiveWorkflows + 0.3 * step(m_rng)), 0.0, 8.0);
}

void TrafficModel::record(const QByteArray& method, const QByteArray& path, int status,
                          double seconds, double nowS)
{
    observe(method, path, status, seconds, nowS);
}

void TrafficModel::recordWorkflowExecution(const QByteArray& type, const QByteArray& status,
                                           double nowS)
{
    const auto key = std::make_pair(type, status);
    Labeled& l = m_workflowExecutions[key];
    if (l.count == 0.0 && l.created == 0.0) {
        l.created = nowS;
        m_workflowOrder.push_back(key);
    }
    l.count += 1.0;
}

void TrafficModel::recordJobPosting(double nowS)
{
    if (m_jobPostings.created == 0.0) {
        m_jobPostings.created = nowS;
    }
    m_jobPostings.count += 1.0;
}

void TrafficModel::reset(double nowS)
{
    m_series.clear();
    m_index.clear();
    m_allBuckets = {};
    m_allCount = 0.0;
    m_allSum = 0.0;
    m_allCreated = nowS;
    m_workflowExecutions.clear();
    m_workflowOrder.clear();
    m_monolithErrors.clear();
    m_resumes.clear();
    m_jobPostings = Labeled{0.0, nowS};
    m_startTime = nowS;
    m_lastAdvance = nowS;
    m_totalRequests = 0.0;
    m_totalErrors = 0.0;
    m_gcCollected = 120.0;
}

double TrafficModel::averageLatency() const
{
    return m_allCount > 0 ? m_allSum / m_allCount : 0.0;
}

std::vector<MetricFamily> TrafficModel::processFamilies() const
{
    std::vector<MetricFamily> out;
    auto single = [&](const char* name, const char* help, MetricType type, double value) {
        MetricFamily f{name, help, type, {}, {gauge({}, value)}};
        out.push_back(std::move(f));
    };
    double cpu = 0.0;
    double openFds = 0.0;
    double maxFds = 0.0;
    double virtualBytes = 0.0;
    double residentBytes = 0.0;
    if (m_modelledProcess) {
        // A gateway worker of the modelled size: its resident memory drifts with the model,
        // a descriptor per database connection beside the listening ones.
        cpu = m_cpuSeconds;
        openFds = 9.0 + m_dbConnections;
        maxFds = 1024.0;
        residentBytes = std::round(m_memoryBytes);
        virtualBytes = std::round(m_memoryBytes * 2.5);
    } else {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
              static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        rlimit fds{};
        getrlimit(RLIMIT_NOFILE, &fds);
        maxFds = static_cast<double>(fds.rlim_cur);
        openFds = static_cast<double>(
            QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
        virtualBytes = readProcStatmBytes(0);
        residentBytes = readProcStatmBytes(1);
    }
    single("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
           virtualBytes);
    single("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
           residentBytes);
    single("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
           MetricType::Gauge, std::round(m_startTime * 100.0) / 100.0);
    single("process_cpu_seconds", "Total user and system CPU time spent in seconds.",
           MetricType::Counter, std::round(cpu * 100.0) / 100.0);
    single("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, openFds);
    single("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
           maxFds);
    single("python_info", "Python platform information", MetricType::Gauge, 1.0);
    out.back().series.front().labels = {{"implementation", "CPython"},
                                        {"major", "3"},
                                        {"minor", "11"},
                                        {"patchlevel", "2"},
                                        {"version", "3.11.2"}};
    const double collected = std::floor(m_gcCollected);
    auto gen = [](double g0, double g1, double g2) {
        return std::vector<MetricSeries>{gauge({{"generation", "0"}}, std::floor(g0)),
                                         gauge({{"generation", "1"}}, std::floor(g1)),
                                         gauge({{"generation", "2"}}, std::floor(g2))};
    };
    out.push_back({"python_gc_objects_collected",
                   "Objects collected during gc",
                   MetricType::Counter,
                   {},
                   gen(collected, collected * 0.43, collected * 0.02)});
    out.push_back({"python_gc_objects_uncollectable",
                   "Uncollectable object found during GC",
                   MetricType::Counter,
                   {},
                   gen(0, 0, 0)});
    out.push_back({"python_gc_collections",
                   "Number of times this generation was collected",
                   MetricType::Counter,
                   {},
                   gen(collected / 9.4, collected / 122.0, collected / 2000.0)});
    return out;
}

std::vector<MetricFamily> TrafficModel::families(int activeWorkflows) const
{
    std::vector<MetricFamily> out = processFamilies();
    const double active = static_cast<double>(activeWorkflows) + m_syntheticActiveWorkflows;
    if (m_dialect == Dialect::Plan)
        appendPlanFamilies(out, active);
    else if (m_dialect == Dialect::Modular)
        appendModularFamilies(out, active);
    else
        appendMonolithFamilies(out);
    return out;
}

void TrafficModel::appendPlanFamilies(std::vector<MetricFamily>& out, double active) const
{
    const auto& bounds = MetricsWriter::defaultBuckets();
    MetricFamily requests{"api_requests", "Total API requests", MetricType::Counter, {}, {}};
    for (const Series& s : m_series) {
        requests.series.push_back(
            counter({{"method", s.method}, {"endpoint", s.path}}, s.count, s.created));
    }
    out.push_back(std::move(requests));
    MetricFamily duration{
        "api_request_duration_seconds", "Request duration", MetricType::Histogram, bounds, {}};
    duration.series.push_back(histogram({}, m_allBuckets, m_allCount, m_allSum, m_allCreated));
    out.push_back(std::move(duration));
    out.push_back(
        {"active_workflows_total", "Active workflows", MetricType::Gauge, {}, {gauge({}, active)}});
}

void TrafficModel::appendModularFamilies(std::vector<MetricFamily>& out, double active) const
{
    const auto& bounds = MetricsWriter::defaultBuckets();
    MetricFamily requests{"api_requests", "Total API requests", MetricType::Counter, {}, {}};
    MetricFamily duration{"api_request_duration_seconds",
                          "Request duration in seconds",
                          MetricType::Histogram,
                          bounds,
                          {}};
    for (const Series& s : m_series) {
        for (const StatusCount& c : s.statuses) {
            requests.series.push_back(counter({{"method", s.method},
                                               {"endpoint", s.path},
                                               {"status_code", QByteArray::number(c.status)}},
                                              c.count, c.created));
        }
        duration.series.push_back(histogram({{"method", s.method}, {"endpoint", s.path}}, s.buckets,
                                            s.count, s.sum, s.created));
    }
    MetricFamily executions{
        "workflow_executions", "Total workflow executions", MetricType::Counter, {}, {}};
    for (const auto& key : m_workflowOrder) {
        const Labeled& l = m_workflowExecutions.at(key);
        executions.series.push_back(
            counter({{"workflow_type", key.first}, {"status", key.second}}, l.count, l.created));
    }
    out.push_back(std::move(requests));
    out.push_back(std::move(duration));
    out.push_back({"active_workflows_total",
                   "Number of active workflows",
                   MetricType::Gauge,
                   {},
                   {gauge({}, active)}});
    out.push_back(std::move(executions));
    out.push_back({"system_memory_usage_bytes",
                   "System memory usage in bytes",
                   MetricType::Gauge,
                   {},
                   {gauge({}, std::round(m_memoryBytes))}});
    out.push_back({"system_cpu_usage_percent",
                   "System CPU usage percentage",
                   MetricType::Gauge,
                   {},
                   {gauge({}, m_cpuPercent)}});
    out.push_back({"database_connections_active",
                   "Active database connections",
                   MetricType::Gauge,
                   {},
                   {gauge({}, m_dbConnections)}});
    out.push_back(modularErrorsFamily());
}

// api_errors_total has no method label: methods of one path share a series.
MetricFamily TrafficModel::modularErrorsFamily() const
{
    MetricFamily errors{"api_errors", "Total API errors", MetricType::Counter, {}, {}};
    std::map<std::pair<QByteArray, QByteArray>, size_t> errorIndex;
    for (const Series& s : m_series) {
        for (const ErrorCount& e : s.errors) {
            const auto key = std::make_pair(s.path, e.type);
            auto it = errorIndex.find(key);
            if (it == errorIndex.end()) {
                it = errorIndex.emplace(key, errors.series.size()).first;
                errors.series.push_back(
                    counter({{"error_type", e.type}, {"endpoint", s.path}}, 0.0, e.created));
            }
            MetricSeries& target = errors.series[it->second];
            target.value += e.count;
            target.created = std::min(target.created, e.created);
        }
    }
    return errors;
}

void TrafficModel::appendMonolithFamilies(std::vector<MetricFamily>& out) const
{
    const auto& bounds = MetricsWriter::defaultBuckets();
    MetricFamily resumes{
        "resumes_processed", "Total resumes processed", MetricType::Counter, {}, {}};
    for (const auto& [status, l] : m_resumes) {
        resumes.series.push_back(counter({{"status", status}}, l.count, l.created));
    }
    MetricFamily response{
        "api_response_seconds", "API response time", MetricType::Histogram, bounds, {}};
    for (const Series& s : m_series) {
        response.series.push_back(histogram({{"endpoint", s.path}, {"method", s.method}}, s.buckets,
                                            s.count, s.sum, s.created));
    }
    MetricFamily errors{"errors", "Total errors", MetricType::Counter, {}, {}};
    for (const auto& [key, l] : m_monolithErrors) {
        errors.series.push_back(
            counter({{"error_type", key.first}, {"service", key.second}}, l.count, l.created));
    }
    out.push_back(std::move(resumes));
    out.push_back(std::move(response));
    out.push_back({"active_users_current",
                   "Current active users",
                   MetricType::Gauge,
                   {},
                   {gauge({}, m_activeUsers)}});
    out.push_back({"database_connections_active",
                   "Active database connections",
                   MetricType::Gauge,
                   {},
                   {gauge({}, m_dbConnections)}});
    out.push_back({"match_success_rate",
                   "AI matching success rate",
                   MetricType::Gauge,
                   {},
                   {gauge({}, m_matchRate)}});
    out.push_back(std::move(errors));
    out.push_back({"job_postings_created",
                   "Total job postings created",
                   MetricType::Counter,
                   {},
                   {counter({}, m_jobPostings.count,
                            m_jobPostings.created > 0 ? m_jobPostings.created : m_allCreated)}});
}

QJsonObject TrafficModel::jsonStub(int activeWorkflows) const
{
    double executions = 0.0;
    for (const auto& [key, l] : m_workflowExecutions) {
        executions += l.count;
    }
    return QJsonObject{
        {QStringLiteral("http_requests_total"), static_cast<qint64>(m_totalRequests)},
        {QStringLiteral("http_request_duration_seconds"),
         std::round(averageLatency() * 1000.0) / 1000.0},
        {QStringLiteral("active_connections"), m_dbConnections + activeWorkflows + 8},
        {QStringLiteral("memory_usage_bytes"), static_cast<qint64>(m_memoryBytes)},
        {QStringLiteral("workflow_executions_total"), static_cast<qint64>(executions)},
        {QStringLiteral("pipeline_executions_total"), static_cast<qint64>(executions / 2.0)},
    };
}

QJsonObject TrafficModel::summary() const
{
    return QJsonObject{
        {QStringLiteral("requests_total"), m_totalRequests},
        {QStringLiteral("server_errors_total"), m_totalErrors},
        {QStringLiteral("latency_sum_s"), m_allSum},
        {QStringLiteral("latency_count"), m_allCount},
        {QStringLiteral("average_latency_s"), averageLatency()},
        {QStringLiteral("series"), static_cast<qint64>(m_series.size())},
        {QStringLiteral("start_time"), m_startTime},
    };
}

} // namespace ops::sim
