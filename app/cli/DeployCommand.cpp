#include "app/cli/DeployCommand.h"

#include "app/cli/VerifyCommand.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/deploy/DeployFollower.h"
#include "models/deploy/DeployVerifier.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTextStream>

#include <cstdio>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("deploy", text);
}

void printErr(const QString& text)
{
    std::fprintf(stderr, "bhiv-ops deploy: %s\n", qPrintable(text));
}

void printOut(const QString& text)
{
    std::printf("%s\n", qPrintable(text));
    std::fflush(stdout);
}

bool httpUrl(const QUrl& url)
{
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https");
}

} // namespace

void addDeployConnectionOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {QStringLiteral("url"), tr("Gateway base URL (verified after the deploy)."),
         QStringLiteral("GATEWAY")},
        {QStringLiteral("render-api"),
         tr("Render API base URL (default %1).")
             .arg(ops::RenderClient::defaultBaseUrl().toString()),
         QStringLiteral("URL")},
        {QStringLiteral("service"), tr("Render service id (srv-...)."), QStringLiteral("ID")},
        {QStringLiteral("render-key-stdin"),
         tr("Read the Render API key from the first line of standard input.")},
        {QStringLiteral("api-key-stdin"),
         tr("Read the gateway API key from the next line of standard input.")},
    });
}

std::optional<DeployConnection> deployConnectionFromOptions(const QCommandLineParser& parser,
                                                            QString* error)
{
    DeployConnection c;
    c.gatewayUrl = QUrl::fromUserInput(parser.value(QStringLiteral("url")));
    if (!parser.isSet(QStringLiteral("url")) || !httpUrl(c.gatewayUrl)) {
        *error = tr("--url needs the gateway's http(s) URL");
        return std::nullopt;
    }
    c.targetName = c.gatewayUrl.toString();
    if (parser.isSet(QStringLiteral("render-api"))) {
        c.renderApi = QUrl::fromUserInput(parser.value(QStringLiteral("render-api")));
        if (!httpUrl(c.renderApi)) {
            *error = tr("--render-api needs an http(s) URL");
            return std::nullopt;
        }
    }
    c.serviceId = parser.value(QStringLiteral("service"));
    if (c.serviceId.isEmpty()) {
        *error = tr("--service needs the Render service id (srv-...)");
        return std::nullopt;
    }
    QTextStream in(stdin);
    if (parser.isSet(QStringLiteral("render-key-stdin"))) {
        c.renderKey = in.readLine().trimmed();
        if (c.renderKey.isEmpty()) {
            *error = tr("--render-key-stdin: no key on standard input");
            return std::nullopt;
        }
    } else {
        c.renderKey = qEnvironmentVariable("RENDER_API_KEY");
    }
    if (parser.isSet(QStringLiteral("api-key-stdin"))) {
        c.gatewayKey = in.readLine().trimmed();
    }
    if (c.renderKey.isEmpty()) {
        *error = tr("no Render API key: use --render-key-stdin or RENDER_API_KEY");
        return std::nullopt;
    }
    return c;
}

int runDeployCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Redeploy a Render service, follow it and verify the gateway.\n"
           "Exit 0: deployed (and verified); 1: the deploy or its verification failed;\n"
           "2: could not run; 3: refused (usage, --confirm not equal to --service)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("deploy"), QString());
    addDeployConnectionOptions(parser);
    parser.addOptions({
        {QStringLiteral("confirm"), tr("The service id again: the deploy is refused otherwise."),
         QStringLiteral("ID")},
        {QStringLiteral("clear-cache"), tr("Clear the build cache.")},
        {QStringLiteral("wait"), tr("Follow the deploy until it finishes.")},
        {QStringLiteral("verify"), tr("After live, run the checklist (implies --wait).")},
        {QStringLiteral("json"), tr("Print one JSON object at the end.")},
        {QStringLiteral("poll-interval"), tr("Seconds between status polls (default 5)."),
         QStringLiteral("SECONDS"), QStringLiteral("5")},
    });
    if (!parser.parse(arguments)) {
        printErr(parser.errorText());
        return 3;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::printf("%s", qPrintable(parser.helpText()));
        return 0;
    }
    const QString confirm = parser.value(QStringLiteral("confirm"));
    const QString service = parser.value(QStringLiteral("service"));
    if (confirm.isEmpty() || confirm != service) {
        printErr(tr("refused: --confirm must repeat the service id exactly (--service %1)")
                     .arg(service.isEmpty() ? tr("is missing") : service));
        return 3;
    }
    QString error;
    const auto connection = deployConnectionFromOptions(parser, &error);
    if (!connection) {
        printErr(error);
        return 3;
    }
    const bool verify = parser.isSet(QStringLiteral("verify"));
    const bool wait = verify || parser.isSet(QStringLiteral("wait"));
    const bool json = parser.isSet(QStringLiteral("json"));
    const int pollMs =
        std::max(50, int(parser.value(QStringLiteral("poll-interval")).toDouble() * 1000));

    ops::SystemClock clock;
    QNetworkAccessManager network;
    ops::RenderClient render(&network, &clock);
    render.setBaseUrl(connection->renderApi);
    render.setApiKey(connection->renderKey);
    ops::AuditLog audit;
    const auto clearCache = parser.isSet(QStringLiteral("clear-cache"))
                                ? ops::RenderClient::ClearCache::Clear
                                : ops::RenderClient::ClearCache::DoNotClear;
    QJsonObject out{{QStringLiteral("service"), connection->serviceId},
                    {QStringLiteral("gateway"), connection->gatewayUrl.toString()}};
    QEventLoop loop;
    int exitCode = 0;

    ops::RenderDeploy deploy;
    bool triggered = false;
    render.triggerDeploy(connection->serviceId, clearCache,
                         [&](const ops::RenderResult<ops::RenderDeploy>& r) {
                             if (r.ok) {
                                 deploy = r.value;
                                 triggered = true;
                             } else {
                                 error = r.error.message;
                             }
                             loop.quit();
                         });
    loop.exec();
    QJsonObject details{
        {QStringLiteral("clear_cache"), clearCache == ops::RenderClient::ClearCache::Clear},
        {QStringLiteral("service"), connection->serviceId},
        {QStringLiteral("via"), QStringLiteral("cli")}};
    if (!triggered) {
        ops::DeployAudit::record(&audit, &clock, connection->targetName,
                                 QLatin1String(ops::DeployAudit::kTrigger), connection->serviceId,
                                 details, QStringLiteral("error: ") + error);
        printErr(error);
        return 2;
    }
    details.insert(QStringLiteral("deploy"), deploy.id);
    details.insert(QStringLiteral("commit"), deploy.commitId);
    if (!json) {
        printOut(
            tr("deploy %1 of %2 (commit %3): %4")
                .arg(deploy.id, connection->serviceId, deploy.shortCommit(), deploy.statusText()));
    }
    if (wait) {
        ops::DeployFollower follower(&render, &clock);
        follower.setIntervals(pollMs, pollMs);
        QObject::connect(&follower, &ops::DeployFollower::statusChanged, &follower,
                         [&](const ops::RenderDeploy& d) {
                             if (!json && d.status != deploy.status) {
                                 printOut(tr("  %1").arg(d.statusText()));
                             }
                             deploy = d;
                         });
        QObject::connect(&follower, &ops::DeployFollower::problem, &follower,
                         [&](const QString& message, qint64) {
                             if (!json) {
                                 printErr(message);
                             }
                         });
        QObject::connect(&follower, &ops::DeployFollower::finished, &loop, &QEventLoop::quit);
        follower.follow(connection->serviceId, deploy);
        if (follower.isFollowing()) {
            loop.exec();
        }
        deploy = follower.deploy();
        if (!deploy.isLive()) {
            exitCode = 1;
        }
    }
    ops::DeployAudit::record(&audit, &clock, connection->targetName,
                             QLatin1String(ops::DeployAudit::kTrigger), deploy.id, details,
                             !wait             ? QStringLiteral("ok: %1").arg(deploy.status)
                             : deploy.isLive() ? QStringLiteral("ok: live")
                                               : QStringLiteral("failed: %1").arg(deploy.status));
    out.insert(QStringLiteral("deploy"), deploy.toJson());
    if (verify && deploy.isLive()) {
        ops::DeployVerifier verifier(&network, &clock);
        verifier.setBaseUrl(connection->gatewayUrl);
        verifier.setApiKey(connection->gatewayKey);
        QObject::connect(&verifier, &ops::DeployVerifier::stepFinished, &verifier,
                         [&](int, const ops::VerifyStepResult& s) {
                             if (!json) {
                                 printOut(QStringLiteral("  [%1] %2 — %3")
                                              .arg(ops::VerifyStepResult::outcomeName(s.outcome),
                                                   s.name, s.detail));
                             }
                         });
        QObject::connect(&verifier, &ops::DeployVerifier::finished, &loop, &QEventLoop::quit);
        verifier.start();
        loop.exec();
        const ops::VerifyReport& report = verifier.report();
        QJsonObject reportJson = verifyReportJson(report);
        out.insert(QStringLiteral("verification"), reportJson);
        reportJson.insert(QStringLiteral("deploy"), deploy.id);
        ops::DeployAudit::record(&audit, &clock, connection->targetName,
                                 QLatin1String(ops::DeployAudit::kVerify), deploy.id, reportJson,
                                 report.passed ? QStringLiteral("ok") : QStringLiteral("failed"));
        if (!json) {
            printOut(report.summary());
        }
        if (!report.passed) {
            exitCode = 1;
            if (!json) {
                printOut(tr("To roll back, use the console's Deploys page (an API rollback "
                            "leaves auto-deploy on: the next push redeploys the change)."));
            }
        }
    }
    if (json) {
        out.insert(QStringLiteral("exit_code"), exitCode);
        std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    } else if (wait) {
        printOut(deploy.isLive() ? tr("deploy %1 is live").arg(deploy.id)
                                 : tr("deploy %1 finished %2").arg(deploy.id, deploy.statusText()));
    }
    return exitCode;
}
