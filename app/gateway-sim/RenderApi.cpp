#include "app/gateway-sim/RenderApi.h"

#include "app/gateway-sim/RenderLogs.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace ops::sim {

namespace {

const QString kApiPrefix = QStringLiteral("/render/v1");
const QString kHookPrefix = QStringLiteral("/render/deploy/");

bool isActive(const QString& status)
{
    return status == QLatin1String("created") || status == QLatin1String("build_in_progress") ||
           status == QLatin1String("pre_deploy_in_progress") ||
           status == QLatin1String("update_in_progress");
}

bool isFinished(const QString& status)
{
    return status == QLatin1String("live") || status == QLatin1String("build_failed") ||
           status == QLatin1String("pre_deploy_failed") ||
           status == QLatin1String("update_failed") || status == QLatin1String("canceled") ||
           status == QLatin1String("deactivated");
}

QString commitHash(int n)
{
    return QString::fromLatin1(
        QCryptographicHash::hash("bhiv-commit-" + QByteArray::number(n), QCryptographicHash::Sha1)
            .toHex());
}

} // namespace

RenderApi::RenderApi(Options options, LiveHandler onLive, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_onLive(std::move(onLive))
{
    m_services.push_back({QStringLiteral("srv-d0bhivgateway901a"),
                          QStringLiteral("bhiv-hr-gateway"), QStringLiteral("main"),
                          QStringLiteral("https://github.com/bhiv/bhiv-hr-platform"),
                          QStringLiteral("https://bhiv-hr-gateway-901a.onrender.com")});
    // History: an old deploy replaced by the current live one.
    const qint64 now = nowMs();
    Deploy& old = create(m_services.front().id, QStringLiteral("new_commit"));
    old.commitId = commitHash(m_nextCommitNo++);
    old.commitMessage = QStringLiteral("Monolithic gateway 3.1.0");
    old.status = QStringLiteral("deactivated");
    old.createdMs = old.startedMs = now - 3 * 86400000LL;
    old.finishedMs = old.updatedMs = old.createdMs + 240000;
    Deploy& live = create(m_services.front().id, QStringLiteral("new_commit"));
    live.commitId = commitHash(m_nextCommitNo++);
    live.commitMessage = QStringLiteral("Gateway 3.2.0: health and metrics routes");
    live.status = QStringLiteral("live");
    live.createdMs = live.startedMs = now - 86400000LL;
    live.finishedMs = live.updatedMs = live.createdMs + 300000;
    m_headCommitId = commitHash(m_nextCommitNo++);
    m_headCommitMessage = QStringLiteral("FORCE DEPLOY: Modular Architecture v3.2.1");

    m_timer.setInterval(std::clamp(m_options.stageMs / 5, 5, 200));
    connect(&m_timer, &QTimer::timeout, this, &RenderApi::tick);
}

void RenderApi::setLogs(RenderLogs* logs)
{
    m_logs = logs;
    for (const Deploy& d : m_deploys) {
        if (m_logs && d.finishedMs > 0 && d.startedMs > 0) {
            m_logs->backfillDeploy(d.startedMs, d.finishedMs, d.commitId, d.commitMessage);
        }
    }
}

QString RenderApi::serviceHost() const
{
    return QUrl(m_services.front().url).host();
}

void RenderApi::logStage(const Deploy& d) const
{
    if (m_logs) {
        m_logs->deployStage(d.id, d.status, m_options.stageMs, d.commitId, d.commitMessage);
    }
}

bool RenderApi::owns(const QString& path)
{
    return path == kApiPrefix || path.startsWith(kApiPrefix + QLatin1Char('/')) ||
           path.startsWith(kHookPrefix);
}

qint64 RenderApi::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString RenderApi::iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

SimReply RenderApi::error(const QString& message, int status)
{
    return SimReply::json(QJsonObject{{QStringLiteral("id"), QStringLiteral("sim-error")},
                                      {QStringLiteral("message"), message}},
                          status);
}

const RenderApi::Service* RenderApi::service(const QString& id) const
{
    for (const Service& s : m_services) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

RenderApi::Deploy* RenderApi::deploy(const QString& id)
{
    for (Deploy& d : m_deploys) {
        if (d.id == id) {
            return &d;
        }
    }
    return nullptr;
}

RenderApi::Deploy& RenderApi::create(const QString& serviceId, const QString& trigger)
{
    Deploy d;
    d.id = QStringLiteral("dep-d0sim%1").arg(m_nextDeployNo++, 11, 10, QLatin1Char('0'));
    d.serviceId = serviceId;
    d.trigger = trigger;
    d.createdMs = d.updatedMs = nowMs();
    m_deploys.push_back(d);
    return m_deploys.back();
}

bool RenderApi::busy(const QString& serviceId, const Deploy* except) const
{
    return std::any_of(m_deploys.begin(), m_deploys.end(), [&](const Deploy& d) {
        return &d != except && d.serviceId == serviceId && isActive(d.status);
    });
}

QJsonObject RenderApi::toJson(const Deploy& d) const
{
    return QJsonObject{
        {QStringLiteral("id"), d.id},
        {QStringLiteral("commit"),
         QJsonObject{{QStringLiteral("id"), d.commitId},
                     {QStringLiteral("message"), d.commitMessage},
                     {QStringLiteral("createdAt"), iso(d.createdMs - 60000)}}},
        {QStringLiteral("status"), d.status},
        {QStringLiteral("trigger"), d.trigger},
        {QStringLiteral("startedAt"), d.startedMs ? QJsonValue(iso(d.startedMs)) : QJsonValue()},
        {QStringLiteral("finishedAt"), d.finishedMs ? QJsonValue(iso(d.finishedMs)) : QJsonValue()},
        {QStringLiteral("createdAt"), iso(d.createdMs)},
        {QStringLiteral("updatedAt"), iso(d.updatedMs)},
    };
}

QJsonObject RenderApi::serviceJson(const Service& s) const
{
    return QJsonObject{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("name"), s.name},
        {QStringLiteral("type"), QStringLiteral("web_service")},
        {QStringLiteral("repo"), s.repo},
        {QStringLiteral("branch"), s.branch},
        {QStringLiteral("autoDeploy"), QStringLiteral("yes")},
        {QStringLiteral("serviceDetails"), QJsonObject{{QStringLiteral("url"), s.url}}},
    };
}

SimReply RenderApi::rateLimited(const SimRequest&, bool* limited)
{
    const qint64 now = nowMs();
    if (now >= m_resetAtMs) {
        m_remaining = m_limit;
        m_resetAtMs = now + m_windowS * 1000LL;
    }
    *limited = m_remaining <= 0;
    if (!*limited) {
        --m_remaining;
    }
    SimReply reply;
    if (*limited) {
        reply = error(QStringLiteral("Rate limit exceeded"), 429);
    }
    const qint64 resetS = std::max<qint64>(1, (m_resetAtMs - now + 999) / 1000);
    reply.headers.emplace_back("Ratelimit-Limit", QByteArray::number(m_limit));
    reply.headers.emplace_back("Ratelimit-Remaining", QByteArray::number(m_remaining));
    reply.headers.emplace_back("Ratelimit-Reset", QByteArray::number(resetS));
    return reply;
}

SimReply RenderApi::handle(const SimRequest& request)
{
    ++m_requests;
    const bool isHook = request.path.startsWith(kHookPrefix);
    if (!isHook) {
        const QByteArray auth = request.header("Authorization");
        if (auth != "Bearer " + m_options.apiKey.toUtf8()) {
            return error(QStringLiteral("Unauthorized"), 401);
        }
    }
    bool limited = false;
    SimReply limits = rateLimited(request, &limited);
    SimReply reply = limited  ? limits
                     : isHook ? hook(request, request.path.mid(kHookPrefix.size()))
                              : api(request, request.path.mid(kApiPrefix.size()));
    if (!limited) {
        for (const auto& h : limits.headers) {
            reply.headers.push_back(h);
        }
    }
    return reply;
}

SimReply RenderApi::hook(const SimRequest& request, const QString& serviceId)
{
    if (request.method != "POST" && request.method != "GET") {
        return error(QStringLiteral("Method Not Allowed"), 405);
    }
    const Service* s = service(serviceId);
    if (!s || request.query.queryItemValue(QStringLiteral("key")) != m_options.hookKey) {
        return error(QStringLiteral("Not Found"), 404);
    }
    ++m_hookCalls;
    SimReply reply = trigger(*s, QJsonObject{}, QStringLiteral("deploy_hook"));
    if (reply.status >= 400) {
        return reply;
    }
    // A deploy hook answers without the deploy's id.
    return SimReply::json(QJsonObject{}, 200);
}

SimReply RenderApi::api(const SimRequest& request, const QString& rest)
{
    static const QRegularExpression servicesRe(QStringLiteral("^/services/?$"));
    static const QRegularExpression serviceRe(QStringLiteral("^/services/([^/]+)$"));
    static const QRegularExpression deploysRe(QStringLiteral("^/services/([^/]+)/deploys/?$"));
    static const QRegularExpression deployRe(QStringLiteral("^/services/([^/]+)/deploys/([^/]+)$"));
    static const QRegularExpression cancelRe(
        QStringLiteral("^/services/([^/]+)/deploys/([^/]+)/cancel$"));
    static const QRegularExpression rollbackRe(QStringLiteral("^/services/([^/]+)/rollback$"));
    static const QRegularExpression ownersRe(QStringLiteral("^/owners/?$"));
    static const QRegularExpression logsRe(QStringLiteral("^/logs/?$"));
    if (m_logs && ownersRe.match(rest).hasMatch()) {
        return request.method == "GET" ? m_logs->owners()
                                       : error(QStringLiteral("Method Not Allowed"), 405);
    }
    if (m_logs && logsRe.match(rest).hasMatch()) {
        return m_logs->list(request);
    }

    QJsonObject body;
    if (request.method == "POST" && !request.body.trimmed().isEmpty()) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            return error(QStringLiteral("invalid JSON body"), 400);
        }
        body = doc.object();
    }
    if (servicesRe.match(rest).hasMatch()) {
        if (request.method != "GET") {
            return error(QStringLiteral("Method Not Allowed"), 405);
        }
        QJsonArray list;
        for (const Service& s : m_services) {
            list.append(QJsonObject{{QStringLiteral("service"), serviceJson(s)},
                                    {QStringLiteral("cursor"), s.id}});
        }
        return SimReply::json(list);
    }
    auto match = [&](const QRegularExpression& re, QRegularExpressionMatch* m) {
        *m = re.match(rest);
        return m->hasMatch();
    };
    QRegularExpressionMatch m;
    const Service* s = nullptr;
    auto needService = [&](const QString& id) {
        s = service(id);
        return s != nullptr;
    };
    if (match(serviceRe, &m)) {
        if (!needService(m.captured(1))) {
            return error(QStringLiteral("service not found"), 404);
        }
        return SimReply::json(serviceJson(*s));
    }
    if (match(deploysRe, &m)) {
        if (!needService(m.captured(1))) {
            return error(QStringLiteral("service not found"), 404);
        }
        if (request.method == "POST") {
            return trigger(*s, body, QStringLiteral("api"));
        }
        if (request.method == "GET") {
            return listDeploys(*s, request);
        }
        return error(QStringLiteral("Method Not Allowed"), 405);
    }
    if (match(cancelRe, &m)) {
        if (!needService(m.captured(1))) {
            return error(QStringLiteral("service not found"), 404);
        }
        if (request.method != "POST") {
            return error(QStringLiteral("Method Not Allowed"), 405);
        }
        return cancel(*s, m.captured(2));
    }
    if (match(deployRe, &m)) {
        if (!needService(m.captured(1))) {
            return error(QStringLiteral("service not found"), 404);
        }
        const Deploy* d = deploy(m.captured(2));
        if (!d || d->serviceId != s->id) {
            return error(QStringLiteral("deploy not found"), 404);
        }
        return SimReply::json(toJson(*d));
    }
    if (match(rollbackRe, &m)) {
        if (!needService(m.captured(1))) {
            return error(QStringLiteral("service not found"), 404);
        }
        if (request.method != "POST") {
            return error(QStringLiteral("Method Not Allowed"), 405);
        }
        return rollback(*s, body);
    }
    return error(QStringLiteral("Not Found"), 404);
}

