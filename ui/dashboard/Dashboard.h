#pragma once

#include "models/datasource/InstanceSignals.h"
#include "models/domain/DashboardThresholds.h"
#include "models/metrics/SignalBoard.h"
#include "ui/dashboard/TimeChart.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <array>

class QAction;
class QLineEdit;
class QSettings;
class QSortFilterProxyModel;
class QTableView;
class QVBoxLayout;
class QWidget;

namespace ops {

class ChartCard;
class ChartTimeline;
class EndpointTableModel;
class HealthPanel;
class MetricTile;
class TargetMonitor;
class TimeControls;

// The dashboard of one watched target: the Overview page (tiles, charts), the Endpoints page
// (sortable table, the selected endpoint charted) and the Health page. Reads the monitor and its
// SignalBoard; charts read the signal store through its decimating API only.
class Dashboard : public QObject {
    Q_OBJECT
public:
    enum class ChartId { ResponseTime, RequestRate, ErrorRate, Workflows, Memory, Cpu, Count };
    enum class TileId {
        ResponseTime,
        RequestRate,
        SuccessRate,
        ActiveWorkflows,
        Memory,
        Components,
        Count
    };

    Dashboard(TargetMonitor* monitor, QWidget* parentWidget);
    ~Dashboard() override;

    QWidget* overviewPage() const { return m_overview; }
    QWidget* endpointsPage() const { return m_endpoints; }
    HealthPanel* healthPanel() const { return m_health; }
    ChartTimeline* timeline() const { return m_timeline; }

    ChartCard* card(ChartId id) const { return m_cards[static_cast<std::size_t>(id)]; }
    TimeChart* chart(ChartId id) const;
    MetricTile* tile(TileId id) const { return m_tiles[static_cast<std::size_t>(id)]; }
    QList<ChartCard*> allCards() const;

    EndpointTableModel* endpointModel() const { return m_endpointModel; }
    QSortFilterProxyModel* endpointProxy() const { return m_endpointProxy; }
    QTableView* endpointView() const { return m_endpointView; }
    QLineEdit* endpointFilter() const { return m_endpointFilter; }
    ChartCard* endpointLatencyCard() const { return m_endpointLatency; }
    ChartCard* endpointTrafficCard() const { return m_endpointTraffic; }
    // Charts one endpoint (selects its row); an empty name clears the selection.
    void selectEndpoint(const QString& endpoint);
    QString selectedEndpoint() const { return m_selectedEndpoint; }
    // Side by side: the selected endpoint's per-instance signals (the target's Prometheus feed
    // fills them for the endpoint endpointSelected() named); its charts then draw one line per
    // instance, named and coloured as on the Overview. nullptr: the endpoint's aggregate.
    void setEndpointInstanceSignals(InstanceSignals* instances);
    InstanceSignals* endpointInstanceSignals() const { return m_endpointInstances; }
    // The instances the endpoint charts draw now (empty: the aggregate).
    QStringList endpointChartedInstances() const { return m_endpointChartedInstances; }

    // Shows another target: its monitor and, when its Prometheus feed runs side by side, the
    // feed's per-instance signals (nullptr: the charts draw the monitor's aggregate).
    void setMonitor(TargetMonitor* monitor, InstanceSignals* instances = nullptr);
    TargetMonitor* monitor() const { return m_monitor; }
    // A Prometheus-backed target with "side by side" set: the overview charts draw one line per
    // instance (named by its instance label) from these; the tiles keep the monitor's aggregate.
    // Given by whoever owns the feed (TargetSession::instanceSignals), again when it changes;
    // nullptr or their destruction goes back to the aggregate.
    void setInstanceSignals(InstanceSignals* instances);
    InstanceSignals* instanceSignals() const { return m_instances; }
    // The instances the overview charts draw now (empty: the aggregate).
    QStringList chartedInstances() const { return m_chartedInstances; }
    // Where the tiles turn amber / red (the alert rules can feed theirs).
    void setThresholds(const DashboardThresholds& thresholds);
    const DashboardThresholds& thresholds() const { return m_thresholds; }
    // An event marker on every chart (deploys, workflow launches), or on one (an alert's span
    // on the chart of the signal that fired).
    void addMarker(qint64 timeMs, MarkerKind kind, const QString& label,
                   const QString& group = QString());
    void addMarker(ChartId chart, qint64 timeMs, MarkerKind kind, const QString& label,
                   const QString& group = QString());
    void clearMarkers();
    // The 7 d and 30 d windows: the overview charts draw each signal's 1-minute average from
    // this store (rollups of the history on disk) with its min–max band, whenever the window is
    // longer than the day memory holds. ids[signal] = {min, max, avg}; a null store: none (the
    // long windows show what memory holds). Read, never owned.
    using RollupIds = std::array<std::array<std::uint32_t, 3>, kSignalCount>;
    void setRollups(const SeriesStore* store, const RollupIds& ids);
    // The overview charts read the rollups now (the window is longer than a day).
    bool chartsOnRollups() const { return m_chartsOnRollups; }
    static constexpr qint64 kMemoryWindowMs = 24LL * 3600 * 1000;
    // The selected endpoint's day from the history on disk (TargetHistory::focusEndpoint): the
    // endpoint charts draw `endpoint` from it while it is selected (after a restart memory holds
    // only the endpoints' last hour). ids[EndpointSignal]; a null store: none. Read, never owned.
    using EndpointDayIds = std::array<std::uint32_t, kEndpointSignalCount>;
    void setEndpointDay(const SeriesStore* store, const QString& endpoint,
                        const EndpointDayIds& ids);
    bool endpointChartsOnDay() const;
    // When the console was not running (restored history): a gap on every chart.
    void setNotRunningSpans(std::vector<TimeChart::TimeSpan> spans);

