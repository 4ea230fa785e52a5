#pragma once

#include "models/deploy/RenderDeploy.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <random>

namespace ops {

class Clock;
class RenderClient;

// Follows one deploy until it finishes: polls every createdIntervalMs while it is created or
// queued, then every intervalMs (Render's CLI: 10 s, then 5 s). Transient errors keep it going
// (reported through problem()); a 429 waits until the next allowed try, with jitter.
class DeployFollower : public QObject {
    Q_OBJECT

public:
    DeployFollower(RenderClient* client, const Clock* clock, QObject* parent = nullptr);

    void setIntervals(int createdIntervalMs, int intervalMs);
    // Starts following; `known` is the deploy as triggered (its status is reported first).
    void follow(const QString& serviceId, const RenderDeploy& known);
    void stop();
    bool isFollowing() const { return m_following; }
    const RenderDeploy& deploy() const { return m_deploy; }
    QString serviceId() const { return m_serviceId; }

signals:
    // Every status change (and the first report).
    void statusChanged(const ops::RenderDeploy& deploy);
    void finished(const ops::RenderDeploy& deploy);
    // A poll failed; following goes on. retryAtMs is set when rate limited.
    void problem(const QString& message, qint64 retryAtMs);

private:
    void poll();
    void schedule(int delayMs);

    RenderClient* m_client;
    const Clock* m_clock;
    QString m_serviceId;
    RenderDeploy m_deploy;
    QTimer m_timer;
    int m_createdIntervalMs = 10000;
    int m_intervalMs = 5000;
    int m_failures = 0;
    bool m_following = false;
    bool m_inFlight = false;
    std::mt19937 m_jitter{12345};
};

} // namespace ops
