#pragma once

#include <QAbstractTableModel>
#include <QHash>

namespace ops {

class TargetMonitor;

// One row per component of the latest /health/detailed answer: name, state, since when it has had
// that state (tracked across answers), details, last checked. Colours belong to the view's
// delegate; this model offers the state through StateRole.
class HealthTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        ComponentColumn,
        StateColumn,
        SinceColumn,
        DetailsColumn,
        CheckedColumn,
        ColumnCount
    };
    enum Role {
        StateRole = Qt::UserRole + 1, // int(ops::HealthState)
        StaleRole,                    // bool: the data is stale, show it greyed
        SinceRole,                    // qint64: ms since epoch the component entered its state
    };

    explicit HealthTableModel(const TargetMonitor* monitor, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Re-reads the monitor: call when it reports an update.
    void refresh();
    // Watches another target (state-change times start over).
    void setMonitor(const TargetMonitor* monitor);

private:
    struct Since {
        int state = -1;
        qint64 sinceMs = 0;
        bool sinceFirstAnswer = true; // the state was there when the console first looked
    };

    const TargetMonitor* m_monitor;
    int m_rows = 0;
    QHash<QString, Since> m_since;
};

} // namespace ops
