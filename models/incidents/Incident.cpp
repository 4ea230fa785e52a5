#include "models/incidents/Incident.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace ops {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::Incident", text);
}

bool isAlertActivating(const QString& kind)
{
    return kind == QLatin1String("alert.firing");
}

// Per target: what is wrong now, and the incident being built.
struct TargetState {
    QSet<QString> firing;         // rules firing (or recovering, or without data after firing)
    QHash<QString, qint64> since; // rule -> its pending (or firing) start
    bool connectionTrouble = false;
    qint64 connectionSince = 0;
    bool troubled = false;
    qint64 troubleSince = 0;
    qint64 calmSince = -1; // everything fine since (with an incident open)
    std::optional<Incident> current;
    QList<TimelineEvent> recent; // the target's events while no incident is open
};

void openIncident(TargetState& s, qint64 openedMs, qint64 storyStartMs, const QString& target)
{
    Incident incident;
    incident.target = target;
    incident.openedMs = openedMs;
    incident.storyStartMs = std::min(openedMs, storyStartMs);
    for (const TimelineEvent& e : s.recent) {
        if (e.timeMs >= incident.storyStartMs)
            incident.events << e;
    }
    s.recent.clear();
    if (s.troubled)
        incident.trouble << qMakePair(s.troubleSince, qint64(0));
    s.current = incident;
    s.calmSince = -1;
}

} // namespace

bool isTroubleConnectionState(const QString& stateName)
{
    return !stateName.isEmpty() && stateName != QLatin1String("up") &&
           stateName != QLatin1String("connecting");
}

QList<TimelineEvent> Incident::actions() const
{
    QList<TimelineEvent> out;
    for (const TimelineEvent& e : events) {
        if (e.isAction())
            out << e;
    }
    return out;
}

void deriveIncidentFigures(Incident& incident, qint64 nowMs)
{
    incident.rules.clear();
    incident.peaks.clear();
    incident.firstAckMs = 0;
    incident.firstAckBy.clear();
    QString firstConnection;
    QHash<QString, int> peakIndex;
    for (const TimelineEvent& e : incident.events) {
        if (e.timeMs < incident.openedMs && e.kind != QLatin1String("alert.pending") &&
            !isAlertActivating(e.kind))
            continue;
        if (isAlertActivating(e.kind) && !incident.rules.contains(e.rule))
            incident.rules << e.rule;
        if (e.kind == QLatin1String("connection") && firstConnection.isEmpty() &&
            isTroubleConnectionState(e.toState))
            firstConnection = e.toState;
        if (e.kind == QLatin1String("alert.ack") && incident.firstAckMs == 0 &&
            e.timeMs >= incident.openedMs) {
            incident.firstAckMs = e.timeMs;
            incident.firstAckBy = e.actor;
        }
        if (e.lane == EventLane::Alert && !e.rule.isEmpty() && !std::isnan(e.value)) {
            auto it = peakIndex.find(e.rule);
            if (it == peakIndex.end()) {
                peakIndex.insert(e.rule, int(incident.peaks.size()));
                incident.peaks << SignalPeak{e.rule, {}, e.value, e.threshold, e.timeMs};
            } else if (e.value > incident.peaks[*it].value) {
                incident.peaks[*it].value = e.value;
                incident.peaks[*it].atMs = e.timeMs;
                if (!std::isnan(e.threshold))
                    incident.peaks[*it].threshold = e.threshold;
            }
        }
    }
    if (!incident.rules.isEmpty())
        incident.autoTitle = tr("%1 on %2").arg(incident.rules.first(), incident.target);
    else
        incident.autoTitle = tr("%1 %2").arg(
            incident.target, firstConnection.isEmpty() ? tr("not up") : firstConnection);
    if (incident.title.isEmpty())
        incident.title = incident.autoTitle;
    const qint64 end = incident.resolvedMs ? incident.resolvedMs : nowMs;
    qint64 degraded = 0;
    for (const auto& [from, to] : incident.trouble) {
        const qint64 a = std::max(from, incident.openedMs);
        const qint64 b = std::min(to ? to : nowMs, end);
        if (b > a)
            degraded += b - a;
    }
    incident.degradedMs = degraded;
}

