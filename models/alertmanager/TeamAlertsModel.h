#pragma once

#include "models/alertmanager/AlertmanagerClient.h"

#include <QAbstractTableModel>
#include <QHash>

namespace ops {

// The team's alerts as an Alertmanager holds them (several Alertmanagers merged), with who
// acknowledged what: an alert silenced by a silence shows its createdBy, comment and end.
class TeamAlertsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Alert, Target, Severity, State, Since, AcknowledgedBy, Source, ColumnCount };
    enum Role {
        LabelsRole = Qt::UserRole + 1, // QVariantMap of every label
        SilencedRole,                  // bool
        StartsAtRole,                  // qint64 ms
        AlertmanagerRole,              // the Alertmanager's URL
    };

    explicit TeamAlertsModel(QObject* parent = nullptr);

    // Replaces what `alertmanager` (its URL) holds.
    void setAlerts(const QString& alertmanager, const QList<AmAlert>& alerts,
                   const QList<AmSilence>& silences);
    void clearAlertmanager(const QString& alertmanager);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "alice: rolling back (until 14:05)" for the alert at row, or "".
    QString acknowledgedBy(int row) const;

private:
    struct Row {
        QString alertmanager;
        AmAlert alert;
        QList<AmSilence> silences; // the active silences that silence it
    };
    void rebuild();

    QHash<QString, QPair<QList<AmAlert>, QList<AmSilence>>> m_sources;
    QList<Row> m_rows;
};

} // namespace ops