SimReply RenderApi::trigger(const Service& service, const QJsonObject& body,
                            const QString& triggerName)
{
    const QString clearCache = body.value(QStringLiteral("clearCache")).toString();
    if (!clearCache.isEmpty() && clearCache != QLatin1String("clear") &&
        clearCache != QLatin1String("do_not_clear")) {
        return error(QStringLiteral("clearCache must be \"clear\" or \"do_not_clear\""), 400);
    }
    const QJsonObject scenario = m_nextDeploy;
    m_nextDeploy = {};
    Deploy& d = create(service.id, triggerName);
    d.clearCache = clearCache.isEmpty() ? QStringLiteral("do_not_clear") : clearCache;
    d.commitId = m_headCommitId;
    d.commitMessage = m_headCommitMessage;
    d.failAt = scenario.value(QStringLiteral("fail_at")).toString();
    d.profile = scenario.value(QStringLiteral("come_up_bad")).toObject();
    const bool queue = scenario.value(QStringLiteral("queue")).toBool() || busy(service.id, &d);
    d.status = queue ? QStringLiteral("queued") : QStringLiteral("created");
    d.nextStepMs = d.createdMs + m_options.stageMs;
    m_timer.start();
    if (queue) {
        SimReply r;
        r.status = 202;
        r.body.clear();
        return r;
    }
    return SimReply::json(toJson(d), 201);
}

