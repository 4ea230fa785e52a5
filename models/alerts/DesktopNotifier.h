#pragma once

#include "models/alerts/AlertNotifier.h"

#include <QHash>

class QDBusPendingCallWatcher;

namespace ops {

// Freedesktop notifications over the session bus (org.freedesktop.Notifications.Notify) with the
// actions Acknowledge, Snooze 1 h and Open, urgency by severity (hint "urgency": 0 info,
// 1 warning, 2 critical), the resolved notice replacing its firing one. ActionInvoked and
// NotificationClosed from the daemon come back as signals. When no daemon answers, fallback()
// asks the UI to show the notice another way (the tray's balloon).
class DesktopNotifier : public NotificationChannel {
    Q_OBJECT
public:
    explicit DesktopNotifier(QObject* parent = nullptr);

    QString channelName() const override { return QStringLiteral("desktop"); }
    void send(const AlertNotice& notice) override;
    bool isConnected() const { return m_connected; }

    static inline const QString kAcknowledge = QStringLiteral("acknowledge");
    static inline const QString kSnooze1h = QStringLiteral("snooze-1h");
    static inline const QString kOpen = QStringLiteral("default");

signals:
    void acknowledgeRequested(const QString& rule, const QString& target);
    void snoozeRequested(const QString& rule, const QString& target, qint64 durationMs);
    void openRequested(const QString& rule, const QString& target);
    void fallback(const ops::AlertNotice& notice);

private slots:
    void onActionInvoked(uint id, const QString& action);
    void onNotificationClosed(uint id, uint reason);

private:
    bool m_connected = false;
    QHash<uint, AlertKey> m_keyOf; // notification id -> alert
    QHash<AlertKey, uint> m_idOf;  // alert -> its latest notification id
};

} // namespace ops