    void setTablesShown(bool shown);
    QAction* pauseAction() const { return m_pauseAction; }
    QList<QAction*> presetActions() const { return m_presetActions; }

    // The chosen time window (no secrets).
    void saveSettings(QSettings& settings) const;
    void restoreSettings(QSettings& settings);

public slots:
    // Re-reads the monitor: on each poll and each second (ages, staleness).
    void refresh();

signals:
    // The endpoint charted on the Endpoints page changed ("" none): whoever owns a side-by-side
    // feed focuses it there (TargetSession::setEndpointFocus).
    void endpointSelected(const QString& endpoint);

private:
    void buildActions(QWidget* parentWidget);
    QVBoxLayout* startPage(QWidget* page, const QString& objectName);
    QWidget* buildOverview(QWidget* parentWidget);
    QWidget* buildEndpoints(QWidget* parentWidget);
    void buildEndpointFilter(QWidget* page);
    void buildEndpointTable(QWidget* page);
    void sizeEndpointColumns();
    QWidget* buildEndpointCards(QWidget* page);
    void bindCharts();
    void bindInstanceCharts();
    void updateInstanceSeries();
    void followInstanceSignals(InstanceSignals* instances);
    void bindEndpointCharts();
    void bindEndpointInstanceCharts();
    // What every tile reads in one update: the window shown (t0..t1) and its name, and whether
    // enough scrapes are in to say what the gateway lacks.
    struct TileWindow {
        qint64 t0 = 0;
        qint64 t1 = 0;
        qint64 span = 0;
        QString name;
        bool settled = false;
    };
    void updateTiles();
    void updateResponseTimeTile(const TileWindow& window);
    void updateRequestRateTile(const TileWindow& window);
    void updateSuccessRateTile(const TileWindow& window);
    void updateWorkflowsTile(const TileWindow& window);
    void updateMemoryTile(const TileWindow& window);
    void updateComponentsTile(const TileWindow& window);
    void showOutageOnTiles(bool stale);
    void setTileSparkline(MetricTile* tile, SignalId id, double scale,
                          const TileWindow& window) const;
    QString tileChange(SignalId id, const TileWindow& window) const;
    void setTileMissing(MetricTile* tile, SignalId id, const TileWindow& window) const;
    void updateAvailability();
    void updateStatus();
    void reselectEndpoint();
    QString lackFor(SignalId id) const;
    // The charts hold history restored from disk and no poll of this run answered yet.
    bool showsRestoredOnly() const;
    bool wantsRollups() const;
    bool seen(SignalId id) const { return m_seen[static_cast<std::size_t>(id)]; }

    TargetMonitor* m_monitor;
    DashboardThresholds m_thresholds;
    ChartTimeline* m_timeline;
    QList<QAction*> m_presetActions;
    QAction* m_pauseAction = nullptr;
    QAction* m_tablesAction = nullptr;
    QWidget* m_overview = nullptr;
    QWidget* m_endpoints = nullptr;
    HealthPanel* m_health = nullptr;
    QList<TimeControls*> m_controls;
    std::array<ChartCard*, static_cast<std::size_t>(ChartId::Count)> m_cards{};
    const SeriesStore* m_rollupStore = nullptr;
    RollupIds m_rollupIds{};
    const SeriesStore* m_endpointDayStore = nullptr;
    QString m_endpointDayEndpoint;
    EndpointDayIds m_endpointDayIds{};
    bool m_chartsOnRollups = false;
    std::array<MetricTile*, static_cast<std::size_t>(TileId::Count)> m_tiles{};
    EndpointTableModel* m_endpointModel = nullptr;
    QSortFilterProxyModel* m_endpointProxy = nullptr;
    QTableView* m_endpointView = nullptr;
    QLineEdit* m_endpointFilter = nullptr;
    ChartCard* m_endpointLatency = nullptr;
    ChartCard* m_endpointTraffic = nullptr;
    QString m_selectedEndpoint;
    QString m_announcedEndpoint;
    QPointer<InstanceSignals> m_endpointInstances;
    QStringList m_endpointChartedInstances;
    std::array<bool, kSignalCount> m_seen{};
    QPointer<InstanceSignals> m_instances;
    QStringList m_chartedInstances;
    std::int64_t m_lastScrapes = -1;
};

} // namespace ops
