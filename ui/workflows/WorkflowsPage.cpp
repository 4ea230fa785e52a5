#include "ui/workflows/WorkflowsPage.h"

#include "models/domain/Clock.h"
#include "models/itemmodels/WorkflowListModel.h"
#include "models/workflows/WorkflowTracker.h"
#include "ui/audit/UnrecordedAction.h"
#include "ui/shell/EmptyState.h"
#include "ui/shell/StatePalette.h"
#include "ui/workflows/CreateJobDialog.h"
#include "ui/workflows/LaunchWorkflowDialog.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace ops {
namespace {

// Status filter (by state) and type filter (exact), over the workflow list.
class WorkflowFilterProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    int state = -1; // int(WorkflowState), -1 = all
    QString type;   // empty = all
    void refilter() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        if (state >= 0 && index.data(WorkflowListModel::StateRole).toInt() != state)
            return false;
        return type.isEmpty() || index.data(WorkflowListModel::TypeRole).toString() == type;
    }
};

const QList<WorkflowState> kOutcomes{WorkflowState::Pending, WorkflowState::Running,
                                     WorkflowState::Completed, WorkflowState::Failed,
                                     WorkflowState::Cancelled};

} // namespace

WorkflowsPage::WorkflowsPage(WorkflowClient* client, const QString& targetLabel, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_targetLabel(targetLabel)
    , m_model(new WorkflowListModel(*client->clock(), this))
    , m_tracker(new WorkflowTracker(client, this))
{
    setObjectName(QStringLiteral("workflowsPage"));
    auto* layout = new QVBoxLayout(this);
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::RichText);
    layout->addWidget(m_header);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("workflowMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);
    layout->addWidget(buildToolbar());

    buildList();
    QWidget* details = buildDetails();
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    connectTracker();
    m_tick = new QTimer(this);
    connect(m_tick, &QTimer::timeout, m_model, &WorkflowListModel::tick);
    m_tick->start(1000);
    m_tracker->setIntervals(1000, 8000);
    m_tracker->setListIntervalMs(30000);
    setDialect(client->dialect());
}

// The actions on workflows, then the list's status and type filters.
QToolBar* WorkflowsPage::buildToolbar()
{
    auto* toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_launchAction =
        toolbar->addAction(tr("&Launch workflow…"), this, &WorkflowsPage::openLaunchDialog);
    m_jobAction = toolbar->addAction(tr("New &job…"), this, &WorkflowsPage::openJobDialog);
    m_cancelAction =
        toolbar->addAction(tr("&Cancel workflow"), this, &WorkflowsPage::cancelSelected);
    m_rerunAction = toolbar->addAction(tr("&Re-run"), this, &WorkflowsPage::rerunSelected);
    m_refreshAction = toolbar->addAction(tr("Refresh l&ist"), this, &WorkflowsPage::refresh);
    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr("Status:"), toolbar));
    m_statusFilter = new QComboBox(toolbar);
    m_statusFilter->setAccessibleName(tr("Filter by status"));
    m_statusFilter->addItem(tr("All"), -1);
    for (WorkflowState s : kOutcomes)
        m_statusFilter->addItem(workflowStateName(s), static_cast<int>(s));
    toolbar->addWidget(m_statusFilter);
    toolbar->addWidget(new QLabel(tr(" Type:"), toolbar));
    m_typeFilter = new QComboBox(toolbar);
    m_typeFilter->setAccessibleName(tr("Filter by type"));
    toolbar->addWidget(m_typeFilter);
    return toolbar;
}

// The workflows, latest first, through the status and type filters.
void WorkflowsPage::buildList()
{
    auto* proxy = new WorkflowFilterProxy(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(WorkflowListModel::SortRole);
    m_proxy = proxy;
    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setAccessibleName(tr("Workflows"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(WorkflowListModel::StartedColumn, Qt::DescendingOrder);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(WorkflowListModel::StatusColumn,
                                                     QHeaderView::ResizeToContents);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    setEmptyText(m_view, tr("No workflows yet: Launch workflow… starts one."));
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this, proxy] {
        proxy->state = m_statusFilter->currentData().toInt();
        proxy->refilter();
    });
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, [this, proxy] {
        proxy->type = m_typeFilter->currentData().toString();
        proxy->refilter();
    });
}

