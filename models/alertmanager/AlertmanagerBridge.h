#pragma once

#include "models/alertmanager/AlertmanagerClient.h"

#include <QHash>
#include <QObject>
#include <QSet>

namespace ops {

class AlertEngine;
class Clock;
class SilenceKeeper;
struct AlertStatus;
struct AlertTransition;

// The labels an alert of the console carries in Alertmanager: alertname (the rule), target,
// severity and source="bhiv-ops". A silence for its acknowledgement matches all of them but
// severity (a severity change must not lift the ack).
QMap<QString, QString> amLabelsFor(const AlertStatus& status);
QMap<QString, QString> amSilenceLabelsFor(const QString& rule, const QString& target);
// The alert as pushed: startsAt = firing since, endsAt = nowMs + validForMs (resent before).
AmAlert amAlertFor(const AlertStatus& status, qint64 nowMs, qint64 validForMs);

// Pushes the console's firing alerts of some targets to one Alertmanager, resends them before
// they run out, sends a resolved alert (endsAt = now) when one stops firing, and turns the
// operator's acknowledgements into silences kept until the alert resolves. Each pass, an
// acknowledged firing alert whose silence is not kept yet (an ack restored after a restart) is
// adopted: its existing silence reused, or one created.
class AlertmanagerBridge : public QObject {
    Q_OBJECT
public:
    AlertmanagerBridge(AlertEngine* engine, AlertmanagerClient* client, SilenceKeeper* keeper,
                       const Clock* clock, QObject* parent = nullptr);

    // The targets whose alerts go to this Alertmanager.
    void setTargets(const QSet<QString>& targets) { m_targets = targets; }
    void setResendInterval(qint64 ms) { m_resendMs = qMax<qint64>(1000, ms); }

    // Pushes now what is due (called after each evaluation pass).
    void sync();
    QString lastError() const { return m_lastError; }
    int pushes() const { return m_pushes; }

signals:
    void pushed(int alerts);
    void failed(const QString& error);

private:
    void onTransition(const AlertTransition& transition);

    AlertEngine* m_engine;
    AlertmanagerClient* m_client;
    SilenceKeeper* m_keeper;
    const Clock* m_clock;
    QSet<QString> m_targets;
    qint64 m_resendMs = 60'000;
    qint64 m_lastPushMs = 0;
    QSet<QString> m_firing; // keys pushed as firing
    bool m_inFlight = false;
    QString m_lastError;
    int m_pushes = 0;
};

} // namespace ops
