#pragma once

#include "app/gateway-sim/SimHttp.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <vector>

namespace ops::sim {

class RenderLogs;

// A stub of Render's REST API (https://api.render.com/v1) and deploy hooks, served under
// /render/v1/... and /render/deploy/srv-<id>?key=<key>, with realistic deploy timing:
// created -> build_in_progress -> pre_deploy_in_progress -> update_in_progress -> live,
// or a failure at a chosen stage. Controlled through POST /__sim/render.
//
// When a deploy goes live the gateway "restarts": onLive is called with the deploy's health
// profile (empty object: good; otherwise fault keys such as mean_latency_s, components,
// missing_modules) so the simulator can reset its counters and come up good or bad.
class RenderApi : public QObject {
    Q_OBJECT

public:
    struct Options {
        int stageMs = 2000;
        QString apiKey = QStringLiteral("rnd-sim-key");
        QString hookKey = QStringLiteral("hook-sim-key");
    };
    using LiveHandler = std::function<void(const QJsonObject& profile)>;

    RenderApi(Options options, LiveHandler onLive, QObject* parent = nullptr);

    // Whether this path belongs to the Render stub (/render/...).
    static bool owns(const QString& path);
    SimReply handle(const SimRequest& request);
    // GET and POST /__sim/render.
    SimReply handleControl(const SimRequest& request);
    // The logs API (/render/v1/owners, /render/v1/logs) and the build lines of each deploy.
    void setLogs(RenderLogs* logs);
    QString apiKey() const { return m_options.apiKey; }
    QString serviceId() const { return m_services.front().id; }
    QString serviceHost() const;

private:
    struct Deploy {
        QString id;
        QString serviceId;
        QString commitId;
        QString commitMessage;
        QString status;
        QString trigger;
        QString clearCache;
        qint64 createdMs = 0;
        qint64 startedMs = 0;
        qint64 updatedMs = 0;
        qint64 finishedMs = 0;
        QString failAt;      // "", "build", "pre_deploy", "update"
        QJsonObject profile; // health profile once live ({} = good)
        bool rollback = false;
        qint64 nextStepMs = 0; // when the next status change is due
    };
    struct Service {
        QString id;
        QString name;
        QString branch;
        QString repo;
        QString url;
    };

    SimReply api(const SimRequest& request, const QString& rest);
    SimReply hook(const SimRequest& request, const QString& serviceId);
    SimReply rateLimited(const SimRequest& request, bool* limited);
    SimReply trigger(const Service& service, const QJsonObject& body, const QString& trigger);
    SimReply listDeploys(const Service& service, const SimRequest& request) const;
    SimReply rollback(const Service& service, const QJsonObject& body);
    SimReply cancel(const Service& service, const QString& deployId);
    const Service* service(const QString& id) const;
    Deploy* deploy(const QString& id);
    Deploy& create(const QString& serviceId, const QString& trigger);
    void tick();
    void advance(Deploy& d, qint64 nowMs);
    void goLive(Deploy& d, qint64 nowMs);
    void logStage(const Deploy& d) const;
    bool busy(const QString& serviceId, const Deploy* except) const;
    QJsonObject toJson(const Deploy& d) const;
    QJsonObject serviceJson(const Service& s) const;
    static SimReply error(const QString& message, int status);
    static QString iso(qint64 ms);
    qint64 nowMs() const;

    Options m_options;
    LiveHandler m_onLive;
    RenderLogs* m_logs = nullptr;
    std::vector<Service> m_services;
    std::vector<Deploy> m_deploys; // oldest first
    int m_nextDeployNo = 1;
    int m_nextCommitNo = 1;
    QString m_headCommitId;
    QString m_headCommitMessage;
    // The next deploy's scenario (consumed by the next trigger or hook).
    QJsonObject m_nextDeploy;
    // Rate limit window: one bucket for the whole API.
    int m_limit = 100;
    int m_remaining = 100;
    qint64 m_resetAtMs = 0;
    int m_windowS = 60;
    int m_requests = 0;
    int m_hookCalls = 0;
    QTimer m_timer;
};

} // namespace ops::sim
