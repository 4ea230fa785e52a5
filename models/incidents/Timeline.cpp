#include "models/incidents/Timeline.h"

#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/domain/ConnectionState.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/SignalUnits.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <cmath>

namespace ops {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::Timeline", text);
}

QString alertKind(AlertState to)
{
    switch (to) {
    case AlertState::Normal:
        return QStringLiteral("alert.resolved");
    case AlertState::Pending:
        return QStringLiteral("alert.pending");
    case AlertState::Firing:
        return QStringLiteral("alert.firing");
    case AlertState::Recovering:
        return QStringLiteral("alert.recovering");
    case AlertState::NoData:
        return QStringLiteral("alert.nodata");
    case AlertState::Error:
        return QStringLiteral("alert.error");
    }
    return QStringLiteral("alert.state");
}

EventLane laneOfAction(const QString& action)
{
    if (action.startsWith(QLatin1String("deploy.")))
        return EventLane::Deploy;
    if (action.startsWith(QLatin1String("workflow.")) || action.startsWith(QLatin1String("job.")))
        return EventLane::Workflow;
    if (action.startsWith(QLatin1String("incident.")))
        return EventLane::Incident;
    return EventLane::Console;
}

QString auditSummary(const AuditEntry& e)
{
    const QString commit = e.details.value(QStringLiteral("commit")).toString().left(7);
    const QString result = e.result.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(e.result);
    if (const std::optional<DeployAction> deploy = deployActionFromName(e.action)) {
        switch (*deploy) {
        case DeployAction::Trigger:
        case DeployAction::Hook:
            return tr("Redeploy started%1%2")
                .arg(commit.isEmpty() ? QString() : QStringLiteral(" of %1").arg(commit), result);
        case DeployAction::Finished:
            return tr("Deploy %1 finished%2").arg(commit.isEmpty() ? e.subject : commit, result);
        case DeployAction::Verify: {
            const QString summary = e.details.value(QStringLiteral("summary")).toString();
            return tr("Verification %1%2")
                .arg(e.result.isEmpty() ? QStringLiteral("ran") : e.result,
                     summary.isEmpty() ? QString() : QStringLiteral(": %1").arg(summary));
        }
        case DeployAction::Rollback:
            return tr("Rollback started%1").arg(result);
        case DeployAction::RollbackFinished:
            return tr("Rollback finished%1").arg(result);
        case DeployAction::Cancel:
            return tr("Deploy %1 cancelled%2").arg(e.subject, result);
        }
    }
    if (e.action == QLatin1String("workflow.launch"))
        return tr("Workflow %1 launched%2").arg(e.subject, result);
    if (e.action.startsWith(QLatin1String("incident.")))
        return tr("Incident %1 %2: %3")
            .arg(e.subject, e.action.mid(9), e.details.value(QStringLiteral("text")).toString());
    return QStringLiteral("%1 %2%3").arg(e.action, e.subject, result);
}

} // namespace

Timeline::Timeline(const EventStore* events, const AlertStore* alerts, const AuditLog* audit)
    : m_events(events)
    , m_alerts(alerts)
    , m_audit(audit)
{
    QList<AlertRule> rules = defaultAlertRules();
    if (m_alerts && m_alerts->isOpen()) {
        if (const auto saved = m_alerts->loadRules())
            rules = *saved;
    }
    for (const AlertRule& rule : rules)
        m_ruleSignals.insert(rule.name, rule.signal);
}

TimelineEvent Timeline::fromTransition(const AlertTransition& t) const
{
    TimelineEvent e;
    e.timeMs = t.timeMs;
    e.target = t.target;
    e.source = EventSource::Alerts;
    e.sourceId = t.id;
    e.rule = t.rule;
    e.value = t.value;
    e.threshold = t.threshold;
    e.comment = t.comment;
    e.actor = t.author.isEmpty() ? QString::fromLatin1(kConsoleActor) : t.author;
    const QString signal = signalOf(t.rule);
    const bool overlay = t.kind == TransitionKind::Ack || t.kind == TransitionKind::Unack ||
                         t.kind == TransitionKind::Snooze || t.kind == TransitionKind::Unsnooze;
    if (t.kind == TransitionKind::State) {
        e.lane = EventLane::Alert;
        e.kind = alertKind(t.to);
        e.fromState = alertStateName(t.from);
        e.toState = alertStateName(t.to);
        e.actor = QString::fromLatin1(kConsoleActor);
        QString figures;
        if (!std::isnan(t.value))
            figures = std::isnan(t.threshold)
                          ? QStringLiteral(": %1").arg(formatSignalValue(signal, t.value))
                          : tr(": %1 (threshold %2)")
                                .arg(formatSignalValue(signal, t.value),
                                     formatSignalValue(signal, t.threshold));
        e.summary = tr("%1 %2%3").arg(t.rule, alertStateName(t.to), figures);
    } else if (overlay) {
        e.lane = EventLane::Ack;
        e.kind = QStringLiteral("alert.") + transitionKindName(t.kind);
        const QString verb = t.kind == TransitionKind::Ack      ? tr("acknowledged")
                             : t.kind == TransitionKind::Unack  ? tr("acknowledgement removed")
                             : t.kind == TransitionKind::Snooze ? tr("snoozed")
                                                                : tr("snooze ended");
        e.summary = tr("%1 %2 by %3").arg(t.rule, verb, e.actor);
    } else { // flapping, settled
        e.lane = EventLane::Alert;
        e.kind = QStringLiteral("alert.") + transitionKindName(t.kind);
        e.actor = QString::fromLatin1(kConsoleActor);
        e.summary = tr("%1 %2").arg(t.rule, transitionKindName(t.kind));
    }
    return e;
}

