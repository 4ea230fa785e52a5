#include "alertmanager/AlertmanagerHub.h"

#include "alertmanager/AlertmanagerBridge.h"
#include "alertmanager/AlertmanagerClient.h"
#include "alertmanager/SilenceKeeper.h"
#include "alertmanager/TeamAlertsModel.h"
#include "secrets/SecretStore.h"

#include <QSet>

namespace ops {

struct AlertmanagerHub::Link {
    AlertmanagerConfig config;
    QString secretKey; // the first target's credential entry
    QSet<QString> targets;
    bool allowPlainHttp = false;
    std::unique_ptr<AlertmanagerClient> client;
    std::unique_ptr<SilenceKeeper> keeper;
    std::unique_ptr<AlertmanagerBridge> bridge;
};

AlertmanagerHub::AlertmanagerHub(QNetworkAccessManager* network, SecretStore* secrets,
                                 AlertEngine* engine, const Clock* clock, QObject* parent)
    : AlertmanagerHub(network,
                      secrets
                          ? SecretReader([secrets](const QString& key, SecretStore::Callback done) {
                                secrets->read(key, std::move(done));
                            })
                          : SecretReader(),
                      engine, clock, parent)
{
}

AlertmanagerHub::AlertmanagerHub(QNetworkAccessManager* network, SecretReader readSecret,
                                 AlertEngine* engine, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_readSecret(std::move(readSecret))
    , m_engine(engine)
    , m_clock(clock)
    , m_model(new TeamAlertsModel(this))
{
    m_timer.setInterval(15000);
    connect(&m_timer, &QTimer::timeout, this, &AlertmanagerHub::refresh);
}

AlertmanagerHub::~AlertmanagerHub() = default;

void AlertmanagerHub::configure(const QList<Target>& targets)
{
    ++m_generation;
    for (const auto& link : m_links)
        m_model->clearAlertmanager(link->config.url.toString());
    m_links.clear();
    for (const Target& target : targets) {
        if (!target.alertmanager.enabled())
            continue;
        Link* found = nullptr;
        for (const auto& link : m_links)
            if (link->config == target.alertmanager)
                found = link.get();
        if (!found) {
            m_links.push_back(std::make_unique<Link>());
            found = m_links.back().get();
            found->config = target.alertmanager;
            found->secretKey = secretKeyAlertmanagerCredential(target.name);
            found->allowPlainHttp = target.allowPlainHttp;
        }
        found->targets.insert(target.name);
    }
    const int generation = m_generation;
    for (const auto& owned : m_links) {
        Link* link = owned.get();
        if (link->config.auth == u"none" || !m_readSecret) {
            start(*link, {});
            continue;
        }
        m_readSecret(link->secretKey, [this, link, generation](const SecretResult& r) {
            if (generation != m_generation)
                return;
            if (!r.ok()) {
                m_lastError = tr("Alertmanager %1: no credential (%2)")
                                  .arg(link->config.url.host(), secretErrorMessage(r.error));
                emit problem(link->config.url.toString(), m_lastError);
            }
            const ApiAuthKind kind =
                link->config.auth == u"basic" ? ApiAuthKind::Basic : ApiAuthKind::Bearer;
            start(*link, authorizationHeader(kind, link->config.username, r.value));
        });
    }
    if (m_links.empty())
        m_timer.stop();
    else
        m_timer.start();
}

void AlertmanagerHub::start(Link& link, const QByteArray& authorization)
{
    ApiConnection connection;
    connection.baseUrl = link.config.url;
    connection.authorization = authorization;
    connection.limits.trustedCertSha256 = link.config.trustedCertSha256;
    connection.limits.allowPlainHttp = link.allowPlainHttp;
    link.client = std::make_unique<AlertmanagerClient>(m_network, connection);
    link.keeper = std::make_unique<SilenceKeeper>(link.client.get(), m_clock);
    link.bridge = std::make_unique<AlertmanagerBridge>(m_engine, link.client.get(),
                                                       link.keeper.get(), m_clock);
    link.bridge->setTargets(link.targets);
    const QString url = link.config.url.toString();
    connect(link.bridge.get(), &AlertmanagerBridge::failed, this,
            [this, url](const QString& error) {
                m_lastError = error;
                emit problem(url, error);
            });
    connect(link.keeper.get(), &SilenceKeeper::failed, this,
            [this, url](const QString&, const QString& error) {
                m_lastError = error;
                emit problem(url, error);
            });
    refresh();
}

void AlertmanagerHub::refresh()
{
    for (const auto& owned : m_links) {
        Link* link = owned.get();
        if (!link->client)
            continue;
        const QString url = link->config.url.toString();
        const int generation = m_generation;
        link->client->alerts([this, link, url, generation](const AmResult& alerts) {
            if (generation != m_generation)
                return;
            if (!alerts.ok) {
                m_lastError = alerts.error;
                emit problem(url, alerts.error);
                return;
            }
            link->client->silences([this, url, generation, alerts](const AmResult& silences) {
                if (generation != m_generation)
                    return;
                if (!silences.ok) {
                    m_lastError = silences.error;
                    emit problem(url, silences.error);
                }
                m_model->setAlerts(url, alerts.alerts, silences.silences);
                emit refreshed();
            });
        });
    }
}

} // namespace ops
