#include "app/gateway-sim/DialectApi.h"

#include "app/gateway-sim/FaultState.h"
#include "app/gateway-sim/HistoryReplay.h"
#include "app/gateway-sim/MetricsWriter.h"
#include "app/gateway-sim/RateLimiter.h"
#include "app/gateway-sim/TrafficModel.h"
#include "app/gateway-sim/WorkflowEngine.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace ops::sim {

namespace {

const QByteArray kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";
const QByteArray kOpenMetricsType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

double nowSeconds()
{
    return static_cast<double>(WorkflowEngine::nowUs()) / 1e6;
}

QJsonObject validationError(const QString& type, const QJsonArray& loc, const QString& msg,
                            const QJsonValue& input, const QJsonObject& ctx = {})
{
    QJsonObject o{{QStringLiteral("type"), type},
                  {QStringLiteral("loc"), loc},
                  {QStringLiteral("msg"), msg},
                  {QStringLiteral("input"), input}};
    if (!ctx.isEmpty()) {
        o.insert(QStringLiteral("ctx"), ctx);
    }
    return o;
}

SimReply unprocessable(const QJsonArray& errors)
{
    return SimReply::json(QJsonObject{{QStringLiteral("detail"), errors}}, 422);
}

SimReply jsonDecodeError(const QJsonParseError& err)
{
    return unprocessable(QJsonArray{validationError(
        QStringLiteral("json_invalid"), QJsonArray{QStringLiteral("body"), err.offset},
        QStringLiteral("JSON decode error"), QJsonObject{},
        QJsonObject{{QStringLiteral("error"), err.errorString()}})});
}

// Maps a fault word to the dialect's vocabulary.
QString componentWord(Dialect d, const QString& fault, bool databaseInMonolith = false)
{
    if (fault == QLatin1String("down")) {
        if (databaseInMonolith) {
            return QStringLiteral("error");
        }
        return d == Dialect::Modular ? QStringLiteral("down") : QStringLiteral("unhealthy");
    }
    return fault; // "degraded" and any other word verbatim
}

} // namespace

DialectApi::DialectApi(const SimOptions& options, TrafficModel& traffic, WorkflowEngine& workflows,
                       const FaultState& faults, RateLimiter& limiter)
    : m_options(options)
    , m_traffic(traffic)
    , m_workflows(workflows)
    , m_faults(faults)
    , m_limiter(limiter)
    , m_startS(nowSeconds())
{
    static const char* const titles[] = {
        "Senior Backend Engineer", "Data Scientist",     "Product Designer", "DevOps Engineer",
        "HR Business Partner",     "Frontend Developer", "QA Analyst",       "Technical Recruiter"};
    static const char* const departments[] = {"Engineering", "Data", "Design", "Operations", "HR"};
    for (int i = 0; i < 23; ++i) {
        m_jobs.push_back(QJsonObject{
            {QStringLiteral("id"), i + 1},
            {QStringLiteral("title"), QString::fromLatin1(titles[i % 8])},
            {QStringLiteral("department"), QString::fromLatin1(departments[i % 5])},
            {QStringLiteral("location"),
             i % 3 == 0 ? QStringLiteral("Remote") : QStringLiteral("Mumbai")},
            {QStringLiteral("experience_level"),
             i % 2 ? QStringLiteral("senior") : QStringLiteral("mid")},
            {QStringLiteral("status"), QStringLiteral("active")},
            {QStringLiteral("created_at"),
             WorkflowEngine::isoTime(WorkflowEngine::nowUs() - (23 - i) * 86400000000LL,
                                     m_options.dialect != Dialect::Monolith)},
        });
    }
    setupRoutes();
}

QString DialectApi::version() const
{
    switch (m_options.dialect) {
    case Dialect::Plan:
        return QStringLiteral("1.0.0");
    case Dialect::Modular:
        return QStringLiteral("3.2.1");
    case Dialect::Monolith:
        return QStringLiteral("3.1.0");
    }
    return {};
}

QString DialectApi::now() const
{
    return WorkflowEngine::isoTime(WorkflowEngine::nowUs(), m_options.dialect != Dialect::Monolith);
}

