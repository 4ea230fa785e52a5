#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QString>

class QWidget;

namespace ops {

// Asks before a certificate is pinned for a target. Shows what the certificate says (subject,
// issuer, names, validity, SHA-256 of the certificate and of its key) and what trusting skips;
// "Cancel" is the default. True when the operator chose to trust. `certificate` may be null when
// only its fingerprint is known (then only the fingerprint is shown).
bool confirmCertificateTrust(QWidget* parent, const QString& targetName,
                             const QSslCertificate& certificate, const QByteArray& sha256);

// The text that dialog shows (for tests and the CLI's wording to match).
QString certificateTrustText(const QString& targetName, const QSslCertificate& certificate,
                             const QByteArray& sha256);

} // namespace ops
