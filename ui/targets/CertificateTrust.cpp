#include "ui/targets/CertificateTrust.h"

#include "models/domain/Target.h"
#include "models/net/CertificatePin.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QMessageBox>
#include <QPushButton>

namespace ops {

namespace {

QString trc(const char* text)
{
    return QCoreApplication::translate("ops::CertificateTrust", text);
}

} // namespace

QString certificateTrustText(const QString& targetName, const QSslCertificate& certificate,
                             const QByteArray& sha256)
{
    const CertificateDescription description = describeCertificate(certificate);
    const QString what = description.isNull ? trc("SHA-256: %1").arg(formatFingerprint(sha256))
                                            : description.text(QDateTime::currentDateTimeUtc());
    return trc("%1 presented this certificate:\n\n%2\n\nCompare the SHA-256 with the one the "
               "server's administrator gives you before trusting it.\n\n%3")
        .arg(targetName, what, pinPolicyText());
}

bool confirmCertificateTrust(QWidget* parent, const QString& targetName,
                             const QSslCertificate& certificate, const QByteArray& sha256)
{
    QMessageBox box(parent);
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(trc("Trust this certificate?"));
    // Everything here comes from the server: shown as plain text, never as markup.
    box.setTextFormat(Qt::PlainText);
    box.setText(trc("Trust the certificate of %1?").arg(targetName));
    box.setInformativeText(certificateTrustText(targetName, certificate, sha256));
    QPushButton* trust = box.addButton(trc("&Trust this certificate"), QMessageBox::AcceptRole);
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == trust;
}

} // namespace ops
