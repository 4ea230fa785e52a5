#include "models/alerts/AlertNotifier.h"

#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>

namespace ops {

AlertNotifier::AlertNotifier(AlertEngine* engine, const Clock* clock, AlertStore* store,
                             QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_clock(clock)
    , m_store(store)
{
    qRegisterMetaType<ops::AlertNotice>();
    connect(m_engine, &AlertEngine::evaluated, this, &AlertNotifier::reconcile);
    connect(m_engine, &AlertEngine::alertsChanged, this, &AlertNotifier::reconcile);
    connect(m_engine, &AlertEngine::transition, this, &AlertNotifier::onTransition);
    // After a restart: an episode already announced is not announced again.
    if (m_store) {
        for (const AlertStatus& status : m_store->loadStatuses()) {
            if (!status.episodeFiring)
                continue;
            for (const NotificationRecord& r : m_store->notifications(status.key)) {
                if (r.timeMs >= status.firingSinceMs &&
                    (r.state == u"firing" || r.state == u"repeat")) {
                    Memory& m = m_memory[status.key];
                    m.episode = status.firingSinceMs;
                    m.announced = true;
                    m.lastNoticeMs = r.timeMs;
                }
            }
        }
    }
}

void AlertNotifier::addChannel(NotificationChannel* channel)
{
    m_channels << channel;
    connect(channel, &NotificationChannel::delivered, this,
            [this, channel](const AlertNotice& notice, bool ok, const QString& detail) {
                if (!m_store)
                    return;
                NotificationRecord r;
                r.timeMs = m_clock->nowMs();
                r.key = notice.key;
                r.state = notice.kind;
                r.channel = channel->channelName();
                r.ok = ok;
                r.detail = detail;
                m_store->appendNotification(r);
            });
}

void AlertNotifier::reconcile()
{
    const qint64 now = m_clock->nowMs();
    for (const AlertStatus& s : m_engine->alerts()) {
        Memory& m = m_memory[s.key];
        const bool silenced = s.ack.has_value() || s.isSnoozed(now);
        if (s.episodeFiring && s.isFiring()) {
            if (m.episode != s.firingSinceMs) {
                m = Memory{};
                m.episode = s.firingSinceMs;
            }
            // A snooze or timed ack that ended while still firing re-arms the alert.
            if (m.wasSilenced && !silenced)
                m.announced = false;
            m.wasSilenced = silenced;
            if (silenced || s.flapping)
                continue;
            if (!m.announced)
                sendNotice(s, QStringLiteral("firing"), m);
            else if (now - m.lastNoticeMs >= m_repeatMs)
                sendNotice(s, QStringLiteral("repeat"), m);
        } else if (!s.episodeFiring && m.announced) {
            if (s.flapping)
                continue; // the resolved notice waits until the alert settles
            if (!s.isSnoozed(now))
                sendNotice(s, QStringLiteral("resolved"), m);
            m = Memory{};
        } else if (!s.episodeFiring) {
            m.wasSilenced = false;
        }
    }
}

void AlertNotifier::onTransition(const AlertTransition& t)
{
    // The webhook hears no data and error too (once per entry into the state).
    if (t.kind != TransitionKind::State ||
        (t.to != AlertState::NoData && t.to != AlertState::Error))
        return;
    const auto status = m_engine->alert(t.key());
    if (!status || status->isSnoozed(m_clock->nowMs()) || status->flapping)
        return;
    AlertNotice notice;
    notice.key = t.key();
    notice.kind = alertStateName(t.to);
    notice.severity = t.severity;
    notice.state = t.to;
    notice.timeMs = t.timeMs;
    notice.startsAtMs = t.timeMs;
    notice.title = QCoreApplication::translate("AlertNotifier", "%1 on %2: %3")
                       .arg(t.rule, t.target, alertStateTitle(t.to));
    notice.body = t.comment;
    for (NotificationChannel* channel : std::as_const(m_channels)) {
        if (channel->wantsAllStates())
            channel->send(notice);
    }
}

void AlertNotifier::sendNotice(const AlertStatus& s, const QString& kind, Memory& m)
{
    const qint64 now = m_clock->nowMs();
    AlertNotice notice;
    notice.key = s.key;
    notice.kind = kind;
    notice.severity = s.severity;
    notice.state = s.state;
    notice.value = s.value;
    notice.threshold = s.threshold;
    notice.timeMs = now;
    notice.startsAtMs = m.episode ? m.episode : s.firingSinceMs;
    notice.acknowledged = s.ack.has_value();
    const QString severity = severityName(s.severity).toUpper();
    if (kind == u"resolved") {
        notice.title = QCoreApplication::translate("AlertNotifier", "Resolved: %1 on %2")
                           .arg(s.key.rule, s.key.target);
        const AlertRule* rule = m_engine->rule(s.key.rule);
        notice.body =
            QCoreApplication::translate("AlertNotifier", "Back to normal (now %1).")
                .arg(rule ? formatSignalValue(*rule, s.value) : QString::number(s.value, 'g', 4));
    } else {
        notice.title = QCoreApplication::translate("AlertNotifier", "[%1] %2 on %3")
                           .arg(severity, s.key.rule, s.key.target);
        notice.body = s.summary;
        if (kind == u"repeat")
            notice.body += QCoreApplication::translate("AlertNotifier", " (still firing)");
    }
    m.announced = kind != u"resolved";
    m.lastNoticeMs = now;
    for (NotificationChannel* channel : std::as_const(m_channels))
        channel->send(notice);
    emit noticeSent(notice);
    if (m_sound && kind == u"firing")
        emit soundRequested(s.severity);
}

} // namespace ops