void DialectApi::addRoute(const char* method, const QString& pattern, bool authenticated,
                          Handler handler)
{
    m_routes.push_back({method, QRegularExpression(QLatin1Char('^') + pattern + QLatin1Char('$')),
                        authenticated, std::move(handler)});
}

void DialectApi::setupRoutes()
{
    const Dialect d = m_options.dialect;
    const bool v1Auth = d == Dialect::Monolith || (d == Dialect::Plan && m_options.apiKeyGiven);
    const QString wf = QStringLiteral("/v1/workflows/([^/]+)");

    addRoute("GET", QStringLiteral("/"), false, [this](const SimRequest&, const QStringList&) {
        return SimReply::json(
            QJsonObject{{QStringLiteral("message"), QStringLiteral("BHIV HR Platform API Gateway")},
                        {QStringLiteral("version"), version()},
                        {QStringLiteral("status"), overallStatus()},
                        {QStringLiteral("docs"), QStringLiteral("/docs")}});
    });
    addRoute("GET", QStringLiteral("/health"), false,
             [this](const SimRequest&, const QStringList&) { return health(); });
    addRoute("GET", QStringLiteral("/health/detailed"), false,
             [this](const SimRequest&, const QStringList&) { return healthDetailed(); });
    addRoute("GET", QStringLiteral("/metrics"), false,
             [this](const SimRequest& r, const QStringList&) { return metrics(r); });
    if (d == Dialect::Modular) {
        addRoute("GET", QStringLiteral("/metrics/prometheus"), false,
                 [this](const SimRequest& r, const QStringList&) {
                     SimRequest text = r;
                     text.path = QStringLiteral("/metrics/prometheus");
                     return metrics(text);
                 });
    }
    if (d != Dialect::Monolith) {
        addRoute("GET", QStringLiteral("/system/modules"), false,
                 [this](const SimRequest&, const QStringList&) { return systemModules(); });
        addRoute("GET", QStringLiteral("/system/architecture"), false,
                 [this](const SimRequest&, const QStringList&) { return systemArchitecture(); });
    }
    addRoute("GET", QStringLiteral("/v1/jobs"), v1Auth,
             [this](const SimRequest& r, const QStringList&) { return listJobs(r); });
    addRoute("POST", QStringLiteral("/v1/jobs"), v1Auth,
             [this](const SimRequest& r, const QStringList&) { return createJob(r); });
    addRoute("GET",
             d == Dialect::Monolith ? QStringLiteral("/v1/security/rate-limit-status")
                                    : QStringLiteral("/v1/auth/security/rate-limit-status"),
             v1Auth,
             [this](const SimRequest& r, const QStringList&) { return rateLimitStatus(r); });
    if (d == Dialect::Monolith) {
        return; // no workflow API
    }
    addRoute("POST", QStringLiteral("/v1/workflows"), v1Auth,
             [this](const SimRequest& r, const QStringList&) { return createWorkflow(r); });
    addRoute("GET", QStringLiteral("/v1/workflows"), v1Auth,
             [this](const SimRequest& r, const QStringList&) {
                 bool ok = false;
                 int limit = r.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
                 if (!ok) {
                     limit = 50;
                 }
                 const QJsonArray list = m_workflows.list(
                     r.query.queryItemValue(QStringLiteral("status")),
                     r.query.queryItemValue(QStringLiteral("workflow_type")), limit);
                 return SimReply::json(QJsonObject{{QStringLiteral("workflows"), list},
                                                   {QStringLiteral("total"), list.size()}});
             });
    addRoute("GET", wf, v1Auth, [this](const SimRequest&, const QStringList& c) {
        return workflowAction(c.at(0), QStringLiteral("get"));
    });
    for (const char* action : {"start", "cancel", "trigger"}) {
        addRoute("POST", wf + QLatin1Char('/') + QLatin1String(action), v1Auth,
                 [this, action](const SimRequest&, const QStringList& c) {
                     // As the real gateways answer a route they do not have.
                     if (m_faults.noRerunRoute() && qstrcmp(action, "trigger") == 0)
                         return SimReply::detail(QStringLiteral("Not Found"), 404);
                     return workflowAction(c.at(0), QLatin1String(action));
                 });
    }
    for (const char* view : {"status", "steps"}) {
        addRoute("GET", wf + QLatin1Char('/') + QLatin1String(view), v1Auth,
                 [this, view](const SimRequest&, const QStringList& c) {
                     return workflowAction(c.at(0), QLatin1String(view));
                 });
    }
}

