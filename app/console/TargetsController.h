#pragma once

#include "models/domain/Target.h"
#include "models/net/Poller.h"
#include "models/secrets/SecretStore.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

class QNetworkAccessManager;

namespace ops {
class Clock;
class KeychainSecretStore;
class MainWindow;
class MemorySecretStore;
class TargetListModel;
class TargetMonitor;
class TargetStore;
class TargetSwitcher;
class TargetsDialog;
} // namespace ops

// The saved targets in the windowed console: one Poller + TargetMonitor per target (the first
// one, the watched target at start, is the application's own), API keys from the keychain (or
// this session's memory), the switcher (combo, dock, notice strip) and the targets dialog.
class TargetsController : public QObject {
    Q_OBJECT
public:
    enum class Start { Targets, Demo, Cancelled, Failed };

    TargetsController();
    ~TargetsController() override;

    // Loads the store and picks the target to watch: name, else the last watched, else the
    // first; with no targets at all, shows the targets dialog (modal) offering the demo.
    Start prepare(const QString& name, QString* error);
    const ops::Target& current() const { return m_currentTarget; }
    // The current target's options without its key (the key comes later, from the keychain).
    ops::PollerOptions currentPollerOptions() const;

    // Builds the other targets' pollers, the switcher and the dock, reads every key, starts
    // polling (the application's poller too, once its key is known).
    void attach(ops::MainWindow* window, ops::Poller* poller, ops::TargetMonitor* monitor,
                QNetworkAccessManager* network, const ops::Clock* clock);

    // A secret of any target: this session's keys first, then the keychain.
    void readKey(const QString& key, std::function<void(const ops::SecretResult&)> done);
    // The targets dialog (non-modal), with this target selected.
    void openDialog(const QString& select = {});

    // Shows another target (what choosing it in the switcher does).
    void watch(const QString& name);
    // Non-empty when the targets file was damaged and set aside at load.
    QString storeRecoveryNotice() const;
    // A saved target by name, as stored now.
    std::optional<ops::Target> target(const QString& name) const;
    // The monitor of a watched target (nullptr when it is not watched).
    ops::TargetMonitor* monitorFor(const QString& name) const;
    // Every watched target's name and monitor, the watched one first.
    QList<QPair<QString, ops::TargetMonitor*>> monitors() const;

signals:
    // A target got its own poller and monitor (at attach, or added in the targets dialog).
    void targetAdded(const QString& name, ops::TargetMonitor* monitor);
    // A target left: its monitor is about to be deleted.
    void targetRemoved(const QString& name);
    // Another target is watched, or the watched one was edited in the targets dialog.
    void currentTargetChanged(const ops::Target& target);

private:
    struct Watched {
        ops::Target target;
        std::unique_ptr<ops::Poller> ownedPoller;
        std::unique_ptr<ops::TargetMonitor> ownedMonitor;
        ops::Poller* poller = nullptr;
        ops::TargetMonitor* monitor = nullptr;
        QByteArray rejectedCert; // the certificate the last poll refused
        QString keyProblem;      // keychain trouble reading its key
    };
    Watched* find(const QString& name) const;
    Watched* addWatched(const ops::Target& target);
    void hookPoller(Watched* watched);
    void loadKeyAndStart(Watched* watched);
    void rebuildModel();
    void updateNotice();
    void testTarget(const ops::Target& target, const QByteArray& typedKey);
    void onSaved(const QString& name);
    void onRemoved(const QString& name);

    std::unique_ptr<ops::TargetStore> m_store;
    std::unique_ptr<ops::KeychainSecretStore> m_keychain;
    std::unique_ptr<ops::MemorySecretStore> m_session;
    std::unique_ptr<ops::TargetListModel> m_model;
    std::vector<std::unique_ptr<Watched>> m_watched;
    ops::Target m_currentTarget;
    QString m_current;
    QPointer<ops::MainWindow> m_window;
    ops::TargetSwitcher* m_switcher = nullptr;
    QPointer<ops::TargetsDialog> m_dialog;
    QNetworkAccessManager* m_network = nullptr;
    const ops::Clock* m_clock = nullptr;
};
