#pragma once

#include "models/alerts/AlertRule.h"
#include "models/alerts/AlertTypes.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <deque>
#include <optional>

namespace ops {

class AlertStore;
class Clock;

// Evaluates rules per target over what it was fed, on the injected Clock.
//
// States: normal -> pending (condition true, waiting `for`) -> firing -> recovering (condition
// false, holding `keep_firing_for`) -> normal; no data and error are states of their own, chosen
// by the rule's policies. Acknowledgement and snooze are overlays; an ack clears itself when the
// alert resolves (or at its expiry), a snooze ends at its time and re-arms notifications.
// Flapping: weighted share of state changes over the last 21 evaluations (weights 0.8 oldest to
// 1.2 newest) at or above the high mark marks the alert flapping, below the low mark settles it.
class AlertEngine : public QObject {
    Q_OBJECT
public:
    static constexpr int kFlapEvaluations = 21;

    explicit AlertEngine(const Clock* clock, AlertStore* store = nullptr,
                         QObject* parent = nullptr);
    ~AlertEngine() override;

    const Clock* clock() const { return m_clock; }
    AlertStore* store() const { return m_store; }

    void setRules(const QList<AlertRule>& rules);
    const QList<AlertRule>& rules() const { return m_rules; }
    const AlertRule* rule(const QString& name) const;
    void setFlapThresholds(double high, double low);

    // Restores current states, acks and snoozes from the store (after a restart); each alert
    // reappears with its target's first evaluation.
    void restoreFromStore();

    QList<AlertStatus> alerts() const;
    std::optional<AlertStatus> alert(const AlertKey& key) const;
    // The worst severity among firing alerts, or nothing.
    std::optional<AlertSeverity> worstFiringSeverity() const;
    // What fires now, counted in one place for everything that shows it (the firing strip, the
    // Alerts tab's badge, the page's header, the tray): an acknowledged alert that still fires
    // counts as firing (and as acknowledged).
    struct Counts {
        int firing = 0;
        int acknowledged = 0; // of the firing ones
        int critical = 0;     // of the firing ones
        int pending = 0;
        int noData = 0;
        int errors = 0;
    };
    Counts counts() const;

    // History for chart markers: every transition with from <= time < to (stored ones when a
    // store is attached, else those of this run; both when the store is read-only).
    QList<AlertTransition> transitionsBetween(qint64 fromMs, qint64 toMs) const;

public slots:
    // One poll of one target: the points go into each rule's window, then every rule of the
    // target is evaluated at sample.timeMs.
    void evaluate(const ops::EvaluationSample& sample);
    // Re-evaluates every target at the clock's time without new points (stale, no data,
    // `for` and keep-firing holds, ack and snooze expiry). Call it on a timer.
    void tick();

public:
    // Acknowledge until resolved (untilMs 0) or until a time. False when there is nothing to ack.
    bool acknowledge(const AlertKey& key, const QString& author, const QString& comment,
                     qint64 untilMs = 0);
    bool unacknowledge(const AlertKey& key, const QString& author);
    bool snooze(const AlertKey& key, qint64 durationMs, const QString& author,
                const QString& comment);
    bool unsnooze(const AlertKey& key, const QString& author);

    static QString defaultAuthor(); // the OS user name

signals:
    void transition(const ops::AlertTransition& transition);
    // After each evaluation pass (the notifier reconciles here).
    void evaluated();
    void alertsChanged();

private:
    struct Entry {
        AlertStatus status;
        std::deque<std::pair<qint64, double>> points;
        std::deque<bool> changes; // the last kFlapEvaluations evaluations: did the state change
        qint64 recoveringSinceMs = 0;
        qint64 pendingSinceMs = 0;
    };
    struct TargetInfo {
        qint64 sampleMs = 0;
        qint64 firstSampleMs = 0; // no data is only declared after a grace period from here
        qint64 lastSuccessMs = 0;
        qint64 intervalMs = 5000;
        bool answered = true;
        ConnectionState connection = ConnectionState::Connecting;
        QString detail;
    };

    Entry& entryFor(const AlertRule& rule, const QString& target);
    double pointFrom(const AlertRule& rule, const EvaluationSample& sample, bool* error) const;
    void evaluateEntry(Entry& entry, const AlertRule& rule, const TargetInfo& target, qint64 nowMs);
    // What one evaluation says: alerting (true), healthy (false), neither (keep the state as it
    // is), or a state of its own (NoData, Error) the rule's policies ask for.
    struct Verdict {
        std::optional<bool> condition;
        std::optional<AlertState> special;
    };
    Verdict judge(Entry& entry, const AlertRule& rule, const TargetInfo& target, double value,
                  qint64 nowMs) const;
    // The state a condition leads to from the entry's (pending for `for`, recovering for
    // `keep_firing_for`); notes when pending or recovering began.
    AlertState nextState(Entry& entry, const AlertRule& rule, bool alerting, qint64 nowMs) const;
    // Counts the evaluation in the flapping window; records Flapping / Settled when it crosses.
    void updateFlapping(Entry& entry, bool changed, qint64 nowMs);
    double windowValue(const Entry& entry, const AlertRule& rule, const TargetInfo& target,
                       qint64 nowMs) const;
    void setState(Entry& entry, const AlertRule& rule, AlertState to, qint64 nowMs);
    void expireOverlays(Entry& entry, qint64 nowMs);
    void record(AlertTransition transition, Entry* entry);
    void recordOverlay(Entry& entry, TransitionKind kind, qint64 timeMs, const QString& author,
                       const QString& comment, qint64 untilMs);
    void saveStatus(const Entry& entry);
    bool isDataSignal(const AlertRule& rule) const;

    const Clock* m_clock;
    AlertStore* m_store;
    QList<AlertRule> m_rules;
    QHash<AlertKey, Entry> m_entries;
    // Restored after a restart, taken over when their target is evaluated again (an alert of a
    // target no longer watched does not linger as firing).
    QHash<AlertKey, Entry> m_restored;
    QHash<QString, TargetInfo> m_targets;
    QList<AlertTransition> m_history; // this run's, bounded
    double m_flapHigh = 0.4;
    double m_flapLow = 0.2;
};

} // namespace ops
