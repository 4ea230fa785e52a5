#include "models/itemmodels/EndpointTableModel.h"

#include "models/domain/Units.h"
#include "models/metrics/SignalBoard.h"

#include <QLocale>

#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace ops {

namespace {

double nan()
{
    return std::numeric_limits<double>::quiet_NaN();
}

} // namespace

EndpointTableModel::EndpointTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void EndpointTableModel::setBoard(const SignalBoard* board)
{
    beginResetModel();
    m_board = board;
    m_endpoints.clear();
    m_methods.clear();
    endResetModel();
    refresh();
}

void EndpointTableModel::refresh()
{
    QStringList endpoints;
    m_totalRate = 0;
    if (m_board) {
        for (const EndpointRow& row : m_board->endpointTable()) {
            endpoints << QString::fromStdString(row.endpoint);
            const double rate = row.latest[static_cast<std::size_t>(EndpointSignal::RequestRate)];
            if (std::isfinite(rate))
                m_totalRate += rate;
        }
    }
    if (endpoints != m_endpoints) {
        beginResetModel();
        m_endpoints = endpoints;
        readMethods();
        endResetModel();
        return;
    }
    if (!m_endpoints.isEmpty())
        emit dataChanged(index(0, RateColumn), index(rowCount() - 1, ColumnCount - 1));
}

// The methods each endpoint was requested with, from the labels of the requests counter (only
// when the endpoint list changes).
void EndpointTableModel::readMethods()
{
    m_methods.clear();
    const EndpointMethods methods = m_board ? m_board->endpointMethods() : EndpointMethods();
    for (const QString& endpoint : std::as_const(m_endpoints)) {
        QStringList names;
        const auto it = methods.find(endpoint.toStdString());
        if (it != methods.end()) {
            for (const std::string& m : it->second)
                names << QString::fromStdString(m);
        }
        m_methods << names.join(QStringLiteral(", "));
    }
}

int EndpointTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_endpoints.size());
}

int EndpointTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double EndpointTableModel::value(int row, int column) const
{
    const auto& table = m_board->endpointTable();
    if (row < 0 || static_cast<std::size_t>(row) >= table.size())
        return nan();
    const auto& latest = table[static_cast<std::size_t>(row)].latest;
    auto at = [&](EndpointSignal s) { return latest[static_cast<std::size_t>(s)]; };
    switch (column) {
    case RateColumn:
        return at(EndpointSignal::RequestRate);
    case AvgColumn:
        return at(EndpointSignal::LatencyAvg);
    case P95Column:
        return at(EndpointSignal::P95);
    case ErrorColumn: {
        const double rate = at(EndpointSignal::RequestRate);
        const double errors = at(EndpointSignal::ErrorRate);
        if (!std::isfinite(errors) || !std::isfinite(rate))
            return nan();
        return rate > 0 ? errors / rate : 0.0;
    }
    case ShareColumn: {
        const double rate = at(EndpointSignal::RequestRate);
        if (!std::isfinite(rate))
            return nan();
        return m_totalRate > 0 ? rate / m_totalRate : 0.0;
    }
    default:
        return nan();
    }
}

QVariant EndpointTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        !m_board)
        return {};
    const int row = index.row();
    const int column = index.column();
    switch (role) {
    case EndpointRole:
        return m_endpoints.at(row);
    case SortRole:
        if (column == MethodColumn)
            return m_methods.value(row);
        if (column == EndpointColumn)
            return m_endpoints.at(row);
        {
            // Unknown values sort below every known one.
            const double v = value(row, column);
            return std::isfinite(v) ? v : -std::numeric_limits<double>::infinity();
        }
    case Qt::TextAlignmentRole:
        return column >= RateColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
    case Qt::DisplayRole: {
        if (column == MethodColumn)
            return m_methods.value(row).isEmpty() ? tr("—") : m_methods.value(row);
        if (column == EndpointColumn)
            return m_endpoints.at(row);
        const double v = value(row, column);
        if (!std::isfinite(v))
            return tr("—");
        const QLocale locale;
        switch (column) {
        case RateColumn:
            return tr("%1 req/s").arg(locale.toString(v, 'f', v < 10 ? 2 : 1));
        case AvgColumn:
        case P95Column:
            if (v >= 1.0)
                return formatSeconds(v); // "1.91 s", not "1,909 ms"
            return tr("%1 ms").arg(locale.toString(v * 1000.0, 'f', v < 0.1 ? 1 : 0));
        case ErrorColumn:
        case ShareColumn:
            return tr("%1 %").arg(locale.toString(v * 100.0, 'f', 1));
        }
        break;
    }
    case Qt::AccessibleTextRole:
        if (column == EndpointColumn)
            return tr("Endpoint %1").arg(m_endpoints.at(row));
        break;
    default:
        break;
    }
    return {};
}

QVariant EndpointTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case MethodColumn:
        return tr("Method");
    case EndpointColumn:
        return tr("Endpoint");
    case RateColumn:
        return tr("Rate");
    case AvgColumn:
        return tr("Avg");
    case P95Column:
        return tr("p95");
    case ErrorColumn:
        return tr("Errors");
    case ShareColumn:
        return tr("Share");
    }
    return {};
}

std::uint32_t EndpointTableModel::seriesId(int row, Series series) const
{
    if (!m_board || row < 0 || static_cast<std::size_t>(row) >= m_board->endpointTable().size())
        return SeriesStore::kNoSeries;
    return m_board->endpointTable()[static_cast<std::size_t>(row)]
        .series[static_cast<std::size_t>(series)];
}

int EndpointTableModel::rowOf(const QString& endpoint) const
{
    return static_cast<int>(m_endpoints.indexOf(endpoint));
}

} // namespace ops
