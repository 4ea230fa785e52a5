#include "app/cli/DeployCommand.h"

#include "app/cli/VerifyCommand.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/deploy/DeployFollower.h"
#include "models/deploy/DeployVerifier.h"
#include "models/deploy/RenderClient.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("deploy", text);
}

// Render refused the deploy: a refused key is an auth failure, anything else could not run.
CliFailure triggerFailure(const RenderError& error)
{
    const int status = error.httpStatus;
    if (status == 401 || status == 403)
        return {ExitCode::Auth, QStringLiteral("auth_failed"), error.message};
    return {ExitCode::CouldNotRun,
            status ? QStringLiteral("http_%1").arg(status) : QStringLiteral("could_not_run"),
            error.message};
}

} // namespace

DeployCommand::DeployCommand()
    : CliCommand(QStringLiteral("deploy"),
                 tr("Redeploy a Render service, follow it and verify the gateway.\n"
                    "The deploy is refused unless --confirm repeats the service id."))
{
    addGatewayOptions(30);
    addJsonOption(tr("Print one JSON object at the end; a failure as {\"error\": ...}."));
    addOptions({
        {QStringLiteral("render-api"),
         tr("Render API base URL (default %1).").arg(RenderClient::defaultBaseUrl().toString()),
         QStringLiteral("URL")},
        {QStringLiteral("service"),
         tr("Render service id (srv-...); with --target, its only service by default."),
         QStringLiteral("ID")},
        {QStringLiteral("render-key-stdin"),
         tr("Read the Render API key from the first line of stdin (before the gateway key); "
            "otherwise RENDER_API_KEY, or the saved target's key in the keychain.")},
        {QStringLiteral("confirm"), tr("The service id again: the deploy is refused otherwise."),
         QStringLiteral("ID")},
        {QStringLiteral("clear-cache"), tr("Clear the build cache.")},
        {QStringLiteral("wait"), tr("Follow the deploy until it finishes.")},
        {QStringLiteral("verify"), tr("After live, run the checklist (implies --wait).")},
        {QStringLiteral("poll-interval"), tr("Seconds between status polls (default 5)."),
         QStringLiteral("SECONDS"), QStringLiteral("5")},
        {QStringLiteral("no-audit"),
         tr("Deploy even when the audit log cannot be written (the deploy is then recorded "
            "nowhere).")},
    });
}

std::optional<DeployCommand::RenderConnection>
DeployCommand::renderConnection(const CliGateway& gateway, const QString& keyFromStdin,
                                CliFailure* failure)
{
    const auto usage = [failure](const QString& message, const QString& code) {
        *failure = {ExitCode::Usage, code, message};
        return std::nullopt;
    };
    const Target* saved = gateway.saved ? &gateway.target : nullptr;
    RenderConnection c;
    c.api = RenderClient::defaultBaseUrl();
    c.serviceId = value(QStringLiteral("service"));
    if (saved && c.serviceId.isEmpty() && saved->services.size() == 1)
        c.serviceId = saved->services.constFirst().serviceId;
    if (saved) {
        for (const RenderService& service : saved->services) {
            if (service.serviceId == c.serviceId)
                c.api = service.apiBaseUrl;
        }
    }
    if (isSet(QStringLiteral("render-api"))) {
        QString error;
        const auto api = parseGatewayUrl(value(QStringLiteral("render-api")), &error);
        if (!api)
            return usage(tr("--render-api: %1").arg(error), QStringLiteral("usage"));
        c.api = *api;
    }
    const QString confirm = value(QStringLiteral("confirm"));
    if (c.serviceId.isEmpty() || confirm != c.serviceId)
        return usage(tr("refused: --confirm must repeat the service id exactly (--service %1)")
                         .arg(c.serviceId.isEmpty() ? tr("is missing") : c.serviceId),
                     QStringLiteral("refused"));
    c.key = keyFromStdin;
    if (c.key.isEmpty())
        c.key = qEnvironmentVariable("RENDER_API_KEY");
    if (c.key.isEmpty() && saved) {
        // Only to the Render API it was entered for: a --render-api elsewhere does not get it.
        const SecretResult key =
            readTargetSecretSync(*saved, secretKeyRenderApiKey(saved->name), originOf(c.api));
        if (key.error == SecretError::OriginChanged) {
            *failure = originChangedFailure(saved->name, tr("Render API key"), key,
                                            tr("the console's targets dialog"));
            return std::nullopt;
        }
        if (!key.ok() && key.error != SecretError::NotFound) {
            *failure = {
                ExitCode::Keychain, QStringLiteral("keychain"),
                tr("the Render API key could not be read: %1").arg(secretErrorMessage(key.error))};
            return std::nullopt;
        }
        c.key = QString::fromUtf8(key.value);
    }
    if (c.key.isEmpty())
        return usage(tr("no Render API key: use --render-key-stdin, RENDER_API_KEY, or store "
                        "it for the target"),
                     QStringLiteral("usage"));
    return c;
}

