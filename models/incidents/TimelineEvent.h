#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <limits>

namespace ops {

// The lanes of the Timeline tab; every event belongs to exactly one.
enum class EventLane { Alert, Ack, Deploy, Workflow, Connection, Console, Incident };
QString eventLaneName(EventLane lane);  // "alert", "ack", ... (stable)
QString eventLaneTitle(EventLane lane); // for people: "Alerts", "Acks", ...

// Who did it when nobody did: automatic transitions (alert states, connection changes,
// notifications, restarts seen) are the console's.
inline constexpr const char* kConsoleActor = "console";

// Where a timeline row was read from.
enum class EventSource { Events, Alerts, Notifications, Audit };

// One row of the merged timeline: an alert transition, an ack, a notification, an audit row
// (deploy, verification, rollback, workflow, incident edit) or a recorded event (connection
// state, gateway restart, console start/stop).
struct TimelineEvent {
    qint64 timeMs = 0;
    QString target;
    EventLane lane = EventLane::Console;
    // Stable kind: "alert.pending", "alert.firing", "alert.resolved", "alert.ack", "alert.unack",
    // "alert.snooze", "alert.notified", "connection", "restart", "console.start",
    // "console.stop", or the audit action ("deploy.trigger", "deploy.verify", "workflow.launch",
    // "incident.rename", ...).
    QString kind;
    QString actor;   // the OS user, or "console"
    QString summary; // one line, in words, with units
    QString comment; // an ack's or a note's text
    QString result;  // an audit row's result ("ok", "failed", ...)
    EventSource source = EventSource::Events;
    qint64 sourceId = 0; // row id in its store
    // Alerts: the rule and its value / threshold at the transition (NaN when unknown).
    QString rule;
    double value = std::numeric_limits<double>::quiet_NaN();
    double threshold = std::numeric_limits<double>::quiet_NaN();
    // Connection: the states either side ("up", "unreachable", ...); alerts: alert states.
    QString fromState;
    QString toState;
    QString subject;     // audit subject (deploy id, workflow type, incident id)
    QJsonObject details; // audit details (commit, verification steps, ...)

    // An operator did it (acks, deploys, rollbacks, workflows, incident edits).
    bool isAction() const { return actor != QLatin1String(kConsoleActor); }
};

// Time order; rows at the same millisecond keep the order of their stores (events, alerts,
// audit) and their ids, so a query is repeatable.
void sortTimeline(QList<TimelineEvent>& events);

} // namespace ops
