#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace ops {

// What a workflow status word means to the console. The gateway's own word is kept beside it
// (Workflow::status) and shown as-is; this only groups it.
enum class WorkflowState { Pending, Running, Completed, Failed, Cancelled, Unknown };

// pending/created → Pending, running/in_progress/started → Running, completed/success → Completed,
// failed/error → Failed, cancelled/canceled → Cancelled, anything else → Unknown.
WorkflowState workflowStateFromWord(const QString& word);
QString workflowStateName(WorkflowState state);

struct WorkflowStep {
    QString id;
    QString name;
    QString status;
    qint64 startedMs = 0; // 0 = not given
    qint64 completedMs = 0;
    QString error; // error_message or error
    QJsonObject output;

    WorkflowState state() const { return workflowStateFromWord(status); }
};

// One workflow as the gateway reported it (docs: gateway-contract.md, Workflows).
struct Workflow {
    QString id;
    QString type;
    QString status;
    QList<WorkflowStep> steps;
    QJsonObject metadata;
    qint64 createdMs = 0;
    qint64 startedMs = 0;
    qint64 completedMs = 0;
    qint64 updatedMs = 0;
    // From GET /{id}/status when the body had no steps: counts given by the gateway.
    int reportedStepsDone = -1;
    int reportedTotalSteps = -1;
    QString reportedCurrentStep;

    WorkflowState state() const { return workflowStateFromWord(status); }
    bool isFinished() const;
    // Some step is still running (a modular "cancelled" workflow whose run goes on).
    bool hasRunningStep() const;
    int stepsDone() const;
    int totalSteps() const;
    // The first step that is neither completed nor pending, or the gateway's current_step.
    QString currentStep() const;
    // The first failed step's error, if any.
    QString firstError() const;
    // Started (or created) to completed, or to nowMs while it runs; -1 when unknown.
    qint64 durationMs(qint64 nowMs) const;
};

} // namespace ops

Q_DECLARE_METATYPE(ops::Workflow)
