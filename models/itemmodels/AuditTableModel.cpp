#include "models/itemmodels/AuditTableModel.h"

#include "models/domain/CsvWriter.h"
#include "models/domain/Units.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace ops {

namespace {

QString kindOf(const QString& action)
{
    const qsizetype dot = action.indexOf(u'.');
    return dot < 0 ? action : action.left(dot);
}

} // namespace

AuditTableModel::AuditTableModel(AuditLog* log, QObject* parent)
    : QAbstractTableModel(parent)
    , m_log(log)
{
    refresh();
}

int AuditTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AuditTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry& e = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ExportRole:
        switch (index.column()) {
        case Time: {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC);
            if (role == ExportRole)
                return t.toString(Qt::ISODateWithMs);
            return formatDateTime(e.timeMs); // the locale's, as everywhere in the console
        }
        case Actor:
            return e.actor;
        case Target:
            return e.target;
        case Action:
            return e.action;
        case Subject:
            return e.subject;
        case Result:
            return e.result;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == Result || index.column() == Subject) {
            const QString details =
                QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Indented));
            return tr("%1\n\nDetails:\n%2")
                .arg(data(index, Qt::DisplayRole).toString(), details.trimmed());
        }
        return data(index, Qt::DisplayRole);
    case TimeMsRole:
        return e.timeMs;
    case ActionRole:
        return e.action;
    case TargetRole:
        return e.target;
    case DetailsRole:
        return QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Compact));
    case IdRole:
        return e.id;
    default:
        return {};
    }
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time");
    case Actor:
        return tr("Actor");
    case Target:
        return tr("Target");
    case Action:
        return tr("Action");
    case Subject:
        return tr("Subject");
    case Result:
        return tr("Result");
    default:
        return {};
    }
}

QStringList AuditTableModel::actionKinds() const
{
    QSet<QString> kinds;
    for (const AuditEntry& e : m_rows)
        kinds.insert(kindOf(e.action));
    QStringList out(kinds.begin(), kinds.end());
    out.sort();
    return out;
}

QStringList AuditTableModel::targets() const
{
    QSet<QString> names;
    for (const AuditEntry& e : m_rows)
        names.insert(e.target);
    QStringList out(names.begin(), names.end());
    out.sort();
    return out;
}

QString AuditTableModel::problem() const
{
    if (!m_log)
        return tr("There is no audit log in this session.");
    if (!m_log->isOpen())
        return tr("The audit log %1 cannot be read: %2").arg(m_log->path(), m_log->errorString());
    return {};
}

int AuditTableModel::refresh()
{
    if (!m_log || !m_log->isOpen())
        return 0;
    const qint64 newest = m_rows.isEmpty() ? 0 : m_rows.first().id;
    const QList<AuditEntry> latest = m_log->entries({}, 1);
    if (latest.isEmpty() || latest.first().id == newest)
        return 0;
    if (latest.first().id < newest) { // another log file: start over
        beginResetModel();
        m_rows = m_log->entries({}, kMaxRows);
        endResetModel();
        emit rowsAdded(static_cast<int>(m_rows.size()));
        return static_cast<int>(m_rows.size());
    }
    // Newest first: the new rows are the ones above `newest`.
    const int wanted = static_cast<int>(std::min<qint64>(latest.first().id - newest, kMaxRows));
    QList<AuditEntry> fresh = m_log->entries({}, wanted);
    fresh.erase(std::remove_if(fresh.begin(), fresh.end(),
                               [newest](const AuditEntry& e) { return e.id <= newest; }),
                fresh.end());
    if (fresh.isEmpty())
        return 0;
    const int count = static_cast<int>(fresh.size());
    beginInsertRows({}, 0, count - 1);
    m_rows = fresh + m_rows;
    endInsertRows();
    if (m_rows.size() > kMaxRows) {
        beginRemoveRows({}, kMaxRows, static_cast<int>(m_rows.size()) - 1);
        m_rows.resize(kMaxRows);
        endRemoveRows();
    }
    emit rowsAdded(count);
    return count;
}

void AuditTableModel::setAutoRefreshInterval(int ms)
{
    if (ms <= 0) {
        if (m_timer)
            m_timer->stop();
        return;
    }
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, [this] { refresh(); });
    }
    m_timer->start(ms);
}

QByteArray AuditTableModel::toCsv(const QAbstractItemModel& model)
{
    CsvWriter csv;
    QStringList header;
    for (int c = 0; c < ColumnCount; ++c)
        header << model.headerData(c, Qt::Horizontal).toString();
    header << tr("Details");
    csv.addRow(header);
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList fields;
        for (int c = 0; c < ColumnCount; ++c)
            fields << model.data(model.index(r, c), ExportRole).toString();
        fields << model.data(model.index(r, 0), DetailsRole).toString();
        csv.addRow(fields);
    }
    return csv.data();
}

bool AuditTableModel::writeCsv(const QAbstractItemModel& model, const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toCsv(model)) < 0 || !file.commit()) {
        if (error)
            *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void AuditFilterModel::setText(const QString& text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void AuditFilterModel::setActionKind(const QString& kind)
{
    m_kind = kind;
    invalidateFilter();
}

void AuditFilterModel::setTarget(const QString& target)
{
    m_target = target;
    invalidateFilter();
}

bool AuditFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex first = source->index(sourceRow, 0, sourceParent);
    if (!m_kind.isEmpty() &&
        kindOf(source->data(first, AuditTableModel::ActionRole).toString()) != m_kind)
        return false;
    if (!m_target.isEmpty() &&
        source->data(first, AuditTableModel::TargetRole).toString() != m_target)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int c = 0; c < source->columnCount(sourceParent); ++c) {
        if (source->data(source->index(sourceRow, c, sourceParent))
                .toString()
                .contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return source->data(first, AuditTableModel::DetailsRole)
        .toString()
        .contains(m_text, Qt::CaseInsensitive);
}

bool AuditFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (left.column() == AuditTableModel::Time && right.column() == AuditTableModel::Time)
        return left.data(AuditTableModel::TimeMsRole).toLongLong() <
               right.data(AuditTableModel::TimeMsRole).toLongLong();
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace ops
