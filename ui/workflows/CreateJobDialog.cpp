#include "ui/workflows/CreateJobDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ops {

CreateJobDialog::CreateJobDialog(const QString& targetLabel, bool readOnly, QWidget* parent)
    : QDialog(parent)
    , m_readOnly(readOnly)
{
    setWindowTitle(tr("New job posting"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("Target: <b>%1</b>. Creating a job starts its job-posting workflow.")
                       .arg(targetLabel.toHtmlEscaped()),
                   this));
    auto* form = new QFormLayout;
    m_title = new QLineEdit(this);
    m_title->setMaxLength(JobDraft::kTitleMax + 50);
    m_description = new QPlainTextEdit(this);
    m_description->setTabChangesFocus(true);
    m_description->setMinimumHeight(90);
    m_requirements = new QLineEdit(this);
    m_location = new QLineEdit(this);
    m_department = new QLineEdit(this);
    m_experience = new QLineEdit(this);
    m_experience->setPlaceholderText(tr("e.g. senior"));
    m_salaryMin = new QSpinBox(this);
    m_salaryMax = new QSpinBox(this);
    for (QSpinBox* box : {m_salaryMin, m_salaryMax}) {
        box->setRange(0, 10'000'000);
        box->setSingleStep(1000);
        box->setSpecialValueText(tr("not given"));
    }
    form->addRow(tr("&Title (5-200):"), m_title);
    form->addRow(tr("&Description (20-5000):"), m_description);
    form->addRow(tr("&Requirements:"), m_requirements);
    form->addRow(tr("&Location:"), m_location);
    form->addRow(tr("De&partment:"), m_department);
    form->addRow(tr("&Experience level:"), m_experience);
    form->addRow(tr("Salary mi&n:"), m_salaryMin);
    form->addRow(tr("Salary ma&x:"), m_salaryMax);
    layout->addLayout(form);
    m_errors = new QLabel(this);
    m_errors->setObjectName(QStringLiteral("jobErrors"));
    m_errors->setWordWrap(true);
    m_errors->setStyleSheet(QStringLiteral("color: #b02a37;"));
    layout->addWidget(m_errors);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = buttons->addButton(tr("&Create job"), QDialogButtonBox::ActionRole);
    m_create->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_create, &QPushButton::clicked, this, [this] {
        m_create->setEnabled(false);
        m_errors->setText(tr("Sending…"));
        emit submitted(draft());
    });
    for (QLineEdit* edit : {m_title, m_requirements, m_location, m_department, m_experience})
        connect(edit, &QLineEdit::textChanged, this, &CreateJobDialog::validate);
    connect(m_description, &QPlainTextEdit::textChanged, this, &CreateJobDialog::validate);
    connect(m_salaryMin, &QSpinBox::valueChanged, this, &CreateJobDialog::validate);
    connect(m_salaryMax, &QSpinBox::valueChanged, this, &CreateJobDialog::validate);
    validate();
}

JobDraft CreateJobDialog::draft() const
{
    JobDraft d;
    d.title = m_title->text();
    d.description = m_description->toPlainText();
    d.requirements = m_requirements->text();
    d.location = m_location->text();
    d.department = m_department->text();
    d.experienceLevel = m_experience->text();
    if (m_salaryMin->value() > 0)
        d.salaryMin = m_salaryMin->value();
    if (m_salaryMax->value() > 0)
        d.salaryMax = m_salaryMax->value();
    return d;
}

void CreateJobDialog::validate()
{
    const QList<FieldError> errors = draft().validate();
    QStringList lines;
    for (const FieldError& e : errors)
        lines << e.field + QStringLiteral(": ") + e.message;
    m_errors->setText(m_readOnly ? tr("This target is read-only: jobs cannot be created from here.")
                                 : lines.join(QLatin1Char('\n')));
    m_create->setEnabled(errors.isEmpty() && !m_readOnly);
}

void CreateJobDialog::showErrors(const QString& message, const QList<FieldError>& errors)
{
    QStringList lines;
    for (const FieldError& e : errors)
        lines << tr("%1: %2 (from the gateway)").arg(e.field, e.message);
    m_errors->setText(lines.isEmpty() ? message : lines.join(QLatin1Char('\n')));
    m_create->setEnabled(!m_readOnly);
}

} // namespace ops
