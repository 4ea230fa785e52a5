#pragma once

#include "models/workflows/JobDraft.h"

#include <QDialog>
#include <QMap>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace ops {

// POST /v1/jobs: the JobCreate fields, checked as they are typed (JobDraft::validate), and the
// gateway's own 422 field errors shown beside the fields (showErrors). Emits submitted; the page
// sends it and closes the dialog on success.
class CreateJobDialog : public QDialog {
    Q_OBJECT
public:
    CreateJobDialog(const QString& targetLabel, bool readOnly, QWidget* parent = nullptr);

    JobDraft draft() const;
    void showErrors(const QString& message, const QList<FieldError>& errors);
    QPushButton* createButton() const { return m_create; }

signals:
    void submitted(const ops::JobDraft& draft);

private:
    void validate();

    bool m_readOnly;
    QLineEdit* m_title;
    QPlainTextEdit* m_description;
    QLineEdit* m_requirements;
    QLineEdit* m_location;
    QLineEdit* m_department;
    QLineEdit* m_experience;
    QSpinBox* m_salaryMin;
    QSpinBox* m_salaryMax;
    QLabel* m_errors;
    QPushButton* m_create;
};

} // namespace ops
