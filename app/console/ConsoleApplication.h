#pragma once

#include <QObject>
#include <QString>
#include <QUrl>
#include <map>
#include <memory>

class QNetworkAccessManager;
class DemoGateway;
class DeploysController;
class TargetsController;

namespace ops {
class Clock;
class MainWindow;
class Poller;
class TargetMonitor;
class AuditLog;
class WorkflowClient;
class WorkflowsPage;
struct Target;
class AlertCenter;
class AlertTray;
class ChartMarkerFeed;
} // namespace ops

struct ConsoleOptions {
    bool demo = false;
    QUrl url;
    int intervalMs = 5000;
    QString screenshotPath;    // render the window here once data arrived, then quit
    int screenshotDelayMs = 0; // extra wait after the first data (charts fill over some polls)
    QString demoDialect = QStringLiteral("plan");
    QString targetName;          // --target NAME: a saved target (with no url/demo: the last one)
    bool allowPlainHttp = false; // --allow-http with --url
    QString page;                // --page NAME (hidden): the tab to show, by object name or title
    QString alertRulesFile;      // --rules FILE: alert rules (else the saved ones, else defaults)
    QUrl alertWebhook;           // --alert-webhook URL: POST each alert change here
    bool alertWebhookSlack = false; // --alert-webhook-slack: Slack's {"text": ...} payload
    bool alertSound = false;        // --alert-sound: beep on new alerts
};

// The composition root of the windowed console: builds the network access, clock, poller and
// monitor, starts the demo gateway when asked, and hands them to the main window.
class ConsoleApplication : public QObject {
    Q_OBJECT
public:
    explicit ConsoleApplication(ConsoleOptions options, QObject* parent = nullptr);
    ~ConsoleApplication() override;

    // Returns false (with errorString) when the console cannot start.
    bool start();
    QString errorString() const { return m_error; }
    // start() returned false because the operator closed the first-run dialog: not an error.
    bool wasCancelled() const { return m_cancelled; }
    ops::MainWindow* window() const { return m_window.get(); }
    // The alert tray icon is showing (minimising hides the window into it).
    bool hasTrayIcon() const;
    // For tests of the wiring.
    ops::AlertCenter* alertCenter() const { return m_alerts.get(); }
    ops::WorkflowsPage* workflowsPage() const { return m_workflowsPage; }
    TargetsController* targets() const { return m_targets.get(); }

private:
    void takeScreenshotWhenReady();
    void addWorkflowsPage(const QUrl& url, const QString& label);
    ops::WorkflowClient* workflowClientFor(const ops::Target& target);
    void followDialect(ops::TargetMonitor* monitor);
    void onTargetChanged(const ops::Target& target);
    void startPrometheusFeed(const QString& name, ops::TargetMonitor* monitor);
    void reportRecoveries();
    bool addAlerts(const QString& label);
    void watchMarkers(const QString& label);

    ConsoleOptions m_options;
    QString m_error;
    std::unique_ptr<DemoGateway> m_demo;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<ops::Clock> m_clock;
    std::unique_ptr<ops::Poller> m_poller;
    std::unique_ptr<ops::TargetMonitor> m_monitor;
    std::unique_ptr<ops::AuditLog> m_audit;
    // One workflow client per target name (the demo or --url has one).
    std::map<QString, std::unique_ptr<ops::WorkflowClient>> m_workflowClients;
    ops::WorkflowsPage* m_workflowsPage = nullptr;
    QMetaObject::Connection m_dialectConnection;
    std::unique_ptr<ops::MainWindow> m_window;
    bool m_screenshotScheduled = false;
    bool m_cancelled = false;
    // Saved targets (no --url / --demo): the other pollers, the switcher, the keychain.
    std::unique_ptr<TargetsController> m_targets;
    // The Deploys and Audit pages (their sessions and the audit model).
    std::unique_ptr<DeploysController> m_deploys;
    // Alerting: engine, store, notifications (#6), its page and tray icon.
    std::unique_ptr<ops::AlertCenter> m_alerts;
    std::unique_ptr<ops::AlertTray> m_alertTray;
    // Deploys, alerts and workflow launches of the watched target on the charts.
    std::unique_ptr<ops::ChartMarkerFeed> m_markers;
};
