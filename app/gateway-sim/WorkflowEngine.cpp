#include "app/gateway-sim/WorkflowEngine.h"

#include <QDateTime>
#include <QTimer>

#include <chrono>

namespace ops::sim {

WorkflowEngine::WorkflowEngine(Dialect dialect, int stepMs, quint64 seed, QObject* parent)
    : QObject(parent)
    , m_dialect(dialect)
    , m_stepMs(stepMs)
    , m_rng(seed ^ 0x5eedf00dULL)
{
}

qint64 WorkflowEngine::nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

QString WorkflowEngine::isoTime(qint64 epochUs, bool withOffset)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochUs / 1000, Qt::UTC);
    QString s = t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.")) +
                QStringLiteral("%1").arg(epochUs % 1000000, 6, 10, QLatin1Char('0'));
    if (withOffset) {
        s += QStringLiteral("+00:00");
    }
    return s;
}

QStringList WorkflowEngine::types() const
{
    if (m_dialect == Dialect::Modular) {
        return {QStringLiteral("candidate_onboarding"), QStringLiteral("job_posting"),
                QStringLiteral("interview_process"), QStringLiteral("hiring_pipeline"),
                QStringLiteral("bulk_operations")};
    }
    if (m_dialect == Dialect::Plan) {
        return {QStringLiteral("job_posting"), QStringLiteral("candidate_onboarding"),
                QStringLiteral("interview_scheduling"), QStringLiteral("bulk_operations")};
    }
    return {};
}

QStringList WorkflowEngine::stepNames(const QString& type) const
{
    if (type == QLatin1String("candidate_onboarding")) {
        return {QStringLiteral("validate_candidate"), QStringLiteral("parse_resume"),
                QStringLiteral("ai_screening"),       QStringLiteral("background_check"),
                QStringLiteral("create_profile"),     QStringLiteral("send_welcome")};
    }
    if (type == QLatin1String("job_posting")) {
        return {QStringLiteral("validate_job"), QStringLiteral("ai_enhancement"),
                QStringLiteral("publish_job"), QStringLiteral("notify_candidates"),
                QStringLiteral("index_job")};
    }
    if (type == QLatin1String("interview_process")) {
        return {QStringLiteral("schedule_interview"), QStringLiteral("send_invitations"),
                QStringLiteral("conduct_interview"),  QStringLiteral("collect_feedback"),
                QStringLiteral("evaluate_candidate"), QStringLiteral("make_decision")};
    }
    if (type == QLatin1String("interview_scheduling")) {
        return {QStringLiteral("check_availability"), QStringLiteral("propose_slots"),
                QStringLiteral("confirm_slot"), QStringLiteral("send_invites")};
    }
    if (type == QLatin1String("bulk_operations") && m_dialect == Dialect::Plan) {
        return {QStringLiteral("prepare_batch"), QStringLiteral("process_batch"),
                QStringLiteral("report_results")};
    }
    return {}; // modular hiring_pipeline / bulk_operations have no steps
}

std::optional<QString> WorkflowEngine::create(const QString& type, const QJsonObject& metadata)
{
    if (!types().contains(type)) {
        return std::nullopt;
    }
    Workflow wf;
    do {
        wf.id = QStringLiteral("wf_%1").arg(static_cast<quint32>(m_rng() & 0xffffffffu), 8, 16,
                                            QLatin1Char('0'));
    } while (m_workflows.count(wf.id) != 0);
    wf.type = type;
    wf.status = QStringLiteral("created");
    wf.metadata = metadata;
    wf.createdAtUs = nowUs();
    wf.updatedAtUs = wf.createdAtUs;
    wf.failAtStep = metadata.value(QStringLiteral("fail_at_step")).toInt(0);
    wf.failAttemptsLeft =
        wf.failAtStep > 0 ? metadata.value(QStringLiteral("fail_attempts")).toInt(1) : 0;
    wf.stepMs = metadata.value(QStringLiteral("step_ms")).toInt(m_stepMs);
    if (wf.stepMs <= 0) {
        wf.stepMs = m_stepMs;
    }
    const QStringList names = stepNames(type);
    for (int i = 0; i < names.size(); ++i) {
        WorkflowStep step;
        step.stepId = QStringLiteral("step_%1").arg(i + 1);
        step.name = names.at(i);
        wf.steps.push_back(step);
    }
    const QString id = wf.id;
    m_workflows.emplace(id, std::move(wf));
    m_order.push_back(id);
    return id;
}

