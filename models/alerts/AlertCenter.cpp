#include "models/alerts/AlertCenter.h"

#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertNotifier.h"
#include "models/alerts/AlertRulesJson.h"
#include "models/alerts/AlertStore.h"
#include "models/alerts/DesktopNotifier.h"
#include "models/alerts/MonitorAlertFeed.h"
#include "models/alerts/WebhookNotifier.h"
#include "models/domain/Clock.h"
#include "models/domain/Logging.h"
#include "models/fleet/Fleet.h"

#include <QTimer>

namespace ops {

AlertCenter::AlertCenter(const Clock* clock, QNetworkAccessManager* network,
                         AlertCenterOptions options, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_network(network)
    , m_options(std::move(options))
    , m_tick(new QTimer(this))
{
}

AlertCenter::~AlertCenter() = default;

bool AlertCenter::start()
{
    QList<AlertRule> rules = defaultAlertRules();
    m_rulesSource = tr("built-in defaults");
    m_store = std::make_unique<AlertStore>(
        m_options.databasePath.isEmpty() ? AlertStore::defaultPath() : m_options.databasePath);
    if (!m_store->open())
        qCWarning(lcAlertStore).noquote()
            << "alerts: history is not kept:" << m_store->errorString();
    else if (m_store->isReadOnly()) // alerting goes on; its history is shown, not added to
        qCWarning(lcAlertStore).noquote() << "alerts:" << m_store->readOnlyNotice();
    if (!m_options.rulesFile.isEmpty()) {
        const AlertRulesParseResult parsed = loadAlertRulesFile(m_options.rulesFile);
        if (!parsed.ok) {
            m_error = parsed.errorString(m_options.rulesFile);
            return false;
        }
        rules = parsed.rules;
        m_rulesSource = m_options.rulesFile;
    } else if (const auto stored = m_store->loadRules()) {
        rules = *stored;
        m_rulesSource = tr("saved rules");
    }
    m_engine = std::make_unique<AlertEngine>(m_clock, m_store->isOpen() ? m_store.get() : nullptr);
    m_engine->setRules(rules);
    m_engine->restoreFromStore();
    m_notifier = std::make_unique<AlertNotifier>(m_engine.get(), m_clock,
                                                 m_store->isOpen() ? m_store.get() : nullptr);
    m_notifier->setRepeatIntervalMs(m_options.repeatIntervalMs);
    m_notifier->setSoundEnabled(m_options.sound);
    if (m_options.desktopNotifications) {
        m_desktop = std::make_unique<DesktopNotifier>();
        m_notifier->addChannel(m_desktop.get());
        connect(m_desktop.get(), &DesktopNotifier::acknowledgeRequested, this,
                [this](const QString& rule, const QString& target) {
                    m_engine->acknowledge({rule, target}, AlertEngine::defaultAuthor(),
                                          tr("acknowledged from the desktop notification"));
                });
        connect(m_desktop.get(), &DesktopNotifier::snoozeRequested, this,
                [this](const QString& rule, const QString& target, qint64 ms) {
                    m_engine->snooze({rule, target}, ms, AlertEngine::defaultAuthor(),
                                     tr("snoozed from the desktop notification"));
                });
        connect(m_desktop.get(), &DesktopNotifier::openRequested, this,
                &AlertCenter::openRequested);
    }
    if (m_options.webhookUrl.isValid() && !m_options.webhookUrl.isEmpty()) {
        m_webhook = std::make_unique<WebhookNotifier>(m_network, m_options.webhookUrl,
                                                      m_options.slackWebhook
                                                          ? WebhookNotifier::Format::Slack
                                                          : WebhookNotifier::Format::Alertmanager);
        m_notifier->addChannel(m_webhook.get());
    }
    connect(m_tick, &QTimer::timeout, m_engine.get(), &AlertEngine::tick);
    m_tick->start(m_options.tickIntervalMs);
    return true;
}

void AlertCenter::watchFleet(const Fleet* fleet)
{
    for (TargetSession* session : fleet->sessions())
        watch(session->monitor(), session->name());
    const auto follow = [this](TargetSession* session) {
        watch(session->monitor(), session->name());
    };
    connect(fleet, &Fleet::added, this, follow);
    connect(fleet, &Fleet::changed, this, follow); // a rename: the feed takes the new name
    connect(fleet, &Fleet::removed, this, [this](TargetSession* session) {
        // Before the session (and its monitor) goes.
        std::erase_if(
            m_feeds, [session](const auto& feed) { return feed->monitor() == session->monitor(); });
    });
}

void AlertCenter::watch(TargetMonitor* monitor, const QString& targetName)
{
    std::erase_if(m_feeds, [monitor, &targetName](const auto& feed) {
        return feed->monitor() == monitor || feed->targetName() == targetName;
    });
    m_feeds.push_back(
        std::make_unique<MonitorAlertFeed>(monitor, m_engine.get(), m_clock, targetName));
}

void AlertCenter::unwatch(const QString& targetName)
{
    std::erase_if(m_feeds,
                  [&targetName](const auto& feed) { return feed->targetName() == targetName; });
}

QStringList AlertCenter::watchedTargets() const
{
    QStringList names;
    for (const auto& feed : m_feeds)
        names << feed->targetName();
    return names;
}

void AlertCenter::setRules(const QList<AlertRule>& rules)
{
    m_engine->setRules(rules);
    if (m_store->isOpen())
        m_store->saveRules(rules);
    m_rulesSource = tr("saved rules");
}

} // namespace ops
