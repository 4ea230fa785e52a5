#include "app/console/TargetsController.h"

#include "models/monitor/TargetMonitor.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/targets/TargetListModel.h"
#include "models/targets/TargetStore.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/TargetSwitcher.h"
#include "ui/targets/TargetsDialog.h"

#include <QNetworkAccessManager>

TargetsController::TargetsController()
    : m_store(std::make_unique<ops::TargetStore>())
    , m_keychain(std::make_unique<ops::KeychainSecretStore>())
    , m_session(std::make_unique<ops::MemorySecretStore>())
    , m_model(std::make_unique<ops::TargetListModel>())
{
}

TargetsController::~TargetsController()
{
    if (m_dialog)
        delete m_dialog.data();
    m_model->setEntries({});
}

TargetsController::Start TargetsController::prepare(const QString& name, QString* error)
{
    if (!m_store->load(error))
        return Start::Failed;
    if (m_store->targets().isEmpty()) {
        if (!name.isEmpty()) {
            *error = tr("no target named %1 (bhiv-ops targets list)").arg(name);
            return Start::Failed;
        }
        // First start: say what to watch, or try the demo.
        ops::TargetsDialog dialog(m_store.get(), m_keychain.get(), m_session.get());
        dialog.setDemoOffered(true);
        bool demo = false;
        connect(&dialog, &ops::TargetsDialog::demoRequested, this, [&demo] { demo = true; });
        dialog.exec();
        if (demo)
            return Start::Demo;
        if (m_store->targets().isEmpty())
            return Start::Cancelled;
    }
    QString pick = name.isEmpty() ? m_store->lastWatched() : name;
    if (!m_store->find(pick)) {
        if (!name.isEmpty()) {
            *error = tr("no target named %1 (bhiv-ops targets list)").arg(name);
            return Start::Failed;
        }
        pick = m_store->targets().first().name;
    }
    m_currentTarget = *m_store->find(pick);
    m_current = pick;
    m_store->setLastWatched(pick);
    m_store->save();
    return Start::Targets;
}

ops::PollerOptions TargetsController::currentPollerOptions() const
{
    return ops::pollerOptionsFor(m_currentTarget);
}

void TargetsController::attach(ops::MainWindow* window, ops::Poller* poller,
                               ops::TargetMonitor* monitor, QNetworkAccessManager* network,
                               const ops::Clock* clock)
{
    m_window = window;
    m_network = network;
    m_clock = clock;
    auto first = std::make_unique<Watched>();
    first->target = m_currentTarget;
    first->poller = poller;
    first->monitor = monitor;
    monitor->setMappingOverrides(m_currentTarget.metricMapping);
    m_watched.push_back(std::move(first));
    for (const ops::Target& target : m_store->targets()) {
        if (target.name != m_current)
            addWatched(target);
    }
    m_switcher = new ops::TargetSwitcher(window, m_model.get());
    connect(m_switcher, &ops::TargetSwitcher::targetSelected, this, &TargetsController::watch);
    connect(m_switcher, &ops::TargetSwitcher::manageRequested, this,
            [this] { openDialog(m_current); });
    rebuildModel();
    m_switcher->setCurrent(m_current);
    for (const auto& watched : m_watched) {
        hookPoller(watched.get());
        loadKeyAndStart(watched.get());
    }
}

void TargetsController::hookPoller(Watched* w)
{
    connect(w->poller, &ops::Poller::pollFinished, this, [this, w](const ops::PollResult& r) {
        if (w->rejectedCert != r.rejectedCertSha256) {
            w->rejectedCert = r.rejectedCertSha256;
            updateNotice();
        }
    });
}

QString TargetsController::storeRecoveryNotice() const
{
    return m_store->recoveryNotice();
}

std::optional<ops::Target> TargetsController::target(const QString& name) const
{
    return m_store->find(name);
}

ops::TargetMonitor* TargetsController::monitorFor(const QString& name) const
{
    Watched* w = find(name);
    return w ? w->monitor : nullptr;
}

QList<QPair<QString, ops::TargetMonitor*>> TargetsController::monitors() const
{
    QList<QPair<QString, ops::TargetMonitor*>> list;
    for (const auto& watched : m_watched)
        list.append({watched->target.name, watched->monitor});
    return list;
}

TargetsController::Watched* TargetsController::find(const QString& name) const
{
    for (const auto& watched : m_watched) {
        if (watched->target.name == name)
            return watched.get();
    }
    return nullptr;
}

TargetsController::Watched* TargetsController::addWatched(const ops::Target& target)
{
    auto watched = std::make_unique<Watched>();
    watched->target = target;
    watched->ownedPoller =
        std::make_unique<ops::Poller>(m_network, m_clock, ops::pollerOptionsFor(target));
    watched->ownedMonitor =
        std::make_unique<ops::TargetMonitor>(watched->ownedPoller.get(), m_clock);
    watched->poller = watched->ownedPoller.get();
    watched->monitor = watched->ownedMonitor.get();
    watched->monitor->setMappingOverrides(target.metricMapping);
    m_watched.push_back(std::move(watched));
    return m_watched.back().get();
}

// This session's keys first (entered when the keychain was unavailable), then the keychain.
void TargetsController::readKey(const QString& key,
                                std::function<void(const ops::SecretResult&)> done)
{
    m_session->read(key, [this, key, done](const ops::SecretResult& session) {
        if (session.ok()) {
            done(session);
            return;
        }
        m_keychain->read(key, done);
    });
}

