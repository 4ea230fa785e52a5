#pragma once

#include "models/deploy/GatewaySampler.h"
#include "models/deploy/VerifyCheck.h"
#include "models/net/ApiRequest.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace ops {

class Clock;

struct SoakOptions {
    int polls = 5;               // all components healthy for this many polls
    int intervalMs = 5000;       // between polls
    double maxAvgLatencyS = 1.0; // the alert thresholds
    double maxErrorRatio = 0.05;
};

struct VerifyStepResult {
    // Skipped: the step could not be measured on this gateway (a soak error rate without error
    // counters). It is not a pass: the summary says so, though it does not fail the report.
    enum class Outcome { Pending, Passed, Failed, CouldNotRun, Skipped };
    QString name;
    QString path; // empty for soak steps
    QString expectation;
    Outcome outcome = Outcome::Pending;
    QString detail; // what was found, in words
    int httpStatus = 0;
    qint64 elapsedMs = 0;

    // "passed", "failed", "could not run", "skipped", "pending"
    static QString outcomeName(Outcome outcome);
};

struct VerifyReport {
    QList<VerifyStepResult> steps;
    bool passed = false;
    bool couldNotRun = false; // the gateway gave no HTTP answer at all
    bool soaked = false;
    WindowStats soak;

    QString summary() const; // "5 of 8 steps passed" ...
};

// Verification after a deploy went live: the checklist (each check a GET and its expectation),
// then optionally a soak (every component healthy for N polls, average latency and error
// ratio inside the thresholds over the window). Each step is reported as it finishes.
class DeployVerifier : public QObject {
    Q_OBJECT

public:
    DeployVerifier(QNetworkAccessManager* network, const Clock* clock, QObject* parent = nullptr);
    ~DeployVerifier() override;

    void setBaseUrl(const QUrl& url) { m_baseUrl = url; }
    QUrl baseUrl() const { return m_baseUrl; }
    void setApiKey(const ApiKey& key) { m_policy.key = key; }
    // The gateway's transport rules (ConnectionPolicy::forTarget): pin, plain http, deadlines.
    void setPolicy(const ConnectionPolicy& policy) { m_policy = policy; }
    const ConnectionPolicy& policy() const { return m_policy; }
    void setChecks(const QList<VerifyCheck>& checks) { m_checks = checks; }
    const QList<VerifyCheck>& checks() const { return m_checks; }
    // Without soak options only the checklist runs.
    void setSoak(std::optional<SoakOptions> soak) { m_soak = soak; }
    // The read deadline (and at most the connect deadline) of every request.
    void setTimeoutMs(int ms);

    // The steps that start() will run, all pending (for a view to list up front).
    QList<VerifyStepResult> plannedSteps() const;
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    const VerifyReport& report() const { return m_report; }

signals:
    void stepStarted(int index);
    void stepFinished(int index, const ops::VerifyStepResult& result);
    // During the soak: one poll done.
    void soakProgress(int poll, int polls, const ops::GatewaySample& sample);
    void finished(const ops::VerifyReport& report);

private:
    void runCheck(int index);
    void startSoak();
    void finishSoak(const WindowStats& stats);
    void finish();

    const Clock* m_clock;
    QUrl m_baseUrl;
    ConnectionPolicy m_policy;
    QList<VerifyCheck> m_checks = VerifyCheck::planDefaults();
    std::optional<SoakOptions> m_soak;
    bool m_running = false;
    VerifyReport m_report;
    ApiCaller m_calls;
    GatewaySampler m_sampler;
    qint64 m_stepStartMs = 0;
    int m_answered = 0;
    QStringList m_unhealthy;
};

} // namespace ops