int DeployCommand::execute()
{
    CliFailure failure;
    if (!isSet(QStringLiteral("target"))) {
        // Refused before anything is read or sent.
        const QString service = value(QStringLiteral("service"));
        if (service.isEmpty() || value(QStringLiteral("confirm")) != service)
            return fail(ExitCode::Usage,
                        tr("refused: --confirm must repeat the service id exactly (--service %1)")
                            .arg(service.isEmpty() ? tr("is missing") : service),
                        QStringLiteral("refused"));
    }
    const auto pollS = secondsOption(QStringLiteral("poll-interval"), 0.05, 3600, &failure);
    if (!pollS)
        return fail(failure);
    // Render's key is the first line of stdin, the gateway's the next.
    QString renderKey;
    if (isSet(QStringLiteral("render-key-stdin"))) {
        renderKey = QString::fromUtf8(readSecret(tr("Render API key")));
        if (renderKey.isEmpty())
            return fail(ExitCode::Usage, tr("--render-key-stdin: no key on stdin"));
    }
    const auto gateway = resolveGateway(&failure);
    if (!gateway)
        return fail(failure);
    // A viewer's target: no deploys, whichever front end asks (#17.5).
    if (gateway->saved && gateway->target.readOnly)
        return fail(ExitCode::Usage,
                    tr("refused: %1 is a read-only target (bhiv-ops targets add %1 --replace "
                       "--read-write changes that)")
                        .arg(gateway->target.name),
                    QStringLiteral("read_only"));
    const auto render = renderConnection(*gateway, renderKey, &failure);
    if (!render)
        return fail(failure);
    return run(*gateway, *render);
}

int DeployCommand::run(const CliGateway& gateway, const RenderConnection& connection)
{
    const bool verify = isSet(QStringLiteral("verify"));
    const bool wait = verify || isSet(QStringLiteral("wait"));
    const int pollMs = int(value(QStringLiteral("poll-interval")).toDouble() * 1000);
    const QString audited = gateway.displayName();

    SystemClock clock;
    QNetworkAccessManager network;
    RenderClient render(&network, &clock);
    render.setBaseUrl(connection.api);
    render.setApiKey(ApiKey::fromText(connection.key));
    render.setTimeoutMs(gateway.timeoutMs);
    AuditLog audit;
    if (const auto refused = openAudit(audit))
        return fail(*refused);
    const auto clearCache = isSet(QStringLiteral("clear-cache"))
                                ? RenderClient::ClearCache::Clear
                                : RenderClient::ClearCache::DoNotClear;
    QJsonObject out{
        {QStringLiteral("service"), connection.serviceId},
        {QStringLiteral("gateway"), gateway.target.baseUrl.toString(QUrl::RemoveUserInfo)}};
    int exitCode = int(ExitCode::Ok);

    RenderDeploy deploy;
    const std::optional<RenderError> triggerError =
        triggerDeploy(render, connection.serviceId, clearCache, &deploy);
    QJsonObject details{
        {QStringLiteral("clear_cache"), clearCache == RenderClient::ClearCache::Clear},
        {QStringLiteral("service"), connection.serviceId},
        {QStringLiteral("via"), QStringLiteral("cli")}};
    if (triggerError) {
        DeployAudit::record(&audit, &clock, audited, DeployAction::Trigger, connection.serviceId,
                            details, QStringLiteral("error: ") + triggerError->message);
        return fail(triggerFailure(*triggerError));
    }
    details.insert(QStringLiteral("deploy"), deploy.id);
    details.insert(QStringLiteral("commit"), deploy.commitId);
    // Recorded the moment Render accepts: a Ctrl-C while following still leaves it in the log.
    DeployAudit::record(&audit, &clock, audited, DeployAction::Trigger, deploy.id, details,
                        QStringLiteral("started: %1").arg(deploy.status));
    if (!json())
        print(tr("deploy %1 of %2 (commit %3): %4\n")
                  .arg(deploy.id, connection.serviceId, deploy.shortCommit(), deploy.statusText()));
    if (wait) {
        deploy = followDeploy(render, clock, pollMs, connection.serviceId, deploy);
        if (!deploy.isLive())
            exitCode = int(ExitCode::CheckFailed);
        DeployAudit::record(&audit, &clock, audited, DeployAction::Finished, deploy.id, details,
                            deploy.isLive() ? QStringLiteral("ok: live")
                                            : QStringLiteral("failed: %1").arg(deploy.status));
    }
    out.insert(QStringLiteral("deploy"), deploy.toJson());
    if (verify && deploy.isLive()) {
        const VerifyReport report = verifyDeploy(network, clock, gateway);
        QJsonObject reportJson = verifyReportJson(report);
        out.insert(QStringLiteral("verification"), reportJson);
        reportJson.insert(QStringLiteral("deploy"), deploy.id);
        DeployAudit::record(&audit, &clock, audited, DeployAction::Verify, deploy.id, reportJson,
                            report.passed ? QStringLiteral("ok") : QStringLiteral("failed"));
        if (!report.passed)
            exitCode = int(ExitCode::CheckFailed);
        printVerifyOutcome(report);
    }
    if (json()) {
        out.insert(QStringLiteral("exit_code"), exitCode);
        printJson(out);
    } else if (wait) {
        print(deploy.isLive() ? tr("deploy %1 is live\n").arg(deploy.id)
                              : tr("deploy %1 finished %2\n").arg(deploy.id, deploy.statusText()));
    }
    return exitCode;
}

