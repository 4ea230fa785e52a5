#pragma once

#include "models/incidents/EventStore.h"
#include "models/incidents/TimelineEvent.h"

#include <QList>
#include <QString>

#include <limits>

namespace ops {

// The highest value an alerting rule saw during an incident.
struct SignalPeak {
    QString rule;
    QString signal; // the rule's signal ("avg_response_time", ...) when known
    double value = std::numeric_limits<double>::quiet_NaN();
    double threshold = std::numeric_limits<double>::quiet_NaN();
    qint64 atMs = 0;
};

// A stretch of trouble on one target, from the events: it opens on the first alert firing or a
// non-up connection lasting longer than IncidentRules::connectionGraceMs, and closes once every
// alert has resolved and the connection has been up for IncidentRules::quietMs.
struct Incident {
    qint64 id = 0; // stable, from the event store (0 when not stored)
    QString target;
    QString title;     // the operator's name for it, else autoTitle
    QString autoTitle; // the first alert's rule and target, or the connection state
    qint64 openedMs = 0;
    qint64 storyStartMs = 0; // the first related event (an alert's pending, the outage start)
    qint64 resolvedMs = 0;   // everything resolved and up (0: not yet)
    qint64 closedMs = 0;     // resolved and quiet for the whole quiet time (0: still open)
    qint64 firstAckMs = 0;   // 0: never acknowledged
    QString firstAckBy;
    qint64 degradedMs = 0; // time with an alert firing or the connection not up
    QStringList rules;     // the alert rules that fired, in order
    QList<SignalPeak> peaks;
    // Everything of this target from storyStartMs to the close (or now), time ordered.
    QList<TimelineEvent> events;
    QList<IncidentNote> notes;
    // Trouble intervals [start, end) (end 0: still on), for degradedMs and merging.
    QList<QPair<qint64, qint64>> trouble;

    bool isOpen() const { return closedMs == 0; }
    bool isResolved() const { return resolvedMs != 0; }
    // Time to first acknowledgement / to resolution; -1 when not (yet).
    qint64 ttaMs() const { return firstAckMs ? firstAckMs - openedMs : -1; }
    qint64 ttrMs() const { return resolvedMs ? resolvedMs - openedMs : -1; }
    // Opened to resolved, or to nowMs while unresolved.
    qint64 durationMs(qint64 nowMs) const { return (resolvedMs ? resolvedMs : nowMs) - openedMs; }
    // The end of its span: closed, else nowMs.
    qint64 endMs(qint64 nowMs) const { return closedMs ? closedMs : nowMs; }
    // What operators did: acks, deploys, verifications, rollbacks, workflows, edits.
    QList<TimelineEvent> actions() const;
};

struct IncidentRules {
    qint64 connectionGraceMs = 60'000; // a non-up connection opens one after more than this
    qint64 quietMs = 5 * 60'000;       // resolved and up this long closes it
};

// True for connection states that count as trouble (all but "up" and "connecting").
bool isTroubleConnectionState(const QString& stateName);

// Groups time-ordered events (any targets; grouped per target) into incidents, oldest first.
// Events after nowMs are ignored. Titles are automatic, ids 0.
QList<Incident> groupIncidents(const QList<TimelineEvent>& events, qint64 nowMs,
                               const IncidentRules& rules = {});
// The operator's edits: incidents of a target overlapping a merged range become one; an
// incident spanning a split point becomes two (the first resolved and closed at the split).
QList<Incident> applyMerges(QList<Incident> incidents, const QList<IncidentMerge>& merges,
                            qint64 nowMs);
QList<Incident> applySplits(QList<Incident> incidents, const QString& target,
                            const QList<qint64>& splits, qint64 nowMs);
// Title, first ack, rules, peaks and degraded time from events and trouble (after edits).
void deriveIncidentFigures(Incident& incident, qint64 nowMs);

// Mean response times of the incidents opened in the last `days` days before nowMs.
struct ResponseStats {
    int incidents = 0;
    int acknowledged = 0;
    int resolved = 0;
    qint64 meanTtaMs = -1; // -1: none acknowledged
    qint64 meanTtrMs = -1; // -1: none resolved
};
ResponseStats responseStats(const QList<Incident>& incidents, qint64 nowMs, int days);

// "4 min 30 s", "2 h 5 min", "12 s"; "—" for a negative duration (none).
QString formatIncidentDuration(qint64 ms);

} // namespace ops
