#include "models/alerts/AlertRulesModel.h"

#include <QSet>

namespace ops {

AlertRulesModel::AlertRulesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int AlertRulesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int AlertRulesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertRulesModel::conditionText(const AlertRule& r)
{
    QString text = tr("%1(%2) %3 %4")
                       .arg(windowAggregationName(r.aggregation),
                            r.signal == QLatin1String(AlertSignals::Metric) ? r.metric : r.signal,
                            comparisonSymbol(r.op), formatSignalValue(r, r.threshold));
    if (r.hasRecoveryThreshold)
        text += tr(", resolves past %1").arg(formatSignalValue(r, r.recoveryThreshold));
    if (r.keepFiringForMs > 0)
        text += tr(", keeps firing %1").arg(formatDuration(r.keepFiringForMs));
    return text;
}

QVariant AlertRulesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rules.size())
        return {};
    const AlertRule& r = m_rules[index.row()];
    if (role == Qt::CheckStateRole && index.column() == EnabledColumn)
        return r.enabled ? Qt::Checked : Qt::Unchecked;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case EnabledColumn:
        return r.enabled ? tr("on") : tr("off");
    case NameColumn:
        return r.name;
    case SignalColumn:
        return r.signal == QLatin1String(AlertSignals::Metric) ? r.metric : r.signal;
    case ConditionColumn:
        return conditionText(r);
    case WindowColumn:
        return r.windowMs > 0 ? formatDuration(r.windowMs) : tr("latest");
    case ForColumn:
        return formatDuration(r.forMs);
    case SeverityColumn:
        return severityName(r.severity);
    case TargetColumn:
        return r.target.isEmpty() ? tr("every target") : r.target;
    default:
        return {};
    }
}

QVariant AlertRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case EnabledColumn:
        return tr("On");
    case NameColumn:
        return tr("Name");
    case SignalColumn:
        return tr("Signal");
    case ConditionColumn:
        return tr("Condition");
    case WindowColumn:
        return tr("Window");
    case ForColumn:
        return tr("For");
    case SeverityColumn:
        return tr("Severity");
    case TargetColumn:
        return tr("Target");
    default:
        return {};
    }
}

void AlertRulesModel::setRules(const QList<AlertRule>& rules)
{
    beginResetModel();
    m_rules = rules;
    endResetModel();
}

void AlertRulesModel::setRule(int row, const AlertRule& rule)
{
    if (row < 0 || row >= m_rules.size())
        return;
    m_rules[row] = rule;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int AlertRulesModel::addRule(const AlertRule& rule)
{
    const int row = int(m_rules.size());
    beginInsertRows({}, row, row);
    m_rules << rule;
    endInsertRows();
    return row;
}

void AlertRulesModel::removeRule(int row)
{
    if (row < 0 || row >= m_rules.size())
        return;
    beginRemoveRows({}, row, row);
    m_rules.removeAt(row);
    endRemoveRows();
}

QString AlertRulesModel::validate() const
{
    QSet<QString> names;
    for (int i = 0; i < m_rules.size(); ++i) {
        const QString key = m_rules[i].name + u'\x1f' + m_rules[i].target;
        if (m_rules[i].name.trimmed().isEmpty())
            return tr("Rule %1 has no name.").arg(i + 1);
        if (names.contains(key))
            return tr("Two rules are called \"%1\".").arg(m_rules[i].name);
        names.insert(key);
    }
    return {};
}

} // namespace ops
