#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QTabWidget;
class QTimer;

namespace ops {

class Dashboard;
class HealthPanel;
class TargetMonitor;

// The console's main window: the dashboard (Overview, Endpoints, Health pages), later pages added
// by others, and a status bar with the connection state, data age and the detected dialect.
// Remembers its geometry, page and time window (QSettings). Reads the monitor; never talks HTTP.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(TargetMonitor* monitor, const QString& targetLabel, QWidget* parent = nullptr);

    HealthPanel* healthPanel() const;
    Dashboard* dashboard() const { return m_dashboard; }
    // Adds a page (tab) after the Overview; returns its index. Ctrl+N shows page N.
    int addPage(QWidget* page, const QString& title);
    QTabWidget* pages() const { return m_pages; }
    QString connectionText() const;
    // Watches another target: the Overview (health panel, chart), status bar and title follow it.
    void setMonitor(TargetMonitor* monitor, const QString& targetLabel);
    TargetMonitor* monitor() const { return m_monitor; }
    QString dialectText() const;

public slots:
    void refresh();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    TargetMonitor* m_monitor;
    Dashboard* m_dashboard;
    QLabel* m_banner;
    QLabel* m_stateLabel;
    QLabel* m_dialectLabel;
    QLabel* m_ageLabel;
    QTimer* m_ageTimer;
    QTabWidget* m_pages;
    QMenu* m_viewMenu = nullptr;
    QWidget* m_overview = nullptr;
    QLabel* m_targetLabel = nullptr;
    void saveSettings() const;
    void restoreSettings();
};

} // namespace ops
