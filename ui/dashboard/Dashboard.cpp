#include "ui/dashboard/Dashboard.h"

#include "models/datasource/InstanceSignals.h"
#include "models/domain/Clock.h"
#include "models/domain/Units.h"
#include "models/itemmodels/EndpointTableModel.h"
#include "models/monitor/TargetMonitor.h"
#include "ui/dashboard/ChartCard.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/MetricTile.h"
#include "ui/dashboard/TimeControls.h"
#include "ui/health/HealthPanel.h"
#include "ui/shell/StatePalette.h"

#include <QAction>
#include <QActionGroup>
#include <QDateTime>
#include <QFontMetrics>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <map>

namespace ops {

namespace {

constexpr auto kNoSeries = SeriesStore::kNoSeries;

struct SeriesDef {
    const char* name;
    SignalId id;
    double scale;
};

// The series of each overview chart, in Dashboard::ChartId order.
const std::array<std::vector<SeriesDef>, static_cast<std::size_t>(Dashboard::ChartId::Count)>&
overviewSeries()
{
    static const std::array<std::vector<SeriesDef>,
                            static_cast<std::size_t>(Dashboard::ChartId::Count)>
        defs = {{
            {{QT_TRANSLATE_NOOP("ops::Dashboard", "avg"), SignalId::LatencyAvg, 1000},
             {QT_TRANSLATE_NOOP("ops::Dashboard", "p50"), SignalId::LatencyP50, 1000},
             {QT_TRANSLATE_NOOP("ops::Dashboard", "p95"), SignalId::LatencyP95, 1000},
             {QT_TRANSLATE_NOOP("ops::Dashboard", "p99"), SignalId::LatencyP99, 1000}},
            {{QT_TRANSLATE_NOOP("ops::Dashboard", "requests"), SignalId::RequestRate, 1}},
            {{QT_TRANSLATE_NOOP("ops::Dashboard", "server errors"), SignalId::ErrorRatio, 100}},
            {{QT_TRANSLATE_NOOP("ops::Dashboard", "active"), SignalId::ActiveWorkflows, 1},
             {QT_TRANSLATE_NOOP("ops::Dashboard", "executions/min"), SignalId::WorkflowRate, 60}},
            {{QT_TRANSLATE_NOOP("ops::Dashboard", "resident"), SignalId::MemoryBytes, 1e-6}},
            {{QT_TRANSLATE_NOOP("ops::Dashboard", "CPU"), SignalId::CpuPercent, 1}},
        }};
    return defs;
}

// Side by side: which of a chart's series each instance gets. Response time: the average and
// p95 (four quantiles per instance would bury the lines); the others: all (one or two).
bool perInstance(Dashboard::ChartId chart, SignalId id)
{
    return chart != Dashboard::ChartId::ResponseTime || id == SignalId::LatencyAvg ||
           id == SignalId::LatencyP95;
}

// An instance's colour (stable: instances keep the order they appeared in); its second series
// on a chart (p95, executions/min) in a darker shade of it.
QColor instanceColor(int instance, int nth)
{
    const QColor c = TimeChart::seriesColor(instance);
    return nth == 0 ? c : c.darker(100 + 45 * nth);
}

// Mean of one series over [t0, t1] from its decimated points (no full-history scan).
double meanOver(const SeriesStore& store, std::uint32_t id, qint64 t0, qint64 t1,
                std::vector<StorePoint>& scratch)
{
    if (id == kNoSeries || !store.contains(id) || t1 <= t0)
        return std::numeric_limits<double>::quiet_NaN();
    store.decimate(id, t0, t1, 200, scratch);
    if (scratch.empty())
        return std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    for (const StorePoint& p : scratch)
        sum += p.v;
    return sum / static_cast<double>(scratch.size());
}

QString changeText(double now, double before, const QString& window)
{
    if (!std::isfinite(now) || !std::isfinite(before) || std::abs(before) < 1e-12)
        return {};
    const double change = (now - before) / std::abs(before) * 100.0;
    const QString arrow = change > 0.5    ? QStringLiteral("▲")
                          : change < -0.5 ? QStringLiteral("▼")
                                          : QStringLiteral("■");
    return Dashboard::tr("%1 %2 % vs previous %3")
        .arg(arrow, QLocale().toString(std::abs(change), 'f', std::abs(change) < 10 ? 1 : 0),
             window);
}

QString milliseconds(double seconds)
{
    return formatSeconds(seconds); // "44 ms", "1.91 s", "850 µs"
}

} // namespace

Dashboard::Dashboard(TargetMonitor* monitor, QWidget* parentWidget)
    : QObject(parentWidget)
    , m_monitor(monitor)
    , m_timeline(new ChartTimeline(this))
{
    buildActions(parentWidget);
    m_overview = buildOverview(parentWidget);
    m_endpoints = buildEndpoints(parentWidget);
    m_health = new HealthPanel(monitor, parentWidget);
    m_health->setObjectName(QStringLiteral("healthPage"));
    connect(m_timeline, &ChartTimeline::rangeChanged, this, [this] {
        if (wantsRollups() != m_chartsOnRollups)
            bindCharts(); // across a day: memory or the rollups on disk
        updateTiles();
        updateStatus();
    });
    bindCharts();
    refresh();
}

Dashboard::~Dashboard() = default;

TimeChart* Dashboard::chart(ChartId id) const
{
    return card(id)->chart();
}

QList<ChartCard*> Dashboard::allCards() const
{
    QList<ChartCard*> cards(m_cards.begin(), m_cards.end());
    cards << m_endpointLatency << m_endpointTraffic;
    return cards;
}

void Dashboard::buildActions(QWidget* parentWidget)
{
    auto* group = new QActionGroup(this);
    group->setExclusive(true);
    const QList<qint64> windows = TimeControls::presetWindows();
    for (int i = 0; i < windows.size(); ++i) {
        const qint64 ms = windows[i];
        auto* action = new QAction(TimeControls::windowName(ms), parentWidget);
        action->setCheckable(true);
        action->setChecked(ms == m_timeline->presetMs());
        action->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
        action->setToolTip(tr("Show the last %1 (%2)")
                               .arg(TimeControls::windowName(ms),
                                    action->shortcut().toString(QKeySequence::NativeText)));
        action->setData(ms);
        group->addAction(action);
        connect(action, &QAction::triggered, m_timeline, [this, ms] { m_timeline->setPreset(ms); });
        m_presetActions << action;
    }
    connect(m_timeline, &ChartTimeline::presetChanged, this, [this](qint64 ms) {
        for (QAction* action : std::as_const(m_presetActions))
            action->setChecked(action->data().toLongLong() == ms);
    });
    m_pauseAction = new QAction(tr("Pause"), parentWidget);
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_P));
    m_pauseAction->setToolTip(
        tr("Hold the charts still (Space on a chart, %1)")
            .arg(m_pauseAction->shortcut().toString(QKeySequence::NativeText)));
    connect(m_pauseAction, &QAction::toggled, m_timeline,
            [this](bool paused) { m_timeline->setLive(!paused); });
    connect(m_timeline, &ChartTimeline::liveChanged, this, [this](bool live) {
        m_pauseAction->setChecked(!live);
        m_pauseAction->setText(live ? tr("Pause") : tr("Resume live"));
    });
    m_tablesAction = new QAction(tr("Tables"), parentWidget);
    m_tablesAction->setCheckable(true);
    m_tablesAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_T));
    m_tablesAction->setToolTip(
        tr("Show every chart as a table of its points (%1)")
            .arg(m_tablesAction->shortcut().toString(QKeySequence::NativeText)));
    connect(m_tablesAction, &QAction::toggled, this, &Dashboard::setTablesShown);
}

