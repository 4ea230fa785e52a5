#include "models/deploy/RenderClient.h"

#include "models/deploy/DeployLogging.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <algorithm>

namespace ops {

namespace {

QString serverMessage(const QByteArray& body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        for (const char* key : {"message", "detail", "error"}) {
            const QString text = o.value(QLatin1String(key)).toString();
            if (!text.isEmpty()) {
                return text;
            }
        }
    }
    return QString::fromUtf8(body.left(200)).simplified();
}

QString clockTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

RenderClient::RenderClient(QNetworkAccessManager* network, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_clock(clock)
{
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

QUrl RenderClient::apiUrl(const QString& path) const
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/'))) {
        base.chop(1);
    }
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    url.setPath(base + (q < 0 ? path : path.left(q)));
    if (q >= 0) {
        url.setQuery(path.mid(q + 1));
    }
    return url;
}

RenderError RenderClient::refusedLocally() const
{
    RenderError e;
    e.rateLimited = true;
    e.retryAtMs = m_blockedUntilMs;
    e.message = tr("Render's rate limit is used up; the next request is allowed at %1")
                    .arg(clockTime(m_blockedUntilMs));
    return e;
}

void RenderClient::readRateLimit(QNetworkReply* reply, int status)
{
    const qint64 now = m_clock->nowMs();
    bool okLimit = false;
    bool okRemaining = false;
    bool okReset = false;
    const int limit = reply->rawHeader("Ratelimit-Limit").toInt(&okLimit);
    const int remaining = reply->rawHeader("Ratelimit-Remaining").toInt(&okRemaining);
    const double reset = reply->rawHeader("Ratelimit-Reset").toDouble(&okReset);
    qint64 resetAtMs = 0;
    if (okReset) {
        // Seconds until the reset, or (large values) the reset time in epoch seconds.
        resetAtMs = reset > 1e9 ? static_cast<qint64>(reset * 1000)
                                : now + static_cast<qint64>(reset * 1000);
    }
    if (okLimit || okRemaining || okReset) {
        m_rateLimit.limit = okLimit ? limit : m_rateLimit.limit;
        m_rateLimit.remaining = okRemaining ? remaining : m_rateLimit.remaining;
        m_rateLimit.resetAtMs = resetAtMs ? resetAtMs : m_rateLimit.resetAtMs;
    }
    if (status == 429) {
        bool okRetry = false;
        const int retryAfter = reply->rawHeader("Retry-After").toInt(&okRetry);
        qint64 until = resetAtMs;
        if (okRetry) {
            until = std::max(until, now + retryAfter * 1000LL);
        }
        m_blockedUntilMs = until > now ? until : now + 60000;
    } else if (okRemaining && remaining <= 0 && resetAtMs > now) {
        m_blockedUntilMs = resetAtMs;
    }
    emit rateLimitChanged();
}

RenderError RenderClient::httpError(int status, const QByteArray& body, const QString& what) const
{
    RenderError e;
    e.httpStatus = status;
    const QString server = serverMessage(body);
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

void RenderClient::send(const QByteArray& verb, const QString& path, const QByteArray& body,
                        RawCallback done)
{
    if (nextAllowedMs() > 0) {
        done(0, {}, refusedLocally());
        return;
    }
    QNetworkRequest request(apiUrl(path));
    request.setRawHeader("Accept", "application/json");
    if (!m_apiKey.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    }
    if (!body.isEmpty()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    qCDebug(lcDeploy) << "Render" << verb << path;
    QNetworkReply* reply = m_network->sendCustomRequest(request, verb, body);
    QPointer<RenderClient> self(this);
    connect(reply, &QNetworkReply::finished, this, [self, reply, done = std::move(done)] {
        reply->deleteLater();
        const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!self) {
            return;
        }
        if (!statusAttr.isValid()) {
            RenderError e;
            e.message = reply->error() == QNetworkReply::OperationCanceledError
                            ? tr("Render did not answer in time")
                            : tr("Could not reach Render at %1: %2")
                                  .arg(reply->url().host(), reply->errorString());
            done(0, {}, e);
            return;
        }
        const int status = statusAttr.toInt();
        self->readRateLimit(reply, status);
        done(status, reply->readAll(), {});
    });
}

void RenderClient::listServices(ServiceListCallback done)
{
    send("GET", QStringLiteral("/services?limit=100"), {},
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
    const QString path = QStringLiteral("/services/%1/deploys?%2")
                             .arg(QString::fromUtf8(QUrl::toPercentEncoding(serviceId)),
                                  query.toString(QUrl::FullyEncoded));
    send("GET", path, {},
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
    send("GET", QStringLiteral("/services/%1/deploys/%2").arg(serviceId, deployId), {},
         [this, done](int status, const QByteArray& body, const RenderError& error) {
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
    send("POST", QStringLiteral("/services/%1/deploys").arg(serviceId),
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
    send("POST", QStringLiteral("/services/%1/deploys/%2/cancel").arg(serviceId, deployId), {},
         [this, done](int status, const QByteArray& body, const RenderError& error) {
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
    send("POST", QStringLiteral("/services/%1/rollback").arg(serviceId),
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
    QNetworkRequest request(hookUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = m_network->post(request, QByteArray());
    const QString raw = hookUrl.toString();
    const QString encoded = QString::fromUtf8(hookUrl.toEncoded());
    connect(reply, &QNetworkReply::finished, this, [this, reply, done, masked, raw, encoded] {
        reply->deleteLater();
        RenderResult<bool> r;
        const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!statusAttr.isValid()) {
            // Qt's error strings quote the URL: never let the key through.
            QString why = reply->errorString();
            why.replace(raw, masked).replace(encoded, masked);
            r.error.message = tr("Could not reach the deploy hook %1: %2").arg(masked, why);
            done(r);
            return;
        }
        const int status = statusAttr.toInt();
        readRateLimit(reply, status);
        if (status >= 200 && status < 300) {
            r.ok = true;
            r.value = true;
        } else if (status == 404 || status == 401 || status == 403) {
            r.error.httpStatus = status;
            r.error.message = tr("The deploy hook %1 was refused (HTTP %2): the hook URL or its "
                                 "key is wrong or was regenerated")
                                  .arg(masked)
                                  .arg(status);
        } else {
            r.error = httpError(status, reply->readAll(), tr("call the deploy hook"));
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
