#include "storage/CorruptFile.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace ops {

Q_LOGGING_CATEGORY(lcStorage, "ops.storage")

namespace {

// SQLite result codes that mean "this file is not a readable database".
bool isCorruptionCode(const QSqlError& error)
{
    const QString code = error.nativeErrorCode();
    // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with or without extended bits.
    bool ok = false;
    const int n = code.toInt(&ok);
    return ok && ((n & 0xff) == 11 || (n & 0xff) == 26);
}

// "ok" from PRAGMA quick_check, otherwise the first problems it reports (or the error).
QString quickCheck(const QSqlDatabase& db, bool* corrupt)
{
    *corrupt = false;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA quick_check(5)"))) {
        *corrupt = isCorruptionCode(q.lastError());
        return q.lastError().databaseText();
    }
    QStringList problems;
    while (q.next())
        problems << q.value(0).toString();
    q.finish();
    if (problems == QStringList{QStringLiteral("ok")})
        return QStringLiteral("ok");
    *corrupt = true;
    return problems.join(QStringLiteral("; ")).simplified().left(300);
}

void closeConnection(const QString& connectionName)
{
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

} // namespace

SetAside setAsideCorruptFile(const QString& path, const QString& what, const QString& why)
{
    SetAside r;
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = path + QStringLiteral(".corrupt-") + stamp;
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = path + QStringLiteral(".corrupt-") + stamp + QLatin1Char('-') + QString::number(n);
    if (!QFile::rename(path, target)) {
        r.error = QStringLiteral("%1 %2 is damaged (%3) and could not be moved aside")
                      .arg(what, path, why);
        qCCritical(lcStorage).noquote() << r.error;
        return r;
    }
    // A database's journal belongs to the damaged file, never to the fresh one.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        const QString companion = path + QLatin1String(suffix);
        if (QFileInfo::exists(companion))
            QFile::rename(companion, target + QLatin1String(suffix));
    }
    r.ok = true;
    r.newPath = target;
    r.notice = QStringLiteral("%1 %2 was damaged (%3); it was set aside as %4 and a new one was "
                              "started")
                   .arg(what, path, why, target);
    qCWarning(lcStorage).noquote() << r.notice;
    return r;
}

CheckedSqlite openCheckedSqlite(const QString& path, const QString& connectionName,
                                const QString& what, const QString& connectOptions)
{
    CheckedSqlite r;
    for (int attempt = 0; attempt < 2; ++attempt) {
        QString why;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
            db.setDatabaseName(path);
            if (!connectOptions.isEmpty())
                db.setConnectOptions(connectOptions);
            if (!db.open()) {
                const bool corrupt = isCorruptionCode(db.lastError());
                why = db.lastError().text();
                if (!corrupt || attempt > 0) {
                    r.error = QStringLiteral("cannot open %1: %2").arg(path, why);
                    return r;
                }
            } else {
                bool corrupt = false;
                const QString check = quickCheck(db, &corrupt);
                if (check == QLatin1String("ok")) {
                    r.ok = true;
                    return r;
                }
                if (!corrupt || attempt > 0) {
                    r.error = QStringLiteral("cannot read %1: %2").arg(path, check);
                    return r;
                }
                why = check;
            }
        }
        closeConnection(connectionName);
        const SetAside moved = setAsideCorruptFile(path, what, why);
        if (!moved.ok) {
            r.error = moved.error;
            return r;
        }
        r.notice = moved.notice;
    }
    return r;
}

} // namespace ops