// The selected workflow's steps and metadata, and the executions by type and outcome.
QWidget* WorkflowsPage::buildDetails()
{
    auto* details = new QWidget(this);
    auto* detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    m_detailsTitle = new QLabel(tr("Select a workflow to see its steps."), details);
    m_detailsTitle->setWordWrap(true);
    detailsLayout->addWidget(m_detailsTitle);
    m_steps = new QTableWidget(0, 5, details);
    m_steps->setAccessibleName(tr("Steps of the selected workflow"));
    m_steps->setHorizontalHeaderLabels(
        {tr("Step"), tr("Status"), tr("Started"), tr("Duration"), tr("Error")});
    m_steps->verticalHeader()->hide();
    m_steps->horizontalHeader()->setStretchLastSection(true);
    m_steps->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_steps->setWordWrap(false);
    m_steps->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_steps->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    setEmptyText(m_steps, tr("No steps to show."));
    detailsLayout->addWidget(m_steps, 3);
    m_metadata = new QLabel(details);
    m_metadata->setWordWrap(true);
    m_metadata->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailsLayout->addWidget(m_metadata);
    auto* countsTitle = new QLabel(tr("<b>Executions by type and outcome</b>"), details);
    detailsLayout->addWidget(countsTitle);
    m_counts = new QTableWidget(0, static_cast<int>(kOutcomes.size()), details);
    m_counts->setAccessibleName(tr("Executions by type and outcome"));
    QStringList outcomeNames;
    for (WorkflowState s : kOutcomes)
        outcomeNames << workflowStateName(s);
    m_counts->setHorizontalHeaderLabels(outcomeNames);
    m_counts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_counts->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    detailsLayout->addWidget(m_counts, 1);
    return details;
}

// The tracker's workflows into the model (merged before the counts read them), and the
// details, actions, counts and filters after the model and the selection.
void WorkflowsPage::connectTracker()
{
    connect(m_tracker, &WorkflowTracker::listed, m_model, &WorkflowListModel::merge);
    connect(m_tracker, &WorkflowTracker::updated, m_model, &WorkflowListModel::upsert);
    connect(m_tracker, &WorkflowTracker::failed, this, [this](const WorkflowResult& r) {
        showMessage(r.error, r.kind != WorkflowResult::Kind::NoWorkflowApi &&
                                 r.kind != WorkflowResult::Kind::Unsupported);
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] {
        updateDetails();
        updateActions();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        updateCounts();
        updateFilters();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateCounts();
        updateFilters();
    });
    connect(m_tracker, &WorkflowTracker::updated, this, &WorkflowsPage::updateCounts);
    connect(m_model, &QAbstractItemModel::rowsInserted, m_view,
            [this] { m_view->resizeColumnsToContents(); });
    connect(m_tracker, &WorkflowTracker::listed, this, &WorkflowsPage::updateCounts);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateDetails();
        updateActions();
    });
}

QString WorkflowsPage::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void WorkflowsPage::setClient(WorkflowClient* client, const QString& targetLabel)
{
    if (client == m_client && targetLabel == m_targetLabel)
        return;
    m_client = client;
    m_targetLabel = targetLabel;
    m_tracker->setClient(client);
    m_model->clear();
    m_model->setClock(*client->clock());
    m_message->clear();
    m_message->hide();
    setDialect(client->dialect()); // banner, types, actions; lists the new target
}

void WorkflowsPage::setDialect(Dialect dialect)
{
    const bool changed = dialect != m_client->dialect() || m_model->rowCount() == 0;
    m_client->setDialect(dialect);
    const WorkflowCapabilities caps = m_client->capabilities();
    m_header->setText(tr("<b>%1</b> — %2 dialect%3")
                          .arg(m_targetLabel.toHtmlEscaped(), dialectName(dialect),
                               m_client->isReadOnly() ? tr(", <i>read-only</i>") : QString()));
    if (!caps.available) {
        m_model->clear();
        showMessage(m_client->unavailableText(), false);
    } else if (m_message->text() == m_client->unavailableText() || changed) {
        m_message->hide();
    }
    updateFilters();
    updateActions();
    if (caps.available && changed)
        refresh();
}

void WorkflowsPage::refresh()
{
    if (m_client->capabilities().available)
        m_tracker->refreshList();
}

void WorkflowsPage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    // Colours that suit the palette (a light band on a dark window glared).
    m_message->setStyleSheet(
        noticeStyleSheet(error ? NoticeKind::Error : NoticeKind::Info, palette()));
    m_message->setVisible(!text.isEmpty());
}

