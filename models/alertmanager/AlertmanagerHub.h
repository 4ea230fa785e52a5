#pragma once

#include "models/domain/Target.h"
#include "models/secrets/SecretStore.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

class QNetworkAccessManager;

namespace ops {

class AlertEngine;
class AlertmanagerBridge;
class AlertmanagerClient;
class Clock;
class SilenceKeeper;
class TeamAlertsModel;

// Everything Alertmanager, assembled for the composition root: per Alertmanager configured on
// the watched targets (credential read from the keychain), a client, the bridge that pushes
// those targets' firing alerts and turns acks into kept silences, and a periodic read of the
// team's alerts and silences into one TeamAlertsModel.
class AlertmanagerHub : public QObject {
    Q_OBJECT
public:
    // Reads one keychain entry (the console's reader asks this session's keys, then the keychain).
    using SecretReader = std::function<void(const QString& key, SecretStore::Callback done)>;

    AlertmanagerHub(QNetworkAccessManager* network, SecretReader readSecret, AlertEngine* engine,
                    const Clock* clock, QObject* parent = nullptr);
    // Reads credentials from this store (nullptr: none).
    AlertmanagerHub(QNetworkAccessManager* network, SecretStore* secrets, AlertEngine* engine,
                    const Clock* clock, QObject* parent = nullptr);
    ~AlertmanagerHub() override;

    // Replaces the configuration: the targets (those with an Alertmanager URL count).
    void configure(const QList<Target>& targets);
    TeamAlertsModel* teamAlerts() const { return m_model; }
    int alertmanagerCount() const { return static_cast<int>(m_links.size()); }
    // Reads the team's alerts and silences now (also every refreshIntervalMs).
    void refresh();
    void setRefreshInterval(int ms) { m_timer.setInterval(ms); }
    QString lastError() const { return m_lastError; }

signals:
    void refreshed();
    void problem(const QString& alertmanager, const QString& error);

private:
    struct Link;
    void start(Link& link, const QByteArray& authorization);
    void refreshLink(Link* link);

    QNetworkAccessManager* m_network;
    SecretReader m_readSecret;
    AlertEngine* m_engine;
    const Clock* m_clock;
    TeamAlertsModel* m_model;
    QTimer m_timer;
    std::vector<std::unique_ptr<Link>> m_links;
    QString m_lastError;
    int m_generation = 0;
};

} // namespace ops
