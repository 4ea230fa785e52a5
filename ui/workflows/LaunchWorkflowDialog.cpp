#include "ui/workflows/LaunchWorkflowDialog.h"

#include "ui/shell/StatePalette.h"

#include "models/workflows/WorkflowClient.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFont>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace ops {
namespace {

const QString kRecentKey = QStringLiteral("workflows/recentLaunches");

bool looksSecret(const QString& key)
{
    const QString k = key.toLower();
    for (const char* word : {"key", "token", "secret", "password", "passwd", "auth"}) {
        if (k.contains(QLatin1String(word)))
            return true;
    }
    return false;
}

// Line and column (1-based) of a character offset.
QPair<int, int> lineColumn(const QString& text, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\n')) {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

QStringList LaunchWorkflowDialog::fieldsFor(const QString& type)
{
    if (type == u"job_posting")
        return {QStringLiteral("job_id"), QStringLiteral("title")};
    if (type == u"candidate_onboarding")
        return {QStringLiteral("candidate_id"), QStringLiteral("email")};
    if (type == u"interview_scheduling" || type == u"interview_process")
        return {QStringLiteral("candidate_id"), QStringLiteral("job_id"),
                QStringLiteral("interviewer")};
    if (type == u"hiring_pipeline")
        return {QStringLiteral("job_id"), QStringLiteral("candidate_id")};
    if (type == u"bulk_operations")
        return {QStringLiteral("operation"), QStringLiteral("batch_size")};
    return {};
}

LaunchWorkflowDialog::LaunchWorkflowDialog(const QString& targetLabel, Dialect dialect,
                                           bool readOnly, QWidget* parent)
    : QDialog(parent)
    , m_readOnly(readOnly)
{
    setWindowTitle(tr("Launch a workflow"));
    auto* layout = new QVBoxLayout(this);
    auto* target = new QLabel(
        tr("Target: <b>%1</b> (%2 dialect)").arg(targetLabel.toHtmlEscaped(), dialectName(dialect)),
        this);
    target->setObjectName(QStringLiteral("targetLabel"));
    layout->addWidget(target);
    if (readOnly) {
        auto* banner = new QLabel(
            tr("This target is read-only: workflows cannot be launched from here."), this);
        banner->setObjectName(QStringLiteral("readOnlyBanner"));
        banner->setStyleSheet(noticeStyleSheet(NoticeKind::Warning, palette()));
        banner->setWordWrap(true);
        layout->addWidget(banner);
    }
    auto* form = new QFormLayout;
    m_type = new QComboBox(this);
    m_type->addItems(WorkflowClient::typesOf(dialect));
    m_type->setAccessibleName(tr("Workflow type"));
    form->addRow(tr("&Type:"), m_type);
    m_recent = new QComboBox(this);
    m_recent->setAccessibleName(tr("Recent launches"));
    m_recent->addItem(tr("(choose a recent launch to repeat it)"));
    for (const auto& [type, metadata] : recentLaunches()) {
        m_recent->addItem(QStringLiteral("%1 %2").arg(
            type, QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Compact))));
    }
    m_recent->setEnabled(m_recent->count() > 1);
    form->addRow(tr("&Recent:"), m_recent);
    layout->addLayout(form);

    m_fieldsBox = new QWidget(this);
    m_fieldsLayout = new QFormLayout(m_fieldsBox);
    m_fieldsLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_fieldsBox);

    auto* metadataLabel = new QLabel(tr("&Metadata (JSON object):"), this);
    layout->addWidget(metadataLabel);
    m_editor = new QPlainTextEdit(this);
    m_editor->setAccessibleName(tr("Metadata JSON"));
    m_editor->setFont(QFont(QStringLiteral("monospace")));
    m_editor->setTabChangesFocus(true);
    m_editor->setMinimumSize(460, 160);
    metadataLabel->setBuddy(m_editor);
    layout->addWidget(m_editor, 1);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("jsonError"));
    m_errorLabel->setWordWrap(true);
    layout->addWidget(m_errorLabel);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_launch = buttons->addButton(tr("&Launch"), QDialogButtonBox::AcceptRole);
    m_launch->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_type, &QComboBox::currentTextChanged, this, &LaunchWorkflowDialog::rebuildFields);
    connect(m_recent, &QComboBox::activated, this, &LaunchWorkflowDialog::applyRecent);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &LaunchWorkflowDialog::validate);
    m_editor->setPlainText(QStringLiteral("{\n}\n"));
    rebuildFields();
    validate();
}

QString LaunchWorkflowDialog::workflowType() const
{
    return m_type->currentText();
}

QJsonObject LaunchWorkflowDialog::metadata() const
{
    return m_metadata;
}

