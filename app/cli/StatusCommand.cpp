#include "app/cli/StatusCommand.h"

#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

namespace ops {

namespace {

// A URL with a path that answers 404: most likely a route was given instead of the base.
QString baseUrlHint(const QUrl& url, int healthHttpStatus)
{
    const QString path = url.path();
    if (healthHttpStatus != 404 || path.isEmpty() || path == u"/")
        return {};
    QUrl base = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                             QUrl::RemoveUserInfo);
    return QStringLiteral("--url is the gateway's base URL, without a route: %1/health/detailed "
                          "answered 404; try %2")
        .arg(path, base.toString());
}

QString humanReport(const TargetMonitor& monitor, const QUrl& url, const QString& hint)
{
    QString out;
    out += QStringLiteral("gateway:  %1\n").arg(url.toString(QUrl::RemoveUserInfo));
    out += QStringLiteral("state:    %1").arg(connectionStateName(monitor.state()));
    if (!monitor.stateDetail().isEmpty())
        out += QStringLiteral(" (%1)").arg(monitor.stateDetail());
    out += QLatin1Char('\n');
    out += QStringLiteral("dialect:  %1").arg(dialectName(monitor.dialect()));
    if (!monitor.gatewayVersion().isEmpty())
        out += QStringLiteral(" (version %1)").arg(monitor.gatewayVersion());
    out += QLatin1Char('\n');
    if (const auto latency = monitor.latestLatencySeconds())
        out += QStringLiteral("latency:  %1 ms average (%2)\n")
                   .arg(*latency * 1000.0, 0, 'f', 1)
                   .arg(monitor.latencyBasis());
    else
        out += QStringLiteral("latency:  unknown\n");
    if (monitor.hasHealth()) {
        out += QStringLiteral("components:\n");
        for (const ComponentHealth& c : monitor.health().components) {
            QStringList details;
            for (const HealthDetail& d : c.details)
                details << d.key + QStringLiteral("=") + d.value;
            out += QStringLiteral("  %1 %2 %3\n")
                       .arg(c.name, -20)
                       .arg(healthStateName(c.state), -9)
                       .arg(details.join(QLatin1Char(' ')));
        }
    }
    if (!monitor.metricsProblem().isEmpty())
        out += QStringLiteral("metrics:  %1\n").arg(monitor.metricsProblem());
    if (!hint.isEmpty())
        out += QStringLiteral("hint:     %1\n").arg(hint);
    return out;
}

QJsonObject jsonReport(const TargetMonitor& monitor, const QUrl& url, qint64 checkedMs,
                       const QString& hint)
{
    QJsonObject components;
    QJsonObject componentDetails;
    if (monitor.hasHealth()) {
        for (const ComponentHealth& c : monitor.health().components) {
            components.insert(c.name, healthStateName(c.state));
            QJsonObject details;
            if (!c.rawStatus.isEmpty())
                details.insert(QStringLiteral("status"), c.rawStatus);
            for (const HealthDetail& d : c.details)
                details.insert(d.key, d.value);
            componentDetails.insert(c.name, details);
        }
    }
    QJsonObject root{
        {QStringLiteral("url"), url.toString(QUrl::RemoveUserInfo)},
        {QStringLiteral("state"), connectionStateName(monitor.state())},
        {QStringLiteral("detail"), monitor.stateDetail()},
        {QStringLiteral("dialect"), dialectName(monitor.dialect())},
        {QStringLiteral("gateway_version"), monitor.gatewayVersion()},
        {QStringLiteral("components"), components},
        {QStringLiteral("component_details"), componentDetails},
        {QStringLiteral("overall"), monitor.hasHealth()
                                        ? QJsonValue(healthStateName(monitor.health().worst()))
                                        : QJsonValue()},
        {QStringLiteral("latency_avg_s"), monitor.latestLatencySeconds()
                                              ? QJsonValue(*monitor.latestLatencySeconds())
                                              : QJsonValue()},
        {QStringLiteral("latency_basis"), monitor.latencyBasis()},
        {QStringLiteral("metrics_problem"), monitor.metricsProblem()},
        {QStringLiteral("checked_at"),
         QDateTime::fromMSecsSinceEpoch(checkedMs, Qt::UTC).toString(Qt::ISODateWithMs)},
    };
    if (!hint.isEmpty())
        root.insert(QStringLiteral("hint"), hint);
    return root;
}

} // namespace

StatusCommand::StatusCommand()
    : CliCommand(QStringLiteral("status"),
                 QCoreApplication::translate("status", "Poll a gateway once and print its state."))
{
    addGatewayOptions(20);
    addJsonOption();
}

int StatusCommand::execute()
{
    CliFailure failure;
    const auto gateway = resolveGateway(&failure);
    if (!gateway)
        return fail(failure);
    const QUrl url = gateway->target.baseUrl;

    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options = pollerOptionsFor(gateway->target, gateway->apiKey);
    options.readTimeoutMs = gateway->timeoutMs;
    options.connectTimeoutMs = std::min(options.readTimeoutMs, options.connectTimeoutMs);
    options.wakeTimeoutMs = options.readTimeoutMs;
    options.maxBackoffMs = options.intervalMs;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);

    qint64 checkedMs = 0;
    int healthHttpStatus = 0;
    QObject::connect(&poller, &Poller::pollFinished, &poller, [&](const PollResult& result) {
        checkedMs = result.finishedMs;
        healthHttpStatus = result.healthHttpStatus;
        quitLoop();
    });
    QTimer::singleShot(0, &poller, &Poller::pollNow);
    // A last guard in case a request outlives every timeout the poller sets.
    waitUntil([&] { return checkedMs != 0; }, gateway->timeoutMs + 5000);
    poller.stop();
    if (checkedMs == 0)
        checkedMs = clock.nowMs();

    const QString hint = baseUrlHint(url, healthHttpStatus);
    if (json())
        printJson(jsonReport(monitor, url, checkedMs, hint));
    else
        print(humanReport(monitor, url, hint));
    switch (monitor.state()) {
    case ConnectionState::Up:
        return int(ExitCode::Ok);
    case ConnectionState::Degraded:
        return int(ExitCode::CheckFailed);
    case ConnectionState::AuthFailed:
        return int(ExitCode::Auth);
    default:
        return int(ExitCode::CouldNotRun);
    }
}

} // namespace ops
