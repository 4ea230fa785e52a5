#include "app/cli/StatusCommand.h"

#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/targets/TargetStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>
#include <cstdio>
#include <optional>

namespace {

QByteArray humanReport(const ops::TargetMonitor& monitor, const QUrl& url)
{
    QString out;
    out += QStringLiteral("gateway:  %1\n").arg(url.toString());
    out += QStringLiteral("state:    %1").arg(ops::connectionStateName(monitor.state()));
    if (!monitor.stateDetail().isEmpty())
        out += QStringLiteral(" (%1)").arg(monitor.stateDetail());
    out += QLatin1Char('\n');
    out += QStringLiteral("dialect:  %1").arg(ops::dialectName(monitor.dialect()));
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
        for (const ops::ComponentHealth& c : monitor.health().components) {
            QStringList details;
            for (const ops::HealthDetail& d : c.details)
                details << d.key + QStringLiteral("=") + d.value;
            out += QStringLiteral("  %1 %2 %3\n")
                       .arg(c.name, -20)
                       .arg(ops::healthStateName(c.state), -9)
                       .arg(details.join(QLatin1Char(' ')));
        }
    }
    if (!monitor.metricsProblem().isEmpty())
        out += QStringLiteral("metrics:  %1\n").arg(monitor.metricsProblem());
    return out.toUtf8();
}