SimReply RenderApi::listDeploys(const Service& service, const SimRequest& request) const
{
    bool ok = false;
    int limit = request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
    if (!ok || limit < 1) {
        limit = 20;
    }
    limit = std::min(limit, 100);
    const QStringList statuses = request.query.allQueryItemValues(QStringLiteral("status"));
    QJsonArray list;
    for (auto it = m_deploys.rbegin(); it != m_deploys.rend() && list.size() < limit; ++it) {
        if (it->serviceId != service.id) {
            continue;
        }
        if (!statuses.isEmpty() && !statuses.contains(it->status)) {
            continue;
        }
        list.append(QJsonObject{{QStringLiteral("deploy"), toJson(*it)},
                                {QStringLiteral("cursor"), it->id}});
    }
    return SimReply::json(list);
}

SimReply RenderApi::cancel(const Service& service, const QString& deployId)
{
    Deploy* d = deploy(deployId);
    if (!d || d->serviceId != service.id) {
        return error(QStringLiteral("deploy not found"), 404);
    }
    if (isFinished(d->status)) {
        return error(
            QStringLiteral("deploy %1 is already %2 and cannot be cancelled").arg(d->id, d->status),
            409);
    }
    d->status = QStringLiteral("canceled");
    d->finishedMs = d->updatedMs = nowMs();
    logStage(*d);
    return SimReply::json(toJson(*d));
}

