#pragma once

#include "models/alerts/AlertTypes.h"

#include <QObject>
#include <memory>
#include <vector>

namespace ops {

class AlertEngine;
class Clock;
class SignalBoard;
class TargetMonitor;
struct MetricSample;
struct PollResult;

// Feeds one target's polls to the alert engine: after every poll the monitor has taken in, it
// builds an EvaluationSample from the TargetMonitor (state, health, latency) and the target's
// derived signals, and calls AlertEngine::evaluate. The signals are the monitor's own (one parse
// per scrape); rules on a metric by name parse the last scrape again, only when such a rule
// exists and at most once per poll. setSignalBoard() overrides the source (tests).
class MonitorAlertFeed : public QObject {
    Q_OBJECT
public:
    MonitorAlertFeed(TargetMonitor* monitor, AlertEngine* engine, const Clock* clock,
                     QString targetName, QObject* parent = nullptr);
    ~MonitorAlertFeed() override;

    void setSignalBoard(const SignalBoard* board) { m_external = board; }
    QString targetName() const { return m_target; }
    TargetMonitor* monitor() const { return m_monitor; }

    // The sample as it would be evaluated now (public for tests and the status verb).
    EvaluationSample buildSample() const;

private:
    void onPollFinished(const PollResult& result);
    void evaluatePoll();
    struct Scrape;

    TargetMonitor* m_monitor;
    AlertEngine* m_engine;
    const Clock* m_clock;
    QString m_target;
    const SignalBoard* m_external = nullptr;
    std::shared_ptr<Scrape> m_lastScrape;
    bool m_pollPending = false;
    bool m_lastAnswered = false;
    ConnectionState m_lastState = ConnectionState::Connecting;
    QString m_lastDetail;
};

} // namespace ops