// A page's layout, with the shared time controls (window, pause, tables) on top.
QVBoxLayout* Dashboard::startPage(QWidget* page, const QString& objectName)
{
    page->setObjectName(objectName);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* controls =
        new TimeControls(m_timeline, {m_presetActions, m_pauseAction, m_tablesAction}, page);
    m_controls << controls;
    layout->addWidget(controls);
    return layout;
}

QWidget* Dashboard::buildOverview(QWidget* parentWidget)
{
    auto* page = new QWidget(parentWidget);
    QVBoxLayout* outer = startPage(page, QStringLiteral("overviewPage"));
    // Tiles and charts scroll under the time controls when the window is short (a laptop at
    // 1280x720): the window never demands more height than the screen has.
    auto* scroll = new QScrollArea(page);
    scroll->setObjectName(QStringLiteral("overviewScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);
    page = content; // tiles and cards live in the scrolled content

    auto* tiles = new QHBoxLayout;
    const std::array<QString, static_cast<std::size_t>(TileId::Count)> titles = {
        tr("Response time (avg)"), tr("Request rate"), tr("Success rate"),
        tr("Active workflows"),    tr("Memory"),       tr("Components")};
    for (std::size_t i = 0; i < titles.size(); ++i) {
        auto* tile = new MetricTile(titles[i], page);
        tile->setObjectName(QStringLiteral("tile%1").arg(i));
        m_tiles[i] = tile;
        tiles->addWidget(tile);
    }
    layout->addLayout(tiles);

    auto* grid = new QGridLayout;
    grid->setSpacing(8);
    const std::array<QString, static_cast<std::size_t>(ChartId::Count)> charts = {
        tr("Response time"), tr("Request rate"), tr("Error rate"),
        tr("Workflows"),     tr("Memory"),       tr("CPU")};
    for (std::size_t i = 0; i < charts.size(); ++i) {
        auto* card = new ChartCard(charts[i], m_timeline, page);
        card->setObjectName(QStringLiteral("chartCard%1").arg(i));
        m_cards[i] = card;
        grid->addWidget(card, static_cast<int>(i / 2), static_cast<int>(i % 2));
    }
    for (int row = 0; row < 3; ++row)
        grid->setRowStretch(row, 1);
    layout->addLayout(grid, 1);

    // Units and series of each chart.
    const std::array<QString, static_cast<std::size_t>(ChartId::Count)> units = {
        tr("ms"), tr("req/s"), tr("%"), QString(), tr("MB"), tr("%")};
    for (std::size_t i = 0; i < units.size(); ++i) {
        TimeChart* c = chart(static_cast<ChartId>(i));
        c->setUnit(units[i]);
        for (const SeriesDef& d : overviewSeries()[i])
            c->addSeries(tr(d.name), kNoSeries, d.scale);
    }
    return scroll->parentWidget();
}

QWidget* Dashboard::buildEndpoints(QWidget* parentWidget)
{
    auto* page = new QWidget(parentWidget);
    QVBoxLayout* layout = startPage(page, QStringLiteral("endpointsPage"));

    m_endpointModel = new EndpointTableModel(this);
    m_endpointProxy = new QSortFilterProxyModel(this);
    m_endpointProxy->setSourceModel(m_endpointModel);
    m_endpointProxy->setSortRole(EndpointTableModel::SortRole);
    m_endpointProxy->setFilterKeyColumn(-1);
    m_endpointProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_endpointProxy->setDynamicSortFilter(true);
    buildEndpointFilter(page);
    buildEndpointTable(page);

    auto* left = new QWidget(page);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_endpointFilter);
    leftLayout->addWidget(m_endpointView, 1);
    QWidget* right = buildEndpointCards(page);

    auto* split = new QSplitter(Qt::Horizontal, page);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    QWidget::setTabOrder(m_endpointFilter, m_endpointView);
    QWidget::setTabOrder(m_endpointView, m_endpointLatency);
    QWidget::setTabOrder(m_endpointLatency, m_endpointTraffic);
    bindEndpointCharts();
    return page;
}

// The filter over the endpoint table, focused by Find (Ctrl+F) anywhere on the page.
void Dashboard::buildEndpointFilter(QWidget* page)
{
    m_endpointFilter = new QLineEdit(page);
    m_endpointFilter->setObjectName(QStringLiteral("endpointFilter"));
    m_endpointFilter->setPlaceholderText(tr("Filter endpoints (method or path)…"));
    m_endpointFilter->setAccessibleName(tr("Filter endpoints"));
    m_endpointFilter->setClearButtonEnabled(true);
    connect(m_endpointFilter, &QLineEdit::textChanged, m_endpointProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    auto* find = new QAction(page);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_endpointFilter, [this] {
        m_endpointFilter->setFocus();
        m_endpointFilter->selectAll();
    });
    page->addAction(find);
}

// The endpoints, busiest first; the selected one is charted beside them.
void Dashboard::buildEndpointTable(QWidget* page)
{
    m_endpointView = new QTableView(page);
    m_endpointView->setObjectName(QStringLiteral("endpointTable"));
    m_endpointView->setAccessibleName(tr("Endpoints"));
    m_endpointView->setModel(m_endpointProxy);
    m_endpointView->setSortingEnabled(true);
    m_endpointView->sortByColumn(EndpointTableModel::RateColumn, Qt::DescendingOrder);
    m_endpointView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_endpointView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_endpointView->setAlternatingRowColors(true);
    m_endpointView->verticalHeader()->hide();
    sizeEndpointColumns();
    connect(m_endpointView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const QString endpoint =
                    current.isValid() ? current.data(EndpointTableModel::EndpointRole).toString()
                                      : QString();
                if (endpoint != m_selectedEndpoint) {
                    m_selectedEndpoint = endpoint;
                    bindEndpointCharts();
                }
            });
}

