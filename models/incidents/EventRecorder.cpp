#include "models/incidents/EventRecorder.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/fleet/TargetSession.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/TimelineEvent.h"
#include "models/monitor/TargetMonitor.h"

#include <QDateTime>

namespace ops {

EventRecorder::EventRecorder(EventStore* store, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
{
}

bool EventRecorder::append(const QString& target, const QString& kind, const QString& from,
                           const QString& to, const QString& detail, const QString& actor)
{
    RecordedEvent e{0, m_clock->nowMs(), target, kind, from, to, detail, actor};
    if (!m_store || !m_store->append(e)) {
        m_lastError = m_store ? m_store->errorString() : QStringLiteral("no event store");
        return false;
    }
    emit recorded();
    return true;
}

void EventRecorder::watch(TargetMonitor* monitor, const QString& target)
{
    unwatch(target);
    Watched& w = m_targets[target];
    w.monitor = monitor;
    w.connections << connect(monitor, &TargetMonitor::stateChanged, this,
                             [this, target](ConnectionState state, const QString& detail) {
                                 recordConnection(target, state, detail);
                             });
    w.connections << connect(monitor, &TargetMonitor::updated, this, [this, target] {
        const Watched& watched = m_targets.value(target);
        if (watched.monitor)
            recordProcessStart(target, watched.monitor->signalBoard().processStartSeconds());
    });
}

void EventRecorder::unwatch(const QString& target)
{
    const auto it = m_targets.find(target);
    if (it == m_targets.end())
        return;
    for (const auto& c : it->connections)
        disconnect(c);
    m_targets.erase(it);
}

void EventRecorder::recordConsoleStart()
{
    append({}, QStringLiteral("console.start"), {}, {}, {}, AuditLog::currentUser());
}

void EventRecorder::recordConsoleStop()
{
    append({}, QStringLiteral("console.stop"), {}, {}, {}, AuditLog::currentUser());
}

void EventRecorder::recordConnection(const QString& target, ConnectionState state,
                                     const QString& detail)
{
    Watched& w = m_targets[target];
    const QString name = connectionStateName(state);
    if (name == w.state)
        return;
    const QString from = w.state;
    w.state = name;
    append(target, QStringLiteral("connection"), from, name, detail,
           QString::fromLatin1(kConsoleActor));
}

void EventRecorder::recordProcessStart(const QString& target, double seen)
{
    if (seen == 0)
        return;
    Watched& w = m_targets[target];
    const double before = w.processStart;
    w.processStart = seen;
    if (before == 0 || before == seen)
        return; // the first sighting is no restart
    const auto at = [](double s) {
        return QDateTime::fromMSecsSinceEpoch(qint64(s * 1000))
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
    };
    append(target, QStringLiteral("restart"), {}, {},
           tr("process started %1, before %2").arg(at(seen), at(before)),
           QString::fromLatin1(kConsoleActor));
}

EventRecording::EventRecording(TargetSession& session, EventRecorder* recorder)
    : SessionCapability(session)
    , m_recorder(recorder)
{
}

EventRecording::~EventRecording()
{
    stop();
}

void EventRecording::start()
{
    if (!m_recorder || !m_watchedName.isEmpty())
        return;
    m_watchedName = session().name();
    m_recorder->watch(session().monitor(), m_watchedName);
}

void EventRecording::stop()
{
    if (m_recorder && !m_watchedName.isEmpty())
        m_recorder->unwatch(m_watchedName);
    m_watchedName.clear();
}

void EventRecording::targetChanged(const Target& target)
{
    // Renamed: from now on its events carry the new name, as its alerts do.
    if (m_watchedName.isEmpty() || target.name == m_watchedName)
        return;
    stop();
    start();
}

} // namespace ops