QList<Incident> groupIncidents(const QList<TimelineEvent>& events, qint64 nowMs,
                               const IncidentRules& rules)
{
    QHash<QString, TargetState> states;
    QList<Incident> done;

    // Before the event at t: a quiet time that ran out closes, an outage past its grace opens.
    const auto advance = [&](TargetState& s, const QString& target, qint64 t) {
        if (s.current && s.calmSince >= 0 && t - s.calmSince >= rules.quietMs) {
            s.current->resolvedMs = s.calmSince;
            s.current->closedMs = s.calmSince + rules.quietMs;
            done << *s.current;
            s.current.reset();
            s.calmSince = -1;
        }
        if (s.connectionTrouble && t - s.connectionSince > rules.connectionGraceMs) {
            if (!s.current)
                openIncident(s, s.connectionSince, s.connectionSince, target);
            else if (s.connectionSince < s.current->openedMs)
                s.current->openedMs = s.current->storyStartMs = s.connectionSince;
        }
    };
    const auto updateTrouble = [&](TargetState& s, qint64 t) {
        const bool troubled = !s.firing.isEmpty() || s.connectionTrouble;
        if (troubled == s.troubled)
            return;
        s.troubled = troubled;
        if (troubled) {
            s.troubleSince = t;
            s.calmSince = -1;
            if (s.current)
                s.current->trouble << qMakePair(t, qint64(0));
        } else {
            if (s.current) {
                if (!s.current->trouble.isEmpty() && s.current->trouble.last().second == 0)
                    s.current->trouble.last().second = t;
                s.calmSince = t;
            }
        }
    };

    for (const TimelineEvent& e : events) {
        if (e.timeMs > nowMs)
            break;
        if (e.target.isEmpty())
            continue; // the console's own start/stop belongs to no target
        TargetState& s = states[e.target];
        advance(s, e.target, e.timeMs);
        if (s.current)
            s.current->events << e;
        else
            s.recent << e;
        if (e.source == EventSource::Alerts && e.lane == EventLane::Alert) {
            if (e.kind == QLatin1String("alert.pending")) {
                s.since.insert(e.rule, e.timeMs);
            } else if (isAlertActivating(e.kind)) {
                if (!s.since.contains(e.rule))
                    s.since.insert(e.rule, e.timeMs);
                s.firing.insert(e.rule);
                if (!s.current)
                    openIncident(s, e.timeMs, s.since.value(e.rule), e.target);
            } else if (e.kind == QLatin1String("alert.resolved")) {
                s.firing.remove(e.rule);
                s.since.remove(e.rule);
            }
        } else if (e.kind == QLatin1String("connection")) {
            const bool trouble = isTroubleConnectionState(e.toState);
            if (trouble && !s.connectionTrouble)
                s.connectionSince = e.timeMs;
            s.connectionTrouble = trouble;
        }
        updateTrouble(s, e.timeMs);
        if (!s.current && !s.troubled) {
            // Keep only what may become the start of a story (an alert pending for a while).
            while (!s.recent.isEmpty() && s.recent.first().timeMs < e.timeMs - 3'600'000)
                s.recent.removeFirst();
        }
    }
    for (auto it = states.begin(); it != states.end(); ++it) {
        advance(it.value(), it.key(), nowMs);
        if (it.value().current)
            done << *it.value().current;
    }
    for (Incident& incident : done)
        deriveIncidentFigures(incident, nowMs);
    std::sort(done.begin(), done.end(), [](const Incident& a, const Incident& b) {
        return a.openedMs != b.openedMs ? a.openedMs < b.openedMs : a.target < b.target;
    });
    return done;
}