// The path is what the operator reads: it takes the room the figures do not need. Widths from
// the font, not ResizeToContents, which would measure every row at every poll.
void Dashboard::sizeEndpointColumns()
{
    QHeaderView* header = m_endpointView->horizontalHeader();
    const QFontMetrics metrics(m_endpointView->font());
    const int padding = 2 * metrics.averageCharWidth() + 8;
    header->resizeSection(EndpointTableModel::MethodColumn,
                          metrics.horizontalAdvance(QStringLiteral("GET, POST")) + padding);
    const std::pair<int, const char*> widest[] = {{EndpointTableModel::RateColumn, "000.00 req/s"},
                                                  {EndpointTableModel::AvgColumn, "0000 ms"},
                                                  {EndpointTableModel::P95Column, "0000 ms"},
                                                  {EndpointTableModel::ErrorColumn, "00.00 %"},
                                                  {EndpointTableModel::ShareColumn, "100.0 %"}};
    for (const auto& [column, sample] : widest) {
        const QString title =
            m_endpointProxy->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        header->resizeSection(column, std::max(metrics.horizontalAdvance(QLatin1String(sample)),
                                               metrics.horizontalAdvance(title) + 16) +
                                          padding);
    }
    header->setSectionResizeMode(EndpointTableModel::EndpointColumn, QHeaderView::Stretch);
}

// The selected endpoint's response time and traffic, one chart above the other.
QWidget* Dashboard::buildEndpointCards(QWidget* page)
{
    auto* right = new QWidget(page);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_endpointLatency = new ChartCard(tr("Endpoint response time"), m_timeline, right);
    m_endpointLatency->setObjectName(QStringLiteral("endpointLatencyCard"));
    m_endpointTraffic = new ChartCard(tr("Endpoint traffic"), m_timeline, right);
    m_endpointTraffic->setObjectName(QStringLiteral("endpointTrafficCard"));
    rightLayout->addWidget(m_endpointLatency, 1);
    rightLayout->addWidget(m_endpointTraffic, 1);
    TimeChart* latency = m_endpointLatency->chart();
    latency->setUnit(tr("ms"));
    for (const char* name :
         {QT_TR_NOOP("avg"), QT_TR_NOOP("p50"), QT_TR_NOOP("p95"), QT_TR_NOOP("p99")})
        latency->addSeries(tr(name), kNoSeries, 1000);
    TimeChart* traffic = m_endpointTraffic->chart();
    traffic->setUnit(tr("/s"));
    traffic->addSeries(tr("requests"), kNoSeries);
    traffic->addSeries(tr("server errors"), kNoSeries, 1, TimeChart::seriesColor(3));
    return right;
}

void Dashboard::bindCharts()
{
    if (m_instances && m_instances->instanceCount() > 0) {
        bindInstanceCharts();
    } else {
        const SignalBoard& board = m_monitor->signalBoard();
        // Longer than the day in memory: the rollups from disk, each average with its band.
        m_chartsOnRollups = wantsRollups();
        const SeriesStore* store = m_chartsOnRollups ? m_rollupStore : &board.signalStore();
        for (std::size_t chartIndex = 0; chartIndex < m_cards.size(); ++chartIndex) {
            TimeChart* c = chart(static_cast<ChartId>(chartIndex));
            const std::vector<SeriesDef>& defs = overviewSeries()[chartIndex];
            if (!m_chartedInstances.isEmpty()) { // back from side by side: the aggregate's series
                c->clearSeries();
                for (const SeriesDef& d : defs)
                    c->addSeries(tr(d.name), kNoSeries, d.scale);
            }
            c->setStore(store);
            int i = 0;
            for (const SeriesDef& d : defs) {
                const auto& r = m_rollupIds[static_cast<std::size_t>(d.id)];
                if (m_chartsOnRollups) {
                    c->setSeriesBand(i, r[0], r[1]);
                    c->setSeriesId(i++, r[2]);
                } else {
                    c->setSeriesBand(i, kNoSeries, kNoSeries);
                    c->setSeriesId(i++, board.signalSeries(d.id));
                }
            }
        }
        m_chartedInstances.clear();
    }
    m_endpointModel->setBoard(&m_monitor->signalBoard());
    bindEndpointCharts();
}

void Dashboard::setInstanceSignals(InstanceSignals* instances)
{
    if (instances == m_instances)
        return;
    followInstanceSignals(instances);
    bindCharts();
    refresh();
}

// Listens to the per-instance signals of the shown target's side-by-side Prometheus feed (and
// no longer to the previous ones).
void Dashboard::followInstanceSignals(InstanceSignals* instances)
{
    if (m_instances)
        disconnect(m_instances, nullptr, this, nullptr);
    m_instances = instances;
    if (!instances)
        return;
    connect(instances, &QObject::destroyed, this, [this] {
        // The feed went (its target was removed or edited): nothing to read until rebound.
        for (ChartCard* card : m_cards)
            card->chart()->setStore(nullptr);
    });
    connect(instances, &InstanceSignals::instancesChanged, this, &Dashboard::bindCharts);
    connect(instances, &InstanceSignals::updated, this, [this] {
        if (m_chartedInstances.isEmpty())
            return; // none yet: bound when the first appears
        updateInstanceSeries();
        if (m_instances->latestTime() > m_timeline->latestMs())
            m_timeline->setLatest(m_instances->latestTime());
        for (ChartCard* card : m_cards)
            card->chart()->dataChanged();
    });
}

// Side by side: each overview chart draws its series once per instance, named by the instance
// label (and the quantity where a chart has several), in the instance's colour. Hidden series
// stay hidden when an instance joins.
void Dashboard::bindInstanceCharts()
{
    const QStringList instances = m_instances->instances();
    if (instances != m_chartedInstances) {
        for (std::size_t chartIndex = 0; chartIndex < m_cards.size(); ++chartIndex) {
            const auto id = static_cast<ChartId>(chartIndex);
            TimeChart* c = chart(id);
            QStringList hidden;
            if (!m_chartedInstances.isEmpty())
                for (int i = 0; i < c->seriesCount(); ++i)
                    if (!c->isSeriesVisible(i))
                        hidden << c->seriesName(i);
            c->clearSeries();
            std::vector<SeriesDef> defs;
            for (const SeriesDef& d : overviewSeries()[chartIndex])
                if (perInstance(id, d.id))
                    defs.push_back(d);
            for (int k = 0; k < instances.size(); ++k) {
                for (std::size_t j = 0; j < defs.size(); ++j) {
                    const QString name = defs.size() == 1
                                             ? instances[k]
                                             : tr("%1 %2").arg(instances[k], tr(defs[j].name));
                    const int index = c->addSeries(name, kNoSeries, defs[j].scale,
                                                   instanceColor(k, static_cast<int>(j)));
                    if (hidden.contains(name))
                        c->setSeriesVisible(index, false);
                }
            }
        }
        m_chartedInstances = instances;
    }
    for (ChartCard* card : m_cards)
        card->chart()->setStore(&m_instances->store());
    updateInstanceSeries();
}

