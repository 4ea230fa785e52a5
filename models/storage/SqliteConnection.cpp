#include "models/storage/SqliteConnection.h"

#include <QAtomicInteger>
#include <QSqlError>
#include <QSqlQuery>

namespace ops {

namespace {
QAtomicInteger<quint64> g_connectionCounter;
} // namespace

SqliteConnection::SqliteConnection(const QString& prefix)
    : m_name(QStringLiteral("%1.%2").arg(prefix).arg(g_connectionCounter.fetchAndAddRelaxed(1)))
{
}

SqliteConnection::~SqliteConnection()
{
    if (!QSqlDatabase::contains(m_name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

QSqlDatabase SqliteConnection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

CheckedSqlite SqliteConnection::open(const QString& path, const QString& what)
{
    CheckedSqlite checked = openCheckedSqlite(
        path, m_name, what, QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!checked.ok || checked.readOnly)
        return checked;
    QSqlQuery q(database());
    for (const QString& pragma :
         {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=FULL")}) {
        if (!q.exec(pragma)) {
            checked.ok = false;
            checked.error = QStringLiteral("%1 %2: %3").arg(what, path, q.lastError().text());
            return checked;
        }
        q.finish();
    }
    return checked;
}

} // namespace ops