SimReply DialectApi::checkAuth(const SimRequest& request, bool* ok) const
{
    *ok = false;
    const QByteArray auth = request.header("Authorization");
    if (auth.isEmpty() || !auth.startsWith("Bearer ")) {
        return SimReply::detail(QStringLiteral("Not authenticated"), 403);
    }
    if (QString::fromUtf8(auth.mid(7).trimmed()) != m_options.apiKey) {
        return SimReply::detail(QStringLiteral("Invalid API key"), 401);
    }
    *ok = true;
    return {};
}

DialectApi::~DialectApi() = default;

SimReply DialectApi::handle(const SimRequest& request)
{
    bool pathMatched = false;
    for (const Route& route : m_routes) {
        const QRegularExpressionMatch m = route.pattern.match(request.path);
        if (!m.hasMatch()) {
            continue;
        }
        pathMatched = true;
        if (route.method != request.method) {
            continue;
        }
        if (route.authenticated) {
            bool ok = false;
            SimReply denied = checkAuth(request, &ok);
            if (!ok) {
                return denied;
            }
        }
        QStringList captures = m.capturedTexts();
        captures.removeFirst();
        return route.handler(request, captures);
    }
    return pathMatched ? SimReply::detail(QStringLiteral("Method Not Allowed"), 405)
                       : SimReply::detail(QStringLiteral("Not Found"), 404);
}

QString DialectApi::overallStatus() const
{
    bool down = false;
    bool degraded = false;
    for (const QString& v : m_faults.components()) {
        if (v == QLatin1String("down") || v == QLatin1String("unhealthy") ||
            v == QLatin1String("error")) {
            down = true;
        } else {
            degraded = true;
        }
    }
    if (!down && !degraded) {
        return QStringLiteral("healthy");
    }
    if (m_options.dialect == Dialect::Monolith || !down) {
        return QStringLiteral("degraded");
    }
    return QStringLiteral("unhealthy");
}

SimReply DialectApi::health() const
{
    QJsonObject o{{QStringLiteral("status"), overallStatus()},
                  {QStringLiteral("service"), QStringLiteral("BHIV HR Platform API Gateway")},
                  {QStringLiteral("version"), version()},
                  {QStringLiteral("timestamp"), now()}};
    if (m_options.dialect == Dialect::Modular) {
        o.insert(QStringLiteral("architecture"), QStringLiteral("modular"));
    }
    return SimReply::json(o);
}

