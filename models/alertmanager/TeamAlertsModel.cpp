#include "models/alertmanager/TeamAlertsModel.h"

#include <QDateTime>
#include <algorithm>

namespace ops {

TeamAlertsModel::TeamAlertsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void TeamAlertsModel::setAlerts(const QString& alertmanager, const QList<AmAlert>& alerts,
                                const QList<AmSilence>& silences)
{
    m_sources.insert(alertmanager, {alerts, silences});
    rebuild();
}

void TeamAlertsModel::clearAlertmanager(const QString& alertmanager)
{
    if (m_sources.remove(alertmanager))
        rebuild();
}

void TeamAlertsModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    for (auto it = m_sources.cbegin(); it != m_sources.cend(); ++it) {
        QHash<QString, AmSilence> byId;
        for (const AmSilence& s : it.value().second)
            byId.insert(s.id, s);
        for (const AmAlert& alert : it.value().first) {
            Row row;
            row.alertmanager = it.key();
            row.alert = alert;
            for (const QString& id : alert.silencedBy) {
                if (byId.contains(id))
                    row.silences.append(byId.value(id));
            }
            m_rows.append(row);
        }
    }
    // Unsilenced first, then the newest first.
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const Row& a, const Row& b) {
        const bool sa = !a.alert.silencedBy.isEmpty();
        const bool sb = !b.alert.silencedBy.isEmpty();
        if (sa != sb)
            return !sa;
        return a.alert.startsAtMs > b.alert.startsAtMs;
    });
    endResetModel();
}

int TeamAlertsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TeamAlertsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TeamAlertsModel::acknowledgedBy(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    QStringList parts;
    for (const AmSilence& s : m_rows.at(row).silences) {
        QString text = s.createdBy.isEmpty() ? tr("(unknown)") : s.createdBy;
        if (!s.comment.isEmpty())
            text += QStringLiteral(": ") + s.comment;
        text += tr(" (until %1)")
                    .arg(QDateTime::fromMSecsSinceEpoch(s.endsAtMs)
                             .toLocalTime()
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        parts << text;
    }
    return parts.join(QStringLiteral("; "));
}

QVariant TeamAlertsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const AmAlert& a = row.alert;
    switch (role) {
    case LabelsRole: {
        QVariantMap map;
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            map.insert(it.key(), it.value());
        return map;
    }
    case SilencedRole:
        return !a.silencedBy.isEmpty();
    case StartsAtRole:
        return a.startsAtMs;
    case AlertmanagerRole:
        return row.alertmanager;
    case Qt::ToolTipRole: {
        QStringList labels;
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            labels << it.key() + u'=' + it.value();
        QString tip = labels.join(u'\n');
        const QString summary = a.annotations.value(QStringLiteral("summary"));
        if (!summary.isEmpty())
            tip = summary + u'\n' + tip;
        return tip;
    }
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Alert:
        return a.labels.value(QStringLiteral("alertname"));
    case Target: {
        for (const char* key : {"target", "instance", "job", "service"}) {
            const QString value = a.labels.value(QString::fromLatin1(key));
            if (!value.isEmpty())
                return value;
        }
        return QString();
    }
    case Severity:
        return a.labels.value(QStringLiteral("severity"));
    case State:
        return a.state;
    case Since:
        return a.startsAtMs > 0 ? QDateTime::fromMSecsSinceEpoch(a.startsAtMs)
                                      .toLocalTime()
                                      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                : QString();
    case AcknowledgedBy:
        return acknowledgedBy(index.row());
    case Source:
        return a.labels.value(QStringLiteral("source"), row.alertmanager);
    default:
        return {};
    }
}

QVariant TeamAlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Alert:
        return tr("Alert");
    case Target:
        return tr("Target");
    case Severity:
        return tr("Severity");
    case State:
        return tr("State");
    case Since:
        return tr("Since");
    case AcknowledgedBy:
        return tr("Acknowledged by");
    case Source:
        return tr("Source");
    default:
        return {};
    }
}

} // namespace ops
