#include "models/fleet/TargetSession.h"

#include "models/audit/AuditLog.h"
#include "models/datasource/PrometheusFeed.h"
#include "models/deploy/DeploySession.h"
#include "models/deploy/RenderClient.h"
#include "models/domain/Logging.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/workflows/WorkflowClient.h"

#include <QPointer>
#include <QTimer>
#include <algorithm>

namespace ops {

namespace {

bool isRestApi(const RenderService& service)
{
    return service.restApi;
}

bool isHook(const RenderService& service)
{
    return service.deployHook;
}

// Keychain trouble is worth telling; "no key stored" is not (a gateway may need none).
QString problemOf(const SecretResult& result)
{
    return result.ok() || result.error == SecretError::NotFound ? QString()
                                                                : secretErrorMessage(result.error);
}

} // namespace

TargetSession::TargetSession(const FleetContext& context, QString id, Target target, bool saved,
                             QString label, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_id(std::move(id))
    , m_target(std::move(target))
    , m_saved(saved)
    , m_label(std::move(label))
{
    m_poller =
        std::make_unique<Poller>(m_context.network, m_context.clock, pollerOptionsFor(m_target));
    m_monitor = std::make_unique<TargetMonitor>(m_poller.get(), m_context.clock);
    m_monitor->setMappingOverrides(m_target.metricMapping);
    connect(m_poller.get(), &Poller::pollFinished, this, [this](const PollResult& result) {
        if (m_rejectedCert != result.rejectedCertSha256) {
            m_rejectedCert = result.rejectedCertSha256;
            m_rejectedCertDer = result.rejectedCertificateDer;
            emit noticeChanged();
        }
    });

    m_workflows = std::make_unique<WorkflowClient>(
        m_context.network, m_target.baseUrl, m_target.dialect,
        ConnectionPolicy::forTarget(m_target, ApiKey()), m_target.readOnly);
    m_workflows->setTargetName(m_target.name);
    m_workflows->setClock(m_context.clock);
    if (m_context.audit && m_context.audit->isOpen())
        m_workflows->setAuditLog(m_context.audit);

    m_deploy = std::make_unique<DeploySession>(m_context.network, m_context.clock, m_context.audit);
    m_deploy->setTarget(m_target.name, m_target.baseUrl,
                        ConnectionPolicy::forTarget(m_target, ApiKey()));
    // Enforced in the session, whichever page or command asks (#17.5).
    m_deploy->setReadOnly(m_target.readOnly);
}

// Members go in reverse declaration order: capabilities, feed, deploy, workflows, monitor,
// poller. Nothing to order by hand.
TargetSession::~TargetSession() = default;

void TargetSession::start()
{
    if (m_started)
        return;
    m_started = true;
    loadKeyAndPoll();
    configureDeploy();
    startPrometheus();
    for (const auto& capability : m_capabilities)
        capability->start();
}

void TargetSession::stop()
{
    if (!m_started)
        return;
    for (const auto& capability : m_capabilities)
        capability->stop();
    m_started = false;
    ++m_keyGeneration; // a key read in flight does not start the poller again
    m_poller->stop();
}

void TargetSession::setTarget(const Target& target)
{
    m_target = target;
    m_rejectedCert.clear();
    m_rejectedCertDer.clear();
    m_monitor->setMappingOverrides(target.metricMapping);
    m_workflows->setBaseUrl(target.baseUrl);
    if (target.dialect != Dialect::Unknown)
        m_workflows->setDialect(target.dialect);
    m_workflows->setReadOnly(target.readOnly);
    m_deploy->setReadOnly(target.readOnly);
    m_workflows->setPolicy(ConnectionPolicy::forTarget(target, m_workflows->policy().key));
    m_workflows->setTargetName(target.name);
    if (m_started) {
        loadKeyAndPoll();
        configureDeploy();
    } else {
        m_poller->setOptions(pollerOptionsFor(m_target));
    }
    for (const auto& capability : m_capabilities)
        capability->targetChanged(m_target);
    emit targetChanged(m_target);
    emit noticeChanged();
}

void TargetSession::reloadSecrets()
{
    if (!m_started)
        return;
    loadKeyAndPoll();
    configureDeploy();
}

void TargetSession::readSecret(const QString& key, SecretStore::Callback done) const
{
    if (!m_context.secrets) {
        // No store at all: "not found", later, as a store would answer.
        QTimer::singleShot(0, const_cast<TargetSession*>(this), [done = std::move(done)] {
            if (done)
                done({SecretError::NotFound, QString(), {}});
        });
        return;
    }
    if (m_saved)
        m_context.secrets->read(key, std::move(done));
    else
        m_context.secrets->session()->read(key, std::move(done));
}

// The gateway key (session memory, else the keychain), then polling with it; the workflow
// client uses the same key.
void TargetSession::loadKeyAndPoll()
{
    const int generation = ++m_keyGeneration;
    QPointer<TargetSession> self(this);
    readSecret(secretKeyGatewayApiKey(m_target.name),
               [self, generation](const SecretResult& result) {
                   if (!self || generation != self->m_keyGeneration)
                       return;
                   // A key withheld for its origin is movedSecrets()'s to tell.
                   self->m_keyProblem =
                       result.error == SecretError::OriginChanged ? QString() : problemOf(result);
                   self->m_poller->setOptions(pollerOptionsFor(self->m_target, result.value));
                   self->m_workflows->setApiKey(ApiKey(result.value));
                   if (!self->m_poller->isPolling())
                       self->m_poller->start();
                   emit self->noticeChanged();
               });
    checkSecretOrigins();
}

// Every secret of a saved target entered for another origin than it has now: not sent, and
// the notice strip asks the operator (confirm, or enter them again).
void TargetSession::checkSecretOrigins()
{
    const int generation = ++m_originGeneration;
    const QList<SecretSlot> slotList = m_saved ? secretSlotsOf(m_target) : QList<SecretSlot>();
    if (slotList.isEmpty()) {
        if (!m_movedSecrets.isEmpty()) {
            m_movedSecrets.clear();
            emit noticeChanged();
        }
        return;
    }
    auto moved = std::make_shared<QStringList>();
    auto remaining = std::make_shared<qsizetype>(slotList.size());
    QPointer<TargetSession> self(this);
    for (const SecretSlot& slot : slotList) {
        readSecret(slot.key, [self, generation, slot, moved, remaining](const SecretResult& r) {
            if (r.error == SecretError::OriginChanged)
                moved->append(QStringLiteral("%1 (%2)").arg(slot.label, r.errorText));
            if (--*remaining > 0 || !self || generation != self->m_originGeneration)
                return;
            if (self->m_movedSecrets != *moved) {
                self->m_movedSecrets = *moved;
                emit self->noticeChanged();
            }
        });
    }
}

void TargetSession::setDeploySetup(DeploySetup setup)
{
    if (setup == m_deploySetup)
        return;
    m_deploySetup = std::move(setup);
    emit deploySetupChanged(m_deploySetup);
}

// Which Render service the Deploys page drives, and with which keys: the first REST API
// service (the gateway key for verification, the Render API key), else the first deploy hook.
void TargetSession::configureDeploy()
{
    const int generation = ++m_deployGeneration;
    m_deploy->setTarget(m_target.name, m_target.baseUrl,
                        ConnectionPolicy::forTarget(m_target, ApiKey()));
    const bool api = std::any_of(m_target.services.begin(), m_target.services.end(), isRestApi);
    const bool hook = std::any_of(m_target.services.begin(), m_target.services.end(), isHook);
    if (!api && !hook) {
        applyDeploy(generation, QString(), QString(), QString());
        return;
    }
    setDeploySetup({});
    QPointer<TargetSession> self(this);
    readSecret(secretKeyGatewayApiKey(m_target.name), [self,
                                                       generation](const SecretResult& gateway) {
        if (!self || generation != self->m_deployGeneration)
            return;
        const QString gatewayKey = QString::fromUtf8(gateway.value);
        self->readSecret(secretKeyRenderApiKey(self->m_target.name),
                         [self, generation, gatewayKey](const SecretResult& render) {
                             if (!self)
                                 return;
                             self->applyDeploy(generation, gatewayKey,
                                               QString::fromUtf8(render.value), problemOf(render));
                         });
    });
}

void TargetSession::applyDeploy(int generation, const QString& gatewayKey, const QString& renderKey,
                                const QString& keyProblem)
{
    if (generation != m_deployGeneration)
        return;
    const auto api = std::find_if(m_target.services.begin(), m_target.services.end(), isRestApi);
    if (api == m_target.services.end()) {
        const auto hook = std::find_if(m_target.services.begin(), m_target.services.end(), isHook);
        if (hook != m_target.services.end())
            useHook(generation, *hook, gatewayKey);
        else
            setDeploySetup({DeploySetup::State::NoService, {}, {}});
        return;
    }
    if (renderKey.isEmpty()) {
        setDeploySetup({DeploySetup::State::NoRenderKey, {}, keyProblem});
        return;
    }
    if (api->serviceId.isEmpty()) {
        discoverService(generation, *api, renderKey, gatewayKey);
        return;
    }
    m_deploy->setTarget(m_target.name, m_target.baseUrl,
                        ConnectionPolicy::forTarget(m_target, ApiKey::fromText(gatewayKey)));
    m_deploy->setRender(api->apiBaseUrl, ApiKey::fromText(renderKey), api->serviceId);
    setDeploySetup({DeploySetup::State::Ready,
                    api->displayName.isEmpty() ? api->serviceId : api->displayName,
                    {}});
    m_deploy->refresh();
}

// A service with a deploy hook and no REST API: the hook URL (a secret) from the keychain.
void TargetSession::useHook(int generation, const RenderService& service, const QString& gatewayKey)
{
    const QString serviceId = service.serviceId;
    const QString display = service.displayName.isEmpty() ? serviceId : service.displayName;
    QPointer<TargetSession> self(this);
    readSecret(secretKeyDeployHook(m_target.name, serviceId), [self, generation, serviceId, display,
                                                               gatewayKey](const SecretResult& r) {
        if (!self || generation != self->m_deployGeneration)
            return;
        const QUrl hookUrl(QString::fromUtf8(r.value));
        const bool secure =
            hookUrl.scheme() == QLatin1String("https") ||
            (hookUrl.scheme() == QLatin1String("http") && isLoopbackHost(hookUrl.host()));
        if (!r.ok() || !hookUrl.isValid() || !secure) {
            const QString why = r.ok() ? tr("the stored hook URL is not an https URL")
                                       : secretErrorMessage(r.error);
            self->setDeploySetup({DeploySetup::State::HookUnusable, {}, why});
            return;
        }
        const Target& target = self->m_target;
        self->m_deploy->setTarget(
            target.name, target.baseUrl,
            ConnectionPolicy::forTarget(target, ApiKey::fromText(gatewayKey)));
        self->m_deploy->setHookOnly(serviceId, hookUrl);
        self->setDeploySetup({DeploySetup::State::Ready, display, {}});
    });
}

// No service id (an unsaved target such as the demo): the first service its Render API lists.
void TargetSession::discoverService(int generation, const RenderService& service,
                                    const QString& renderKey, const QString& gatewayKey)
{
    setDeploySetup({DeploySetup::State::Discovering, {}, {}});
    m_discovery = std::make_unique<RenderClient>(m_context.network, m_context.clock);
    m_discovery->setBaseUrl(service.apiBaseUrl);
    m_discovery->setApiKey(ApiKey::fromText(renderKey));
    const QUrl apiBase = service.apiBaseUrl;
    QPointer<TargetSession> self(this);
    m_discovery->listServices([self, generation, apiBase, renderKey,
                               gatewayKey](const RenderResult<QList<RenderServiceInfo>>& r) {
        if (!self || generation != self->m_deployGeneration)
            return;
        if (!r.ok || r.value.isEmpty()) {
            self->setDeploySetup({DeploySetup::State::DiscoveryFailed,
                                  {},
                                  r.ok ? tr("it lists no service") : r.error.message});
            return;
        }
        const RenderServiceInfo& first = r.value.first();
        const Target& target = self->m_target;
        self->m_deploy->setTarget(
            target.name, target.baseUrl,
            ConnectionPolicy::forTarget(target, ApiKey::fromText(gatewayKey)));
        self->m_deploy->setRender(apiBase, ApiKey::fromText(renderKey), first.id);
        self->setDeploySetup(
            {DeploySetup::State::Ready, first.name.isEmpty() ? first.id : first.name, {}});
        self->m_deploy->refresh();
    });
}

// Targets whose signals come from Prometheus: the chart window backfilled on connect, then
// refreshed on the poll interval; the gateway's own polls still give health and state.
void TargetSession::startPrometheus()
{
    if (m_prometheus || m_target.dataSource.kind != DataSourceConfig::Kind::Prometheus)
        return;
    QPointer<TargetSession> self(this);
    m_prometheus = std::make_unique<PrometheusFeed>(
        m_context.network, m_target,
        [self](const QString& key, SecretStore::Callback done) {
            if (self)
                self->readSecret(key, std::move(done));
        },
        m_monitor.get(), m_context.clock);
    connect(m_prometheus.get(), &PrometheusFeed::problem, this, [this](const QString& error) {
        qCWarning(lcFleet).noquote()
            << QStringLiteral("bhiv-ops: Prometheus (%1): %2").arg(m_target.name, error);
    });
    connect(m_prometheus.get(), &PrometheusFeed::endpointInstanceSignalsChanged, this,
            &TargetSession::endpointInstanceSignalsChanged);
    m_prometheus->setEndpointFocus(m_endpointFocus);
    m_prometheus->start();
    if (m_prometheus->instanceSignals())
        emit instanceSignalsChanged();
}

InstanceSignals* TargetSession::instanceSignals() const
{
    return m_prometheus ? m_prometheus->instanceSignals() : nullptr;
}

void TargetSession::setEndpointFocus(const QString& endpoint)
{
    m_endpointFocus = endpoint;
    if (m_prometheus)
        m_prometheus->setEndpointFocus(endpoint);
}

InstanceSignals* TargetSession::endpointInstanceSignals() const
{
    return m_prometheus ? m_prometheus->endpointInstanceSignals() : nullptr;
}

SessionCapability* TargetSession::attach(std::unique_ptr<SessionCapability> capability)
{
    if (!capability)
        return nullptr;
    SessionCapability* added = capability.get();
    m_capabilities.push_back(std::move(capability));
    if (m_started)
        added->start();
    return added;
}

QList<SessionCapability*> TargetSession::capabilities() const
{
    QList<SessionCapability*> list;
    for (const auto& capability : m_capabilities)
        list << capability.get();
    return list;
}

} // namespace ops
