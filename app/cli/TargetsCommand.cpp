#include "app/cli/TargetsCommand.h"

#include "models/domain/Clock.h"
#include "models/domain/Target.h"
#include "models/net/HttpFetch.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/targets/TargetStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSaveFile>
#include <QTimer>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitNotAnswering = 2;
constexpr int kExitUsage = 3;
constexpr int kExitAuth = 4;
constexpr int kExitKeychain = 5;

QString tr(const char* text)
{
    return QCoreApplication::translate("targets", text);
}

void printErr(const QString& text)
{
    std::fprintf(stderr, "bhiv-ops targets: %s\n", qPrintable(text));
}

void printOut(const QString& text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

int keychainFailure(const ops::SecretResult& result, const QString& what)
{
    printErr(tr("%1: %2").arg(what, ops::secretErrorMessage(result.error)));
    if (!result.errorText.isEmpty())
        printErr(tr("keychain said: %1").arg(result.errorText));
    return kExitKeychain;
}

// The key from stdin: the first line, without its line ending. Never echoed.
QByteArray readKeyFromStdin()
{
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.pop_back();
    return QByteArray::fromStdString(line).trimmed();
}

bool loadStore(ops::TargetStore& store)
{
    QString error;
    if (!store.load(&error)) {
        printErr(error);
        return false;
    }
    return true;
}

bool saveStore(const ops::TargetStore& store)
{
    QString error;
    if (!store.save(&error)) {
        printErr(error);
        return false;
    }
    return true;
}

int list(ops::TargetStore& store, bool json)
{
    if (json) {
        QJsonArray array;
        for (const ops::Target& target : store.targets())
            array.append(target.toJson());
        printOut(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)) +
                 QLatin1Char('\n'));
        return kExitOk;
    }
    if (store.targets().isEmpty()) {
        printOut(tr("no targets; add one with: bhiv-ops targets add NAME --url URL\n"));
        return kExitOk;
    }
    for (const ops::Target& target : store.targets()) {
        QStringList flags;
        if (target.dialect != ops::Dialect::Unknown)
            flags << tr("dialect %1").arg(ops::dialectName(target.dialect));
        flags << tr("every %1 s").arg(target.intervalMs / 1000.0);
        if (target.readOnly)
            flags << tr("read-only");
        if (target.allowPlainHttp)
            flags << tr("plain http allowed");
        if (!target.trustedCertSha256.isEmpty())
            flags << tr("trusts SHA-256 %1").arg(ops::formatFingerprint(target.trustedCertSha256));
        printOut(QStringLiteral("%1%2  %3  (%4)\n")
                     .arg(target.name == store.lastWatched() ? QStringLiteral("* ")
                                                             : QStringLiteral("  "),
                          target.name, target.baseUrl.toString(),
                          flags.join(QStringLiteral(", "))));
    }
    return kExitOk;
}

struct AuthProbe {
    int httpStatus = 0;
    QString detail;
    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
    bool authFailed() const { return httpStatus == 401 || httpStatus == 403; }
};

// GET /v1/jobs with the key, under the same TLS and plain-http rules as the poller.
AuthProbe probeAuthenticatedRoute(QNetworkAccessManager* network, const ops::PollerOptions& options,
                                  int timeoutMs)
{
    QUrl url = options.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/v1/jobs"));
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    // Offered explicitly so Qt leaves the body compressed and HttpFetch inflates it under its cap.
    request.setRawHeader("Accept-Encoding", "gzip");
    request.setRawHeader("User-Agent", QByteArray("bhiv-ops/") + OPS_VERSION);
    if (!options.apiKey.isEmpty())
        request.setRawHeader("Authorization", QByteArray("Bearer ") + options.apiKey);
    ops::HttpFetch::Limits limits;
    limits.connectTimeoutMs = options.connectTimeoutMs;
    limits.readTimeoutMs = timeoutMs;
    limits.maxBodyBytes = 4 * 1024 * 1024;
    limits.trustedCertSha256 = options.trustedCertSha256;
    limits.allowPlainHttp = options.allowPlainHttp;
    ops::HttpFetch fetch(network, request, limits);
    QEventLoop loop;
    fetch.onDone = [&loop] { loop.quit(); };
    QTimer::singleShot(0, &fetch, [&fetch] { fetch.start(); });
    QTimer::singleShot(timeoutMs + 5000, &loop, &QEventLoop::quit);
    loop.exec();
    AuthProbe probe;
    if (fetch.outcome() == ops::HttpFetch::Outcome::Http) {
        probe.httpStatus = fetch.httpStatus();
        QString message;
        const QJsonObject body = QJsonDocument::fromJson(fetch.body()).object();
        for (const char* key : {"detail", "message", "error"}) {
            if (body.value(QLatin1String(key)).isString()) {
                message = body.value(QLatin1String(key)).toString().left(200);
                break;
            }
        }
        probe.detail = message.isEmpty()
                           ? QStringLiteral("HTTP %1").arg(probe.httpStatus)
                           : QStringLiteral("HTTP %1: %2").arg(probe.httpStatus).arg(message);
    } else {
        probe.detail = fetch.errorText().isEmpty() ? tr("no answer") : fetch.errorText();
    }
    return probe;
}

