#include "ui/targets/TargetsPanel.h"

#include "models/fleet/Fleet.h"
#include "models/monitor/TargetMonitor.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"
#include "models/targets/TargetListModel.h"
#include "models/targets/TargetStore.h"
#include "ui/shell/MainWindow.h"
#include "ui/targets/CertificateTrust.h"
#include "ui/targets/TargetSwitcher.h"
#include "ui/targets/TargetsDialog.h"

#include <QMessageBox>
#include <QPushButton>
#include <memory>

namespace ops {

namespace {

// The dialog's Test asks the gateway through the fleet (the same poll the console runs).
void answerTestsThrough(TargetsDialog* dialog, Fleet* fleet)
{
    QObject::connect(
        dialog, &TargetsDialog::testRequested, dialog,
        [fleet, dialog](const Target& target, const QByteArray& typedKey) {
            const QPointer<TargetsDialog> guard(dialog);
            fleet->testTarget(
                target, typedKey,
                [guard, name = target.name](const QString& text, bool ok) {
                    if (guard)
                        guard->showTestResult(name, text, ok);
                },
                // A refused certificate is offered for trust in the dialog.
                [guard, name = target.name](const QByteArray& der, const QByteArray& sha256) {
                    if (guard)
                        guard->offerCertificateTrust(name, QSslCertificate(der, QSsl::Der), sha256);
                });
        });
}

} // namespace

TargetsPanel::TargetsPanel(Fleet* fleet, ChainedSecretStore* secrets, MainWindow* window)
    : m_fleet(fleet)
    , m_secrets(secrets)
    , m_window(window)
    , m_model(std::make_unique<TargetListModel>())
{
    m_switcher = new TargetSwitcher(window, m_model.get());
    connect(m_switcher, &TargetSwitcher::targetSelected, this, [this](const QString& name) {
        if (TargetSession* session = m_fleet->sessionNamed(name))
            m_fleet->setCurrent(session->id());
    });
    const auto manage = [this] {
        openDialog(m_fleet->current() ? m_fleet->current()->id() : QString());
    };
    connect(m_switcher, &TargetSwitcher::manageRequested, this, manage);
    connect(window, &MainWindow::targetsRequested, this, manage);
    window->targetsAction()->setEnabled(true);
    for (TargetSession* session : fleet->sessions())
        watchSession(session);
    connect(fleet, &Fleet::added, this, [this](TargetSession* session) {
        watchSession(session);
        rebuildModel();
    });
    connect(fleet, &Fleet::changed, this, &TargetsPanel::rebuildModel);
    connect(fleet, &Fleet::removed, this, [this](TargetSession* session) {
        session->disconnect(this);
        rebuildModel(); // the removed one is no longer in sessions()
    });
    connect(fleet, &Fleet::currentChanged, this, [this] {
        m_switcher->setCurrent(m_fleet->current()->name());
        if (m_dialog) // a target is watched now: the first run's demo offer is over
            m_dialog->setDemoOffered(false);
        updateNotice();
    });
    rebuildModel();
    updateNotice();
}

TargetsPanel::~TargetsPanel()
{
    if (m_dialog)
        delete m_dialog.data();
    m_model->setEntries({});
}

void TargetsPanel::watchSession(TargetSession* session)
{
    connect(session, &TargetSession::noticeChanged, this, [this, session] {
        if (session == m_fleet->current())
            updateNotice();
    });
}

void TargetsPanel::rebuildModel()
{
    QList<TargetListModel::Entry> entries;
    // Unsaved targets too (--url, --demo, a URL a later launch passed): switching is switching.
    for (TargetSession* session : m_fleet->sessions())
        entries.append({session->name(), session->monitor(), session->target().readOnly});
    m_model->setEntries(entries);
    // Shown when a second target arrives, hidden for a lone one; the operator's own choice
    // (closing it) stands until the count crosses that line again.
    const bool several = entries.size() > 1;
    if (several != m_listShown) {
        m_listShown = several;
        m_switcher->setListShown(several);
    }
    if (m_fleet->current())
        m_switcher->setCurrent(m_fleet->current()->name());
    updateNotice();
}

void TargetsPanel::startFirstRun()
{
    openDialog();
}

QString TargetsPanel::noticeText() const
{
    return m_switcher->noticeText();
}

// The notice strip speaks for the watched target: a refused certificate, or keychain trouble.
void TargetsPanel::updateNotice()
{
    TargetSession* session = m_fleet->current();
    if (!session) {
        m_switcher->clearNotice();
        return;
    }
    const QString id = session->id();
    const QString name = session->name();
    if (!session->rejectedCertificate().isEmpty()) {
        const QByteArray fingerprint = session->rejectedCertificate();
        const QSslCertificate certificate(session->rejectedCertificateDer(), QSsl::Der);
        m_switcher->showNotice(
            tr("<b>Certificate refused</b> for %1: %2<br>Trust it only if you know this "
               "certificate (compare its SHA-256 with the server's).")
                .arg(name.toHtmlEscaped(), session->monitor()->stateDetail().toHtmlEscaped()),
            tr("Trust this certificate…"), [this, id, name, certificate, fingerprint] {
                // Shown before it is pinned: subject, issuer, validity, fingerprints.
                if (confirmCertificateTrust(m_window, name, certificate, fingerprint))
                    m_fleet->trustCertificate(id, fingerprint);
            });
        return;
    }
    if (const QStringList moved = session->movedSecrets(); !moved.isEmpty()) {
        m_switcher->showNotice(
            tr("<b>Not sent:</b> %1 of %2 entered for another address than %2 has now.")
                .arg(moved.size() == 1 ? tr("a secret") : tr("%1 secrets").arg(moved.size()),
                     name.toHtmlEscaped()),
            tr("Review…"), [this, id] { reviewMovedSecrets(id); });
        return;
    }
    if (!session->keyProblem().isEmpty()) {
        m_switcher->showNotice(
            tr("<b>Keychain:</b> %1 Polling %2 without its API key.")
                .arg(session->keyProblem().toHtmlEscaped(), name.toHtmlEscaped()),
            tr("Enter a key for this session…"), [this, id] { openDialog(id); });
        return;
    }
    m_switcher->clearNotice();
}

// The operator decides where secrets entered for another address may go: to the target's new
// address (confirmed in both layers), entered again in the dialog, or nowhere (the default).
void TargetsPanel::reviewMovedSecrets(const QString& sessionId)
{
    TargetSession* session = m_fleet->session(sessionId);
    if (!session || session->movedSecrets().isEmpty())
        return;
    const QString name = session->name();
    QMessageBox box(QMessageBox::Warning, tr("Send secrets to a new address?"),
                    tr("These secrets of %1 were entered for another address than %1 has now:\n\n"
                       "%2\n\nSend them to the new address only if you changed the target "
                       "yourself and trust where it points now. Otherwise enter them again.")
                        .arg(name, session->movedSecrets().join(QLatin1Char('\n'))),
                    QMessageBox::NoButton, m_window);
    box.setObjectName(QStringLiteral("confirmSecretOrigins"));
    box.setTextFormat(Qt::PlainText);
    QPushButton* send = box.addButton(tr("Send to the new address"), QMessageBox::AcceptRole);
    QPushButton* enter = box.addButton(tr("Enter them again…"), QMessageBox::ActionRole);
    QPushButton* keep = box.addButton(tr("Don't send"), QMessageBox::RejectRole);
    box.setDefaultButton(keep);
    box.setEscapeButton(keep);
    box.exec();
    if (box.clickedButton() == enter) {
        openDialog(sessionId);
        return;
    }
    if (box.clickedButton() != send)
        return;
    QList<OriginBoundSecretStore*> layers;
    for (OriginBoundSecretStore* layer : {m_secrets->boundSession(), m_secrets->boundKeychain()}) {
        if (layer)
            layers << layer;
    }
    const QList<SecretSlot> slotList = secretSlotsOf(session->target());
    auto remaining = std::make_shared<qsizetype>(slotList.size() * layers.size());
    QPointer<TargetSession> target(session);
    for (const SecretSlot& slot : slotList) {
        for (OriginBoundSecretStore* layer : layers) {
            layer->confirmOrigin(slot.key, [target, remaining](const SecretResult&) {
                if (--*remaining == 0 && target)
                    target->reloadSecrets(); // everything that reads one of them reads again
            });
        }
    }
}

void TargetsPanel::openDialog(const QString& sessionId)
{
    if (!m_fleet->store()) {
        // Started with --url or --demo: the saved targets join the fleet now, so the dialog can
        // edit them and a target saved here can be switched to.
        auto store = std::make_unique<TargetStore>();
        QString error;
        if (!store->load(&error)) {
            m_switcher->showNotice(tr("The saved targets cannot be read: %1").arg(error));
            return;
        }
        m_fleet->useSavedTargets(std::move(store));
    }
    if (!m_dialog) {
        m_dialog = new TargetsDialog(m_fleet->store(), m_secrets->keychain(), m_secrets->session(),
                                     m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        answerTestsThrough(m_dialog, m_fleet);
        // The store tells the fleet about the target; its secrets may have changed too.
        connect(m_dialog, &TargetsDialog::targetSaved, this, [this](const QString& name) {
            if (TargetSession* session = m_fleet->sessionNamed(name))
                session->reloadSecrets();
        });
        connect(m_dialog, &TargetsDialog::demoRequested, this, &TargetsPanel::demoRequested);
    }
    // Nothing watched yet: the dialog offers the demo (and says what to do first).
    m_dialog->setDemoOffered(!m_fleet->current());
    if (TargetSession* session = m_fleet->session(sessionId))
        m_dialog->selectTarget(session->name());
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

} // namespace ops