QByteArray jsonReport(const ops::TargetMonitor& monitor, const QUrl& url, qint64 checkedMs)
{
    QJsonObject components;
    QJsonObject componentDetails;
    if (monitor.hasHealth()) {
        for (const ops::ComponentHealth& c : monitor.health().components) {
            components.insert(c.name, ops::healthStateName(c.state));
            QJsonObject details;
            if (!c.rawStatus.isEmpty())
                details.insert(QStringLiteral("status"), c.rawStatus);
            for (const ops::HealthDetail& d : c.details)
                details.insert(d.key, d.value);
            componentDetails.insert(c.name, details);
        }
    }
    QJsonObject root{
        {QStringLiteral("url"), url.toString()},
        {QStringLiteral("state"), ops::connectionStateName(monitor.state())},
        {QStringLiteral("detail"), monitor.stateDetail()},
        {QStringLiteral("dialect"), ops::dialectName(monitor.dialect())},
        {QStringLiteral("gateway_version"), monitor.gatewayVersion()},
        {QStringLiteral("components"), components},
        {QStringLiteral("component_details"), componentDetails},
        {QStringLiteral("overall"), monitor.hasHealth()
                                        ? QJsonValue(ops::healthStateName(monitor.health().worst()))
                                        : QJsonValue()},
        {QStringLiteral("latency_avg_s"), monitor.latestLatencySeconds()
                                              ? QJsonValue(*monitor.latestLatencySeconds())
                                              : QJsonValue()},
        {QStringLiteral("latency_basis"), monitor.latencyBasis()},
        {QStringLiteral("metrics_problem"), monitor.metricsProblem()},
        {QStringLiteral("checked_at"),
         QDateTime::fromMSecsSinceEpoch(checkedMs, Qt::UTC).toString(Qt::ISODateWithMs)},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

int runStatusCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("status", "Poll a gateway once and print its state."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("status"), QString());
    const QCommandLineOption urlOption(QStringLiteral("url"),
                                       QCoreApplication::translate("status", "Gateway base URL."),
                                       QStringLiteral("URL"));
    const QCommandLineOption jsonOption(
        QStringLiteral("json"), QCoreApplication::translate("status", "Print one JSON object."));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QCoreApplication::translate("status", "Seconds to wait for an answer (default 20)."),
        QStringLiteral("SECONDS"), QStringLiteral("20"));
    const QCommandLineOption targetOption(
        QStringLiteral("target"),
        QCoreApplication::translate("status", "A saved target (see bhiv-ops targets list)."),
        QStringLiteral("NAME"));
    const QCommandLineOption allowHttpOption(
        QStringLiteral("allow-http"),
        QCoreApplication::translate("status", "With --url: allow plain http to a host that is not "
                                              "loopback."));
    parser.addOptions({urlOption, targetOption, allowHttpOption, jsonOption, timeoutOption});
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "bhiv-ops status: %s\n", qPrintable(parser.errorText()));
        return 3;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    // --target NAME: a saved target, with its API key from the keychain; --url: an ad-hoc one.
    std::optional<ops::Target> target;
    if (parser.isSet(targetOption)) {
        ops::TargetStore store;
        QString error;
        if (!store.load(&error)) {
            std::fprintf(stderr, "bhiv-ops status: %s\n", qPrintable(error));
            return 3;
        }
        target = store.find(parser.value(targetOption));
        if (!target) {
            std::fprintf(stderr, "bhiv-ops status: no target named %s (bhiv-ops targets list)\n",
                         qPrintable(parser.value(targetOption)));
            return 3;
        }
    }
    const QUrl url = target ? target->baseUrl : QUrl::fromUserInput(parser.value(urlOption));
    if ((!target && !parser.isSet(urlOption)) || !url.isValid() ||
        (url.scheme() != u"http" && url.scheme() != u"https")) {
        std::fprintf(stderr,
                     "bhiv-ops status: --url http(s)://HOST[:PORT] or --target NAME is required\n");
        return 3;
    }
    bool ok = false;
    const double timeoutS = parser.value(timeoutOption).toDouble(&ok);
    if (!ok || timeoutS <= 0) {
        std::fprintf(stderr, "bhiv-ops status: --timeout takes a positive number of seconds\n");
        return 3;
    }

    QNetworkAccessManager network;
    ops::SystemClock clock;
    ops::PollerOptions options;
    if (target) {
        ops::KeychainSecretStore secrets;
        const ops::SecretResult key =
            readSecretSync(secrets, ops::secretKeyGatewayApiKey(target->name));
        if (!key.ok() && key.error != ops::SecretError::NotFound)
            std::fprintf(stderr, "bhiv-ops status: polling without the API key: %s\n",
                         qPrintable(ops::secretErrorMessage(key.error)));
        options = ops::pollerOptionsFor(*target, key.value);
    }
    options.baseUrl = url;
    if (!target)
        options.allowPlainHttp = parser.isSet(allowHttpOption);
    options.readTimeoutMs = int(timeoutS * 1000);
    options.connectTimeoutMs = std::min(options.readTimeoutMs, options.connectTimeoutMs);
    options.wakeTimeoutMs = options.readTimeoutMs;
    options.maxBackoffMs = options.intervalMs;
    ops::Poller poller(&network, &clock, options);
    ops::TargetMonitor monitor(&poller, &clock);

    QEventLoop loop;
    qint64 checkedMs = 0;
    QObject::connect(&poller, &ops::Poller::pollFinished, &loop,
                     [&](const ops::PollResult& result) {
                         checkedMs = result.finishedMs;
                         loop.quit();
                     });
    // A last guard in case a request outlives every timeout the poller sets.
    QTimer::singleShot(int(timeoutS * 1000) + 5000, &loop, &QEventLoop::quit);
    QTimer::singleShot(0, &poller, &ops::Poller::pollNow);
    loop.exec();
    poller.stop();
    if (checkedMs == 0)
        checkedMs = clock.nowMs();

    const QByteArray report =
        parser.isSet(jsonOption) ? jsonReport(monitor, url, checkedMs) : humanReport(monitor, url);
    std::fwrite(report.constData(), 1, size_t(report.size()), stdout);
    std::fflush(stdout);
    switch (monitor.state()) {
    case ops::ConnectionState::Up:
        return 0;
    case ops::ConnectionState::Degraded:
        return 1;
    default:
        return 2;
    }
}
