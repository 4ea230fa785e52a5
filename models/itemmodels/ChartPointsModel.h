#pragma once

#include "models/metrics/SeriesStore.h"

#include <QAbstractTableModel>
#include <QString>

#include <vector>

namespace ops {

// The table alternative of a chart: every point it draws (decimated, visible series only), one
// row per (series, time, value). The chart hands over its points; this model only lists them.
class ChartPointsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, SeriesColumn, ValueColumn, ColumnCount };
    enum Role {
        TimeMsRole = Qt::UserRole + 1, // qint64
        ValueRole,                     // double, already scaled to the chart's unit
    };

    struct Series {
        QString name;
        std::vector<StorePoint> points; // values already scaled to `unit`
    };

    explicit ChartPointsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Replaces every row. unit is appended to values ("ms", "req/s", "%").
    void setSeries(std::vector<Series> series, const QString& unit);
    const QString& unit() const { return m_unit; }

private:
    // The series holding row `row`, and the point's index in it.
    std::pair<int, int> locate(int row) const;

    std::vector<Series> m_series;
    std::vector<int> m_firstRow; // first row of each series
    QString m_unit;
    int m_rows = 0;
};

} // namespace ops
