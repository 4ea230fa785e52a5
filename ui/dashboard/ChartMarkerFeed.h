#pragma once

#include "models/deploy/DeploySession.h"
#include "ui/dashboard/TimeChart.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <deque>

namespace ops {

class AlertEngine;
class AuditLog;
class Dashboard;
class Fleet;
class WorkflowClient;
struct AlertTransition;
struct AuditEntry;

// Event markers for the dashboard's charts: alert transitions (firing, resolved), deploy events
// and workflow launches of every target are kept (the last kMaxEvents) with their target's name;
// the charts show those of the watched target only, and switching target shows the other's.
class ChartMarkerFeed : public QObject {
    Q_OBJECT
public:
    struct Event {
        QString target;
        qint64 timeMs = 0;
        MarkerKind kind = MarkerKind::Note;
        QString label;
        QString group;  // an alert's rule: ties its firing to its resolution
        int chart = -1; // Dashboard::ChartId of the only chart it shows on; -1: all of them
    };
    static constexpr std::size_t kMaxEvents = 5000;

    explicit ChartMarkerFeed(Dashboard* dashboard, QObject* parent = nullptr);

    // Follows the fleet: every session's workflow launches and deploy events are kept (present
    // and future sessions), and the charts show the current session's (by its name, which its
    // alerts, workflows and deploys all use), also after it is renamed.
    void follow(const Fleet* fleet);
    // The watched target, by the names its sources use; its events replace the charts' markers.
    void setTarget(const QStringList& names);
    QStringList target() const { return m_target; }

    // Sources. Alerts: each transition that fires or resolves; the engine's history from
    // historyFromMs (its store's, across restarts) is backfilled now.
    void watchAlerts(const AlertEngine* engine, qint64 historyFromMs, qint64 nowMs);
    // Deploys and workflow launches stored in the audit log between fromMs and toMs (earlier
    // runs, the command line): the markers they made when they happened, so restored charts show
    // them at their times. Rows that did not launch or deploy anything (refused, errors) are not
    // markers, as they were not live.
    void addStoredEvents(const AuditLog* audit, qint64 fromMs, qint64 toMs);
    // The marker an audit row makes (false: none), with addDeployEvent's kinds for deploys.
    static bool markerOf(const AuditEntry& entry, MarkerKind& kind, DeployEventKind& deployKind,
                         QString& label);
    void watchWorkflows(const WorkflowClient* client);
    void watchDeploys(const DeploySession* session);

    // Which alert transitions become markers, and their label.
    static bool marks(const AlertTransition& transition);
    // The overview chart of a rule's signal (Dashboard::ChartId), or -1 when none charts it
    // (stale, unreachable, a component down: the outage band and the firing strip say those).
    static int chartOfSignal(const QString& signal);
    static QString alertLabel(const AlertTransition& transition);

    const std::deque<Event>& events() const { return m_events; }

public slots:
    void addAlertTransition(const ops::AlertTransition& transition);
    void addDeployEvent(const QString& target, qint64 timeMs, ops::DeployEventKind kind,
                        const QString& label);
    void addWorkflowLaunch(const QString& target, const QString& type, const QString& id,
                           qint64 timeMs);

private:
    void draw(const Event& event);
    const AlertEngine* m_alertEngine = nullptr;
    void add(Event event);
    bool watched(const QString& target) const { return m_target.contains(target); }

    Dashboard* m_dashboard;
    QStringList m_target;
    std::deque<Event> m_events;
    QSet<QString> m_keys; // target, time, kind and label of each kept event: no duplicates
};

} // namespace ops
