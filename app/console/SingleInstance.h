#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QLocalServer;

// One console per user session: the first launch listens on a per-user local socket; a later
// launch hands its arguments to the first (which raises its window) and exits.
class SingleInstance : public QObject {
    Q_OBJECT
public:
    explicit SingleInstance(QObject* parent = nullptr);
    ~SingleInstance() override;

    // The per-user socket: a path in $XDG_RUNTIME_DIR, or a name carrying the user id.
    static QString serverName();

    // Tries to hand arguments to a running console. True when one took them.
    bool sendToRunning(const QStringList& arguments, int timeoutMs = 1000);
    // Becomes the running console. False (with errorString) when the socket cannot be made.
    bool listen();
    QString errorString() const { return m_error; }

signals:
    // Another launch passed these arguments (its argv without the program name).
    void activated(const QStringList& arguments);

private:
    void acceptConnections();

    QLocalServer* m_server = nullptr;
    QString m_error;
};
