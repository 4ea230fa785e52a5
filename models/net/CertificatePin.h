#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

namespace ops {

// SHA-256 of the certificate's SubjectPublicKeyInfo (the public key as RFC 7469 pins it); empty
// when the certificate cannot be read. Survives a renewal that keeps the key.
QByteArray spkiSha256(const QSslCertificate& certificate);

// A pin (32 bytes) matches a certificate when it is the SHA-256 of the whole certificate or of
// its public key (SPKI).
bool pinMatches(const QSslCertificate& certificate, const QByteArray& pin);

// TLS errors a pin stands in for: the chain does not lead to a CA the system trusts (self-signed,
// unknown issuer). A pin never excuses the others: a certificate for another name, expired or not
// yet valid, revoked, or one that cannot be used for a server.
bool pinExcuses(QSslError::SslError error);

// What people are shown before they trust a certificate (TargetsDialog's trust confirmation,
// `bhiv-ops targets trust`).
struct CertificateDescription {
    QString subject; // "CN=gw.example.com, O=BHIV"
    QString issuer;
    QDateTime notBefore; // UTC
    QDateTime notAfter;
    QByteArray sha256;     // of the whole certificate
    QByteArray spkiSha256; // of its public key
    QStringList names;     // subject alternative names (DNS and IP)
    bool selfSigned = false;
    bool isNull = true;

    // Several lines: subject, issuer, names, validity (with "expired"/"not yet valid" against
    // nowUtc), SHA-256 of the certificate and of its key.
    QString text(const QDateTime& nowUtc) const;
};

CertificateDescription describeCertificate(const QSslCertificate& certificate);

// What trusting a certificate by its fingerprint means, in words (the trust UI and docs show it).
QString pinPolicyText();

} // namespace ops
