#include "models/incidents/IncidentBook.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/Timeline.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSet>

namespace ops {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::IncidentBook", text);
}

} // namespace

IncidentBook::IncidentBook(EventStore* store, const Timeline* timeline, AuditLog* audit,
                           const Clock* clock)
    : m_store(store)
    , m_timeline(timeline)
    , m_audit(audit)
    , m_clock(clock)
    , m_actor(AuditLog::currentUser())
{
}

QList<Incident> IncidentBook::incidents(const QString& target, qint64 fromMs, qint64 toMs)
{
    const qint64 now = m_clock->nowMs();
    TimelineQuery query;
    query.fromMs = fromMs > m_lookbackMs ? fromMs - m_lookbackMs : 0;
    // Up to now whatever the range: how an incident ends (its ack, its resolution) may come
    // after the range asked for.
    query.toMs = now + 1;
    query.target = target;
    query.notifications = true;
    QList<Incident> grouped = groupIncidents(m_timeline->events(query), now, m_rules);
    if (m_store && m_store->isOpen()) {
        QSet<QString> targets;
        for (const Incident& i : grouped)
            targets.insert(i.target);
        for (const QString& t : targets) {
            grouped = applyMerges(grouped, m_store->merges(t), now);
            grouped = applySplits(grouped, t, m_store->splits(t), now);
        }
    }
    QList<Incident> out;
    for (Incident& i : grouped) {
        if (i.openedMs >= toMs || i.endMs(now) < fromMs)
            continue;
        if (m_store && m_store->isOpen()) {
            i.id = m_store->incidentId(i.target, i.openedMs);
            const QString title = m_store->incidentTitle(i.id);
            if (!title.isEmpty())
                i.title = title;
            i.notes = m_store->incidentNotes(i.id);
        }
        out << i;
    }
    return out;
}

std::optional<Incident> IncidentBook::incident(qint64 id)
{
    QString target;
    qint64 openedMs = 0;
    if (!m_store || !m_store->incidentKey(id, &target, &openedMs))
        return std::nullopt;
    for (const Incident& i : incidents(target, openedMs, openedMs + 1)) {
        if (i.id == id)
            return i;
    }
    // Merged into an earlier one since: the incident that holds its opening time.
    for (const Incident& i : incidents(target, openedMs, openedMs + 1)) {
        if (i.openedMs <= openedMs && openedMs <= i.endMs(m_clock->nowMs()))
            return i;
    }
    return std::nullopt;
}

bool IncidentBook::audit(const QString& action, const Incident& incident,
                         const QJsonObject& details)
{
    if (!m_audit)
        return true;
    AuditEntry entry;
    entry.timeMs = m_clock->nowMs();
    entry.actor = m_actor;
    entry.target = incident.target;
    entry.action = action;
    entry.subject = QString::number(incident.id);
    entry.details = details;
    entry.result = QStringLiteral("ok");
    return m_audit->append(entry);
}

bool IncidentBook::rename(qint64 id, const QString& title, QString* error)
{
    const QString trimmed = title.trimmed();
    if (trimmed.isEmpty()) {
        *error = tr("an incident's name cannot be empty");
        return false;
    }
    const auto incident = this->incident(id);
    if (!incident) {
        *error = tr("there is no incident %1").arg(id);
        return false;
    }
    if (!m_store->setIncidentTitle(incident->id, trimmed)) {
        *error = tr("the new name could not be saved: %1").arg(m_store->errorString());
        return false;
    }
    audit(QStringLiteral("incident.rename"), *incident,
          {{QStringLiteral("from"), incident->title}, {QStringLiteral("text"), trimmed}});
    return true;
}

bool IncidentBook::addNote(qint64 id, const QString& text, QString* error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = tr("a note cannot be empty");
        return false;
    }
    const auto incident = this->incident(id);
    if (!incident) {
        *error = tr("there is no incident %1").arg(id);
        return false;
    }
    IncidentNote note;
    note.incidentId = incident->id;
    note.timeMs = m_clock->nowMs();
    note.author = m_actor;
    note.text = trimmed;
    if (!m_store->addIncidentNote(note)) {
        *error = tr("the note could not be saved: %1").arg(m_store->errorString());
        return false;
    }
    audit(QStringLiteral("incident.note"), *incident, {{QStringLiteral("text"), trimmed}});
    return true;
}

bool IncidentBook::merge(qint64 a, qint64 b, QString* error)
{
    const auto first = incident(a);
    const auto second = incident(b);
    if (!first || !second) {
        *error = tr("there is no incident %1").arg(first ? b : a);
        return false;
    }
    if (first->id == second->id) {
        *error = tr("incidents %1 and %2 are already one").arg(a).arg(b);
        return false;
    }
    if (first->target != second->target) {
        *error = tr("incidents of different targets (%1, %2) cannot be merged")
                     .arg(first->target, second->target);
        return false;
    }
    const qint64 now = m_clock->nowMs();
    IncidentMerge m;
    m.target = first->target;
    m.fromMs = std::min(first->openedMs, second->openedMs);
    m.toMs = std::max(first->endMs(now), second->endMs(now));
    if (!m_store->addMerge(m)) {
        *error = tr("the merge could not be saved: %1").arg(m_store->errorString());
        return false;
    }
    audit(QStringLiteral("incident.merge"), *first,
          {{QStringLiteral("with"), QString::number(second->id)},
           {QStringLiteral("text"), tr("merged with incident %1").arg(second->id)}});
    return true;
}

bool IncidentBook::split(qint64 id, qint64 atMs, QString* error)
{
    const auto incident = this->incident(id);
    if (!incident) {
        *error = tr("there is no incident %1").arg(id);
        return false;
    }
    if (atMs <= incident->openedMs || atMs >= incident->endMs(m_clock->nowMs())) {
        *error = tr("an incident can only be split at a time inside it");
        return false;
    }
    if (!m_store->addSplit(incident->target, atMs)) {
        *error = tr("the split could not be saved: %1").arg(m_store->errorString());
        return false;
    }
    audit(QStringLiteral("incident.split"), *incident,
          {{QStringLiteral("at_ms"), QString::number(atMs)},
           {QStringLiteral("text"), tr("split in two")}});
    return true;
}

} // namespace ops
