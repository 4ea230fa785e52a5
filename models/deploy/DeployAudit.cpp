#include "models/deploy/DeployAudit.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/domain/Logging.h"

#include <iterator>

namespace ops {

namespace {
const char* const kActionNames[] = {"deploy.trigger",          "deploy.hook",   "deploy.cancel",
                                    "deploy.rollback",         "deploy.verify", "deploy.finished",
                                    "deploy.rollback_finished"};
} // namespace

QString deployActionName(DeployAction action)
{
    return QString::fromLatin1(kActionNames[static_cast<int>(action)]);
}

std::optional<DeployAction> deployActionFromName(QStringView name)
{
    for (int i = 0; i < int(std::size(kActionNames)); ++i) {
        if (name == QLatin1String(kActionNames[i]))
            return static_cast<DeployAction>(i);
    }
    return std::nullopt;
}

bool DeployAudit::record(AuditLog* log, const Clock* clock, const QString& target,
                         DeployAction action, const QString& subject, const QJsonObject& details,
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
    entry.action = deployActionName(action);
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
