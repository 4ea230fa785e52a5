#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace ops {

class SignalBoard;

// One row per endpoint the gateway reports: methods seen, request rate, average and p95
// latency, error ratio and share of all traffic. Sort with SortRole; the series ids behind a row
// (for charting it) come through seriesId().
class EndpointTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        MethodColumn,
        EndpointColumn,
        RateColumn,
        AvgColumn,
        P95Column,
        ErrorColumn,
        ShareColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as double (NaN last), text as text
        EndpointRole,                // QString: the endpoint label value
    };
    // Which per-endpoint series seriesId() returns.
    enum class Series { RequestRate, ErrorRate, LatencyAvg, P50, P95, P99 };

    explicit EndpointTableModel(QObject* parent = nullptr);

    void setBoard(const SignalBoard* board);
    // Re-reads the board: call on each poll.
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The signal-store series id of one endpoint's signal (SeriesStore::kNoSeries if none).
    std::uint32_t seriesId(int row, Series series) const;
    int rowOf(const QString& endpoint) const;

private:
    double value(int row, int column) const;
    void readMethods();

    const SignalBoard* m_board = nullptr;
    QStringList m_endpoints;
    QStringList m_methods;
    double m_totalRate = 0;
};

} // namespace ops