SimReply RenderApi::rollback(const Service& service, const QJsonObject& body)
{
    const QString targetId = body.value(QStringLiteral("deployId")).toString();
    if (targetId.isEmpty()) {
        return error(QStringLiteral("deployId is required"), 400);
    }
    const Deploy* target = deploy(targetId);
    if (!target || target->serviceId != service.id) {
        return error(QStringLiteral("deploy not found"), 404);
    }
    if (target->status != QLatin1String("live") && target->status != QLatin1String("deactivated")) {
        return error(QStringLiteral("deploy %1 was never live (%2): cannot roll back to it")
                         .arg(target->id, target->status),
                     400);
    }
    const QString commitId = target->commitId;
    const QString commitMessage = target->commitMessage;
    const QJsonObject profile = target->profile;
    Deploy& d = create(service.id, QStringLiteral("rollback"));
    d.commitId = commitId;
    d.commitMessage = commitMessage;
    d.profile = profile;
    d.rollback = true;
    d.status = QStringLiteral("created");
    d.nextStepMs = d.createdMs + m_options.stageMs;
    m_timer.start();
    return SimReply::json(toJson(d), 201);
}

void RenderApi::tick()
{
    const qint64 now = nowMs();
    bool pending = false;
    for (Deploy& d : m_deploys) {
        if (!isFinished(d.status)) {
            advance(d, now);
        }
        pending = pending || !isFinished(d.status);
    }
    if (!pending) {
        m_timer.stop();
    }
}

void RenderApi::advance(Deploy& d, qint64 now)
{
    if (now < d.nextStepMs) {
        return;
    }
    const QString before = d.status;
    auto next = [&](const QString& status) {
        d.status = status;
        d.updatedMs = now;
        d.nextStepMs = now + m_options.stageMs;
        if (isFinished(status)) {
            d.finishedMs = now;
        }
    };
    if (d.status == QLatin1String("queued")) {
        if (busy(d.serviceId, &d)) {
            return;
        }
        d.startedMs = now;
        next(QStringLiteral("build_in_progress"));
    } else if (d.status == QLatin1String("created")) {
        d.startedMs = now;
        next(d.rollback ? QStringLiteral("update_in_progress")
                        : QStringLiteral("build_in_progress"));
    } else if (d.status == QLatin1String("build_in_progress")) {
        next(d.failAt == QLatin1String("build") ? QStringLiteral("build_failed")
                                                : QStringLiteral("pre_deploy_in_progress"));
    } else if (d.status == QLatin1String("pre_deploy_in_progress")) {
        next(d.failAt == QLatin1String("pre_deploy") ? QStringLiteral("pre_deploy_failed")
                                                     : QStringLiteral("update_in_progress"));
    } else if (d.status == QLatin1String("update_in_progress")) {
        if (d.failAt == QLatin1String("update")) {
            next(QStringLiteral("update_failed"));
        } else {
            goLive(d, now);
        }
    }
    if (d.status != before && d.status != QLatin1String("live")) {
        logStage(d);
    }
}

