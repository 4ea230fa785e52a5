#pragma once

#include "models/domain/Dialect.h"
#include "models/workflows/WorkflowClient.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;
class QTimer;
class QToolBar;
class QToolButton;

namespace ops {

class LaunchWorkflowDialog;
class WorkflowListModel;
class WorkflowTracker;

// The Workflows tab: the gateway's workflows (live while they run), filters by status and type,
// the selected workflow's steps and errors, launch / cancel / re-run / new job, and a count
// table per type and outcome. Talks to the gateway only through the WorkflowClient.
class WorkflowsPage : public QWidget {
    Q_OBJECT
public:
    WorkflowsPage(WorkflowClient* client, const QString& targetLabel, QWidget* parent = nullptr);

    WorkflowListModel* model() const { return m_model; }
    WorkflowTracker* tracker() const { return m_tracker; }
    QTableView* view() const { return m_view; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QAction* launchAction() const { return m_launchAction; }
    QAction* cancelAction() const { return m_cancelAction; }
    QAction* rerunAction() const { return m_rerunAction; }
    QAction* newJobAction() const { return m_jobAction; }
    QString messageText() const;
    QTableWidget* countsTable() const { return m_counts; }

    // Another target was chosen: its client (not owned) and how to name it; the list, filters
    // and banner follow, and answers from the previous target no longer touch the list.
    void setClient(ops::WorkflowClient* client, const QString& targetLabel);
    WorkflowClient* client() const { return m_client; }

public slots:
    // The monitor detected (another) dialect: types, routes and banner follow it.
    void setDialect(ops::Dialect dialect);
    void refresh();
    void openLaunchDialog();
    void openJobDialog();
    void cancelSelected();
    void rerunSelected();

    // Selects a workflow's row (a new launch: its steps show).
    void selectWorkflow(const QString& id);

private:
    QToolBar* buildToolbar();
    void buildList();
    QWidget* buildDetails();
    void connectTracker();
    bool unrecordedAllowed(const QString& action);
    void showMessage(const QString& text, bool error);
    void showResult(const WorkflowResult& result, const QString& okText);
    void updateActions();
    void updateDetails();
    void updateCounts();
    void updateFilters();
    QString selectedId() const;

    WorkflowClient* m_client;
    QString m_targetLabel;
    WorkflowListModel* m_model;
    WorkflowTracker* m_tracker;
    QSortFilterProxyModel* m_proxy;
    QLabel* m_header;
    QLabel* m_message;
    QComboBox* m_statusFilter;
    QComboBox* m_typeFilter;
    QTableView* m_view;
    QLabel* m_detailsTitle;
    QTableWidget* m_steps;
    QLabel* m_metadata;
    QTableWidget* m_counts;
    QAction* m_launchAction;
    QAction* m_jobAction;
    QAction* m_cancelAction;
    QAction* m_rerunAction;
    QAction* m_refreshAction;
    QTimer* m_tick;
};

} // namespace ops
