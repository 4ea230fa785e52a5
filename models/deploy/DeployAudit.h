#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringView>

#include <optional>

namespace ops {

class AuditLog;
class Clock;

// What a deploy row in the audit log records. Text ("deploy.trigger", ...) only in the log.
enum class DeployAction { Trigger, Hook, Cancel, Rollback, Verify, Finished, RollbackFinished };
QString deployActionName(DeployAction action); // stable, stored
std::optional<DeployAction> deployActionFromName(QStringView name);

// Writes the deploy feature's rows to the shared audit log: who (the OS user), when, which
// target, what (action + subject) and the result. Details never hold a secret.
class DeployAudit {
public:
    // Returns false when there is no log or the row could not be written (the caller may warn).
    static bool record(AuditLog* log, const Clock* clock, const QString& target,
                       DeployAction action, const QString& subject, const QJsonObject& details,
                       const QString& result);
};

} // namespace ops
