#pragma once

#include "models/domain/Dialect.h"

#include <QDialog>
#include <QJsonObject>
#include <QMap>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace ops {

// Launch a workflow: the types the gateway's dialect knows, fields per type that fill the
// metadata JSON, the JSON itself with a live error (line and column), recent launches to repeat
// (QSettings, no secrets), the target shown. Read-only targets: shown, Launch disabled.
class LaunchWorkflowDialog : public QDialog {
    Q_OBJECT
public:
    LaunchWorkflowDialog(const QString& targetLabel, Dialect dialect, bool readOnly,
                         QWidget* parent = nullptr);

    QString workflowType() const;
    QJsonObject metadata() const;
    QString metadataError() const { return m_error; }
    QPushButton* launchButton() const { return m_launch; }
    QPlainTextEdit* metadataEditor() const { return m_editor; }
    QComboBox* typeBox() const { return m_type; }
    QComboBox* recentBox() const { return m_recent; }
    void setWorkflowType(const QString& type);
    void setMetadataText(const QString& json);

    // Keeps the launch for "Recent" (at most 10, newest first; keys that look secret dropped).
    static void rememberLaunch(const QString& type, const QJsonObject& metadata);
    static QList<QPair<QString, QJsonObject>> recentLaunches();
    // The form fields offered for a type (they become metadata keys).
    static QStringList fieldsFor(const QString& type);

private:
    void rebuildFields();
    void onFieldEdited(const QString& key, const QString& value);
    void validate();
    void applyRecent(int index);

    bool m_readOnly;
    QComboBox* m_type;
    QComboBox* m_recent;
    QFormLayout* m_fieldsLayout;
    QWidget* m_fieldsBox;
    QMap<QString, QLineEdit*> m_fields;
    QPlainTextEdit* m_editor;
    QLabel* m_errorLabel;
    QPushButton* m_launch;
    QString m_error;
    QJsonObject m_metadata;
    bool m_syncing = false;
};

} // namespace ops
