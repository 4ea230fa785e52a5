#include "app/gateway-sim/RenderLogs.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QWebSocket>

#include <algorithm>
#include <cmath>

namespace ops::sim {

namespace {

const QString kSubscribePath = QStringLiteral("/render/v1/logs/subscribe");
constexpr size_t kMaxEntries = 300000;
constexpr qsizetype kMaxRecordedPerConnection = 200000;
constexpr qint64 kHourMs = 3600 * 1000LL;
constexpr qint64 kThirtyDaysMs = 30 * 24 * kHourMs;
constexpr int kSlowRequestMs = 1000;

const QStringList kFilterNames{QStringLiteral("level"),      QStringLiteral("type"),
                               QStringLiteral("instance"),   QStringLiteral("host"),
                               QStringLiteral("statusCode"), QStringLiteral("method"),
                               QStringLiteral("path"),       QStringLiteral("text")};

struct Route {
    const char* method;
    const char* path;
};
const Route kRoutes[] = {
    {"GET", "/health"},
    {"GET", "/v1/jobs"},
    {"GET", "/v1/candidates"},
    {"POST", "/v1/match/score"},
    {"GET", "/v1/candidates/search"},
    {"POST", "/v1/workflows/candidate_screening"},
    {"GET", "/metrics"},
};

const char* const kInfoLines[] = {
    "INFO [matching] scored 24 candidates for job 41 in {ms} ms",
    "INFO [workflows] candidate_screening wf-{n} step 2/4 done",
    "INFO [db] pool: 5 of 20 connections in use",
    "INFO [auth] API key accepted for client portal-hr",
    "INFO [jobs] job 57 published by recruiter 12",
};

QString reasonFor(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("Bad Request");
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("Not Found");
    case 429:
        return QStringLiteral("Too Many Requests");
    case 500:
        return QStringLiteral("Internal Server Error");
    case 502:
        return QStringLiteral("Bad Gateway");
    case 503:
        return QStringLiteral("Service Unavailable");
    default:
        return QStringLiteral("Error");
    }
}

SimReply renderError(const QString& message, int status)
{
    return SimReply::json(QJsonObject{{QStringLiteral("id"), QStringLiteral("sim-error")},
                                      {QStringLiteral("message"), message}},
                          status);
}

// One filter value: /regex/, a wildcard pattern (* and ?), or a plain value (whole-value match
// for labels, substring for text); always case-insensitive.
std::optional<QRegularExpression> compileValue(const QString& name, const QString& value,
                                               QString* error)
{
    QString pattern;
    if (value.size() >= 2 && value.startsWith(QLatin1Char('/')) &&
        value.endsWith(QLatin1Char('/'))) {
        pattern = value.mid(1, value.size() - 2);
    } else if (value.contains(QLatin1Char('*')) || value.contains(QLatin1Char('?'))) {
        // A glob: * any run, ? one character, everything else literal.
        QString glob = QRegularExpression::escape(value);
        glob.replace(QLatin1String("\\*"), QLatin1String(".*"));
        glob.replace(QLatin1String("\\?"), QLatin1String("."));
        pattern = name == QLatin1String("text") ? glob : QRegularExpression::anchoredPattern(glob);
    } else {
        pattern = name == QLatin1String("text")
                      ? QRegularExpression::escape(value)
                      : QRegularExpression::anchoredPattern(QRegularExpression::escape(value));
    }
    QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
    if (!re.isValid()) {
        *error = QStringLiteral("invalid %1 filter \"%2\": %3 at offset %4")
                     .arg(name, value, re.errorString())
                     .arg(re.patternErrorOffset());
        return std::nullopt;
    }
    return re;
}

} // namespace

RenderLogs::RenderLogs(Options options, RegimeSource regime, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_regime(std::move(regime))
    , m_rng(m_options.seed ^ 0x10675eedULL)
{
    // An hour of history at a quiet pace, so a window in the past has lines to page through.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qint64 ms = now - kHourMs; ms < now; ms += 1500 + static_cast<qint64>(m_rng() % 1500)) {
        synthesize(ms);
    }
    m_lastTickMs = now;
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &RenderLogs::tick);
    m_timer.start();
}

RenderLogs::~RenderLogs()
{
    for (auto& s : m_subscribers) {
        if (s->socket) {
            s->socket->abort();
        }
    }
}

bool RenderLogs::isSubscribePath(const QString& path)
{
    return path == kSubscribePath;
}

