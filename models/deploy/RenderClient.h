#pragma once

#include "models/deploy/RenderDeploy.h"
#include "models/net/ApiRequest.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;

namespace ops {

class Clock;

// Render's REST API (trigger, list, follow, cancel, roll back) and deploy hooks.
// The API key is given by whoever owns it (the keychain, via the targets code); it is sent as
// a Bearer header and never logged. A deploy hook URL is itself a secret: it is never logged
// or shown whole (maskHookUrl).
//
// Rate limits: the Ratelimit-Limit / -Remaining / -Reset headers of every answer are kept;
// when the window is exhausted (remaining 0, or a 429) further requests are refused locally
// with the time of the next allowed try until then.
class RenderClient : public QObject {
    Q_OBJECT

public:
    enum class ClearCache { DoNotClear, Clear };

    struct RateLimit {
        int limit = -1;     // -1: unknown
        int remaining = -1; // -1: unknown
        qint64 resetAtMs = 0;
    };

    using DeployCallback = std::function<void(const RenderResult<RenderDeploy>&)>;
    using DeployListCallback = std::function<void(const RenderResult<QList<RenderDeploy>>&)>;
    using ServiceListCallback = std::function<void(const RenderResult<QList<RenderServiceInfo>>&)>;
    using DoneCallback = std::function<void(const RenderResult<bool>&)>;

    RenderClient(QNetworkAccessManager* network, const Clock* clock, QObject* parent = nullptr);
    ~RenderClient() override;

    static QUrl defaultBaseUrl() { return QUrl(QStringLiteral("https://api.render.com/v1")); }
    void setBaseUrl(const QUrl& url) { m_baseUrl = url; }
    QUrl baseUrl() const { return m_baseUrl; }
    void setApiKey(const ApiKey& key) { m_policy.key = key; }
    bool hasApiKey() const { return !m_policy.key.isEmpty(); }
    // The read deadline (and at most the connect deadline) of every call.
    void setTimeoutMs(int ms);
    // Transport rules for Render's API (a pin for a private endpoint, deadlines); the key set
    // by setApiKey() is kept. Plain http is allowed to loopback only, whatever the policy says.
    void setPolicy(const ConnectionPolicy& policy);
    const ConnectionPolicy& policy() const { return m_policy; }

    void listServices(ServiceListCallback done);
    void listDeploys(const QString& serviceId, int limit, const QStringList& statuses,
                     DeployListCallback done);
    void getDeploy(const QString& serviceId, const QString& deployId, DeployCallback done);
    // 201 with the deploy, or 202 (queued, no body): then the queued deploy is looked up.
    void triggerDeploy(const QString& serviceId, ClearCache clearCache, DeployCallback done);
    void cancelDeploy(const QString& serviceId, const QString& deployId, DeployCallback done);
    // Rolls back to deployId (a deploy that was live); answers the new rollback deploy.
    void rollback(const QString& serviceId, const QString& deployId, DeployCallback done);
    // POSTs a deploy hook URL (no auth header, no body). No deploy id comes back.
    void triggerHook(const QUrl& hookUrl, DoneCallback done);

    // The newest deploy that is live, or, when it is the one being replaced, the last deploy
    // that was live before `excludingDeployId`: the rollback target.
    static std::optional<RenderDeploy> previousLive(const QList<RenderDeploy>& newestFirst,
                                                    const QString& excludingDeployId);

    RateLimit rateLimit() const { return m_rateLimit; }
    // When the next request may be sent (0: now).
    qint64 nextAllowedMs() const;

    // https://api.render.com/deploy/srv-x?key=•••• : the key query parameter masked.
    static QString maskHookUrl(const QUrl& hookUrl);
    // "srv-..." from a hook URL's path, or empty.
    static QString serviceIdFromHook(const QUrl& hookUrl);

signals:
    void rateLimitChanged();

private:
    using RawCallback =
        std::function<void(int status, const QByteArray& body, const RenderError& error)>;
    void send(const QByteArray& verb, const QStringList& path, const QUrlQuery& query,
              const QByteArray& body, RawCallback done);
    void readRateLimit(const ApiResponse& response, int status);
    RenderError unanswered(const ApiError& error, const QUrl& url) const;
    RenderError httpError(int status, const QByteArray& body, const QString& what) const;
    RenderError refusedLocally() const;
    void lookUpQueued(const QString& serviceId, DeployCallback done);

    const Clock* m_clock;
    QUrl m_baseUrl = defaultBaseUrl();
    ConnectionPolicy m_policy;
    ApiCaller m_calls;
    RateLimit m_rateLimit;
    qint64 m_blockedUntilMs = 0;
};

} // namespace ops
