#include "app/console/DeploysController.h"

#include "app/console/TargetsController.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeploySession.h"
#include "models/deploy/RenderClient.h"
#include "models/itemmodels/AuditTableModel.h"
#include "models/secrets/SecretStore.h"
#include "ui/audit/AuditPage.h"
#include "ui/deploy/DeploysPage.h"
#include "ui/shell/MainWindow.h"

#include <QStackedWidget>

namespace {

QString readOnlyReason(const QString& name)
{
    return DeploysController::tr("%1 is a read-only target: redeploys and rollbacks are off. "
                                 "Clear “Read-only” in the targets dialog to allow them.")
        .arg(name);
}

} // namespace

DeploysController::DeploysController(QNetworkAccessManager* network, const ops::Clock* clock,
                                     ops::AuditLog* audit, ops::MainWindow* window)
    : m_network(network)
    , m_clock(clock)
    , m_audit(audit)
    , m_window(window)
    , m_auditModel(std::make_unique<ops::AuditTableModel>(audit))
{
    m_auditModel->setAutoRefreshInterval(3000); // rows written by the command line, too
}

DeploysController::~DeploysController()
{
    // The pages belong to the window (usually gone by now); the sessions go with us.
    for (const auto& entry : m_entries) {
        if (entry->page)
            entry->page->disconnect(this);
    }
}

void DeploysController::addPages()
{
    auto* stack = new QStackedWidget(m_window);
    stack->setObjectName(QStringLiteral("deploys"));
    m_stack = stack;
    m_window->addPage(stack, tr("&Deploys"));
    auto* audit = new ops::AuditPage(m_auditModel.get(), m_window);
    if (m_audit && m_audit->isReadOnly())
        audit->setStorageNotice(m_audit->readOnlyNotice());
    m_window->addPage(audit, tr("A&udit"));
}

ops::DeploysPage* DeploysController::currentPage() const
{
    for (const auto& entry : m_entries) {
        if (entry->name == m_current)
            return entry->page;
    }
    return nullptr;
}

DeploysController::Entry* DeploysController::entryFor(const QString& name)
{
    m_current = name;
    for (const auto& entry : m_entries) {
        if (entry->name == name) {
            if (m_stack && entry->page)
                m_stack->setCurrentWidget(entry->page);
            return entry.get();
        }
    }
    auto entry = std::make_unique<Entry>();
    entry->name = name;
    entry->session = std::make_unique<ops::DeploySession>(m_network, m_clock, m_audit);
    entry->page = new ops::DeploysPage(entry->session.get(), m_stack);
    if (m_stack) {
        m_stack->addWidget(entry->page);
        m_stack->setCurrentWidget(entry->page);
    }
    // A deploy action is a new audit row: show it now rather than at the next look.
    auto* model = m_auditModel.get();
    connect(entry->session.get(), &ops::DeploySession::deployEvent, model,
            [model] { model->refresh(); });
    connect(entry->session.get(), &ops::DeploySession::message, model,
            [model] { model->refresh(); });
    connect(entry->page, &ops::DeploysPage::configureRequested, this, [this, name] {
        if (m_targets)
            m_targets->openDialog(name);
    });
    ops::DeploySession* session = entry->session.get();
    connect(session, &ops::DeploySession::deployEvent, this,
            [this, session](qint64 timeMs, const QString& kind, const QString& label) {
                emit deployEvent(session->targetName(), timeMs, kind, label);
            });
    m_entries.push_back(std::move(entry));
    return m_entries.back().get();
}

void DeploysController::useDemo(const QUrl& gatewayUrl, const QString& label)
{
    Entry* entry = entryFor(label);
    entry->session->setTarget(label, gatewayUrl, QString());
    entry->page->setNotice(tr("Asking the demo gateway for its Render service…"), false);
    QUrl api = gatewayUrl;
    api.setPath(QStringLiteral("/render/v1"));
    m_demoClient = std::make_unique<ops::RenderClient>(m_network, m_clock);
    m_demoClient->setBaseUrl(api);
    m_demoClient->setApiKey(QString::fromLatin1(kDemoRenderKey));
    m_demoClient->listServices(
        [this, label, gatewayUrl, api](const ops::RenderResult<QList<ops::RenderServiceInfo>>& r) {
            Entry* e = entryFor(label);
            if (!r.ok || r.value.isEmpty()) {
                e->page->setNotice(
                    tr("The demo gateway's Render API did not answer: %1")
                        .arg((r.ok ? tr("it lists no service") : r.error.message).toHtmlEscaped()),
                    false);
                return;
            }
            ops::Target target;
            target.name = label;
            target.baseUrl = gatewayUrl;
            ops::RenderService service;
            service.serviceId = r.value.first().id;
            service.displayName = r.value.first().name;
            service.restApi = true;
            service.apiBaseUrl = api;
            target.services = {service};
            apply(target, QString(), QString::fromLatin1(kDemoRenderKey), QString());
        });
}

void DeploysController::useUrlOnly(const QUrl& gatewayUrl, const QString& label)
{
    Entry* entry = entryFor(label);
    entry->session->setTarget(label, gatewayUrl, QString());
    entry->page->setNotice(
        tr("<p><b>No Render service for %1.</b></p><p>Deploys need a saved target: add this "
           "gateway in the targets dialog (start <code>bhiv-ops</code> without <code>--url</code>, "
           "or run <code>bhiv-ops targets</code>), then fill in its <b>Render service</b>: the "
           "service id (srv-…), “Use the Render REST API” and the Render API key.</p>")
            .arg(label.toHtmlEscaped()),
        false);
}

