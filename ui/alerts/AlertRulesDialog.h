#pragma once

#include "models/alerts/AlertRule.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLayout;
class QLineEdit;
class QTableView;

namespace ops {

class AlertRulesModel;

// The rules editor: the rules as a table, the selected one as a form; import and export JSON
// (docs/alert-rules.md). OK applies the rules; a bad rule keeps OK disabled and says why.
class AlertRulesDialog : public QDialog {
    Q_OBJECT
public:
    explicit AlertRulesDialog(const QList<AlertRule>& rules, QWidget* parent = nullptr);

    QList<AlertRule> rules() const;
    AlertRulesModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

private:
    QWidget* buildRuleList(QWidget* parent);
    QLayout* buildRowButtons(QWidget* left);
    QWidget* buildRuleForm(QWidget* parent);
    void addSourceRows(QWidget* form, QFormLayout* f);
    void addConditionRows(QWidget* form, QFormLayout* f);
    void addOutcomeRows(QWidget* form, QFormLayout* f);
    void connectForm();
    void loadForm(int row);
    void storeForm();
    void updateSignalFields();
    void validate();
    void importRules();
    void exportRules();
    int currentRow() const;

    AlertRulesModel* m_model;
    QTableView* m_table;
    QLabel* m_problem;
    QPushButton* m_ok = nullptr;
    bool m_loading = false;
    int m_row = -1;
    QLineEdit* m_name;
    QCheckBox* m_enabled;
    QComboBox* m_signal;
    QLineEdit* m_metric;
    QLineEdit* m_matchers;
    QComboBox* m_seriesAggregation;
    QLineEdit* m_component;
    QComboBox* m_aggregation;
    QComboBox* m_op;
    QDoubleSpinBox* m_threshold;
    QCheckBox* m_hasRecovery;
    QDoubleSpinBox* m_recovery;
    QLineEdit* m_window;
    QLineEdit* m_for;
    QLineEdit* m_keepFiring;
    QComboBox* m_severity;
    QComboBox* m_noData;
    QComboBox* m_onError;
    QLineEdit* m_target;
    QLineEdit* m_summary;
};

} // namespace ops
