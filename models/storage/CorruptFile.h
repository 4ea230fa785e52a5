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
// A database that can be read but not written (file or folder read-only, a read-only mount) is
// opened read-only: ok and readOnly, readOnlyNotice says so. When its folder is read-only too,
// SQLite cannot even read a WAL database normally (it cannot create the -shm file); it is then
// opened immutable (mode=ro&immutable=1), unless a non-empty -wal holds rows not yet in the file
// (those would be hidden: an error instead).
struct CheckedSqlite {
    bool ok = false;
    bool readOnly = false;
    QString error;          // why it could not be opened (ok == false)
    QString notice;         // non-empty when a damaged database was set aside
    QString readOnlyNotice; // "<what> <path> is read-only (<why>): ..." when readOnly
};

CheckedSqlite openCheckedSqlite(const QString& path, const QString& connectionName,
                                const QString& what, const QString& connectOptions = {});

} // namespace ops