void LaunchWorkflowDialog::setWorkflowType(const QString& type)
{
    m_type->setCurrentText(type);
}

void LaunchWorkflowDialog::setMetadataText(const QString& json)
{
    m_editor->setPlainText(json);
}

void LaunchWorkflowDialog::rebuildFields()
{
    for (QLineEdit* edit : std::as_const(m_fields))
        m_fieldsLayout->removeRow(edit);
    m_fields.clear();
    for (const QString& key : fieldsFor(workflowType())) {
        auto* edit = new QLineEdit(m_fieldsBox);
        edit->setAccessibleName(key);
        edit->setText(m_metadata.value(key).toVariant().toString());
        auto* label = new QLabel(key + QLatin1Char(':'), m_fieldsBox);
        label->setBuddy(edit);
        m_fieldsLayout->addRow(label, edit);
        label->show(); // the dialog may already be visible
        edit->show();
        connect(edit, &QLineEdit::textEdited, this,
                [this, key](const QString& value) { onFieldEdited(key, value); });
        m_fields.insert(key, edit);
    }
}

void LaunchWorkflowDialog::onFieldEdited(const QString& key, const QString& value)
{
    if (!m_error.isEmpty())
        return; // fix the JSON first; the field is not written into broken text
    QJsonObject o = m_metadata;
    bool isNumber = false;
    const int n = value.toInt(&isNumber);
    if (value.isEmpty())
        o.remove(key);
    else if (isNumber && key == u"batch_size")
        o.insert(key, n);
    else
        o.insert(key, value);
    m_syncing = true;
    m_editor->setPlainText(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
    m_syncing = false;
    validate();
}

void LaunchWorkflowDialog::validate()
{
    const QString text = m_editor->toPlainText();
    QJsonParseError pe{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(text.trimmed().isEmpty() ? QByteArray("{}") : text.toUtf8(), &pe);
    m_error.clear();
    if (pe.error != QJsonParseError::NoError) {
        // The offset counts UTF-8 bytes; map it back to characters.
        const int chars = static_cast<int>(QString::fromUtf8(text.toUtf8().left(pe.offset)).size());
        const auto [line, column] = lineColumn(text, chars);
        m_error = tr("Line %1, column %2: %3").arg(line).arg(column).arg(pe.errorString());
    } else if (!doc.isObject()) {
        m_error = tr("The metadata must be a JSON object: { ... }");
    } else {
        m_metadata = doc.object();
        if (!m_syncing) {
            for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
                const QString value = m_metadata.value(it.key()).toVariant().toString();
                if (it.value()->text() != value)
                    it.value()->setText(value);
            }
        }
    }
    const bool hasType = !workflowType().isEmpty();
    if (m_error.isEmpty()) {
        m_errorLabel->setText(hasType ? tr("Valid JSON.")
                                      : tr("This gateway has no workflow types to launch."));
        m_errorLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));
    } else {
        m_errorLabel->setText(m_error);
        m_errorLabel->setStyleSheet(QStringLiteral("color: #b02a37; font-weight: bold;"));
    }
    for (QLineEdit* edit : std::as_const(m_fields))
        edit->setEnabled(m_error.isEmpty());
    m_launch->setEnabled(m_error.isEmpty() && hasType && !m_readOnly);
    m_launch->setToolTip(m_readOnly ? tr("Read-only target") : m_error);
}

void LaunchWorkflowDialog::applyRecent(int index)
{
    const auto recent = recentLaunches();
    if (index <= 0 || index > recent.size())
        return;
    const auto& [type, metadata] = recent.at(index - 1);
    setWorkflowType(type);
    setMetadataText(QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Indented)));
}

void LaunchWorkflowDialog::rememberLaunch(const QString& type, const QJsonObject& metadata)
{
    QJsonObject clean;
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        if (!looksSecret(it.key()))
            clean.insert(it.key(), it.value());
    }
    QJsonArray list{
        QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("metadata"), clean}}};
    for (const auto& [t, m] : recentLaunches()) {
        if (list.size() >= 10)
            break;
        if (t == type && m == clean)
            continue;
        list.append(QJsonObject{{QStringLiteral("type"), t}, {QStringLiteral("metadata"), m}});
    }
    QSettings().setValue(kRecentKey,
                         QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact)));
}

QList<QPair<QString, QJsonObject>> LaunchWorkflowDialog::recentLaunches()
{
    QList<QPair<QString, QJsonObject>> out;
    const QJsonArray list =
        QJsonDocument::fromJson(QSettings().value(kRecentKey).toString().toUtf8()).array();
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        const QString type = o.value(QStringLiteral("type")).toString();
        if (!type.isEmpty())
            out.append({type, o.value(QStringLiteral("metadata")).toObject()});
    }
    return out;
}

} // namespace ops
