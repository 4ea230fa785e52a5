#include "models/logs/ServiceLogs.h"

#include "models/deploy/DeploySession.h"
#include "models/fleet/TargetSession.h"

#include <QPointer>

#include <algorithm>

namespace ops {

namespace {

const RenderService* restApiService(const Target& target)
{
    const auto it = std::find_if(target.services.begin(), target.services.end(),
                                 [](const RenderService& s) { return s.restApi; });
    return it == target.services.end() ? nullptr : &*it;
}

} // namespace

ServiceLogs::ServiceLogs(TargetSession& session)
    : SessionCapability(session)
    , m_logs(session.context().network, session.context().clock)
{
    connect(&session, &TargetSession::deploySetupChanged, this, &ServiceLogs::update);
    update();
}

ServiceLogs::~ServiceLogs() = default;

void ServiceLogs::start()
{
    m_started = true;
    update();
}

void ServiceLogs::stop()
{
    m_started = false;
    m_logs.stop();
}

void ServiceLogs::targetChanged(const Target& target)
{
    Q_UNUSED(target);
    update();
}

void ServiceLogs::requestLive()
{
    m_want = Want::Live;
    m_window = {};
    runRequest();
}

void ServiceLogs::requestWindow(const LogWindowRequest& request)
{
    m_want = Want::Window;
    m_window = request;
    runRequest();
}

void ServiceLogs::runRequest()
{
    if (m_availability != Availability::Ready || m_want == Want::Nothing)
        return;
    // The live tail is every line; a window asks Render only for the types it names.
    LogQuery filters;
    if (m_want == Want::Window)
        filters.types = m_window.types;
    m_logs.setServerFilters(filters);
    if (m_want == Want::Live)
        m_logs.followLive();
    else
        m_logs.showWindow(m_window.startMs, m_window.endMs, m_window.live);
}

void ServiceLogs::setAvailability(Availability availability, const QString& problem)
{
    if (availability != Availability::Ready)
        m_logs.setEndpoint({});
    if (availability == m_availability && problem == m_problem)
        return;
    m_availability = availability;
    m_problem = problem;
    emit availabilityChanged();
}

// The Deploys page's setup decides: the same service, API and key.
void ServiceLogs::update()
{
    const int generation = ++m_generation;
    const Target& target = session().target();
    const RenderService* service = restApiService(target);
    const DeploySetup& setup = session().deploySetup();
    const QString where =
        tr("In the targets dialog (File > Targets…), select %1 and fill in its Render service: "
           "the service id (srv-…), “Use the Render REST API” and the Render API key.")
            .arg(target.name);
    if (!service) {
        const bool hookOnly = !target.services.isEmpty();
        setAvailability(
            Availability::NoService,
            (hookOnly
                 ? tr("%1 has only a deploy hook: reading logs needs the "
                      "Render REST API and its key.")
                       .arg(target.name)
                 : tr("%1 has no Render service, so there are no logs to show.").arg(target.name)) +
                QLatin1Char(' ') +
                (session().isSaved()
                     ? where
                     : tr("This gateway is not a saved target: save it in the "
                          "targets dialog first, then fill in its Render service.")));
        return;
    }
    switch (setup.state) {
    case DeploySetup::State::Waiting:
    case DeploySetup::State::Discovering:
        setAvailability(Availability::Waiting, tr("Reading the Render service and key…"));
        return;
    case DeploySetup::State::NoService:
    case DeploySetup::State::HookUnusable:
        setAvailability(Availability::NoService, where);
        return;
    case DeploySetup::State::DiscoveryFailed:
        setAvailability(Availability::Failed,
                        tr("The Render API did not name a service: %1").arg(setup.problem));
        return;
    case DeploySetup::State::NoRenderKey:
        setAvailability(Availability::NoKey,
                        setup.problem.isEmpty()
                            ? tr("No Render API key is stored for %1. %2").arg(target.name, where)
                            : tr("The Render API key of %1 could not be read: %2")
                                  .arg(target.name, setup.problem));
        return;
    case DeploySetup::State::Ready:
        break;
    }
    const QString serviceId = session().deploy() && !session().deploy()->serviceId().isEmpty()
                                  ? session().deploy()->serviceId()
                                  : service->serviceId;
    const QUrl apiBase = service->apiBaseUrl;
    m_serviceName = setup.serviceName.isEmpty() ? serviceId : setup.serviceName;
    if (m_availability == Availability::Ready && m_logs.endpoint().serviceId == serviceId &&
        m_logs.endpoint().apiBaseUrl == apiBase)
        return; // nothing changed for the logs (a deploy refresh, the same setup again)
    QPointer<ServiceLogs> self(this);
    session().readSecret(secretKeyRenderApiKey(target.name), [self, generation, serviceId,
                                                              apiBase](const SecretResult& key) {
        if (!self || generation != self->m_generation)
            return;
        if (!key.ok() || key.value.isEmpty()) {
            self->setAvailability(
                Availability::NoKey,
                tr("The Render API key could not be read: %1")
                    .arg(key.ok() ? tr("none is stored") : secretErrorMessage(key.error)));
            return;
        }
        RenderLogsEndpoint endpoint;
        endpoint.apiBaseUrl = apiBase;
        endpoint.apiKey = QString::fromUtf8(key.value);
        endpoint.serviceId = serviceId;
        self->m_logs.setEndpoint(endpoint);
        self->setAvailability(Availability::Ready, {});
        self->runRequest();
    });
}

} // namespace ops
