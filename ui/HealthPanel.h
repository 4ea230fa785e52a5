#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace ops {

class HealthTableModel;
class TargetMonitor;

// Every component of the gateway with its state, details and when it was last checked.
class HealthPanel : public QWidget {
    Q_OBJECT
public:
    HealthPanel(TargetMonitor* monitor, QWidget* parent = nullptr);

    HealthTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    // Re-reads the monitor (called on each poll and each second for the age).
    void refresh();

private:
    TargetMonitor* m_monitor;
    HealthTableModel* m_model;
    QTableView* m_view;
    QLabel* m_overall;
};

} // namespace ops
