#include "ui/dashboard/ChartMarkerFeed.h"

#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertTypes.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/fleet/Fleet.h"
#include "models/workflows/WorkflowClient.h"
#include "ui/dashboard/Dashboard.h"

namespace ops {

namespace {

QString keyOf(const ChartMarkerFeed::Event& e)
{
    return QStringLiteral("%1\n%2\n%3\n%4")
        .arg(e.target)
        .arg(e.timeMs)
        .arg(static_cast<int>(e.kind))
        .arg(e.label);
}

} // namespace

ChartMarkerFeed::ChartMarkerFeed(Dashboard* dashboard, QObject* parent)
    : QObject(parent)
    , m_dashboard(dashboard)
{
}

void ChartMarkerFeed::setTarget(const QStringList& names)
{
    m_target = names;
    m_dashboard->clearMarkers();
    for (const Event& e : m_events) {
        if (watched(e.target))
            draw(e);
    }
}

void ChartMarkerFeed::follow(const Fleet* fleet)
{
    const auto watchSession = [this](TargetSession* session) {
        watchWorkflows(session->workflows());
        watchDeploys(session->deploy());
    };
    for (TargetSession* session : fleet->sessions())
        watchSession(session);
    connect(fleet, &Fleet::added, this, watchSession);
    const auto showCurrent = [this, fleet] {
        setTarget(fleet->current() ? QStringList{fleet->current()->name()} : QStringList());
    };
    connect(fleet, &Fleet::currentChanged, this, showCurrent);
    connect(fleet, &Fleet::changed, this, [showCurrent, fleet](TargetSession* session) {
        if (session == fleet->current())
            showCurrent();
    });
    showCurrent();
}

void ChartMarkerFeed::draw(const Event& e)
{
    if (e.chart < 0)
        m_dashboard->addMarker(e.timeMs, e.kind, e.label, e.group);
    else
        m_dashboard->addMarker(static_cast<Dashboard::ChartId>(e.chart), e.timeMs, e.kind, e.label,
                               e.group);
}

int ChartMarkerFeed::chartOfSignal(const QString& signal)
{
    using namespace AlertSignals;
    using C = Dashboard::ChartId;
    if (signal == QLatin1String(AvgResponseTime) || signal == QLatin1String(P50ResponseTime) ||
        signal == QLatin1String(P95ResponseTime) || signal == QLatin1String(P99ResponseTime))
        return int(C::ResponseTime);
    if (signal == QLatin1String(ErrorRate) || signal == QLatin1String(ErrorsPerSecond))
        return int(C::ErrorRate);
    if (signal == QLatin1String(RequestRate))
        return int(C::RequestRate);
    if (signal == QLatin1String(WorkflowFailures) || signal == QLatin1String(ActiveWorkflows))
        return int(C::Workflows);
    if (signal == QLatin1String(MemoryBytes))
        return int(C::Memory);
    if (signal == QLatin1String(CpuPercent))
        return int(C::Cpu);
    return -1;
}

void ChartMarkerFeed::watchAlerts(const AlertEngine* engine, qint64 historyFromMs, qint64 nowMs)
{
    m_alertEngine = engine;
    connect(engine, &AlertEngine::transition, this, &ChartMarkerFeed::addAlertTransition);
    for (const AlertTransition& t : engine->transitionsBetween(historyFromMs, nowMs + 1))
        addAlertTransition(t);
}

bool ChartMarkerFeed::markerOf(const AuditEntry& e, MarkerKind& kind, DeployEventKind& deployKind,
                               QString& label)
{
    const auto started = [&e](const char* prefix) {
        return e.result.startsWith(QLatin1String(prefix));
    };
    const QString commit = e.details.value(QStringLiteral("commit")).toString().left(7);
    const QString status = e.details.value(QStringLiteral("status")).toString();
    kind = MarkerKind::Deploy;
    label.clear();
    deployKind = DeployEventKind::Deploy;
    if (e.action == u"workflow.launch") {
        // Launched when the gateway created it (its id), whatever its separate start said.
        const QString id = e.details.value(QStringLiteral("workflow_id")).toString();
        if (id.isEmpty() && e.result != u"ok")
            return false;
        kind = MarkerKind::Workflow;
        label = id.isEmpty() ? tr("%1 launched").arg(e.subject)
                             : tr("%1 launched (%2)").arg(e.subject, id);
        return true;
    }
    const std::optional<DeployAction> action = deployActionFromName(e.action);
    if (!action)
        return false;
    switch (*action) {
    case DeployAction::Trigger:
        deployKind = DeployEventKind::Deploy;
        label = tr("Redeploy %1").arg(e.subject);
        return started("started");
    case DeployAction::Hook:
        deployKind = DeployEventKind::Deploy;
        label = tr("deploy hook called");
        return started("ok");
    case DeployAction::Rollback:
        deployKind = DeployEventKind::Rollback;
        label = tr("Rollback to %1").arg(commit.isEmpty() ? e.subject : commit);
        return started("started");
    case DeployAction::Finished:
    case DeployAction::RollbackFinished:
        deployKind = started("ok") ? DeployEventKind::Live : DeployEventKind::Failed;
        label =
            QStringLiteral("%1 %2").arg(commit.isEmpty() ? e.subject : commit, status).trimmed();
        return true;
    case DeployAction::Verify:
        deployKind =
            e.result == u"ok" ? DeployEventKind::Verified : DeployEventKind::VerificationFailed;
        label = e.details.value(QStringLiteral("summary")).toString();
        if (label.isEmpty())
            label = e.result;
        return true;
    case DeployAction::Cancel:
        return false;
    }
    return false;
}

void ChartMarkerFeed::addStoredEvents(const AuditLog* audit, qint64 fromMs, qint64 toMs)
{
    if (!audit || !audit->isOpen())
        return;
    for (const AuditEntry& e : audit->entriesBetween(fromMs, toMs)) {
        MarkerKind kind = MarkerKind::Deploy;
        DeployEventKind deployKind = DeployEventKind::Deploy;
        QString label;
        if (!markerOf(e, kind, deployKind, label))
            continue;
        if (kind == MarkerKind::Workflow)
            add({e.target, e.timeMs, kind, label, QString(), -1});
        else
            addDeployEvent(e.target, e.timeMs, deployKind, label);
    }
}

void ChartMarkerFeed::watchWorkflows(const WorkflowClient* client)
{
    connect(client, &WorkflowClient::workflowLaunched, this, &ChartMarkerFeed::addWorkflowLaunch);
}

void ChartMarkerFeed::watchDeploys(const DeploySession* session)
{
    // The session's target at the time of the event (it may be reconfigured).
    connect(session, &DeploySession::deployEvent, this,
            [this, session](qint64 timeMs, DeployEventKind kind, const QString& label) {
                addDeployEvent(session->targetName(), timeMs, kind, label);
            });
}

bool ChartMarkerFeed::marks(const AlertTransition& t)
{
    if (t.kind != TransitionKind::State)
        return false;
    return t.to == AlertState::Firing ||
           (t.to == AlertState::Normal &&
            (t.from == AlertState::Firing || t.from == AlertState::Recovering));
}

QString ChartMarkerFeed::alertLabel(const AlertTransition& t)
{
    if (t.to == AlertState::Firing)
        return tr("%1 firing (%2)").arg(t.rule, severityName(t.severity));
    return tr("%1 resolved").arg(t.rule);
}

// An alert shades its firing span on the chart of the signal that fired, and nowhere else.
void ChartMarkerFeed::addAlertTransition(const AlertTransition& transition)
{
    if (!marks(transition))
        return;
    const AlertRule* rule = m_alertEngine ? m_alertEngine->rule(transition.rule) : nullptr;
    const int chart = rule ? chartOfSignal(rule->signal) : -1;
    if (chart < 0)
        return;
    add({transition.target, transition.timeMs,
         transition.to == AlertState::Firing ? MarkerKind::Alert : MarkerKind::Resolved,
         alertLabel(transition), transition.rule, chart});
}

void ChartMarkerFeed::addDeployEvent(const QString& target, qint64 timeMs, DeployEventKind kind,
                                     const QString& label)
{
    QString text = label;
    if (kind == DeployEventKind::Verified)
        text = tr("verified: %1").arg(label);
    else if (kind == DeployEventKind::VerificationFailed)
        text = tr("verification failed: %1").arg(label);
    else if (kind == DeployEventKind::Failed)
        text = tr("deploy failed: %1").arg(label);
    add({target, timeMs, MarkerKind::Deploy, text, QString(), -1});
}

void ChartMarkerFeed::addWorkflowLaunch(const QString& target, const QString& type,
                                        const QString& id, qint64 timeMs)
{
    add({target, timeMs, MarkerKind::Workflow,
         id.isEmpty() ? tr("%1 launched").arg(type) : tr("%1 launched (%2)").arg(type, id),
         QString(), -1});
}

void ChartMarkerFeed::add(Event event)
{
    const QString key = keyOf(event);
    if (m_keys.contains(key))
        return;
    m_keys.insert(key);
    m_events.push_back(event);
    if (m_events.size() > kMaxEvents) {
        m_keys.remove(keyOf(m_events.front()));
        m_events.pop_front();
    }
    if (watched(event.target))
        draw(event);
}

} // namespace ops
