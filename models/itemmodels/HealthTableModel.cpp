#include "models/itemmodels/HealthTableModel.h"

#include "models/monitor/TargetMonitor.h"

#include <QDateTime>
#include <QStringList>

#include <algorithm>

namespace ops {

HealthTableModel::HealthTableModel(const TargetMonitor* monitor, QObject* parent)
    : QAbstractTableModel(parent)
    , m_monitor(monitor)
{
}

int HealthTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int HealthTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HealthTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        !m_monitor->hasHealth() || index.row() >= m_monitor->health().components.size())
        return {};
    const ComponentHealth& component = m_monitor->health().components.at(index.row());
    switch (role) {
    case StateRole:
        return static_cast<int>(component.state);
    case StaleRole:
        return m_monitor->isDataStale();
    case SinceRole:
        return m_since.value(component.name).sinceMs;
    case Qt::ToolTipRole:
    case Qt::DisplayRole: {
        switch (index.column()) {
        case ComponentColumn:
            return component.name;
        case StateColumn:
            if (component.rawStatus.isEmpty() ||
                component.rawStatus.compare(healthStateName(component.state),
                                            Qt::CaseInsensitive) == 0)
                return healthStateName(component.state);
            return tr("%1 (%2)").arg(healthStateName(component.state), component.rawStatus);
        case SinceColumn: {
            const Since since = m_since.value(component.name);
            if (since.sinceMs <= 0)
                return QString();
            const QString time =
                QDateTime::fromMSecsSinceEpoch(since.sinceMs).toString(QStringLiteral("HH:mm:ss"));
            const qint64 forS =
                std::max<qint64>(0, (m_monitor->healthCheckedMs() - since.sinceMs) / 1000);
            const QString duration = forS < 120    ? tr("%n s", nullptr, int(forS))
                                     : forS < 7200 ? tr("%n min", nullptr, int(forS / 60))
                                                   : tr("%n h", nullptr, int(forS / 3600));
            if (role == Qt::ToolTipRole && since.sinceFirstAnswer)
                return tr("In this state since the console started watching (%1)").arg(time);
            return since.sinceFirstAnswer ? tr("≤ %1 (%2)").arg(time, duration)
                                          : tr("%1 (%2)").arg(time, duration);
        }
        case DetailsColumn: {
            QStringList parts;
            for (const HealthDetail& detail : component.details)
                parts << detail.key + QStringLiteral(": ") + detail.value;
            return parts.join(QStringLiteral(", "));
        }
        case CheckedColumn:
            return QDateTime::fromMSecsSinceEpoch(m_monitor->healthCheckedMs())
                .toString(QStringLiteral("HH:mm:ss"));
        }
        break;
    }
    case Qt::AccessibleTextRole:
        if (index.column() == ComponentColumn)
            return tr("Component %1, %2").arg(component.name, healthStateName(component.state));
        break;
    default:
        break;
    }
    return {};
}

QVariant HealthTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ComponentColumn:
        return tr("Component");
    case StateColumn:
        return tr("State");
    case SinceColumn:
        return tr("Since");
    case DetailsColumn:
        return tr("Details");
    case CheckedColumn:
        return tr("Last checked");
    }
    return {};
}

void HealthTableModel::setMonitor(const TargetMonitor* monitor)
{
    beginResetModel();
    m_monitor = monitor;
    m_rows = 0;
    m_since.clear();
    endResetModel();
    refresh();
}

void HealthTableModel::refresh()
{
    // Track when each component entered its current state.
    if (m_monitor->hasHealth()) {
        const bool first = m_since.isEmpty();
        for (const ComponentHealth& component : m_monitor->health().components) {
            auto it = m_since.find(component.name);
            if (it == m_since.end()) {
                m_since.insert(component.name, {static_cast<int>(component.state),
                                                m_monitor->healthCheckedMs(), first});
            } else if (it->state != static_cast<int>(component.state)) {
                *it = {static_cast<int>(component.state), m_monitor->healthCheckedMs(), false};
            }
        }
    }
    const int rows = m_monitor->hasHealth() ? int(m_monitor->health().components.size()) : 0;
    if (rows != m_rows) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    if (m_rows > 0)
        emit dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
}

} // namespace ops
