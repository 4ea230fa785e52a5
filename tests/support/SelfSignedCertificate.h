#pragma once

#include <QByteArray>
#include <QString>

namespace ops::test {

// A fresh self-signed certificate for 127.0.0.1 made by openssl: dir/name.pem and dir/name.key.
// Returns the certificate's SHA-256, or empty on failure.
QByteArray makeSelfSignedCertificate(const QString& dir, const QString& name);

} // namespace ops::test
