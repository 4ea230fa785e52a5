#include "app/cli/VerifyCommand.h"

#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/deploy/DeployVerifier.h"
#include "models/domain/Clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTextStream>

#include <cstdio>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("verify", text);
}

void printErr(const QString& text)
{
    std::fprintf(stderr, "bhiv-ops verify: %s\n", qPrintable(text));
}

QString readStdinLine()
{
    QTextStream in(stdin);
    return in.readLine().trimmed();
}

} // namespace

QJsonObject verifyReportJson(const ops::VerifyReport& report)
{
    QJsonArray checks;
    for (const ops::VerifyStepResult& s : report.steps) {
        QJsonObject o{{QStringLiteral("name"), s.name},
                      {QStringLiteral("expectation"), s.expectation},
                      {QStringLiteral("result"), ops::VerifyStepResult::outcomeName(s.outcome)},
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

int runVerifyCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Run the deployment checklist against a gateway (the plan's verify-deployment.sh).\n"
           "Exit 0: every check passed; 1: a check failed; 2: could not run."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("verify"), QString());
    const QCommandLineOption urlOption(QStringLiteral("url"), tr("Gateway base URL."),
                                       QStringLiteral("URL"));
    const QCommandLineOption keyOption(
        QStringLiteral("api-key-stdin"),
        tr("Read the gateway API key (Bearer) from the first line of standard input."));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("Print each check and its result as JSON."));
    const QCommandLineOption checksOption(QStringLiteral("checks"),
                                          tr("A JSON checklist to run instead of the plan's."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption soakOption(
        QStringLiteral("soak"), tr("Also soak: this many polls of health, latency and errors."),
        QStringLiteral("POLLS"));
    const QCommandLineOption soakIntervalOption(QStringLiteral("soak-interval"),
                                                tr("Seconds between soak polls (default 5)."),
                                                QStringLiteral("SECONDS"), QStringLiteral("5"));
    const QCommandLineOption maxLatencyOption(
        QStringLiteral("max-latency"), tr("Soak: highest average latency in seconds (default 1)."),
        QStringLiteral("SECONDS"), QStringLiteral("1.0"));
    const QCommandLineOption maxErrorOption(QStringLiteral("max-error-ratio"),
                                            tr("Soak: highest error ratio (default 0.05)."),
                                            QStringLiteral("RATIO"), QStringLiteral("0.05"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           tr("Seconds to wait for each answer (default 15)."),
                                           QStringLiteral("SECONDS"), QStringLiteral("15"));
    parser.addOptions({urlOption, keyOption, jsonOption, checksOption, soakOption,
                       soakIntervalOption, maxLatencyOption, maxErrorOption, timeoutOption});
    if (!parser.parse(arguments)) {
        printErr(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::printf("%s", qPrintable(parser.helpText()));
        return 0;
    }
    const QUrl url = QUrl::fromUserInput(parser.value(urlOption));
    if (!parser.isSet(urlOption) || !url.isValid() ||
        (url.scheme() != u"http" && url.scheme() != u"https")) {
        printErr(tr("--url needs the gateway's http(s) URL"));
        return 2;
    }
    ops::SystemClock clock;
    QNetworkAccessManager network;
    ops::DeployVerifier verifier(&network, &clock);
    verifier.setBaseUrl(url);
    verifier.setTimeoutMs(int(parser.value(timeoutOption).toDouble() * 1000));
    if (parser.isSet(keyOption)) {
        const QString key = readStdinLine();
        if (key.isEmpty()) {
            printErr(tr("--api-key-stdin: no key on standard input"));
            return 2;
        }
        verifier.setApiKey(key);
    }
    if (parser.isSet(checksOption)) {
        QFile file(parser.value(checksOption));
        if (!file.open(QIODevice::ReadOnly)) {
            printErr(tr("cannot read %1: %2").arg(file.fileName(), file.errorString()));
            return 2;
        }
        QString error;
        const auto checks = ops::VerifyCheck::listFromJson(file.readAll(), &error);
        if (!checks) {
            printErr(error);
            return 2;
        }
        verifier.setChecks(*checks);
    }
    if (parser.isSet(soakOption)) {
        ops::SoakOptions soak;
        soak.polls = std::max(1, parser.value(soakOption).toInt());
        soak.intervalMs = std::max(1, int(parser.value(soakIntervalOption).toDouble() * 1000));
        soak.maxAvgLatencyS = parser.value(maxLatencyOption).toDouble();
        soak.maxErrorRatio = parser.value(maxErrorOption).toDouble();
        verifier.setSoak(soak);
    }
    const bool json = parser.isSet(jsonOption);
    if (!json) {
        QObject::connect(&verifier, &ops::DeployVerifier::stepFinished, &verifier,
                         [](int, const ops::VerifyStepResult& s) {
                             std::printf("%-13s %s — %s\n",
                                         qPrintable(QLatin1Char('[') +
                                                    ops::VerifyStepResult::outcomeName(s.outcome) +
                                                    QLatin1Char(']')),
                                         qPrintable(s.name), qPrintable(s.detail));
                             std::fflush(stdout);
                         });
    }
    QEventLoop loop;
    QObject::connect(&verifier, &ops::DeployVerifier::finished, &loop, &QEventLoop::quit);
    verifier.start();
    loop.exec();
    const ops::VerifyReport& report = verifier.report();
    if (json) {
        QJsonObject root = verifyReportJson(report);
        root.insert(QStringLiteral("url"), url.toString());
        std::printf("%s\n", QJsonDocument(root).toJson(QJsonDocument::Compact).constData());
    } else {
        std::printf("%s\n", qPrintable(report.summary()));
    }
    ops::AuditLog audit;
    ops::DeployAudit::record(&audit, &clock, url.toString(),
                             QLatin1String(ops::DeployAudit::kVerify), url.toString(),
                             verifyReportJson(report),
                             report.couldNotRun ? QStringLiteral("error: could not run")
                             : report.passed    ? QStringLiteral("ok")
                                                : QStringLiteral("failed"));
    return report.couldNotRun ? 2 : report.passed ? 0 : 1;
}