QString RenderLogs::iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::optional<qint64> RenderLogs::parseTime(const QString& text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        t = QDateTime::fromString(text, Qt::ISODate);
    }
    if (!t.isValid()) {
        return std::nullopt;
    }
    return t.toMSecsSinceEpoch();
}

QString RenderLogs::instanceName(int i) const
{
    static const char* const suffixes[] = {"7x2kq", "m4p9z"};
    return m_options.serviceId + QLatin1Char('-') + QLatin1String(suffixes[i % 2]);
}

QString RenderLogs::labelValue(const Entry& e, const QString& name)
{
    if (name == QLatin1String("level")) {
        return e.level;
    }
    if (name == QLatin1String("type")) {
        return e.type;
    }
    if (name == QLatin1String("instance")) {
        return e.instance;
    }
    if (name == QLatin1String("host")) {
        return e.host;
    }
    if (name == QLatin1String("statusCode")) {
        return e.statusCode > 0 ? QString::number(e.statusCode) : QString();
    }
    if (name == QLatin1String("method")) {
        return e.method;
    }
    if (name == QLatin1String("path")) {
        return e.path;
    }
    return e.message; // text
}

bool RenderLogs::Filter::matches(const Entry& e) const
{
    for (const Matcher& m : matchers) {
        const QString value = labelValue(e, m.name);
        const bool any = std::any_of(m.any.begin(), m.any.end(), [&](const QRegularExpression& re) {
            return !value.isEmpty() && re.match(value).hasMatch();
        });
        if (!any) {
            return false;
        }
    }
    return true;
}

std::optional<RenderLogs::Filter> RenderLogs::parseFilter(const QUrlQuery& query, QString* error)
{
    Filter filter;
    for (const QString& name : kFilterNames) {
        const QStringList values = query.allQueryItemValues(name, QUrl::FullyDecoded);
        if (values.isEmpty()) {
            continue;
        }
        Filter::Matcher m;
        m.name = name;
        for (const QString& v : values) {
            // "level=error,warning" is as good as level=error&level=warning.
            const QStringList parts = name == QLatin1String("text")
                                          ? QStringList{v}
                                          : v.split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (const QString& part : parts) {
                auto re = compileValue(name, part.trimmed(), error);
                if (!re) {
                    return std::nullopt;
                }
                m.any.push_back(*re);
            }
        }
        filter.matchers.push_back(std::move(m));
    }
    return filter;
}

QJsonObject RenderLogs::toJson(const Entry& e) const
{
    QJsonArray labels;
    auto label = [&](const char* name, const QString& value) {
        if (!value.isEmpty()) {
            labels.append(QJsonObject{{QStringLiteral("name"), QLatin1String(name)},
                                      {QStringLiteral("value"), value}});
        }
    };
    label("resource", m_options.serviceId);
    label("instance", e.instance);
    label("type", e.type);
    label("level", e.level);
    label("host", e.host);
    label("method", e.method);
    label("path", e.path);
    label("statusCode", e.statusCode > 0 ? QString::number(e.statusCode) : QString());
    label("requestID", e.requestId);
    label("responseTimeMS", e.responseTimeMs >= 0 ? QString::number(e.responseTimeMs) : QString());
    return QJsonObject{{QStringLiteral("id"), e.id},
                       {QStringLiteral("timestamp"), iso(e.ms)},
                       {QStringLiteral("message"), e.message},
                       {QStringLiteral("labels"), labels}};
}

RenderLogs::Entry RenderLogs::make(qint64 ms, const QString& type, const QString& level,
                                   const QString& message)
{
    Entry e;
    e.seq = m_nextSeq++;
    // Render's ids are opaque; these sort in the order the lines were made.
    e.id = QStringLiteral("log-%1%2")
               .arg(m_options.seed % 4096, 3, 16, QLatin1Char('0'))
               .arg(e.seq, 12, 16, QLatin1Char('0'));
    e.ms = ms;
    e.type = type;
    e.level = level;
    e.message = message;
    e.instance = instanceName(static_cast<int>(m_rng() % 2));
    return e;
}

