#include "models/workflows/WorkflowTracker.h"

#include <algorithm>

namespace ops {
namespace {

QString fingerprint(const Workflow& wf)
{
    QString f = wf.status + QLatin1Char('|') + QString::number(wf.reportedStepsDone);
    for (const WorkflowStep& s : wf.steps)
        f += QLatin1Char('|') + s.status;
    return f;
}

} // namespace

WorkflowTracker::WorkflowTracker(WorkflowClient* client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &WorkflowTracker::poll);
    connect(&m_listTimer, &QTimer::timeout, this, &WorkflowTracker::refreshList);
    connect(client, &WorkflowClient::refreshSuggested, this, &WorkflowTracker::refreshList);
}

void WorkflowTracker::setIntervals(int minMs, int maxMs)
{
    m_minMs = std::max(10, minMs);
    m_maxMs = std::max(m_minMs, maxMs);
    m_intervalMs = m_minMs;
}

void WorkflowTracker::setListIntervalMs(int ms)
{
    if (ms > 0)
        m_listTimer.start(ms);
    else
        m_listTimer.stop();
}

void WorkflowTracker::setClient(WorkflowClient* client)
{
    stop();
    m_fingerprints.clear();
    m_listing = false;
    m_outstanding = 0;
    m_client = client;
}

bool WorkflowTracker::needsFollowing(const Workflow& workflow)
{
    return !workflow.isFinished() || workflow.hasRunningStep();
}

void WorkflowTracker::refreshList()
{
    if (m_listing)
        return;
    m_listing = true;
    WorkflowClient* asked = m_client;
    m_client->list({}, {}, 100, [this, asked](const WorkflowResult& r) {
        if (asked != m_client)
            return; // the target changed meanwhile
        m_listing = false;
        if (!r.ok()) {
            emit failed(r);
            return;
        }
        for (const Workflow& wf : r.workflows) {
            m_fingerprints.insert(wf.id, fingerprint(wf));
            if (needsFollowing(wf))
                follow(wf.id);
        }
        emit listed(r.workflows);
    });
}

void WorkflowTracker::follow(const QString& id)
{
    if (id.isEmpty())
        return;
    const bool added = !m_followed.contains(id);
    m_followed.insert(id);
    if (added) {
        m_intervalMs = m_minMs; // something new: look soon
        if (m_outstanding == 0) {
            m_timer.start(std::min(m_intervalMs,
                                   m_timer.isActive() ? m_timer.remainingTime() : m_intervalMs));
        }
    }
}

void WorkflowTracker::stop()
{
    m_followed.clear();
    m_timer.stop();
    m_listTimer.stop();
}

void WorkflowTracker::schedule()
{
    if (m_followed.isEmpty()) {
        m_timer.stop();
        return;
    }
    if (m_failures > 0)
        m_intervalMs = std::min(m_maxMs, m_minMs << std::min(m_failures, 6));
    else if (m_changedThisRound)
        m_intervalMs = m_minMs;
    else
        m_intervalMs = std::min(m_maxMs, m_intervalMs * 3 / 2 + 1);
    m_timer.start(m_intervalMs);
}

void WorkflowTracker::poll()
{
    if (m_followed.isEmpty() || m_outstanding > 0)
        return;
    m_changedThisRound = false;
    const QStringList ids(m_followed.begin(), m_followed.end());
    m_outstanding = static_cast<int>(ids.size());
    WorkflowClient* asked = m_client;
    for (const QString& id : ids) {
        m_client->fetch(id, [this, id, asked](const WorkflowResult& r) {
            if (asked == m_client)
                onFetched(r, id);
        });
    }
}

void WorkflowTracker::onFetched(const WorkflowResult& result, const QString& id)
{
    if (result.ok()) {
        m_failures = 0;
        const QString f = fingerprint(result.workflow);
        if (m_fingerprints.value(id) != f) {
            m_fingerprints.insert(id, f);
            m_changedThisRound = true;
        }
        emit updated(result.workflow);
        if (!needsFollowing(result.workflow) && m_followed.remove(id))
            emit finished(result.workflow);
    } else {
        if (result.httpStatus == 404 || result.kind == WorkflowResult::Kind::NoWorkflowApi)
            m_followed.remove(id); // gone (or no API): nothing more to follow
        else
            ++m_failures;
        emit failed(result);
    }
    if (--m_outstanding == 0)
        schedule();
}

} // namespace ops
