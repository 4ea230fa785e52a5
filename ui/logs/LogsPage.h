#pragma once

#include "models/fleet/TargetSession.h"
#include "models/logs/LogWindowRequest.h"
#include "models/logs/ServiceLogs.h"

#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QAbstractItemView;
class QTableView;
class QPushButton;
class QStackedWidget;
class QToolButton;
class QVBoxLayout;

namespace ops {

class Fleet;

// The Logs tab: the current target's Render service logs (its ServiceLogs capability), following
// Fleet::currentChanged. A live tail with pause (and how many lines came while paused), level
// colours, selectable and copyable lines, filters (level, type, words or regex), find with
// highlight and next/previous (Ctrl+F, F3), export of what is shown (text or JSON Lines), a time
// window (UTC), and a status line (live / reconnecting in N s / stopped: why). A target without
// a Render service shows what is missing and how to set it.
class LogsPage : public QWidget {
    Q_OBJECT

public:
    explicit LogsPage(const Fleet* fleet, QWidget* parent = nullptr);
    ~LogsPage() override;

    // The session's logs shown (nullptr: none).
    ServiceLogs* logs() const { return m_logs; }

    // Jumps: [ms - 5 min, ms + 5 min] of the current target, with why in the title.
    void showAround(qint64 ms, const QString& why = {});
    static LogWindowRequest around(qint64 ms, const QString& why = {});
    void showWindow(qint64 startMs, qint64 endMs, const QString& why = {});
    // A window of some types only (the type filter shows them), live after it when asked.
    void showWindow(const LogWindowRequest& request);
    void followLive();

    // For tests and the status line.
    QString statusText() const;
    QString noticeText() const;
    QString pausedText() const;
    QString filterErrorText() const;
    QAbstractItemView* view() const;
    bool isFollowing() const { return m_following; }
    void setFollowing(bool follow);
    void setLevelIndex(int index);
    void setFilterText(const QString& text, bool regex);
    void setSearch(const QString& text);
    int findNext(bool backward = false);
    // Writes the rows shown to path (".jsonl": JSON Lines, else text); false with *error.
    bool exportTo(const QString& path, QString* error = nullptr) const;

signals:
    // "Open the targets dialog at this target".
    void configureRequested(const QString& sessionId);

private:
    void buildNoticePage();
    void buildControls(QVBoxLayout* layout);
    QWidget* buildLinesView();
    void connectControls();
    void showSession(TargetSession* session);
    void showAvailability();
    void applyFilter();
    void refreshStatus();
    void exportShown();
    void scrollIfFollowing();
    void copySelection() const;

    const Fleet* m_fleet;
    QPointer<TargetSession> m_session;
    QPointer<ServiceLogs> m_logs;
    bool m_following = true;
    bool m_typeFromJump = false; // the type filter was set by a jump (Back to live clears it)
    QRegularExpression m_search;
    QStackedWidget* m_stack;
    QWidget* m_noticePage;
    QLabel* m_noticeTitle;
    QLabel* m_notice;
    QPushButton* m_configure;
    QWidget* m_linesPage;
    QLabel* m_title;
    QToolButton* m_pause;
    QLabel* m_paused;
    QComboBox* m_level;
    QComboBox* m_type;
    QLineEdit* m_filter;
    QCheckBox* m_regex;
    QLabel* m_filterError;
    QPushButton* m_live;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QPushButton* m_showWindow;
    QPushButton* m_export;
    QLineEdit* m_find;
    QToolButton* m_prev;
    QToolButton* m_next;
    QLabel* m_matches;
    QTableView* m_view; // one column: its rows' layout costs O(1) per line added, not O(rows)
    QLabel* m_empty;
    QLabel* m_status;
    QPushButton* m_retry;
    QTimer m_statusTimer;
};

} // namespace ops
