#pragma once

#include "models/fleet/SessionCapability.h"
#include "models/logs/LogSession.h"
#include "models/logs/LogWindowRequest.h"

#include <QString>

namespace ops {

struct DeploySetup;

// A target's Render logs, as a per-target capability (attach with Fleet::addCapability): the
// Render service, API base and key are the ones its Deploys page uses (the session's
// DeploySetup; the key read again from the session, never kept elsewhere). Nothing is fetched
// until a Logs page asks (requestLive, or a window): a background target opens no socket.
class ServiceLogs : public SessionCapability {
    Q_OBJECT
public:
    enum class Availability {
        Waiting,   // the deploy setup or the key is being read
        NoService, // no Render service with the REST API (problem: how to set one)
        NoKey,     // a service, but no usable Render API key (problem says why)
        Failed,    // the service could not be found (problem says why)
        Ready,
    };

    explicit ServiceLogs(TargetSession& session);
    ~ServiceLogs() override;

    LogSession* logs() { return &m_logs; }
    Availability availability() const { return m_availability; }
    // Words for anything but Ready: what is missing and how to set it.
    QString problem() const { return m_problem; }
    QString serviceName() const { return m_serviceName; }
    QString serviceId() const { return m_logs.endpoint().serviceId; }

    // Follow the service live now, or as soon as it is Ready (a Logs page is showing it).
    void requestLive();
    // [startMs, endMs], oldest first, of the types asked for (all when none), then live when
    // asked; when Ready (otherwise kept until it is).
    void requestWindow(const LogWindowRequest& request);
    void requestWindow(qint64 startMs, qint64 endMs, const QString& why = {})
    {
        requestWindow(LogWindowRequest{startMs, endMs, why, {}, false});
    }
    // The window last asked for (its why empty when live).
    const LogWindowRequest& window() const { return m_window; }
    // What the window shown is, in words ("around the alert …"), empty when live.
    QString windowReason() const { return m_window.why; }

    void start() override;
    void stop() override;
    void targetChanged(const Target& target) override;

signals:
    void availabilityChanged();

private:
    void update();
    void setAvailability(Availability availability, const QString& problem);
    void runRequest();

    LogSession m_logs;
    Availability m_availability = Availability::Waiting;
    QString m_problem;
    QString m_serviceName;
    int m_generation = 0;
    bool m_started = false;
    enum class Want { Nothing, Live, Window } m_want = Want::Nothing;
    LogWindowRequest m_window;
};

} // namespace ops
