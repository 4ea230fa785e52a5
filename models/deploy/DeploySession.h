#pragma once

#include "models/deploy/DeployAudit.h"
#include "models/deploy/DeployFollower.h"
#include "models/deploy/DeployVerifier.h"
#include "models/deploy/GatewaySampler.h"
#include "models/deploy/RenderClient.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;

namespace ops {

class AuditLog;
class Clock;
class SignalBoard;

// What a chart marker says about a deploy.
enum class DeployEventKind { Deploy, Rollback, Live, Failed, Verified, VerificationFailed };

// The Deploys page's model for one target and Render service: the deploy history, a redeploy
// followed through its statuses, verification after live, a rollback to the previous live
// deploy, and latency / errors before against after. Every action is written to the audit log.
class DeploySession : public QObject {
    Q_OBJECT

public:
    DeploySession(QNetworkAccessManager* network, const Clock* clock, AuditLog* audit,
                  QObject* parent = nullptr);

    // gateway: the target's transport rules and key (ConnectionPolicy::forTarget), used by the
    // verification and the before/after sampling.
    void setTarget(const QString& targetName, const QUrl& gatewayUrl,
                   const ConnectionPolicy& gateway);
    void setRender(const QUrl& apiBase, const ApiKey& apiKey, const QString& serviceId);
    // A service reachable only through its deploy hook (no REST API key): redeploy() calls the
    // hook; there is no history to list, no progress to follow and no rollback.
    void setHookOnly(const QString& serviceId, const QUrl& hookUrl);
    bool isHookOnly() const { return m_hookUrl.isValid(); }
    void setPollIntervals(int createdMs, int otherMs);
    // A read-only (viewer's) target: redeploy, cancel and rollback are refused here, whatever a
    // page or a command asks (message + an audit row "refused: read-only").
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    bool isReadOnly() const { return m_readOnly; }
    // Why a deploy action now would be recorded nowhere (no audit log, or it cannot be written);
    // empty when it will be recorded. The page asks before such an action.
    QString auditProblem() const;
    void setSoak(const SoakOptions& soak) { m_soak = soak; }
    void setChecks(const QList<VerifyCheck>& checks) { m_verifier.setChecks(checks); }
    // The watched target's signals (not owned; may be null): the "before" window of a redeploy
    // is read from this history instead of sampled while the old instance is replaced.
    void setHistory(const SignalBoard* history) { m_historySource = history; }

    QString targetName() const { return m_targetName; }
    QUrl gatewayUrl() const { return m_gatewayUrl; }
    QString serviceId() const { return m_serviceId; }
    const QList<RenderDeploy>& history() const { return m_history; }
    std::optional<RenderDeploy> liveDeploy() const;
    // The deploy a rollback would restore (the last live one before the current).
    std::optional<RenderDeploy> rollbackTarget() const;
    const RenderDeploy& current() const { return m_follower.deploy(); }
    bool isDeploying() const { return m_follower.isFollowing(); }
    DeployVerifier& verifier() { return m_verifier; }
    const std::optional<WindowStats>& before() const { return m_before; }
    const std::optional<WindowStats>& after() const { return m_after; }

    void refresh();
    void redeploy(bool clearCache);
    void cancel();
    void rollback();
    void verify();

signals:
    void historyChanged();
    void deployStatus(const ops::RenderDeploy& deploy);
    void deployFinished(const ops::RenderDeploy& deploy);
    void verificationFinished(const ops::VerifyReport& report);
    void comparisonChanged();
    void message(const QString& text, bool problem);
    // For chart markers: ms since the epoch, what happened and a short label.
    void deployEvent(qint64 timeMs, ops::DeployEventKind kind, const QString& label);

private:
    void audit(DeployAction action, const QString& subject, const QJsonObject& details,
               const QString& result);
    void follow(const RenderDeploy& deploy, DeployAction outcome);
    void redeployThroughHook();
    bool refusedReadOnly(DeployAction action, const QString& subject);

    const Clock* m_clock;
    AuditLog* m_audit;
    RenderClient m_client;
    DeployFollower m_follower;
    DeployVerifier m_verifier;
    GatewaySampler m_baseline;
    SoakOptions m_soak;
    QString m_targetName;
    QUrl m_gatewayUrl;
    QString m_serviceId;
    QList<RenderDeploy> m_history;
    std::optional<WindowStats> m_before;
    std::optional<WindowStats> m_after;
    DeployAction m_followOutcome = DeployAction::Finished; // recorded when the deploy ends
    QUrl m_hookUrl;                                        // secret: never logged, shown or stored
    const SignalBoard* m_historySource = nullptr;
    bool m_readOnly = false;
};

} // namespace ops

Q_DECLARE_METATYPE(ops::DeployEventKind)