TimelineEvent Timeline::fromNotification(const NotificationRecord& r) const
{
    TimelineEvent e;
    e.timeMs = r.timeMs;
    e.target = r.key.target;
    e.lane = EventLane::Alert;
    e.kind = QStringLiteral("alert.notified");
    e.actor = QString::fromLatin1(kConsoleActor);
    e.source = EventSource::Notifications;
    e.sourceId = r.id;
    e.rule = r.key.rule;
    e.toState = r.state;
    e.result = r.ok ? QStringLiteral("ok") : QStringLiteral("failed: %1").arg(r.detail);
    e.summary = r.ok ? tr("%1 %2 notified (%3)").arg(r.key.rule, r.state, r.channel)
                     : tr("%1 %2 notification failed (%3): %4")
                           .arg(r.key.rule, r.state, r.channel, r.detail);
    return e;
}

TimelineEvent Timeline::fromAudit(const AuditEntry& a)
{
    TimelineEvent e;
    e.timeMs = a.timeMs;
    e.target = a.target;
    e.lane = laneOfAction(a.action);
    e.kind = a.action;
    e.actor = a.actor.isEmpty() ? QString::fromLatin1(kConsoleActor) : a.actor;
    e.source = EventSource::Audit;
    e.sourceId = a.id;
    e.subject = a.subject;
    e.details = a.details;
    e.result = a.result;
    e.comment = a.details.value(QStringLiteral("text")).toString();
    e.summary = auditSummary(a);
    return e;
}

TimelineEvent Timeline::fromRecorded(const RecordedEvent& r)
{
    TimelineEvent e;
    e.timeMs = r.timeMs;
    e.target = r.target;
    e.kind = r.kind;
    e.actor = r.actor.isEmpty() ? QString::fromLatin1(kConsoleActor) : r.actor;
    e.source = EventSource::Events;
    e.sourceId = r.id;
    e.fromState = r.fromState;
    e.toState = r.toState;
    if (r.kind == QLatin1String("connection")) {
        e.lane = EventLane::Connection;
        e.summary = r.detail.isEmpty()
                        ? tr("Connection %1 → %2").arg(r.fromState, r.toState)
                        : tr("Connection %1 → %2 (%3)").arg(r.fromState, r.toState, r.detail);
    } else if (r.kind == QLatin1String("restart")) {
        e.lane = EventLane::Connection;
        e.summary = tr("Gateway restarted (%1)").arg(r.detail);
    } else if (r.kind == QLatin1String("console.start")) {
        e.lane = EventLane::Console;
        e.summary = tr("Console started");
    } else if (r.kind == QLatin1String("console.stop")) {
        e.lane = EventLane::Console;
        e.summary = tr("Console stopped");
    } else {
        e.lane = EventLane::Console;
        e.summary = r.detail.isEmpty() ? r.kind : QStringLiteral("%1: %2").arg(r.kind, r.detail);
    }
    return e;
}

QList<TimelineEvent> Timeline::events(const TimelineQuery& query) const
{
    QList<TimelineEvent> out;
    if (query.toMs <= query.fromMs)
        return out;
    if (m_events && m_events->isOpen()) {
        for (const RecordedEvent& r :
             m_events->eventsBetween(query.fromMs, query.toMs, query.target))
            out << fromRecorded(r);
    }
    if (m_alerts && m_alerts->isOpen()) {
        AlertHistoryFilter filter;
        filter.fromMs = query.fromMs;
        filter.toMs = query.toMs;
        filter.target = query.target;
        filter.limit = 100000;
        for (const AlertTransition& t : m_alerts->history(filter)) {
            // An acknowledgement that ends with its alert's resolution is no event of its own.
            if (t.kind == TransitionKind::Unack && t.author.isEmpty())
                continue;
            out << fromTransition(t);
        }
        if (query.notifications) {
            for (const NotificationRecord& r :
                 m_alerts->notificationsBetween(query.fromMs, query.toMs, query.target))
                out << fromNotification(r);
        }
    }
    if (m_audit && m_audit->isOpen()) {
        for (const AuditEntry& a : m_audit->entriesBetween(query.fromMs, query.toMs, query.target))
            out << fromAudit(a);
    }
    sortTimeline(out);
    return out;
}

} // namespace ops
