#pragma once

#include <QJsonObject>
#include <QString>

namespace ops {

class AuditLog;
class Clock;

// Writes the deploy feature's rows to the shared audit log: who (the OS user), when, which
// target, what (action + subject) and the result. Actions: deploy.trigger, deploy.hook,
// deploy.cancel, deploy.rollback, deploy.verify. Details never hold a secret.
class DeployAudit {
public:
    static constexpr const char* kTrigger = "deploy.trigger";
    static constexpr const char* kHook = "deploy.hook";
    static constexpr const char* kCancel = "deploy.cancel";
    static constexpr const char* kRollback = "deploy.rollback";
    static constexpr const char* kVerify = "deploy.verify";

    // Returns false when there is no log or the row could not be written (the caller may warn).
    static bool record(AuditLog* log, const Clock* clock, const QString& target,
                       const QString& action, const QString& subject, const QJsonObject& details,
                       const QString& result);
};

} // namespace ops