// The store series of each instance line (a signal may get its first value later) and which
// instances have stopped reporting (their lines grey, "(stale)").
void Dashboard::updateInstanceSeries()
{
    if (!m_instances)
        return;
    for (std::size_t chartIndex = 0; chartIndex < m_cards.size(); ++chartIndex) {
        const auto id = static_cast<ChartId>(chartIndex);
        TimeChart* c = chart(id);
        int index = 0;
        for (const QString& instance : std::as_const(m_chartedInstances)) {
            const bool stale = m_instances->isStale(instance);
            for (const SeriesDef& d : overviewSeries()[chartIndex]) {
                if (!perInstance(id, d.id))
                    continue;
                c->setSeriesId(index, m_instances->series(instance, d.id));
                c->setSeriesStale(index, stale);
                ++index;
            }
        }
    }
}

void Dashboard::bindEndpointCharts()
{
    if (m_selectedEndpoint != m_announcedEndpoint) {
        m_announcedEndpoint = m_selectedEndpoint;
        emit endpointSelected(m_selectedEndpoint);
    }
    const SeriesStore* store = &m_monitor->signalBoard().signalStore();
    const int row = m_endpointModel->rowOf(m_selectedEndpoint);
    using S = EndpointTableModel::Series;
    TimeChart* latency = m_endpointLatency->chart();
    TimeChart* traffic = m_endpointTraffic->chart();
    const std::array<S, 4> quantiles = {S::LatencyAvg, S::P50, S::P95, S::P99};
    if (row >= 0 && m_endpointInstances && m_endpointInstances->instanceCount() > 0) {
        bindEndpointInstanceCharts();
    } else {
        if (!m_endpointChartedInstances.isEmpty()) { // back from side by side
            latency->clearSeries();
            for (const char* name :
                 {QT_TR_NOOP("avg"), QT_TR_NOOP("p50"), QT_TR_NOOP("p95"), QT_TR_NOOP("p99")})
                latency->addSeries(tr(name), kNoSeries, 1000);
            traffic->clearSeries();
            traffic->addSeries(tr("requests"), kNoSeries);
            traffic->addSeries(tr("server errors"), kNoSeries, 1, TimeChart::seriesColor(3));
            m_endpointChartedInstances.clear();
        }
        // The endpoint's day from disk when the history has it, else what memory holds.
        const bool day = row >= 0 && endpointChartsOnDay();
        const auto idOf = [this, day, row](S series) {
            return day ? m_endpointDayIds[static_cast<std::size_t>(series)]
                       : m_endpointModel->seriesId(row, series);
        };
        latency->setStore(day ? m_endpointDayStore : store);
        traffic->setStore(day ? m_endpointDayStore : store);
        for (int i = 0; i < 4; ++i)
            latency->setSeriesId(i, idOf(quantiles[static_cast<std::size_t>(i)]));
        traffic->setSeriesId(0, idOf(S::RequestRate));
        traffic->setSeriesId(1, idOf(S::ErrorRate));
    }
    const QString placeholder =
        row < 0 ? (m_endpointModel->rowCount() == 0
                       ? tr("This gateway reports no per-endpoint metrics (yet).")
                       : tr("Select an endpoint in the table to chart it."))
                : QString();
    // An endpoint with traffic but no response-time series: say why, once and for good (the
    // plan gateway counts requests per endpoint but times them only overall).
    bool timed = false;
    for (S series : quantiles)
        timed = timed || (row >= 0 && m_endpointModel->seriesId(row, series) != kNoSeries);
    for (const QString& instance : std::as_const(m_endpointChartedInstances))
        timed = timed || m_endpointInstances->series(instance, SignalId::LatencyAvg) != kNoSeries;
    const bool settled = m_monitor->signalBoard().signalStore().scrapeCount() >= 3;
    latency->setPlaceholder(
        !placeholder.isEmpty() ? placeholder
        : !timed && settled
            ? tr("This gateway times requests only overall, not per endpoint: no latency "
                 "histogram with an endpoint label in its /metrics, so Avg and p95 stay “—”.")
            : QString());
    traffic->setPlaceholder(placeholder);
    latency->setTitle(row < 0 ? tr("Endpoint response time")
                              : tr("Response time — %1").arg(m_selectedEndpoint));
    traffic->setTitle(row < 0 ? tr("Endpoint traffic")
                              : tr("Traffic — %1").arg(m_selectedEndpoint));
}

// Side by side: the selected endpoint's response time (average and p95) and requests once per
// instance, named and coloured as the Overview's lines (its server errors per instance are left
// to the table's aggregate: a flat zero line per instance buried the traffic).
void Dashboard::bindEndpointInstanceCharts()
{
    struct Def {
        const char* name;
        SignalId id;
        double scale;
    };
    static const std::array<std::vector<Def>, 2> defs = {{
        {{QT_TR_NOOP("avg"), SignalId::LatencyAvg, 1000},
         {QT_TR_NOOP("p95"), SignalId::LatencyP95, 1000}},
        {{QT_TR_NOOP("requests"), SignalId::RequestRate, 1}},
    }};
    const std::array<TimeChart*, 2> charts = {m_endpointLatency->chart(),
                                              m_endpointTraffic->chart()};
    const QStringList instances = m_endpointInstances->instances();
    for (std::size_t c = 0; c < charts.size(); ++c) {
        TimeChart* chart = charts[c];
        if (instances != m_endpointChartedInstances) {
            QStringList hidden;
            if (!m_endpointChartedInstances.isEmpty())
                for (int i = 0; i < chart->seriesCount(); ++i)
                    if (!chart->isSeriesVisible(i))
                        hidden << chart->seriesName(i);
            chart->clearSeries();
            for (int k = 0; k < instances.size(); ++k) {
                for (std::size_t j = 0; j < defs[c].size(); ++j) {
                    const QString name = defs[c].size() == 1
                                             ? instances[k]
                                             : tr("%1 %2").arg(instances[k], tr(defs[c][j].name));
                    const int index = chart->addSeries(name, kNoSeries, defs[c][j].scale,
                                                       instanceColor(k, static_cast<int>(j)));
                    if (hidden.contains(name))
                        chart->setSeriesVisible(index, false);
                }
            }
        }
        chart->setStore(&m_endpointInstances->store());
        int index = 0;
        for (const QString& instance : instances) {
            const bool stale = m_endpointInstances->isStale(instance);
            for (const Def& d : defs[c]) {
                chart->setSeriesId(index, m_endpointInstances->series(instance, d.id));
                chart->setSeriesStale(index, stale);
                ++index;
            }
        }
        chart->dataChanged();
    }
    m_endpointChartedInstances = instances;
}

