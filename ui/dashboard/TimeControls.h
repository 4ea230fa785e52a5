#pragma once

#include <QWidget>

class QAction;
class QActionGroup;
class QLabel;
class QToolButton;

namespace ops {

class ChartTimeline;

// The time-window bar above the charts: presets (5 m ... 24 h), live / pause, tables for every
// chart, and a line saying what the charts show (live, paused, zoomed) and how old the data is.
// The actions (with their shortcuts) are shared: every bar on every page triggers the same ones.
class TimeControls : public QWidget {
    Q_OBJECT
public:
    struct Actions {
        QList<QAction*> presets; // 5 m, 15 m, 1 h, 6 h, 24 h
        QAction* pause = nullptr;
        QAction* tables = nullptr;
    };

    TimeControls(ChartTimeline* timeline, const Actions& actions, QWidget* parent = nullptr);

    static QList<qint64> presetWindows();
    static QString windowName(qint64 ms);

    void setStatus(const QString& text, bool stale);
    QString status() const;

private:
    QLabel* m_status;
};

} // namespace ops
