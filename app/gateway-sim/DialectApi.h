#pragma once

#include "app/gateway-sim/SimHttp.h"
#include "app/gateway-sim/SimOptions.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <functional>
#include <memory>
#include <vector>

namespace ops::sim {

class FaultState;
class HistoryReplay;
class RateLimiter;
class TrafficModel;
class WorkflowEngine;

// The business routes of one gateway dialect: health, metrics, deployment checks, jobs,
// workflows, rate-limit status, with the dialect's auth rules.
class DialectApi {
public:
    DialectApi(const SimOptions& options, TrafficModel& traffic, WorkflowEngine& workflows,
               const FaultState& faults, RateLimiter& limiter);

    ~DialectApi();
    SimReply handle(const SimRequest& request);
    QString version() const;

private:
    using Handler = std::function<SimReply(const SimRequest&, const QStringList&)>;
    struct Route {
        QByteArray method;
        QRegularExpression pattern;
        bool authenticated = false;
        Handler handler;
    };

    void addRoute(const char* method, const QString& pattern, bool authenticated, Handler handler);
    void setupRoutes();
    SimReply checkAuth(const SimRequest& request, bool* ok) const;

    QString overallStatus() const;
    QString now() const;
    SimReply health() const;
    SimReply healthDetailed() const;
    SimReply metrics(const SimRequest& request) const;
    // /metrics?at=T: the instrumentation as it was at T (HistoryReplay).
    SimReply metricsAt(const SimRequest& request) const;
    SimReply systemModules() const;
    SimReply systemArchitecture() const;
    SimReply listJobs(const SimRequest& request) const;
    SimReply createJob(const SimRequest& request);
    SimReply rateLimitStatus(const SimRequest& request) const;
    SimReply createWorkflow(const SimRequest& request);
    SimReply workflowAction(const QString& id, const QString& action);

    const SimOptions& m_options;
    TrafficModel& m_traffic;
    WorkflowEngine& m_workflows;
    const FaultState& m_faults;
    RateLimiter& m_limiter;
    std::vector<Route> m_routes;
    std::vector<QJsonObject> m_jobs;
    double m_startS = 0;
    mutable std::unique_ptr<HistoryReplay> m_history; // made at the first ?at=
};

} // namespace ops::sim
