#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace ops {

class HealthFieldsModel;
class HealthTableModel;
class TargetMonitor;

// Every component of the gateway with its state, since when, details and when it was last
// checked; below, every field of the body flattened (shapes the console does not know).
class HealthPanel : public QWidget {
    Q_OBJECT
public:
    HealthPanel(TargetMonitor* monitor, QWidget* parent = nullptr);

    HealthTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    // Re-reads the monitor (called on each poll and each second for the age).
    void refresh();
    void setMonitor(TargetMonitor* monitor);
    HealthFieldsModel* fieldsModel() const { return m_fields; }
    // The overall state as shown: "healthy", "degraded", "down", or "unknown" while the data is
    // stale or not there yet (never green from old data).
    QString overallState() const { return m_overallState; }
    QString overallText() const;

private:
    TargetMonitor* m_monitor;
    HealthTableModel* m_model;
    QTableView* m_view;
    QLabel* m_overall;
    QString m_overallState;
    HealthFieldsModel* m_fields;
    QTableView* m_fieldsView;
};

} // namespace ops
