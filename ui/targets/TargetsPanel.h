#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>

namespace ops {

class ChainedSecretStore;
class Fleet;
class MainWindow;
class TargetListModel;
class TargetSession;
class TargetSwitcher;
class TargetsDialog;

// The saved targets in the window: the switcher (toolbar combo, dock with each target's state),
// the notice strip speaking for the current target (keychain trouble, a refused certificate,
// secrets withheld because the target now points elsewhere)
// and the targets dialog. Reads and drives the fleet; the dialog edits the fleet's store, which
// the fleet follows.
class TargetsPanel : public QObject {
    Q_OBJECT
public:
    TargetsPanel(Fleet* fleet, ChainedSecretStore* secrets, MainWindow* window);
    ~TargetsPanel() override;

    // The targets dialog (non-modal), with this session's target selected (empty: the first).
    void openDialog(const QString& sessionId = {});
    // No saved target yet (the first run): the dialog on top of the window's welcome, offering
    // the demo. Closing it with nothing saved leaves the window; File > Targets… and the
    // welcome's buttons bring it back (still offering the demo while nothing is watched).
    void startFirstRun();
    QString noticeText() const;

signals:
    // "Try the demo" in the dialog: the wiring starts the demo gateway.
    void demoRequested();

private:
    void rebuildModel();
    void updateNotice();
    void watchSession(TargetSession* session);
    void reviewMovedSecrets(const QString& sessionId);

    Fleet* m_fleet;
    ChainedSecretStore* m_secrets;
    QPointer<MainWindow> m_window;
    std::unique_ptr<TargetListModel> m_model;
    TargetSwitcher* m_switcher = nullptr; // the window's child
    QPointer<TargetsDialog> m_dialog;
    bool m_listShown = true; // the switcher's dock starts shown
};

} // namespace ops
