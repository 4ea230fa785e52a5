#pragma once

#include <QWidget>

class QAbstractItemModel;
class QComboBox;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QToolButton;

namespace ops {

class AlertCenter;
class AlertHistoryModel;
class AlertListModel;
class MainWindow;
struct AlertKey;
struct AlertStatus;

// The Alerts page: firing, pending and acknowledged alerts with acknowledge / snooze, the
// history with filters and export (CSV, JSON), and the rules editor. Reads the alert models;
// never talks HTTP.
class AlertsPage : public QWidget {
    Q_OBJECT
public:
    explicit AlertsPage(AlertCenter* center, QWidget* parent = nullptr);

    QTabWidget* lists() const { return m_lists; }
    QTableView* firingView() const { return m_firingView; }
    AlertHistoryModel* historyModel() const { return m_history; }
    // Adds the Team tab: the team's alerts from Alertmanager (TeamAlertsModel), beside the
    // local lists. Once; the model stays the caller's.
    void setTeamAlerts(QAbstractItemModel* model);
    QTableView* teamView() const { return m_teamView; }
    // File > Alert rules… and Export alert history… of the main window act on this page.
    void attachMenus(MainWindow* window);
    QWidget* acknowledgeButton() const { return m_ackButton; }
    QWidget* withdrawButton() const { return m_unackButton; }
    QWidget* snoozeButton() const { return m_snoozeButton; }
    QWidget* logsButton() const { return m_logsButton; }

public slots:
    void showAlert(const QString& rule, const QString& target);
    void editRules();
    void acknowledgeSelected();
    void unacknowledgeSelected();
    void snoozeSelected(qint64 durationMs);
    void exportHistory(const QString& format);
    // "Logs around this": the first selected alert's start (firing, else pending, else its
    // state's start) on its target; false when nothing is selected.
    bool showLogsOfSelected();

signals:
    void logsRequested(const QString& target, qint64 atMs, const QString& why);

private:
    QHBoxLayout* buildActionBar();
    QToolButton* buildSnoozeButton();
    void buildLists();
    QGroupBox* buildHistory();
    QHBoxLayout* buildHistoryFilters(QGroupBox* historyBox);
    QTableView* makeList(AlertListModel* model);
    QList<AlertKey> selectedKeys() const;
    QList<AlertStatus> selectedAlerts() const;
    void updateActions();
    void updateCounts();
    void applyHistoryFilter();

    AlertCenter* m_center;
    AlertListModel* m_firing;
    AlertListModel* m_pending;
    AlertListModel* m_acked;
    AlertHistoryModel* m_history;
    QTabWidget* m_lists;
    QTableView* m_firingView;
    QTableView* m_pendingView;
    QTableView* m_ackedView;
    QTableView* m_historyView;
    QTableView* m_teamView = nullptr;
    QLabel* m_summary;
    QWidget* m_ackButton = nullptr;
    QWidget* m_unackButton = nullptr;
    QWidget* m_snoozeButton = nullptr;
    QWidget* m_logsButton = nullptr;
    QLineEdit* m_historyText;
    QComboBox* m_historyKind;
    QComboBox* m_historyRange;
};

} // namespace ops
