#pragma once

#include <QWidget>

class QLabel;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace ops {

class ChartTimeline;
class TimeChart;

// A dashboard chart with its table alternative (the drawn points in a QTableView), a note line
// for what the gateway lacks, and export to PNG / CSV.
class ChartCard : public QWidget {
    Q_OBJECT
public:
    ChartCard(const QString& title, ChartTimeline* timeline, QWidget* parent = nullptr);

    TimeChart* chart() const { return m_chart; }
    QTableView* table() const { return m_table; }
    void setTableShown(bool shown);
    bool isTableShown() const;
    // A short line under the title (what this gateway lacks); empty hides it.
    void setNote(const QString& note);
    QString note() const;

public slots:
    void exportPng();
    void exportCsv();

private:
    TimeChart* m_chart;
    QTableView* m_table;
    QStackedWidget* m_stack;
    QLabel* m_note;
    QToolButton* m_tableButton;
};

} // namespace ops