SimReply DialectApi::healthDetailed() const
{
    const Dialect d = m_options.dialect;
    const auto& faults = m_faults.components();
    const double uptime = nowSeconds() - m_traffic.startTime();
    if (d == Dialect::Plan) {
        auto component = [&](const QString& name, QJsonObject details) {
            details.insert(QStringLiteral("status"), faults.contains(name)
                                                         ? componentWord(d, faults.value(name))
                                                         : QStringLiteral("healthy"));
            return details;
        };
        QJsonObject comps{
            {QStringLiteral("database"),
             component(QStringLiteral("database"),
                       {{QStringLiteral("latency_ms"),
                         std::round(m_traffic.averageLatency() * 40.0 * 10.0) / 10.0}})},
            {QStringLiteral("modules"),
             component(QStringLiteral("modules"),
                       {{QStringLiteral("active"), 6}, {QStringLiteral("total"), 6}})},
            {QStringLiteral("workflows"),
             component(QStringLiteral("workflows"),
                       {{QStringLiteral("running"), m_workflows.activeCount()},
                        {QStringLiteral("queued"), 0}})},
            {QStringLiteral("external_services"),
             component(QStringLiteral("external_services"), {})},
        };
        for (auto it = faults.begin(); it != faults.end(); ++it) {
            if (!comps.contains(it.key())) {
                comps.insert(it.key(),
                             QJsonObject{{QStringLiteral("status"), componentWord(d, it.value())}});
            }
        }
        return SimReply::json(QJsonObject{
            {QStringLiteral("status"), overallStatus()},
            {QStringLiteral("timestamp"), now()},
            {QStringLiteral("components"), comps},
            {QStringLiteral("performance"),
             QJsonObject{
                 {QStringLiteral("avg_response_time"),
                  std::round(m_traffic.averageLatency() * 1000.0) / 1000.0},
                 {QStringLiteral("active_connections"), m_traffic.databaseConnections() + 7},
                 {QStringLiteral("memory_usage"),
                  std::round(m_traffic.memoryBytes() / 1048576.0 * 10.0) / 10.0}}},
        });
    }
    if (d == Dialect::Modular) {
        QJsonObject services;
        for (const char* name : {"database", "cache", "workflows", "pipelines", "ai_engine"}) {
            services.insert(QLatin1String(name), QStringLiteral("healthy"));
        }
        for (auto it = faults.begin(); it != faults.end(); ++it) {
            services.insert(it.key(), componentWord(d, it.value()));
        }
        const qint64 secs = static_cast<qint64>(uptime);
        return SimReply::json(QJsonObject{
            {QStringLiteral("status"), overallStatus()},
            {QStringLiteral("timestamp"), now()},
            {QStringLiteral("services"), services},
            {QStringLiteral("uptime"),
             QStringLiteral("%1h %2m %3s").arg(secs / 3600).arg((secs % 3600) / 60).arg(secs % 60)},
            {QStringLiteral("version"), version()},
        });
    }
    // Monolith: samples CPU for a second before answering.
    const QString db = faults.contains(QStringLiteral("database"))
                           ? componentWord(d, faults.value(QStringLiteral("database")), true)
                           : QStringLiteral("connected");
    SimReply r = SimReply::json(QJsonObject{
        {QStringLiteral("status"), overallStatus()},
        {QStringLiteral("timestamp"), now()},
        {QStringLiteral("system"),
         QJsonObject{{QStringLiteral("cpu_percent"), m_traffic.cpuPercent()},
                     {QStringLiteral("memory_percent"),
                      std::round(m_traffic.memoryBytes() / 1.0e9 * 1000.0) / 10.0},
                     {QStringLiteral("disk_percent"), 55.0}}},
        {QStringLiteral("application"),
         QJsonObject{{QStringLiteral("uptime_hours"), std::round(uptime / 36.0) / 100.0},
                     {QStringLiteral("avg_response_time"),
                      std::round(m_traffic.averageLatency() * 1000.0) / 1000.0},
                     {QStringLiteral("error_rate"),
                      std::round(m_traffic.recentErrorRate() * 1000.0) / 1000.0}}},
        {QStringLiteral("database"),
         QJsonObject{{QStringLiteral("connections"),
                      db == QLatin1String("connected") ? m_traffic.databaseConnections() : 0},
                     {QStringLiteral("status"), db}}},
    });
    r.delayMs = 1000;
    return r;
}

SimReply DialectApi::metrics(const SimRequest& request) const
{
    if (request.query.hasQueryItem(QStringLiteral("at")))
        return metricsAt(request);
    const int active = m_workflows.activeCount();
    if (m_options.dialect == Dialect::Modular && request.path == QLatin1String("/metrics")) {
        return SimReply::json(m_traffic.jsonStub(active));
    }
    const auto families = m_traffic.families(active);
    if (request.header("Accept").contains("application/openmetrics-text")) {
        return SimReply::text(MetricsWriter::openMetrics(families), 200, kOpenMetricsType);
    }
    return SimReply::text(MetricsWriter::prometheusText(families), 200, kPrometheusType);
}

