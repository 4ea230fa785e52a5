// A real org.freedesktop.Notifications peer on the session bus, for the end-to-end test: it
// records every Notify call as one JSON line on stdout and, on commands read from stdin
// ("invoke ID ACTION", "close ID"), emits ActionInvoked / NotificationClosed as a daemon does.
#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QVariantMap>
#include <cstdio>
#include <unistd.h>

class NotificationServer : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    using QObject::QObject;

public slots:
    uint Notify(const QString& app, uint replacesId, const QString& icon, const QString& summary,
                const QString& body, const QStringList& actions, const QVariantMap& hints,
                int timeout)
    {
        const uint id = replacesId ? replacesId : ++m_lastId;
        QJsonObject o;
        o.insert(QStringLiteral("id"), int(id));
        o.insert(QStringLiteral("app"), app);
        o.insert(QStringLiteral("replaces"), int(replacesId));
        o.insert(QStringLiteral("icon"), icon);
        o.insert(QStringLiteral("summary"), summary);
        o.insert(QStringLiteral("body"), body);
        o.insert(QStringLiteral("actions"), QJsonArray::fromStringList(actions));
        o.insert(QStringLiteral("urgency"), hints.value(QStringLiteral("urgency")).toInt());
        o.insert(QStringLiteral("timeout"), timeout);
        std::printf("notify %s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        std::fflush(stdout);
        return id;
    }
    void CloseNotification(uint id) { emit NotificationClosed(id, 3); }
    QStringList GetCapabilities() { return {QStringLiteral("actions"), QStringLiteral("body")}; }
    QString GetServerInformation(QString& vendor, QString& version, QString& spec)
    {
        vendor = QStringLiteral("bhiv-tests");
        version = QStringLiteral("1");
        spec = QStringLiteral("1.2");
        return QStringLiteral("NotificationServer");
    }

signals:
    void ActionInvoked(uint id, const QString& actionKey);
    void NotificationClosed(uint id, uint reason);

public:
    void command(const QByteArray& line)
    {
        const QList<QByteArray> parts = line.trimmed().split(' ');
        if (parts.size() == 3 && parts[0] == "invoke")
            emit ActionInvoked(parts[1].toUInt(), QString::fromUtf8(parts[2]));
        else if (parts.size() == 2 && parts[0] == "close")
            emit NotificationClosed(parts[1].toUInt(), 2);
        else if (parts[0] == "quit")
            QCoreApplication::quit();
        std::printf("done %s\n", line.trimmed().constData());
        std::fflush(stdout);
    }

private:
    uint m_lastId = 0;
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        std::fprintf(stderr, "no session bus\n");
        return 2;
    }
    NotificationServer server;
    if (!bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &server,
                            QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals) ||
        !bus.registerService(QStringLiteral("org.freedesktop.Notifications"))) {
        std::fprintf(stderr, "cannot own org.freedesktop.Notifications: %s\n",
                     qPrintable(bus.lastError().message()));
        return 3;
    }
    QByteArray pending;
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &server, [&] {
        char buffer[512];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            QCoreApplication::quit(); // the test went away
            return;
        }
        pending.append(buffer, n);
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            server.command(pending.left(end));
            pending.remove(0, end + 1);
        }
    });
    std::printf("ready\n");
    std::fflush(stdout);
    return app.exec();
}

#include "NotificationServer.moc"