std::optional<CliFailure> DeployCommand::openAudit(AuditLog& audit) const
{
    // A deploy changes the platform: it is recorded, or the operator says it may go unrecorded.
    const bool auditWritable = audit.open() && !audit.isReadOnly();
    if (!auditWritable && !isSet(QStringLiteral("no-audit")))
        return CliFailure{
            ExitCode::CouldNotRun, QStringLiteral("audit_unwritable"),
            tr("refused: the audit log cannot be written (%1), so this deploy would be "
               "recorded nowhere. Fix the audit log, or deploy anyway with --no-audit.")
                .arg(audit.errorString())};
    if (!auditWritable)
        note(tr("the audit log cannot be written (%1): this deploy is not recorded (--no-audit)")
                 .arg(audit.errorString()));
    return std::nullopt;
}

std::optional<RenderError> DeployCommand::triggerDeploy(RenderClient& render,
                                                        const QString& serviceId,
                                                        RenderClient::ClearCache clearCache,
                                                        RenderDeploy* deploy)
{
    std::optional<RenderError> error;
    bool answered = false;
    render.triggerDeploy(serviceId, clearCache, [&](const RenderResult<RenderDeploy>& r) {
        if (r.ok)
            *deploy = r.value;
        else
            error = r.error;
        answered = true;
        quitLoop();
    });
    waitUntil([&] { return answered; });
    return error;
}

RenderDeploy DeployCommand::followDeploy(RenderClient& render, const Clock& clock, int pollMs,
                                         const QString& serviceId, const RenderDeploy& started)
{
    RenderDeploy deploy = started;
    DeployFollower follower(&render, &clock);
    follower.setIntervals(pollMs, pollMs);
    QObject::connect(&follower, &DeployFollower::statusChanged, &follower,
                     [&](const RenderDeploy& d) {
                         if (!json() && d.status != deploy.status)
                             print(tr("  %1\n").arg(d.statusText()));
                         std::fflush(stdout);
                         deploy = d;
                     });
    QObject::connect(&follower, &DeployFollower::problem, &follower,
                     [&](const QString& message, qint64) {
                         if (!json())
                             printError(message);
                     });
    QObject::connect(&follower, &DeployFollower::finished, &follower, [&] { quitLoop(); });
    follower.follow(serviceId, deploy);
    waitUntil([&] { return !follower.isFollowing(); });
    return follower.deploy();
}

VerifyReport DeployCommand::verifyDeploy(QNetworkAccessManager& network, const Clock& clock,
                                         const CliGateway& gateway)
{
    DeployVerifier verifier(&network, &clock);
    verifier.setBaseUrl(gateway.target.baseUrl);
    verifier.setPolicy(ConnectionPolicy::forTarget(gateway.target, ApiKey(gateway.apiKey)));
    verifier.setTimeoutMs(gateway.timeoutMs);
    QObject::connect(
        &verifier, &DeployVerifier::stepFinished, &verifier, [&](int, const VerifyStepResult& s) {
            if (!json())
                print(QStringLiteral("  [%1] %2 — %3\n")
                          .arg(VerifyStepResult::outcomeName(s.outcome), s.name, s.detail));
            std::fflush(stdout);
        });
    bool verified = false;
    QObject::connect(&verifier, &DeployVerifier::finished, &verifier, [&] {
        verified = true;
        quitLoop();
    });
    verifier.start();
    waitUntil([&] { return verified; });
    return verifier.report();
}

void DeployCommand::printVerifyOutcome(const VerifyReport& report)
{
    if (json())
        return;
    print(report.summary() + QLatin1Char('\n'));
    if (!report.passed)
        print(tr("To roll back, use the console's Deploys page (an API rollback leaves "
                 "auto-deploy on: the next push redeploys the change).\n"));
}

} // namespace ops
