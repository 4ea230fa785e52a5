#pragma once

#include "models/domain/ConnectionState.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointer>
#include <QString>

namespace ops {

class TargetMonitor;

// The watched targets and their connection state, for the side list and the toolbar combo.
// Display: the name; StateRole: the ConnectionState; the ui adds the colour.
class TargetListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        StateRole,   // ops::ConnectionState
        DetailRole,  // the state's detail text
        ReadOnlyRole // bool
    };

    struct Entry {
        QString name;
        QPointer<TargetMonitor> monitor; // may be null: not polling (e.g. waiting for the key)
        bool readOnly = false;
    };

    using QAbstractListModel::QAbstractListModel;

    void setEntries(const QList<Entry>& entries);
    // Points an existing row at a (new) monitor.
    void setMonitor(const QString& name, TargetMonitor* monitor);
    int rowOf(const QString& name) const;
    QString nameAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void watch(int row);
    QList<Entry> m_entries;
};

} // namespace ops