void WorkflowsPage::showResult(const WorkflowResult& result, const QString& okText)
{
    if (result.ok()) {
        showMessage(okText, false);
        return;
    }
    showMessage(result.error, result.kind != WorkflowResult::Kind::NoWorkflowApi);
}

QString WorkflowsPage::selectedId() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(WorkflowListModel::IdRole).toString() : QString();
}

void WorkflowsPage::updateActions()
{
    const WorkflowCapabilities caps = m_client->capabilities();
    const bool writable = caps.available && !m_client->isReadOnly();
    m_launchAction->setEnabled(writable);
    m_jobAction->setEnabled(!m_client->isReadOnly() && m_client->dialect() != Dialect::Unknown);
    m_refreshAction->setEnabled(caps.available);
    const int row = m_model->rowOf(selectedId());
    const bool has = row >= 0;
    const Workflow* wf = has ? &m_model->workflow(row) : nullptr;
    m_cancelAction->setEnabled(writable && caps.cancel && wf && !wf->isFinished());
    m_rerunAction->setEnabled(
        writable && caps.rerun && wf &&
        (wf->state() == WorkflowState::Failed || wf->state() == WorkflowState::Cancelled) &&
        !wf->hasRunningStep());
    const QString why = m_client->isReadOnly() ? tr("Read-only target") : QString();
    for (QAction* a : {m_launchAction, m_cancelAction, m_rerunAction})
        a->setToolTip(why.isEmpty() ? a->text().remove(QLatin1Char('&')) : why);
}

void WorkflowsPage::updateDetails()
{
    const int row = m_model->rowOf(selectedId());
    if (row < 0) {
        m_detailsTitle->setText(tr("Select a workflow to see its steps."));
        m_steps->setRowCount(0);
        m_metadata->clear();
        return;
    }
    const Workflow& wf = m_model->workflow(row);
    m_detailsTitle->setText(tr("<b>%1</b> %2 — %3")
                                .arg(wf.id.toHtmlEscaped(), wf.type.toHtmlEscaped(),
                                     m_model->statusText(row).toHtmlEscaped()));
    m_steps->setRowCount(static_cast<int>(wf.steps.size()));
    for (int i = 0; i < wf.steps.size(); ++i) {
        const WorkflowStep& s = wf.steps.at(i);
        const qint64 d = s.completedMs > 0 && s.startedMs > 0 ? s.completedMs - s.startedMs : -1;
        const QStringList cells{s.name, s.status,
                                s.startedMs > 0 ? QDateTime::fromMSecsSinceEpoch(s.startedMs)
                                                      .toString(QStringLiteral("HH:mm:ss.zzz"))
                                                : QString(),
                                formatDurationMs(d), s.error};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells.at(c));
            if (!s.error.isEmpty())
                item->setForeground(QColor(0xb0, 0x2a, 0x37));
            if (c == 4)
                item->setToolTip(s.error);
            m_steps->setItem(i, c, item);
        }
    }
    m_steps->resizeColumnsToContents();
    m_metadata->setText(
        tr("Metadata: %1")
            .arg(QString::fromUtf8(QJsonDocument(wf.metadata).toJson(QJsonDocument::Compact))));
}

void WorkflowsPage::updateCounts()
{
    const auto counts = m_model->countsByTypeAndOutcome();
    QStringList types;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (!types.contains(it.key().first))
            types << it.key().first;
    }
    m_counts->setRowCount(static_cast<int>(types.size()));
    m_counts->setVerticalHeaderLabels(types);
    for (int r = 0; r < types.size(); ++r) {
        for (int c = 0; c < kOutcomes.size(); ++c) {
            const int n = counts.value({types.at(r), workflowStateName(kOutcomes.at(c))});
            auto* item = new QTableWidgetItem(QString::number(n));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_counts->setItem(r, c, item);
        }
    }
}

void WorkflowsPage::updateFilters()
{
    QStringList types = WorkflowClient::typesOf(m_client->dialect());
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QString t = m_model->workflow(r).type;
        if (!types.contains(t))
            types << t;
    }
    const QString current = m_typeFilter->currentData().toString();
    QStringList existing;
    for (int i = 1; i < m_typeFilter->count(); ++i)
        existing << m_typeFilter->itemData(i).toString();
    if (existing == types && m_typeFilter->count() > 0)
        return;
    const QSignalBlocker block(m_typeFilter);
    m_typeFilter->clear();
    m_typeFilter->addItem(tr("All"), QString());
    for (const QString& t : types)
        m_typeFilter->addItem(t, t);
    m_typeFilter->setCurrentIndex(std::max(0, m_typeFilter->findData(current)));
}