void Dashboard::setEndpointInstanceSignals(InstanceSignals* instances)
{
    if (instances == m_endpointInstances)
        return;
    if (m_endpointInstances)
        disconnect(m_endpointInstances, nullptr, this, nullptr);
    m_endpointInstances = instances;
    if (instances) {
        connect(instances, &QObject::destroyed, this, [this] {
            // Its endpoint was left (or the feed went): back to the aggregate until rebound.
            m_endpointLatency->chart()->setStore(nullptr);
            m_endpointTraffic->chart()->setStore(nullptr);
            QMetaObject::invokeMethod(this, &Dashboard::bindEndpointCharts, Qt::QueuedConnection);
        });
        connect(instances, &InstanceSignals::updated, this, [this] {
            if (m_endpointInstances->latestTime() > m_timeline->latestMs())
                m_timeline->setLatest(m_endpointInstances->latestTime());
            bindEndpointCharts();
        });
    }
    bindEndpointCharts();
}

void Dashboard::selectEndpoint(const QString& endpoint)
{
    const int row = m_endpointModel->rowOf(endpoint);
    if (row < 0) {
        m_endpointView->selectionModel()->clear();
        m_selectedEndpoint.clear();
        bindEndpointCharts();
        return;
    }
    const QModelIndex index = m_endpointProxy->mapFromSource(m_endpointModel->index(row, 0));
    if (!index.isValid()) { // filtered out: chart it anyway
        m_selectedEndpoint = endpoint;
        bindEndpointCharts();
        return;
    }
    m_endpointView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                                 QItemSelectionModel::Rows);
}

void Dashboard::reselectEndpoint()
{
    if (m_selectedEndpoint.isEmpty())
        return;
    const QModelIndex current = m_endpointView->selectionModel()->currentIndex();
    if (current.isValid() &&
        current.data(EndpointTableModel::EndpointRole).toString() == m_selectedEndpoint)
        return;
    const QString keep = m_selectedEndpoint;
    selectEndpoint(keep);
}

void Dashboard::setMonitor(TargetMonitor* monitor, InstanceSignals* instances)
{
    if (monitor == m_monitor) {
        setInstanceSignals(instances);
        return;
    }
    m_monitor = monitor;
    followInstanceSignals(instances);
    m_seen = {};
    m_lastScrapes = -1;
    m_selectedEndpoint.clear();
    m_health->setMonitor(monitor);
    bindCharts();
    for (ChartCard* card : allCards())
        card->chart()->clearMarkers();
    refresh();
}

void Dashboard::setRollups(const SeriesStore* store, const RollupIds& ids)
{
    if (store == m_rollupStore && ids == m_rollupIds) {
        if (m_chartsOnRollups)
            for (ChartCard* card : m_cards)
                card->chart()->dataChanged(); // rows were added
        return;
    }
    m_rollupStore = store;
    m_rollupIds = ids;
    bindCharts();
}

void Dashboard::setEndpointDay(const SeriesStore* store, const QString& endpoint,
                               const EndpointDayIds& ids)
{
    m_endpointDayStore = store;
    m_endpointDayEndpoint = endpoint;
    m_endpointDayIds = ids;
    bindEndpointCharts();
    m_endpointLatency->chart()->dataChanged();
    m_endpointTraffic->chart()->dataChanged();
}

bool Dashboard::endpointChartsOnDay() const
{
    return m_endpointDayStore && !m_selectedEndpoint.isEmpty() &&
           m_endpointDayEndpoint == m_selectedEndpoint &&
           !(m_endpointInstances && m_endpointInstances->instanceCount() > 0);
}

bool Dashboard::wantsRollups() const
{
    return m_rollupStore && m_timeline->spanMs() > kMemoryWindowMs &&
           !(m_instances && m_instances->instanceCount() > 0);
}

void Dashboard::setNotRunningSpans(std::vector<TimeChart::TimeSpan> spans)
{
    for (ChartCard* card : allCards())
        card->chart()->setNotRunningSpans(spans);
}

void Dashboard::setThresholds(const DashboardThresholds& thresholds)
{
    m_thresholds = thresholds;
    updateTiles();
}

void Dashboard::addMarker(qint64 timeMs, MarkerKind kind, const QString& label,
                          const QString& group)
{
    for (ChartCard* card : allCards())
        card->chart()->addMarker(timeMs, kind, label, group);
}

void Dashboard::addMarker(ChartId chart, qint64 timeMs, MarkerKind kind, const QString& label,
                          const QString& group)
{
    card(chart)->chart()->addMarker(timeMs, kind, label, group);
    // The endpoint response-time chart shows the same quantity as the overview's.
    if (chart == ChartId::ResponseTime)
        m_endpointLatency->chart()->addMarker(timeMs, kind, label, group);
}

void Dashboard::clearMarkers()
{
    for (ChartCard* card : allCards())
        card->chart()->clearMarkers();
}

void Dashboard::setTablesShown(bool shown)
{
    for (ChartCard* card : allCards())
        card->setTableShown(shown);
    if (m_tablesAction->isChecked() != shown)
        m_tablesAction->setChecked(shown);
}

void Dashboard::saveSettings(QSettings& settings) const
{
    settings.setValue(QStringLiteral("dashboard/windowMs"), m_timeline->presetMs());
}

void Dashboard::restoreSettings(QSettings& settings)
{
    const qint64 ms =
        settings.value(QStringLiteral("dashboard/windowMs"), m_timeline->presetMs()).toLongLong();
    if (TimeControls::presetWindows().contains(ms))
        m_timeline->setPreset(ms);
}

