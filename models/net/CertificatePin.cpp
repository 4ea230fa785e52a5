#include "models/net/CertificatePin.h"

#include "models/domain/Target.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QMultiMap>
#include <QSsl>

#include <optional>

namespace ops {

namespace {

// One DER element: where its contents start and how long they are.
struct DerElement {
    qsizetype headerStart = 0;
    qsizetype contentStart = 0;
    qsizetype contentLength = 0;
    unsigned char tag = 0;
    qsizetype end() const { return contentStart + contentLength; }
};

std::optional<DerElement> readDer(const QByteArray& der, qsizetype at, qsizetype limit)
{
    if (at + 2 > limit)
        return std::nullopt;
    DerElement e;
    e.headerStart = at;
    e.tag = static_cast<unsigned char>(der[at]);
    if ((e.tag & 0x1f) == 0x1f) // multi-byte tags do not occur in a certificate's top levels
        return std::nullopt;
    const auto first = static_cast<unsigned char>(der[at + 1]);
    qsizetype pos = at + 2;
    qsizetype length = 0;
    if (first < 0x80) {
        length = first;
    } else {
        const int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 4 || pos + bytes > limit)
            return std::nullopt;
        for (int i = 0; i < bytes; ++i)
            length = (length << 8) | static_cast<unsigned char>(der[pos + i]);
        pos += bytes;
    }
    if (length < 0 || pos + length > limit)
        return std::nullopt;
    e.contentStart = pos;
    e.contentLength = length;
    return e;
}

// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
// signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }
QByteArray subjectPublicKeyInfoDer(const QByteArray& der)
{
    const auto certificate = readDer(der, 0, der.size());
    if (!certificate || certificate->tag != 0x30)
        return {};
    const auto tbs = readDer(der, certificate->contentStart, certificate->end());
    if (!tbs || tbs->tag != 0x30)
        return {};
    qsizetype at = tbs->contentStart;
    auto element = readDer(der, at, tbs->end());
    if (element && element->tag == 0xa0) { // explicit version
        at = element->end();
        element = readDer(der, at, tbs->end());
    }
    // serialNumber, signature, issuer, validity, subject, then the key.
    for (int skip = 0; skip < 5; ++skip) {
        if (!element)
            return {};
        at = element->end();
        element = readDer(der, at, tbs->end());
    }
    if (!element || element->tag != 0x30)
        return {};
    return der.mid(element->headerStart, element->end() - element->headerStart);
}

QString trc(const char* text)
{
    return QCoreApplication::translate("ops::CertificatePin", text);
}

QString nameText(const QSslCertificate& certificate, bool issuer)
{
    const QString text =
        issuer ? certificate.issuerDisplayName() : certificate.subjectDisplayName();
    QStringList parts;
    const auto attribute = [&](QSslCertificate::SubjectInfo info, const char* label) {
        const QStringList values =
            issuer ? certificate.issuerInfo(info) : certificate.subjectInfo(info);
        for (const QString& v : values)
            parts << QStringLiteral("%1=%2").arg(QLatin1String(label), v);
    };
    attribute(QSslCertificate::CommonName, "CN");
    attribute(QSslCertificate::Organization, "O");
    attribute(QSslCertificate::OrganizationalUnitName, "OU");
    attribute(QSslCertificate::CountryName, "C");
    return parts.isEmpty() ? text : parts.join(QStringLiteral(", "));
}

} // namespace

QByteArray spkiSha256(const QSslCertificate& certificate)
{
    if (certificate.isNull())
        return {};
    const QByteArray spki = subjectPublicKeyInfoDer(certificate.toDer());
    return spki.isEmpty() ? QByteArray()
                          : QCryptographicHash::hash(spki, QCryptographicHash::Sha256);
}

bool pinMatches(const QSslCertificate& certificate, const QByteArray& pin)
{
    if (certificate.isNull() || pin.size() != 32)
        return false;
    return certificate.digest(QCryptographicHash::Sha256) == pin || spkiSha256(certificate) == pin;
}

bool pinExcuses(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
        return true;
    default:
        return false;
    }
}

CertificateDescription describeCertificate(const QSslCertificate& certificate)
{
    CertificateDescription d;
    if (certificate.isNull())
        return d;
    d.isNull = false;
    d.subject = nameText(certificate, false);
    d.issuer = nameText(certificate, true);
    d.notBefore = certificate.effectiveDate().toUTC();
    d.notAfter = certificate.expiryDate().toUTC();
    d.sha256 = certificate.digest(QCryptographicHash::Sha256);
    d.spkiSha256 = spkiSha256(certificate);
    d.selfSigned = certificate.isSelfSigned();
    const auto alternates = certificate.subjectAlternativeNames();
    for (auto it = alternates.cbegin(); it != alternates.cend(); ++it) {
        if (it.key() == QSsl::DnsEntry || it.key() == QSsl::IpAddressEntry)
            d.names << it.value();
    }
    return d;
}

QString CertificateDescription::text(const QDateTime& nowUtc) const
{
    if (isNull)
        return trc("No certificate.");
    const auto when = [](const QDateTime& t) {
        return t.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    };
    QString validity = trc("%1 to %2").arg(when(notBefore), when(notAfter));
    if (nowUtc.isValid() && nowUtc > notAfter)
        validity += trc(" (expired)");
    else if (nowUtc.isValid() && nowUtc < notBefore)
        validity += trc(" (not yet valid)");
    QStringList lines;
    lines << trc("Subject: %1").arg(subject);
    lines << trc("Issuer: %1%2").arg(issuer, selfSigned ? trc(" (self-signed)") : QString());
    if (!names.isEmpty())
        lines << trc("Names: %1").arg(names.join(QStringLiteral(", ")));
    lines << trc("Valid: %1").arg(validity);
    lines << trc("SHA-256: %1").arg(formatFingerprint(sha256));
    if (!spkiSha256.isEmpty())
        lines << trc("Public key SHA-256: %1").arg(formatFingerprint(spkiSha256));
    return lines.join(u'\n');
}

QString pinPolicyText()
{
    return trc("Trusting pins this certificate: from then on every connection to the target must "
               "present exactly this certificate (or one with the same public key), even one a "
               "public CA signed. Trusting skips only the check that a known CA issued it; the "
               "name in the certificate must still match the host, and an expired certificate "
               "is still refused.");
}

} // namespace ops
