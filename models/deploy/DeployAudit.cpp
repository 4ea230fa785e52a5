#include "models/deploy/DeployAudit.h"

#include "models/audit/AuditLog.h"
#include "models/deploy/DeployLogging.h"
#include "models/domain/Clock.h"

namespace ops {

bool DeployAudit::record(AuditLog* log, const Clock* clock, const QString& target,
                         const QString& action, const QString& subject, const QJsonObject& details,
                         const QString& result)
{
    if (!log) {
        return false;
    }
    if (!log->isOpen() && !log->open()) {
        qCWarning(lcDeploy).noquote() << "audit log not written:" << log->errorString();
        return false;
    }
    AuditEntry entry;
    entry.timeMs = clock->nowMs();
    entry.actor = AuditLog::currentUser();
    entry.target = target;
    entry.action = action;
    entry.subject = subject;
    entry.details = details;
    entry.result = result;
    if (!log->append(entry)) {
        qCWarning(lcDeploy).noquote() << "audit log not written:" << log->errorString();
        return false;
    }
    return true;
}

} // namespace ops