void Dashboard::refresh()
{
    if (m_instances ? m_instances->instanceCount() > 0 && m_chartedInstances.isEmpty()
                    : !m_chartedInstances.isEmpty())
        bindCharts(); // side by side began (its first instances), or its feed went
    const SignalBoard& board = m_monitor->signalBoard();
    const SeriesStore& store = board.signalStore();
    // Seen: a figure now, or one in the store (history restored from disk before any poll).
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        const auto id = static_cast<SignalId>(i);
        if (std::isfinite(board.latest(id)) || std::isfinite(store.latest(board.signalSeries(id))))
            m_seen[i] = true;
    }
    if (store.scrapeCount() != m_lastScrapes) {
        // A poll arrived: charts re-decimate lazily (O(width)), the live range moves on.
        m_lastScrapes = store.scrapeCount();
        if (store.scrapeCount() > 0)
            m_timeline->setLatest(store.latestTime());
        for (ChartCard* card : allCards())
            card->chart()->dataChanged();
        m_endpointModel->refresh();
        reselectEndpoint();
        if (m_selectedEndpoint.isEmpty() || m_endpointModel->rowOf(m_selectedEndpoint) < 0)
            bindEndpointCharts();
    }
    if (m_instances && m_instances->latestTime() > m_timeline->latestMs())
        m_timeline->setLatest(m_instances->latestTime());
    // An outage: the axis keeps moving to now (not frozen at the last sample), and every chart
    // marks where polling failed with the gap after it.
    // Only history restored from disk so far (a restart, the gateway not answering yet): the
    // axis runs to now, so the time since the last point shows.
    const bool restoredOnly = showsRestoredOnly();
    const bool outage = (m_monitor->hasData() || restoredOnly) &&
                        (m_monitor->problemSinceMs() > 0 || m_monitor->isDataStale());
    if (outage || restoredOnly) {
        const qint64 now = m_monitor->clock()->nowMs();
        if (now > m_timeline->latestMs())
            m_timeline->setLatest(now);
    }
    const qint64 since = !outage                           ? 0
                         : m_monitor->problemSinceMs() > 0 ? m_monitor->problemSinceMs()
                                                           : m_monitor->lastSuccessMs();
    for (ChartCard* card : allCards())
        card->chart()->setOutageSince(since);
    updateAvailability();
    m_health->refresh();
    updateTiles();
    updateStatus();
}

bool Dashboard::showsRestoredOnly() const
{
    return !m_monitor->hasData() && !m_monitor->usesExternalSignals() &&
           m_monitor->signalBoard().signalStore().scrapeCount() > 0;
}

QString Dashboard::lackFor(SignalId id) const
{
    const MetricsMapping& m = m_monitor->signalBoard().mapping();
    switch (id) {
    case SignalId::LatencyAvg:
        if (m.latencyHistogram.empty() && m.latencyGauge.empty())
            return tr("This gateway exports no latency histogram: no response times.");
        return tr("No request-duration histogram (%1) in this gateway's /metrics.")
            .arg(QString::fromStdString(m.latencyHistogram));
    case SignalId::LatencyP50:
    case SignalId::LatencyP95:
    case SignalId::LatencyP99:
        return tr("No latency histogram: p50, p95 and p99 are not available, only the average.");
    case SignalId::RequestRate:
        return tr("This gateway exports no request counter.");
    case SignalId::ErrorRate:
    case SignalId::ErrorRatio:
        if (m.errorsCounter.empty() && m.statusLabel.empty())
            return tr("This gateway exports no error counter and no status label: server errors "
                      "cannot be counted.");
        return tr("No error counter (%1) in this gateway's /metrics yet.")
            .arg(QString::fromStdString(m.errorsCounter.empty() ? m.statusLabel : m.errorsCounter));
    case SignalId::ActiveWorkflows:
        return tr("This gateway exports no active-workflows gauge.");
    case SignalId::WorkflowRate:
        return tr("This gateway exports no workflow-executions counter.");
    case SignalId::MemoryBytes:
        return tr("This gateway exports no memory gauge.");
    case SignalId::CpuPercent:
        return tr("This gateway exports no CPU gauge (nor process_cpu_seconds_total).");
    default:
        break;
    }
    return tr("Not exported by this gateway.");
}

// What the gateway lacks, said plainly instead of empty charts. Decided once a few scrapes are in
// (rates need two).
void Dashboard::updateAvailability()
{
    const SeriesStore& store = m_monitor->signalBoard().signalStore();
    const bool settled = store.scrapeCount() >= 3;
    const QString problem = m_monitor->metricsProblem();
    struct Need {
        ChartId chart;
        std::vector<SignalId> ids;
    };
    const std::array<Need, 6> needs = {{
        {ChartId::ResponseTime,
         {SignalId::LatencyAvg, SignalId::LatencyP50, SignalId::LatencyP95, SignalId::LatencyP99}},
        {ChartId::RequestRate, {SignalId::RequestRate}},
        {ChartId::ErrorRate, {SignalId::ErrorRatio}},
        {ChartId::Workflows, {SignalId::ActiveWorkflows, SignalId::WorkflowRate}},
        {ChartId::Memory, {SignalId::MemoryBytes}},
        {ChartId::Cpu, {SignalId::CpuPercent}},
    }};
    for (const Need& need : needs) {
        ChartCard* c = card(need.chart);
        if (store.scrapeCount() == 0 && !problem.isEmpty()) {
            c->chart()->setPlaceholder(tr("No metrics: %1").arg(problem));
            c->setNote({});
            continue;
        }
        if (!settled) {
            c->chart()->setPlaceholder({});
            c->setNote({});
            continue;
        }
        QStringList missing;
        bool any = false;
        for (SignalId s : need.ids) {
            if (seen(s))
                any = true;
            else if (!missing.contains(lackFor(s)))
                missing << lackFor(s);
        }
        if (!any) {
            QString text = missing.join(QStringLiteral(" "));
            if (need.chart == ChartId::Workflows)
                text = tr("This gateway exports no workflow metrics: no active-workflows gauge "
                          "and no workflow-executions counter.");
            c->chart()->setPlaceholder(text);
            c->setNote({});
        } else {
            c->chart()->setPlaceholder({});
            c->setNote(missing.join(QStringLiteral(" ")));
        }
    }
    // Workflow outcomes: executions per type and status (counter values since the start).
    const std::vector<WorkflowRow> outcomes = m_monitor->signalBoard().workflowTable();
    if (!outcomes.empty() && seen(SignalId::WorkflowRate)) {
        std::map<QString, double> byStatus;
        for (const WorkflowRow& row : outcomes)
            byStatus[QString::fromStdString(row.status)] += row.executions;
        QStringList parts;
        for (const auto& [status, count] : byStatus)
            parts << tr("%1 %2").arg(status, QLocale().toString(count, 'f', 0));
        QString note = card(ChartId::Workflows)->note();
        note = tr("Outcomes since start: %1").arg(parts.join(QStringLiteral(" · "))) +
               (note.isEmpty() || note.startsWith(tr("Outcomes")) ? QString()
                                                                  : QStringLiteral(" — ") + note);
        card(ChartId::Workflows)->setNote(note);
    }
}

