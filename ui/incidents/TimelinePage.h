#pragma once

#include "models/incidents/Incident.h"
#include "models/incidents/IncidentBook.h"
#include "models/incidents/Timeline.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace ops {

class AlertStore;
class AuditLog;
class ChartTimeline;
class Clock;
class EventStore;
class SignalHistory;
class TimelineLanes;

// The Timeline tab: what happened and what was done, in lanes over the dashboard's time window
// (zoom and pan move the charts too; clicking an event moves the charts there), the incidents
// with their TTA and TTR (rename, note, merge, split, export a report), and per target the mean
// TTA and TTR over 7 and 30 days. Reads the three stores; edits go through the incident book
// (audited).
class TimelinePage : public QWidget {
    Q_OBJECT
public:
    TimelinePage(EventStore* events, const AlertStore* alerts, AuditLog* audit, const Clock* clock,
                 ChartTimeline* chartTimeline, const SignalHistory* history,
                 QWidget* parent = nullptr);
    ~TimelinePage() override;

    // Targets offered in the filter ("All targets" first); the current one is kept if listed.
    void setTargets(const QStringList& names);
    void setCurrentTarget(const QString& name);
    QString currentTarget() const; // "" = all

    TimelineLanes* lanes() const { return m_lanes; }
    QTableWidget* incidentTable() const { return m_incidentTable; }
    QTableWidget* statsTable() const { return m_statsTable; }
    const QList<Incident>& incidents() const { return m_incidents; }
    std::optional<Incident> selectedIncident() const;
    IncidentBook& book() { return m_book; }

public slots:
    void refresh();
    // A chart marker was clicked: show that moment's events here, the nearest one picked.
    void showMoment(qint64 timeMs);
    // Asks for a file and writes the selected incident's report (else the window's range).
    void exportReport();
    void renameSelected();
    void addNoteToSelected();
    void mergeSelectedWithPrevious();
    void splitSelectedAtEvent();

signals:
    // The charts should show this moment (the dashboard's range already moved there).
    void showChartsRequested();
    void message(const QString& text, bool problem);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    QHBoxLayout* buildBar();
    void setUpTables();
    void connectControls();
    void connectLanes();
    void fillIncidentTable();
    void fillStatsTable(const QList<Incident>& lastMonth);
    void updateButtons();
    void showIncident(const Incident& incident);

    Timeline m_timeline;
    IncidentBook m_book;
    const Clock* m_clock;
    ChartTimeline* m_chartTimeline;
    const SignalHistory* m_history;
    QList<Incident> m_incidents; // of the chosen target(s), the last 30 days, newest first
    QComboBox* m_target;
    TimelineLanes* m_lanes;
    QLabel* m_detail;
    QTableWidget* m_incidentTable;
    QTableWidget* m_statsTable;
    QPushButton* m_export;
    QPushButton* m_rename;
    QPushButton* m_note;
    QPushButton* m_merge;
    QPushButton* m_split;
    QTimer* m_refreshTimer;
    QTimer* m_rangeTimer;
};

} // namespace ops
