#pragma once

#include "models/alerts/AlertRule.h"
#include "models/alerts/AlertTypes.h"
#include "models/storage/SqliteConnection.h"

#include <QList>
#include <QString>
#include <limits>
#include <optional>

namespace ops {

struct AlertHistoryFilter {
    qint64 fromMs = 0;
    qint64 toMs = std::numeric_limits<qint64>::max();
    QString rule;                       // "" = any
    QString target;                     // "" = any
    std::optional<TransitionKind> kind; // none = any
    QString text;                       // substring of rule, target, author or comment
    int limit = 10000;
};

struct NotificationRecord {
    qint64 id = 0;
    qint64 timeMs = 0;
    AlertKey key;
    QString state;   // "firing", "resolved", ...
    QString channel; // "desktop", "tray", "webhook", "sound"
    bool ok = true;
    QString detail;
};

// SQLite persistence for alerting: rules, transitions (history), acknowledgements, snoozes,
// notifications and each alert's current state. WAL journal, synchronous=FULL: a row that
// append* returned for is on disk, and survives a crash or kill -9 of the process.
// Each store has its own QSqlDatabase connection name, so several may be open (tests, threads).
class AlertStore {
public:
    // `path` is the database file; the folder is created when missing.
    explicit AlertStore(QString path);
    ~AlertStore();
    AlertStore(const AlertStore&) = delete;
    AlertStore& operator=(const AlertStore&) = delete;

    // QStandardPaths::AppDataLocation/alerts.sqlite
    static QString defaultPath();

    bool open();
    bool isOpen() const { return m_open; }
    QString errorString() const { return m_error; }
    // Set by open() when a damaged database was set aside and a new one started (words for the
    // UI); empty otherwise.
    QString recoveryNotice() const { return m_recoveryNotice; }
    // Opened read-only (the file or its folder cannot be written): reads work, every write
    // returns its failure value at once with errorString() = readOnlyNotice(); it is written to
    // again after a restart once writable.
    bool isReadOnly() const { return m_readOnly; }
    QString readOnlyNotice() const { return m_readOnlyNotice; }
    QString path() const { return m_path; }

    qint64 appendTransition(const AlertTransition& transition); // row id, 0 on failure
    // Retention: every kPruneEvery transitions appended, history older than the newest
    // transition's time minus the retention (transitions, notifications, acknowledgements,
    // snoozes) is deleted; SQLite reuses the freed pages, so the file stays bounded. 0 keeps
    // everything. Default kDefaultRetentionMs (30 days).
    static constexpr qint64 kDefaultRetentionMs = 30LL * 24 * 3600 * 1000;
    static constexpr int kPruneEvery = 256;
    void setRetentionMs(qint64 ms) { m_retentionMs = ms; }
    qint64 retentionMs() const { return m_retentionMs; }
    // Deletes history older than cutoffMs now: the rows deleted, -1 on failure.
    qint64 pruneBefore(qint64 cutoffMs);
    QList<AlertTransition> history(const AlertHistoryFilter& filter) const;
    QList<AlertTransition> transitionsBetween(qint64 fromMs, qint64 toMs) const;
    qint64 transitionCount() const;

    // Current state per alert (upserted on change), for restoring after a restart.
    bool saveStatus(const AlertStatus& status);
    QList<AlertStatus> loadStatuses() const;

    bool appendAcknowledgement(const AlertKey& key, const Acknowledgement& ack);
    bool appendSnooze(const AlertKey& key, const Snooze& snooze);
    qint64 appendNotification(const NotificationRecord& record);
    QList<NotificationRecord> notifications(const AlertKey& key = {}) const;
    // Notifications in [fromMs, toMs), oldest first; target "" = every target.
    QList<NotificationRecord> notificationsBetween(qint64 fromMs, qint64 toMs,
                                                   const QString& target = {}) const;

    bool saveRules(const QList<AlertRule>& rules);
    // Nothing when no rules were ever saved.
    std::optional<QList<AlertRule>> loadRules() const;

private:
    bool exec(const QString& sql);
    bool writable() const; // open and not read-only (else m_error says why)

    QString m_path;
    SqliteConnection m_connection{QStringLiteral("ops.alerts")};
    bool m_open = false;
    mutable QString m_error;
    QString m_recoveryNotice;
    bool m_readOnly = false;
    QString m_readOnlyNotice;
    qint64 m_retentionMs = kDefaultRetentionMs;
    int m_appendsSincePrune = 0;
};

} // namespace ops