SimReply DialectApi::metricsAt(const SimRequest& request) const
{
    const QString text = request.query.queryItemValue(QStringLiteral("at"), QUrl::FullyDecoded);
    QString error;
    const std::optional<double> at = HistoryReplay::parseAt(text, &error);
    if (!at)
        return SimReply::detail(error, 400);
    if (!m_history)
        m_history = std::make_unique<HistoryReplay>(m_options, m_startS);
    const double now = nowSeconds();
    if (*at > now + 1.0)
        return SimReply::detail(QStringLiteral("at=%1 is in the future").arg(text), 400);
    if (*at < m_history->originS())
        return SimReply::detail(
            QStringLiteral("at=%1 is before the simulated history, which starts at %2")
                .arg(text,
                     QDateTime::fromMSecsSinceEpoch(qint64(m_history->originS() * 1000), Qt::UTC)
                         .toString(Qt::ISODate)),
            400);
    const TrafficModel& model = m_history->at(*at);
    if (m_options.dialect == Dialect::Modular && request.path == QLatin1String("/metrics"))
        return SimReply::json(model.jsonStub(0));
    const auto families = model.families(0);
    if (request.header("Accept").contains("application/openmetrics-text"))
        return SimReply::text(MetricsWriter::openMetrics(families), 200, kOpenMetricsType);
    return SimReply::text(MetricsWriter::prometheusText(families), 200, kPrometheusType);
}

SimReply DialectApi::systemModules() const
{
    struct Module {
        const char* name;
        const char* description;
        int endpoints;
    };
    static const Module modules[] = {
        {"core", "Core API, health and metrics", 12},
        {"auth", "Authentication, API keys and 2FA", 28},
        {"jobs", "Job postings and matching", 34},
        {"candidates", "Candidates, resumes and screening", 41},
        {"workflows", "Workflow engine and pipelines", 36},
        {"monitoring", "Monitoring, analytics and alerts", 31},
    };
    QJsonArray list;
    int endpoints = 0;
    for (const Module& m : modules) {
        if (m_faults.missingModules().contains(QLatin1String(m.name))) {
            continue;
        }
        endpoints += m.endpoints;
        list.append(QJsonObject{{QStringLiteral("name"), QLatin1String(m.name)},
                                {QStringLiteral("description"), QLatin1String(m.description)},
                                {QStringLiteral("endpoints"), m.endpoints},
                                {QStringLiteral("status"), QStringLiteral("active")}});
    }
    return SimReply::json(
        QJsonObject{{QStringLiteral("modules"), list},
                    {QStringLiteral("total_modules"), list.size()},
                    {QStringLiteral("total_endpoints"),
                     endpoints >= 180 ? QStringLiteral("180+") : QString::number(endpoints)},
                    {QStringLiteral("architecture"), QStringLiteral("modular")}});
}

SimReply DialectApi::systemArchitecture() const
{
    return SimReply::json(
        QJsonObject{{QStringLiteral("architecture"),
                     QJsonObject{{QStringLiteral("type"), QStringLiteral("modular_microservices")},
                                 {QStringLiteral("modules"), 6},
                                 {QStringLiteral("gateway"), QStringLiteral("FastAPI")},
                                 {QStringLiteral("workflow_engine"), QStringLiteral("async")},
                                 {QStringLiteral("version"), version()}}}});
}

SimReply DialectApi::listJobs(const SimRequest& request) const
{
    bool ok = false;
    int page = request.query.queryItemValue(QStringLiteral("page")).toInt(&ok);
    if (!ok || page < 1) {
        page = 1;
    }
    int perPage = request.query.queryItemValue(QStringLiteral("per_page")).toInt(&ok);
    if (!ok || perPage < 1) {
        perPage = 20;
    }
    perPage = std::min(perPage, 100);
    const int total = static_cast<int>(m_jobs.size());
    QJsonArray jobs;
    for (int i = (page - 1) * perPage; i < std::min(total, page * perPage); ++i) {
        jobs.append(m_jobs[static_cast<size_t>(i)]);
    }
    return SimReply::json(QJsonObject{{QStringLiteral("jobs"), jobs},
                                      {QStringLiteral("total"), total},
                                      {QStringLiteral("page"), page},
                                      {QStringLiteral("per_page"), perPage},
                                      {QStringLiteral("pages"), (total + perPage - 1) / perPage}});
}