WorkflowEngine::Result WorkflowEngine::start(const QString& id)
{
    auto it = m_workflows.find(id);
    if (it == m_workflows.end()) {
        return Result::NotFound;
    }
    Workflow& wf = it->second;
    if (wf.status != QLatin1String("created") && wf.status != QLatin1String("pending")) {
        return Result::Conflict;
    }
    wf.status = QStringLiteral("running");
    wf.running = true;
    wf.startedAtUs = nowUs();
    wf.updatedAtUs = wf.startedAtUs;
    const quint64 token = ++wf.runToken;
    runNextStep(id, token);
    return Result::Ok;
}

void WorkflowEngine::runNextStep(const QString& id, quint64 token)
{
    auto it = m_workflows.find(id);
    if (it == m_workflows.end() || it->second.runToken != token) {
        return;
    }
    Workflow& wf = it->second;
    for (size_t i = 0; i < wf.steps.size(); ++i) {
        WorkflowStep& step = wf.steps[i];
        if (step.status == QLatin1String("completed")) {
            continue;
        }
        step.status = QStringLiteral("running");
        step.startedAtUs = nowUs();
        step.completedAtUs = 0;
        step.errorMessage.clear();
        wf.updatedAtUs = step.startedAtUs;
        QTimer::singleShot(wf.stepMs, this, [this, id, token, i] { finishStep(id, token, i); });
        return;
    }
    // Nothing left: the run is over. A modular "cancelled" workflow is overwritten here.
    wf.running = false;
    wf.status = QStringLiteral("completed");
    wf.completedAtUs = nowUs();
    wf.updatedAtUs = wf.completedAtUs;
    emit workflowFinished(wf.type, wf.status);
}

void WorkflowEngine::finishStep(const QString& id, quint64 token, size_t index)
{
    auto it = m_workflows.find(id);
    if (it == m_workflows.end() || it->second.runToken != token) {
        return;
    }
    Workflow& wf = it->second;
    WorkflowStep& step = wf.steps[index];
    step.completedAtUs = nowUs();
    wf.updatedAtUs = step.completedAtUs;
    if (static_cast<int>(index) + 1 == wf.failAtStep && wf.failAttemptsLeft > 0) {
        --wf.failAttemptsLeft;
        step.status = QStringLiteral("failed");
        step.errorMessage =
            QStringLiteral("Simulated failure in step %1 (%2)").arg(index + 1).arg(step.name);
        wf.running = false;
        wf.status = QStringLiteral("failed");
        wf.completedAtUs = step.completedAtUs;
        emit workflowFinished(wf.type, wf.status);
        return;
    }
    step.status = QStringLiteral("completed");
    step.output =
        QJsonObject{{QStringLiteral("result"), QStringLiteral("ok")},
                    {QStringLiteral("step"), step.name},
                    {QStringLiteral("duration_ms"),
                     static_cast<double>(step.completedAtUs - step.startedAtUs) / 1000.0}};
    runNextStep(id, token);
}

WorkflowEngine::Result WorkflowEngine::cancel(const QString& id)
{
    auto it = m_workflows.find(id);
    if (it == m_workflows.end()) {
        return Result::NotFound;
    }
    Workflow& wf = it->second;
    if (wf.status == QLatin1String("completed") || wf.status == QLatin1String("failed") ||
        wf.status == QLatin1String("cancelled")) {
        return Result::Conflict;
    }
    wf.status = QStringLiteral("cancelled");
    wf.updatedAtUs = nowUs();
    if (m_dialect == Dialect::Plan) {
        // The plan's engine really stops the run.
        ++wf.runToken;
        wf.running = false;
        for (WorkflowStep& step : wf.steps) {
            if (step.status == QLatin1String("running") ||
                step.status == QLatin1String("pending")) {
                step.status = QStringLiteral("cancelled");
            }
        }
        emit workflowFinished(wf.type, wf.status);
    }
    return Result::Ok;
}

