#include "models/targets/TargetListModel.h"

#include "models/monitor/TargetMonitor.h"

namespace ops {

void TargetListModel::setEntries(const QList<Entry>& entries)
{
    beginResetModel();
    for (const Entry& entry : std::as_const(m_entries)) {
        if (entry.monitor)
            disconnect(entry.monitor, nullptr, this, nullptr);
    }
    m_entries = entries;
    endResetModel();
    for (int row = 0; row < m_entries.size(); ++row)
        watch(row);
}

void TargetListModel::setMonitor(const QString& name, TargetMonitor* monitor)
{
    const int row = rowOf(name);
    if (row < 0)
        return;
    if (m_entries[row].monitor)
        disconnect(m_entries[row].monitor, nullptr, this, nullptr);
    m_entries[row].monitor = monitor;
    watch(row);
    emit dataChanged(index(row), index(row));
}

void TargetListModel::watch(int row)
{
    TargetMonitor* monitor = m_entries.at(row).monitor;
    if (!monitor)
        return;
    const QString name = m_entries.at(row).name;
    connect(monitor, &TargetMonitor::stateChanged, this, [this, name] {
        const int r = rowOf(name);
        if (r >= 0)
            emit dataChanged(index(r), index(r), {StateRole, DetailRole, Qt::ToolTipRole});
    });
}

int TargetListModel::rowOf(const QString& name) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).name == name)
            return row;
    }
    return -1;
}

QString TargetListModel::nameAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? m_entries.at(row).name : QString();
}

int TargetListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant TargetListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries.at(index.row());
    const ConnectionState state =
        entry.monitor ? entry.monitor->state() : ConnectionState::Connecting;
    const QString detail = entry.monitor ? entry.monitor->stateDetail() : QString();
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return entry.name;
    case StateRole:
        return QVariant::fromValue(state);
    case DetailRole:
        return detail;
    case ReadOnlyRole:
        return entry.readOnly;
    case Qt::ToolTipRole:
        return detail.isEmpty() ? connectionStateName(state)
                                : connectionStateName(state) + QStringLiteral(": ") + detail;
    default:
        return {};
    }
}

QHash<int, QByteArray> TargetListModel::roleNames() const
{
    QHash<int, QByteArray> roles = QAbstractListModel::roleNames();
    roles.insert(NameRole, "name");
    roles.insert(StateRole, "state");
    roles.insert(DetailRole, "detail");
    roles.insert(ReadOnlyRole, "readOnly");
    return roles;
}

} // namespace ops