void Dashboard::updateTiles()
{
    const bool stale = m_monitor->isDataStale();
    const qint64 t1 = m_timeline->endMs();
    const qint64 span = m_timeline->spanMs();
    const TileWindow window{t1 - span, t1, span, TimeControls::windowName(span),
                            m_monitor->signalBoard().signalStore().scrapeCount() >= 3};
    updateResponseTimeTile(window);
    updateRequestRateTile(window);
    updateSuccessRateTile(window);
    updateWorkflowsTile(window);
    updateMemoryTile(window);
    updateComponentsTile(window);
    showOutageOnTiles(stale);
}

void Dashboard::setTileSparkline(MetricTile* tile, SignalId id, double scale,
                                 const TileWindow& window) const
{
    const SignalBoard& board = m_monitor->signalBoard();
    const SeriesStore& store = board.signalStore();
    const std::uint32_t series = board.signalSeries(id);
    if (series == kNoSeries || !store.contains(series)) {
        tile->setSparkline({}, window.t0, window.t1);
        return;
    }
    std::vector<StorePoint> points;
    store.decimate(series, window.t0, window.t1, std::max(40, tile->width() / 2), points);
    for (StorePoint& p : points)
        p.v *= scale;
    tile->setSparkline(points, window.t0, window.t1);
}

// The change of a signal's mean against the previous window ("▲ 12 % vs previous 15 min"),
// empty when either has no data.
QString Dashboard::tileChange(SignalId id, const TileWindow& window) const
{
    const SignalBoard& board = m_monitor->signalBoard();
    const SeriesStore& store = board.signalStore();
    const std::uint32_t series = board.signalSeries(id);
    std::vector<StorePoint> scratch;
    return changeText(meanOver(store, series, window.t0, window.t1, scratch),
                      meanOver(store, series, window.t0 - window.span, window.t0, scratch),
                      window.name);
}

void Dashboard::setTileMissing(MetricTile* tile, SignalId id, const TileWindow& window) const
{
    tile->setValue(tr("—"));
    tile->setDetail(window.settled && !seen(id) ? tr("not exported by this gateway")
                                                : tr("waiting for data"));
    tile->setLevel(ThresholdLevel::Unknown);
}

// Average and p95, change of the average against the previous window.
void Dashboard::updateResponseTimeTile(const TileWindow& window)
{
    const SignalBoard& board = m_monitor->signalBoard();
    MetricTile* rt = tile(TileId::ResponseTime);
    const double avg = board.latest(SignalId::LatencyAvg);
    if (std::isfinite(avg)) {
        rt->setValue(milliseconds(avg));
        QStringList detail;
        const double p95 = board.latest(SignalId::LatencyP95);
        if (std::isfinite(p95))
            detail << tr("p95 %1").arg(milliseconds(p95));
        const QString delta = tileChange(SignalId::LatencyAvg, window);
        if (!delta.isEmpty())
            detail << delta;
        rt->setDetail(detail.join(QStringLiteral(" · ")));
        rt->setLevel(m_thresholds.latencyLevel(avg));
    } else {
        setTileMissing(rt, SignalId::LatencyAvg, window);
    }
    setTileSparkline(rt, SignalId::LatencyAvg, 1000, window);
}

void Dashboard::updateRequestRateTile(const TileWindow& window)
{
    MetricTile* rate = tile(TileId::RequestRate);
    const double rps = m_monitor->signalBoard().latest(SignalId::RequestRate);
    if (std::isfinite(rps)) {
        rate->setValue(tr("%1 req/s").arg(QLocale().toString(rps, 'f', rps < 10 ? 2 : 1)));
        QStringList detail;
        if (!m_chartedInstances.isEmpty()) { // side by side: the tile is their sum
            int reporting = 0;
            for (const QString& instance : std::as_const(m_chartedInstances))
                reporting += m_instances && !m_instances->isStale(instance) ? 1 : 0;
            detail << (reporting == 1 ? tr("1 instance reporting")
                                      : tr("sum of %1 instances").arg(reporting));
        }
        const QString delta = tileChange(SignalId::RequestRate, window);
        if (!delta.isEmpty())
            detail << delta;
        rate->setDetail(detail.join(QStringLiteral(" · ")));
        rate->setLevel(ThresholdLevel::Unknown);
    } else {
        setTileMissing(rate, SignalId::RequestRate, window);
    }
    setTileSparkline(rate, SignalId::RequestRate, 1, window);
}

// The share of requests without a server error, and its change in points.
void Dashboard::updateSuccessRateTile(const TileWindow& window)
{
    const SignalBoard& board = m_monitor->signalBoard();
    const SeriesStore& store = board.signalStore();
    const QLocale locale;
    MetricTile* success = tile(TileId::SuccessRate);
    const double ratio = board.latest(SignalId::ErrorRatio);
    if (std::isfinite(ratio)) {
        success->setValue(tr("%1 %").arg(locale.toString((1 - ratio) * 100.0, 'f', 2)));
        std::vector<StorePoint> scratch;
        const std::uint32_t series = board.signalSeries(SignalId::ErrorRatio);
        const double before = meanOver(store, series, window.t0 - window.span, window.t0, scratch);
        const double now = meanOver(store, series, window.t0, window.t1, scratch);
        QString detail = tr("errors %1 %").arg(locale.toString(ratio * 100.0, 'f', 2));
        if (std::isfinite(before) && std::isfinite(now))
            detail +=
                tr(" · %1%2 pt vs previous %3")
                    .arg(before - now >= 0 ? QStringLiteral("+") : QStringLiteral("−"),
                         locale.toString(std::abs(before - now) * 100.0, 'f', 2), window.name);
        success->setDetail(detail);
        success->setLevel(m_thresholds.errorLevel(ratio));
    } else {
        setTileMissing(success, SignalId::ErrorRatio, window);
    }
    setTileSparkline(success, SignalId::ErrorRatio, -100, window);
}

