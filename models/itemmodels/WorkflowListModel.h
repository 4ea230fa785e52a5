#pragma once

#include "models/domain/Workflow.h"

#include <QAbstractTableModel>
#include <QList>
#include <QMap>
#include <QPair>
#include <QSet>
#include <QString>

namespace ops {

class Clock;

// The workflows of one gateway, one per row, as the gateway last reported them. Rows are
// merged by id (a list refresh never drops a workflow it already shows). A workflow that was
// seen cancelled and later reports completed keeps that contradiction visible.
class WorkflowListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        TypeColumn,
        StatusColumn,
        StepsColumn,
        CurrentStepColumn,
        StartedColumn,
        DurationColumn,
        ColumnCount
    };
    enum Role {
        IdRole = Qt::UserRole + 1,
        TypeRole,
        StatusWordRole,    // the gateway's word
        StateRole,         // int(WorkflowState)
        ContradictionRole, // bool: cancelled, then completed
        ActiveRole,        // bool: still running (polled)
        SortRole,          // numbers for numeric columns, text otherwise
        ErrorRole,         // the first step error
    };

    // Running rows' durations count to clock's now (the session's clock, a ManualClock in
    // tests): never the wall clock behind its back.
    explicit WorkflowListModel(const Clock& clock, QObject* parent = nullptr);
    // Another target's clock (the page follows another session); running rows repaint.
    void setClock(const Clock& clock);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const Workflow& workflow(int row) const { return m_rows.at(row).workflow; }
    int rowOf(const QString& id) const;
    bool isContradiction(const QString& id) const;
    QString statusText(int row) const;

    // Counts per (type, outcome): outcome is the state name ("running", "completed", ...).
    QMap<QPair<QString, QString>, int> countsByTypeAndOutcome() const;
    int activeCount() const;

public slots:
    void upsert(const ops::Workflow& workflow);
    void merge(const QList<ops::Workflow>& workflows);
    // The workflow was cancelled from here (remembered even before the gateway says so).
    void noteCancelled(const QString& id);
    void clear();
    // Repaints the duration of running rows (call every second or so).
    void tick();

private:
    struct Row {
        Workflow workflow;
        bool seenCancelled = false;
        bool contradiction = false;
    };
    void apply(Row& row, const Workflow& workflow);

    const Clock* m_clock;
    QList<Row> m_rows;
    QSet<QString> m_cancelledHere;
};

// "1.2 s", "3 min 04 s", "2 h 05 min".
QString formatDurationMs(qint64 ms);

} // namespace ops
