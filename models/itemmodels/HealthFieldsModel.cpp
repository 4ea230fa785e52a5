#include "models/itemmodels/HealthFieldsModel.h"

namespace ops {

HealthFieldsModel::HealthFieldsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void HealthFieldsModel::setFields(const QList<HealthDetail>& fields)
{
    bool sameKeys = fields.size() == m_fields.size();
    for (qsizetype i = 0; sameKeys && i < fields.size(); ++i)
        sameKeys = fields[i].key == m_fields[i].key;
    if (!sameKeys) {
        beginResetModel();
        m_fields = fields;
        endResetModel();
        return;
    }
    m_fields = fields;
    if (!m_fields.isEmpty())
        emit dataChanged(index(0, ValueColumn), index(rowCount() - 1, ValueColumn));
}

int HealthFieldsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_fields.size());
}

int HealthFieldsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HealthFieldsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const HealthDetail& field = m_fields.at(index.row());
    return index.column() == FieldColumn ? field.key : field.value;
}

QVariant HealthFieldsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == FieldColumn ? tr("Field") : tr("Value");
}

} // namespace ops
