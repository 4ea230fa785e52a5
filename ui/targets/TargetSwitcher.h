#pragma once

#include <QObject>
#include <QString>
#include <functional>

class QAbstractItemModel;
class QComboBox;
class QDockWidget;
class QLabel;
class QListView;
class QPushButton;
class QToolBar;

namespace ops {

class MainWindow;

// Adds to the main window: a toolbar combo to switch the watched target, a "Targets" dock
// listing every watched target with its connection state colour, and a notice strip (keychain
// or certificate problems) with one action button. Emits; the application decides.
class TargetSwitcher : public QObject {
    Q_OBJECT
public:
    // targets: a TargetListModel (StateRole drives the colour).
    TargetSwitcher(MainWindow* window, QAbstractItemModel* targets);

    void setCurrent(const QString& name);
    // A strip under the toolbar: what happened and what to do; action may be empty.
    void showNotice(const QString& text, const QString& actionText = {},
                    std::function<void()> action = {});
    void clearNotice();
    // The list of targets beside the pages: worth its width only with more than one target.
    void setListShown(bool shown);
    QString noticeText() const;

signals:
    void targetSelected(const QString& name);
    void manageRequested();

private:
    QComboBox* m_combo;
    QDockWidget* m_dock;
    QListView* m_list;
    QToolBar* m_noticeBar;
    QLabel* m_notice;
    QPushButton* m_noticeButton;
    std::function<void()> m_noticeAction;
};

} // namespace ops
