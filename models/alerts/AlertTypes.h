#pragma once

#include "models/alerts/AlertRule.h"
#include "models/domain/ConnectionState.h"
#include "models/domain/HealthSnapshot.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <functional>
#include <limits>
#include <optional>

namespace ops {

enum class AlertState { Normal, Pending, Firing, Recovering, NoData, Error };
QString alertStateName(AlertState state);  // "normal", "pending", ... (stable, stored)
QString alertStateTitle(AlertState state); // translated, for people
bool alertStateFromName(const QString& name, AlertState* out);

// What an alert transition records: a state change (from -> to), an overlay set or withdrawn
// (ack, snooze), or the flapping detector's verdict. Text only where it is stored or exported.
enum class TransitionKind { State, Ack, Unack, Snooze, Unsnooze, Flapping, Settled };
QString transitionKindName(TransitionKind kind); // "state", "ack", ... (stable, stored)
std::optional<TransitionKind> transitionKindFromName(QStringView name);

// An alert is one rule on one target.
struct AlertKey {
    QString rule;
    QString target;
    bool operator==(const AlertKey&) const = default;
    QString toString() const { return rule + QStringLiteral(" @ ") + target; }
};
inline size_t qHash(const AlertKey& key, size_t seed = 0)
{
    return qHashMulti(seed, key.rule, key.target);
}

struct Acknowledgement {
    QString author;
    QString comment;
    qint64 atMs = 0;
    qint64 untilMs = 0; // 0: until the alert resolves
};

struct Snooze {
    QString author;
    QString comment;
    qint64 atMs = 0;
    qint64 untilMs = 0;
};

// What happened to an alert. Kind State is a state change (from -> to); the overlays and
// flapping have kinds of their own so one history holds all of it.
struct AlertTransition {
    qint64 id = 0; // row id once stored
    qint64 timeMs = 0;
    QString rule;
    QString target;
    TransitionKind kind = TransitionKind::State;
    AlertState from = AlertState::Normal;
    AlertState to = AlertState::Normal;
    double value = std::numeric_limits<double>::quiet_NaN();
    double threshold = std::numeric_limits<double>::quiet_NaN();
    AlertSeverity severity = AlertSeverity::Warning;
    QString author;
    QString comment;
    qint64 untilMs = 0;
    AlertKey key() const { return {rule, target}; }
};

struct AlertStatus {
    AlertKey key;
    AlertSeverity severity = AlertSeverity::Warning;
    AlertState state = AlertState::Normal;
    qint64 sinceMs = 0;       // when the current state began
    qint64 activeSinceMs = 0; // pending/firing episode start (0 when normal)
    qint64 firingSinceMs = 0; // 0 unless the episode reached firing
    double value = std::numeric_limits<double>::quiet_NaN(); // latest window value
    double threshold = 0;
    QString summary;            // rule summary with {value}/{threshold} filled in
    QString detail;             // why no data / error
    bool episodeFiring = false; // the open episode has fired (stays true through no data/error)
    std::optional<Acknowledgement> ack;
    std::optional<Snooze> snooze;
    bool flapping = false;
    double flapShare = 0; // weighted share of state changes over the last evaluations (0..1)
    qint64 lastEvaluatedMs = 0;

    bool isFiring() const { return state == AlertState::Firing || state == AlertState::Recovering; }
    bool isAcknowledged() const { return ack.has_value(); }
    bool isSnoozed(qint64 nowMs) const { return snooze && snooze->untilMs > nowMs; }
};

// What the console knows about one target at one poll: the engine's only input. The app fills
// it from TargetMonitor (+ SignalBoard); tests build it by hand.
struct EvaluationSample {
    QString target;
    qint64 timeMs = 0;
    ConnectionState connection = ConnectionState::Up;
    QString connectionDetail;
    qint64 lastSuccessMs = 0; // 0: never answered
    qint64 intervalMs = 5000; // the poll interval (for "stale", in intervals)
    bool answered = true;     // this poll produced usable data
    QHash<QString, HealthState> components;
    // Signal name (AlertSignals) -> value; NaN or absent: no data.
    QHash<QString, double> values;
    // Metric by name: the values of every series of `metric` that matches all matchers.
    std::function<QList<double>(const QString& metric, const QList<LabelMatcher>& matchers)>
        metricLookup;

    void set(const char* signal, double value)
    {
        values.insert(QString::fromLatin1(signal), value);
    }
};

} // namespace ops

Q_DECLARE_METATYPE(ops::AlertTransition)
Q_DECLARE_METATYPE(ops::AlertState)
Q_DECLARE_METATYPE(ops::TransitionKind)
