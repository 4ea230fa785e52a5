#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;
class QTimer;

namespace ops {

class HealthPanel;
class ResponseTimeChart;
class TargetMonitor;

// The console's main window: health panel, live response-time chart, and a status bar with the
// connection state and the detected dialect. Reads the monitor; never talks HTTP.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(TargetMonitor* monitor, const QString& targetLabel, QWidget* parent = nullptr);

    HealthPanel* healthPanel() const { return m_healthPanel; }
    ResponseTimeChart* responseTimeChart() const { return m_chart; }
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

private:
    TargetMonitor* m_monitor;
    HealthPanel* m_healthPanel;
    ResponseTimeChart* m_chart;
    QLabel* m_banner;
    QLabel* m_stateLabel;
    QLabel* m_dialectLabel;
    QLabel* m_ageLabel;
    QTimer* m_ageTimer;
    QTabWidget* m_pages;
    QMenu* m_viewMenu = nullptr;
    QSplitter* m_overview = nullptr;
    QLabel* m_targetLabel = nullptr;
};

} // namespace ops
