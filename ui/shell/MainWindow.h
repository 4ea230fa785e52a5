#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QTabWidget;
class QTimer;

namespace ops {

class Dashboard;
class HealthPanel;
class InstanceSignals;
class TargetMonitor;
class WelcomePage;

// The console's main window: the dashboard (Overview, Endpoints, Health pages), later pages added
// by others, and a status bar with the connection state, data age and the detected dialect.
// Remembers its geometry, page and time window (QSettings). Reads the monitor; never talks HTTP.
//
// Built with no monitor (the first run: nothing saved yet), it shows the welcome page instead of
// the pages; the first setMonitor() builds the dashboard and its pages in its place, and the
// wiring adds the others after them.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(TargetMonitor* monitor, const QString& targetLabel, QWidget* parent = nullptr);

    HealthPanel* healthPanel() const;
    // nullptr while the window welcomes (no target watched yet).
    Dashboard* dashboard() const { return m_dashboard; }
    // Adds a page (tab) after the Overview; returns its index. Ctrl+N shows page N.
    int addPage(QWidget* page, const QString& title);
    QTabWidget* pages() const { return m_pages; }
    QString connectionText() const;
    // Watches another target: the Overview (health panel, chart), status bar and title follow it.
    // instances: its side-by-side Prometheus feed's per-instance signals, if it has one. The
    // first one ends the welcome: the dashboard's pages take its place.
    void setMonitor(TargetMonitor* monitor, const QString& targetLabel,
                    InstanceSignals* instances = nullptr);
    TargetMonitor* monitor() const { return m_monitor; }
    QString dialectText() const;
    // The strip that says what fires now, above every page (ui/alerts/FiringStrip).
    void setFiringStrip(QWidget* strip);
    QWidget* firingStrip() const { return m_firingStrip; }
    // No target watched yet: the welcome page shows instead of the pages (the first run).
    bool isWelcoming() const { return m_welcome != nullptr; }
    QString welcomeText() const;
    // The watched target's history state in the status bar ("History read-only", "History: 1
    // problem"), its details as the tooltip; hidden when empty.
    void setHistoryNotice(const QString& text, const QString& details);
    QString historyNotice() const;
    QMenu* fileMenu() const { return m_fileMenu; }
    // Adds an action to the File menu after the exports, above Quit ("Export incident report…").
    void addFileAction(QAction* action);
    QMenu* helpMenu() const { return m_helpMenu; }
    QAction* targetsAction() const { return m_targetsAction; }
    QAction* rulesAction() const { return m_rulesAction; }
    QAction* exportAction() const { return m_exportAction; }
    // The palette chosen in View > Palette ("system", "light", "dark"), kept in QSettings.
    static QString savedPalette();

signals:
    // File > Targets… / Alert rules… / Export alert history…: the wiring opens them.
    void targetsRequested();
    void rulesRequested();
    void exportRequested();
    // The welcome page's "Try the demo" ("Add a gateway…" is targetsRequested).
    void demoRequested();

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
    QLabel* m_historyLabel;
    QTimer* m_ageTimer;
    QTabWidget* m_pages;
    QMenu* m_viewMenu = nullptr;
    QWidget* m_overview = nullptr;
    QLabel* m_targetLabel = nullptr;
    QWidget* m_firingStrip = nullptr;
    WelcomePage* m_welcome = nullptr; // until the first monitor
    QMenu* m_fileMenu = nullptr;
    QAction* m_quitSeparator = nullptr; // File: added actions go above it
    QMenu* m_helpMenu = nullptr;
    QAction* m_targetsAction = nullptr;
    QAction* m_rulesAction = nullptr;
    QAction* m_exportAction = nullptr;
    void buildMenus();
    void buildDashboard(TargetMonitor* monitor);
    void showShortcuts();
    void showAbout();
    void saveSettings() const;
    void restoreSettings();
};

} // namespace ops
