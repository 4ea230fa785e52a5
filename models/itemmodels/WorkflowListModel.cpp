#include "models/itemmodels/WorkflowListModel.h"

#include "models/domain/Clock.h"

#include <QDateTime>

namespace ops {

QString formatDurationMs(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min")
        .arg(s / 3600)
        .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

WorkflowListModel::WorkflowListModel(const Clock& clock, QObject* parent)
    : QAbstractTableModel(parent)
    , m_clock(&clock)
{
}

void WorkflowListModel::setClock(const Clock& clock)
{
    m_clock = &clock;
    tick();
}

int WorkflowListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int WorkflowListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString WorkflowListModel::statusText(int row) const
{
    const Row& r = m_rows.at(row);
    if (r.contradiction)
        return tr("cancelled, but the gateway later reported completed");
    if (r.workflow.state() == WorkflowState::Cancelled && r.workflow.hasRunningStep())
        return tr("cancelled (a step is still running)");
    return r.workflow.status;
}

QVariant WorkflowListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row& row = m_rows.at(index.row());
    const Workflow& wf = row.workflow;
    switch (role) {
    case IdRole:
        return wf.id;
    case TypeRole:
        return wf.type;
    case StatusWordRole:
        return wf.status;
    case StateRole:
        return static_cast<int>(wf.state());
    case ContradictionRole:
        return row.contradiction;
    case ActiveRole:
        return !wf.isFinished() || wf.hasRunningStep();
    case ErrorRole:
        return wf.firstError();
    default:
        break;
    }
    if (role == Qt::ToolTipRole && index.column() == StatusColumn) {
        const QString error = wf.firstError();
        return error.isEmpty() ? statusText(index.row())
                               : statusText(index.row()) + QLatin1Char('\n') + error;
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (static_cast<Column>(index.column())) {
    case IdColumn:
        return wf.id;
    case TypeColumn:
        return wf.type;
    case StatusColumn:
        return statusText(index.row());
    case StepsColumn:
        if (sort)
            return wf.totalSteps() > 0 ? double(wf.stepsDone()) / wf.totalSteps() : 0.0;
        return wf.totalSteps() >= 0 ? tr("%1 / %2").arg(wf.stepsDone()).arg(wf.totalSteps())
                                    : QString();
    case CurrentStepColumn:
        return wf.currentStep();
    case StartedColumn: {
        const qint64 t = wf.startedMs > 0 ? wf.startedMs : wf.createdMs;
        if (sort)
            return t;
        return t > 0 ? QDateTime::fromMSecsSinceEpoch(t).toString(QStringLiteral("HH:mm:ss"))
                     : QString();
    }
    case DurationColumn: {
        const qint64 d = wf.durationMs(m_clock->nowMs());
        if (sort)
            return d;
        return formatDurationMs(d);
    }
    case ColumnCount:
        break;
    }
    return {};
}

QVariant WorkflowListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
    case IdColumn:
        return tr("Workflow");
    case TypeColumn:
        return tr("Type");
    case StatusColumn:
        return tr("Status");
    case StepsColumn:
        return tr("Steps");
    case CurrentStepColumn:
        return tr("Current step");
    case StartedColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case ColumnCount:
        break;
    }
    return {};
}

QHash<int, QByteArray> WorkflowListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "workflowId");
    names.insert(TypeRole, "workflowType");
    names.insert(StatusWordRole, "statusWord");
    names.insert(StateRole, "state");
    names.insert(ContradictionRole, "contradiction");
    names.insert(ActiveRole, "active");
    names.insert(SortRole, "sortValue");
    names.insert(ErrorRole, "error");
    return names;
}

int WorkflowListModel::rowOf(const QString& id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).workflow.id == id)
            return i;
    }
    return -1;
}

bool WorkflowListModel::isContradiction(const QString& id) const
{
    const int row = rowOf(id);
    return row >= 0 && m_rows.at(row).contradiction;
}

void WorkflowListModel::apply(Row& row, const Workflow& workflow)
{
    const WorkflowState state = workflow.state();
    if (state == WorkflowState::Cancelled)
        row.seenCancelled = true;
    if (m_cancelledHere.contains(workflow.id))
        row.seenCancelled = true;
    if (row.seenCancelled && state == WorkflowState::Completed)
        row.contradiction = true;
    Workflow merged = workflow;
    // A status-only answer has no steps: keep the ones we know.
    if (merged.steps.isEmpty() && !row.workflow.steps.isEmpty() && merged.reportedTotalSteps > 0)
        merged.steps = row.workflow.steps;
    if (merged.metadata.isEmpty())
        merged.metadata = row.workflow.metadata;
    row.workflow = merged;
}

void WorkflowListModel::upsert(const Workflow& workflow)
{
    if (workflow.id.isEmpty())
        return;
    const int row = rowOf(workflow.id);
    if (row >= 0) {
        apply(m_rows[row], workflow);
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    Row r;
    apply(r, workflow);
    const int at = static_cast<int>(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.append(r);
    endInsertRows();
}

void WorkflowListModel::merge(const QList<Workflow>& workflows)
{
    for (const Workflow& wf : workflows)
        upsert(wf);
}

void WorkflowListModel::noteCancelled(const QString& id)
{
    m_cancelledHere.insert(id);
    const int row = rowOf(id);
    if (row >= 0)
        m_rows[row].seenCancelled = true;
}

void WorkflowListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_cancelledHere.clear();
    endResetModel();
}

void WorkflowListModel::tick()
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (!m_rows.at(i).workflow.isFinished())
            emit dataChanged(index(i, DurationColumn), index(i, DurationColumn));
    }
}

QMap<QPair<QString, QString>, int> WorkflowListModel::countsByTypeAndOutcome() const
{
    QMap<QPair<QString, QString>, int> counts;
    for (const Row& r : m_rows) {
        const QString outcome =
            r.contradiction ? QStringLiteral("completed") : workflowStateName(r.workflow.state());
        ++counts[{r.workflow.type, outcome}];
    }
    return counts;
}

int WorkflowListModel::activeCount() const
{
    int n = 0;
    for (const Row& r : m_rows) {
        if (!r.workflow.isFinished())
            ++n;
    }
    return n;
}

} // namespace ops
