#include "models/net/NetworkFailure.h"

namespace ops {

namespace {

QString hostAndPort(const QUrl& url)
{
    const int port = url.port(url.scheme() == u"https" ? 443 : 80);
    return QStringLiteral("%1:%2").arg(url.host()).arg(port);
}

// OpenSSL's words when the other side answered the ClientHello with something that is not TLS
// (a plain-http server, say): "wrong version number", "packet length too long", ...
bool notTls(const QString& qtText)
{
    for (const char* sign :
         {"does not speak TLS", "wrong version number", "packet length too long",
          "unknown protocol", "http request", "record layer failure", "unexpected eof"}) {
        if (qtText.contains(QLatin1String(sign), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

NetworkFailure describeNetworkFailure(QNetworkReply::NetworkError error, const QString& qtText,
                                      const QUrl& url)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return {ConnectionState::Unreachable, QStringLiteral("connection_refused"),
                QStringLiteral("Connection refused by %1 (nothing listens on that port)")
                    .arg(hostAndPort(url))};
    case QNetworkReply::HostNotFoundError:
        return {ConnectionState::Unreachable, QStringLiteral("host_not_found"),
                QStringLiteral("host %1 not found (DNS)").arg(url.host())};
    case QNetworkReply::TimeoutError:
        return {ConnectionState::Timeout, QStringLiteral("timeout"),
                QStringLiteral("no answer from %1 in time").arg(hostAndPort(url))};
    case QNetworkReply::SslHandshakeFailedError:
        if (notTls(qtText))
            return {ConnectionState::Error, QStringLiteral("tls_not_spoken"),
                    QStringLiteral("TLS handshake failed: the server does not speak TLS (plain "
                                   "http on %1?)")
                        .arg(hostAndPort(url))};
        return {ConnectionState::Error, QStringLiteral("tls_handshake"),
                QStringLiteral("TLS handshake failed: %1").arg(qtText)};
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::ProtocolUnknownError:
    case QNetworkReply::ProtocolInvalidOperationError:
        return {ConnectionState::BadResponse, QStringLiteral("not_http"),
                qtText.startsWith(QLatin1String("not HTTP"))
                    ? qtText
                    : QStringLiteral("not HTTP: the server on %1 answered something else (%2)")
                          .arg(hostAndPort(url), qtText)};
    default:
        break;
    }
    return {ConnectionState::Unreachable, QStringLiteral("network"), qtText};
}

} // namespace ops