int test(const ops::Target& target, bool json, double timeoutS)
{
    ops::KeychainSecretStore secrets;
    const ops::SecretResult key = readSecretSync(secrets, ops::secretKeyGatewayApiKey(target.name));
    QString keyState;
    if (key.ok())
        keyState = tr("stored in the keychain");
    else if (key.error == ops::SecretError::NotFound)
        keyState = tr("none stored");
    else
        keyState = tr("keychain unavailable (%1); testing without a key")
                       .arg(ops::secretErrorName(key.error));
    if (!key.ok() && key.error != ops::SecretError::NotFound)
        printErr(ops::secretErrorMessage(key.error));

    QNetworkAccessManager network;
    ops::SystemClock clock;
    ops::PollerOptions options = ops::pollerOptionsFor(target, key.value);
    options.readTimeoutMs = int(timeoutS * 1000);
    options.connectTimeoutMs = std::min(options.readTimeoutMs, options.connectTimeoutMs);
    options.wakeTimeoutMs = options.readTimeoutMs;
    ops::Poller poller(&network, &clock, options);
    ops::PollResult result;
    bool finished = false;
    {
        QEventLoop loop;
        QObject::connect(&poller, &ops::Poller::pollFinished, &loop, [&](const ops::PollResult& r) {
            result = r;
            finished = true;
            loop.quit();
        });
        QTimer::singleShot(int(timeoutS * 1000) + 5000, &loop, &QEventLoop::quit);
        QTimer::singleShot(0, &poller, &ops::Poller::pollNow);
        loop.exec();
        poller.stop();
    }
    const ops::ConnectionState state = finished ? result.state : ops::ConnectionState::Timeout;
    const QString detail = finished ? result.detail : tr("no answer in time");
    const AuthProbe auth = probeAuthenticatedRoute(&network, options, options.readTimeoutMs);
    const bool healthOk = ops::isAnswering(state);
    const bool metricsOk = result.metricsHttpStatus >= 200 && result.metricsHttpStatus < 300;

    if (json) {
        const QJsonObject root{
            {QStringLiteral("target"), target.name},
            {QStringLiteral("url"), target.baseUrl.toString()},
            {QStringLiteral("state"), ops::connectionStateName(state)},
            {QStringLiteral("detail"), detail},
            {QStringLiteral("dialect"), ops::dialectName(poller.dialect())},
            {QStringLiteral("health_http_status"), result.healthHttpStatus},
            {QStringLiteral("metrics_http_status"), result.metricsHttpStatus},
            {QStringLiteral("auth_route"), QStringLiteral("GET /v1/jobs")},
            {QStringLiteral("auth_http_status"), auth.httpStatus},
            {QStringLiteral("auth_detail"), auth.detail},
            {QStringLiteral("api_key"), key.ok() ? QStringLiteral("stored")
                                        : key.error == ops::SecretError::NotFound
                                            ? QStringLiteral("none")
                                            : ops::secretErrorName(key.error)},
            {QStringLiteral("rejected_cert_sha256"),
             ops::formatFingerprint(result.rejectedCertSha256)},
        };
        printOut(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Compact)) +
                 QLatin1Char('\n'));
    } else {
        QString out;
        out += tr("target:   %1 (%2)\n").arg(target.name, target.baseUrl.toString());
        out += tr("state:    %1").arg(ops::connectionStateName(state));
        if (!detail.isEmpty())
            out += QStringLiteral(" (%1)").arg(detail);
        out += QLatin1Char('\n');
        out += tr("dialect:  %1\n").arg(ops::dialectName(poller.dialect()));
        out += tr("health:   %1\n")
                   .arg(result.healthHttpStatus
                            ? QStringLiteral("HTTP %1").arg(result.healthHttpStatus)
                            : tr("no answer"));
        out += tr("metrics:  %1\n")
                   .arg(result.metricsHttpStatus
                            ? QStringLiteral("HTTP %1").arg(result.metricsHttpStatus)
                            : tr("no answer"));
        out += tr("auth:     GET /v1/jobs: %1\n").arg(auth.detail);
        out += tr("api key:  %1\n").arg(keyState);
        if (!result.rejectedCertSha256.isEmpty())
            out += tr("to trust this certificate: bhiv-ops targets trust %1 --fingerprint %2\n")
                       .arg(target.name, ops::formatFingerprint(result.rejectedCertSha256));
        printOut(out);
    }
    if (state == ops::ConnectionState::AuthFailed || auth.authFailed())
        return kExitAuth;
    return healthOk && metricsOk && auth.ok() ? kExitOk : kExitNotAnswering;
}

} // namespace

int runTargetsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Manage the saved gateway targets. Secrets go to the OS keychain, never to a file.\n\n"
           "  targets list [--json]\n"
           "  targets add NAME --url URL [--api-key-stdin] [--read-only] [--dialect D]\n"
           "              [--interval S] [--allow-http] [--fingerprint HEX] [--replace]\n"
           "  targets remove NAME\n"
           "  targets test NAME [--json] [--timeout S]   health, metrics and GET /v1/jobs\n"
           "  targets trust NAME --fingerprint HEX       trust this TLS certificate (SHA-256)\n"
           "  targets untrust NAME\n"
           "  targets set-key NAME [--for WHAT]          read a key from stdin: the gateway API\n"
           "                                             key, or --for prometheus / alertmanager\n"
           "                                             (Bearer token or basic-auth password)\n"
           "  targets export FILE                        JSON, without secrets\n"
           "  targets import FILE [--replace]\n\n"
           "Exit codes: 0 ok, 1 failed, 2 gateway not answering as it should, 3 usage,\n"
           "4 authentication failed, 5 keychain unavailable."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("targets"), QString());
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("Print JSON."));
    const QCommandLineOption urlOption(QStringLiteral("url"), tr("Gateway base URL."),
                                       QStringLiteral("URL"));
    const QCommandLineOption keyStdinOption(
        QStringLiteral("api-key-stdin"),
        tr("Read the gateway API key from the first line of stdin into the keychain."));
    const QCommandLineOption readOnlyOption(QStringLiteral("read-only"),
                                            tr("A viewer's target: no workflows, no deploys."));
    const QCommandLineOption dialectOption(QStringLiteral("dialect"),
                                           tr("auto (default), plan, modular or monolith."),
                                           QStringLiteral("D"), QStringLiteral("auto"));
    const QCommandLineOption intervalOption(QStringLiteral("interval"),
                                            tr("Seconds between polls (default 5)."),
                                            QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption allowHttpOption(
        QStringLiteral("allow-http"), tr("Allow plain http to a host that is not loopback."));
    const QCommandLineOption fingerprintOption(QStringLiteral("fingerprint"),
                                               tr("SHA-256 of the TLS certificate to trust (hex)."),
                                               QStringLiteral("HEX"));
    const QCommandLineOption replaceOption(QStringLiteral("replace"),
                                           tr("Replace targets of the same name."));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           tr("test: seconds to wait for each answer."),
                                           QStringLiteral("S"), QStringLiteral("20"));
    const QCommandLineOption forOption(
        QStringLiteral("for"), tr("set-key: gateway (default), prometheus or alertmanager."),
        QStringLiteral("WHAT"), QStringLiteral("gateway"));
    parser.addOptions({jsonOption, urlOption, keyStdinOption, readOnlyOption, dialectOption,
                       intervalOption, allowHttpOption, fingerprintOption, replaceOption,
                       timeoutOption, forOption});
    if (!parser.parse(arguments)) {
        printErr(parser.errorText());
        return kExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return kExitOk;
    }
    const QStringList positional = parser.positionalArguments().mid(1); // after "targets"
    const QString action = positional.value(0);
    const QString name = positional.value(1);
    const auto needName = [&]() {
        if (name.isEmpty()) {
            printErr(tr("%1 needs a target name (or file)").arg(action));
            return false;
        }
        return true;
    };

    ops::TargetStore store;
    if (!loadStore(store))
        return kExitFailed;

    if (action.isEmpty() || action == u"list")
        return list(store, parser.isSet(jsonOption));

    if (action == u"add") {
        if (!needName())
            return kExitUsage;
        if (!ops::Target::isValidName(name)) {
            printErr(tr("a name is 1-64 letters, digits, '.', '_' or '-'"));
            return kExitUsage;
        }
        if (store.find(name) && !parser.isSet(replaceOption)) {
            printErr(tr("target %1 exists already (use --replace to change it)").arg(name));
            return kExitFailed;
        }
        ops::Target target = store.find(name).value_or(ops::Target{});
        target.name = name;
        if (!parser.isSet(urlOption) && target.baseUrl.isEmpty()) {
            printErr(tr("add needs --url URL"));
            return kExitUsage;
        }
        if (parser.isSet(urlOption))
            target.baseUrl = QUrl::fromUserInput(parser.value(urlOption));
        const QString dialect = parser.value(dialectOption);
        if (dialect == u"auto") {
            target.dialect = ops::Dialect::Unknown;
        } else if (const auto parsed = ops::dialectFromName(dialect);
                   parsed && *parsed != ops::Dialect::Unknown) {
            target.dialect = *parsed;
        } else {
            printErr(tr("--dialect is auto, plan, modular or monolith"));
            return kExitUsage;
        }
        bool ok = false;
        const double interval = parser.value(intervalOption).toDouble(&ok);
        if (!ok || interval < 0.1 || interval > 3600) {
            printErr(tr("--interval takes 0.1 to 3600 seconds"));
            return kExitUsage;
        }
        target.intervalMs = int(interval * 1000);
        target.readOnly = parser.isSet(readOnlyOption);
        target.allowPlainHttp = parser.isSet(allowHttpOption);
        if (parser.isSet(fingerprintOption)) {
            const auto fingerprint = ops::parseFingerprint(parser.value(fingerprintOption));
            if (!fingerprint) {
                printErr(tr("--fingerprint takes a SHA-256 as 64 hex digits"));
                return kExitUsage;
            }
            target.trustedCertSha256 = *fingerprint;
        }
        const QString why = target.validationError();
        if (!why.isEmpty()) {
            printErr(why);
            return kExitUsage;
        }
        // The key first: when the keychain is unavailable nothing is saved at all.
        if (parser.isSet(keyStdinOption)) {
            const QByteArray key = readKeyFromStdin();
            if (key.isEmpty()) {
                printErr(tr("--api-key-stdin: no key on stdin"));
                return kExitUsage;
            }
            ops::KeychainSecretStore secrets;
            const ops::SecretResult written =
                writeSecretSync(secrets, ops::secretKeyGatewayApiKey(name), key);
            if (!written.ok())
                return keychainFailure(written, tr("the API key was not stored"));
        }
        QString error;
        if (!store.upsert(target, &error)) {
            printErr(error);
            return kExitUsage;
        }
        if (!saveStore(store))
            return kExitFailed;
        printOut(tr("target %1 saved%2\n")
                     .arg(name, parser.isSet(keyStdinOption)
                                    ? tr("; API key stored in the keychain")
                                    : QString()));
        return kExitOk;
    }

    if (action == u"set-key") {
        if (!needName())
            return kExitUsage;
        if (!store.find(name)) {
            printErr(tr("no target named %1").arg(name));
            return kExitFailed;
        }
        const QString what = parser.value(forOption);
        QString entry;
        if (what == u"gateway")
            entry = ops::secretKeyGatewayApiKey(name);
        else if (what == u"prometheus")
            entry = ops::secretKeyPrometheusCredential(name);
        else if (what == u"alertmanager")
            entry = ops::secretKeyAlertmanagerCredential(name);
        else {
            printErr(tr("--for takes gateway, prometheus or alertmanager"));
            return kExitUsage;
        }
        const QString label = what == u"gateway" ? tr("API key") : tr("%1 credential").arg(what);
        const QByteArray key = readKeyFromStdin();
        ops::KeychainSecretStore secrets;
        const ops::SecretResult result =
            key.isEmpty() ? removeSecretSync(secrets, entry) : writeSecretSync(secrets, entry, key);
        if (!result.ok())
            return keychainFailure(result, tr("the %1 was not changed").arg(label));
        printOut(key.isEmpty() ? tr("%1 of %2 removed from the keychain\n").arg(label, name)
                               : tr("%1 of %2 stored in the keychain\n").arg(label, name));
        return kExitOk;
    }

    if (action == u"remove") {
        if (!needName())
            return kExitUsage;
        const auto target = store.find(name);
        if (!target) {
            printErr(tr("no target named %1").arg(name));
            return kExitFailed;
        }
        ops::KeychainSecretStore secrets;
        int status = kExitOk;
        for (const QString& key : ops::secretKeysOf(*target)) {
            const ops::SecretResult result = removeSecretSync(secrets, key);
            if (!result.ok() && result.error != ops::SecretError::NotFound) {
                keychainFailure(result, tr("could not remove %1 from the keychain").arg(key));
                status = kExitKeychain;
            }
        }
        store.remove(name);
        if (!saveStore(store))
            return kExitFailed;
        printOut(tr("target %1 removed\n").arg(name));
        return status;
    }

    if (action == u"trust" || action == u"untrust") {
        if (!needName())
            return kExitUsage;
        auto target = store.find(name);
        if (!target) {
            printErr(tr("no target named %1").arg(name));
            return kExitFailed;
        }
        if (action == u"trust") {
            const auto fingerprint = ops::parseFingerprint(parser.value(fingerprintOption));
            if (!fingerprint) {
                printErr(tr("trust needs --fingerprint with a SHA-256 (64 hex digits)"));
                return kExitUsage;
            }
            target->trustedCertSha256 = *fingerprint;
        } else {
            target->trustedCertSha256.clear();
        }
        store.upsert(*target);
        if (!saveStore(store))
            return kExitFailed;
        printOut(action == u"trust"
                     ? tr("%1 trusts the certificate with SHA-256 %2\n")
                           .arg(name, ops::formatFingerprint(target->trustedCertSha256))
                     : tr("%1 trusts only the system's certificate authorities\n").arg(name));
        return kExitOk;
    }

    if (action == u"test") {
        if (!needName())
            return kExitUsage;
        const auto target = store.find(name);
        if (!target) {
            printErr(tr("no target named %1").arg(name));
            return kExitFailed;
        }
        bool ok = false;
        const double timeoutS = parser.value(timeoutOption).toDouble(&ok);
        if (!ok || timeoutS <= 0) {
            printErr(tr("--timeout takes a positive number of seconds"));
            return kExitUsage;
        }
        return test(*target, parser.isSet(jsonOption), timeoutS);
    }

    if (action == u"export") {
        if (!needName())
            return kExitUsage;
        QSaveFile file(name);
        if (!file.open(QIODevice::WriteOnly)) {
            printErr(tr("cannot write %1: %2").arg(name, file.errorString()));
            return kExitFailed;
        }
        file.write(ops::TargetStore::exportJson(store.targets()));
        if (!file.commit()) {
            printErr(tr("cannot write %1: %2").arg(name, file.errorString()));
            return kExitFailed;
        }
        printOut(tr("%1 target(s) exported to %2 (without secrets)\n")
                     .arg(store.targets().size())
                     .arg(name));
        return kExitOk;
    }

    if (action == u"import") {
        if (!needName())
            return kExitUsage;
        QFile file(name);
        if (!file.open(QIODevice::ReadOnly)) {
            printErr(tr("cannot read %1: %2").arg(name, file.errorString()));
            return kExitFailed;
        }
        QString error;
        const auto targets = ops::TargetStore::importJson(file.readAll(), &error);
        if (!targets) {
            printErr(tr("%1: %2").arg(name, error));
            return kExitFailed;
        }
        int added = 0;
        QStringList skipped;
        for (const ops::Target& target : *targets) {
            if (store.find(target.name) && !parser.isSet(replaceOption)) {
                skipped << target.name;
                continue;
            }
            store.upsert(target);
            ++added;
        }
        if (!saveStore(store))
            return kExitFailed;
        printOut(tr("%1 target(s) imported").arg(added));
        if (!skipped.isEmpty())
            printOut(tr("; kept the existing %1 (use --replace)")
                         .arg(skipped.join(QStringLiteral(", "))));
        printOut(tr("; store their API keys with: bhiv-ops targets set-key NAME\n"));
        return kExitOk;
    }

    printErr(tr("unknown action %1 (list, add, remove, test, trust, untrust, set-key, export, "
                "import)")
                 .arg(action));
    return kExitUsage;
}
