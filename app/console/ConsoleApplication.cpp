#include "app/console/ConsoleApplication.h"

#include "app/console/DemoGateway.h"
#include "app/console/DeploysController.h"
#include "app/console/TargetsController.h"
#include "models/alertmanager/AlertmanagerHub.h"
#include "models/alertmanager/TeamAlertsModel.h"
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertNotifier.h"
#include "models/alerts/AlertStore.h"
#include "models/alerts/DesktopNotifier.h"
#include "models/audit/AuditLog.h"
#include "models/datasource/PrometheusFeed.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/secrets/SecretStore.h"
#include "models/targets/TargetStore.h"
#include "models/workflows/WorkflowClient.h"
#include "ui/alerts/AlertTray.h"
#include "ui/alerts/AlertsPage.h"
#include "ui/dashboard/ChartMarkerFeed.h"
#include "ui/shell/MainWindow.h"
#include "ui/workflows/WorkflowsPage.h"

#include <QApplication>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPixmap>
#include <QPointer>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

namespace {

// The tab whose object name or title (without its '&') is name, case-insensitively.
bool selectPage(QTabWidget* pages, const QString& name)
{
    for (int i = 0; i < pages->count(); ++i) {
        if (pages->widget(i)->objectName().compare(name, Qt::CaseInsensitive) == 0 ||
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

ConsoleApplication::~ConsoleApplication()
{
    // The window and monitor go before the poller they read; the demo gateway goes last.
    m_markers.reset();
    m_alertTray.reset();
    m_window.reset();
    m_alerts.reset();
    m_targets.reset();
    m_monitor.reset();
    m_poller.reset();
}

bool ConsoleApplication::start()
{
    // No --url and no --demo: the saved targets (the first run shows the targets dialog, which
    // may choose the demo instead).
    if (!m_options.demo && m_options.url.isEmpty()) {
        m_targets = std::make_unique<TargetsController>();
        switch (m_targets->prepare(m_options.targetName, &m_error)) {
        case TargetsController::Start::Failed:
            return false;
        case TargetsController::Start::Cancelled:
            m_cancelled = true;
            return false;
        case TargetsController::Start::Demo:
            m_targets.reset();
            m_options.demo = true;
            break;
        case TargetsController::Start::Targets:
            m_options.url = m_targets->current().baseUrl;
            break;
        }
    }
    QUrl url = m_options.url;
    QString label = m_targets ? m_targets->current().name : url.toString();
    if (m_options.demo) {
        m_demo = std::make_unique<DemoGateway>(QStringList{
            QStringLiteral("--dialect"), m_options.demoDialect, QStringLiteral("--seed"),
            QStringLiteral("42"), QStringLiteral("--endpoints"), QStringLiteral("40")});
        if (!m_demo->start()) {
            m_error = m_demo->errorString();
            return false;
        }
        url = m_demo->url();
        label = tr("demo gateway (%1) at %2").arg(m_options.demoDialect, url.toString());
    }

    m_network = std::make_unique<QNetworkAccessManager>();
    m_clock = std::make_unique<ops::SystemClock>();
    ops::PollerOptions pollerOptions;
    pollerOptions.baseUrl = url;
    pollerOptions.intervalMs = m_options.intervalMs;
    pollerOptions.allowPlainHttp = m_options.allowPlainHttp;
    if (m_targets)
        pollerOptions = m_targets->currentPollerOptions(); // the key follows from the keychain
    m_poller = std::make_unique<ops::Poller>(m_network.get(), m_clock.get(), pollerOptions);
    m_monitor = std::make_unique<ops::TargetMonitor>(m_poller.get(), m_clock.get());
    m_window = std::make_unique<ops::MainWindow>(m_monitor.get(), label);
    // Event markers on the charts: workflow launches and deploy events of every target (the
    // watched one's are drawn), alert transitions in watchMarkers().
    m_markers = std::make_unique<ops::ChartMarkerFeed>(m_window->dashboard());
    addWorkflowsPage(url, label);
    m_deploys = std::make_unique<DeploysController>(m_network.get(), m_clock.get(), m_audit.get(),
                                                    m_window.get());
    connect(m_deploys.get(), &DeploysController::deployEvent, m_markers.get(),
            &ops::ChartMarkerFeed::addDeployEvent);
    m_deploys->addPages();
    if (m_demo)
        m_deploys->useDemo(url, tr("demo"));
    else if (!m_targets)
        m_deploys->useUrlOnly(url, label);
    if (m_demo) {
        connect(m_demo.get(), &DemoGateway::crashed, this, [](const QString& reason) {
            std::fprintf(stderr, "bhiv-ops: %s\n", qPrintable(reason));
        });
    }
    if (!m_options.screenshotPath.isEmpty())
        connect(m_monitor.get(), &ops::TargetMonitor::updated, this,
                &ConsoleApplication::takeScreenshotWhenReady);
    if (m_targets)
        m_targets->attach(m_window.get(), m_poller.get(), m_monitor.get(), m_network.get(),
                          m_clock.get()); // starts every poller once its key is read
    if (m_targets) {
        m_deploys->useTargets(m_targets.get());
        connect(m_targets.get(), &TargetsController::currentTargetChanged, this,
                &ConsoleApplication::onTargetChanged);
    }
    // Targets whose signals come from Prometheus: the chart window backfilled on connect, then
    // refreshed on the poll interval; the gateway's own polls still give health and state.
    if (m_targets) {
        for (const auto& [name, monitor] : m_targets->monitors())
            startPrometheusFeed(name, monitor);
        connect(m_targets.get(), &TargetsController::targetAdded, this,
                &ConsoleApplication::startPrometheusFeed);
    }
    if (!addAlerts(label))
        return false;
    watchMarkers(label);
    m_window->show();
    reportRecoveries();
    if (!m_targets)
        m_poller->start();
    if (!m_options.page.isEmpty()) {
        // After the window has selected the page it remembers.
        QTimer::singleShot(0, this, [this] {
            if (!selectPage(m_window->pages(), m_options.page))
                std::fprintf(stderr, "bhiv-ops: no page named %s\n", qPrintable(m_options.page));
        });
    }
    return true;
}

// The Workflows tab for the watched target, following the dialect its monitor detects. With
// saved targets, each target has its own client (its URL, API key, read-only flag and audit
// name), kept while the console runs so a launch in flight still ends in the right audit row.
void ConsoleApplication::addWorkflowsPage(const QUrl& url, const QString& label)
{
    m_audit = std::make_unique<ops::AuditLog>();
    if (!m_audit->open())
        std::fprintf(stderr, "bhiv-ops: audit log unavailable: %s\n",
                     qPrintable(m_audit->errorString()));
    ops::Target target;
    target.name = label;
    target.baseUrl = url;
    if (m_targets)
        target = m_targets->current();
    ops::WorkflowClient* client = workflowClientFor(target);
    m_workflowsPage = new ops::WorkflowsPage(client, target.name);
    m_window->addPage(m_workflowsPage, tr("&Workflows"));
    followDialect(m_monitor.get());
}

ops::WorkflowClient* ConsoleApplication::workflowClientFor(const ops::Target& target)
{
    auto& client = m_workflowClients[target.name];
    if (!client) {
        client = std::make_unique<ops::WorkflowClient>(
            m_network.get(), target.baseUrl, target.dialect, QByteArray(), target.readOnly);
        client->setTargetName(target.name);
        if (m_audit->isOpen())
            client->setAuditLog(m_audit.get());
        m_markers->watchWorkflows(client.get()); // launches become chart markers
    }
    client->setReadOnly(target.readOnly);
    if (m_targets) {
        // The gateway API key from this session or the keychain (asynchronous).
        QPointer<ops::WorkflowClient> guard(client.get());
        m_targets->readKey(ops::secretKeyGatewayApiKey(target.name),
                           [guard](const ops::SecretResult& result) {
                               if (guard)
                                   guard->setApiKey(result.value);
                           });
    }
    return client.get();
}

// The Workflows page follows the dialect the watched target's monitor detects.
void ConsoleApplication::followDialect(ops::TargetMonitor* monitor)
{
    disconnect(m_dialectConnection);
    if (!monitor)
        return;
    const auto apply = [this, monitor] {
        ops::WorkflowClient* client = m_workflowsPage->client();
        if (monitor->dialect() != ops::Dialect::Unknown && monitor->dialect() != client->dialect())
            m_workflowsPage->setDialect(monitor->dialect());
    };
    m_dialectConnection = connect(monitor, &ops::TargetMonitor::updated, m_workflowsPage, apply);
    apply();
}

// Another saved target is watched: the Workflows page and its dialect follow it.
void ConsoleApplication::onTargetChanged(const ops::Target& target)
{
    ops::WorkflowClient* client = workflowClientFor(target);
    client->setBaseUrl(target.baseUrl);
    if (target.dialect != ops::Dialect::Unknown)
        client->setDialect(target.dialect);
    m_workflowsPage->setClient(client, target.name);
    followDialect(m_targets->monitorFor(target.name));
}

// The charts' markers follow the watched target: its alert history over the widest chart window
// (24 h, from the store) now, then every transition as it happens.
void ConsoleApplication::watchMarkers(const QString& label)
{
    // The demo's alerts and deploys are kept as "demo", its workflows under the label.
    QStringList names{label};
    if (m_demo)
        names << QStringLiteral("demo") << tr("demo");
    m_markers->setTarget(names);
    const qint64 now = m_clock->nowMs();
    m_markers->watchAlerts(m_alerts->engine(), now - 24 * 3'600'000LL, now);
    if (m_targets)
        connect(m_targets.get(), &TargetsController::currentTargetChanged, m_markers.get(),
                [this](const ops::Target& target) { m_markers->setTarget({target.name}); });
}

// Alerting for the watched target: one engine fed by the monitor's polls (and a 1 s timer), the
// desktop notifier, the optional webhook, the tray icon and the Alerts page.
bool ConsoleApplication::addAlerts(const QString& label)
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
    // Alerts are kept per target name: the demo's has no port in it, so it is the same each run.
    // Every saved target is evaluated, watched on screen or not.
    if (m_targets) {
        for (const auto& [name, monitor] : m_targets->monitors())
            m_alerts->watch(monitor, name);
        connect(m_targets.get(), &TargetsController::targetAdded, m_alerts.get(),
                [this](const QString& name, ops::TargetMonitor* monitor) {
                    m_alerts->watch(monitor, name);
                });
        connect(m_targets.get(), &TargetsController::targetRemoved, m_alerts.get(),
                [this](const QString& name) { m_alerts->unwatch(name); });
    } else {
        m_alerts->watch(m_monitor.get(), m_demo ? QStringLiteral("demo") : label);
    }
    auto* page = new ops::AlertsPage(m_alerts.get());
    const int index = m_window->addPage(page, tr("&Alerts"));
    if (m_targets) {
        // Targets with an Alertmanager: their firing alerts and acks go there; its team alerts
        // show on the page's Team tab. Re-read from the store whenever the targets change.
        auto* hub = new ops::AlertmanagerHub(
            m_network.get(),
            [this](const QString& key, ops::SecretStore::Callback done) {
                m_targets->readKey(key, std::move(done));
            },
            m_alerts->engine(), m_clock.get(), m_alerts.get());
        auto configure = [hub] {
            ops::TargetStore store;
            if (store.load())
                hub->configure(store.targets());
        };
        configure();
        // Saved in the targets dialog (the watched one edited, or one added or removed).
        connect(m_targets.get(), &TargetsController::currentTargetChanged, hub, configure);
        connect(m_targets.get(), &TargetsController::targetAdded, hub, configure);
        connect(m_targets.get(), &TargetsController::targetRemoved, hub, configure);
        page->setTeamAlerts(hub->teamAlerts());
    }
    auto showPage = [this, index] {
        m_window->pages()->setCurrentIndex(index);
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    };
    connect(m_alerts.get(), &ops::AlertCenter::openRequested, page,
            [page, showPage](const QString& rule, const QString& target) {
                showPage();
                page->showAlert(rule, target);
            });
    connect(m_alerts->notifier(), &ops::AlertNotifier::soundRequested, this,
            [] { QApplication::beep(); });
    if (m_options.screenshotPath.isEmpty()) {
        m_alertTray = std::make_unique<ops::AlertTray>(m_alerts.get(), m_window.get());
        connect(m_alertTray.get(), &ops::AlertTray::showAlertsRequested, this, showPage);
        if (m_alerts->desktop())
            connect(m_alerts->desktop(), &ops::DesktopNotifier::fallback, m_alertTray.get(),
                    &ops::AlertTray::showFallback);
    }
    return true;
}

void ConsoleApplication::startPrometheusFeed(const QString& name, ops::TargetMonitor* monitor)
{
    const std::optional<ops::Target> target = m_targets->target(name);
    if (!target || target->dataSource.kind != ops::DataSourceConfig::Kind::Prometheus)
        return;
    // Owned by the monitor: it goes when the target does.
    auto* feed = new ops::PrometheusFeed(
        m_network.get(), *target,
        [this](const QString& key, ops::SecretStore::Callback done) {
            m_targets->readKey(key, std::move(done));
        },
        monitor, m_clock.get(), monitor);
    connect(feed, &ops::PrometheusFeed::problem, this, [name](const QString& error) {
        qWarning("bhiv-ops: Prometheus (%s): %s", qPrintable(name), qPrintable(error));
    });
    feed->start();
}

// A damaged settings file or database was set aside at start (and a fresh one begun): say so
// once, where the operator looks, and on stderr for the logs.
void ConsoleApplication::reportRecoveries()
{
    QStringList setAside;
    if (m_targets && !m_targets->storeRecoveryNotice().isEmpty())
        setAside << m_targets->storeRecoveryNotice();
    if (m_alerts && m_alerts->store() && !m_alerts->store()->recoveryNotice().isEmpty())
        setAside << m_alerts->store()->recoveryNotice();
    if (m_audit && !m_audit->recoveryNotice().isEmpty())
        setAside << m_audit->recoveryNotice();
    // Stores that can be read but not written: the console runs, keeps what is stored and
    // cannot add to it until the files are writable again and it is restarted.
    QStringList readOnly;
    if (m_alerts && m_alerts->store() && m_alerts->store()->isReadOnly())
        readOnly << m_alerts->store()->readOnlyNotice();
    if (m_audit && m_audit->isReadOnly())
        readOnly << m_audit->readOnlyNotice();
    const QStringList notices = setAside + readOnly;
    if (notices.isEmpty())
        return;
    for (const QString& notice : notices)
        std::fprintf(stderr, "bhiv-ops: %s\n", qPrintable(notice));
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
    if (m_screenshotScheduled || !m_monitor->hasData())
        return;
    m_screenshotScheduled = true;
    QTimer::singleShot(m_options.screenshotDelayMs, this, [this] {
        m_window->pages()->setCurrentIndex(0); // the Overview, whatever page was remembered
        if (!m_options.page.isEmpty())
            selectPage(m_window->pages(), m_options.page);
        m_window->refresh();
        const QPixmap picture = m_window->grab();
        if (!picture.save(m_options.screenshotPath)) {
            std::fprintf(stderr, "bhiv-ops: could not write the screenshot to %s\n",
                         qPrintable(m_options.screenshotPath));
            QCoreApplication::exit(1);
            return;
        }
        std::printf("screenshot written to %s\n", qPrintable(m_options.screenshotPath));
        std::fflush(stdout);
        QCoreApplication::exit(0);
    });
}
