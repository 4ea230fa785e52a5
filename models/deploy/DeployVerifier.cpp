#include "models/deploy/DeployVerifier.h"

#include "models/domain/Clock.h"
#include "models/domain/Logging.h"

#include "models/net/ApiUrl.h"

#include <QUrlQuery>

namespace ops {

QString VerifyStepResult::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Pending:
        return QStringLiteral("pending");
    case Outcome::Passed:
        return QStringLiteral("passed");
    case Outcome::Failed:
        return QStringLiteral("failed");
    case Outcome::CouldNotRun:
        return QStringLiteral("could not run");
    case Outcome::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

QString VerifyReport::summary() const
{
    int passedSteps = 0;
    int skippedSteps = 0;
    for (const VerifyStepResult& s : steps) {
        passedSteps += s.outcome == VerifyStepResult::Outcome::Passed ? 1 : 0;
        skippedSteps += s.outcome == VerifyStepResult::Outcome::Skipped ? 1 : 0;
    }
    if (couldNotRun) {
        return DeployVerifier::tr("Verification could not run: the gateway did not answer");
    }
    const QString skipped =
        skippedSteps ? DeployVerifier::tr(", %n skipped (not measured)", nullptr, skippedSteps)
                     : QString();
    return DeployVerifier::tr("%1 of %2 steps passed%3: %4")
        .arg(passedSteps)
        .arg(steps.size())
        .arg(skipped,
             passed ? DeployVerifier::tr("verified") : DeployVerifier::tr("verification failed"));
}

DeployVerifier::DeployVerifier(QNetworkAccessManager* network, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_calls(network)
    , m_sampler(network, clock)
{
    m_policy.readTimeoutMs = 15000;
    connect(&m_sampler, &GatewaySampler::sampled, this,
            [this](int index, const GatewaySample& sample) {
                if (!sample.healthy) {
                    m_unhealthy << tr("poll %1: %2").arg(index + 1).arg(sample.healthText);
                }
                emit soakProgress(index + 1, m_soak ? m_soak->polls : 0, sample);
            });
    connect(&m_sampler, &GatewaySampler::finished, this, &DeployVerifier::finishSoak);
}

DeployVerifier::~DeployVerifier()
{
    cancel();
}

void DeployVerifier::setTimeoutMs(int ms)
{
    m_policy.readTimeoutMs = ms;
    m_policy.connectTimeoutMs = std::min(m_policy.connectTimeoutMs, ms);
}

QList<VerifyStepResult> DeployVerifier::plannedSteps() const
{
    QList<VerifyStepResult> steps;
    for (const VerifyCheck& c : m_checks) {
        VerifyStepResult s;
        s.name = c.name;
        s.path = c.path;
        s.expectation = c.expectationText();
        steps << s;
    }
    if (m_soak) {
        VerifyStepResult healthy;
        healthy.name = tr("Soak: every component healthy for %n poll(s)", nullptr, m_soak->polls);
        healthy.expectation =
            tr("%n poll(s), %1 s apart", nullptr, m_soak->polls).arg(m_soak->intervalMs / 1000.0);
        VerifyStepResult latency;
        latency.name = tr("Soak: average latency");
        latency.expectation = tr("at most %1 s").arg(m_soak->maxAvgLatencyS);
        VerifyStepResult errors;
        errors.name = tr("Soak: error rate");
        errors.expectation = tr("at most %1 %").arg(m_soak->maxErrorRatio * 100.0);
        steps << healthy << latency << errors;
    }
    return steps;
}

void DeployVerifier::start()
{
    cancel();
    m_report = {};
    m_report.steps = plannedSteps();
    m_answered = 0;
    m_unhealthy.clear();
    m_running = true;
    if (m_checks.isEmpty()) {
        startSoak();
        return;
    }
    runCheck(0);
}

void DeployVerifier::cancel()
{
    const bool wasRunning = m_running;
    m_running = false;
    m_sampler.stop();
    m_calls.cancelAll();
    Q_UNUSED(wasRunning)
}

void DeployVerifier::runCheck(int index)
{
    const VerifyCheck& check = m_checks.at(index);
    // A check's path is a fixed route, optionally with its query ("/v1/jobs?limit=1").
    const qsizetype q = check.path.indexOf(QLatin1Char('?'));
    const QUrl url = routeUrl(m_baseUrl, q < 0 ? check.path : check.path.left(q),
                              q < 0 ? QUrlQuery() : QUrlQuery(check.path.mid(q + 1)));
    m_stepStartMs = m_clock->nowMs();
    emit stepStarted(index);
    m_calls.send(ApiRequest::get(url, m_policy), [this, index](const ApiResult<ApiResponse>& r) {
        VerifyStepResult& step = m_report.steps[index];
        step.elapsedMs = m_clock->nowMs() - m_stepStartMs;
        if (!r.ok && r.error.kind != ApiErrorKind::Http) {
            step.outcome = VerifyStepResult::Outcome::CouldNotRun;
            step.detail = r.error.isTimeout()
                              ? tr("no answer within %1 s").arg(m_policy.readTimeoutMs / 1000.0)
                              : tr("no answer: %1").arg(r.error.message);
        } else {
            ++m_answered;
            step.httpStatus = r.value.status;
            QString found;
            const QString problem =
                m_checks.at(index).evaluate(step.httpStatus, r.value.body, &found);
            step.outcome = problem.isEmpty() ? VerifyStepResult::Outcome::Passed
                                             : VerifyStepResult::Outcome::Failed;
            step.detail = !problem.isEmpty() ? problem
                          : found.isEmpty()  ? tr("HTTP %1 as expected").arg(step.httpStatus)
                                             : tr("HTTP %1: %2").arg(step.httpStatus).arg(found);
        }
        qCInfo(lcDeploy).noquote()
            << "verify" << step.path << VerifyStepResult::outcomeName(step.outcome) << step.detail;
        emit stepFinished(index, step);
        if (!m_running) {
            return;
        }
        if (index + 1 < m_checks.size()) {
            runCheck(index + 1);
        } else if (m_answered == 0) {
            finish(); // nothing answered: no point soaking
        } else {
            startSoak();
        }
    });
}

void DeployVerifier::startSoak()
{
    if (!m_soak) {
        finish();
        return;
    }
    const int first = static_cast<int>(m_checks.size());
    emit stepStarted(first);
    m_stepStartMs = m_clock->nowMs();
    m_sampler.setBaseUrl(m_baseUrl);
    m_sampler.setPolicy(m_policy);
    m_sampler.start(m_soak->polls, m_soak->intervalMs);
}

void DeployVerifier::finishSoak(const WindowStats& stats)
{
    if (!m_running || !m_soak) {
        return;
    }
    const int first = static_cast<int>(m_checks.size());
    m_report.soaked = true;
    m_report.soak = stats;
    const qint64 elapsed = m_clock->nowMs() - m_stepStartMs;
    using Outcome = VerifyStepResult::Outcome;

    VerifyStepResult& healthy = m_report.steps[first];
    healthy.elapsedMs = elapsed;
    if (stats.answeredPolls == 0) {
        healthy.outcome = Outcome::CouldNotRun;
        healthy.detail = tr("the gateway did not answer /health/detailed");
    } else {
        healthy.outcome = stats.healthyPolls == stats.polls ? Outcome::Passed : Outcome::Failed;
        healthy.detail = tr("healthy in %1 of %2 polls").arg(stats.healthyPolls).arg(stats.polls);
        if (!m_unhealthy.isEmpty()) {
            healthy.detail += QStringLiteral(" (") + m_unhealthy.constFirst() + QLatin1Char(')');
        }
    }
    emit stepFinished(first, healthy);

    VerifyStepResult& latency = m_report.steps[first + 1];
    latency.elapsedMs = elapsed;
    if (!stats.avgLatencyS) {
        latency.outcome = Outcome::CouldNotRun;
        latency.detail = tr("the gateway reported no latency figure");
    } else {
        latency.outcome =
            *stats.avgLatencyS <= m_soak->maxAvgLatencyS ? Outcome::Passed : Outcome::Failed;
        latency.detail =
            stats.metricsStub
                ? tr("%1 s: the fixed figure of the gateway's JSON metrics stub, not a measurement")
                      .arg(*stats.avgLatencyS, 0, 'f', 3)
                : tr("%1 s average over the window").arg(*stats.avgLatencyS, 0, 'f', 3);
    }
    emit stepFinished(first + 1, latency);

    VerifyStepResult& errors = m_report.steps[first + 2];
    errors.elapsedMs = elapsed;
    if (!stats.errorRatio) {
        // Not measured is not passed: a stub without error counters, too few requests between
        // the polls (skipped, and said), or polls that never answered (could not run).
        errors.outcome = stats.answeredPolls == 0 ? Outcome::CouldNotRun : Outcome::Skipped;
        errors.detail = stats.answeredPolls == 0 ? tr("not measured: the gateway did not answer")
                        : stats.metricsStub
                            ? tr("not measured: the gateway's JSON metrics stub exports no error "
                                 "counters")
                            : tr("not measured: no error ratio in %n poll(s) (no requests between "
                                 "polls, or no error counters)",
                                 nullptr, stats.polls);
    } else {
        errors.outcome =
            *stats.errorRatio <= m_soak->maxErrorRatio ? Outcome::Passed : Outcome::Failed;
        errors.detail = tr("%1 % of requests failed").arg(*stats.errorRatio * 100.0, 0, 'f', 2);
    }
    emit stepFinished(first + 2, errors);
    finish();
}

void DeployVerifier::finish()
{
    m_running = false;
    // Passed: every step passed, or was skipped as not measurable; at least one passed.
    bool allPassed = true;
    bool anyPassed = false;
    for (const VerifyStepResult& s : m_report.steps) {
        allPassed = allPassed && (s.outcome == VerifyStepResult::Outcome::Passed ||
                                  s.outcome == VerifyStepResult::Outcome::Skipped);
        anyPassed = anyPassed || s.outcome == VerifyStepResult::Outcome::Passed;
    }
    allPassed = allPassed && anyPassed;
    m_report.couldNotRun = !m_checks.isEmpty() && m_answered == 0;
    m_report.passed = allPassed && !m_report.couldNotRun;
    emit finished(m_report);
}

} // namespace ops