void DeploysController::useTargets(TargetsController* targets)
{
    m_targets = targets;
    connect(targets, &TargetsController::currentTargetChanged, this,
            &DeploysController::configureTarget);
    configureTarget(targets->current());
}

void DeploysController::configureTarget(const ops::Target& target)
{
    Entry* entry = entryFor(target.name);
    entry->session->setTarget(target.name, target.baseUrl, QString());
    entry->page->setReadOnly(target.readOnly, readOnlyReason(target.name));
    const auto api = std::find_if(target.services.begin(), target.services.end(),
                                  [](const ops::RenderService& s) { return s.restApi; });
    const bool hook = std::any_of(target.services.begin(), target.services.end(),
                                  [](const ops::RenderService& s) { return s.deployHook; });
    if (api == target.services.end() && !hook) {
        apply(target, QString(), QString(), QString());
        return;
    }
    // The gateway key (for verification), then the Render API key.
    const QString name = target.name;
    m_targets->readKey(ops::secretKeyGatewayApiKey(name), [this, target,
                                                           name](const ops::SecretResult& gateway) {
        const QString gatewayKey = QString::fromUtf8(gateway.value);
        m_targets->readKey(ops::secretKeyRenderApiKey(name),
                           [this, target, gatewayKey](const ops::SecretResult& render) {
                               const QString problem =
                                   render.ok() || render.error == ops::SecretError::NotFound
                                       ? QString()
                                       : ops::secretErrorMessage(render.error);
                               apply(target, gatewayKey, QString::fromUtf8(render.value), problem);
                           });
    });
}

// A service with a deploy hook and no REST API: the hook URL (a secret) from the keychain.
void DeploysController::useHook(const ops::Target& target, const ops::RenderService& service,
                                const QString& gatewayKey)
{
    const QString name = target.name;
    const QString serviceId = service.serviceId;
    const QString display = service.displayName.isEmpty() ? serviceId : service.displayName;
    m_targets->readKey(
        ops::secretKeyDeployHook(name, serviceId),
        [this, target, serviceId, display, gatewayKey](const ops::SecretResult& r) {
            Entry* entry = nullptr;
            for (const auto& e : m_entries) {
                if (e->name == target.name)
                    entry = e.get();
            }
            if (!entry || !entry->page)
                return;
            const QUrl hookUrl(QString::fromUtf8(r.value));
            const bool secure =
                hookUrl.scheme() == QLatin1String("https") ||
                (hookUrl.scheme() == QLatin1String("http") && ops::isLoopbackHost(hookUrl.host()));
            if (!r.ok() || !hookUrl.isValid() || !secure) {
                const QString why = r.ok() ? tr("the stored hook URL is not an https URL")
                                           : ops::secretErrorMessage(r.error);
                entry->page->setNotice(
                    tr("<p><b>The deploy hook of %1 could not be used:</b> %2</p><p>Enter it "
                       "again in the targets dialog (it is kept in the keychain).</p>")
                        .arg(target.name.toHtmlEscaped(), why.toHtmlEscaped()),
                    m_targets != nullptr);
                return;
            }
            entry->session->setTarget(target.name, target.baseUrl, gatewayKey);
            entry->session->setHookOnly(serviceId, hookUrl);
            entry->page->setServiceName(display);
            entry->page->setNotice(QString(), false);
        });
}

void DeploysController::apply(const ops::Target& target, const QString& gatewayKey,
                              const QString& renderKey, const QString& keyProblem)
{
    Entry* entry = nullptr;
    for (const auto& e : m_entries) {
        if (e->name == target.name)
            entry = e.get();
    }
    if (!entry || !entry->page)
        return;
    ops::DeploysPage* page = entry->page;
    const bool offerTargets = m_targets != nullptr;
    const QString name = target.name.toHtmlEscaped();
    const QString where =
        tr("In the targets dialog (Targets… in the target switcher, or the "
           "button below), select <b>%1</b> and fill in its <b>Render service</b>")
            .arg(name);
    page->setReadOnly(target.readOnly, readOnlyReason(target.name));
    const auto api = std::find_if(target.services.begin(), target.services.end(),
                                  [](const ops::RenderService& s) { return s.restApi; });
    if (api == target.services.end()) {
        const auto hook = std::find_if(target.services.begin(), target.services.end(),
                                       [](const ops::RenderService& s) { return s.deployHook; });
        if (hook != target.services.end()) {
            useHook(target, *hook, gatewayKey);
            return;
        }
        page->setNotice(tr("<p><b>No Render service is configured for %1.</b></p><p>%2: the "
                           "service id (srv-…), “Use the Render REST API” and the Render API "
                           "key, or its deploy hook URL.</p>")
                            .arg(name, where),
                        offerTargets);
        return;
    }
    if (renderKey.isEmpty()) {
        page->setNotice(
            keyProblem.isEmpty()
                ? tr("<p><b>No Render API key is stored for %1.</b></p><p>%2: enter the Render "
                     "API key (Render dashboard → Account settings → API keys). It is kept in "
                     "the keychain.</p>")
                      .arg(name, where)
                : tr("<p><b>The Render API key of %1 could not be read.</b></p><p>%2</p><p>%3: "
                     "you can enter the key for this session only.</p>")
                      .arg(name, keyProblem.toHtmlEscaped(), where),
            offerTargets);
        return;
    }
    entry->session->setTarget(target.name, target.baseUrl, gatewayKey);
    entry->session->setRender(api->apiBaseUrl, renderKey, api->serviceId);
    page->setServiceName(api->displayName.isEmpty() ? api->serviceId : api->displayName);
    page->setNotice(QString(), false);
    entry->session->refresh();
}
