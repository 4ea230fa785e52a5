#include "ui/deploy/DeployPages.h"

#include "models/deploy/DeploySession.h"
#include "models/fleet/Fleet.h"
#include "ui/deploy/DeploysPage.h"

namespace ops {

namespace {

QString readOnlyReason(const QString& name)
{
    return DeployPages::tr("%1 is a read-only target: redeploys and rollbacks are off. "
                           "Clear “Read-only” in the targets dialog to allow them.")
        .arg(name);
}

} // namespace

DeployPages::DeployPages(const Fleet* fleet, QWidget* parent)
    : QStackedWidget(parent)
    , m_fleet(fleet)
{
    setObjectName(QStringLiteral("deploys"));
    for (TargetSession* session : fleet->sessions())
        addSession(session);
    connect(fleet, &Fleet::added, this, &DeployPages::addSession);
    connect(fleet, &Fleet::removed, this, &DeployPages::removeSession);
    connect(fleet, &Fleet::currentChanged, this, [this](TargetSession* current) {
        if (DeploysPage* page = pageOf(current))
            setCurrentWidget(page);
    });
    if (DeploysPage* page = currentPage())
        setCurrentWidget(page);
}

// The pages are children (deleted with this widget); the sessions outlive them.
DeployPages::~DeployPages() = default;

DeploysPage* DeployPages::currentPage() const
{
    return pageOf(m_fleet->current());
}

DeploysPage* DeployPages::pageOf(const TargetSession* session) const
{
    const auto it = m_pages.find(session);
    return it == m_pages.end() ? nullptr : it->second.data();
}

void DeployPages::addSession(TargetSession* session)
{
    auto* page = new DeploysPage(session->deploy(), this);
    m_pages[session] = page;
    addWidget(page);
    if (session == m_fleet->current())
        setCurrentWidget(page);
    // A deploy action is a new audit row: show it now rather than at the next look.
    connect(session->deploy(), &DeploySession::deployEvent, this, &DeployPages::activity);
    connect(session->deploy(), &DeploySession::message, this, &DeployPages::activity);
    connect(page, &DeploysPage::configureRequested, this,
            [this, session] { emit configureRequested(session->id()); });
    connect(page, &DeploysPage::logsRequested, this,
            [this, session](const LogWindowRequest& request) {
                emit logsRequested(session->id(), request);
            });
    connect(session, &TargetSession::deploySetupChanged, page,
            [this, session] { showSetup(session); });
    connect(session, &TargetSession::targetChanged, page, [this, session] { showSetup(session); });
    showSetup(session);
}

void DeployPages::removeSession(TargetSession* session)
{
    const auto it = m_pages.find(session);
    if (it == m_pages.end())
        return;
    delete it->second.data(); // before its session goes
    m_pages.erase(it);
}

// What the page says instead of itself until the session's deploys are set up.
void DeployPages::showSetup(TargetSession* session)
{
    DeploysPage* page = pageOf(session);
    if (!page)
        return;
    const Target& target = session->target();
    const DeploySetup& setup = session->deploySetup();
    const bool offerTargets = session->isSaved();
    const QString name = target.name.toHtmlEscaped();
    const QString where =
        tr("In the targets dialog (Targets… in the target switcher, or the "
           "button below), select <b>%1</b> and fill in its <b>Render service</b>")
            .arg(name);
    page->setReadOnly(target.readOnly, readOnlyReason(target.name));
    switch (setup.state) {
    case DeploySetup::State::Waiting:
        if (!session->isSaved() && !target.services.isEmpty())
            page->setNotice(tr("Asking the demo gateway for its Render service…"), false);
        return;
    case DeploySetup::State::Discovering:
        page->setNotice(tr("Asking the demo gateway for its Render service…"), false);
        return;
    case DeploySetup::State::DiscoveryFailed:
        page->setNotice(tr("The demo gateway's Render API did not answer: %1")
                            .arg(setup.problem.toHtmlEscaped()),
                        false);
        return;
    case DeploySetup::State::NoService:
        if (!session->isSaved()) {
            page->setNotice(
                tr("<p><b>No Render service for %1.</b></p><p>Deploys need a saved target: add "
                   "this gateway in the targets dialog (start <code>bhiv-ops</code> without "
                   "<code>--url</code>, or run <code>bhiv-ops targets</code>), then fill in its "
                   "<b>Render service</b>: the service id (srv-…), “Use the Render REST API” and "
                   "the Render API key.</p>")
                    .arg(session->label().toHtmlEscaped()),
                false);
            return;
        }
        page->setNotice(tr("<p><b>No Render service is configured for %1.</b></p><p>%2: the "
                           "service id (srv-…), “Use the Render REST API” and the Render API "
                           "key, or its deploy hook URL.</p>")
                            .arg(name, where),
                        offerTargets);
        return;
    case DeploySetup::State::NoRenderKey:
        page->setNotice(
            setup.problem.isEmpty()
                ? tr("<p><b>No Render API key is stored for %1.</b></p><p>%2: enter the Render "
                     "API key (Render dashboard → Account settings → API keys). It is kept in "
                     "the keychain.</p>")
                      .arg(name, where)
                : tr("<p><b>The Render API key of %1 could not be read.</b></p><p>%2</p><p>%3: "
                     "you can enter the key for this session only.</p>")
                      .arg(name, setup.problem.toHtmlEscaped(), where),
            offerTargets);
        return;
    case DeploySetup::State::HookUnusable:
        page->setNotice(tr("<p><b>The deploy hook of %1 could not be used:</b> %2</p><p>Enter it "
                           "again in the targets dialog (it is kept in the keychain).</p>")
                            .arg(name, setup.problem.toHtmlEscaped()),
                        offerTargets);
        return;
    case DeploySetup::State::Ready:
        page->setServiceName(setup.serviceName);
        page->setNotice(QString(), false);
        return;
    }
}

} // namespace ops
