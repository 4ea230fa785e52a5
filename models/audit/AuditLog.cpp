#include "models/audit/AuditLog.h"

#include "models/domain/Units.h"

#include "models/storage/CorruptFile.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace ops {

AuditLog::AuditLog(QString path)
    : m_path(path.isEmpty() ? defaultPath() : std::move(path))
{
}

AuditLog::~AuditLog() = default;

QString AuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/audit.sqlite");
}

QString AuditLog::currentUser()
{
    return operatorName(); // the same identity as an acknowledgement's author
}

bool AuditLog::open()
{
    if (m_open)
        return true;
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        m_error = QStringLiteral("cannot create the folder of %1").arg(m_path);
        return false;
    }
    // A damaged database is set aside and a fresh one started (recoveryNotice() says so).
    // WAL, synchronous=FULL (a logged action survives a power cut) and the busy timeout are
    // set by the connection.
    const CheckedSqlite checked = m_connection.open(m_path, QStringLiteral("The audit log"));
    m_recoveryNotice = checked.notice;
    if (!checked.ok) {
        m_error = checked.error;
        return false;
    }
    m_readOnly = checked.readOnly;
    m_readOnlyNotice = checked.readOnlyNotice;
    if (m_readOnly) { // readable as it is (an older schema cannot be migrated: refused)
        m_error = m_readOnlyNotice;
        if (schemaVersion() != kSchemaVersion) {
            m_error = QStringLiteral("%1 (and its schema %2 cannot be brought to %3)")
                          .arg(m_readOnlyNotice)
                          .arg(schemaVersion())
                          .arg(kSchemaVersion);
            return false;
        }
        m_open = true;
        return true;
    }
    if (!migrate())
        return false;
    m_open = true;
    return true;
}

int AuditLog::synchronousLevel() const
{
    if (!QSqlDatabase::contains(m_connection.name()))
        return -1;
    QSqlQuery q(m_connection.database());
    if (!q.exec(QStringLiteral("PRAGMA synchronous")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

int AuditLog::schemaVersion() const
{
    if (!QSqlDatabase::contains(m_connection.name()))
        return 0;
    QSqlQuery q(m_connection.database());
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return 0;
    const int version = q.value(0).toInt();
    q.finish();
    return version;
}

bool AuditLog::migrate()
{
    QSqlDatabase db = m_connection.database();
    const int version = schemaVersion();
    if (version > kSchemaVersion) {
        m_error = QStringLiteral("%1 has audit schema %2, newer than this console knows (%3)")
                      .arg(m_path)
                      .arg(version)
                      .arg(kSchemaVersion);
        return false;
    }
    if (version == kSchemaVersion)
        return true;
    db.transaction();
    QSqlQuery q(db);
    const bool ok =
        q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS audit_log ("
                              " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                              " time_ms INTEGER NOT NULL,"
                              " actor TEXT NOT NULL,"
                              " target TEXT NOT NULL,"
                              " action TEXT NOT NULL,"
                              " subject TEXT NOT NULL DEFAULT '',"
                              " details TEXT NOT NULL DEFAULT '{}',"
                              " result TEXT NOT NULL DEFAULT '')")) &&
        q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log(time_ms)")) &&
        q.exec(
            QStringLiteral("CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log(action)")) &&
        q.exec(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));
    if (!ok) {
        m_error = QStringLiteral("cannot create the audit schema: %1").arg(q.lastError().text());
        db.rollback();
        return false;
    }
    q.finish();
    if (!db.commit()) {
        m_error = QStringLiteral("cannot create the audit schema: %1").arg(db.lastError().text());
        return false;
    }
    return true;
}

bool AuditLog::append(AuditEntry& entry)
{
    if (!m_open && !open())
        return false;
    if (m_readOnly) {
        m_error = m_readOnlyNotice;
        return false;
    }
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("INSERT INTO audit_log (time_ms, actor, target, action, subject, "
                             "details, result) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(entry.timeMs);
    q.addBindValue(entry.actor);
    q.addBindValue(entry.target);
    q.addBindValue(entry.action);
    q.addBindValue(entry.subject);
    q.addBindValue(QString::fromUtf8(QJsonDocument(entry.details).toJson(QJsonDocument::Compact)));
    q.addBindValue(entry.result);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return false;
    }
    entry.id = q.lastInsertId().toLongLong();
    return true;
}

namespace {

AuditEntry auditEntryFrom(const QSqlQuery& q)
{
    AuditEntry e;
    e.id = q.value(0).toLongLong();
    e.timeMs = q.value(1).toLongLong();
    e.actor = q.value(2).toString();
    e.target = q.value(3).toString();
    e.action = q.value(4).toString();
    e.subject = q.value(5).toString();
    e.details = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object();
    e.result = q.value(7).toString();
    return e;
}

} // namespace

QList<AuditEntry> AuditLog::entriesBetween(qint64 fromMs, qint64 toMs, const QString& target) const
{
    QList<AuditEntry> out;
    if (!m_open)
        return out;
    QSqlQuery q(m_connection.database());
    q.prepare(QStringLiteral("SELECT id, time_ms, actor, target, action, subject, details, result "
                             "FROM audit_log WHERE time_ms >= ? AND time_ms < ? AND (? = '' OR "
                             "target = ?) ORDER BY time_ms, id"));
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    // A null QString binds as NULL, which "? = ''" never matches.
    const QString anyTarget = target.isNull() ? QStringLiteral("") : target;
    q.addBindValue(anyTarget);
    q.addBindValue(anyTarget);
    if (!q.exec())
        return out;
    while (q.next())
        out.append(auditEntryFrom(q));
    return out;
}

QList<AuditEntry> AuditLog::entries(const QString& action, int limit) const
{
    QList<AuditEntry> out;
    if (!m_open)
        return out;
    QSqlQuery q(m_connection.database());
    QString sql = QStringLiteral(
        "SELECT id, time_ms, actor, target, action, subject, details, result FROM audit_log");
    if (!action.isEmpty())
        sql += QStringLiteral(" WHERE action = ?");
    sql += QStringLiteral(" ORDER BY id DESC");
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    q.prepare(sql);
    if (!action.isEmpty())
        q.addBindValue(action);
    if (!q.exec())
        return out;
    while (q.next())
        out.append(auditEntryFrom(q));
    return out;
}

QString AuditLog::writeProblem()
{
    if (!m_open && !open())
        return m_error;
    if (m_readOnly)
        return m_readOnlyNotice;
    return {};
}

} // namespace ops