SimReply DialectApi::createJob(const SimRequest& request)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
    if (err.error != QJsonParseError::NoError) {
        return jsonDecodeError(err);
    }
    if (!doc.isObject()) {
        return unprocessable(QJsonArray{validationError(
            QStringLiteral("model_attributes_type"), QJsonArray{QStringLiteral("body")},
            QStringLiteral("Input should be a valid dictionary or object to extract fields from"),
            doc.isArray() ? QJsonValue(doc.array()) : QJsonValue())});
    }
    const QJsonObject body = doc.object();
    QJsonArray errors;
    auto checkString = [&](const char* field, int minLen, int maxLen) {
        const QString key = QLatin1String(field);
        const QJsonArray loc{QStringLiteral("body"), key};
        if (!body.contains(key)) {
            errors.append(validationError(QStringLiteral("missing"), loc,
                                          QStringLiteral("Field required"), body));
            return;
        }
        const QJsonValue v = body.value(key);
        if (!v.isString()) {
            errors.append(validationError(QStringLiteral("string_type"), loc,
                                          QStringLiteral("Input should be a valid string"), v));
            return;
        }
        const qsizetype n = v.toString().size();
        if (n < minLen) {
            errors.append(validationError(
                QStringLiteral("string_too_short"), loc,
                QStringLiteral("String should have at least %1 characters").arg(minLen), v,
                {{QStringLiteral("min_length"), minLen}}));
        } else if (n > maxLen) {
            errors.append(validationError(
                QStringLiteral("string_too_long"), loc,
                QStringLiteral("String should have at most %1 characters").arg(maxLen), v,
                {{QStringLiteral("max_length"), maxLen}}));
        }
    };
    checkString("title", 5, 200);
    checkString("description", 20, 5000);
    if (!errors.isEmpty()) {
        return unprocessable(errors);
    }
    const int id = static_cast<int>(m_jobs.size()) + 1;
    QJsonObject job = body;
    job.insert(QStringLiteral("id"), id);
    job.insert(QStringLiteral("status"), QStringLiteral("active"));
    job.insert(QStringLiteral("created_at"), now());
    m_jobs.push_back(job);
    m_traffic.recordJobPosting(nowSeconds());
    QJsonObject reply{{QStringLiteral("message"), QStringLiteral("Job created successfully")},
                      {QStringLiteral("job_id"), id}};
    if (m_options.dialect != Dialect::Monolith) {
        const auto wfId = m_workflows.create(
            QStringLiteral("job_posting"),
            QJsonObject{{QStringLiteral("job_id"), id},
                        {QStringLiteral("title"), body.value(QStringLiteral("title"))}});
        if (wfId) {
            m_workflows.start(*wfId);
            reply.insert(QStringLiteral("workflow_id"), *wfId);
        }
    }
    return SimReply::json(reply);
}

SimReply DialectApi::rateLimitStatus(const SimRequest& request) const
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const RateLimiter::Decision d = m_limiter.peek(request.client + request.path, nowMs);
    return SimReply::json(QJsonObject{
        {QStringLiteral("rate_limit"), d.limit},
        {QStringLiteral("remaining"), d.remaining},
        {QStringLiteral("reset_time"),
         WorkflowEngine::isoTime(d.resetAtMs * 1000, m_options.dialect != Dialect::Monolith)},
        {QStringLiteral("window"), QStringLiteral("1 minute")},
    });
}

