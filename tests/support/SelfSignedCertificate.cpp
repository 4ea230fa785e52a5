#include "tests/support/SelfSignedCertificate.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QSslCertificate>

namespace ops::test {

QByteArray makeSelfSignedCertificate(const QString& dir, const QString& name)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-keyout"), dir + u'/' + name + ".key",
                   QStringLiteral("-out"), dir + u'/' + name + ".pem"});
    if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
        return {};
    const auto certificates = QSslCertificate::fromPath(dir + u'/' + name + ".pem");
    return certificates.isEmpty() ? QByteArray()
                                  : certificates.first().digest(QCryptographicHash::Sha256);
}

} // namespace ops::test
