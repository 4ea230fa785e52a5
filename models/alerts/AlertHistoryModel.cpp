#include "models/alerts/AlertHistoryModel.h"

#include "models/domain/Units.h"

#include "models/alerts/AlertEngine.h"
#include "models/domain/CsvWriter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace ops {

AlertHistoryModel::AlertHistoryModel(AlertEngine* engine, QObject* parent)
    : QAbstractTableModel(parent)
    , m_engine(engine)
{
    m_filter.limit = 2000;
    connect(engine, &AlertEngine::transition, this, &AlertHistoryModel::reload);
    reload();
}

void AlertHistoryModel::setFilter(const AlertHistoryFilter& filter)
{
    m_filter = filter;
    reload();
}

void AlertHistoryModel::reload()
{
    QList<AlertTransition> rows;
    // A read-only store lacks this run's transitions: the engine adds them to what it holds.
    if (AlertStore* store = m_engine->store(); store && store->isOpen() && !store->isReadOnly()) {
        AlertHistoryFilter newest = m_filter;
        rows = store->history(newest);
    } else {
        for (const AlertTransition& t :
             m_engine->transitionsBetween(m_filter.fromMs, m_filter.toMs)) {
            if ((m_filter.rule.isEmpty() || t.rule == m_filter.rule) &&
                (m_filter.target.isEmpty() || t.target == m_filter.target) &&
                (!m_filter.kind || t.kind == *m_filter.kind) &&
                (m_filter.text.isEmpty() || t.rule.contains(m_filter.text, Qt::CaseInsensitive) ||
                 t.target.contains(m_filter.text, Qt::CaseInsensitive) ||
                 t.author.contains(m_filter.text, Qt::CaseInsensitive) ||
                 t.comment.contains(m_filter.text, Qt::CaseInsensitive)))
                rows << t;
        }
    }
    std::reverse(rows.begin(), rows.end());
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int AlertHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AlertHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertHistoryModel::eventText(const AlertTransition& t)
{
    switch (t.kind) {
    case TransitionKind::State:
        return tr("%1 → %2").arg(alertStateTitle(t.from), alertStateTitle(t.to));
    case TransitionKind::Ack:
        return tr("Acknowledged");
    case TransitionKind::Unack:
        return tr("Acknowledgement ended");
    case TransitionKind::Snooze:
        return tr("Snoozed until %1").arg(formatTimeOfDay(t.untilMs));
    case TransitionKind::Unsnooze:
        return tr("Snooze ended");
    case TransitionKind::Flapping:
        return tr("Flapping");
    case TransitionKind::Settled:
        return tr("Settled");
    }
    return transitionKindName(t.kind);
}

QVariant AlertHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const AlertTransition& t = m_rows[index.row()];
    if (role == KindRole)
        return transitionKindName(t.kind);
    if (role == ToStateRole)
        return int(t.to);
    if (role == SeverityRole)
        return int(t.severity);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return formatDateTime(t.timeMs);
    case AlertColumn:
        return t.rule;
    case TargetColumn:
        return t.target;
    case EventColumn:
        return eventText(t);
    case ValueColumn: {
        if (std::isnan(t.value))
            return QString();
        const AlertRule* rule = m_engine->rule(t.rule);
        return rule ? formatSignalValue(*rule, t.value) : formatNumber(t.value);
    }
    case AuthorColumn:
        return t.author;
    case CommentColumn:
        return t.comment;
    default:
        return {};
    }
}

QVariant AlertHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case AlertColumn:
        return tr("Alert");
    case TargetColumn:
        return tr("Target");
    case EventColumn:
        return tr("Event");
    case ValueColumn:
        return tr("Value");
    case AuthorColumn:
        return tr("Who");
    case CommentColumn:
        return tr("Comment");
    default:
        return {};
    }
}

QByteArray AlertHistoryModel::toCsv() const
{
    CsvWriter csv;
    csv.addRow({QStringLiteral("time"), QStringLiteral("rule"), QStringLiteral("target"),
                QStringLiteral("kind"), QStringLiteral("from"), QStringLiteral("to"),
                QStringLiteral("value"), QStringLiteral("threshold"), QStringLiteral("severity"),
                QStringLiteral("author"), QStringLiteral("comment"), QStringLiteral("until")});
    for (const AlertTransition& t : m_rows) {
        const QStringList fields{
            QDateTime::fromMSecsSinceEpoch(t.timeMs, Qt::UTC).toString(Qt::ISODateWithMs),
            t.rule,
            t.target,
            transitionKindName(t.kind),
            alertStateName(t.from),
            alertStateName(t.to),
            std::isnan(t.value) ? QString() : QString::number(t.value, 'g', 10),
            std::isnan(t.threshold) ? QString() : QString::number(t.threshold, 'g', 10),
            severityName(t.severity),
            t.author,
            t.comment,
            t.untilMs ? QDateTime::fromMSecsSinceEpoch(t.untilMs, Qt::UTC).toString(Qt::ISODate)
                      : QString()};
        csv.addRow(fields);
    }
    return csv.data();
}

QByteArray AlertHistoryModel::toJson() const
{
    QJsonArray array;
    for (const AlertTransition& t : m_rows) {
        QJsonObject o;
        o.insert(QStringLiteral("time"),
                 QDateTime::fromMSecsSinceEpoch(t.timeMs, Qt::UTC).toString(Qt::ISODateWithMs));
        o.insert(QStringLiteral("time_ms"), t.timeMs);
        o.insert(QStringLiteral("rule"), t.rule);
        o.insert(QStringLiteral("target"), t.target);
        o.insert(QStringLiteral("kind"), transitionKindName(t.kind));
        o.insert(QStringLiteral("from"), alertStateName(t.from));
        o.insert(QStringLiteral("to"), alertStateName(t.to));
        if (!std::isnan(t.value))
            o.insert(QStringLiteral("value"), t.value);
        o.insert(QStringLiteral("severity"), severityName(t.severity));
        if (!t.author.isEmpty())
            o.insert(QStringLiteral("author"), t.author);
        if (!t.comment.isEmpty())
            o.insert(QStringLiteral("comment"), t.comment);
        if (t.untilMs)
            o.insert(QStringLiteral("until_ms"), t.untilMs);
        array.append(o);
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("history"), array}})
        .toJson(QJsonDocument::Indented);
}

} // namespace ops
