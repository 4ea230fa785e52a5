#pragma once

#include "app/console/LaunchRequest.h"
#include "models/logs/LogWindowRequest.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <map>
#include <memory>

class QAbstractItemModel;
class QNetworkAccessManager;
class DemoGateway;

namespace ops {
class AlertCenter;
class Dashboard;
class TargetHistory;
class AlertTray;
class AlertsPage;
class AuditLog;
class AuditTableModel;
class ChainedSecretStore;
class ChartMarkerFeed;
class Clock;
class DeployPages;
class LogsPage;
class EventRecorder;
class EventStore;
class SignalHistory;
class TimelinePage;
class Fleet;
class MainWindow;
class TargetMonitor;
class TargetSession;
class TargetsPanel;
class WorkflowsPage;
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
    QString historyRoot; // where targets' history lives (empty: <AppDataLocation>/history)
};

// The composition root of the windowed console: builds the fleet (the saved targets, or the
// --url / --demo target), the alert center and the main window, and binds them. Only wiring:
// what a target is and does lives in its TargetSession, what a page shows in ui/.
class ConsoleApplication : public QObject {
    Q_OBJECT
public:
    explicit ConsoleApplication(ConsoleOptions options, QObject* parent = nullptr);
    ~ConsoleApplication() override;

    // Returns false (with errorString) when the console cannot start. With nothing saved (the
    // first run) it starts too: the window welcomes, with the targets dialog on top.
    bool start();
    QString errorString() const { return m_error; }
    ops::MainWindow* window() const { return m_window.get(); }
    // The alert tray icon is showing (minimising hides the window into it).
    bool hasTrayIcon() const;
    // For tests of the wiring.
    ops::AlertCenter* alertCenter() const { return m_alerts.get(); }
    ops::WorkflowsPage* workflowsPage() const { return m_workflowsPage; }
    ops::Fleet* fleet() const { return m_fleet.get(); }
    ops::DeployPages* deployPages() const { return m_deployPages; }
    ops::TargetsPanel* targetsPanel() const { return m_targetsPanel.get(); }
    ops::LogsPage* logsPage() const { return m_logsPage; }
    // Shows the Logs tab of the session (made current) on the window asked for.
    void showLogs(const QString& sessionId, const ops::LogWindowRequest& request);

    // A later launch's arguments or a notification's "Open": switches to the saved target
    // named, or watches the URL as a temporary target (the one already watching it, if any),
    // shows the page (and the alert), raises the window. Returns what it did, in words for the
    // log (never the arguments themselves: they may hold a path or a webhook).
    QStringList open(const LaunchRequest& request);
    ops::TimelinePage* timelinePage() const { return m_timelinePage; }
    ops::EventStore* eventStore() const { return m_events.get(); }

private:
    bool buildFleet();
    bool addDemo();
    void addWatchingPages();
    void welcome();
    void startDemo();
    void addPages();
    void show(ops::TargetSession* session);
    void followDialect(ops::TargetMonitor* monitor);
    bool startAlerts();
    void addAlertsPage();
    void showAlertsPage();
    void recordEvents();
    void recordHistory();
    void showHistory(ops::TargetSession* session);
    void refreshRollups();
    void followEndpointDay(ops::TargetSession* session);
    static void showEndpointDay(ops::Dashboard* dashboard, const ops::TargetHistory* history);
    void addTimeline();
    void reportRecoveries();
    void takeScreenshotWhenReady();
    void saveScreenshot();

    ConsoleOptions m_options;
    QString m_error;
    bool m_screenshotScheduled = false;
    QMetaObject::Connection m_dialectConnection;
    QMetaObject::Connection m_instancesConnection;
    QMetaObject::Connection m_endpointFocusConnection;
    QMetaObject::Connection m_endpointInstancesConnection;
    // The selected endpoint's day from the watched target's history (Endpoints page).
    QMetaObject::Connection m_endpointDayConnection;
    QMetaObject::Connection m_endpointDayChangedConnection;
    QPointer<ops::TargetHistory> m_endpointDayHistory;
    // Declared in the order they are built; they go in reverse: the window and the pages before
    // the fleet whose sessions they show, the fleet before the clock, network and demo gateway
    // its sessions use. Nothing is ordered by hand.
    std::unique_ptr<DemoGateway> m_demo;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<ops::Clock> m_clock;
    std::unique_ptr<ops::ChainedSecretStore> m_secrets;
    std::unique_ptr<ops::AuditLog> m_audit; // opened once, here
    // Incidents (#22): what only the console sees (connection changes, restarts, its own start
    // and stop) into events.sqlite; each session records through its EventRecording.
    std::unique_ptr<ops::EventStore> m_events;
    std::unique_ptr<ops::EventRecorder> m_eventRecorder;
    std::unique_ptr<ops::Fleet> m_fleet;
    // Alerting: engine, store, notifications (#6), fed by every session.
    std::unique_ptr<ops::AlertCenter> m_alerts;
    std::unique_ptr<ops::AuditTableModel> m_auditModel;
    QAbstractItemModel* m_teamAlerts = nullptr; // the Alertmanager hub's (saved targets only)
    // The switcher's model and the targets dialog (saved targets only).
    std::unique_ptr<ops::TargetsPanel> m_targetsPanel;
    std::unique_ptr<ops::MainWindow> m_window;
    // Deploys, alerts and workflow launches of the watched target on the charts.
    std::unique_ptr<ops::ChartMarkerFeed> m_markers;
    std::unique_ptr<ops::AlertTray> m_alertTray;
    // The Timeline tab's and its reports' charts: the sessions' signal boards (a day in memory),
    // and before it each target's history on disk.
    std::unique_ptr<ops::SignalHistory> m_boardHistory;
    std::unique_ptr<ops::SignalHistory> m_storedHistory;
    std::unique_ptr<ops::SignalHistory> m_signalHistory;
    ops::WorkflowsPage* m_workflowsPage = nullptr; // the window's
    ops::DeployPages* m_deployPages = nullptr;     // the window's
    ops::LogsPage* m_logsPage = nullptr;           // the window's
    ops::AlertsPage* m_alertsPage = nullptr;       // the window's
    ops::TimelinePage* m_timelinePage = nullptr;   // the window's
};
