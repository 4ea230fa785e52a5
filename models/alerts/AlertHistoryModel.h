#pragma once

#include "models/alerts/AlertStore.h"
#include "models/alerts/AlertTypes.h"

#include <QAbstractTableModel>

namespace ops {

class AlertEngine;

// Alert history (transitions, acks, snoozes, flapping) with filters, newest first; exports the
// rows shown as CSV or JSON. Reads the store when there is one, else the engine's run.
class AlertHistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        AlertColumn,
        TargetColumn,
        EventColumn,
        ValueColumn,
        AuthorColumn,
        CommentColumn,
        ColumnCount
    };
    enum Role { KindRole = Qt::UserRole + 1, ToStateRole, SeverityRole };

    AlertHistoryModel(AlertEngine* engine, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setFilter(const AlertHistoryFilter& filter);
    AlertHistoryFilter filter() const { return m_filter; }
    const QList<AlertTransition>& rows() const { return m_rows; }
    void reload();

    QByteArray toCsv() const;
    QByteArray toJson() const;
    static QString eventText(const AlertTransition& transition);

private:
    AlertEngine* m_engine;
    AlertHistoryFilter m_filter;
    QList<AlertTransition> m_rows;
};

} // namespace ops