WorkflowEngine::Result WorkflowEngine::trigger(const QString& id)
{
    auto it = m_workflows.find(id);
    if (it == m_workflows.end()) {
        return Result::NotFound;
    }
    Workflow& wf = it->second;
    if (wf.running) {
        return Result::Conflict;
    }
    for (WorkflowStep& step : wf.steps) {
        if (step.status != QLatin1String("completed")) {
            step.status = QStringLiteral("pending");
            step.errorMessage.clear();
        }
    }
    wf.status = QStringLiteral("running");
    wf.running = true;
    wf.completedAtUs = 0;
    if (wf.startedAtUs == 0) {
        wf.startedAtUs = nowUs();
    }
    wf.updatedAtUs = nowUs();
    const quint64 token = ++wf.runToken;
    runNextStep(id, token);
    return Result::Ok;
}

const Workflow* WorkflowEngine::find(const QString& id) const
{
    auto it = m_workflows.find(id);
    return it == m_workflows.end() ? nullptr : &it->second;
}

QJsonValue WorkflowEngine::timeValue(qint64 us) const
{
    return us > 0 ? QJsonValue(isoTime(us, true)) : QJsonValue();
}

QJsonObject WorkflowEngine::stepJson(const WorkflowStep& step) const
{
    return QJsonObject{
        {QStringLiteral("step_id"), step.stepId},
        {QStringLiteral("name"), step.name},
        {QStringLiteral("status"), step.status},
        {QStringLiteral("started_at"), timeValue(step.startedAtUs)},
        {QStringLiteral("completed_at"), timeValue(step.completedAtUs)},
        {QStringLiteral("error_message"),
         step.errorMessage.isEmpty() ? QJsonValue() : QJsonValue(step.errorMessage)},
        {QStringLiteral("output"), step.output},
    };
}

QJsonObject WorkflowEngine::toJson(const Workflow& wf) const
{
    QJsonArray steps;
    for (const WorkflowStep& s : wf.steps) {
        steps.append(stepJson(s));
    }
    QJsonObject o{
        {QStringLiteral("workflow_id"), wf.id},
        {QStringLiteral("workflow_type"), wf.type},
        {QStringLiteral("status"), wf.status},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("created_at"), isoTime(wf.createdAtUs, true)},
        {QStringLiteral("metadata"), wf.metadata},
    };
    if (wf.startedAtUs > 0) {
        o.insert(QStringLiteral("started_at"), isoTime(wf.startedAtUs, true));
    }
    if (wf.completedAtUs > 0) {
        o.insert(QStringLiteral("completed_at"), isoTime(wf.completedAtUs, true));
    }
    if (wf.updatedAtUs > 0) {
        o.insert(QStringLiteral("updated_at"), isoTime(wf.updatedAtUs, true));
    }
    return o;
}

QJsonObject WorkflowEngine::statusJson(const Workflow& wf) const
{
    int done = 0;
    QJsonValue current;
    for (const WorkflowStep& s : wf.steps) {
        if (s.status == QLatin1String("completed")) {
            ++done;
        } else if (current.isNull() && s.status != QLatin1String("pending")) {
            current = s.name;
        }
    }
    const int total = static_cast<int>(wf.steps.size());
    const double pct =
        total > 0 ? 100.0 * done / total : (wf.status == QLatin1String("completed") ? 100.0 : 0.0);
    return QJsonObject{
        {QStringLiteral("workflow_id"), wf.id},
        {QStringLiteral("status"), wf.status},
        {QStringLiteral("progress"), QString::number(pct, 'f', 1) + QLatin1Char('%')},
        {QStringLiteral("steps_completed"), done},
        {QStringLiteral("total_steps"), total},
        {QStringLiteral("current_step"), current},
    };
}

QJsonArray WorkflowEngine::list(const QString& status, const QString& type, int limit) const
{
    QJsonArray out;
    // Newest first.
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        const Workflow& wf = m_workflows.at(*it);
        if ((!status.isEmpty() && wf.status != status) || (!type.isEmpty() && wf.type != type)) {
            continue;
        }
        if (limit > 0 && out.size() >= limit) {
            break;
        }
        out.append(toJson(wf));
    }
    return out;
}

int WorkflowEngine::activeCount() const
{
    int n = 0;
    for (const auto& [id, wf] : m_workflows) {
        if (wf.running) {
            ++n;
        }
    }
    return n;
}

} // namespace ops::sim
