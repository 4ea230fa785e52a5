#pragma once

#include <QString>

namespace ops {

// What to do with a settings file or database that cannot be read: never delete it, never keep
// failing on it. It is renamed aside as "<path>.corrupt-<yyyyMMdd-HHmmss>" (a counter appended
// when that name is taken) together with a SQLite database's "-wal" / "-shm" companions, a
// warning is logged (category ops.storage) and a fresh file is started by the caller. The
// notice is the sentence the UI shows.
struct SetAside {
    bool ok = false;
    QString newPath; // where the damaged file now is
    QString notice;  // "<what> <path> was damaged (<why>); it was set aside as <new> ..."
    QString error;   // why it could not be moved (ok == false)
};

SetAside setAsideCorruptFile(const QString& path, const QString& what, const QString& why);

// A SQLite database opened under connectionName (QSqlDatabase::addDatabase with QSQLITE) and
// checked with PRAGMA quick_check. A file SQLite cannot read (not a database, malformed pages)
// is closed, set aside and replaced by a new empty database; notice says so. A file that cannot
// be opened at all for other reasons (permissions, a folder) is an error and is left alone.
struct CheckedSqlite {
    bool ok = false;
    QString error;  // why it could not be opened (ok == false)
    QString notice; // non-empty when a damaged database was set aside
};

CheckedSqlite openCheckedSqlite(const QString& path, const QString& connectionName,
                                const QString& what, const QString& connectOptions = {});

} // namespace ops
