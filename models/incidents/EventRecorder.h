#pragma once

#include "models/domain/ConnectionState.h"
#include "models/fleet/SessionCapability.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

namespace ops {

class Clock;
class EventStore;
class TargetMonitor;

// Writes what only the console sees into the event store: each target's connection state
// changes (up -> unreachable -> up, waking, auth_failed, ...), gateway restarts (a changed
// process start time in /metrics) and the console's own start and stop. Automatic transitions
// are the console's ("console"); start and stop are the OS user's.
class EventRecorder : public QObject {
    Q_OBJECT
public:
    EventRecorder(EventStore* store, const Clock* clock, QObject* parent = nullptr);

    // Records the target's connection changes and restarts from now on (the monitor is not
    // owned; it may go away first).
    void watch(TargetMonitor* monitor, const QString& target);
    void unwatch(const QString& target);

    void recordConsoleStart();
    void recordConsoleStop();
    void recordConnection(const QString& target, ConnectionState state, const QString& detail);
    // seen: the process start time (s since the epoch) in the latest scrape.
    void recordProcessStart(const QString& target, double seen);

    // The last write that failed, in words ("" when all went in).
    QString lastError() const { return m_lastError; }

signals:
    void recorded();

private:
    bool append(const QString& target, const QString& kind, const QString& from, const QString& to,
                const QString& detail, const QString& actor);

    struct Watched {
        QPointer<TargetMonitor> monitor;
        QString state = QStringLiteral("connecting");
        double processStart = 0;
        QList<QMetaObject::Connection> connections;
    };
    EventStore* m_store;
    const Clock* m_clock;
    QHash<QString, Watched> m_targets;
    QString m_lastError;
};

// A target's share of the recorder, attached to its TargetSession (Fleet::addCapability): its
// connection changes and restarts are recorded under the name its alerts and audit rows use,
// from the session's start to its stop, following a rename. The recorder is not owned and may
// go first.
class EventRecording final : public SessionCapability {
    Q_OBJECT
public:
    EventRecording(TargetSession& session, EventRecorder* recorder);
    ~EventRecording() override;

    void start() override;
    void stop() override;
    void targetChanged(const Target& target) override;

private:
    QPointer<EventRecorder> m_recorder;
    QString m_watchedName; // empty when not watching
};

} // namespace ops
