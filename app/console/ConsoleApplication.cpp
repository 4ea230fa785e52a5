#include "app/console/ConsoleApplication.h"

#include "app/console/DemoGateway.h"
#include "app/console/DesktopIntegration.h"
#include "models/alertmanager/AlertmanagerHub.h"
#include "models/alertmanager/TeamAlertsModel.h"
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertNotifier.h"
#include "models/alerts/AlertStore.h"
#include "models/alerts/DesktopNotifier.h"
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/domain/Logging.h"
#include "models/fleet/Fleet.h"
#include "models/history/HistoryBackfill.h"
#include "models/history/HistoryPaths.h"
#include "models/history/TargetHistory.h"
#include "models/incidents/EventRecorder.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/SignalHistory.h"
#include "models/incidents/StoredSignalHistory.h"
#include "models/itemmodels/AuditTableModel.h"
#include "models/logs/ServiceLogs.h"
#include "models/monitor/TargetMonitor.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/targets/TargetStore.h"
#include "models/workflows/WorkflowClient.h"
#include "ui/alerts/AlertTray.h"
#include "ui/alerts/AlertsPage.h"
#include "ui/alerts/FiringStrip.h"
#include "ui/audit/AuditPage.h"
#include "ui/dashboard/ChartMarkerFeed.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/dashboard/TimeChart.h"
#include "ui/deploy/DeployPages.h"
#include "ui/incidents/TimelinePage.h"
#include "ui/logs/LogsPage.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/TargetsPanel.h"
#include "ui/workflows/WorkflowsPage.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPainter>
#include <QPixmap>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

