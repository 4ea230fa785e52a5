#pragma once

#include "models/domain/Target.h"
#include "models/fleet/FleetContext.h"
#include "models/fleet/SessionCapability.h"
#include "models/secrets/SecretStore.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace ops {

class DeploySession;
class InstanceSignals;
class Poller;
class PrometheusFeed;
class RenderClient;
class TargetMonitor;
class WorkflowClient;

// How far the target's Deploys page is set up: what the page shows instead of itself, or Ready.
struct DeploySetup {
    enum class State {
        Waiting,         // its keys are being read
        Discovering,     // asking the Render API for its first service (no service id given)
        DiscoveryFailed, // the Render API did not answer or lists no service (problem says why)
        NoService,       // no Render service is configured
        NoRenderKey,     // a REST API service without a key (problem: keychain trouble, or empty)
        HookUnusable,    // a deploy-hook service whose URL cannot be used (problem says why)
        Ready,           // deploy() is configured (REST API, or the hook only)
    };
    State state = State::Waiting;
    QString serviceName; // Ready: what the operator calls the service
    QString problem;     // DiscoveryFailed, NoRenderKey, HookUnusable: why, in clear words

    bool operator==(const DeploySetup&) const = default;
};

// One target the console watches, and everything that belongs to it: its poller, monitor,
// workflow client, deploy session, optional Prometheus feed, and the capabilities attached later
// (history, logs, incidents: see SessionCapability). Keyed by a stable id, never by its display
// name: a saved target keeps its TargetStore id across renames; an unsaved one (--url, --demo)
// gets "unsaved/<name>".
//
// Lifetime is ownership: the members are declared so that capabilities go first, then the
// Prometheus feed, the deploy session, the workflow client, the monitor and last the poller
// they read. Nothing is polled before start().
class TargetSession : public QObject {
    Q_OBJECT
public:
    TargetSession(const FleetContext& context, QString id, Target target, bool saved,
                  QString label = {}, QObject* parent = nullptr);
    ~TargetSession() override;

    QString id() const { return m_id; }
    // The name alerts, audit rows, chart markers and keychain keys use.
    QString name() const { return m_target.name; }
    // What the window shows (the name, unless given: e.g. "demo gateway (plan) at URL").
    QString label() const { return m_label.isEmpty() ? m_target.name : m_label; }
    const Target& target() const { return m_target; }
    // In the targets file (false for --url and --demo).
    bool isSaved() const { return m_saved; }
    const FleetContext& context() const { return m_context; }

    Poller* poller() const { return m_poller.get(); }
    TargetMonitor* monitor() const { return m_monitor.get(); }
    WorkflowClient* workflows() const { return m_workflows.get(); }
    DeploySession* deploy() const { return m_deploy.get(); }
    // nullptr unless the target's signals come from Prometheus.
    PrometheusFeed* prometheus() const { return m_prometheus.get(); }
    // The per-instance signals of a side-by-side Prometheus feed (the dashboard draws a line per
    // instance from them), nullptr otherwise; instanceSignalsChanged() when that changes.
    InstanceSignals* instanceSignals() const;
    // Side by side: the endpoint the dashboard charts (kept for a feed that starts later), and
    // its per-instance signals from the feed (nullptr otherwise);
    // endpointInstanceSignalsChanged() when those are another object.
    void setEndpointFocus(const QString& endpoint);
    InstanceSignals* endpointInstanceSignals() const;

    // Reads the gateway key (then polls), sets up the deploy session and starts the capabilities.
    void start();
    // Stops polling (the parts stay; start() again resumes).
    void stop();
    bool isStarted() const { return m_started; }
    // The target was edited (same id): every part follows, the keys are read again.
    void setTarget(const Target& target);

    // Its secrets were edited (same settings): the keys are read again (when started).
    void reloadSecrets();
    // A secret of this target: session memory, then (saved targets only) the keychain.
    void readSecret(const QString& key, SecretStore::Callback done) const;
    // Keychain trouble reading the gateway key (empty: none, or no key stored).
    QString keyProblem() const { return m_keyProblem; }
    // Its secrets withheld because they were entered for another origin than the target has now
    // (OriginBoundSecretStore): "label (entered for A, the target now sends it to B)" each.
    QStringList movedSecrets() const { return m_movedSecrets; }
    // The certificate the last poll refused (SHA-256), empty when none was.
    QByteArray rejectedCertificate() const { return m_rejectedCert; }
    // ... the certificate itself (DER), described before it is trusted.
    QByteArray rejectedCertificateDer() const { return m_rejectedCertDer; }
    const DeploySetup& deploySetup() const { return m_deploySetup; }

    // Capabilities (see SessionCapability): owned, started with the session.
    SessionCapability* attach(std::unique_ptr<SessionCapability> capability);
    template <class T> T* capability() const
    {
        for (const auto& c : m_capabilities) {
            if (auto* found = dynamic_cast<T*>(c.get()))
                return found;
        }
        return nullptr;
    }
    QList<SessionCapability*> capabilities() const;

signals:
    // After setTarget(): the name, URL or any setting may have changed.
    void targetChanged(const ops::Target& target);
    // keyProblem(), movedSecrets() or rejectedCertificate() changed.
    void noticeChanged();
    void deploySetupChanged(const ops::DeploySetup& setup);
    // instanceSignals() is another object (the Prometheus feed started, side by side).
    void instanceSignalsChanged();
    void endpointInstanceSignalsChanged();

private:
    void loadKeyAndPoll();
    void checkSecretOrigins();
    void configureDeploy();
    void applyDeploy(int generation, const QString& gatewayKey, const QString& renderKey,
                     const QString& keyProblem);
    void useHook(int generation, const RenderService& service, const QString& gatewayKey);
    void discoverService(int generation, const RenderService& service, const QString& renderKey,
                         const QString& gatewayKey);
    void setDeploySetup(DeploySetup setup);
    void startPrometheus();

    FleetContext m_context;
    QString m_id;
    Target m_target;
    bool m_saved;
    QString m_label;
    bool m_started = false;
    QString m_keyProblem;
    QStringList m_movedSecrets;
    int m_originGeneration = 0;
    QByteArray m_rejectedCert;
    QByteArray m_rejectedCertDer;
    DeploySetup m_deploySetup;
    int m_keyGeneration = 0;
    int m_deployGeneration = 0;
    // Declaration order is teardown order, reversed: capabilities first, the poller last.
    std::unique_ptr<Poller> m_poller;
    std::unique_ptr<TargetMonitor> m_monitor;
    std::unique_ptr<WorkflowClient> m_workflows;
    std::unique_ptr<DeploySession> m_deploy;
    std::unique_ptr<RenderClient> m_discovery; // asks an unsaved target's Render API
    std::unique_ptr<PrometheusFeed> m_prometheus;
    QString m_endpointFocus;
    std::vector<std::unique_ptr<SessionCapability>> m_capabilities;
};

} // namespace ops
