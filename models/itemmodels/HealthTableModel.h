#pragma once

#include <QAbstractTableModel>

namespace ops {

class TargetMonitor;

// One row per component of the latest /health/detailed answer: name, state, details, last checked.
// Colours belong to the view's delegate; this model offers the state through StateRole.
class HealthTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ComponentColumn, StateColumn, DetailsColumn, CheckedColumn, ColumnCount };
    enum Role {
        StateRole = Qt::UserRole + 1, // int(ops::HealthState)
        StaleRole,                    // bool: the data is stale, show it greyed
    };

    explicit HealthTableModel(const TargetMonitor* monitor, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Re-reads the monitor: call when it reports an update.
    void refresh();

private:
    const TargetMonitor* m_monitor;
    int m_rows = 0;
};

} // namespace ops
