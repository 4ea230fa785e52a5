#pragma once

#include "models/logs/LogWindowRequest.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace ops {

class DeploySession;
struct RenderDeploy;
struct VerifyReport;
struct VerifyStepResult;

// The Deploys page: the target's service, its live deploy (commit, when) and history; Redeploy
// (typed confirmation), progress through the statuses, Cancel; verification after live, step by
// step; Roll back (typed confirmation, auto-deploy warning); latency and errors before and after.
// Chart markers hear the session's deployEvent directly (ChartMarkerFeed::watchDeploys).
class DeploysPage : public QWidget {
    Q_OBJECT

public:
    explicit DeploysPage(DeploySession* session, QWidget* parent = nullptr);

    void setServiceName(const QString& name);
    // Shows html (what to configure, and where) instead of the page; empty: the page again.
    // offerTargets adds a button that emits configureRequested().
    void setNotice(const QString& html, bool offerTargets);
    // The notice shown instead of the page (empty: the page itself shows).
    QString noticeText() const;
    bool offersTargets() const;
    QString serviceName() const { return m_serviceName; }
    // A read-only target: Redeploy, Cancel and Roll back stay disabled, their tooltip says why.
    void setReadOnly(bool readOnly, const QString& why);
    bool isReadOnly() const { return m_readOnly; }
    // Skips the dialogs' typed confirmation (tests only).
    void setConfirmations(bool ask) { m_ask = ask; }
    // The build logs of the history row (type=build from its creation - 1 min to its end
    // + 1 min; while it runs, up to now and then live); emits logsRequested. False when the
    // row has no times.
    bool requestLogsOfRow(int row);

public slots:
    void redeploy();
    void cancelDeploy();
    bool unrecordedAllowed(const QString& action);
    void rollback();

signals:
    void configureRequested();
    // "Show the build logs of this deploy": its span, type=build, live while it builds.
    void logsRequested(const ops::LogWindowRequest& request);

private:
    QHBoxLayout* buildActions();
    QHBoxLayout* buildProgressRow();
    QWidget* buildHistoryBox(QWidget* parent);
    QWidget* buildVerificationBoxes(QWidget* parent);
    QWidget* buildNoticePage();
    void connectSession();
    void showHistory();
    void showStatus(const RenderDeploy& deploy);
    void showSteps();
    void showStep(int index, const VerifyStepResult& step);
    void showComparison();
    void verificationDone(const VerifyReport& report);
    void updateButtons();

    DeploySession* m_session;
    QString m_serviceName;
    bool m_ask = true;
    bool m_readOnly = false;
    QString m_readOnlyWhy;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_notice = nullptr;
    QPushButton* m_configure = nullptr;
    QLabel* m_header = nullptr;
    QLabel* m_live = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_message = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_redeploy = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_verify = nullptr;
    QPushButton* m_rollback = nullptr;
    QTableWidget* m_history = nullptr;
    QTableWidget* m_steps = nullptr;
    QTableWidget* m_compare = nullptr;
};

} // namespace ops