void TargetsController::loadKeyAndStart(Watched* watched)
{
    const QString name = watched->target.name;
    readKey(ops::secretKeyGatewayApiKey(name), [this, name](const ops::SecretResult& result) {
        Watched* w = find(name);
        if (!w)
            return;
        w->keyProblem = result.ok() || result.error == ops::SecretError::NotFound
                            ? QString()
                            : ops::secretErrorMessage(result.error);
        w->poller->setOptions(ops::pollerOptionsFor(w->target, result.value));
        if (!w->poller->isPolling())
            w->poller->start();
        updateNotice();
    });
}

void TargetsController::watch(const QString& name)
{
    Watched* w = find(name);
    if (!w || !m_window)
        return;
    m_current = name;
    m_window->setMonitor(w->monitor, name);
    m_switcher->setCurrent(name);
    m_store->setLastWatched(name);
    m_store->save();
    updateNotice();
    m_currentTarget = w->target;
    emit currentTargetChanged(w->target);
}

void TargetsController::rebuildModel()
{
    QList<ops::TargetListModel::Entry> entries;
    for (const ops::Target& target : m_store->targets()) {
        if (Watched* w = find(target.name))
            entries.append({target.name, w->monitor, target.readOnly});
    }
    m_model->setEntries(entries);
    if (m_switcher)
        m_switcher->setCurrent(m_current);
}

// The notice strip speaks for the watched target: keychain trouble, or a refused certificate.
void TargetsController::updateNotice()
{
    Watched* w = find(m_current);
    if (!m_switcher || !w)
        return;
    if (!w->rejectedCert.isEmpty()) {
        const QString name = w->target.name;
        const QByteArray fingerprint = w->rejectedCert;
        m_switcher->showNotice(
            tr("<b>Certificate refused</b> for %1: %2<br>Trust it only if you know this "
               "certificate (compare its SHA-256 with the server's).")
                .arg(name.toHtmlEscaped(), w->monitor->stateDetail().toHtmlEscaped()),
            tr("Trust this certificate"), [this, name, fingerprint] {
                auto target = m_store->find(name);
                Watched* t = find(name);
                if (!target || !t)
                    return;
                target->trustedCertSha256 = fingerprint;
                m_store->upsert(*target);
                m_store->save();
                t->target = *target;
                t->rejectedCert.clear();
                loadKeyAndStart(t);
            });
        return;
    }
    if (!w->keyProblem.isEmpty()) {
        const QString name = w->target.name;
        m_switcher->showNotice(tr("<b>Keychain:</b> %1 Polling %2 without its API key.")
                                   .arg(w->keyProblem.toHtmlEscaped(), name.toHtmlEscaped()),
                               tr("Enter a key for this session…"),
                               [this, name] { openDialog(name); });
        return;
    }
    m_switcher->clearNotice();
}

void TargetsController::openDialog(const QString& select)
{
    if (!m_dialog) {
        m_dialog =
            new ops::TargetsDialog(m_store.get(), m_keychain.get(), m_session.get(), m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_dialog, &ops::TargetsDialog::testRequested, this, &TargetsController::testTarget);
        connect(m_dialog, &ops::TargetsDialog::targetSaved, this, &TargetsController::onSaved);
        connect(m_dialog, &ops::TargetsDialog::targetRemoved, this, &TargetsController::onRemoved);
    }
    if (!select.isEmpty())
        m_dialog->selectTarget(select);
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

// One poll with the form's settings and key (typed, else stored), answered in the dialog.
void TargetsController::testTarget(const ops::Target& target, const QByteArray& typedKey)
{
    const auto run = [this, target](const QByteArray& key) {
        auto* poller =
            new ops::Poller(m_network, m_clock, ops::pollerOptionsFor(target, key), this);
        connect(poller, &ops::Poller::pollFinished, this,
                [this, poller, target](const ops::PollResult& result) {
                    const bool ok = ops::isAnswering(result.state);
                    QString text = tr("%1: %2").arg(target.baseUrl.toString(),
                                                    ops::connectionStateName(result.state));
                    if (!result.detail.isEmpty())
                        text += QStringLiteral(" — ") + result.detail;
                    if (ok)
                        text += tr(" (dialect %1)").arg(ops::dialectName(result.dialect));
                    if (m_dialog)
                        m_dialog->showTestResult(target.name, text, ok);
                    poller->deleteLater();
                });
        poller->pollNow();
    };
    if (!typedKey.isEmpty() || target.name.isEmpty()) {
        run(typedKey);
        return;
    }
    readKey(ops::secretKeyGatewayApiKey(target.name),
            [run](const ops::SecretResult& result) { run(result.value); });
}

void TargetsController::onSaved(const QString& name)
{
    const auto target = m_store->find(name);
    if (!target)
        return;
    // A renamed target is a new entry; the old one leaves the list.
    Watched* w = find(name);
    if (!w) {
        w = addWatched(*target);
        hookPoller(w);
        emit targetAdded(name, w->monitor);
    }
    w->target = *target;
    w->rejectedCert.clear();
    w->monitor->setMappingOverrides(target->metricMapping);
    rebuildModel();
    loadKeyAndStart(w);
    if (name == m_current) {
        m_currentTarget = *target;
        emit currentTargetChanged(*target);
    }
}

void TargetsController::onRemoved(const QString& name)
{
    Watched* w = find(name);
    if (w && name != m_current && w->ownedPoller) {
        w->poller->stop();
        emit targetRemoved(name);
        rebuildModel();
        for (auto it = m_watched.begin(); it != m_watched.end(); ++it) {
            if (it->get() == w) {
                m_watched.erase(it);
                break;
            }
        }
    } else if (w) {
        // The watched one stays on screen until another is chosen.
        w->poller->stop();
        rebuildModel();
    }
}