namespace {

// The tab whose object name (with or without its "Page" suffix) or title (without its '&') is
// name, case-insensitively.
bool selectPage(QTabWidget* pages, const QString& name)
{
    for (int i = 0; i < pages->count(); ++i) {
        const QString objectName = pages->widget(i)->objectName();
        if (objectName.compare(name, Qt::CaseInsensitive) == 0 ||
            objectName.compare(name + QStringLiteral("Page"), Qt::CaseInsensitive) == 0 ||
            pages->tabText(i).remove(u'&').compare(name, Qt::CaseInsensitive) == 0) {
            pages->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

} // namespace

ConsoleApplication::ConsoleApplication(ConsoleOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
}

// Members go in reverse declaration order (see the header): nothing to order by hand.
ConsoleApplication::~ConsoleApplication()
{
    if (m_eventRecorder)
        m_eventRecorder->recordConsoleStop();
}

bool ConsoleApplication::start()
{
    m_network = std::make_unique<QNetworkAccessManager>();
    m_clock = std::make_unique<ops::SystemClock>();
    m_secrets = std::make_unique<ops::ChainedSecretStore>();
    // Each secret goes only to the origin it was entered for (docs/security.md): where a saved
    // target sends it now, or nowhere new until the operator confirms or enters it again.
    m_secrets->bindOrigins([this](const QString& key) {
        return m_fleet ? ops::secretOriginFor(m_fleet->savedTargets(), key) : QString();
    });
    m_audit = std::make_unique<ops::AuditLog>();
    if (!m_audit->open())
        qCWarning(ops::lcConsole).noquote()
            << QStringLiteral("bhiv-ops: audit log unavailable: %1").arg(m_audit->errorString());
    m_fleet = std::make_unique<ops::Fleet>(
        ops::FleetContext{m_network.get(), m_clock.get(), m_secrets.get(), m_audit.get()});
    recordEvents();
    // Logs: every session's Render logs (nothing is fetched until its Logs page asks).
    m_fleet->addCapability(
        [](ops::TargetSession& session) -> std::unique_ptr<ops::SessionCapability> {
            return std::make_unique<ops::ServiceLogs>(session);
        });
    recordHistory();
    if (!buildFleet())
        return false;

    // A first run has no target yet: the window welcomes until one is saved or the demo chosen.
    ops::TargetSession* current = m_fleet->current();
    m_window = std::make_unique<ops::MainWindow>(current ? current->monitor() : nullptr,
                                                 current ? current->label() : QString());
    m_targetsPanel =
        std::make_unique<ops::TargetsPanel>(m_fleet.get(), m_secrets.get(), m_window.get());
    if (!startAlerts())
        return false;
    if (current)
        addWatchingPages();
    else
        welcome();
    auto* rollupTimer = new QTimer(this);
    rollupTimer->setInterval(60'000);
    connect(rollupTimer, &QTimer::timeout, this, &ConsoleApplication::refreshRollups);
    rollupTimer->start();
    m_window->show();
    reportRecoveries();
    m_fleet->start(); // every session reads its key, then polls (and every later one)
    if (!current) {
        // The dialog on top of the window it belongs to.
        m_targetsPanel->startFirstRun();
        if (!m_options.screenshotPath.isEmpty())
            QTimer::singleShot(std::max(m_options.screenshotDelayMs, 500), this,
                               &ConsoleApplication::saveScreenshot);
        return true;
    }
    if (!m_options.page.isEmpty()) {
        // After the window has selected the page it remembers.
        QTimer::singleShot(0, this, [this] {
            if (!selectPage(m_window->pages(), m_options.page))
                qCWarning(ops::lcConsole).noquote()
                    << QStringLiteral("bhiv-ops: no page named %1").arg(m_options.page);
        });
    }
    return true;
}

// What shows the watched target: the dashboard's pages (built by the window with the first
// target), the other pages after them in their order, the chart markers; from then on the window
// follows the watched target.
void ConsoleApplication::addWatchingPages()
{
    ops::TargetSession* current = m_fleet->current();
    if (m_window->isWelcoming()) // the first target: the dashboard's pages take the welcome's place
        m_window->setMonitor(current->monitor(), current->label(), current->instanceSignals());
    // Event markers on the charts: workflow launches and deploy events of every target (the
    // watched one's are drawn), alert transitions once the alert center runs.
    m_markers = std::make_unique<ops::ChartMarkerFeed>(m_window->dashboard());
    m_markers->follow(m_fleet.get());
    followEndpointDay(current);
    addPages();
    addAlertsPage();
    addTimeline();
    const qint64 now = m_clock->nowMs();
    m_markers->watchAlerts(m_alerts->engine(), now - 24 * 3'600'000LL, now);
    // Deploys and workflow launches of the restored span (the 30 d window's), from the audit log.
    m_markers->addStoredEvents(m_audit.get(), now - ops::TargetHistory::kRollupWindowMs, now);
    connect(m_fleet.get(), &ops::Fleet::currentChanged, this, &ConsoleApplication::show);
    connect(m_fleet.get(), &ops::Fleet::changed, this, [this](ops::TargetSession* session) {
        if (session == m_fleet->current()) // edited in the targets dialog
            m_workflowsPage->setClient(session->workflows(), session->name());
    });
    if (!m_options.screenshotPath.isEmpty())
        connect(current->monitor(), &ops::TargetMonitor::updated, this,
                &ConsoleApplication::takeScreenshotWhenReady);
}

// The first run (#19): the window welcomes with the targets dialog on top. The first target saved
// there, or the demo chosen there or on the welcome page, is watched and the window fills in;
// closing the dialog with nothing saved leaves the window (closing the window quits).
void ConsoleApplication::welcome()
{
    // Queued: the store is still saving (under its file lock) when it announces the target.
    connect(
        m_fleet.get(), &ops::Fleet::added, this,
        [this](ops::TargetSession* session) {
            const QString id = session->id();
            QTimer::singleShot(0, this, [this, id] {
                if (!m_fleet->current())
                    m_fleet->setCurrent(id);
            });
        },
        Qt::DirectConnection);
    connect(m_fleet.get(), &ops::Fleet::currentChanged, this, [this](ops::TargetSession* current) {
        if (m_window->isWelcoming() && current) {
            addWatchingPages();
            showHistory(current); // restored before it was watched
        }
    });
    connect(m_window.get(), &ops::MainWindow::demoRequested, this, &ConsoleApplication::startDemo);
    connect(m_targetsPanel.get(), &ops::TargetsPanel::demoRequested, this,
            &ConsoleApplication::startDemo);
}

// "Try the demo" on a first run: the demo gateway, watched as on `bhiv-ops --demo`.
void ConsoleApplication::startDemo()
{
    if (m_demo || m_fleet->current())
        return; // chosen twice, or a target is watched already
    m_options.demo = true;
    if (addDemo())
        return;
    m_options.demo = false;
    m_demo.reset();
    qCWarning(ops::lcConsole).noquote()
        << QStringLiteral("bhiv-ops: the demo cannot start: %1").arg(m_error);
    QMessageBox::warning(m_window.get(), tr("The demo cannot start"),
                         tr("The demo gateway did not start: %1").arg(m_error));
}

// Incidents: the console's start (and, when it goes, its stop), and every session's connection
// changes and restarts under the name its alerts use.
void ConsoleApplication::recordEvents()
{
    m_events = std::make_unique<ops::EventStore>();
    if (!m_events->open())
        qCWarning(ops::lcConsole).noquote()
            << QStringLiteral("bhiv-ops: incident events unavailable: %1")
                   .arg(m_events->errorString());
    m_eventRecorder = std::make_unique<ops::EventRecorder>(m_events.get(), m_clock.get());
    m_eventRecorder->recordConsoleStart();
    m_fleet->addCapability([recorder = m_eventRecorder.get()](ops::TargetSession& session)
                               -> std::unique_ptr<ops::SessionCapability> {
        return std::make_unique<ops::EventRecording>(session, recorder);
    });
}

QStringList ConsoleApplication::open(const LaunchRequest& request)
{
    QStringList done;
    if (!request.targetName.isEmpty()) {
        ops::TargetSession* session = m_fleet->sessionNamed(request.targetName);
        if (session && m_fleet->setCurrent(session->id()))
            done << tr("switched to target %1").arg(request.targetName);
        else if (!session)
            done << tr("no target named %1 (bhiv-ops targets list)").arg(request.targetName);
    } else if (!request.url.isEmpty()) {
        ops::TargetSession* watching = nullptr;
        for (ops::TargetSession* session : m_fleet->sessions()) {
            if (session->target().baseUrl.adjusted(QUrl::StripTrailingSlash) ==
                request.url.adjusted(QUrl::StripTrailingSlash))
                watching = session;
        }
        if (!watching) {
            ops::Target target;
            target.name = request.url.toString();
            target.baseUrl = request.url;
            target.intervalMs = request.intervalMs > 0 ? request.intervalMs : m_options.intervalMs;
            target.allowPlainHttp = request.allowPlainHttp;
            watching = m_fleet->addUnsaved(target);
            done << tr("watching %1 as a temporary target")
                        .arg(request.url.toDisplayString(QUrl::RemoveUserInfo));
        } else {
            done << tr("switched to %1").arg(request.url.toDisplayString(QUrl::RemoveUserInfo));
        }
        m_fleet->setCurrent(watching->id());
    }
    if (!request.page.isEmpty()) {
        if (selectPage(m_window->pages(), request.page))
            done << tr("showing page %1").arg(request.page);
        else
            done << tr("no page named %1").arg(request.page);
    }
    if (!request.alertRule.isEmpty() && m_alertsPage)
        m_alertsPage->showAlert(request.alertRule, request.targetName);
    DesktopIntegration::raiseWindow(m_window.get());
    return done;
}

// The fleet: --demo or --url is one unsaved target; otherwise the saved targets (none on a first
// run: the fleet starts empty and the window welcomes).
bool ConsoleApplication::buildFleet()
{
    if (!m_options.demo && m_options.url.isEmpty()) {
        auto store = std::make_unique<ops::TargetStore>();
        if (!store->load(&m_error))
            return false;
        if (store->targets().isEmpty()) {
            if (!m_options.targetName.isEmpty()) {
                m_error =
                    tr("no target named %1 (bhiv-ops targets list)").arg(m_options.targetName);
                return false;
            }
            // The first run: nothing to watch yet (see welcome()).
            m_fleet->useSavedTargets(std::move(store));
            return true;
        }
        m_fleet->useSavedTargets(std::move(store));
        return m_fleet->pickCurrent(m_options.targetName, &m_error);
    }
    if (m_options.demo)
        return addDemo();
    ops::Target target;
    target.name = m_options.url.toString();
    target.baseUrl = m_options.url;
    target.intervalMs = m_options.intervalMs;
    target.allowPlainHttp = m_options.allowPlainHttp;
    return m_fleet->setCurrent(m_fleet->addUnsaved(target)->id());
}

// The simulator as an unsaved target named "demo" (its alerts keep that name each run), with
// its own Render API (the first service it lists; its key in this session's memory only).
bool ConsoleApplication::addDemo()
{
    m_demo = std::make_unique<DemoGateway>(
        QStringList{QStringLiteral("--dialect"), m_options.demoDialect, QStringLiteral("--seed"),
                    QStringLiteral("42"), QStringLiteral("--endpoints"), QStringLiteral("40"),
                    // its live traffic goes on from the day the console backfills
                    QStringLiteral("--history")});
    if (!m_demo->start()) {
        m_error = m_demo->errorString();
        return false;
    }
    connect(m_demo.get(), &DemoGateway::crashed, this, [](const QString& reason) {
        qCWarning(ops::lcConsole).noquote() << QStringLiteral("bhiv-ops: %1").arg(reason);
    });
    const QUrl url = m_demo->url();
    ops::Target target;
    target.name = QStringLiteral("demo");
    target.baseUrl = url;
    target.intervalMs = m_options.intervalMs;
    ops::RenderService render;
    render.restApi = true;
    render.apiBaseUrl = url.resolved(QUrl(QStringLiteral("/render/v1")));
    target.services = {render};
    m_secrets->writeSession(ops::secretKeyRenderApiKey(target.name),
                            QByteArray(DemoGateway::kRenderApiKey), {});
    const QString label = tr("demo gateway (%1) at %2").arg(m_options.demoDialect, url.toString());
    return m_fleet->setCurrent(m_fleet->addUnsaved(target, label)->id());
}

// Workflows (following the watched target), Deploys (a page per target) and Audit.
void ConsoleApplication::addPages()
{
    ops::TargetSession* current = m_fleet->current();
    m_workflowsPage = new ops::WorkflowsPage(current->workflows(), current->name());
    m_window->addPage(m_workflowsPage, tr("&Workflows"));
    followDialect(current->monitor());

    m_deployPages = new ops::DeployPages(m_fleet.get(), m_window.get());
    m_window->addPage(m_deployPages, tr("&Deploys"));
    connect(m_deployPages, &ops::DeployPages::configureRequested, this, [this](const QString& id) {
        if (m_targetsPanel)
            m_targetsPanel->openDialog(id);
    });

    // Logs: the watched target's Render service (its ServiceLogs capability).
    m_logsPage = new ops::LogsPage(m_fleet.get(), m_window.get());
    m_window->addPage(m_logsPage, tr("&Logs"));
    connect(m_logsPage, &ops::LogsPage::configureRequested, this, [this](const QString& id) {
        if (m_targetsPanel)
            m_targetsPanel->openDialog(id);
    });
    connect(m_deployPages, &ops::DeployPages::logsRequested, this, &ConsoleApplication::showLogs);
    // A chart point's "Logs at this time": the watched target's lines of those minutes.
    for (int id = 0; id < int(ops::Dashboard::ChartId::Count); ++id) {
        if (ops::TimeChart* chart = m_window->dashboard()->chart(ops::Dashboard::ChartId(id)))
            connect(chart, &ops::TimeChart::logsAtTimeRequested, this, [this, chart](qint64 atMs) {
                if (ops::TargetSession* current = m_fleet->current())
                    showLogs(current->id(),
                             ops::LogsPage::around(atMs, tr("%1 chart").arg(chart->title())));
            });
    }

    m_auditModel = std::make_unique<ops::AuditTableModel>(m_audit.get());
    m_auditModel->setAutoRefreshInterval(3000); // rows written by the command line, too
    connect(m_deployPages, &ops::DeployPages::activity, m_auditModel.get(),
            [model = m_auditModel.get()] { model->refresh(); });
    auto* audit = new ops::AuditPage(m_auditModel.get(), m_window.get());
    if (m_audit->isReadOnly())
        audit->setStorageNotice(m_audit->readOnlyNotice());
    m_window->addPage(audit, tr("A&udit"));
}

// History (#21): every directly scraped target records its scrapes on disk and starts with its
// day restored; problems (a corrupt segment set aside, a full disk) are said once on stderr and
// in the window.
void ConsoleApplication::recordHistory()
{
    const QString root =
        m_options.historyRoot.isEmpty() ? ops::defaultHistoryRoot() : m_options.historyRoot;
    m_fleet->addCapability(
        [this, root](ops::TargetSession& session) -> std::unique_ptr<ops::SessionCapability> {
            auto history = std::make_unique<ops::TargetHistory>(
                session, ops::historyFolderFor(root, session.id()),
                ops::HistoryOptions::forRetention(session.target().history));
            ops::TargetHistory* h = history.get();
            connect(h, &ops::TargetHistory::notRunningSpansChanged, this, [this, s = &session] {
                if (m_window && m_fleet->current() == s)
                    showHistory(s);
            });
            connect(h, &ops::TargetHistory::problemsFound, this,
                    [this, s = &session](const QStringList& problems) {
                        for (const QString& p : problems)
                            qCWarning(ops::lcConsole).noquote()
                                << QStringLiteral("bhiv-ops: history of %1: %2").arg(s->name(), p);
                        if (m_window) {
                            m_window->statusBar()->showMessage(
                                tr("History of %1: %2").arg(s->label(), problems.join(u' ')),
                                15000);
                            if (m_fleet->current() == s)
                                showHistory(s);
                        }
                    });
            return history;
        });
    // Demo mode starts with a day of history: the simulator's past (GET /metrics?at=T) through
    // the normal ingest, while the demo's history holds no scrape of the last day (a second
    // start restores that day from disk and fetches nothing). Progress in the status bar; the
    // charts show the day as it fills.
    m_fleet->addCapability(
        [this](ops::TargetSession& session) -> std::unique_ptr<ops::SessionCapability> {
            if (!m_demo || session.isSaved() || session.target().baseUrl != m_demo->url())
                return nullptr;
            auto backfill = std::make_unique<ops::HistoryBackfill>(session);
            ops::HistoryBackfill* b = backfill.get();
            connect(b, &ops::HistoryBackfill::progressChanged, this,
                    [this, b, shown = -1](int ingested, int) mutable {
                        if (!m_window || !m_window->dashboard())
                            return;
                        if (ingested == 0) // the day it fills, not a sliver of it
                            m_window->dashboard()->timeline()->setPreset(
                                ops::HistoryBackfillOptions().spanMs);
                        if (b->percent() == shown)
                            return;
                        shown = b->percent();
                        m_window->statusBar()->showMessage(
                            tr("Filling a day of demo history… %1 %").arg(shown));
                    });
            connect(b, &ops::HistoryBackfill::finished, this, [this, b] {
                const double seconds = double(b->elapsedMs()) / 1000.0;
                qCWarning(ops::lcConsole).noquote()
                    << QStringLiteral("bhiv-ops: demo history: %1%2")
                           .arg(b->message(), b->state() == ops::HistoryBackfill::State::Skipped
                                                  ? QString()
                                                  : tr(" (%1 s)").arg(seconds, 0, 'f', 1));
                if (!m_window)
                    return;
                if (b->state() == ops::HistoryBackfill::State::Done)
                    m_window->statusBar()->showMessage(
                        tr("A day of demo history filled in %1 s").arg(seconds, 0, 'f', 1), 10000);
                else if (b->state() == ops::HistoryBackfill::State::Failed)
                    m_window->statusBar()->showMessage(
                        tr("Demo history incomplete: %1").arg(b->message()), 20000);
            });
            return backfill;
        });
}

// The selected endpoint's day from the watched target's history on disk (memory holds the
// endpoints' last hour after a restart): read when it is selected, extended by every scrape.
void ConsoleApplication::followEndpointDay(ops::TargetSession* session)
{
    ops::Dashboard* dashboard = m_window->dashboard();
    disconnect(m_endpointDayConnection);
    disconnect(m_endpointDayChangedConnection);
    ops::TargetHistory* history = session->capability<ops::TargetHistory>();
    if (m_endpointDayHistory && m_endpointDayHistory != history)
        m_endpointDayHistory->focusEndpoint(QString());
    m_endpointDayHistory = history;
    if (history) {
        m_endpointDayConnection = connect(dashboard, &ops::Dashboard::endpointSelected, history,
                                          &ops::TargetHistory::focusEndpoint);
        m_endpointDayChangedConnection =
            connect(history, &ops::TargetHistory::endpointDayChanged, dashboard,
                    [dashboard, history] { showEndpointDay(dashboard, history); });
        history->focusEndpoint(dashboard->selectedEndpoint());
    }
    showEndpointDay(dashboard, history);
}

void ConsoleApplication::showEndpointDay(ops::Dashboard* dashboard,
                                         const ops::TargetHistory* history)
{
    ops::Dashboard::EndpointDayIds ids{};
    for (std::size_t k = 0; k < ids.size(); ++k)
        ids[k] = history ? history->endpointDaySeries(static_cast<ops::EndpointSignal>(k))
                         : ops::SeriesStore::kNoSeries;
    dashboard->setEndpointDay(history ? history->endpointDayStore() : nullptr,
                              history ? history->focusedEndpoint() : QString(), ids);
}

// The watched target's history on the window: the gaps when the console was not running on the
// charts, and its state (read-only, problems) in the status bar.
void ConsoleApplication::showHistory(ops::TargetSession* session)
{
    if (!m_window || !m_window->dashboard())
        return; // still welcoming
    const ops::TargetHistory* history = session->capability<ops::TargetHistory>();
    std::vector<ops::TimeChart::TimeSpan> spans;
    QString notice;
    QString details;
    if (history) {
        for (const ops::NotRunningSpan& span : history->notRunningSpans())
            spans.emplace_back(span.fromMs, span.toMs);
        if (history->mode() == ops::HistoryMode::ReadOnly) {
            notice = tr("History read-only");
            details = history->modeReason();
        }
        if (!history->problems().isEmpty()) {
            notice = tr("History: %n problem(s)", nullptr, int(history->problems().size()));
            details = history->problems().join(u'\n');
        }
    }
    m_window->dashboard()->setNotRunningSpans(std::move(spans));
    // Restored after it was watched: the selected endpoint's day can be read now.
    if (history && session == m_fleet->current() && history == m_endpointDayHistory)
        m_endpointDayHistory->focusEndpoint(m_window->dashboard()->selectedEndpoint());
    refreshRollups();
    m_window->setHistoryNotice(notice, details);
}

void ConsoleApplication::showLogs(const QString& sessionId, const ops::LogWindowRequest& request)
{
    if (!m_fleet->setCurrent(sessionId) || !m_logsPage)
        return;
    m_window->pages()->setCurrentWidget(m_logsPage);
    m_logsPage->showWindow(request);
}

// The 7 d and 30 d windows of the watched target: its rollups on disk, refreshed when it is
// shown and every minute (a rollup is written as each 15-minute raw chunk is sealed).
void ConsoleApplication::refreshRollups()
{
    if (!m_window || !m_window->dashboard())
        return; // still welcoming
    ops::TargetSession* session = m_fleet->current();
    ops::TargetHistory* history = session ? session->capability<ops::TargetHistory>() : nullptr;
    if (!history) {
        m_window->dashboard()->setRollups(nullptr, {});
        return;
    }
    history->refreshRollups();
    ops::Dashboard::RollupIds ids{};
    for (std::size_t i = 0; i < ops::kSignalCount; ++i) {
        const auto signal = static_cast<ops::SignalId>(i);
        ids[i] = {history->rollupSeries(signal, ops::RollupColumn::Min),
                  history->rollupSeries(signal, ops::RollupColumn::Max),
                  history->rollupSeries(signal, ops::RollupColumn::Avg)};
    }
    m_window->dashboard()->setRollups(history->rollupStore(), ids);
}

// Another target is watched: the Overview, the Workflows page and its dialect follow it.
void ConsoleApplication::show(ops::TargetSession* session)
{
    m_window->setMonitor(session->monitor(), session->label(), session->instanceSignals());
    showHistory(session);
    // Its Prometheus feed may start later (side by side: one line per instance).
    disconnect(m_instancesConnection);
    m_instancesConnection = connect(
        session, &ops::TargetSession::instanceSignalsChanged, m_window.get(),
        [this, session] { m_window->dashboard()->setInstanceSignals(session->instanceSignals()); });
    // Side by side, the Endpoints page too: the selected endpoint per instance.
    ops::Dashboard* dashboard = m_window->dashboard();
    disconnect(m_endpointFocusConnection);
    disconnect(m_endpointInstancesConnection);
    m_endpointFocusConnection = connect(dashboard, &ops::Dashboard::endpointSelected, session,
                                        &ops::TargetSession::setEndpointFocus);
    m_endpointInstancesConnection =
        connect(session, &ops::TargetSession::endpointInstanceSignalsChanged, dashboard,
                [dashboard, session] {
                    dashboard->setEndpointInstanceSignals(session->endpointInstanceSignals());
                });
    session->setEndpointFocus(dashboard->selectedEndpoint());
    dashboard->setEndpointInstanceSignals(session->endpointInstanceSignals());
    followEndpointDay(session);
    m_workflowsPage->setClient(session->workflows(), session->name());
    followDialect(session->monitor());
}

// The Workflows page follows the dialect the watched target's monitor detects.
void ConsoleApplication::followDialect(ops::TargetMonitor* monitor)
{
    disconnect(m_dialectConnection);
    const auto apply = [this, monitor] {
        ops::WorkflowClient* client = m_workflowsPage->client();
        if (monitor->dialect() != ops::Dialect::Unknown && monitor->dialect() != client->dialect())
            m_workflowsPage->setDialect(monitor->dialect());
    };
    m_dialectConnection = connect(monitor, &ops::TargetMonitor::updated, m_workflowsPage, apply);
    apply();
}

// Alerting for every target of the fleet (watched on screen or not): the engine, the desktop
// notifier, the optional webhook and the tray icon, from the start (a first run too).
bool ConsoleApplication::startAlerts()
{
    ops::AlertCenterOptions options;
    options.rulesFile = m_options.alertRulesFile;
    options.webhookUrl = m_options.alertWebhook;
    options.slackWebhook = m_options.alertWebhookSlack;
    options.sound = m_options.alertSound;
    // One-shot screenshot runs never pop up notifications.
    options.desktopNotifications = m_options.screenshotPath.isEmpty();
    m_alerts = std::make_unique<ops::AlertCenter>(m_clock.get(), m_network.get(), options);
    if (!m_alerts->start()) {
        m_error = tr("the alert rules cannot be used:\n%1").arg(m_alerts->errorString());
        return false;
    }
    m_alerts->watchFleet(m_fleet.get());
    if (m_fleet->store()) {
        // Saved targets with an Alertmanager: their firing alerts and acks go there; its team
        // alerts show on the page's Team tab. Follows the targets as they are edited.
        auto* hub = new ops::AlertmanagerHub(
            m_network.get(),
            [secrets = m_secrets.get()](const QString& key, ops::SecretStore::Callback done) {
                secrets->read(key, std::move(done));
            },
            m_alerts->engine(), m_clock.get(), m_alerts.get());
        const auto configure = [this, hub] { hub->configure(m_fleet->savedTargets()); };
        configure();
        connect(m_fleet.get(), &ops::Fleet::added, hub, configure);
        connect(m_fleet.get(), &ops::Fleet::changed, hub, configure);
        connect(m_fleet.get(), &ops::Fleet::removed, hub, configure);
        m_teamAlerts = hub->teamAlerts();
    }
    // The notification's "Open" takes the same path as a later launch with --target --page.
    connect(m_alerts.get(), &ops::AlertCenter::openRequested, this,
            [this](const QString& rule, const QString& target) {
                LaunchRequest request;
                request.targetName = target;
                request.page = QStringLiteral("alerts");
                request.alertRule = rule;
                open(request);
            });
    connect(m_alerts->notifier(), &ops::AlertNotifier::soundRequested, this,
            [] { QApplication::beep(); });
    if (m_options.screenshotPath.isEmpty()) {
        m_alertTray = std::make_unique<ops::AlertTray>(m_alerts.get(), m_window.get());
        connect(m_alertTray.get(), &ops::AlertTray::showAlertsRequested, this,
                &ConsoleApplication::showAlertsPage);
        if (m_alerts->desktop())
            connect(m_alerts->desktop(), &ops::DesktopNotifier::fallback, m_alertTray.get(),
                    &ops::AlertTray::showFallback);
    }
    return true;
}

// The Alerts page and the firing strip above every page (with the window's pages).
void ConsoleApplication::addAlertsPage()
{
    auto* page = new ops::AlertsPage(m_alerts.get());
    m_alertsPage = page;
    page->attachMenus(m_window.get()); // File > Alert rules…, Export alert history…
    m_window->addPage(page, tr("&Alerts"));
    connect(page, &ops::AlertsPage::logsRequested, this,
            [this](const QString& target, qint64 atMs, const QString& why) {
                if (ops::TargetSession* session = m_fleet->sessionNamed(target))
                    showLogs(session->id(), ops::LogsPage::around(atMs, why));
            });
    auto* strip = new ops::FiringStrip(m_alerts.get());
    m_window->setFiringStrip(strip);
    strip->attachBadge(m_window->pages(), page);
    page->setTeamAlerts(m_teamAlerts);
    connect(strip, &ops::FiringStrip::showAlertsRequested, this,
            &ConsoleApplication::showAlertsPage);
}

void ConsoleApplication::showAlertsPage()
{
    if (m_alertsPage)
        m_window->pages()->setCurrentWidget(m_alertsPage);
    m_window->showNormal();
    m_window->raise();
    m_window->activateWindow();
}

// The Timeline tab (#22): every target's events and incidents over the dashboard's window, File >
// Export incident report…, and the charts' markers linking back to it.
void ConsoleApplication::addTimeline()
{
    m_boardHistory = std::make_unique<ops::BoardSignalHistory>(
        [fleet = m_fleet.get()](const QString& name) -> const ops::SignalBoard* {
            const ops::TargetSession* session = fleet->sessionNamed(name);
            return session ? &session->monitor()->signalBoard() : nullptr;
        });
    m_storedHistory = std::make_unique<ops::StoredSignalHistory>(
        [fleet = m_fleet.get()](const QString& name) -> QString {
            const ops::TargetSession* session = fleet->sessionNamed(name);
            const auto* history = session ? session->capability<ops::TargetHistory>() : nullptr;
            return history ? history->folder() : QString();
        },
        m_clock.get());
    m_signalHistory =
        std::make_unique<ops::LayeredSignalHistory>(m_boardHistory.get(), m_storedHistory.get());
    ops::Dashboard* dashboard = m_window->dashboard();
    m_timelinePage =
        new ops::TimelinePage(m_events.get(), m_alerts->store(), m_audit.get(), m_clock.get(),
                              dashboard->timeline(), m_signalHistory.get());
    const int index = m_window->addPage(m_timelinePage, tr("T&imeline"));
    const auto showPage = [this, index] { m_window->pages()->setCurrentIndex(index); };
    // The targets offered follow the fleet; the one on screen is chosen.
    const auto offerTargets = [this](const ops::TargetSession* leaving) {
        QStringList names;
        for (const ops::TargetSession* session : m_fleet->sessions()) {
            if (session != leaving)
                names << session->name();
        }
        m_timelinePage->setTargets(names);
    };
    offerTargets(nullptr);
    m_timelinePage->setCurrentTarget(m_fleet->current()->name());
    connect(m_fleet.get(), &ops::Fleet::added, m_timelinePage,
            [offerTargets] { offerTargets(nullptr); });
    connect(m_fleet.get(), &ops::Fleet::changed, m_timelinePage,
            [offerTargets] { offerTargets(nullptr); });
    connect(m_fleet.get(), &ops::Fleet::removed, m_timelinePage, offerTargets);
    connect(m_fleet.get(), &ops::Fleet::currentChanged, m_timelinePage,
            [page = m_timelinePage](ops::TargetSession* current) {
                if (current)
                    page->setCurrentTarget(current->name());
            });
    // Clicking an event moves the charts: the Overview shows them.
    connect(m_timelinePage, &ops::TimelinePage::showChartsRequested, m_window.get(),
            [this] { m_window->pages()->setCurrentIndex(0); });
    connect(m_timelinePage, &ops::TimelinePage::message, m_window.get(),
            [this](const QString& text, bool) { m_window->statusBar()->showMessage(text, 8000); });
    // The charts' markers link back: a click shows that moment on the Timeline tab.
    for (int id = 0; id < int(ops::Dashboard::ChartId::Count); ++id) {
        if (ops::TimeChart* chart = dashboard->chart(ops::Dashboard::ChartId(id)))
            connect(chart, &ops::TimeChart::markerActivated, m_timelinePage,
                    [this, showPage](qint64 timeMs) {
                        showPage();
                        m_timelinePage->showMoment(timeMs);
                    });
    }
    auto* exportReport = new QAction(tr("Export &incident report…"), m_window.get());
    exportReport->setObjectName(QStringLiteral("exportIncidentReport"));
    exportReport->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(exportReport, &QAction::triggered, m_timelinePage, [this, showPage] {
        showPage();
        m_timelinePage->exportReport();
    });
    m_window->addFileAction(exportReport);
}

// A damaged settings file or database was set aside at start (and a fresh one begun): say so
// once, where the operator looks, and on stderr for the logs.
void ConsoleApplication::reportRecoveries()
{
    QStringList setAside;
    if (m_fleet->store() && !m_fleet->store()->recoveryNotice().isEmpty())
        setAside << m_fleet->store()->recoveryNotice();
    if (m_alerts && m_alerts->store() && !m_alerts->store()->recoveryNotice().isEmpty())
        setAside << m_alerts->store()->recoveryNotice();
    if (m_audit && !m_audit->recoveryNotice().isEmpty())
        setAside << m_audit->recoveryNotice();
    if (m_events && !m_events->recoveryNotice().isEmpty())
        setAside << m_events->recoveryNotice();
    // Stores that can be read but not written: the console runs, keeps what is stored and
    // cannot add to it until the files are writable again and it is restarted.
    QStringList readOnly;
    if (m_alerts && m_alerts->store() && m_alerts->store()->isReadOnly())
        readOnly << m_alerts->store()->readOnlyNotice();
    if (m_audit && m_audit->isReadOnly())
        readOnly << m_audit->readOnlyNotice();
    if (m_events && m_events->isReadOnly())
        readOnly << m_events->readOnlyNotice();
    const QStringList notices = setAside + readOnly;
    if (notices.isEmpty())
        return;
    for (const QString& notice : notices)
        qCWarning(ops::lcConsole).noquote() << QStringLiteral("bhiv-ops: %1").arg(notice);
    if (!m_options.screenshotPath.isEmpty())
        return;
    QString title = tr("Saved data set aside");
    QString text = tr("Some saved data could not be read and was set aside; the console started "
                      "with a fresh copy.");
    if (setAside.isEmpty()) {
        title = tr("Saved data is read-only");
        text = tr("Some saved data can be read but not written. The console shows what is "
                  "stored; new alerts and audit entries are not saved until the files are "
                  "writable and the console is restarted.");
    } else if (!readOnly.isEmpty()) {
        text += QLatin1Char(' ') + tr("Some other saved data can be read but not written.");
    }
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, m_window.get());
    box->setObjectName(QStringLiteral("recoveryNotice"));
    box->setInformativeText(notices.join(QStringLiteral("\n\n")));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
}

bool ConsoleApplication::hasTrayIcon() const
{
    return m_alertTray && m_alertTray->isShown();
}

void ConsoleApplication::takeScreenshotWhenReady()
{
    if (m_screenshotScheduled || !m_fleet->current()->monitor()->hasData())
        return;
    m_screenshotScheduled = true;
    QTimer::singleShot(m_options.screenshotDelayMs, this, [this] {
        m_window->pages()->setCurrentIndex(0); // the Overview, whatever page was remembered
        if (!m_options.page.isEmpty())
            selectPage(m_window->pages(), m_options.page);
        saveScreenshot();
    });
}

// The window as it is, with its open dialogs (the first run's targets dialog) drawn on top,
// centred as a window manager places them; then quits.
void ConsoleApplication::saveScreenshot()
{
    m_window->refresh();
    QPixmap picture = m_window->grab();
    QPainter painter(&picture);
    for (QDialog* dialog : m_window->findChildren<QDialog*>()) {
        if (!dialog->isVisible())
            continue;
        const QPixmap shown = dialog->grab();
        const QPoint at((picture.width() - shown.width()) / 2,
                        (picture.height() - shown.height()) / 2);
        painter.setPen(m_window->palette().color(QPalette::Shadow));
        painter.drawRect(QRect(at, shown.size()).adjusted(-1, -1, 0, 0));
        painter.drawPixmap(at, shown);
    }
    painter.end();
    if (!picture.save(m_options.screenshotPath)) {
        qCWarning(ops::lcConsole).noquote()
            << QStringLiteral("bhiv-ops: could not write the screenshot to %1")
                   .arg(m_options.screenshotPath);
        QCoreApplication::exit(1);
        return;
    }
    std::printf("screenshot written to %s\n", qPrintable(m_options.screenshotPath));
    std::fflush(stdout);
    QCoreApplication::exit(0);
}
