#pragma once

#include "app/gateway-sim/DialectApi.h"
#include "app/gateway-sim/FaultState.h"
#include "app/gateway-sim/RateLimiter.h"
#include "app/gateway-sim/RenderApi.h"
#include "app/gateway-sim/RenderLogs.h"
#include "app/gateway-sim/SimHttp.h"
#include "app/gateway-sim/SimOptions.h"
#include "app/gateway-sim/TrafficModel.h"
#include "app/gateway-sim/WorkflowEngine.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>

#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace ops::sim {

// The simulator's HTTP server: dispatches to the dialect's routes, serves the /__sim control
// routes, applies faults, common headers, rate limiting and gzip, and answers asynchronously.
class GatewaySimulator : public QAbstractHttpServer {
    Q_OBJECT

public:
    explicit GatewaySimulator(const SimOptions& options, QObject* parent = nullptr);
    ~GatewaySimulator() override;

    // Binds 127.0.0.1 only; returns the port or 0 on failure.
    quint16 listenLocal(quint16 port);

    const FaultState& faults() const { return m_faults; }
    TrafficModel& traffic() { return m_traffic; }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    SimReply handleControl(const SimRequest& request);
    bool handleUpgrade(const SimRequest& request, QTcpSocket* socket,
                       QHttpServerResponder& responder);
    SimReply applyFaults(const SimRequest& request, SimReply reply) const;
    SimReply forcedReply(const SimRequest& request) const;
    void send(QHttpServerResponder&& responder, const SimRequest& request, SimReply reply);
    static void write(QHttpServerResponder& responder, const SimReply& reply);
    static bool writeHead(QHttpServerResponder& responder, const SimReply& reply);
    void trickle(std::shared_ptr<QHttpServerResponder> responder, const SimReply& reply);
    void advanceTraffic();
    void restartAfterDeploy(const QJsonObject& profile);
    QString nextRequestId();

    SimOptions m_options;
    FaultState m_faults;
    TrafficModel m_traffic;
    WorkflowEngine m_workflows;
    RateLimiter m_limiter;
    DialectApi m_api;
    RenderApi m_render;
    RenderLogs m_logs;
    bool m_upgradeAnswered = false; // a refused WebSocket upgrade was answered in handleRequest
    std::optional<FaultState> m_faultsBeforeBadDeploy; // restored by the next good deploy
    std::mt19937_64 m_idRng;
    QElapsedTimer m_clock;
    struct Parked {
        QPointer<QTcpSocket> socket;
        std::unique_ptr<QHttpServerResponder> responder;
    };
    std::vector<Parked> m_parked; // "hang" fault: kept alive, never written
};

} // namespace ops::sim