void RenderLogs::append(Entry e)
{
    if (!m_entries.empty()) {
        e.ms = std::max(e.ms, m_entries.back().ms);
    }
    m_entries.push_back(std::move(e));
    while (m_entries.size() > kMaxEntries) {
        m_entries.pop_front();
    }
    const Entry& added = m_entries.back();
    bool closed = false;
    for (auto& s : m_subscribers) {
        if (s->socket && s->socket->state() == QAbstractSocket::ConnectedState &&
            s->filter.matches(added)) {
            deliver(*s, added);
            closed = closed || !s->socket || s->socket->state() != QAbstractSocket::ConnectedState;
        }
    }
    if (closed) {
        QTimer::singleShot(0, this, &RenderLogs::dropClosed);
    }
}

void RenderLogs::insertPast(Entry e)
{
    auto at = std::upper_bound(m_entries.begin(), m_entries.end(), e.ms,
                               [](qint64 ms, const Entry& x) { return ms < x.ms; });
    m_entries.insert(at, std::move(e));
}

void RenderLogs::deliver(Subscriber& s, const Entry& e)
{
    s.socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(toJson(e)).toJson(QJsonDocument::Compact)));
    QStringList& record = m_delivered[static_cast<size_t>(s.connection)];
    if (record.size() < kMaxRecordedPerConnection) {
        record.append(e.id);
    }
    if (s.dropAfter > 0 && --s.dropAfter == 0) {
        // Mid-stream: no close frame, the TCP connection just ends.
        s.socket->flush();
        s.socket->abort();
        ++m_dropped;
    }
}

void RenderLogs::dropClosed()
{
    for (auto it = m_subscribers.begin(); it != m_subscribers.end();) {
        if (!(*it)->socket || (*it)->socket->state() == QAbstractSocket::UnconnectedState) {
            if ((*it)->socket) {
                (*it)->socket.release()->deleteLater();
            }
            it = m_subscribers.erase(it);
        } else {
            ++it;
        }
    }
}

void RenderLogs::requestLine(qint64 ms, const QString& method, const QString& path, int status,
                             int responseMs, const QString& requestId)
{
    const QString level = status >= 500   ? QStringLiteral("error")
                          : status >= 400 ? QStringLiteral("warning")
                                          : QStringLiteral("info");
    Entry e = make(ms, QStringLiteral("request"), level,
                   QStringLiteral("[%1]%2 %3%4 responseTimeMS=%5 requestID=%6")
                       .arg(method)
                       .arg(status)
                       .arg(m_options.host, path)
                       .arg(responseMs)
                       .arg(requestId));
    e.host = m_options.host;
    e.method = method;
    e.path = path;
    e.statusCode = status;
    e.requestId = requestId;
    e.responseTimeMs = responseMs;
    if (ms < (m_entries.empty() ? ms : m_entries.back().ms)) {
        insertPast(std::move(e));
    } else {
        append(std::move(e));
    }
}

// One synthetic request of the simulated traffic, with what the app says about it.
void RenderLogs::synthesize(qint64 ms)
{
    const Regime r = m_regime ? m_regime() : Regime{};
    const Route& route = kRoutes[m_rng() % std::size(kRoutes)];
    std::exponential_distribution<double> latency(1.0 / std::max(0.001, r.meanLatencyS));
    const int responseMs = static_cast<int>(std::lround(latency(m_rng) * 1000.0)) + r.latencyMs;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int status = route.method == QByteArrayLiteral("POST") ? 201 : 200;
    if (unit(m_rng) < r.errorRate) {
        static const int errors[] = {500, 500, 502, 503};
        status = errors[m_rng() % 4];
    } else if (unit(m_rng) < 0.02) {
        status = 404;
    }
    const QString method = QLatin1String(route.method);
    const QString path = QLatin1String(route.path);
    const QString requestId =
        QStringLiteral("%1").arg(m_rng() & 0xffffffffffULL, 10, 16, QLatin1Char('0'));
    const bool past = !m_entries.empty() && ms < m_entries.back().ms;
    auto add = [&](Entry e) {
        if (past) {
            insertPast(std::move(e));
        } else {
            append(std::move(e));
        }
    };
    requestLine(ms, method, path, status, responseMs, requestId);
    if (status >= 500) {
        static const char* const causes[] = {
            "psycopg2.OperationalError: server closed the connection unexpectedly",
            "TimeoutError: matching service did not answer within 30 s",
            "KeyError: 'candidate_id'",
        };
        add(make(
            ms, QStringLiteral("app"), QStringLiteral("error"),
            QStringLiteral("ERROR [gateway] Unhandled exception on %1 %2 (request %3): %4")
                .arg(method, path, requestId, QLatin1String(causes[m_rng() % std::size(causes)]))));
    }
    if (responseMs >= kSlowRequestMs) {
        add(make(ms, QStringLiteral("app"), QStringLiteral("warning"),
                 QStringLiteral("WARNING [gateway] slow request %1 %2 took %3 ms (threshold %4 ms)")
                     .arg(method, path)
                     .arg(responseMs)
                     .arg(kSlowRequestMs)));
    }
    if (unit(m_rng) < 0.3) {
        add(make(ms, QStringLiteral("app"), QStringLiteral("info"),
                 QString::fromLatin1(kInfoLines[m_rng() % std::size(kInfoLines)])
                     .replace(QLatin1String("{ms}"), QString::number(responseMs))
                     .replace(QLatin1String("{n}"), QString::number(m_rng() % 9000 + 1000))));
    }
}

