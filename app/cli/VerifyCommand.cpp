#include "app/cli/VerifyCommand.h"

#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/deploy/DeployVerifier.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <cstdio>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("verify", text);
}

} // namespace

QJsonObject verifyReportJson(const VerifyReport& report)
{
    QJsonArray checks;
    for (const VerifyStepResult& s : report.steps) {
        QJsonObject o{{QStringLiteral("name"), s.name},
                      {QStringLiteral("expectation"), s.expectation},
                      {QStringLiteral("result"), VerifyStepResult::outcomeName(s.outcome)},
                      {QStringLiteral("detail"), s.detail},
                      {QStringLiteral("elapsed_ms"), s.elapsedMs}};
        if (!s.path.isEmpty()) {
            o.insert(QStringLiteral("path"), s.path);
        }
        if (s.httpStatus) {
            o.insert(QStringLiteral("http_status"), s.httpStatus);
        }
        checks.append(o);
    }
    QJsonObject root{{QStringLiteral("passed"), report.passed},
                     {QStringLiteral("could_not_run"), report.couldNotRun},
                     {QStringLiteral("summary"), report.summary()},
                     {QStringLiteral("checks"), checks}};
    if (report.soaked) {
        root.insert(
            QStringLiteral("soak"),
            QJsonObject{
                {QStringLiteral("polls"), report.soak.polls},
                {QStringLiteral("healthy_polls"), report.soak.healthyPolls},
                {QStringLiteral("avg_latency_s"),
                 report.soak.avgLatencyS ? QJsonValue(*report.soak.avgLatencyS) : QJsonValue()},
                {QStringLiteral("error_ratio"),
                 report.soak.errorRatio ? QJsonValue(*report.soak.errorRatio) : QJsonValue()}});
    }
    return root;
}

VerifyCommand::VerifyCommand()
    : CliCommand(QStringLiteral("verify"),
                 tr("Run the deployment checklist against a gateway (the plan's "
                    "verify-deployment.sh)."))
{
    addGatewayOptions(15);
    addJsonOption();
    addOptions({
        {QStringLiteral("checks"), tr("A JSON checklist to run instead of the plan's (- : stdin)."),
         QStringLiteral("FILE")},
        {QStringLiteral("soak"), tr("Also soak: this many polls of health, latency and errors."),
         QStringLiteral("POLLS")},
        {QStringLiteral("soak-interval"), tr("Seconds between soak polls (default 5)."),
         QStringLiteral("SECONDS"), QStringLiteral("5")},
        {QStringLiteral("max-latency"), tr("Soak: highest average latency in seconds (default 1)."),
         QStringLiteral("SECONDS"), QStringLiteral("1.0")},
        {QStringLiteral("max-error-ratio"), tr("Soak: highest error ratio, 0 to 1 (default 0.05)."),
         QStringLiteral("RATIO"), QStringLiteral("0.05")},
    });
}

int VerifyCommand::execute()
{
    CliFailure failure;
    std::optional<QList<VerifyCheck>> checks;
    if (isSet(QStringLiteral("checks"))) {
        QByteArray data;
        if (!readInput(value(QStringLiteral("checks")), &data, &failure))
            return fail(failure);
        QString error;
        checks = VerifyCheck::listFromJson(data, &error);
        if (!checks)
            return fail(ExitCode::Usage, tr("--checks: %1").arg(error));
    }
    std::optional<SoakOptions> soak;
    if (isSet(QStringLiteral("soak"))) {
        const auto polls = intOption(QStringLiteral("soak"), 1, 100000, &failure);
        const auto interval =
            polls ? secondsOption(QStringLiteral("soak-interval"), 0.001, 3600, &failure)
                  : std::nullopt;
        const auto maxLatency =
            interval ? secondsOption(QStringLiteral("max-latency"), 0, 3600, &failure)
                     : std::nullopt;
        const auto maxErrors = maxLatency
                                   ? numberOption(QStringLiteral("max-error-ratio"), 0, 1, &failure)
                                   : std::nullopt;
        if (!maxErrors)
            return fail(failure);
        soak = SoakOptions{*polls, std::max(1, int(*interval * 1000)), *maxLatency, *maxErrors};
    }
    const auto gateway = resolveGateway(&failure);
    if (!gateway)
        return fail(failure);
    const QUrl url = gateway->target.baseUrl;

    SystemClock clock;
    QNetworkAccessManager network;
    DeployVerifier verifier(&network, &clock);
    verifier.setBaseUrl(url);
    verifier.setPolicy(ConnectionPolicy::forTarget(gateway->target, ApiKey(gateway->apiKey)));
    verifier.setTimeoutMs(gateway->timeoutMs);
    if (checks)
        verifier.setChecks(*checks);
    verifier.setSoak(soak);
    if (!json()) {
        QObject::connect(&verifier, &DeployVerifier::stepFinished, &verifier,
                         [this](int, const VerifyStepResult& s) {
                             print(QStringLiteral("%1 %2 — %3\n")
                                       .arg(QLatin1Char('[') +
                                                VerifyStepResult::outcomeName(s.outcome) +
                                                QLatin1Char(']'),
                                            -13)
                                       .arg(s.name, s.detail));
                             std::fflush(stdout);
                         });
    }
    bool finished = false;
    QObject::connect(&verifier, &DeployVerifier::finished, &verifier, [&] {
        finished = true;
        quitLoop();
    });
    verifier.start();
    waitUntil([&] { return finished; });
    const VerifyReport& report = verifier.report();
    if (json()) {
        QJsonObject root = verifyReportJson(report);
        root.insert(QStringLiteral("url"), url.toString(QUrl::RemoveUserInfo));
        printJson(root);
    } else {
        print(report.summary() + QLatin1Char('\n'));
    }
    AuditLog audit;
    DeployAudit::record(&audit, &clock, gateway->displayName(), DeployAction::Verify,
                        url.toString(QUrl::RemoveUserInfo), verifyReportJson(report),
                        report.couldNotRun ? QStringLiteral("error: could not run")
                        : report.passed    ? QStringLiteral("ok")
                                           : QStringLiteral("failed"));
    return int(report.couldNotRun ? ExitCode::CouldNotRun
               : report.passed    ? ExitCode::Ok
                                  : ExitCode::CheckFailed);
}

} // namespace ops
