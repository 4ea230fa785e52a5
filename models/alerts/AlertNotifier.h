#pragma once

#include "models/alerts/AlertTypes.h"

#include <QHash>
#include <QObject>

namespace ops {

class AlertEngine;
class AlertStore;
class Clock;

// One message about an alert, for every channel.
struct AlertNotice {
    AlertKey key;
    QString kind; // firing, repeat, resolved, nodata, error
    AlertSeverity severity = AlertSeverity::Warning;
    AlertState state = AlertState::Normal;
    QString title;
    QString body;
    double value = 0;
    double threshold = 0;
    qint64 timeMs = 0;
    qint64 startsAtMs = 0; // episode start
    bool acknowledged = false;
};

// A way to tell people: desktop notifications, the webhook, ...
class NotificationChannel : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QString channelName() const = 0;
    // True: also wants nodata/error notices (the webhook), not just firing/repeat/resolved.
    virtual bool wantsAllStates() const { return false; }
    virtual void send(const AlertNotice& notice) = 0;

signals:
    void delivered(const ops::AlertNotice& notice, bool ok, const QString& detail);
};

// Decides who hears what: dedup on (rule, target, state), a repeat interval while firing and not
// acknowledged (default 4 h), never a toast for an acknowledged, snoozed or flapping alert, a
// resolved notice for every announced firing (acknowledged or not), and re-arming when a snooze
// or a timed ack ends while the alert still fires. Every notice is stored.
class AlertNotifier : public QObject {
    Q_OBJECT
public:
    AlertNotifier(AlertEngine* engine, const Clock* clock, AlertStore* store = nullptr,
                  QObject* parent = nullptr);

    void addChannel(NotificationChannel* channel); // not owned
    void setRepeatIntervalMs(qint64 ms) { m_repeatMs = ms; }
    qint64 repeatIntervalMs() const { return m_repeatMs; }
    void setSoundEnabled(bool on) { m_sound = on; }
    bool soundEnabled() const { return m_sound; }

public slots:
    void reconcile();

signals:
    void noticeSent(const ops::AlertNotice& notice);
    // A firing notice went out and sound is on (the app beeps or plays a sound).
    void soundRequested(ops::AlertSeverity severity);

private:
    struct Memory {
        qint64 episode = 0; // firingSinceMs of the episode announced
        bool announced = false;
        qint64 lastNoticeMs = 0;
        bool wasSilenced = false; // acked or snoozed at the last look
        QString lastState;        // nodata/error notices: once per state
    };
    void sendNotice(const AlertStatus& status, const QString& kind, Memory& memory);
    void onTransition(const AlertTransition& transition);

    AlertEngine* m_engine;
    const Clock* m_clock;
    AlertStore* m_store;
    QList<NotificationChannel*> m_channels;
    QHash<AlertKey, Memory> m_memory;
    qint64 m_repeatMs = 4 * 3'600'000;
    bool m_sound = false;
};

} // namespace ops

Q_DECLARE_METATYPE(ops::AlertNotice)