void WorkflowsPage::openLaunchDialog()
{
    auto* dialog =
        new LaunchWorkflowDialog(m_targetLabel, m_client->dialect(), m_client->isReadOnly(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString type = dialog->workflowType();
        const QJsonObject metadata = dialog->metadata();
        if (!unrecordedAllowed(tr("Launch")))
            return;
        showMessage(tr("Launching %1…").arg(type), false);
        WorkflowClient* client = m_client;
        m_client->launch(type, metadata, [this, client, type, metadata](const WorkflowResult& r) {
            if (r.ok())
                LaunchWorkflowDialog::rememberLaunch(type, metadata);
            if (client != m_client) { // another target is on screen now
                showResult(
                    r, tr("Launched %1 (%2) on %3.").arg(r.workflowId, type, client->targetName()));
                return;
            }
            if (!r.workflowId.isEmpty()) {
                m_tracker->follow(r.workflowId);
                Workflow placeholder;
                placeholder.id = r.workflowId;
                placeholder.type = type;
                placeholder.status = r.status.isEmpty() ? QStringLiteral("created") : r.status;
                placeholder.metadata = metadata;
                placeholder.createdMs = client->clock()->nowMs();
                if (m_model->rowOf(r.workflowId) < 0)
                    m_model->upsert(placeholder);
                selectWorkflow(r.workflowId); // its steps show as they come
            }
            showResult(r, tr("Launched %1 (%2).").arg(r.workflowId, type));
        });
    });
    dialog->open();
}

void WorkflowsPage::selectWorkflow(const QString& id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void WorkflowsPage::openJobDialog()
{
    auto* dialog = new CreateJobDialog(m_targetLabel, m_client->isReadOnly(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CreateJobDialog::submitted, this, [this, dialog](const JobDraft& draft) {
        QPointer<CreateJobDialog> guard(dialog);
        if (!unrecordedAllowed(tr("Create job")))
            return;
        WorkflowClient* client = m_client;
        m_client->createJob(draft, [this, guard, client](const WorkflowResult& r) {
            if (!r.ok()) {
                if (guard)
                    guard->showErrors(r.error, r.fieldErrors);
                return;
            }
            if (!r.workflowId.isEmpty() && client == m_client)
                m_tracker->follow(r.workflowId);
            showMessage(r.workflowId.isEmpty()
                            ? tr("Created job %1 (this gateway started no workflow).").arg(r.jobId)
                            : tr("Created job %1; its workflow is %2.").arg(r.jobId, r.workflowId),
                        false);
            if (guard)
                guard->accept();
        });
    });
    dialog->open();
}

void WorkflowsPage::cancelSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    const int row = m_model->rowOf(id);
    const QString type = row >= 0 ? m_model->workflow(row).type : QString();
    if (!unrecordedAllowed(tr("Cancel workflow")))
        return;
    const auto answer =
        QMessageBox::question(this, tr("Cancel workflow"),
                              tr("Cancel workflow %1 (%2) on %3?").arg(id, type, m_targetLabel),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes)
        return;
    m_model->noteCancelled(id);
    WorkflowClient* client = m_client;
    m_client->cancel(id, [this, client, id](const WorkflowResult& r) {
        if (client == m_client)
            m_tracker->follow(id);
        showResult(r, tr("Cancel requested for %1.").arg(id));
    });
}

void WorkflowsPage::rerunSelected()
{
    const QString id = selectedId();
    if (id.isEmpty() || !unrecordedAllowed(tr("Re-run")))
        return;
    WorkflowClient* client = m_client;
    m_client->rerun(id, [this, client, id](const WorkflowResult& r) {
        if (r.ok() && client == m_client)
            m_tracker->follow(id);
        showResult(r, tr("Re-running %1 (completed steps are skipped).").arg(id));
    });
}

// Launch, job, cancel and re-run change the platform: when the audit log cannot record them, the
// operator decides (the command line needs --no-audit).
bool WorkflowsPage::unrecordedAllowed(const QString& action)
{
    const QString problem = m_client ? m_client->auditProblem() : QString();
    return problem.isEmpty() || confirmUnrecordedAction(this, problem, action);
}

} // namespace ops
