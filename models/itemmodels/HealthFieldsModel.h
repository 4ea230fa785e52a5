#pragma once

#include "models/domain/HealthSnapshot.h"

#include <QAbstractTableModel>

namespace ops {

// Every scalar field of the latest /health/detailed body, flattened ("a.b.c" -> value), so that
// fields of shapes the console does not know are still shown.
class HealthFieldsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { FieldColumn, ValueColumn, ColumnCount };

    explicit HealthFieldsModel(QObject* parent = nullptr);

    void setFields(const QList<HealthDetail>& fields);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<HealthDetail> m_fields;
};

} // namespace ops
