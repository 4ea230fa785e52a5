#include "models/incidents/EventStore.h"

#include "models/domain/Logging.h"
#include "models/storage/CorruptFile.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace ops {
namespace {

QAtomicInteger<quint64> s_connectionCounter;

// A null QString binds as SQL NULL: "" must stay "" (NOT NULL columns, "? = ''" filters).
QString text(const QString& value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

RecordedEvent eventFrom(const QSqlQuery& q)
{
    RecordedEvent e;
    e.id = q.value(0).toLongLong();
    e.timeMs = q.value(1).toLongLong();
    e.target = q.value(2).toString();
    e.kind = q.value(3).toString();
    e.fromState = q.value(4).toString();
    e.toState = q.value(5).toString();
    e.detail = q.value(6).toString();
    e.actor = q.value(7).toString();
    return e;
}

const char* const kEventColumns = "id, time_ms, target, kind, from_state, to_state, detail, actor";

} // namespace

EventStore::EventStore(QString path)
    : m_path(path.isEmpty() ? defaultPath() : std::move(path))
    , m_connection(QStringLiteral("ops.events.%1").arg(s_connectionCounter.fetchAndAddRelaxed(1)))
{
}

EventStore::~EventStore()
{
    if (QSqlDatabase::contains(m_connection)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connection, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString EventStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/events.sqlite");
}

bool EventStore::exec(const QString& sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(sql)) {
        m_error = q.lastError().text();
        qCWarning(lcIncidents) << "event store:" << sql << m_error;
        return false;
    }
    return true;
}

bool EventStore::open()
{
    if (m_open)
        return true;
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        m_error = QStringLiteral("cannot create the folder of %1").arg(m_path);
        return false;
    }
    // A damaged database is set aside and a fresh one started (recoveryNotice() says so).
    const CheckedSqlite checked =
        openCheckedSqlite(m_path, m_connection, QStringLiteral("The incident events"),
                          QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    m_recoveryNotice = checked.notice;
    if (!checked.ok) {
        m_error = checked.error;
        return false;
    }
    m_readOnly = checked.readOnly;
    m_readOnlyNotice = checked.readOnlyNotice;
    if (m_readOnly) { // what it holds can be read; nothing is created or changed
        m_error = m_readOnlyNotice;
        m_open = true;
        return true;
    }
    // WAL: readers (the CLI's report) do not block the console writing; synchronous=FULL: a
    // committed row survives a crash of the process and of the machine.
    if (!exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
        !exec(QStringLiteral("PRAGMA synchronous=FULL")) || !migrate())
        return false;
    m_open = true;
    return true;
}

bool EventStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    int version = 0;
    if (q.exec(QStringLiteral("PRAGMA user_version")) && q.next())
        version = q.value(0).toInt();
    q.finish();
    if (version > kSchemaVersion) {
        m_error = QStringLiteral("%1 has event schema %2, newer than this console knows (%3)")
                      .arg(m_path)
                      .arg(version)
                      .arg(kSchemaVersion);
        return false;
    }
    if (version == kSchemaVersion)
        return true;
    db.transaction();
    const bool ok =
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY "
                            "AUTOINCREMENT, time_ms INTEGER NOT NULL, target TEXT NOT NULL, kind "
                            "TEXT NOT NULL, from_state TEXT, to_state TEXT, detail TEXT, actor "
                            "TEXT NOT NULL)")) &&
        exec(QStringLiteral("CREATE INDEX IF NOT EXISTS events_time ON events(time_ms)")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS incident_ids (id INTEGER PRIMARY KEY "
                            "AUTOINCREMENT, target TEXT NOT NULL, opened_ms INTEGER NOT NULL, "
                            "UNIQUE (target, opened_ms))")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS incident_titles (incident_id INTEGER "
                            "PRIMARY KEY, title TEXT NOT NULL)")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS incident_notes (id INTEGER PRIMARY KEY "
                            "AUTOINCREMENT, incident_id INTEGER NOT NULL, time_ms INTEGER NOT "
                            "NULL, author TEXT NOT NULL, text TEXT NOT NULL)")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS incident_merges (id INTEGER PRIMARY KEY "
                            "AUTOINCREMENT, target TEXT NOT NULL, from_ms INTEGER NOT NULL, "
                            "to_ms INTEGER NOT NULL)")) &&
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS incident_splits (id INTEGER PRIMARY KEY "
                            "AUTOINCREMENT, target TEXT NOT NULL, at_ms INTEGER NOT NULL)")) &&
        exec(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));
    if (!ok) {
        m_error = QStringLiteral("cannot create the event schema: %1").arg(m_error);
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        m_error = QStringLiteral("cannot create the event schema: %1").arg(db.lastError().text());
        return false;
    }
    return true;
}