void RenderLogs::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Build lines that are due.
    std::stable_sort(m_scheduled.begin(), m_scheduled.end(),
                     [](const Scheduled& a, const Scheduled& b) { return a.dueMs < b.dueMs; });
    size_t due = 0;
    while (due < m_scheduled.size() && m_scheduled[due].dueMs <= now) {
        Entry e = std::move(m_scheduled[due].entry);
        e.ms = now;
        append(std::move(e));
        ++due;
    }
    m_scheduled.erase(m_scheduled.begin(), m_scheduled.begin() + static_cast<std::ptrdiff_t>(due));
    // The synthetic traffic, at the configured pace.
    const double dt = std::max<qint64>(0, now - m_lastTickMs) / 1000.0;
    m_lastTickMs = now;
    m_carry += m_options.linesPerSecond * std::min(dt, 5.0);
    while (m_carry >= 1.0) {
        synthesize(now);
        m_carry -= 1.0;
    }
}

void RenderLogs::servedRequest(const QByteArray& method, const QString& path, int status,
                               double seconds, const QString& requestId)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int ms = static_cast<int>(std::lround(seconds * 1000.0));
    const QString verb = QString::fromLatin1(method);
    requestLine(now, verb, path, status, ms, requestId);
    if (status >= 500) {
        append(make(now, QStringLiteral("app"), QStringLiteral("error"),
                    QStringLiteral("ERROR [gateway] %1 %2 answered %3 %4 (request %5)")
                        .arg(verb, path)
                        .arg(status)
                        .arg(reasonFor(status), requestId)));
    }
    if (ms >= kSlowRequestMs) {
        append(
            make(now, QStringLiteral("app"), QStringLiteral("warning"),
                 QStringLiteral("WARNING [gateway] slow request %1 %2 took %3 ms (threshold %4 ms)")
                     .arg(verb, path)
                     .arg(ms)
                     .arg(kSlowRequestMs)));
    }
}

namespace {

struct BuildLine {
    const char* level;
    QString text;
};

std::vector<BuildLine> buildLinesFor(const QString& status, const QString& commitId,
                                     const QString& commitMessage)
{
    const QString sha = commitId.left(7);
    if (status == QLatin1String("build_in_progress")) {
        return {
            {"info", QStringLiteral("==> Cloning from https://github.com/bhiv/bhiv-hr-platform")},
            {"info", QStringLiteral("==> Checking out commit %1 in branch main: %2")
                         .arg(sha, commitMessage)},
            {"info", QStringLiteral("==> Using Python version 3.11.9 (default)")},
            {"info", QStringLiteral("==> Running build command 'pip install -r requirements.txt'")},
            {"info", QStringLiteral("Collecting fastapi==0.110.0")},
            {"info", QStringLiteral("Collecting uvicorn[standard]==0.29.0")},
            {"info", QStringLiteral("Collecting sqlalchemy==2.0.29")},
            {"info", QStringLiteral("Successfully installed fastapi-0.110.0 sqlalchemy-2.0.29 "
                                    "uvicorn-0.29.0")},
            {"info", QStringLiteral("==> Uploading build...")},
        };
    }
    if (status == QLatin1String("build_failed")) {
        return {{"error", QStringLiteral("ERROR: Could not find a version that satisfies the "
                                         "requirement bhiv-core==9.9")},
                {"error", QStringLiteral("==> Build failed: pip exited with status 1")}};
    }
    if (status == QLatin1String("pre_deploy_in_progress")) {
        return {{"info", QStringLiteral("==> Build successful")},
                {"info", QStringLiteral("==> Running pre-deploy command 'alembic upgrade head'")},
                {"info", QStringLiteral("INFO  [alembic.runtime.migration] Running upgrade -> "
                                        "3f2a1c, add workflow tables")}};
    }
    if (status == QLatin1String("pre_deploy_failed")) {
        return {{"error", QStringLiteral("sqlalchemy.exc.ProgrammingError: relation "
                                         "\"workflows\" already exists")},
                {"error", QStringLiteral("==> Pre-deploy command failed with exit code 1")}};
    }
    if (status == QLatin1String("update_in_progress")) {
        return {{"info", QStringLiteral("==> Deploying...")},
                {"info", QStringLiteral("==> Running 'uvicorn app.main:app --host 0.0.0.0 "
                                        "--port $PORT'")}};
    }
    if (status == QLatin1String("update_failed")) {
        return {{"error", QStringLiteral("==> Exited with status 1 while starting the service")}};
    }
    if (status == QLatin1String("live")) {
        return {{"info", QStringLiteral("==> Your service is live")}};
    }
    if (status == QLatin1String("canceled")) {
        return {{"warning", QStringLiteral("==> Deploy canceled")}};
    }
    return {};
}

} // namespace

