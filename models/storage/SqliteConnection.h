#pragma once

#include "models/storage/CorruptFile.h"

#include <QSqlDatabase>
#include <QString>

namespace ops {

// The SQLite connection of one store (alert history, audit log, ...): a unique connection name,
// the checked open of CorruptFile.h (a damaged file set aside, a read-only one opened
// read-only), the durability every store wants when it can write (WAL, so readers do not block
// the writer; synchronous=FULL, so a committed row survives a crash of the process or of the
// machine; a busy timeout for a second process), and the connection removed when it goes.
class SqliteConnection {
public:
    // prefix names the connection ("ops.alerts" -> "ops.alerts.3").
    explicit SqliteConnection(const QString& prefix);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // Opens path; `what` names it in notices ("The audit log"). When the result is ok and not
    // read-only, the durability pragmas are set; failing that is an error (ok false).
    CheckedSqlite open(const QString& path, const QString& what);

    const QString& name() const { return m_name; }
    // The connection (not opened again if it is closed).
    QSqlDatabase database() const;

    static constexpr int kBusyTimeoutMs = 5000;

private:
    QString m_name;
};

} // namespace ops
