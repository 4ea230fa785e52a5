#include "models/alerts/AlertListModel.h"

#include "models/alerts/AlertEngine.h"
#include "models/domain/Clock.h"
#include "models/domain/Units.h"

#include <QDateTime>
#include <cmath>

namespace ops {

AlertListModel::AlertListModel(AlertEngine* engine, Filter filter, QObject* parent)
    : QAbstractTableModel(parent)
    , m_engine(engine)
    , m_filter(filter)
{
    connect(engine, &AlertEngine::alertsChanged, this, &AlertListModel::refresh);
    connect(engine, &AlertEngine::evaluated, this, &AlertListModel::refresh);
    refresh();
}

bool AlertListModel::accepts(const AlertStatus& s) const
{
    switch (m_filter) {
    case Filter::Active:
        return s.state != AlertState::Normal;
    case Filter::Firing: // acknowledged ones too, with their ack badge: they still fire
        return s.isFiring();
    case Filter::Pending:
        return s.state == AlertState::Pending;
    case Filter::Acknowledged:
        return s.ack.has_value();
    case Filter::All:
        return true;
    }
    return false;
}

void AlertListModel::refresh()
{
    QList<AlertStatus> rows;
    for (const AlertStatus& s : m_engine->alerts()) {
        if (accepts(s))
            rows << s;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const AlertStatus& a, const AlertStatus& b) {
        return a.severity > b.severity;
    });
    const bool sameKeys =
        rows.size() == m_rows.size() &&
        std::equal(rows.begin(), rows.end(), m_rows.begin(),
                   [](const AlertStatus& a, const AlertStatus& b) { return a.key == b.key; });
    if (sameKeys) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int AlertListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AlertListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertListModel::timeLeft(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, (ms + 999) / 1000);
    if (s < 60)
        return tr("%n s", nullptr, int(s));
    if (s < 3600)
        return tr("%1 min").arg((s + 59) / 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QVariant AlertListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const AlertStatus& s = m_rows[index.row()];
    const qint64 now = m_engine->clock()->nowMs();
    switch (role) {
    case RuleRole:
        return s.key.rule;
    case TargetRole:
        return s.key.target;
    case SeverityRole:
        return int(s.severity);
    case StateRole:
        return int(s.state);
    case AcknowledgedRole:
        return s.ack.has_value();
    case SnoozedRole:
        return s.isSnoozed(now);
    case FlappingRole:
        return s.flapping;
    case Qt::ToolTipRole:
        return s.detail.isEmpty() ? s.summary : s.summary + u'\n' + s.detail;
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case SeverityColumn:
        return severityName(s.severity);
    case AlertColumn:
        return s.key.rule;
    case TargetColumn:
        return s.key.target;
    case StateColumn: {
        QString text = alertStateTitle(s.state);
        if (s.flapping)
            text += tr(" (flapping)");
        if (s.ack && s.isFiring())
            text += tr(" · ✓ acked"); // the badge: still firing, someone is on it
        return text;
    }
    case SinceColumn:
        return tr("%1 (%2 ago)").arg(formatTimeOfDay(s.sinceMs), formatElapsed(now - s.sinceMs));
    case ValueColumn: {
        const AlertRule* rule = m_engine->rule(s.key.rule);
        return rule ? formatSignalValue(*rule, s.value)
                    : (std::isnan(s.value) ? QStringLiteral("—") : formatNumber(s.value));
    }
    case OverlayColumn: {
        QStringList parts;
        if (s.ack)
            parts
                << (s.ack->untilMs > 0
                        ? tr("Acked by %1 (%2 left): %3")
                              .arg(s.ack->author, timeLeft(s.ack->untilMs - now), s.ack->comment)
                        : tr("Acked by %1 until resolved: %2").arg(s.ack->author, s.ack->comment));
        if (s.isSnoozed(now))
            parts << tr("Snoozed by %1, %2 left")
                         .arg(s.snooze->author, timeLeft(s.snooze->untilMs - now));
        return parts.join(QStringLiteral("; "));
    }
    case SummaryColumn:
        return s.detail.isEmpty() ? s.summary : s.detail;
    default:
        return {};
    }
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case AlertColumn:
        return tr("Alert");
    case TargetColumn:
        return tr("Target");
    case StateColumn:
        return tr("State");
    case SinceColumn:
        return tr("Since");
    case ValueColumn:
        return tr("Value");
    case OverlayColumn:
        return tr("Acknowledged / snoozed");
    case SummaryColumn:
        return tr("Summary");
    default:
        return {};
    }
}

} // namespace ops
