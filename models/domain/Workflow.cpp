#include "models/domain/Workflow.h"

namespace ops {

WorkflowState workflowStateFromWord(const QString& word)
{
    const QString w = word.trimmed().toLower();
    if (w == u"pending" || w == u"created" || w == u"queued")
        return WorkflowState::Pending;
    if (w == u"running" || w == u"in_progress" || w == u"started")
        return WorkflowState::Running;
    if (w == u"completed" || w == u"success" || w == u"succeeded")
        return WorkflowState::Completed;
    if (w == u"failed" || w == u"error")
        return WorkflowState::Failed;
    if (w == u"cancelled" || w == u"canceled")
        return WorkflowState::Cancelled;
    return WorkflowState::Unknown;
}

QString workflowStateName(WorkflowState state)
{
    switch (state) {
    case WorkflowState::Pending:
        return QStringLiteral("pending");
    case WorkflowState::Running:
        return QStringLiteral("running");
    case WorkflowState::Completed:
        return QStringLiteral("completed");
    case WorkflowState::Failed:
        return QStringLiteral("failed");
    case WorkflowState::Cancelled:
        return QStringLiteral("cancelled");
    case WorkflowState::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

bool Workflow::isFinished() const
{
    const WorkflowState s = state();
    return s == WorkflowState::Completed || s == WorkflowState::Failed ||
           s == WorkflowState::Cancelled;
}

bool Workflow::hasRunningStep() const
{
    for (const WorkflowStep& step : steps) {
        if (step.state() == WorkflowState::Running)
            return true;
    }
    return false;
}

int Workflow::stepsDone() const
{
    if (steps.isEmpty() && reportedStepsDone >= 0)
        return reportedStepsDone;
    int done = 0;
    for (const WorkflowStep& step : steps) {
        if (step.state() == WorkflowState::Completed)
            ++done;
    }
    return done;
}

int Workflow::totalSteps() const
{
    if (steps.isEmpty() && reportedTotalSteps >= 0)
        return reportedTotalSteps;
    return static_cast<int>(steps.size());
}

QString Workflow::currentStep() const
{
    for (const WorkflowStep& step : steps) {
        const WorkflowState s = step.state();
        if (s != WorkflowState::Completed && s != WorkflowState::Pending)
            return step.name.isEmpty() ? step.id : step.name;
    }
    return steps.isEmpty() ? reportedCurrentStep : QString();
}

QString Workflow::firstError() const
{
    for (const WorkflowStep& step : steps) {
        if (!step.error.isEmpty())
            return step.error;
    }
    return {};
}

qint64 Workflow::durationMs(qint64 nowMs) const
{
    const qint64 from = startedMs > 0 ? startedMs : createdMs;
    if (from <= 0)
        return -1;
    if (completedMs > 0)
        return completedMs >= from ? completedMs - from : -1;
    if (isFinished())
        return updatedMs >= from ? updatedMs - from : -1;
    return nowMs >= from ? nowMs - from : -1;
}

} // namespace ops
