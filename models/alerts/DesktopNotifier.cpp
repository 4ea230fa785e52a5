#include "models/alerts/DesktopNotifier.h"

#include "models/domain/Logging.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QVariantMap>

namespace ops {

namespace {
const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
} // namespace

DesktopNotifier::DesktopNotifier(QObject* parent)
    : NotificationChannel(parent)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return;
    // Naming the service makes Qt follow its owner: signals from other peers are ignored.
    m_connected = bus.connect(kService, kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                              SLOT(onActionInvoked(uint, QString))) &&
                  bus.connect(kService, kPath, kInterface, QStringLiteral("NotificationClosed"),
                              this, SLOT(onNotificationClosed(uint, uint)));
}

void DesktopNotifier::send(const AlertNotice& notice)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        emit fallback(notice);
        emit delivered(notice, false, tr("no D-Bus session"));
        return;
    }
    QDBusMessage call =
        QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
    QStringList actions;
    if (notice.kind == u"firing" || notice.kind == u"repeat")
        actions << kAcknowledge << tr("Acknowledge") << kSnooze1h << tr("Snooze 1 h");
    actions << kOpen << tr("Open");
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"),
                 QVariant::fromValue(uchar(notice.kind == u"resolved" ? 0 : int(notice.severity))));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("org.bhiv.OpsConsole"));
    hints.insert(QStringLiteral("category"), QStringLiteral("alert"));
    const uint replaces = m_idOf.value(notice.key, 0);
    // Critical alerts stay until dismissed; the others go after the daemon's default time.
    const int timeout =
        notice.kind != u"resolved" && notice.severity == AlertSeverity::Critical ? 0 : -1;
    call << QCoreApplication::applicationName() << replaces << QStringLiteral("org.bhiv.OpsConsole")
         << notice.title << notice.body << actions << hints << timeout;
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 5000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, notice](QDBusPendingCallWatcher* w) {
                w->deleteLater();
                const QDBusPendingReply<uint> reply = *w;
                if (reply.isError()) {
                    qCInfo(lcAlertNotify) << "no notification daemon:" << reply.error().message();
                    emit fallback(notice);
                    emit delivered(notice, false, reply.error().message());
                    return;
                }
                const uint id = reply.value();
                m_keyOf.insert(id, notice.key);
                m_idOf.insert(notice.key, id);
                emit delivered(notice, true, tr("notification %1").arg(id));
            });
}

void DesktopNotifier::onActionInvoked(uint id, const QString& action)
{
    const auto it = m_keyOf.constFind(id);
    if (it == m_keyOf.cend())
        return; // another application's notification
    const AlertKey key = *it;
    qCInfo(lcAlertNotify) << "action" << action << "on" << key.toString();
    if (action == kAcknowledge)
        emit acknowledgeRequested(key.rule, key.target);
    else if (action == kSnooze1h)
        emit snoozeRequested(key.rule, key.target, 3'600'000);
    else
        emit openRequested(key.rule, key.target);
}

void DesktopNotifier::onNotificationClosed(uint id, uint /*reason*/)
{
    const auto it = m_keyOf.constFind(id);
    if (it == m_keyOf.cend())
        return;
    if (m_idOf.value(*it) == id)
        m_idOf.remove(*it);
    m_keyOf.erase(it);
}

} // namespace ops
