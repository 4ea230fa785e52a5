#include "models/itemmodels/ChartPointsModel.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace ops {

ChartPointsModel::ChartPointsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int ChartPointsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int ChartPointsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::pair<int, int> ChartPointsModel::locate(int row) const
{
    const auto it = std::upper_bound(m_firstRow.begin(), m_firstRow.end(), row);
    const int series = static_cast<int>(it - m_firstRow.begin()) - 1;
    return {series, row - m_firstRow[static_cast<std::size_t>(series)]};
}

QVariant ChartPointsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto [series, at] = locate(index.row());
    const Series& s = m_series[static_cast<std::size_t>(series)];
    const StorePoint& p = s.points[static_cast<std::size_t>(at)];
    switch (role) {
    case TimeMsRole:
        return p.t;
    case ValueRole:
        return p.v;
    case Qt::TextAlignmentRole:
        return index.column() == ValueColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                             : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(p.t).toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case SeriesColumn:
            return s.name;
        case ValueColumn:
            return m_unit.isEmpty() ? QLocale().toString(p.v, 'g', 6)
                                    : tr("%1 %2").arg(QLocale().toString(p.v, 'g', 6), m_unit);
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant ChartPointsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case SeriesColumn:
        return tr("Series");
    case ValueColumn:
        return tr("Value");
    }
    return {};
}

void ChartPointsModel::setSeries(std::vector<Series> series, const QString& unit)
{
    beginResetModel();
    m_series = std::move(series);
    m_unit = unit;
    m_firstRow.clear();
    m_rows = 0;
    for (const Series& s : m_series) {
        m_firstRow.push_back(m_rows);
        m_rows += static_cast<int>(s.points.size());
    }
    endResetModel();
}

} // namespace ops