bool EventStore::writable()
{
    if (!m_open && !open())
        return false;
    if (m_readOnly) {
        m_error = m_readOnlyNotice;
        return false;
    }
    return true;
}

bool EventStore::append(RecordedEvent& event)
{
    if (!writable())
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO events (time_ms, target, kind, from_state, to_state, "
                             "detail, actor) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(event.timeMs);
    q.addBindValue(text(event.target));
    q.addBindValue(text(event.kind));
    q.addBindValue(text(event.fromState));
    q.addBindValue(text(event.toState));
    q.addBindValue(text(event.detail));
    q.addBindValue(text(event.actor));
    if (!q.exec()) {
        m_error = q.lastError().text();
        qCWarning(lcIncidents) << "cannot store event:" << m_error;
        return false;
    }
    event.id = q.lastInsertId().toLongLong();
    if (m_retentionMs > 0 && ++m_appendsSincePrune >= kPruneEvery) {
        m_appendsSincePrune = 0;
        pruneBefore(event.timeMs - m_retentionMs);
    }
    return true;
}

QList<RecordedEvent> EventStore::eventsBetween(qint64 fromMs, qint64 toMs,
                                               const QString& target) const
{
    QList<RecordedEvent> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM events WHERE time_ms >= ? AND time_ms < ? AND (? = "
                             "'' OR target = ? OR target = '') ORDER BY time_ms, id")
                  .arg(QLatin1String(kEventColumns)));
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    q.addBindValue(text(target));
    q.addBindValue(text(target));
    if (!q.exec()) {
        m_error = q.lastError().text();
        return out;
    }
    while (q.next())
        out << eventFrom(q);
    return out;
}

std::optional<RecordedEvent> EventStore::lastBefore(qint64 timeMs, const QString& target,
                                                    const QString& kind) const
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM events WHERE time_ms < ? AND target = ? AND (? = '' "
                             "OR kind = ?) ORDER BY time_ms DESC, id DESC LIMIT 1")
                  .arg(QLatin1String(kEventColumns)));
    q.addBindValue(timeMs);
    q.addBindValue(text(target));
    q.addBindValue(text(kind));
    q.addBindValue(text(kind));
    if (!q.exec() || !q.next())
        return std::nullopt;
    return eventFrom(q);
}

qint64 EventStore::pruneBefore(qint64 cutoffMs)
{
    if (!writable())
        return -1;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("DELETE FROM events WHERE time_ms < ?"));
    q.addBindValue(cutoffMs);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return -1;
    }
    return q.numRowsAffected();
}

qint64 EventStore::incidentId(const QString& target, qint64 openedMs)
{
    if (!m_open)
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT id FROM incident_ids WHERE target = ? AND opened_ms = ?"));
    q.addBindValue(target);
    q.addBindValue(openedMs);
    if (q.exec() && q.next())
        return q.value(0).toLongLong();
    q.finish();
    if (!writable())
        return 0;
    q.prepare(QStringLiteral("INSERT INTO incident_ids (target, opened_ms) VALUES (?, ?)"));
    q.addBindValue(target);
    q.addBindValue(openedMs);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return 0;
    }
    return q.lastInsertId().toLongLong();
}

bool EventStore::incidentKey(qint64 id, QString* target, qint64* openedMs) const
{
    if (!m_open)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT target, opened_ms FROM incident_ids WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return false;
    *target = q.value(0).toString();
    *openedMs = q.value(1).toLongLong();
    return true;
}

bool EventStore::setIncidentTitle(qint64 id, const QString& title)
{
    if (!writable())
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO incident_titles (incident_id, title) VALUES "
                             "(?, ?)"));
    q.addBindValue(id);
    q.addBindValue(title);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return false;
    }
    return true;
}

QString EventStore::incidentTitle(qint64 id) const
{
    if (!m_open)
        return {};
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT title FROM incident_titles WHERE incident_id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return {};
    return q.value(0).toString();
}

