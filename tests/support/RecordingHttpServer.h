#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>
#include <QUrl>
#include <functional>

namespace ops::test {

// A tiny HTTP/1.1 server on 127.0.0.1 that records every request exactly as it arrived (method,
// raw target with its percent-encoding, headers) and answers from a handler. For tests that must
// see what a client put on the wire: where the key went, how an id was encoded.
class RecordingHttpServer : public QObject {
public:
    struct Request {
        QByteArray method;
        QByteArray target; // "/services/srv%3Fx/deploys?limit=1", as sent
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray& name) const;
    };
    struct Response {
        int status = 200;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body = "{}";
    };
    using Handler = std::function<Response(const Request&)>;

    explicit RecordingHttpServer(QObject* parent = nullptr);
    bool listen(); // on 127.0.0.1, a free port
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const; // http://127.0.0.1:PORT
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Every request to a 302 with Location = base + the same target.
    void redirectEverythingTo(const QUrl& base);
    const QList<Request>& requests() const { return m_requests; }

private:
    void onConnection();

    QTcpServer m_server;
    Handler m_handler;
    QList<Request> m_requests;
};

} // namespace ops::test
