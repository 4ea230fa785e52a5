#pragma once

#include "models/audit/AuditLog.h"

#include <QAbstractTableModel>
#include <QList>
#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>

class QIODevice;
class QTimer;

namespace ops {

// The audit log as a table, newest first: time, actor, target, action, subject, result.
// refresh() picks up rows written since the last look (by this console or by the command line:
// the log is append-only, ids only grow); an optional timer calls it periodically.
class AuditTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Time, Actor, Target, Action, Subject, Result, ColumnCount };
    enum Role {
        ExportRole = Qt::UserRole + 1, // the cell as written to CSV (time in ISO 8601, UTC)
        TimeMsRole,
        ActionRole,
        TargetRole,
        DetailsRole, // the details as compact JSON
        IdRole,
    };

    explicit AuditTableModel(AuditLog* log, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    const AuditEntry& entry(int row) const { return m_rows.at(row); }
    // The distinct action kinds (the part before the first '.', e.g. "deploy") and targets.
    QStringList actionKinds() const;
    QStringList targets() const;
    // Why the log cannot be read (empty when it can).
    QString problem() const;

    // Reads rows newer than the newest shown (inserted at the top); returns how many came.
    int refresh();
    // 0 stops the timer.
    void setAutoRefreshInterval(int ms);
    // At most this many rows are kept (the oldest go).
    static constexpr int kMaxRows = 20000;

    // CSV (RFC 4180, UTF-8, header line) of every row of `model` (this model or a proxy over
    // it): the six columns, then the details as JSON.
    static QByteArray toCsv(const QAbstractItemModel& model);
    static bool writeCsv(const QAbstractItemModel& model, const QString& path,
                         QString* error = nullptr);

signals:
    void rowsAdded(int count);

private:
    AuditLog* m_log;
    QList<AuditEntry> m_rows; // newest first
    QTimer* m_timer = nullptr;
};

// Filters for the audit page: free text (any column, case-insensitive), action kind and target.
class AuditFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setText(const QString& text);
    void setActionKind(const QString& kind); // empty: every action
    void setTarget(const QString& target);   // empty: every target

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_text;
    QString m_kind;
    QString m_target;
};

} // namespace ops