void RenderLogs::deployStage(const QString& deployId, const QString& status, int stageMs,
                             const QString& commitId, const QString& commitMessage)
{
    const std::vector<BuildLine> lines = buildLinesFor(status, commitId, commitMessage);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool spread = status.endsWith(QLatin1String("_in_progress"));
    const qint64 step = spread ? std::max<qint64>(1, stageMs * 8 / 10 / qint64(lines.size())) : 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        Entry e = make(now, QStringLiteral("build"), QLatin1String(lines[i].level), lines[i].text);
        e.instance = QStringLiteral("build-") + deployId.right(6);
        if (i == 0) {
            append(std::move(e));
        } else {
            m_scheduled.push_back({now + step * static_cast<qint64>(i), std::move(e)});
        }
    }
}

void RenderLogs::backfillDeploy(qint64 startMs, qint64 endMs, const QString& commitId,
                                const QString& commitMessage)
{
    std::vector<BuildLine> lines;
    for (const char* status :
         {"build_in_progress", "pre_deploy_in_progress", "update_in_progress", "live"}) {
        for (BuildLine& l : buildLinesFor(QLatin1String(status), commitId, commitMessage)) {
            lines.push_back(std::move(l));
        }
    }
    const qint64 step = std::max<qint64>(1, (endMs - startMs) / qint64(lines.size()));
    for (size_t i = 0; i < lines.size(); ++i) {
        Entry e = make(startMs + step * static_cast<qint64>(i), QStringLiteral("build"),
                       QLatin1String(lines[i].level), lines[i].text);
        e.instance = QStringLiteral("build-") + commitId.left(6);
        insertPast(std::move(e));
    }
}

SimReply RenderLogs::owners() const
{
    return SimReply::json(QJsonArray{
        QJsonObject{{QStringLiteral("owner"),
                     QJsonObject{{QStringLiteral("id"), m_options.ownerId},
                                 {QStringLiteral("name"), QStringLiteral("BHIV")},
                                 {QStringLiteral("email"), QStringLiteral("ops@bhiv.example")},
                                 {QStringLiteral("type"), QStringLiteral("team")}}},
                    {QStringLiteral("cursor"), m_options.ownerId}}});
}

SimReply RenderLogs::list(const SimRequest& request) const
{
    if (request.method != "GET") {
        return renderError(QStringLiteral("Method Not Allowed"), 405);
    }
    const QUrlQuery& q = request.query;
    if (auto refused = checkOwnerAndResource(q)) {
        return *refused;
    }
    ListQuery query;
    if (auto refused = parseListWindow(q, &query)) {
        return *refused;
    }
    const QString direction = q.queryItemValue(QStringLiteral("direction"));
    query.forward = direction == QLatin1String("forward");
    if (!direction.isEmpty() && !query.forward && direction != QLatin1String("backward")) {
        return renderError(QStringLiteral("direction must be \"backward\" or \"forward\""), 400);
    }
    if (q.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        query.limit = q.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || query.limit < 1 || query.limit > 100) {
            return renderError(QStringLiteral("limit must be between 1 and 100"), 400);
        }
    }
    QString error;
    auto filter = parseFilter(q, &error);
    if (!filter) {
        return renderError(error, 400);
    }
    query.filter = std::move(*filter);
    return SimReply::json(page(query));
}

