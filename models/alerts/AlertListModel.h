#pragma once

#include "models/alerts/AlertTypes.h"

#include <QAbstractTableModel>

namespace ops {

class AlertEngine;

// The alerts the page lists: firing, pending or acknowledged (or every alert not normal).
// Refreshes itself when the engine changes or evaluates (time left moves on).
class AlertListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Filter { Active, Firing, Pending, Acknowledged, All };
    enum Column {
        SeverityColumn,
        AlertColumn,
        TargetColumn,
        StateColumn,
        SinceColumn,
        ValueColumn,
        OverlayColumn,
        SummaryColumn,
        ColumnCount
    };
    enum Role {
        RuleRole = Qt::UserRole + 1,
        TargetRole,
        SeverityRole, // int(AlertSeverity)
        StateRole,    // int(AlertState)
        AcknowledgedRole,
        SnoozedRole,
        FlappingRole,
    };

    AlertListModel(AlertEngine* engine, Filter filter, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    Filter filter() const { return m_filter; }
    AlertStatus statusAt(int row) const { return m_rows.value(row); }
    void refresh();

    static QString timeLeft(qint64 ms); // "59 min", "3 h 58 min", "12 s"

private:
    bool accepts(const AlertStatus& status) const;

    AlertEngine* m_engine;
    Filter m_filter;
    QList<AlertStatus> m_rows;
};

} // namespace ops