QList<Incident> applyMerges(QList<Incident> incidents, const QList<IncidentMerge>& merges,
                            qint64 nowMs)
{
    for (const IncidentMerge& m : merges) {
        QList<Incident> kept;
        std::optional<Incident> merged;
        for (Incident& i : incidents) {
            const bool overlaps =
                i.target == m.target && i.openedMs <= m.toMs && i.endMs(nowMs) >= m.fromMs;
            if (!overlaps) {
                kept << i;
                continue;
            }
            if (!merged) {
                merged = i;
                continue;
            }
            Incident& into = *merged;
            const bool intoLater = i.openedMs < into.openedMs;
            into.openedMs = std::min(into.openedMs, i.openedMs);
            into.storyStartMs = std::min(into.storyStartMs, i.storyStartMs);
            into.resolvedMs =
                (into.resolvedMs && i.resolvedMs) ? std::max(into.resolvedMs, i.resolvedMs) : 0;
            into.closedMs = (into.closedMs && i.closedMs) ? std::max(into.closedMs, i.closedMs) : 0;
            if (intoLater) // the earliest incident's name leads
                into.title = i.title;
            QList<TimelineEvent> all = into.events + i.events;
            sortTimeline(all);
            into.events.clear();
            for (const TimelineEvent& e : all) { // the same row once
                if (into.events.isEmpty() || into.events.last().source != e.source ||
                    into.events.last().sourceId != e.sourceId ||
                    into.events.last().timeMs != e.timeMs)
                    into.events << e;
            }
            into.trouble += i.trouble;
            into.notes += i.notes;
        }
        if (merged) {
            if (!merged->resolvedMs)
                merged->closedMs = 0;
            kept << *merged;
        }
        incidents = kept;
    }
    for (Incident& i : incidents)
        deriveIncidentFigures(i, nowMs);
    std::sort(incidents.begin(), incidents.end(),
              [](const Incident& a, const Incident& b) { return a.openedMs < b.openedMs; });
    return incidents;
}

QList<Incident> applySplits(QList<Incident> incidents, const QString& target,
                            const QList<qint64>& splits, qint64 nowMs)
{
    for (qint64 at : splits) {
        QList<Incident> out;
        for (const Incident& i : incidents) {
            if (i.target != target || at <= i.openedMs || at >= i.endMs(nowMs)) {
                out << i;
                continue;
            }
            Incident first = i;
            Incident second = i;
            first.closedMs = at;
            second.openedMs = second.storyStartMs = at;
            second.title.clear();
            second.notes.clear();
            if (second.resolvedMs && second.resolvedMs < at)
                second.resolvedMs = at;
            first.events.clear();
            second.events.clear();
            for (const TimelineEvent& e : i.events)
                (e.timeMs < at ? first.events : second.events) << e;
            first.trouble.clear();
            second.trouble.clear();
            for (const auto& [from, to] : i.trouble) {
                if (from < at)
                    first.trouble << qMakePair(from, (to == 0 || to > at) ? at : to);
                if (to == 0 || to > at)
                    second.trouble << qMakePair(std::max(from, at), to);
            }
            // The first part resolved when its last trouble ended, if that was before the split.
            first.resolvedMs = at;
            if (!first.trouble.isEmpty() && first.trouble.last().second < at &&
                first.trouble.last().second != 0)
                first.resolvedMs = first.trouble.last().second;
            out << first << second;
        }
        incidents = out;
    }
    for (Incident& i : incidents)
        deriveIncidentFigures(i, nowMs);
    return incidents;
}

ResponseStats responseStats(const QList<Incident>& incidents, qint64 nowMs, int days)
{
    ResponseStats stats;
    const qint64 from = nowMs - qint64(days) * 24 * 3'600'000;
    qint64 ttaSum = 0;
    qint64 ttrSum = 0;
    for (const Incident& i : incidents) {
        if (i.openedMs < from || i.openedMs > nowMs)
            continue;
        ++stats.incidents;
        if (i.ttaMs() >= 0) {
            ++stats.acknowledged;
            ttaSum += i.ttaMs();
        }
        if (i.ttrMs() >= 0) {
            ++stats.resolved;
            ttrSum += i.ttrMs();
        }
    }
    if (stats.acknowledged)
        stats.meanTtaMs = ttaSum / stats.acknowledged;
    if (stats.resolved)
        stats.meanTtrMs = ttrSum / stats.resolved;
    return stats;
}

QString formatIncidentDuration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("—");
    const qint64 s = (ms + 500) / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return s % 60 ? tr("%1 min %2 s").arg(s / 60).arg(s % 60) : tr("%1 min").arg(s / 60);
    const qint64 m = s / 60;
    return m % 60 ? tr("%1 h %2 min").arg(m / 60).arg(m % 60) : tr("%1 h").arg(m / 60);
}

} // namespace ops
