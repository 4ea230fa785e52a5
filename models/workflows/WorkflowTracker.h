#pragma once

#include "models/domain/Workflow.h"
#include "models/workflows/WorkflowClient.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

namespace ops {

// Keeps workflows up to date while they run: fetches each followed workflow, faster right after
// something changed, slower (up to maxMs) while nothing does and after failures. A workflow is
// followed while it runs (or is pending), and while a "cancelled" one still has a running step
// (the modular gateway goes on running it). Finished ones are no longer polled.
class WorkflowTracker : public QObject {
    Q_OBJECT
public:
    explicit WorkflowTracker(WorkflowClient* client, QObject* parent = nullptr);

    WorkflowClient* client() const { return m_client; }
    // Another target's client: following stops, answers still on their way from the old one
    // are dropped.
    void setClient(WorkflowClient* client);
    void setIntervals(int minMs, int maxMs);
    int currentIntervalMs() const { return m_intervalMs; }
    // > 0: refresh the whole list this often (0, the default: only when asked or suggested).
    void setListIntervalMs(int ms);
    QStringList followedIds() const { return QStringList(m_followed.begin(), m_followed.end()); }
    bool isFollowing(const QString& id) const { return m_followed.contains(id); }
    // Whether the tracker would keep polling this workflow.
    static bool needsFollowing(const Workflow& workflow);

public slots:
    void refreshList();
    void follow(const QString& id);
    void stop();

signals:
    void listed(const QList<ops::Workflow>& workflows);
    void updated(const ops::Workflow& workflow);
    // A followed workflow reached its end (completed, failed, cancelled and idle).
    void finished(const ops::Workflow& workflow);
    // A list or fetch failed (NoWorkflowApi and Unsupported included).
    void failed(const ops::WorkflowResult& result);

private:
    void schedule();
    void poll();
    void onFetched(const WorkflowResult& result, const QString& id);

    WorkflowClient* m_client;
    QTimer m_timer;
    QTimer m_listTimer;
    QSet<QString> m_followed;
    QHash<QString, QString> m_fingerprints; // id → what was seen last (status + steps)
    int m_minMs = 1000;
    int m_maxMs = 8000;
    int m_intervalMs = 1000;
    int m_outstanding = 0;
    bool m_changedThisRound = false;
    int m_failures = 0;
    bool m_listing = false;
};

} // namespace ops