std::optional<SimReply> RenderLogs::checkOwnerAndResource(const QUrlQuery& q) const
{
    const QString owner = q.queryItemValue(QStringLiteral("ownerId"));
    if (owner.isEmpty()) {
        return renderError(QStringLiteral("ownerId is required"), 400);
    }
    if (owner != m_options.ownerId) {
        return renderError(QStringLiteral("owner %1 not found").arg(owner), 404);
    }
    const QStringList resources = q.allQueryItemValues(QStringLiteral("resource"));
    if (resources.isEmpty()) {
        return renderError(QStringLiteral("resource is required"), 400);
    }
    if (!resources.contains(m_options.serviceId)) {
        return renderError(
            QStringLiteral("resource %1 not found").arg(resources.join(QStringLiteral(", "))), 404);
    }
    return std::nullopt;
}

std::optional<SimReply> RenderLogs::parseListWindow(const QUrlQuery& q, ListQuery* query)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 endMs = now;
    qint64 startMs = 0;
    if (q.hasQueryItem(QStringLiteral("endTime"))) {
        const QString text = q.queryItemValue(QStringLiteral("endTime"), QUrl::FullyDecoded);
        const auto t = parseTime(text);
        if (!t) {
            return renderError(QStringLiteral("endTime \"%1\" is not an RFC 3339 time").arg(text),
                               400);
        }
        endMs = *t;
    }
    startMs = endMs - kHourMs;
    if (q.hasQueryItem(QStringLiteral("startTime"))) {
        const QString text = q.queryItemValue(QStringLiteral("startTime"), QUrl::FullyDecoded);
        const auto t = parseTime(text);
        if (!t) {
            return renderError(QStringLiteral("startTime \"%1\" is not an RFC 3339 time").arg(text),
                               400);
        }
        startMs = *t;
    }
    if (startMs < now - kThirtyDaysMs) {
        return renderError(QStringLiteral("startTime is more than 30 days ago"), 400);
    }
    if (startMs > endMs) {
        return renderError(QStringLiteral("startTime is after endTime"), 400);
    }
    query->startMs = startMs;
    query->endMs = endMs;
    return std::nullopt;
}

// A page never splits the lines of one millisecond: the next page starts after it, so
// paging neither repeats nor skips a line (a page is longer than limit only when more
// than limit lines share one millisecond).
QJsonObject RenderLogs::page(const ListQuery& query) const
{
    std::vector<const Entry*> lines;
    bool more = false;
    auto lower = std::lower_bound(m_entries.begin(), m_entries.end(), query.startMs,
                                  [](const Entry& x, qint64 ms) { return x.ms < ms; });
    auto upper = std::upper_bound(m_entries.begin(), m_entries.end(), query.endMs,
                                  [](qint64 ms, const Entry& x) { return ms < x.ms; });
    auto take = [&](const Entry& e) {
        if (!query.filter.matches(e)) {
            return true;
        }
        if (static_cast<int>(lines.size()) >= query.limit && e.ms != lines.back()->ms) {
            more = true;
            return false;
        }
        lines.push_back(&e);
        return true;
    };
    if (query.forward) {
        for (auto it = lower; it != upper && take(*it); ++it) {
        }
    } else {
        for (auto it = upper; it != lower && take(*(it - 1)); --it) {
        }
    }
    QJsonArray logs;
    for (const Entry* e : lines) {
        logs.append(toJson(*e));
    }
    QJsonObject answer{{QStringLiteral("hasMore"), more}, {QStringLiteral("logs"), logs}};
    if (more) {
        const qint64 edge = lines.back()->ms;
        answer.insert(QStringLiteral("nextStartTime"),
                      iso(query.forward ? edge + 1 : query.startMs));
        answer.insert(QStringLiteral("nextEndTime"), iso(query.forward ? query.endMs : edge - 1));
    }
    return answer;
}

