#pragma once

#include "models/incidents/TimelineEvent.h"

#include <QHash>
#include <QList>
#include <QString>

#include <limits>

namespace ops {

class AlertStore;
class AuditLog;
class EventStore;
struct AlertTransition;
struct AuditEntry;
struct NotificationRecord;
struct RecordedEvent;

struct TimelineQuery {
    qint64 fromMs = 0;
    qint64 toMs = std::numeric_limits<qint64>::max(); // exclusive
    QString target;                                   // "" = every target
    bool notifications = true; // include the alert notifications sent (desktop, webhook, ...)
};

// One time-ordered story from the three places the console writes: recorded events
// (events.sqlite), alert transitions, acks and notifications (alerts.sqlite) and operator
// actions (audit.sqlite). Each row gets its lane and actor (the OS user, or "console").
// Stores may be null (a missing one contributes nothing); they are read, never written.
class Timeline {
public:
    Timeline(const EventStore* events, const AlertStore* alerts, const AuditLog* audit);

    QList<TimelineEvent> events(const TimelineQuery& query) const;

    // Rule name -> its signal (for units in the summaries): from the alert store's saved rules,
    // else the default rules.
    void setRuleSignals(QHash<QString, QString> ruleSignals)
    {
        m_ruleSignals = std::move(ruleSignals);
    }
    QString signalOf(const QString& rule) const { return m_ruleSignals.value(rule); }

    TimelineEvent fromTransition(const AlertTransition& transition) const;
    TimelineEvent fromNotification(const NotificationRecord& record) const;
    static TimelineEvent fromAudit(const AuditEntry& entry);
    static TimelineEvent fromRecorded(const RecordedEvent& event);

private:
    const EventStore* m_events;
    const AlertStore* m_alerts;
    const AuditLog* m_audit;
    QHash<QString, QString> m_ruleSignals;
};

} // namespace ops
