#include "ui/deploy/RedeployDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ops {

RedeployDialog::RedeployDialog(Kind kind, const QString& targetName, const QString& targetUrl,
                               const QString& serviceName, const QString& commit, QWidget* parent)
    : QDialog(parent)
    , m_serviceName(serviceName)
{
    const bool rollback = kind == Kind::Rollback;
    setObjectName(QStringLiteral("redeployDialog"));
    setWindowTitle(rollback ? tr("Roll back %1").arg(serviceName)
                            : tr("Redeploy %1").arg(serviceName));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(rollback ? tr("<b>Roll back</b> this service to an earlier deploy. "
                                           "The running instance is replaced.")
                                      : tr("<b>Redeploy</b> this service. The running instance "
                                           "is replaced once the new one is healthy."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    auto addRow = [&](const QString& label, const QString& value) {
        auto* v = new QLabel(this);
        // Commit messages and names come from Render and the repository: never rich text.
        v->setTextFormat(Qt::PlainText);
        v->setText(value);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->setWordWrap(true);
        form->addRow(label, v);
    };
    addRow(tr("Environment:"), tr("%1 (%2)").arg(targetName, targetUrl));
    addRow(tr("Service:"), serviceName);
    addRow(rollback ? tr("Back to commit:") : tr("Commit:"), commit);
    layout->addLayout(form);
    if (rollback) {
        auto* warning = new QLabel(
            tr("An API rollback leaves auto-deploy on: the next push to the branch deploys the "
               "change again. Turn auto-deploy off in Render, or revert the commit."),
            this);
        warning->setWordWrap(true);
        warning->setStyleSheet(QStringLiteral("color: #a15c00;"));
        layout->addWidget(warning);
    } else {
        m_clearCache = new QCheckBox(tr("Clear the build cache"), this);
        layout->addWidget(m_clearCache);
    }
    auto* prompt = new QLabel(
        tr("Type the service name <b>%1</b> to confirm:").arg(serviceName.toHtmlEscaped()), this);
    layout->addWidget(prompt);
    m_typed = new QLineEdit(this);
    m_typed->setAccessibleName(tr("Service name confirmation"));
    m_typed->setPlaceholderText(serviceName);
    prompt->setBuddy(m_typed);
    layout->addWidget(m_typed);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_ok = buttons->addButton(rollback ? tr("Roll back") : tr("Redeploy"),
                              QDialogButtonBox::AcceptRole);
    m_ok->setEnabled(false);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_typed, &QLineEdit::textChanged, this,
            [this](const QString& text) { m_ok->setEnabled(text.trimmed() == m_serviceName); });
    setMinimumWidth(480);
}

bool RedeployDialog::clearCache() const
{
    return m_clearCache && m_clearCache->isChecked();
}

void RedeployDialog::setTypedName(const QString& name)
{
    m_typed->setText(name);
}

} // namespace ops
