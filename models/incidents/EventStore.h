#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace ops {

// One recorded event: a connection state change, a gateway restart, a console start or stop.
struct RecordedEvent {
    qint64 id = 0; // assigned by the store
    qint64 timeMs = 0;
    QString target; // empty for the console's own start / stop
    // "connection" (fromState -> toState, connection state names), "restart" (detail: the old
    // and new process start time), "console.start", "console.stop".
    QString kind;
    QString fromState;
    QString toState;
    QString detail;
    QString actor; // "console" for automatic transitions, else the OS user
};

struct IncidentNote {
    qint64 id = 0;
    qint64 incidentId = 0;
    qint64 timeMs = 0;
    QString author;
    QString text;
};

// An operator's grouping edit: incidents of `target` overlapping [fromMs, toMs] are one.
struct IncidentMerge {
    QString target;
    qint64 fromMs = 0;
    qint64 toMs = 0;
};

// SQLite store of the events only the console sees (connection states, restarts, console
// start/stop) and of the operator's incident edits (stable ids, titles, notes, merges and
// splits). Same care as the alert store: WAL, synchronous=FULL (a row append() returned for
// survives a crash), a damaged file set aside and a fresh one started (recoveryNotice()), a
// read-only file read and never written.
class EventStore {
public:
    // path empty: defaultPath().
    explicit EventStore(QString path = {});
    ~EventStore();
    EventStore(const EventStore&) = delete;
    EventStore& operator=(const EventStore&) = delete;

    // <AppDataLocation>/events.sqlite
    static QString defaultPath();
    static constexpr int kSchemaVersion = 1;
    // Events older than this (behind the newest appended) are deleted every kPruneEvery appends.
    static constexpr qint64 kDefaultRetentionMs = 90LL * 24 * 3600 * 1000;
    static constexpr int kPruneEvery = 256;

    bool open();
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }
    QString recoveryNotice() const { return m_recoveryNotice; }
    bool isReadOnly() const { return m_readOnly; }
    QString readOnlyNotice() const { return m_readOnlyNotice; }
    void setRetentionMs(qint64 ms) { m_retentionMs = ms; }

    // Fills id; false (errorString()) when the row could not be written.
    bool append(RecordedEvent& event);
    // Events in [fromMs, toMs), oldest first; target "" = every target (the console's own
    // start/stop rows, with no target, are always included).
    QList<RecordedEvent> eventsBetween(qint64 fromMs, qint64 toMs,
                                       const QString& target = {}) const;
    // The last event of a target before timeMs (the connection state an incident query starts
    // from); kind "" = any.
    std::optional<RecordedEvent> lastBefore(qint64 timeMs, const QString& target,
                                            const QString& kind) const;
    qint64 pruneBefore(qint64 cutoffMs);

    // Incident ids: one per (target, opening time), assigned on first sight and kept, so an id
    // given to the report verb means the same incident tomorrow. 0 when it cannot be assigned
    // (read-only store and never seen).
    qint64 incidentId(const QString& target, qint64 openedMs);
    // The target and opening time of an id.
    bool incidentKey(qint64 id, QString* target, qint64* openedMs) const;

    bool setIncidentTitle(qint64 id, const QString& title);
    QString incidentTitle(qint64 id) const; // "" when never renamed
    bool addIncidentNote(IncidentNote& note);
    QList<IncidentNote> incidentNotes(qint64 id) const;

    // Merging removes the splits inside the merged range (a merge undoes them); splitting inside
    // a merged range cuts that range in two.
    bool addMerge(const IncidentMerge& merge);
    QList<IncidentMerge> merges(const QString& target) const;
    bool addSplit(const QString& target, qint64 atMs);
    QList<qint64> splits(const QString& target) const;

private:
    bool exec(const QString& sql);
    bool writable();
    bool migrate();

    QString m_path;
    QString m_connection;
    bool m_open = false;
    bool m_readOnly = false;
    mutable QString m_error;
    QString m_recoveryNotice;
    QString m_readOnlyNotice;
    qint64 m_retentionMs = kDefaultRetentionMs;
    int m_appendsSincePrune = 0;
};

} // namespace ops
