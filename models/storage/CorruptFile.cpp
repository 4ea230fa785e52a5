#include "models/storage/CorruptFile.h"

#include "models/domain/Logging.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QUrl>
#include <QVariant>

namespace ops {

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

bool isReadOnlyCode(const QSqlError& error)
{
    bool ok = false;
    const int n = error.nativeErrorCode().toInt(&ok);
    return ok && (n & 0xff) == 8; // SQLITE_READONLY and its extended codes
}

// Whether the connection can write: sets PRAGMA user_version to the value it has (a write
// transaction that changes nothing). Only a read-only refusal counts (busy is not read-only).
bool refusesWrites(const QSqlDatabase& db, QString* why)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return false;
    const int version = q.value(0).toInt();
    q.finish();
    if (q.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)))
        return false;
    *why = q.lastError().databaseText();
    return isReadOnlyCode(q.lastError());
}

// "; not writable: <file>, <folder>" for the database, its -wal/-shm files and its folder.
QString notWritable(const QString& path)
{
    QStringList names;
    for (const QString& p : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        const QFileInfo info(p);
        if (info.exists() && !info.isWritable())
            names << info.fileName();
    }
    const QFileInfo folder(QFileInfo(path).absolutePath());
    if (!folder.isWritable())
        names << folder.absoluteFilePath() + u'/';
    return names.isEmpty() ? QString()
                           : QStringLiteral("; not writable: ") + names.join(QStringLiteral(", "));
}

QString readOnlyNoticeFor(const QString& what, const QString& path, const QString& why)
{
    return QStringLiteral("%1 %2 is read-only (%3): what it holds is shown, but nothing new is "
                          "saved to it until it is writable again and the console is restarted")
        .arg(what, path, why);
}

// "ok" from PRAGMA quick_check, otherwise the first problems it reports (or the error).
QString quickCheck(const QSqlDatabase& db, bool* corrupt, bool* readOnly = nullptr)
{
    *corrupt = false;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA quick_check(5)"))) {
        *corrupt = isCorruptionCode(q.lastError());
        if (readOnly)
            *readOnly = isReadOnlyCode(q.lastError());
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
    // Set when it is opened immutable below: SQLite cannot read it (the folder is read-only
    // too), or it cannot write it and this open made the -wal/-shm files (removed again, so that
    // read-only leftovers do not keep it read-only once the database is writable again).
    QString readOnlyWhy;
    const QString wal = path + QStringLiteral("-wal");
    const QString shm = path + QStringLiteral("-shm");
    const bool hadCompanions = QFileInfo::exists(wal) || QFileInfo::exists(shm);
    for (int attempt = 0; attempt < 2 && readOnlyWhy.isEmpty(); ++attempt) {
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
                bool readOnly = false;
                const QString check = quickCheck(db, &corrupt, &readOnly);
                if (check == QLatin1String("ok")) {
                    if (!refusesWrites(db, &why)) {
                        r.ok = true;
                        return r;
                    }
                    if (hadCompanions) { // not ours to remove: read-only as it is
                        r.ok = true;
                        r.readOnly = true;
                        r.readOnlyNotice = readOnlyNoticeFor(what, path, why + notWritable(path));
                        qCWarning(lcStorage).noquote() << r.readOnlyNotice;
                        return r;
                    }
                    readOnlyWhy = why; // closed below, then opened immutable
                } else if (readOnly) {
                    readOnlyWhy = check;
                } else if (!corrupt || attempt > 0) {
                    r.error = QStringLiteral("cannot read %1: %2").arg(path, check);
                    return r;
                }
                why = check;
            }
        }
        closeConnection(connectionName);
        if (!readOnlyWhy.isEmpty()) {
            if (!hadCompanions && QFileInfo(wal).size() == 0) {
                QFile::remove(wal);
                QFile::remove(shm);
            }
            break;
        }
        const SetAside moved = setAsideCorruptFile(path, what, why);
        if (!moved.ok) {
            r.error = moved.error;
            return r;
        }
        r.notice = moved.notice;
    }
    if (readOnlyWhy.isEmpty())
        return r;
    // Read-only: opened immutable (in a read-only folder SQLite cannot even make the -shm file a
    // WAL database needs to be read). That is exact when there is no -wal with rows in it.
    if (QFileInfo(wal).size() > 0) {
        r.error = QStringLiteral("cannot read %1: %2 (and its -wal file holds rows that a "
                                 "read-only folder keeps from being read)")
                      .arg(path, readOnlyWhy);
        return r;
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded) +
                           QStringLiteral("?mode=ro&immutable=1"));
        db.setConnectOptions((connectOptions.isEmpty() ? QString() : connectOptions + u';') +
                             QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
        bool corrupt = false;
        const QString check =
            db.open() ? quickCheck(db, &corrupt) : db.lastError().text().simplified();
        if (check == QLatin1String("ok")) {
            r.ok = true;
            r.readOnly = true;
            r.readOnlyNotice = readOnlyNoticeFor(what, path, readOnlyWhy + notWritable(path));
            qCWarning(lcStorage).noquote() << r.readOnlyNotice;
            return r;
        }
        r.error = QStringLiteral("cannot read %1: %2").arg(path, readOnlyWhy);
    }
    closeConnection(connectionName);
    return r;
}

} // namespace ops
