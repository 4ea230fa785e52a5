#include "models/alertmanager/AlertmanagerHub.h"

#include "models/alertmanager/AlertmanagerBridge.h"
#include "models/alertmanager/AlertmanagerClient.h"
#include "models/alertmanager/SilenceKeeper.h"
#include "models/alertmanager/TeamAlertsModel.h"
#include "models/secrets/SecretStore.h"

#include <QSet>
#include <algorithm>

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
    std::vector<std::unique_ptr<Link>> links;
    for (const Target& target : targets) {
        if (!target.alertmanager.enabled())
            continue;
        Link* found = nullptr;
        for (const auto& link : links)
            if (link->config == target.alertmanager)
                found = link.get();
        if (!found) {
            links.push_back(std::make_unique<Link>());
            found = links.back().get();
            found->config = target.alertmanager;
            found->allowPlainHttp = target.allowPlainHttp;
        }
        // The credential of the first target by name (whatever order the list comes in).
        if (found->targets.isEmpty() ||
            target.name < *std::min_element(found->targets.cbegin(), found->targets.cend()))
            found->secretKey = secretKeyAlertmanagerCredential(target.name);
        found->targets.insert(target.name);
    }
    // Unchanged: keep the clients, and the silences being kept for acknowledged alerts.
    const auto same = [](const Link& a, const Link& b) {
        return a.config == b.config && a.targets == b.targets &&
               a.allowPlainHttp == b.allowPlainHttp && a.secretKey == b.secretKey;
    };
    if (links.size() == m_links.size() &&
        std::equal(links.begin(), links.end(), m_links.begin(),
                   [&](const auto& a, const auto& b) { return same(*a, *b); }))
        return;
    ++m_generation;
    for (const auto& link : m_links)
        m_model->clearAlertmanager(link->config.url.toString());
    m_links = std::move(links);
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
    refreshLink(&link);
}

void AlertmanagerHub::refresh()
{
    for (const auto& owned : m_links)
        refreshLink(owned.get());
}

void AlertmanagerHub::refreshLink(Link* link)
{
    if (!link->client)
        return;
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

} // namespace ops
