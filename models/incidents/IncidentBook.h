#pragma once

#include "models/incidents/Incident.h"

#include <QList>
#include <QString>

#include <optional>

namespace ops {

class AuditLog;
class Clock;
class EventStore;
class Timeline;

// Incidents as the operator sees them: grouped from the timeline, with the operator's edits
// (names, notes, merges, splits) from the event store laid over, and stable ids. Every edit is
// written to the audit log (incident.rename, incident.note, incident.merge, incident.split) with
// the OS user as actor.
class IncidentBook {
public:
    // store: where edits and ids are kept (written); timeline: where events are read; audit may
    // be null (edits are then not audited, for tests of the grouping only).
    IncidentBook(EventStore* store, const Timeline* timeline, AuditLog* audit, const Clock* clock);

    void setRules(const IncidentRules& rules) { m_rules = rules; }
    const IncidentRules& rules() const { return m_rules; }
    // How far before a query's start events are read, so an incident that began earlier is seen
    // whole (default 2 days).
    void setLookbackMs(qint64 ms) { m_lookbackMs = ms; }

    // Incidents of target ("" = every target) overlapping [fromMs, toMs), oldest first.
    QList<Incident> incidents(const QString& target, qint64 fromMs, qint64 toMs);
    std::optional<Incident> incident(qint64 id);

    // Edits; false with *error in words (unknown incident, empty title, different targets...).
    bool rename(qint64 id, const QString& title, QString* error);
    bool addNote(qint64 id, const QString& text, QString* error);
    // The incidents a and b (same target) and everything between them become one.
    bool merge(qint64 a, qint64 b, QString* error);
    // The incident becomes two at atMs (strictly inside it).
    bool split(qint64 id, qint64 atMs, QString* error);

    // Who is doing the edits (default: the OS user).
    void setActor(const QString& actor) { m_actor = actor; }

private:
    bool audit(const QString& action, const Incident& incident, const QJsonObject& details);

    EventStore* m_store;
    const Timeline* m_timeline;
    AuditLog* m_audit;
    const Clock* m_clock;
    IncidentRules m_rules;
    qint64 m_lookbackMs = 2LL * 24 * 3'600'000;
    QString m_actor;
};

} // namespace ops