std::optional<SimReply> RenderLogs::admit(const SimRequest& request)
{
    ++m_subscribeAttempts;
    if (request.header("Authorization") != "Bearer " + m_options.apiKey.toUtf8()) {
        ++m_refused;
        return renderError(QStringLiteral("Unauthorized"), 401);
    }
    if (m_refuseCount > 0) {
        --m_refuseCount;
        ++m_refused;
        SimReply r = renderError(m_refuseStatus == 429 ? QStringLiteral("Rate limit exceeded")
                                                       : reasonFor(m_refuseStatus),
                                 m_refuseStatus);
        if (m_retryAfterS >= 0) {
            r.headers.emplace_back("Retry-After", QByteArray::number(m_retryAfterS));
        }
        return r;
    }
    const QUrlQuery& q = request.query;
    if (q.queryItemValue(QStringLiteral("ownerId")) != m_options.ownerId) {
        ++m_refused;
        return renderError(QStringLiteral("ownerId is required and must be your workspace"), 400);
    }
    if (!q.allQueryItemValues(QStringLiteral("resource")).contains(m_options.serviceId)) {
        ++m_refused;
        return renderError(QStringLiteral("resource not found"), 404);
    }
    QString error;
    if (!parseFilter(q, &error)) {
        ++m_refused;
        return renderError(error, 400);
    }
    return std::nullopt;
}

void RenderLogs::attach(std::unique_ptr<QWebSocket> socket)
{
    const QUrlQuery q(socket->requestUrl());
    QString error;
    auto filter = parseFilter(q, &error);
    if (!filter) { // admitted already, so only a changed query gets here
        socket->close(QWebSocketProtocol::CloseCodeProtocolError, error);
        socket.release()->deleteLater();
        return;
    }
    auto s = std::make_unique<Subscriber>();
    s->socket = std::move(socket);
    s->filter = std::move(*filter);
    s->connection = static_cast<int>(m_delivered.size());
    m_delivered.emplace_back();
    ++m_connections;
    if (m_dropAfter > 0) {
        s->dropAfter = m_dropAfter;
        m_dropAfter = -1;
    }
    connect(s->socket.get(), &QWebSocket::disconnected, this,
            [this] { QTimer::singleShot(0, this, &RenderLogs::dropClosed); });
    Subscriber& sub = *s;
    m_subscribers.push_back(std::move(s));

    // The duplicate fault: the last line the previous connection was sent, once more.
    if (m_duplicateOnReconnect && sub.connection > 0) {
        m_duplicateOnReconnect = false;
        const QStringList& before = m_delivered[static_cast<size_t>(sub.connection - 1)];
        if (!before.isEmpty()) {
            const QString id = before.back();
            for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
                if (it->id == id) {
                    deliver(sub, *it);
                    ++m_duplicatesSent;
                    break;
                }
            }
        }
    }
    // Resuming: everything from startTime on (the client skips what it already has).
    const QString since = q.queryItemValue(QStringLiteral("startTime"), QUrl::FullyDecoded);
    if (const auto startMs = parseTime(since)) {
        auto it = std::lower_bound(m_entries.begin(), m_entries.end(), *startMs,
                                   [](const Entry& x, qint64 ms) { return x.ms < ms; });
        for (; it != m_entries.end() && sub.socket &&
               sub.socket->state() == QAbstractSocket::ConnectedState;
             ++it) {
            if (sub.filter.matches(*it)) {
                deliver(sub, *it);
            }
        }
    }
}

SimReply RenderLogs::handleControl(const SimRequest& request)
{
    if (request.method == "POST") {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            return SimReply::detail(QStringLiteral("logs control must be a JSON object"), 400);
        }
        if (auto refused = applyControl(doc.object())) {
            return *refused;
        }
    } else if (request.method != "GET") {
        return SimReply::detail(QStringLiteral("Method Not Allowed"), 405);
    }
    QJsonObject state = controlState();
    // ?ids with startTime/endTime and filters: every line id in that window, oldest first.
    if (request.query.hasQueryItem(QStringLiteral("ids"))) {
        QString error;
        const auto filter = parseFilter(request.query, &error);
        if (!filter) {
            return SimReply::detail(error, 400);
        }
        const auto start = parseTime(
            request.query.queryItemValue(QStringLiteral("startTime"), QUrl::FullyDecoded));
        const auto end =
            parseTime(request.query.queryItemValue(QStringLiteral("endTime"), QUrl::FullyDecoded));
        QJsonArray ids;
        for (const Entry& e : m_entries) {
            if ((!start || e.ms >= *start) && (!end || e.ms <= *end) && filter->matches(e)) {
                ids.append(e.id);
            }
        }
        state.insert(QStringLiteral("ids"), ids);
    }
    return SimReply::json(state);
}

