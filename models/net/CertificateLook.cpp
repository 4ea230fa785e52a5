#include "models/net/CertificateLook.h"

#include <QCoreApplication>
#include <QSslSocket>

namespace ops {

CertificateLook lookAtCertificate(const QUrl& url, int timeoutMs)
{
    CertificateLook look;
    if (url.scheme() != u"https") {
        look.error = QCoreApplication::translate("CertificateLook",
                                                 "%1 is not https: there is no certificate")
                         .arg(url.toString(QUrl::RemoveUserInfo));
        return look;
    }
    QSslSocket socket;
    socket.setPeerVerifyMode(QSslSocket::QueryPeer); // see it, whatever its chain says
    socket.connectToHostEncrypted(url.host(), quint16(url.port(443)));
    if (!socket.waitForEncrypted(timeoutMs)) {
        look.error =
            socket.error() == QAbstractSocket::SocketTimeoutError
                ? QCoreApplication::translate("CertificateLook", "no TLS handshake in %1 s")
                      .arg(timeoutMs / 1000.0, 0, 'f', 1)
                : socket.errorString();
        return look;
    }
    look.certificate = socket.peerCertificate();
    socket.disconnectFromHost();
    if (look.certificate.isNull())
        look.error =
            QCoreApplication::translate("CertificateLook", "the server sent no certificate");
    return look;
}

} // namespace ops