SimReply DialectApi::createWorkflow(const SimRequest& request)
{
    QString type;
    QJsonObject metadata;
    QJsonParseError err{};
    if (m_options.dialect == Dialect::Modular) {
        if (!request.query.hasQueryItem(QStringLiteral("workflow_type"))) {
            return unprocessable(QJsonArray{validationError(
                QStringLiteral("missing"),
                QJsonArray{QStringLiteral("query"), QStringLiteral("workflow_type")},
                QStringLiteral("Field required"), QJsonValue())});
        }
        type = request.query.queryItemValue(QStringLiteral("workflow_type"));
        if (!request.body.trimmed().isEmpty()) {
            const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
            if (err.error != QJsonParseError::NoError) {
                return jsonDecodeError(err);
            }
            metadata = doc.object();
        }
    } else {
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
        if (err.error != QJsonParseError::NoError) {
            return jsonDecodeError(err);
        }
        const QJsonObject body = doc.object();
        if (!body.value(QStringLiteral("workflow_type")).isString()) {
            return unprocessable(QJsonArray{
                validationError(QStringLiteral("missing"),
                                QJsonArray{QStringLiteral("body"), QStringLiteral("workflow_type")},
                                QStringLiteral("Field required"), body)});
        }
        type = body.value(QStringLiteral("workflow_type")).toString();
        metadata = body.value(QStringLiteral("metadata")).toObject();
    }
    const auto id = m_workflows.create(type, metadata);
    if (!id) {
        const QStringList types = m_workflows.types();
        return unprocessable(QJsonArray{validationError(
            QStringLiteral("enum"),
            QJsonArray{m_options.dialect == Dialect::Modular ? QStringLiteral("query")
                                                             : QStringLiteral("body"),
                       QStringLiteral("workflow_type")},
            QStringLiteral("Input should be '%1'").arg(types.join(QStringLiteral("', '"))), type,
            {{QStringLiteral("expected"), types.join(QStringLiteral(", "))}})});
    }
    if (m_options.dialect == Dialect::Modular) {
        m_workflows.start(*id);
        const Workflow* wf = m_workflows.find(*id);
        return SimReply::json(QJsonObject{
            {QStringLiteral("workflow_id"), *id},
            {QStringLiteral("workflow_type"), type},
            {QStringLiteral("status"), wf ? wf->status : QStringLiteral("running")},
            {QStringLiteral("message"), QStringLiteral("Workflow created and started")}});
    }
    return SimReply::json(QJsonObject{{QStringLiteral("workflow_id"), *id},
                                      {QStringLiteral("status"), QStringLiteral("created")}});
}

SimReply DialectApi::workflowAction(const QString& id, const QString& action)
{
    const Workflow* wf = m_workflows.find(id);
    if (!wf) {
        return SimReply::detail(QStringLiteral("Workflow not found"), 404);
    }
    if (action == QLatin1String("get")) {
        return SimReply::json(m_workflows.toJson(*wf));
    }
    if (action == QLatin1String("status")) {
        return SimReply::json(m_workflows.statusJson(*wf));
    }
    if (action == QLatin1String("steps")) {
        QJsonArray steps;
        for (const WorkflowStep& s : wf->steps) {
            steps.append(m_workflows.stepJson(s));
        }
        return SimReply::json(QJsonObject{{QStringLiteral("workflow_id"), id},
                                          {QStringLiteral("steps"), steps},
                                          {QStringLiteral("total_steps"), steps.size()}});
    }
    if (action == QLatin1String("start")) {
        if (m_workflows.start(id) != WorkflowEngine::Result::Ok) {
            return SimReply::detail(QStringLiteral("Workflow already started or completed"), 400);
        }
        return SimReply::json(QJsonObject{{QStringLiteral("workflow_id"), id},
                                          {QStringLiteral("status"), QStringLiteral("started")}});
    }
    if (action == QLatin1String("cancel")) {
        if (m_workflows.cancel(id) != WorkflowEngine::Result::Ok) {
            return SimReply::detail(
                QStringLiteral("Workflow cannot be cancelled in status '%1'").arg(wf->status), 400);
        }
        return SimReply::json(QJsonObject{{QStringLiteral("workflow_id"), id},
                                          {QStringLiteral("status"), QStringLiteral("cancelled")}});
    }
    // trigger
    if (m_workflows.trigger(id) != WorkflowEngine::Result::Ok) {
        return SimReply::detail(QStringLiteral("Workflow is already running"), 400);
    }
    return SimReply::json(
        QJsonObject{{QStringLiteral("workflow_id"), id},
                    {QStringLiteral("status"), QStringLiteral("running")},
                    {QStringLiteral("message"),
                     QStringLiteral("Workflow re-triggered; completed steps are skipped")}});
}

} // namespace ops::sim