std::optional<SimReply> RenderLogs::applyControl(const QJsonObject& o)
{
    static const QStringList known{
        QStringLiteral("rate"),       QStringLiteral("emit"),
        QStringLiteral("drop_after"), QStringLiteral("duplicate_on_reconnect"),
        QStringLiteral("refuse"),     QStringLiteral("clear")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            return SimReply::detail(QStringLiteral("unknown logs control key '%1'; known: %2")
                                        .arg(it.key(), known.join(QStringLiteral(", "))),
                                    400);
        }
    }
    if (o.value(QStringLiteral("clear")).toBool()) {
        m_dropAfter = -1;
        m_duplicateOnReconnect = false;
        m_refuseCount = 0;
        m_retryAfterS = -1;
    }
    if (o.contains(QStringLiteral("rate"))) {
        const double rate = o.value(QStringLiteral("rate")).toDouble(-1);
        if (rate < 0 || rate > 100000) {
            return SimReply::detail(QStringLiteral("rate is lines per second, 0-100000"), 400);
        }
        m_options.linesPerSecond = rate;
        m_carry = 0;
    }
    if (o.contains(QStringLiteral("drop_after"))) {
        m_dropAfter = o.value(QStringLiteral("drop_after")).toInt(-1);
        // A socket already open is dropped too.
        for (auto& s : m_subscribers) {
            s->dropAfter = m_dropAfter;
        }
        if (!m_subscribers.empty()) {
            m_dropAfter = -1;
        }
    }
    if (o.contains(QStringLiteral("duplicate_on_reconnect"))) {
        m_duplicateOnReconnect = o.value(QStringLiteral("duplicate_on_reconnect")).toBool();
    }
    if (o.contains(QStringLiteral("refuse"))) {
        const QJsonObject r = o.value(QStringLiteral("refuse")).toObject();
        const int status = r.value(QStringLiteral("status")).toInt(429);
        if (status < 400 || status > 599) {
            return SimReply::detail(QStringLiteral("refuse.status must be 400-599"), 400);
        }
        m_refuseStatus = status;
        m_refuseCount = r.value(QStringLiteral("count")).toInt(1);
        m_retryAfterS = r.value(QStringLiteral("retry_after")).toInt(-1);
    }
    if (o.contains(QStringLiteral("emit"))) {
        return emitLines(o.value(QStringLiteral("emit")).toObject());
    }
    return std::nullopt;
}

std::optional<SimReply> RenderLogs::emitLines(const QJsonObject& e)
{
    const int count = std::clamp(e.value(QStringLiteral("count")).toInt(1), 1, 100000);
    const QString type = e.value(QStringLiteral("type")).toString(QStringLiteral("app"));
    const QString level = e.value(QStringLiteral("level")).toString(QStringLiteral("info"));
    const QString text =
        e.value(QStringLiteral("message")).toString(QStringLiteral("emitted line"));
    // One millisecond for all of them: the resume rule's hard case. ago_ms puts them in
    // the past (kept in time order, not sent to live subscribers): an alert's minutes.
    const qint64 agoMs = e.value(QStringLiteral("ago_ms")).toInteger(0);
    if (agoMs < 0 || agoMs > 30LL * 24 * 3600 * 1000) {
        return SimReply::detail(QStringLiteral("emit.ago_ms is 0 to 30 days in ms"), 400);
    }
    const qint64 at = QDateTime::currentMSecsSinceEpoch() - agoMs;
    for (int i = 0; i < count; ++i) {
        Entry line = make(at, type, level, QStringLiteral("%1 #%2").arg(text).arg(i + 1));
        if (agoMs > 0) {
            insertPast(std::move(line));
        } else {
            append(std::move(line));
        }
    }
    return std::nullopt;
}

QJsonObject RenderLogs::controlState() const
{
    QJsonArray delivered;
    for (const QStringList& ids : m_delivered) {
        delivered.append(QJsonArray::fromStringList(ids));
    }
    return QJsonObject{
        {QStringLiteral("lines"), static_cast<qint64>(m_entries.size())},
        {QStringLiteral("rate"), m_options.linesPerSecond},
        {QStringLiteral("owner_id"), m_options.ownerId},
        {QStringLiteral("service_id"), m_options.serviceId},
        {QStringLiteral("subscribers"), static_cast<qint64>(m_subscribers.size())},
        {QStringLiteral("subscribe_attempts"), m_subscribeAttempts},
        {QStringLiteral("refused"), m_refused},
        {QStringLiteral("dropped"), m_dropped},
        {QStringLiteral("duplicates_sent"), m_duplicatesSent},
        {QStringLiteral("connections"), m_connections},
        {QStringLiteral("delivered"), delivered},
    };
}

} // namespace ops::sim
