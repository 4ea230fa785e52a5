#pragma once

#include "models/alerts/AlertRule.h"

#include <QObject>
#include <QUrl>
#include <memory>
#include <vector>

class QNetworkAccessManager;
class QTimer;

namespace ops {

class AlertEngine;
class AlertNotifier;
class AlertStore;
class Clock;
class DesktopNotifier;
class Fleet;
class MonitorAlertFeed;
class TargetMonitor;
class WebhookNotifier;

struct AlertCenterOptions {
    QString databasePath; // "" = AlertStore::defaultPath()
    QString rulesFile;    // "" = the stored rules, else the defaults
    QUrl webhookUrl;      // empty: no webhook
    bool slackWebhook = false;
    bool sound = false;
    bool desktopNotifications = true;
    qint64 repeatIntervalMs = 4 * 3'600'000;
    int tickIntervalMs = 1000; // re-evaluation for stale, no data, holds and expiries
};

// Alerting, assembled: store, engine, notifier, the desktop and webhook channels, and one feed
// per watched target. The composition root makes one; the end-to-end test makes its own.
// Desktop notification actions come back here: Acknowledge acks as the OS user, Snooze 1 h
// snoozes, Open is passed on (openRequested) for the window to show the alert.
class AlertCenter : public QObject {
    Q_OBJECT
public:
    AlertCenter(const Clock* clock, QNetworkAccessManager* network, AlertCenterOptions options,
                QObject* parent = nullptr);
    ~AlertCenter() override;

    // Opens the store and loads the rules; false with errorString() (a bad rules file names
    // its lines). A store that cannot open is not fatal: alerting runs without history.
    bool start();
    QString errorString() const { return m_error; }
    QString rulesSource() const { return m_rulesSource; }

    // Every session of the fleet, present and future, is evaluated under its target's name (not
    // only the one on screen); a renamed target's alerts follow its new name, a removed one
    // stops being evaluated (its history stays in the store).
    void watchFleet(const Fleet* fleet);
    // One feed per target name and per monitor (watching either again replaces its feed).
    void watch(TargetMonitor* monitor, const QString& targetName);
    // Stops evaluating a target (it was removed); its history stays in the store.
    void unwatch(const QString& targetName);
    QStringList watchedTargets() const;
    // Replaces the rules (the editor) and stores them.
    void setRules(const QList<AlertRule>& rules);

    AlertEngine* engine() const { return m_engine.get(); }
    AlertNotifier* notifier() const { return m_notifier.get(); }
    AlertStore* store() const { return m_store.get(); }
    DesktopNotifier* desktop() const { return m_desktop.get(); }
    WebhookNotifier* webhook() const { return m_webhook.get(); }
    const Clock* clock() const { return m_clock; }

signals:
    void openRequested(const QString& rule, const QString& target);

private:
    const Clock* m_clock;
    QNetworkAccessManager* m_network;
    AlertCenterOptions m_options;
    QString m_error;
    QString m_rulesSource;
    std::unique_ptr<AlertStore> m_store;
    std::unique_ptr<AlertEngine> m_engine;
    std::unique_ptr<AlertNotifier> m_notifier;
    std::unique_ptr<DesktopNotifier> m_desktop;
    std::unique_ptr<WebhookNotifier> m_webhook;
    std::vector<std::unique_ptr<MonitorAlertFeed>> m_feeds;
    QTimer* m_tick;
};

} // namespace ops
