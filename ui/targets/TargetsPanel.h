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
class TargetStore;
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
    enum class FirstRun { Saved, Demo, Cancelled };
    // No saved target yet: the welcome window with the targets dialog on top (offering the
    // demo; its Test asks the gateway through fleet). Closing the dialog with nothing saved
    // leaves the welcome window, whose buttons open the dialog again or choose the demo;
    // closing the window is Cancelled.
    static FirstRun runFirstRun(TargetStore* store, ChainedSecretStore* secrets, Fleet* fleet);

    TargetsPanel(Fleet* fleet, ChainedSecretStore* secrets, MainWindow* window);
    ~TargetsPanel() override;

    // The targets dialog (non-modal), with this session's target selected (empty: the first).
    void openDialog(const QString& sessionId = {});
    QString noticeText() const;

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
