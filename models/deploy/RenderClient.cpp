#include "models/deploy/RenderClient.h"

#include "models/domain/Clock.h"
#include "models/domain/Logging.h"

#include "models/net/ApiUrl.h"
#include "models/net/RetryAfter.h"
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QUrlQuery>

#include <algorithm>
#include <cmath>

namespace ops {

namespace {

// Render's rate-limit waits are the server's to say, but never longer than this: a huge
// Retry-After or Ratelimit-Reset must not block every call (a rollback included) until restart.
constexpr qint64 kMaxRateLimitWaitMs = 60 * 60 * 1000;

QString clockTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

RenderClient::RenderClient(QNetworkAccessManager* network, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_calls(network)
{
    m_policy.connectTimeoutMs = 10000;
    m_policy.readTimeoutMs = 30000;
    m_policy.maxBodyBytes = 8 * 1024 * 1024;
}

void RenderClient::setTimeoutMs(int ms)
{
    m_policy.readTimeoutMs = ms;
    m_policy.connectTimeoutMs = std::min(m_policy.connectTimeoutMs, ms);
}

void RenderClient::setPolicy(const ConnectionPolicy& policy)
{
    const ApiKey key = m_policy.key;
    m_policy = policy;
    m_policy.key = key;
    m_policy.allowPlainHttp = false; // Render is https (or a loopback stand-in)
}

RenderClient::~RenderClient() = default;

qint64 RenderClient::nextAllowedMs() const
{
    return m_blockedUntilMs > m_clock->nowMs() ? m_blockedUntilMs : 0;
}

QString RenderClient::maskHookUrl(const QUrl& hookUrl)
{
    QUrl masked = hookUrl;
    masked.setUserInfo({});
    QUrlQuery query(hookUrl);
    if (query.hasQueryItem(QStringLiteral("key"))) {
        query.removeAllQueryItems(QStringLiteral("key"));
        query.addQueryItem(QStringLiteral("key"), QStringLiteral("****"));
    }
    masked.setQuery(query);
    return masked.toString();
}

QString RenderClient::serviceIdFromHook(const QUrl& hookUrl)
{
    const QStringList parts = hookUrl.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        if (p.startsWith(QLatin1String("srv-"))) {
            return p;
        }
    }
    return {};
}

RenderError RenderClient::refusedLocally() const
{
    RenderError e;
    e.rateLimited = true;
    e.kind = ApiErrorKind::RefusedLocally;
    e.retryAtMs = m_blockedUntilMs;
    e.message = tr("Render's rate limit is used up; the next request is allowed at %1")
                    .arg(clockTime(m_blockedUntilMs));
    return e;
}

void RenderClient::readRateLimit(const ApiResponse& response, int status)
{
    const qint64 now = m_clock->nowMs();
    const qint64 latest = now + kMaxRateLimitWaitMs;
    bool okLimit = false;
    bool okRemaining = false;
    bool okReset = false;
    const int limit = response.header("Ratelimit-Limit").trimmed().toInt(&okLimit);
    const int remaining = response.header("Ratelimit-Remaining").trimmed().toInt(&okRemaining);
    const double reset = response.header("Ratelimit-Reset").trimmed().toDouble(&okReset);
    okReset = okReset && std::isfinite(reset) && reset >= 0;
    qint64 resetAtMs = 0;
    if (okReset) {
        // Seconds until the reset, or (large values) the reset time in epoch seconds; either way
        // at most an hour from now, computed in double so a huge value cannot overflow.
        const double atMs = reset > 1e9 ? reset * 1000.0 : double(now) + reset * 1000.0;
        resetAtMs = atMs >= double(latest) ? latest : static_cast<qint64>(atMs);
    }
    if (okLimit || okRemaining || okReset) {
        m_rateLimit.limit = okLimit ? limit : m_rateLimit.limit;
        m_rateLimit.remaining = okRemaining ? remaining : m_rateLimit.remaining;
        m_rateLimit.resetAtMs = resetAtMs ? resetAtMs : m_rateLimit.resetAtMs;
    }
    if (status == 429) {
        qint64 until = resetAtMs;
        // Delay-seconds or an HTTP date, clamped to an hour by the one Retry-After reader.
        if (const auto retryAfter =
                parseRetryAfterMs(response.header("Retry-After"), now, kMaxRateLimitWaitMs))
            until = std::max(until, now + *retryAfter);
        m_blockedUntilMs = until > now ? std::min(until, latest) : now + 60000;
    } else if (okRemaining && remaining <= 0 && resetAtMs > now) {
        m_blockedUntilMs = std::min(resetAtMs, latest);
    }
    emit rateLimitChanged();
}

RenderError RenderClient::httpError(int status, const QByteArray& body, const QString& what) const
{
    RenderError e;
    e.kind = ApiErrorKind::Http;
    e.httpStatus = status;
    e.requestSent = true;
    const QString server = serverErrorMessage(body);
    e.serverMessage = server;
    const QString said = server.isEmpty() ? QString() : tr(" (Render said: %1)").arg(server);
    switch (status) {
    case 400:
        e.message = tr("Render rejected the request to %1 as invalid%2").arg(what, said);
        break;
    case 401:
        e.message = tr("Render refused the API key (401) for %1: check the key saved for this "
                       "target")
                        .arg(what);
        break;
    case 403:
        e.message = tr("The API key may not %1 (403)%2").arg(what, said);
        break;
    case 404:
        e.message = tr("Render does not know this service or deploy (404) for %1").arg(what);
        break;
    case 406:
        e.message = tr("Render cannot answer %1 in JSON (406)").arg(what);
        break;
    case 409:
        e.message =
            tr("Render refused to %1: conflict with the deploy's state (409)%2").arg(what, said);
        break;
    case 410:
        e.message = tr("%1: the resource is gone (410)").arg(what);
        break;
    case 429:
        e.rateLimited = true;
        e.retryAtMs = m_blockedUntilMs;
        e.message = tr("Render's rate limit was hit while trying to %1; the next try is allowed "
                       "at %2")
                        .arg(what, clockTime(m_blockedUntilMs));
        break;
    case 500:
    case 502:
    case 503:
    case 504:
        e.message =
            tr("Render had a server problem (%1) while trying to %2; try again in a minute%3")
                .arg(status)
                .arg(what, said);
        break;
    default:
        e.message = tr("Render answered HTTP %1 to %2%3").arg(status).arg(what, said);
    }
    return e;
}

RenderError RenderClient::unanswered(const ApiError& error, const QUrl& url) const
{
    RenderError e = error;
    if (error.isTimeout())
        e.message = tr("Render did not answer in time (%1)").arg(error.message);
    else if (error.kind != ApiErrorKind::InvalidRequest)
        e.message = tr("Could not reach Render at %1: %2").arg(url.host(), error.message);
    return e;
}

void RenderClient::send(const QByteArray& verb, const QStringList& path, const QUrlQuery& query,
                        const QByteArray& body, RawCallback done)
{
    if (nextAllowedMs() > 0) {
        done(0, {}, refusedLocally());
        return;
    }
    ApiRequest request;
    request.verb = verb;
    request.url = endpointUrl(m_baseUrl, path, query);
    request.body = body;
    request.contentType = body.isEmpty() ? QByteArray() : QByteArrayLiteral("application/json");
    request.policy = m_policy;
    qCDebug(lcDeploy) << "Render" << verb << request.url.path();
    const QUrl url = request.url;
    m_calls.send(request, [this, url, done = std::move(done)](const ApiResult<ApiResponse>& r) {
        if (!r.ok && r.error.kind != ApiErrorKind::Http) {
            done(0, {}, unanswered(r.error, url));
            return;
        }
        readRateLimit(r.value, r.value.status);
        done(r.value.status, r.value.body, {});
    });
}

void RenderClient::listServices(ServiceListCallback done)
{
    send("GET", {QStringLiteral("services")}, QUrlQuery(QStringLiteral("limit=100")), {},
         [this, done](int status, const QByteArray& body, const RenderError& error) {
             RenderResult<QList<RenderServiceInfo>> r;
             if (status == 0) {
                 r.error = error;
             } else if (status != 200) {
                 r.error = httpError(status, body, tr("list the services"));
             } else {
                 const QJsonDocument doc = QJsonDocument::fromJson(body);
                 if (!doc.isArray()) {
                     r.error.httpStatus = status;
                     r.error.message = tr("Render's list of services was not a JSON array");
                 } else {
                     r.ok = true;
                     for (const QJsonValue& v : doc.array()) {
                         if (auto s = RenderServiceInfo::fromJson(v.toObject())) {
                             r.value << *s;
                         }
                     }
                 }
             }
             done(r);
         });
}

void RenderClient::listDeploys(const QString& serviceId, int limit, const QStringList& statuses,
                               DeployListCallback done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    for (const QString& s : statuses) {
        query.addQueryItem(QStringLiteral("status"), s);
    }
    send("GET", {QStringLiteral("services"), serviceId, QStringLiteral("deploys")}, query, {},
         [this, done](int status, const QByteArray& body, const RenderError& error) {
             RenderResult<QList<RenderDeploy>> r;
             if (status == 0) {
                 r.error = error;
             } else if (status != 200) {
                 r.error = httpError(status, body, tr("list the deploys"));
             } else {
                 const QJsonDocument doc = QJsonDocument::fromJson(body);
                 if (!doc.isArray()) {
                     r.error.httpStatus = status;
                     r.error.message = tr("Render's list of deploys was not a JSON array");
                 } else {
                     r.ok = true;
                     for (const QJsonValue& v : doc.array()) {
                         if (auto d = RenderDeploy::fromJson(v.toObject())) {
                             r.value << *d;
                         }
                     }
                 }
             }
             done(r);
         });
}

namespace {

RenderResult<RenderDeploy> deployResult(const QByteArray& body, int status)
{
    RenderResult<RenderDeploy> r;
    const auto d = RenderDeploy::fromJson(QJsonDocument::fromJson(body).object());
    if (!d) {
        r.error.httpStatus = status;
        r.error.message =
            QCoreApplication::translate("ops::RenderClient", "Render's answer was not a deploy");
        return r;
    }
    r.ok = true;
    r.value = *d;
    return r;
}

} // namespace

void RenderClient::getDeploy(const QString& serviceId, const QString& deployId, DeployCallback done)
{
    send("GET", {QStringLiteral("services"), serviceId, QStringLiteral("deploys"), deployId}, {},
         {}, [this, done](int status, const QByteArray& body, const RenderError& error) {
             if (status == 0) {
                 done({false, {}, error});
             } else if (status != 200) {
                 done({false, {}, httpError(status, body, tr("read the deploy"))});
             } else {
                 done(deployResult(body, status));
             }
         });
}

void RenderClient::triggerDeploy(const QString& serviceId, ClearCache clearCache,
                                 DeployCallback done)
{
    const QJsonObject request{{QStringLiteral("clearCache"), clearCache == ClearCache::Clear
                                                                 ? QStringLiteral("clear")
                                                                 : QStringLiteral("do_not_clear")}};
    qCInfo(lcDeploy).noquote() << "trigger deploy of" << serviceId
                               << (clearCache == ClearCache::Clear ? "(clear cache)" : "");
    send("POST", {QStringLiteral("services"), serviceId, QStringLiteral("deploys")}, {},
         QJsonDocument(request).toJson(QJsonDocument::Compact),
         [this, serviceId, done](int status, const QByteArray& body, const RenderError& error) {
             if (status == 0) {
                 done({false, {}, error});
             } else if (status == 202) {
                 // Queued behind another deploy: no body; find it.
                 lookUpQueued(serviceId, done);
             } else if (status != 201 && status != 200) {
                 done({false, {}, httpError(status, body, tr("trigger a deploy"))});
             } else {
                 done(deployResult(body, status));
             }
         });
}

void RenderClient::lookUpQueued(const QString& serviceId, DeployCallback done)
{
    listDeploys(serviceId, 1, {QStringLiteral("queued")},
                [this, serviceId, done](const RenderResult<QList<RenderDeploy>>& queued) {
                    if (queued.ok && !queued.value.isEmpty()) {
                        done({true, queued.value.constFirst(), {}});
                        return;
                    }
                    if (!queued.ok) {
                        done({false, {}, queued.error});
                        return;
                    }
                    // Already started: the newest deploy is ours.
                    listDeploys(serviceId, 1, {},
                                [this, done](const RenderResult<QList<RenderDeploy>>& newest) {
                                    if (newest.ok && !newest.value.isEmpty()) {
                                        done({true, newest.value.constFirst(), {}});
                                        return;
                                    }
                                    RenderResult<RenderDeploy> r;
                                    r.error = newest.error;
                                    if (newest.ok) {
                                        r.error.message =
                                            tr("Render queued the deploy (202) but it is not in "
                                               "the list of deploys");
                                    }
                                    done(r);
                                });
                });
}

void RenderClient::cancelDeploy(const QString& serviceId, const QString& deployId,
                                DeployCallback done)
{
    qCInfo(lcDeploy).noquote() << "cancel deploy" << deployId << "of" << serviceId;
    send("POST",
         {QStringLiteral("services"), serviceId, QStringLiteral("deploys"), deployId,
          QStringLiteral("cancel")},
         {}, {}, [this, done](int status, const QByteArray& body, const RenderError& error) {
             if (status == 0) {
                 done({false, {}, error});
             } else if (status != 200 && status != 201) {
                 done({false, {}, httpError(status, body, tr("cancel the deploy"))});
             } else {
                 done(deployResult(body, status));
             }
         });
}

void RenderClient::rollback(const QString& serviceId, const QString& deployId, DeployCallback done)
{
    qCInfo(lcDeploy).noquote() << "roll back" << serviceId << "to" << deployId;
    const QJsonObject request{{QStringLiteral("deployId"), deployId}};
    send("POST", {QStringLiteral("services"), serviceId, QStringLiteral("rollback")}, {},
         QJsonDocument(request).toJson(QJsonDocument::Compact),
         [this, done](int status, const QByteArray& body, const RenderError& error) {
             if (status == 0) {
                 done({false, {}, error});
             } else if (status != 201 && status != 200) {
                 done({false, {}, httpError(status, body, tr("roll back"))});
             } else {
                 done(deployResult(body, status));
             }
         });
}

void RenderClient::triggerHook(const QUrl& hookUrl, DoneCallback done)
{
    const QString masked = maskHookUrl(hookUrl);
    if (nextAllowedMs() > 0) {
        done({false, false, refusedLocally()});
        return;
    }
    qCInfo(lcDeploy).noquote() << "deploy hook" << masked;
    // The hook URL is its own secret: no Authorization, the same deadlines and pin rules, and
    // never plain http to another host.
    ApiRequest request = ApiRequest::post(hookUrl, {}, m_policy);
    request.policy.key = {};
    const QString raw = hookUrl.toString();
    const QString encoded = QString::fromUtf8(hookUrl.toEncoded());
    m_calls.send(request, [this, done, masked, raw, encoded](const ApiResult<ApiResponse>& reply) {
        RenderResult<bool> r;
        if (!reply.ok && reply.error.kind != ApiErrorKind::Http) {
            // Qt's error strings quote the URL: never let the key through.
            r.error = reply.error;
            QString why = reply.error.message;
            why.replace(raw, masked).replace(encoded, masked);
            r.error.message = tr("Could not reach the deploy hook %1: %2").arg(masked, why);
            done(r);
            return;
        }
        const int status = reply.value.status;
        readRateLimit(reply.value, status);
        if (status >= 200 && status < 300) {
            r.ok = true;
            r.value = true;
        } else if (status == 404 || status == 401 || status == 403) {
            r.error.kind = ApiErrorKind::Http;
            r.error.httpStatus = status;
            r.error.message = tr("The deploy hook %1 was refused (HTTP %2): the hook URL or its "
                                 "key is wrong or was regenerated")
                                  .arg(masked)
                                  .arg(status);
        } else {
            r.error = httpError(status, reply.value.body, tr("call the deploy hook"));
        }
        done(r);
    });
}

std::optional<RenderDeploy> RenderClient::previousLive(const QList<RenderDeploy>& newestFirst,
                                                       const QString& excludingDeployId)
{
    for (const RenderDeploy& d : newestFirst) {
        if (d.id == excludingDeployId) {
            continue;
        }
        if (d.status == QLatin1String("live") || d.status == QLatin1String("deactivated")) {
            return d;
        }
    }
    return std::nullopt;
}

} // namespace ops
