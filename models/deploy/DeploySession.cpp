#include "models/deploy/DeploySession.h"

#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/domain/Clock.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace ops {

DeploySession::DeploySession(QNetworkAccessManager* network, const Clock* clock, AuditLog* auditLog,
                             QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_audit(auditLog)
    , m_client(network, clock)
    , m_follower(&m_client, clock)
    , m_verifier(network, clock)
    , m_baseline(network, clock)
{
    connect(&m_follower, &DeployFollower::statusChanged, this, [this](const RenderDeploy& d) {
        emit deployStatus(d);
        if (d.status == QLatin1String("update_in_progress")) {
            m_baseline.stop(); // the old instance is being replaced: the "before" window ends
            if (!m_before && m_baseline.stats().polls > 0) {
                m_before = m_baseline.stats();
                emit comparisonChanged();
            }
        }
    });
    connect(&m_follower, &DeployFollower::problem, this,
            [this](const QString& text, qint64) { emit message(text, true); });
    connect(&m_follower, &DeployFollower::finished, this, [this](const RenderDeploy& d) {
        m_baseline.stop();
        if (!m_before && m_baseline.stats().polls > 0) {
            m_before = m_baseline.stats(); // live before update_in_progress was seen
            emit comparisonChanged();
        }
        this->audit(m_followOutcome, d.id,
                    {{QStringLiteral("commit"), d.commitId}, {QStringLiteral("status"), d.status}},
                    d.isLive() ? QStringLiteral("ok: live")
                               : QStringLiteral("failed: %1").arg(d.status));
        emit deployEvent(m_clock->nowMs(),
                         d.isLive() ? DeployEventKind::Live : DeployEventKind::Failed,
                         tr("%1 %2").arg(d.shortCommit(), d.statusText()));
        emit deployFinished(d);
        refresh();
        if (d.isLive()) {
            verify();
        }
    });
    connect(&m_verifier, &DeployVerifier::finished, this, [this](const VerifyReport& report) {
        if (report.soaked) {
            m_after = report.soak;
            emit comparisonChanged();
        }
        // Each check with its outcome: the incident report lists them.
        QJsonArray checks;
        for (const VerifyStepResult& step : report.steps)
            checks.append(
                QJsonObject{{QStringLiteral("name"), step.name},
                            {QStringLiteral("result"), VerifyStepResult::outcomeName(step.outcome)},
                            {QStringLiteral("detail"), step.detail}});
        QJsonObject details{{QStringLiteral("summary"), report.summary()},
                            {QStringLiteral("deploy"), current().id},
                            {QStringLiteral("checks"), checks}};
        this->audit(DeployAction::Verify,
                    current().id.isEmpty() ? m_gatewayUrl.toString() : current().id, details,
                    report.couldNotRun ? QStringLiteral("error: could not run")
                    : report.passed    ? QStringLiteral("ok")
                                       : QStringLiteral("failed"));
        emit deployEvent(m_clock->nowMs(),
                         report.passed ? DeployEventKind::Verified
                                       : DeployEventKind::VerificationFailed,
                         report.summary());
        emit verificationFinished(report);
    });
}

void DeploySession::setTarget(const QString& targetName, const QUrl& gatewayUrl,
                              const ConnectionPolicy& gateway)
{
    m_targetName = targetName;
    m_gatewayUrl = gatewayUrl;
    m_verifier.setBaseUrl(gatewayUrl);
    m_verifier.setPolicy(gateway);
    m_baseline.setBaseUrl(gatewayUrl);
    m_baseline.setPolicy(gateway);
}

void DeploySession::setRender(const QUrl& apiBase, const ApiKey& apiKey, const QString& serviceId)
{
    m_client.setBaseUrl(apiBase);
    m_client.setApiKey(apiKey);
    m_serviceId = serviceId;
    m_hookUrl = QUrl();
}

void DeploySession::setHookOnly(const QString& serviceId, const QUrl& hookUrl)
{
    m_client.setApiKey(ApiKey());
    m_serviceId = serviceId;
    m_hookUrl = hookUrl;
    m_history.clear();
    emit historyChanged();
}

void DeploySession::setPollIntervals(int createdMs, int otherMs)
{
    m_follower.setIntervals(createdMs, otherMs);
}

std::optional<RenderDeploy> DeploySession::liveDeploy() const
{
    for (const RenderDeploy& d : m_history) {
        if (d.isLive()) {
            return d;
        }
    }
    return std::nullopt;
}

std::optional<RenderDeploy> DeploySession::rollbackTarget() const
{
    const auto live = liveDeploy();
    return RenderClient::previousLive(m_history, live ? live->id : QString());
}

void DeploySession::refresh()
{
    if (isHookOnly())
        return; // a hook lists nothing
    m_client.listDeploys(m_serviceId, 20, {}, [this](const RenderResult<QList<RenderDeploy>>& r) {
        if (!r.ok) {
            emit message(r.error.message, true);
            return;
        }
        m_history = r.value;
        emit historyChanged();
    });
}

void DeploySession::audit(DeployAction action, const QString& subject, const QJsonObject& details,
                          const QString& result)
{
    QJsonObject d = details;
    d.insert(QStringLiteral("service"), m_serviceId);
    DeployAudit::record(m_audit, m_clock, m_targetName, action, subject, d, result);
}

void DeploySession::follow(const RenderDeploy& deploy, DeployAction outcome)
{
    m_followOutcome = outcome;
    m_follower.follow(m_serviceId, deploy);
}

QString DeploySession::auditProblem() const
{
    return m_audit ? m_audit->writeProblem() : tr("there is no audit log");
}

bool DeploySession::refusedReadOnly(DeployAction action, const QString& subject)
{
    if (!m_readOnly)
        return false;
    audit(action, subject, {}, QStringLiteral("refused: read-only target"));
    emit message(tr("%1 is a read-only target: deploys, cancels and rollbacks are refused")
                     .arg(m_targetName),
                 true);
    return true;
}

void DeploySession::redeploy(bool clearCache)
{
    if (refusedReadOnly(isHookOnly() ? DeployAction::Hook : DeployAction::Trigger, m_serviceId))
        return;
    m_before.reset();
    m_after.reset();
    emit comparisonChanged();
    if (isHookOnly()) {
        redeployThroughHook();
        return;
    }
    // The "before" window: the console's own history of the last minutes when it has one, else
    // polls while the old instance still serves (until update_in_progress).
    const qint64 now = m_clock->nowMs();
    const qint64 windowMs = std::max<qint64>(60'000, qint64(m_soak.polls) * m_soak.intervalMs);
    if (m_historySource)
        m_before = windowStatsFromHistory(*m_historySource, now - windowMs, now);
    if (m_before)
        emit comparisonChanged();
    else
        m_baseline.start(std::max(2, m_soak.polls), m_soak.intervalMs);
    m_client.triggerDeploy(
        m_serviceId,
        clearCache ? RenderClient::ClearCache::Clear : RenderClient::ClearCache::DoNotClear,
        [this, clearCache](const RenderResult<RenderDeploy>& r) {
            const QJsonObject details{{QStringLiteral("clear_cache"), clearCache}};
            if (!r.ok) {
                m_baseline.stop();
                audit(DeployAction::Trigger, m_serviceId, details,
                      QStringLiteral("error: ") + r.error.message);
                emit message(r.error.message, true);
                return;
            }
            audit(DeployAction::Trigger, r.value.id, details,
                  QStringLiteral("started: %1").arg(r.value.status));
            emit deployEvent(m_clock->nowMs(), DeployEventKind::Deploy,
                             tr("Redeploy %1").arg(r.value.shortCommit()));
            follow(r.value, DeployAction::Finished);
        });
}

// Render answers a hook with 200 and nothing to follow: the deploy is announced, audited and
// marked; verification is the operator's next step once Render shows it live.
void DeploySession::redeployThroughHook()
{
    const QString service = m_serviceId;
    m_client.triggerHook(m_hookUrl, [this, service](const RenderResult<bool>& r) {
        const QJsonObject details{{QStringLiteral("via"), QStringLiteral("deploy_hook")}};
        if (!r.ok) {
            audit(DeployAction::Hook, service, details,
                  QStringLiteral("error: ") + r.error.message);
            emit message(r.error.message, true);
            return;
        }
        audit(DeployAction::Hook, service, details, QStringLiteral("ok: triggered"));
        emit deployEvent(m_clock->nowMs(), DeployEventKind::Deploy, tr("deploy hook called"));
        emit message(tr("Deploy of %1 started through its deploy hook. A hook reports no progress: "
                        "run Verify once Render shows the deploy live.")
                         .arg(service),
                     false);
    });
}

void DeploySession::cancel()
{
    const RenderDeploy d = current();
    if (d.id.isEmpty() || d.isFinished()) {
        return;
    }
    if (refusedReadOnly(DeployAction::Cancel, d.id))
        return;
    m_client.cancelDeploy(m_serviceId, d.id, [this, d](const RenderResult<RenderDeploy>& r) {
        audit(DeployAction::Cancel, d.id, {{QStringLiteral("commit"), d.commitId}},
              r.ok ? QStringLiteral("ok") : QStringLiteral("error: ") + r.error.message);
        if (!r.ok) {
            emit message(r.error.message, true);
        }
    });
}

void DeploySession::rollback()
{
    if (refusedReadOnly(DeployAction::Rollback, m_serviceId))
        return;
    const auto target = rollbackTarget();
    if (!target) {
        emit message(tr("There is no earlier live deploy to roll back to"), true);
        return;
    }
    m_before = m_after; // the bad deploy's window is now "before"
    m_after.reset();
    emit comparisonChanged();
    m_client.rollback(m_serviceId, target->id, [this, target](const RenderResult<RenderDeploy>& r) {
        const QJsonObject details{{QStringLiteral("to_deploy"), target->id},
                                  {QStringLiteral("commit"), target->commitId}};
        if (!r.ok) {
            audit(DeployAction::Rollback, target->id, details,
                  QStringLiteral("error: ") + r.error.message);
            emit message(r.error.message, true);
            return;
        }
        audit(DeployAction::Rollback, r.value.id, details, QStringLiteral("started"));
        emit deployEvent(m_clock->nowMs(), DeployEventKind::Rollback,
                         tr("Rollback to %1").arg(target->shortCommit()));
        follow(r.value, DeployAction::RollbackFinished);
    });
}

void DeploySession::verify()
{
    m_verifier.setSoak(m_soak);
    m_verifier.start();
}

} // namespace ops
