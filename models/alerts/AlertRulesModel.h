#pragma once

#include "models/alerts/AlertRule.h"

#include <QAbstractTableModel>

namespace ops {

// The rules as a table for the editor: one row a rule; editing happens in the form beside it.
class AlertRulesModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        EnabledColumn,
        NameColumn,
        SignalColumn,
        ConditionColumn,
        WindowColumn,
        ForColumn,
        SeverityColumn,
        TargetColumn,
        ColumnCount
    };

    explicit AlertRulesModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setRules(const QList<AlertRule>& rules);
    const QList<AlertRule>& rules() const { return m_rules; }
    AlertRule ruleAt(int row) const { return m_rules.value(row); }
    void setRule(int row, const AlertRule& rule);
    int addRule(const AlertRule& rule);
    void removeRule(int row);
    // "" when every rule is valid, else why not (duplicate names, empty names).
    QString validate() const;

    static QString conditionText(const AlertRule& rule);

private:
    QList<AlertRule> m_rules;
};

} // namespace ops
