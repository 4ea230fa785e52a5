#pragma once

#include "models/storage/SqliteConnection.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ops {

// One operator action: who did what to which target, and how it went. Generic on purpose:
// workflows write "workflow.launch" / "workflow.cancel" / "workflow.rerun" / "job.create",
// the deploy feature will write its own actions to the same table.
struct AuditEntry {
    qint64 id = 0;     // assigned by the log
    qint64 timeMs = 0; // when (ms since the epoch, UTC)
    QString actor;     // the OS user name
    QString target;    // the gateway (name or URL)
    QString action;
    QString subject;     // e.g. a workflow id or type
    QJsonObject details; // anything else (never a secret)
    QString result;      // "ok", "refused", "error: ...", "unknown outcome"
};

// Append-only audit log in SQLite: a unique connection name per instance (several may be open
// at once, in several threads' lifetimes), WAL journal, schema version in PRAGMA user_version.
class AuditLog {
public:
    // path empty: defaultPath().
    explicit AuditLog(QString path = {});
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // Opens (creating the folder, the file and the schema as needed). False with errorString().
    bool open();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }
    // Set by open() when a damaged database was set aside and a new one started (words for the
    // UI); empty otherwise.
    QString recoveryNotice() const { return m_recoveryNotice; }
    // Opened read-only (the file or its folder cannot be written): entries() works, append()
    // fails at once with errorString() = readOnlyNotice(); writable again after a restart.
    bool isReadOnly() const { return m_readOnly; }
    QString readOnlyNotice() const { return m_readOnlyNotice; }
    // Why an entry cannot be written now (opening it first if needed); empty when it can.
    QString writeProblem();
    int schemaVersion() const;
    // SQLite's PRAGMA synchronous of the open connection (2 = FULL), -1 when not open.
    int synchronousLevel() const;

    // Fills id on success.
    bool append(AuditEntry& entry);
    // Newest first; action empty = every action; limit <= 0 = all.
    QList<AuditEntry> entries(const QString& action = {}, int limit = 0) const;
    // Entries in [fromMs, toMs), oldest first; target "" = every target.
    QList<AuditEntry> entriesBetween(qint64 fromMs, qint64 toMs, const QString& target = {}) const;

    // <AppDataLocation>/audit.sqlite
    static QString defaultPath();
    // The OS user name ($USER, $USERNAME, $LOGNAME, else the password entry), or "unknown".
    static QString currentUser();

    static constexpr int kSchemaVersion = 1;

private:
    bool migrate();

    QString m_path;
    SqliteConnection m_connection{QStringLiteral("ops.audit")};
    QString m_error;
    QString m_recoveryNotice;
    QString m_readOnlyNotice;
    bool m_open = false;
    bool m_readOnly = false;
};

} // namespace ops