bool EventStore::addIncidentNote(IncidentNote& note)
{
    if (!writable())
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO incident_notes (incident_id, time_ms, author, text) "
                             "VALUES (?, ?, ?, ?)"));
    q.addBindValue(note.incidentId);
    q.addBindValue(note.timeMs);
    q.addBindValue(note.author);
    q.addBindValue(note.text);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return false;
    }
    note.id = q.lastInsertId().toLongLong();
    return true;
}

QList<IncidentNote> EventStore::incidentNotes(qint64 id) const
{
    QList<IncidentNote> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT id, incident_id, time_ms, author, text FROM incident_notes "
                             "WHERE incident_id = ? ORDER BY time_ms, id"));
    q.addBindValue(id);
    if (!q.exec())
        return out;
    while (q.next()) {
        IncidentNote n;
        n.id = q.value(0).toLongLong();
        n.incidentId = q.value(1).toLongLong();
        n.timeMs = q.value(2).toLongLong();
        n.author = q.value(3).toString();
        n.text = q.value(4).toString();
        out << n;
    }
    return out;
}

bool EventStore::addMerge(const IncidentMerge& merge)
{
    if (!writable())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM incident_splits WHERE target = ? AND at_ms > ? AND at_ms "
                             "<= ?"));
    q.addBindValue(merge.target);
    q.addBindValue(merge.fromMs);
    q.addBindValue(merge.toMs);
    bool ok = q.exec();
    if (ok) {
        q.prepare(QStringLiteral("INSERT INTO incident_merges (target, from_ms, to_ms) VALUES (?, "
                                 "?, ?)"));
        q.addBindValue(merge.target);
        q.addBindValue(merge.fromMs);
        q.addBindValue(merge.toMs);
        ok = q.exec();
    }
    if (!ok) {
        m_error = q.lastError().text();
        db.rollback();
        return false;
    }
    return db.commit();
}

QList<IncidentMerge> EventStore::merges(const QString& target) const
{
    QList<IncidentMerge> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT target, from_ms, to_ms FROM incident_merges WHERE target = ? "
                             "ORDER BY from_ms, id"));
    q.addBindValue(target);
    if (!q.exec())
        return out;
    while (q.next())
        out << IncidentMerge{q.value(0).toString(), q.value(1).toLongLong(),
                             q.value(2).toLongLong()};
    return out;
}

bool EventStore::addSplit(const QString& target, qint64 atMs)
{
    if (!writable())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    db.transaction();
    QSqlQuery q(db);
    // A merged range the split falls in is cut in two around it.
    q.prepare(QStringLiteral("SELECT id, from_ms, to_ms FROM incident_merges WHERE target = ? AND "
                             "from_ms < ? AND to_ms >= ?"));
    q.addBindValue(target);
    q.addBindValue(atMs);
    q.addBindValue(atMs);
    bool ok = q.exec();
    QList<IncidentMerge> cut;
    QList<qint64> cutIds;
    while (ok && q.next()) {
        cutIds << q.value(0).toLongLong();
        cut << IncidentMerge{target, q.value(1).toLongLong(), q.value(2).toLongLong()};
    }
    q.finish();
    for (int i = 0; ok && i < cut.size(); ++i) {
        q.prepare(QStringLiteral("UPDATE incident_merges SET to_ms = ? WHERE id = ?"));
        q.addBindValue(atMs - 1);
        q.addBindValue(cutIds[i]);
        ok = q.exec();
        if (ok && cut[i].toMs > atMs) {
            q.prepare(QStringLiteral("INSERT INTO incident_merges (target, from_ms, to_ms) VALUES "
                                     "(?, ?, ?)"));
            q.addBindValue(target);
            q.addBindValue(atMs);
            q.addBindValue(cut[i].toMs);
            ok = q.exec();
        }
    }
    if (ok) {
        q.prepare(QStringLiteral("INSERT INTO incident_splits (target, at_ms) VALUES (?, ?)"));
        q.addBindValue(target);
        q.addBindValue(atMs);
        ok = q.exec();
    }
    if (!ok) {
        m_error = q.lastError().text();
        db.rollback();
        return false;
    }
    return db.commit();
}

QList<qint64> EventStore::splits(const QString& target) const
{
    QList<qint64> out;
    if (!m_open)
        return out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT at_ms FROM incident_splits WHERE target = ? ORDER BY at_ms"));
    q.addBindValue(target);
    if (!q.exec())
        return out;
    while (q.next())
        out << q.value(0).toLongLong();
    return out;
}

} // namespace ops
