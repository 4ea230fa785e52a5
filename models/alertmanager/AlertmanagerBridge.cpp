#include "models/alertmanager/AlertmanagerBridge.h"

#include "models/alertmanager/SilenceKeeper.h"
#include "models/alerts/AlertEngine.h"
#include "models/domain/Clock.h"

namespace ops {

QMap<QString, QString> amSilenceLabelsFor(const QString& rule, const QString& target)
{
    return {{QStringLiteral("alertname"), rule},
            {QStringLiteral("target"), target},
            {QStringLiteral("source"), QStringLiteral("bhiv-ops")}};
}

QMap<QString, QString> amLabelsFor(const AlertStatus& status)
{
    QMap<QString, QString> labels = amSilenceLabelsFor(status.key.rule, status.key.target);
    labels.insert(QStringLiteral("severity"), severityName(status.severity));
    return labels;
}

AmAlert amAlertFor(const AlertStatus& status, qint64 nowMs, qint64 validForMs)
{
    AmAlert alert;
    alert.labels = amLabelsFor(status);
    if (!status.summary.isEmpty())
        alert.annotations.insert(QStringLiteral("summary"), status.summary);
    if (status.ack) {
        alert.annotations.insert(QStringLiteral("acknowledged_by"), status.ack->author);
        if (!status.ack->comment.isEmpty())
            alert.annotations.insert(QStringLiteral("ack_comment"), status.ack->comment);
    }
    alert.startsAtMs = status.firingSinceMs > 0 ? status.firingSinceMs : nowMs;
    alert.endsAtMs = nowMs + validForMs;
    return alert;
}

AlertmanagerBridge::AlertmanagerBridge(AlertEngine* engine, AlertmanagerClient* client,
                                       SilenceKeeper* keeper, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_client(client)
    , m_keeper(keeper)
    , m_clock(clock)
{
    connect(engine, &AlertEngine::evaluated, this, &AlertmanagerBridge::sync);
    connect(engine, &AlertEngine::transition, this, &AlertmanagerBridge::onTransition);
}

void AlertmanagerBridge::onTransition(const AlertTransition& t)
{
    if (!m_keeper || !m_targets.contains(t.target))
        return;
    const QString key = AlertKey{t.rule, t.target}.toString();
    if (t.kind == TransitionKind::Ack)
        m_keeper->acknowledge(key, amSilenceLabelsFor(t.rule, t.target), t.author, t.comment);
    else if (t.kind == TransitionKind::Unack && t.author.isEmpty() && t.to == AlertState::Normal)
        m_keeper->setFiring(key, false); // resolved: the silence runs out on its own
    else if (t.kind == TransitionKind::Unack)
        m_keeper->release(key); // withdrawn by someone (or its time ran out): expire it now
}

void AlertmanagerBridge::sync()
{
    const qint64 now = m_clock->nowMs();
    QList<AmAlert> batch;
    QSet<QString> firingNow;
    bool changed = false;
    for (const AlertStatus& status : m_engine->alerts()) {
        if (!m_targets.contains(status.key.target))
            continue;
        const QString key = status.key.toString();
        if (m_keeper) {
            // Only an acknowledged episode keeps its silence going: a new episode nobody
            // acknowledged must not extend the resolved one's silence.
            const bool acked = status.isFiring() && status.ack.has_value();
            m_keeper->setFiring(key, acked);
            // An acknowledgement the console holds without a kept silence (restored after a
            // restart, or a keeper rebuilt): converge on exactly one silence for it.
            if (acked && !m_keeper->kept(key))
                m_keeper->adopt(key, amSilenceLabelsFor(status.key.rule, status.key.target),
                                status.ack->author, status.ack->comment);
        }
        if (status.isFiring()) {
            firingNow.insert(key);
            if (!m_firing.contains(key))
                changed = true;
            batch.append(amAlertFor(status, now, 4 * m_resendMs));
        } else if (m_firing.contains(key)) {
            AmAlert resolved = amAlertFor(status, now, 0);
            resolved.endsAtMs = now;
            batch.append(resolved);
            changed = true;
        }
    }
    // Keys that vanished (rule removed): resolve them too.
    for (const QString& key : std::as_const(m_firing)) {
        if (!firingNow.contains(key) && key.contains(QStringLiteral(" @ "))) {
            bool listed = false;
            for (const AmAlert& a : std::as_const(batch))
                listed = listed || (a.labels.value(QStringLiteral("alertname")) + " @ " +
                                        a.labels.value(QStringLiteral("target")) ==
                                    key);
            if (!listed) {
                const QStringList parts = key.split(QStringLiteral(" @ "));
                AmAlert resolved;
                resolved.labels = amSilenceLabelsFor(parts.value(0), parts.value(1));
                resolved.startsAtMs = now;
                resolved.endsAtMs = now;
                batch.append(resolved);
                changed = true;
            }
        }
    }
    if (m_keeper)
        m_keeper->tick();
    const bool due = !firingNow.isEmpty() && now - m_lastPushMs >= m_resendMs;
    if (batch.isEmpty() || m_inFlight || (!changed && !due))
        return;
    m_inFlight = true;
    m_lastPushMs = now;
    const int count = static_cast<int>(batch.size());
    m_client->pushAlerts(batch, [this, firingNow, count](const AmResult& r) {
        m_inFlight = false;
        if (!r.ok) {
            m_lastError = r.error;
            m_lastPushMs = 0; // try again on the next pass
            emit failed(r.error);
            return;
        }
        m_lastError.clear();
        m_firing = firingNow;
        ++m_pushes;
        emit pushed(count);
    });
}

} // namespace ops
