#include "tests/support/RecordingHttpServer.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace ops::test {

QByteArray RecordingHttpServer::Request::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

RecordingHttpServer::RecordingHttpServer(QObject* parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &RecordingHttpServer::onConnection);
}

bool RecordingHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl RecordingHttpServer::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void RecordingHttpServer::redirectEverythingTo(const QUrl& base)
{
    const QByteArray origin = base.toEncoded(QUrl::RemovePath | QUrl::RemoveQuery);
    m_handler = [origin](const Request& request) {
        Response r;
        r.status = 302;
        r.headers.append({QByteArray("Location"), origin + request.target});
        r.body = {};
        return r;
    };
}

void RecordingHttpServer::onConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            *buffer += socket->readAll();
            if (!buffer->isEmpty() && (buffer->at(0) < 'A' || buffer->at(0) > 'Z')) {
                // Not HTTP (a TLS ClientHello): answer as a plain http server does.
                socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n");
                socket->disconnectFromHost();
                buffer->clear();
                return;
            }
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request request;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            request.method = first.value(0);
            request.target = first.value(1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed();
                const QByteArray value = line.mid(colon + 1).trimmed();
                request.headers.append({name, value});
                if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                    length = value.toLongLong();
            }
            if (buffer->size() < end + 4 + length)
                return; // the body is still coming
            request.body = buffer->mid(end + 4, length);
            buffer->clear();
            m_requests.append(request);
            const Response response = m_handler ? m_handler(request) : Response();
            QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + " X\r\n";
            bool hasType = false;
            for (const auto& [name, value] : response.headers) {
                out += name + ": " + value + "\r\n";
                hasType = hasType || name.compare("Content-Type", Qt::CaseInsensitive) == 0;
            }
            if (!hasType)
                out += "Content-Type: application/json\r\n";
            out += "Content-Length: " + QByteArray::number(response.body.size()) +
                   "\r\nConnection: close\r\n\r\n" + response.body;
            socket->write(out);
            socket->disconnectFromHost();
        });
    }
}

} // namespace ops::test
