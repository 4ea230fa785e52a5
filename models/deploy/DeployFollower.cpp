#include "models/deploy/DeployFollower.h"

#include "models/deploy/RenderClient.h"
#include "models/domain/Clock.h"

#include <QPointer>

#include <algorithm>

namespace ops {

DeployFollower::DeployFollower(RenderClient* client, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DeployFollower::poll);
}

void DeployFollower::setIntervals(int createdIntervalMs, int intervalMs)
{
    m_createdIntervalMs = std::max(1, createdIntervalMs);
    m_intervalMs = std::max(1, intervalMs);
}

void DeployFollower::follow(const QString& serviceId, const RenderDeploy& known)
{
    m_serviceId = serviceId;
    m_deploy = known;
    m_following = true;
    m_failures = 0;
    emit statusChanged(m_deploy);
    if (m_deploy.isFinished()) {
        m_following = false;
        emit finished(m_deploy);
        return;
    }
    const bool early =
        m_deploy.status == QLatin1String("created") || m_deploy.status == QLatin1String("queued");
    schedule(early ? m_createdIntervalMs : m_intervalMs);
}

void DeployFollower::stop()
{
    m_following = false;
    m_timer.stop();
}

void DeployFollower::schedule(int delayMs)
{
    if (m_following) {
        m_timer.start(std::max(0, delayMs));
    }
}

void DeployFollower::poll()
{
    if (!m_following || m_inFlight) {
        return;
    }
    m_inFlight = true;
    QPointer<DeployFollower> self(this);
    m_client->getDeploy(m_serviceId, m_deploy.id, [self](const RenderResult<RenderDeploy>& r) {
        if (!self) {
            return;
        }
        self->m_inFlight = false;
        if (!self->m_following) {
            return;
        }
        if (!r.ok) {
            ++self->m_failures;
            emit self->problem(r.error.message, r.error.retryAtMs);
            int delay = std::min(60000, self->m_intervalMs * std::min(self->m_failures, 6));
            if (r.error.retryAtMs > 0) {
                std::uniform_int_distribution<int> jitter(0, 500);
                delay = static_cast<int>(
                    std::max<qint64>(0, r.error.retryAtMs - self->m_clock->nowMs()) +
                    jitter(self->m_jitter));
            }
            self->schedule(delay);
            return;
        }
        self->m_failures = 0;
        const bool changed = r.value.status != self->m_deploy.status;
        self->m_deploy = r.value;
        if (changed) {
            emit self->statusChanged(self->m_deploy);
        }
        if (self->m_deploy.isFinished()) {
            self->m_following = false;
            emit self->finished(self->m_deploy);
            return;
        }
        const bool early = self->m_deploy.status == QLatin1String("created") ||
                           self->m_deploy.status == QLatin1String("queued");
        self->schedule(early ? self->m_createdIntervalMs : self->m_intervalMs);
    });
}

} // namespace ops