void RenderApi::goLive(Deploy& d, qint64 now)
{
    for (Deploy& other : m_deploys) {
        if (&other != &d && other.serviceId == d.serviceId &&
            other.status == QLatin1String("live")) {
            other.status = QStringLiteral("deactivated");
            other.updatedMs = now;
        }
    }
    d.status = QStringLiteral("live");
    d.updatedMs = d.finishedMs = now;
    logStage(d);
    if (m_onLive) {
        m_onLive(d.profile);
    }
}

SimReply RenderApi::handleControl(const SimRequest& request)
{
    if (request.method == "POST") {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            return SimReply::detail(QStringLiteral("render control must be a JSON object"), 400);
        }
        const QJsonObject o = doc.object();
        static const QStringList known{QStringLiteral("next_deploy"), QStringLiteral("rate_limit"),
                                       QStringLiteral("head_commit"), QStringLiteral("stage_ms")};
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!known.contains(it.key())) {
                return SimReply::detail(QStringLiteral("unknown render control key '%1'; known: %2")
                                            .arg(it.key(), known.join(QStringLiteral(", "))),
                                        400);
            }
        }
        if (o.contains(QStringLiteral("next_deploy"))) {
            const QJsonObject next = o.value(QStringLiteral("next_deploy")).toObject();
            const QString failAt = next.value(QStringLiteral("fail_at")).toString();
            if (!failAt.isEmpty() && failAt != QLatin1String("build") &&
                failAt != QLatin1String("pre_deploy") && failAt != QLatin1String("update")) {
                return SimReply::detail(
                    QStringLiteral("fail_at is \"build\", \"pre_deploy\" or \"update\""), 400);
            }
            const QJsonValue bad = next.value(QStringLiteral("come_up_bad"));
            if (!bad.isUndefined() && !bad.isNull() && !bad.isObject()) {
                return SimReply::detail(QStringLiteral("come_up_bad must be an object"), 400);
            }
            m_nextDeploy = next;
        }
        if (o.contains(QStringLiteral("rate_limit"))) {
            const QJsonObject rl = o.value(QStringLiteral("rate_limit")).toObject();
            if (rl.contains(QStringLiteral("limit"))) {
                m_limit = std::max(1, rl.value(QStringLiteral("limit")).toInt());
            }
            if (rl.contains(QStringLiteral("window_s"))) {
                m_windowS = std::max(1, rl.value(QStringLiteral("window_s")).toInt());
            }
            const qint64 now = nowMs();
            m_remaining = rl.value(QStringLiteral("remaining")).toInt(m_limit);
            m_resetAtMs =
                now + static_cast<qint64>(std::llround(
                          rl.value(QStringLiteral("reset_s")).toDouble(m_windowS) * 1000));
        }
        if (o.contains(QStringLiteral("head_commit"))) {
            const QJsonObject c = o.value(QStringLiteral("head_commit")).toObject();
            m_headCommitId = c.value(QStringLiteral("id")).toString(m_headCommitId);
            m_headCommitMessage = c.value(QStringLiteral("message")).toString(m_headCommitMessage);
        }
        if (o.contains(QStringLiteral("stage_ms"))) {
            m_options.stageMs = std::max(1, o.value(QStringLiteral("stage_ms")).toInt());
            m_timer.setInterval(std::clamp(m_options.stageMs / 5, 5, 200));
        }
    } else if (request.method != "GET") {
        return SimReply::detail(QStringLiteral("Method Not Allowed"), 405);
    }
    QJsonArray deploys;
    for (const Deploy& d : m_deploys) {
        QJsonObject j = toJson(d);
        j.insert(QStringLiteral("serviceId"), d.serviceId);
        j.insert(QStringLiteral("clearCache"), d.clearCache);
        j.insert(QStringLiteral("profile"), d.profile);
        deploys.append(j);
    }
    QJsonArray services;
    for (const Service& s : m_services) {
        services.append(serviceJson(s));
    }
    return SimReply::json(QJsonObject{
        {QStringLiteral("stage_ms"), m_options.stageMs},
        {QStringLiteral("services"), services},
        {QStringLiteral("deploys"), deploys},
        {QStringLiteral("next_deploy"), m_nextDeploy},
        {QStringLiteral("requests"), m_requests},
        {QStringLiteral("hook_calls"), m_hookCalls},
        {QStringLiteral("rate_limit"),
         QJsonObject{{QStringLiteral("limit"), m_limit},
                     {QStringLiteral("remaining"), m_remaining},
                     {QStringLiteral("reset_in_ms"), std::max<qint64>(0, m_resetAtMs - nowMs())}}},
    });
}

} // namespace ops::sim
