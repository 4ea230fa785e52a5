#pragma once

#include <QSslCertificate>
#include <QString>
#include <QUrl>

namespace ops {

struct CertificateLook {
    QSslCertificate certificate; // null when it could not be seen (error says why)
    QString error;
};

// Opens a TLS connection to the url's host and port, takes the certificate the server presents
// (whatever it is: this is a look before a trust decision, not one) and closes. Sends nothing
// but the handshake. Blocking: for the command line.
CertificateLook lookAtCertificate(const QUrl& url, int timeoutMs);

} // namespace ops
