#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace ops {

class AuditFilterModel;
class AuditTableModel;

// The Audit page: every operator action of the audit log (newest first) with filters (text,
// action kind, target) and a CSV export of the rows shown. Follows the model's new rows.
class AuditPage : public QWidget {
    Q_OBJECT

public:
    explicit AuditPage(AuditTableModel* model, QWidget* parent = nullptr);

    AuditFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }
    // A standing notice about the log's storage (e.g. "read-only: new actions are not
    // recorded"), shown above the rows; empty hides it.
    void setStorageNotice(const QString& notice);
    QString storageNotice() const;
    // Writes the rows shown to path; false with a message on the page (and in error).
    bool exportCsv(const QString& path, QString* error = nullptr);

public slots:
    void exportWithDialog();

private:
    void updateChoices();
    void updateCount();

    AuditTableModel* m_model;
    AuditFilterModel* m_filter;
    QLineEdit* m_text = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_target = nullptr;
    QPushButton* m_export = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_problem = nullptr;
    QLabel* m_storageNotice = nullptr;
};

} // namespace ops
