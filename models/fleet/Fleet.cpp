#include "models/fleet/Fleet.h"

#include "models/domain/ConnectionState.h"
#include "models/domain/Logging.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/targets/TargetStore.h"

#include <QPointer>

namespace ops {

Fleet::Fleet(FleetContext context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
}

Fleet::~Fleet() = default;

void Fleet::useSavedTargets(std::unique_ptr<TargetStore> store)
{
    m_store = std::move(store);
    if (m_store->idsAssigned())
        m_store->save(); // an older file: keep the ids just given (best effort)
    syncWithStore();
    // Edits in the targets dialog (or trusting a certificate) go through the store.
    connect(m_store.get(), &TargetStore::changed, this, &Fleet::syncWithStore);
}

bool Fleet::pickCurrent(const QString& name, QString* error)
{
    const auto missing = [&] {
        if (error)
            *error = tr("no target named %1 (bhiv-ops targets list)").arg(name);
        return false;
    };
    if (!m_store || m_store->targets().isEmpty()) {
        if (!name.isEmpty())
            return missing();
        if (error)
            *error = tr("no saved target (bhiv-ops targets add)");
        return false;
    }
    QString pick = name.isEmpty() ? m_store->lastWatched() : name;
    if (!m_store->find(pick)) {
        if (!name.isEmpty())
            return missing();
        pick = m_store->targets().first().name;
    }
    return setCurrent(m_store->idOf(pick));
}

TargetSession* Fleet::addUnsaved(const Target& target, const QString& label)
{
    const QString id = QStringLiteral("unsaved/") + target.name;
    if (TargetSession* existing = session(id))
        return existing;
    return adopt(std::make_unique<TargetSession>(m_context, id, target, false, label));
}

TargetSession* Fleet::adopt(std::unique_ptr<TargetSession> session)
{
    TargetSession* added = session.get();
    m_sessions.push_back(std::move(session));
    for (const CapabilityFactory& factory : m_factories)
        added->attach(factory(*added));
    emit this->added(added);
    if (m_started)
        added->start();
    return added;
}

QList<TargetSession*> Fleet::sessions() const
{
    QList<TargetSession*> list;
    for (const auto& session : m_sessions)
        list << session.get();
    return list;
}

TargetSession* Fleet::session(const QString& id) const
{
    for (const auto& session : m_sessions) {
        if (session->id() == id)
            return session.get();
    }
    return nullptr;
}

TargetSession* Fleet::sessionNamed(const QString& name) const
{
    for (const auto& session : m_sessions) {
        if (session->name() == name)
            return session.get();
    }
    return nullptr;
}

QList<Target> Fleet::savedTargets() const
{
    QList<Target> targets;
    if (!m_store)
        return targets;
    for (const Target& target : m_store->targets()) {
        if (sessionNamed(target.name))
            targets << target;
    }
    return targets;
}

bool Fleet::setCurrent(const QString& id)
{
    TargetSession* next = session(id);
    if (!next)
        return false;
    TargetSession* previous = m_current;
    m_current = next;
    rememberCurrent();
    if (previous != next)
        emit currentChanged(next, previous);
    // Whoever showed the retired session has moved to the new current one.
    if (m_retired && m_retired.get() != m_current)
        m_retired.reset();
    return true;
}

void Fleet::rememberCurrent()
{
    if (!m_store || !m_current || !m_current->isSaved())
        return;
    // Reloaded, changed and saved under the file's lock: a target `bhiv-ops targets add` saved
    // meanwhile survives (#17.7).
    const QString name = m_current->name();
    QString error;
    if (!m_store->update(
            [&name](TargetStore& store, QString*) {
                store.setLastWatched(name);
                return true;
            },
            &error))
        qCWarning(lcFleet).noquote() << "bhiv-ops: the targets file was not written:" << error;
}

void Fleet::start()
{
    m_started = true;
    for (const auto& session : m_sessions)
        session->start();
}

void Fleet::addCapability(CapabilityFactory factory)
{
    for (const auto& session : m_sessions)
        session->attach(factory(*session));
    m_factories.push_back(std::move(factory));
}

// The store changed (loaded, a target saved, renamed or removed): sessions follow by id.
void Fleet::syncWithStore()
{
    if (!m_store)
        return;
    const QList<Target>& targets = m_store->targets();
    // Removed: their sessions go (the one on screen stays, stopped, until another is chosen).
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        TargetSession* session = it->get();
        if (!session->isSaved() || m_store->findById(session->id())) {
            ++it;
            continue;
        }
        std::unique_ptr<TargetSession> leaving = std::move(*it);
        it = m_sessions.erase(it);
        leaving->stop();
        emit removed(leaving.get());
        if (leaving.get() == m_current)
            m_retired = std::move(leaving);
    }
    for (const Target& target : targets) {
        const QString id = m_store->idOf(target.name);
        if (TargetSession* existing = session(id)) {
            if (existing->target() != target) {
                existing->setTarget(target);
                emit changed(existing);
            }
            continue;
        }
        adopt(std::make_unique<TargetSession>(m_context, id, target, true));
    }
}

bool Fleet::trustCertificate(const QString& id, const QByteArray& sha256)
{
    if (!m_store)
        return false;
    if (!m_store->findById(id))
        return false;
    // Under the file's lock, on what it holds now; the store tells the session (changed).
    QString error;
    return m_store->update(
        [&id, &sha256](TargetStore& store, QString* why) {
            auto target = store.findById(id);
            if (!target) {
                *why = QStringLiteral("the target was removed meanwhile");
                return false;
            }
            target->trustedCertSha256 = sha256;
            return store.upsert(*target, why);
        },
        &error);
}

void Fleet::testTarget(
    const Target& target, const QByteArray& typedKey,
    std::function<void(const QString& text, bool ok)> done,
    std::function<void(const QByteArray& certificateDer, const QByteArray& sha256)>
        refusedCertificate)
{
    QPointer<Fleet> self(this);
    const auto run = [self, target, done, refusedCertificate](const QByteArray& key) {
        if (!self)
            return;
        auto* poller = new Poller(self->m_context.network, self->m_context.clock,
                                  pollerOptionsFor(target, key), self);
        connect(
            poller, &Poller::pollFinished, self,
            [poller, target, done, refusedCertificate](const PollResult& result) {
                const bool ok = isAnswering(result.state);
                QString text =
                    tr("%1: %2").arg(target.baseUrl.toString(), connectionStateName(result.state));
                if (!result.detail.isEmpty())
                    text += QStringLiteral(" — ") + result.detail;
                if (ok)
                    text += tr(" (dialect %1)").arg(dialectName(result.dialect));
                poller->deleteLater();
                if (done)
                    done(text, ok);
                if (refusedCertificate && !result.rejectedCertSha256.isEmpty())
                    refusedCertificate(result.rejectedCertificateDer, result.rejectedCertSha256);
            });
        poller->pollNow();
    };
    if (!typedKey.isEmpty() || target.name.isEmpty() || !m_context.secrets) {
        run(typedKey);
        return;
    }
    m_context.secrets->read(secretKeyGatewayApiKey(target.name),
                            [run](const SecretResult& result) { run(result.value); });
}

} // namespace ops