// Active workflows and executions a minute; what the gateway lacks is said as on the other
// tiles: "not exported by this gateway".
void Dashboard::updateWorkflowsTile(const TileWindow& window)
{
    const SignalBoard& board = m_monitor->signalBoard();
    const QLocale locale;
    MetricTile* workflows = tile(TileId::ActiveWorkflows);
    const double active = board.latest(SignalId::ActiveWorkflows);
    const double perS = board.latest(SignalId::WorkflowRate);
    if (std::isfinite(active) || std::isfinite(perS)) {
        const QString rate = tr("%1 executions/min").arg(locale.toString(perS * 60, 'f', 1));
        if (std::isfinite(active)) {
            workflows->setValue(locale.toString(active, 'f', 0));
            workflows->setDetail(std::isfinite(perS) ? rate
                                 : window.settled && !seen(SignalId::WorkflowRate)
                                     ? tr("executions/min not exported by this gateway")
                                     : QString());
        } else {
            workflows->setValue(tr("—"));
            workflows->setDetail(
                window.settled && !seen(SignalId::ActiveWorkflows)
                    ? tr("%1 · active count not exported by this gateway").arg(rate)
                    : rate);
        }
        workflows->setLevel(ThresholdLevel::Unknown);
    } else {
        setTileMissing(workflows, SignalId::ActiveWorkflows, window);
    }
    setTileSparkline(workflows,
                     std::isfinite(active) ? SignalId::ActiveWorkflows : SignalId::WorkflowRate, 1,
                     window);
}

// Resident memory, with the CPU in the detail.
void Dashboard::updateMemoryTile(const TileWindow& window)
{
    const SignalBoard& board = m_monitor->signalBoard();
    const QLocale locale;
    MetricTile* memory = tile(TileId::Memory);
    const double bytes = board.latest(SignalId::MemoryBytes);
    if (std::isfinite(bytes)) {
        memory->setValue(tr("%1 MB").arg(locale.toString(bytes / 1e6, 'f', 0)));
        const double cpu = board.latest(SignalId::CpuPercent);
        QStringList detail;
        if (std::isfinite(cpu))
            detail << tr("CPU %1 %").arg(locale.toString(cpu, 'f', 1));
        const QString delta = tileChange(SignalId::MemoryBytes, window);
        if (!delta.isEmpty())
            detail << delta;
        memory->setDetail(detail.join(QStringLiteral(" · ")));
        memory->setLevel(m_thresholds.memoryLevel(bytes));
    } else {
        setTileMissing(memory, SignalId::MemoryBytes, window);
    }
    setTileSparkline(memory, SignalId::MemoryBytes, 1e-6, window);
}

// The worst state stands out, with the names of those not healthy.
void Dashboard::updateComponentsTile(const TileWindow& window)
{
    MetricTile* components = tile(TileId::Components);
    if (m_monitor->hasHealth()) {
        const HealthSnapshot& health = m_monitor->health();
        const HealthState worst = health.worst();
        QStringList bad;
        for (const ComponentHealth& c : health.components) {
            if (c.state != HealthState::Healthy)
                bad << tr("%1 %2").arg(c.name, healthStateName(c.state));
        }
        QString value = healthStateName(worst);
        if (!value.isEmpty())
            value[0] = value[0].toUpper();
        components->setValue(value);
        components->setDetail(bad.isEmpty()
                                  ? tr("all %n healthy", nullptr, int(health.components.size()))
                                  : bad.join(QStringLiteral(", ")));
        components->setAccent(colorFor(worst));
        components->setLevel(worst == HealthState::Healthy    ? ThresholdLevel::Ok
                             : worst == HealthState::Degraded ? ThresholdLevel::Warning
                                                              : ThresholdLevel::Critical);
    } else {
        components->setValue(tr("—"));
        components->setDetail(tr("waiting for /health/detailed"));
        components->setAccent({});
        components->setLevel(ThresholdLevel::Unknown);
    }
    components->setSparkline({}, window.t0, window.t1);
}

// Stale tiles grey; an outage looks like one: each tile leads with the state and how long it
// has lasted, the last figure stays, small, with its age.
void Dashboard::showOutageOnTiles(bool stale)
{
    const bool outage = stale && m_monitor->hasData();
    QString headline;
    if (outage) {
        const ConnectionState state = m_monitor->state();
        const qint64 now = m_monitor->clock()->nowMs();
        const qint64 since = m_monitor->problemSinceMs() > 0 ? m_monitor->problemSinceMs()
                                                             : m_monitor->lastSuccessMs();
        QString name = isAnswering(state) ? tr("no new data") : connectionStateName(state);
        if (!name.isEmpty())
            name[0] = name[0].toUpper();
        headline = tr("%1 for %2").arg(name, formatElapsed(now - since));
    }
    const QString age = formatElapsed(m_monitor->dataAgeMs());
    for (MetricTile* t : m_tiles) {
        t->setStale(stale);
        t->setOutage(outage);
        if (!outage)
            continue;
        const QString last = t->value();
        t->setValue(headline);
        t->setDetail(last == tr("—") ? tr("no figure before it stopped")
                                     : tr("last: %1, %2 ago").arg(last, age));
    }
}

void Dashboard::updateStatus()
{
    QString text;
    const QString window = TimeControls::windowName(m_timeline->spanMs());
    if (m_timeline->isLive()) {
        text = m_timeline->spanMs() == m_timeline->presetMs()
                   ? tr("Live: last %1").arg(window)
                   : tr("Live, zoomed: last %1").arg(window);
    } else {
        text =
            tr("Paused: %1 – %2")
                .arg(formatTimeOfDay(m_timeline->startMs()), formatTimeOfDay(m_timeline->endMs()));
    }
    if (m_chartsOnRollups)
        text += tr(" · 1-minute averages from history, min–max shaded");
    const bool stale = m_monitor->isDataStale();
    const bool restoredOnly = showsRestoredOnly();
    const qint64 restoredAge =
        restoredOnly
            ? m_monitor->clock()->nowMs() - m_monitor->signalBoard().signalStore().latestTime()
            : 0;
    if (restoredOnly)
        text += tr(" · no data yet this run; history up to %1 ago").arg(formatElapsed(restoredAge));
    else if (!m_monitor->hasData())
        text += tr(" · no data yet");
    else if (stale)
        text += tr(" · STALE: last data %1 ago").arg(formatElapsed(m_monitor->dataAgeMs()));
    else
        text += tr(" · data %1 old").arg(formatElapsed(m_monitor->dataAgeMs()));
    for (TimeControls* controls : std::as_const(m_controls))
        controls->setStatus(text, stale);
    // Stale data greyed with its age on every chart, back to colour when polls answer again.
    // History restored from disk is stale until the gateway answers this run.
    const bool greyed = (stale && m_monitor->hasData()) || restoredOnly;
    const QString age =
        restoredOnly ? tr("stale — from history, last data %1 ago").arg(formatElapsed(restoredAge))
        : greyed     ? tr("stale — last data %1 ago").arg(formatElapsed(m_monitor->dataAgeMs()))
                     : QString();
    for (ChartCard* card : allCards())
        card->chart()->setStale(greyed, age);
}

} // namespace ops
