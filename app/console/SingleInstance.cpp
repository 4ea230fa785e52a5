#include "app/console/SingleInstance.h"

#include <QDataStream>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>
#include <unistd.h>

namespace {

// A message is a QDataStream-serialised QStringList; the first instance answers one byte.
constexpr char kAck = 'A';
constexpr QDataStream::Version kStreamVersion = QDataStream::Qt_6_4;
// Command lines are short; anything bigger is not a console talking.
constexpr qint64 kMaxMessageBytes = 1 << 20;

} // namespace

SingleInstance::SingleInstance(QObject* parent)
    : QObject(parent)
{
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverName()
{
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (!runtime.isEmpty() && QDir(runtime).exists())
        return runtime + QStringLiteral("/org.bhiv.OpsConsole.socket");
    // No runtime folder: QLocalServer puts the name in the temp folder; the uid keeps it per user.
    return QStringLiteral("org.bhiv.OpsConsole-%1").arg(getuid());
}

bool SingleInstance::sendToRunning(const QStringList& arguments, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(serverName());
    if (!socket.waitForConnected(timeoutMs))
        return false;
    QByteArray message;
    {
        QDataStream out(&message, QIODevice::WriteOnly);
        out.setVersion(kStreamVersion);
        out << arguments;
    }
    QByteArray framed;
    {
        QDataStream out(&framed, QIODevice::WriteOnly);
        out.setVersion(kStreamVersion);
        out << message;
    }
    socket.write(framed);
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // The first instance acknowledges once it has the arguments; only then is the hand-over done.
    while (socket.bytesAvailable() < 1) {
        if (!socket.waitForReadyRead(timeoutMs))
            return false;
    }
    char ack = 0;
    return socket.getChar(&ack) && ack == kAck;
}

bool SingleInstance::listen()
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString name = serverName();
    if (!m_server->listen(name)) {
        // Either another console started in the meantime (then leave its socket alone), or a
        // console that crashed left its socket behind (nobody answers: remove it, try again).
        QLocalSocket probe;
        probe.connectToServer(name);
        if (probe.waitForConnected(500)) {
            m_error = tr("another console is already listening on %1").arg(name);
            return false;
        }
        QLocalServer::removeServer(name);
        if (!m_server->listen(name)) {
            m_error = tr("cannot listen on %1: %2").arg(name, m_server->errorString());
            return false;
        }
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::acceptConnections);
    return true;
}

void SingleInstance::acceptConnections()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (socket->bytesAvailable() > kMaxMessageBytes) {
                socket->abort();
                return;
            }
            QDataStream in(socket);
            in.setVersion(kStreamVersion);
            in.startTransaction();
            QByteArray message;
            in >> message;
            if (!in.commitTransaction())
                return; // wait for the rest
            QDataStream inner(message);
            inner.setVersion(kStreamVersion);
            QStringList arguments;
            inner >> arguments;
            socket->putChar(kAck);
            socket->flush();
            socket->disconnectFromServer();
            if (inner.status() == QDataStream::Ok)
                emit activated(arguments);
        });
    }
}
