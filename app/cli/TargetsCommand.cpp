#include "app/cli/TargetsCommand.h"

#include "models/alerts/WebhookNotifier.h"
#include "models/domain/Clock.h"
#include "models/net/CertificateLook.h"
#include "models/net/CertificatePin.h"
#include "models/net/HttpFetch.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

#include <functional>
#include <utility>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("targets", text);
}

// The keychain, each secret bound to the origin it was entered for, as the targets in store are
// now (docs/security.md).
struct BoundKeychain {
    explicit BoundKeychain(const TargetStore& store)
        : bound(&keychain,
                [&store](const QString& key) { return secretOriginFor(store.targets(), key); })
    {
    }
    KeychainSecretStore keychain;
    OriginBoundSecretStore bound;
};

// Before a change of `old` (an edit, an import): its secrets stored before bindings existed are
// bound to the addresses they have now, so the change cannot carry them along.
void bindBeforeChange(OriginBoundSecretStore& secrets, const Target& old)
{
    for (const SecretSlot& slot : secretSlotsOf(old))
        bindIfUnboundSync(secrets, slot.key, slot.origin);
}

// One line per target: "* name  url  (flags)", the star on the last watched.
QString targetLine(const Target& target, bool lastWatched)
{
    QStringList flags;
    if (target.dialect != Dialect::Unknown)
        flags << tr("dialect %1").arg(dialectName(target.dialect));
    flags << tr("every %1 s").arg(target.intervalMs / 1000.0);
    if (target.readOnly)
        flags << tr("read-only");
    if (target.allowPlainHttp)
        flags << tr("plain http allowed");
    if (!target.trustedCertSha256.isEmpty())
        flags << tr("trusts SHA-256 %1").arg(formatFingerprint(target.trustedCertSha256));
    if (!target.history.isDefault())
        flags << tr("history %1 h every poll, %2 d by the minute, at most %3 MB")
                     .arg(target.history.rawHours)
                     .arg(target.history.rollupDays)
                     .arg(target.history.capMb);
    return QStringLiteral("%1%2  %3  (%4)\n")
        .arg(lastWatched ? QStringLiteral("* ") : QStringLiteral("  "), target.name,
             target.baseUrl.toString(QUrl::RemoveUserInfo), flags.join(QStringLiteral(", ")));
}

struct AuthProbe {
    int httpStatus = 0;
    QString detail;
    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
    bool authFailed() const { return httpStatus == 401 || httpStatus == 403; }
};

// GET /v1/jobs with the key, under the same TLS and plain-http rules as the poller.
AuthProbe probeAuthenticatedRoute(QNetworkAccessManager* network, const PollerOptions& options,
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
    HttpFetch::Limits limits;
    limits.connectTimeoutMs = options.connectTimeoutMs;
    limits.readTimeoutMs = timeoutMs;
    limits.maxBodyBytes = 4 * 1024 * 1024;
    limits.trustedCertSha256 = options.trustedCertSha256;
    limits.allowPlainHttp = options.allowPlainHttp;
    HttpFetch fetch(network, request, limits);
    QEventLoop loop;
    fetch.onDone = [&loop] { loop.quit(); };
    QTimer::singleShot(0, &fetch, [&fetch] { fetch.start(); });
    QTimer::singleShot(timeoutMs + 5000, &loop, &QEventLoop::quit);
    loop.exec();
    AuthProbe probe;
    if (fetch.outcome() == HttpFetch::Outcome::Http) {
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

// What `targets test` found: one poll of health and metrics, and the authenticated route.
struct TestFindings {
    ConnectionState state = ConnectionState::Timeout;
    QString detail;
    Dialect dialect = Dialect::Unknown;
    PollResult poll;
    AuthProbe auth;
    SecretResult key;

    bool metricsOk() const { return poll.metricsHttpStatus >= 200 && poll.metricsHttpStatus < 300; }
};

TestFindings probeTarget(const Target& target, const SecretResult& key, int timeoutMs)
{
    TestFindings findings;
    findings.key = key;
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options = pollerOptionsFor(target, key.value);
    options.readTimeoutMs = timeoutMs;
    options.connectTimeoutMs = std::min(options.readTimeoutMs, options.connectTimeoutMs);
    options.wakeTimeoutMs = options.readTimeoutMs;
    Poller poller(&network, &clock, options);
    bool finished = false;
    {
        QEventLoop loop;
        QObject::connect(&poller, &Poller::pollFinished, &loop, [&](const PollResult& r) {
            findings.poll = r;
            finished = true;
            loop.quit();
        });
        QTimer::singleShot(timeoutMs + 5000, &loop, &QEventLoop::quit);
        QTimer::singleShot(0, &poller, &Poller::pollNow);
        loop.exec();
        poller.stop();
    }
    findings.state = finished ? findings.poll.state : ConnectionState::Timeout;
    findings.detail = finished ? findings.poll.detail : tr("no answer in time");
    findings.dialect = poller.dialect();
    findings.auth = probeAuthenticatedRoute(&network, options, timeoutMs);
    return findings;
}

QString keyStateName(const SecretResult& key)
{
    return key.ok()                             ? QStringLiteral("stored")
           : key.error == SecretError::NotFound ? QStringLiteral("none")
                                                : secretErrorName(key.error);
}

QJsonObject findingsJson(const Target& target, const TestFindings& f)
{
    return QJsonObject{
        {QStringLiteral("target"), target.name},
        {QStringLiteral("url"), target.baseUrl.toString(QUrl::RemoveUserInfo)},
        {QStringLiteral("state"), connectionStateName(f.state)},
        {QStringLiteral("detail"), f.detail},
        {QStringLiteral("dialect"), dialectName(f.dialect)},
        {QStringLiteral("health_http_status"), f.poll.healthHttpStatus},
        {QStringLiteral("metrics_http_status"), f.poll.metricsHttpStatus},
        {QStringLiteral("auth_route"), QStringLiteral("GET /v1/jobs")},
        {QStringLiteral("auth_http_status"), f.auth.httpStatus},
        {QStringLiteral("auth_detail"), f.auth.detail},
        {QStringLiteral("api_key"), keyStateName(f.key)},
        {QStringLiteral("rejected_cert_sha256"), formatFingerprint(f.poll.rejectedCertSha256)},
    };
}

QString findingsText(const Target& target, const TestFindings& f)
{
    const auto httpOrNothing = [](int status) {
        return status ? QStringLiteral("HTTP %1").arg(status) : tr("no answer");
    };
    QString keyState;
    if (f.key.ok())
        keyState = tr("stored in the keychain");
    else if (f.key.error == SecretError::NotFound)
        keyState = tr("none stored");
    else
        keyState = tr("keychain unavailable (%1); testing without a key")
                       .arg(secretErrorName(f.key.error));
    QString out;
    out +=
        tr("target:   %1 (%2)\n").arg(target.name, target.baseUrl.toString(QUrl::RemoveUserInfo));
    out += tr("state:    %1").arg(connectionStateName(f.state));
    if (!f.detail.isEmpty())
        out += QStringLiteral(" (%1)").arg(f.detail);
    out += QLatin1Char('\n');
    out += tr("dialect:  %1\n").arg(dialectName(f.dialect));
    out += tr("health:   %1\n").arg(httpOrNothing(f.poll.healthHttpStatus));
    out += tr("metrics:  %1\n").arg(httpOrNothing(f.poll.metricsHttpStatus));
    out += tr("auth:     GET /v1/jobs: %1\n").arg(f.auth.detail);
    out += tr("api key:  %1\n").arg(keyState);
    if (!f.poll.rejectedCertificateDer.isEmpty()) {
        const auto certificate = QSslCertificate(f.poll.rejectedCertificateDer, QSsl::Der);
        out += tr("refused certificate:\n");
        for (const QString& line :
             describeCertificate(certificate).text(QDateTime::currentDateTimeUtc()).split(u'\n'))
            out += QStringLiteral("  %1\n").arg(line);
    }
    if (!f.poll.rejectedCertSha256.isEmpty())
        out += tr("to trust this certificate: bhiv-ops targets trust %1 --fingerprint %2\n")
                   .arg(target.name, formatFingerprint(f.poll.rejectedCertSha256));
    return out;
}

} // namespace

TargetsCommand::TargetsCommand()
    : CliCommand(
          QStringLiteral("targets"),
          tr("Manage the saved gateway targets. Secrets go to the OS keychain, never to a file.\n\n"
             "  targets list [--json]\n"
             "  targets add NAME --url URL [--api-key-stdin] [--read-only] [--dialect D]\n"
             "              [--interval S] [--allow-http] [--fingerprint HEX] [--replace]\n"
             "              [--history-hours H] [--history-days D] [--history-cap-mb MB]\n"
             "              (--replace keeps read-only, plain http, dialect, interval and\n"
             "              history limits unless --read-write, --read-only, --allow-http,\n"
             "              --no-allow-http, --dialect, --interval or --history-* say\n"
             "              otherwise)\n"
             "  targets remove NAME\n"
             "  targets test NAME [--json] [--timeout S]   health, metrics and GET /v1/jobs\n"
             "  targets trust NAME --fingerprint HEX [--for WHAT] [--offline]\n"
             "              shows the certificate the server presents, pins it if it matches\n"
             "                                             (SHA-256) of the gateway (default),\n"
             "                                             prometheus or alertmanager\n"
             "  targets untrust NAME [--for WHAT]\n"
             "  targets set-key NAME [--for WHAT]          read a key from stdin: the gateway API\n"
             "                                             key, or --for prometheus / "
             "alertmanager\n"
             "                                             (Bearer token or basic-auth password)\n"
             "  targets confirm NAME [--for WHAT]          send the secrets entered for the\n"
             "                                             target's old address to its new one\n"
             "                                             (WHAT: gateway, render, deploy-hook,\n"
             "                                             prometheus, alertmanager, all)\n"
             "  targets set-webhook                        read the alert webhook URL from stdin\n"
             "                                             into the keychain (empty: remove); use\n"
             "                                             it with bhiv-ops "
             "--alert-webhook-keychain\n"
             "  targets export FILE|-                      JSON, without secrets (- : stdout)\n"
             "  targets import FILE|- [--replace]          (- : stdin)"))
{
    setSyntax(QStringLiteral("targets ACTION [NAME|FILE]"));
    addJsonOption();
    addOptions({
        {QStringLiteral("url"), tr("Gateway base URL."), QStringLiteral("URL")},
        {QStringLiteral("api-key-stdin"),
         tr("Read the gateway API key from stdin into the keychain (a prompt without echo on a "
            "terminal).")},
        {QStringLiteral("read-only"), tr("A viewer's target: no workflows, no deploys.")},
        {QStringLiteral("dialect"), tr("auto (default), plan, modular or monolith."),
         QStringLiteral("D"), QStringLiteral("auto")},
        {QStringLiteral("interval"), tr("Seconds between polls (default 5)."), QStringLiteral("S"),
         QStringLiteral("5")},
        {QStringLiteral("allow-http"), tr("Allow plain http to a host that is not loopback.")},
        {QStringLiteral("read-write"), tr("add --replace: no longer read-only.")},
        {QStringLiteral("no-allow-http"), tr("add --replace: no longer allow plain http.")},
        {QStringLiteral("fingerprint"), tr("SHA-256 of the TLS certificate to trust (hex)."),
         QStringLiteral("HEX")},
        {QStringLiteral("replace"), tr("Replace targets of the same name.")},
        {QStringLiteral("history-hours"),
         tr("Hours of history kept at every poll (default 48, 1-720)."), QStringLiteral("H")},
        {QStringLiteral("history-days"), tr("Days of 1-minute history kept (default 30, 1-1095)."),
         QStringLiteral("D")},
        {QStringLiteral("history-cap-mb"),
         tr("Disk the target's history may take, in MB (default 256, 16-65536); the oldest "
            "goes first."),
         QStringLiteral("MB")},
        {QStringLiteral("offline"),
         tr("trust: pin the fingerprint without looking at the server's certificate.")},
        {QStringLiteral("timeout"),
         tr("test, trust: seconds to wait for each answer (default 20)."), QStringLiteral("S"),
         QStringLiteral("20")},
        {QStringLiteral("for"),
         tr("set-key, trust, untrust: gateway (default), prometheus or alertmanager; confirm "
            "also render, deploy-hook or all (its default)."),
         QStringLiteral("WHAT"), QStringLiteral("gateway")},
    });
}

int TargetsCommand::execute()
{
    const QString action = positional().value(0);
    const QString name = positional().value(1);
    static const QStringList actions{
        QStringLiteral("list"),        QStringLiteral("add"),    QStringLiteral("remove"),
        QStringLiteral("test"),        QStringLiteral("trust"),  QStringLiteral("untrust"),
        QStringLiteral("set-key"),     QStringLiteral("export"), QStringLiteral("import"),
        QStringLiteral("set-webhook"), QStringLiteral("confirm")};
    if (!action.isEmpty() && !actions.contains(action))
        return fail(ExitCode::Usage,
                    tr("unknown action %1 (%2)").arg(action, actions.join(QStringLiteral(", "))));
    if (action == u"set-webhook")
        return setWebhook(); // console-wide, not a target's: no targets file needed
    if (action != u"list" && !action.isEmpty() && name.isEmpty())
        return fail(ExitCode::Usage,
                    action == u"export" || action == u"import"
                        ? tr("%1 needs a file (- for %2)")
                              .arg(action, action == u"export" ? tr("stdout") : tr("stdin"))
                        : tr("%1 needs a target name").arg(action));
    QString error;
    if (!m_store.load(&error))
        return fail(ExitCode::CouldNotRun, error, QStringLiteral("file"));

    if (action.isEmpty() || action == u"list")
        return list();
    if (action == u"add")
        return add(name);
    if (action == u"set-key")
        return setKey(name);
    if (action == u"remove")
        return remove(name);
    if (action == u"trust" || action == u"untrust")
        return trust(name, action == u"trust");
    if (action == u"test")
        return test(name);
    if (action == u"confirm")
        return confirm(name);
    if (action == u"export")
        return exportTo(name);
    return importFrom(name);
}

std::optional<Target> TargetsCommand::existing(const QString& name, CliFailure* failure) const
{
    auto target = m_store.find(name);
    if (!target)
        *failure = {ExitCode::Usage, QStringLiteral("not_found"),
                    tr("no target named %1 (bhiv-ops targets list)").arg(name)};
    return target;
}

bool TargetsCommand::update(const std::function<bool(TargetStore&, QString*)>& change,
                            CliFailure* failure)
{
    // Reloaded, changed and saved under the file's lock: what another bhiv-ops (the window
    // included) wrote meanwhile stays.
    QString error;
    if (m_store.update(change, &error))
        return true;
    *failure = {ExitCode::CouldNotRun, QStringLiteral("file"), error};
    return false;
}

int TargetsCommand::keychainFailure(const SecretResult& result, const QString& what)
{
    QString message = tr("%1: %2").arg(what, secretErrorMessage(result.error));
    if (!result.errorText.isEmpty())
        message += tr(" (keychain said: %1)").arg(result.errorText);
    return fail(ExitCode::Keychain, message, QStringLiteral("keychain"));
}

int TargetsCommand::list()
{
    if (json()) {
        QJsonArray array;
        for (const Target& target : m_store.targets())
            array.append(target.toJson());
        printJson(array);
        return int(ExitCode::Ok);
    }
    if (m_store.targets().isEmpty()) {
        print(tr("no targets; add one with: bhiv-ops targets add NAME --url URL\n"));
        return int(ExitCode::Ok);
    }
    for (const Target& target : m_store.targets())
        print(targetLine(target, target.name == m_store.lastWatched()));
    return int(ExitCode::Ok);
}

std::optional<Target> TargetsCommand::targetFromOptions(const QString& name,
                                                        CliFailure* failure) const
{
    const auto usage = [failure](const QString& message) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"), message};
        return std::nullopt;
    };
    if (!Target::isValidName(name))
        return usage(tr("a name is 1-64 letters, digits, '.', '_' or '-'"));
    if (m_store.find(name) && !isSet(QStringLiteral("replace")))
        return usage(tr("target %1 exists already (use --replace to change it)").arg(name));
    const auto before = m_store.find(name);
    Target target = before.value_or(Target{});
    target.name = name;
    if (!isSet(QStringLiteral("url")) && target.baseUrl.isEmpty())
        return usage(tr("add needs --url URL"));
    if (isSet(QStringLiteral("url"))) {
        QString error;
        const auto url = parseGatewayUrl(value(QStringLiteral("url")), &error);
        if (!url)
            return usage(tr("--url: %1").arg(error));
        target.baseUrl = *url;
    }
    const QString dialect = value(QStringLiteral("dialect"));
    if (before && !isSet(QStringLiteral("dialect"))) {
        // --replace keeps the dialect
    } else if (dialect == u"auto") {
        target.dialect = Dialect::Unknown;
    } else if (const auto parsed = dialectFromName(dialect);
               parsed && *parsed != Dialect::Unknown) {
        target.dialect = *parsed;
    } else {
        return usage(tr("--dialect is auto, plan, modular or monolith"));
    }
    const auto interval = secondsOption(QStringLiteral("interval"), 0.1, 3600, failure);
    if (!interval)
        return std::nullopt;
    if (!before || isSet(QStringLiteral("interval")))
        target.intervalMs = int(*interval * 1000);
    // --replace changes what is said and keeps the rest: a viewer's target stays read-only.
    if (isSet(QStringLiteral("read-only")) && isSet(QStringLiteral("read-write")))
        return usage(tr("--read-only and --read-write contradict each other"));
    if (isSet(QStringLiteral("allow-http")) && isSet(QStringLiteral("no-allow-http")))
        return usage(tr("--allow-http and --no-allow-http contradict each other"));
    if (isSet(QStringLiteral("read-only")) || isSet(QStringLiteral("read-write")))
        target.readOnly = isSet(QStringLiteral("read-only"));
    if (isSet(QStringLiteral("allow-http")) || isSet(QStringLiteral("no-allow-http")))
        target.allowPlainHttp = isSet(QStringLiteral("allow-http"));
    if (isSet(QStringLiteral("fingerprint"))) {
        const auto fingerprint = parseFingerprint(value(QStringLiteral("fingerprint")));
        if (!fingerprint)
            return usage(tr("--fingerprint takes a SHA-256 as 64 hex digits"));
        target.trustedCertSha256 = *fingerprint;
    }
    // Unset limits keep the saved target's (or the defaults).
    for (const auto& [option, field] :
         {std::pair{QStringLiteral("history-hours"), &HistoryRetention::rawHours},
          std::pair{QStringLiteral("history-days"), &HistoryRetention::rollupDays},
          std::pair{QStringLiteral("history-cap-mb"), &HistoryRetention::capMb}}) {
        if (!isSet(option))
            continue;
        bool ok = false;
        const int number = value(option).toInt(&ok);
        if (!ok)
            return usage(tr("--%1 takes a whole number").arg(option));
        target.history.*field = number;
    }
    const QString why = target.validationError();
    if (!why.isEmpty())
        return usage(why);
    return target;
}

int TargetsCommand::add(const QString& name)
{
    CliFailure failure;
    const auto target = targetFromOptions(name, &failure);
    if (!target)
        return fail(failure);
    const auto before = m_store.find(name);
    BoundKeychain secrets(m_store);
    // Secrets stored before they were bound keep the address they were entered for.
    if (before)
        bindBeforeChange(secrets.bound, *before);
    // The key first: when the keychain is unavailable nothing is saved at all.
    const bool withKey = isSet(QStringLiteral("api-key-stdin"));
    if (withKey) {
        const QByteArray key = readSecret(tr("API key for %1").arg(name));
        if (key.isEmpty())
            return fail(ExitCode::Usage, tr("--api-key-stdin: no key on stdin"));
        // Bound to the address typed now (the store still holds the old one).
        SecretResult written;
        bool done = false;
        writeSecretFor(&secrets.bound, secretKeyGatewayApiKey(name), key, originOf(target->baseUrl),
                       [&](const SecretResult& r) {
                           written = r;
                           done = true;
                           quitLoop();
                       });
        waitUntil([&] { return done; });
        if (!written.ok())
            return keychainFailure(written, tr("the API key was not stored"));
    }
    if (!update([&](TargetStore& store, QString* why) { return store.upsert(*target, why); },
                &failure))
        return fail(failure);
    if (before && !withKey && originOf(before->baseUrl) != originOf(target->baseUrl))
        print(tr("secrets of %1 stay with %2 until you confirm the new address: bhiv-ops "
                 "targets confirm %1\n")
                  .arg(name, originOf(before->baseUrl)));
    print(tr("target %1 saved%2\n")
              .arg(name, withKey ? tr("; API key stored in the keychain") : QString()));
    return int(ExitCode::Ok);
}

int TargetsCommand::setKey(const QString& name)
{
    CliFailure failure;
    if (!existing(name, &failure))
        return fail(failure);
    const QString what = value(QStringLiteral("for"));
    QString entry;
    if (what == u"gateway")
        entry = secretKeyGatewayApiKey(name);
    else if (what == u"prometheus")
        entry = secretKeyPrometheusCredential(name);
    else if (what == u"alertmanager")
        entry = secretKeyAlertmanagerCredential(name);
    else
        return fail(ExitCode::Usage, tr("--for takes gateway, prometheus or alertmanager"));
    const QString label = what == u"gateway" ? tr("API key") : tr("%1 credential").arg(what);
    const QByteArray key = readSecret(tr("%1 of %2 (empty: remove)").arg(label, name));
    BoundKeychain secrets(m_store); // bound to the address the target has now
    const SecretResult result = key.isEmpty() ? removeSecretSync(secrets.bound, entry)
                                              : writeSecretSync(secrets.bound, entry, key);
    if (!result.ok() && !(key.isEmpty() && result.error == SecretError::NotFound))
        return keychainFailure(result, tr("the %1 was not changed").arg(label));
    print(key.isEmpty() ? tr("%1 of %2 removed from the keychain\n").arg(label, name)
                        : tr("%1 of %2 stored in the keychain\n").arg(label, name));
    return int(ExitCode::Ok);
}

// The alert webhook URL is a secret (Slack's carry their token in the path): from stdin into the
// keychain, never argv; `bhiv-ops --alert-webhook-keychain` reads it. Empty removes it.
int TargetsCommand::setWebhook()
{
    const QByteArray line = readSecret(tr("alert webhook URL (empty: remove)"));
    KeychainSecretStore secrets;
    if (line.isEmpty()) {
        const SecretResult removed = removeSecretSync(secrets, WebhookNotifier::secretKey());
        if (!removed.ok() && removed.error != SecretError::NotFound)
            return keychainFailure(removed, tr("the webhook URL was not removed"));
        print(tr("alert webhook URL removed from the keychain\n"));
        return int(ExitCode::Ok);
    }
    const QUrl url(QString::fromUtf8(line), QUrl::StrictMode);
    if (const QString why = WebhookNotifier::urlProblem(url); !why.isEmpty())
        return fail(ExitCode::Usage, why); // never the URL itself
    const SecretResult written = writeSecretSync(secrets, WebhookNotifier::secretKey(), line);
    if (!written.ok())
        return keychainFailure(written, tr("the webhook URL was not stored"));
    print(tr("alert webhook URL stored in the keychain (to %1); use it with: bhiv-ops "
             "--alert-webhook-keychain\n")
              .arg(url.host()));
    return int(ExitCode::Ok);
}

int TargetsCommand::remove(const QString& name)
{
    CliFailure failure;
    const auto target = existing(name, &failure);
    if (!target)
        return fail(failure);
    // The secrets first, and the target kept while the keychain cannot be asked: otherwise its
    // keys would stay behind with nothing left that names them. Without any keychain there
    // cannot be secrets to remove.
    BoundKeychain secrets(m_store); // their origin bindings go too
    bool noKeychain = false;
    for (const QString& key : secretKeysOf(*target)) {
        const SecretResult result = removeSecretSync(secrets.bound, key);
        if (result.ok() || result.error == SecretError::NotFound)
            continue;
        if (result.error == SecretError::NoBackend) {
            noKeychain = true;
            break;
        }
        return keychainFailure(result,
                               tr("target %1 kept: its secrets could not be removed").arg(name));
    }
    if (!update(
            [&name](TargetStore& store, QString*) {
                store.remove(name);
                return true;
            },
            &failure))
        return fail(failure);
    print(noKeychain ? tr("target %1 removed (no keychain on this system, so no secrets to "
                          "remove)\n")
                           .arg(name)
                     : tr("target %1 removed\n").arg(name));
    return int(ExitCode::Ok);
}

// Before a pin: the certificate the server presents, described (subject, issuer, names,
// validity, fingerprints) with what trusting it skips; pinned only when it is the one named.
bool TargetsCommand::certificateSeen(const QString& name, const QString& what,
                                     const QByteArray& fingerprint, CliFailure* failure)
{
    const auto target = m_store.find(name);
    const QUrl url = what == u"prometheus"     ? target->dataSource.url
                     : what == u"alertmanager" ? target->alertmanager.url
                                               : target->baseUrl;
    const QString shown = url.toString(QUrl::RemoveUserInfo);
    if (url.scheme() != u"https") {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    url.isEmpty()
                        ? tr("%1 has no %2 address: nothing to trust").arg(name, what)
                        : tr("%1 is plain http: there is no certificate to trust (--offline "
                             "pins the fingerprint for a later https address)")
                              .arg(shown)};
        return false;
    }
    const auto timeoutS = secondsOption(QStringLiteral("timeout"), 0.1, 600, failure);
    if (!timeoutS)
        return false;
    const CertificateLook look = lookAtCertificate(url, int(*timeoutS * 1000));
    if (look.certificate.isNull()) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("certificate_unseen"),
                    tr("could not see the certificate of %1: %2; nothing trusted (--offline pins "
                       "the fingerprint unseen)")
                        .arg(shown, look.error)};
        return false;
    }
    const CertificateDescription description = describeCertificate(look.certificate);
    print(tr("%1 presents:\n").arg(shown));
    for (const QString& line : description.text(QDateTime::currentDateTimeUtc()).split(u'\n'))
        print(QStringLiteral("  %1\n").arg(line));
    if (!pinMatches(look.certificate, fingerprint)) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("certificate_mismatch"),
                    tr("%1 presents another certificate than SHA-256 %2; nothing trusted")
                        .arg(shown, formatFingerprint(fingerprint))};
        return false;
    }
    print(pinPolicyText() + QLatin1Char('\n'));
    return true;
}

int TargetsCommand::trust(const QString& name, bool trusted)
{
    CliFailure failure;
    if (!existing(name, &failure))
        return fail(failure);
    const QString what = value(QStringLiteral("for"));
    if (what != u"gateway" && what != u"prometheus" && what != u"alertmanager")
        return fail(ExitCode::Usage, tr("--for takes gateway, prometheus or alertmanager"));
    QByteArray fingerprint;
    if (trusted) {
        const auto parsed = parseFingerprint(value(QStringLiteral("fingerprint")));
        if (!parsed)
            return fail(ExitCode::Usage,
                        tr("trust needs --fingerprint with a SHA-256 (64 hex digits)"));
        fingerprint = *parsed;
        if (!isSet(QStringLiteral("offline")) &&
            !certificateSeen(name, what, fingerprint, &failure))
            return fail(failure);
    }
    if (!update(
            [&](TargetStore& store, QString* why) {
                auto current = store.find(name);
                if (!current) {
                    *why = tr("no target named %1").arg(name);
                    return false;
                }
                QByteArray& pinned = what == u"prometheus" ? current->dataSource.trustedCertSha256
                                     : what == u"alertmanager"
                                         ? current->alertmanager.trustedCertSha256
                                         : current->trustedCertSha256;
                pinned = fingerprint;
                return store.upsert(*current, why);
            },
            &failure))
        return fail(failure);
    print(trusted
              ? tr("%1 (%2) trusts the certificate with SHA-256 %3\n")
                    .arg(name, what, formatFingerprint(fingerprint))
              : tr("%1 (%2) trusts only the system's certificate authorities\n").arg(name, what));
    return int(ExitCode::Ok);
}

// The operator says the secrets entered for the target's old address may go to its new one.
int TargetsCommand::confirm(const QString& name)
{
    CliFailure failure;
    const auto target = existing(name, &failure);
    if (!target)
        return fail(failure);
    const QString what = isSet(QStringLiteral("for")) ? value(QStringLiteral("for")) : QString();
    static const QStringList kinds{QStringLiteral("gateway"),      QStringLiteral("render"),
                                   QStringLiteral("deploy-hook"),  QStringLiteral("prometheus"),
                                   QStringLiteral("alertmanager"), QStringLiteral("all")};
    if (!what.isEmpty() && !kinds.contains(what))
        return fail(ExitCode::Usage, tr("--for takes %1").arg(kinds.join(QStringLiteral(", "))));
    BoundKeychain secrets(m_store);
    int confirmed = 0;
    for (const SecretSlot& slot : secretSlotsOf(*target)) {
        if (!what.isEmpty() && what != u"all" && slot.kind != what)
            continue;
        const SecretResult result = confirmOriginSync(secrets.bound, slot.key);
        if (result.error == SecretError::NotFound)
            continue;
        if (!result.ok())
            return keychainFailure(result, tr("the %1 was not confirmed").arg(slot.label));
        print(tr("%1 of %2 may now go to %3\n").arg(slot.label, name, slot.origin));
        ++confirmed;
    }
    if (confirmed == 0)
        print(tr("%1 has no stored secret to confirm\n").arg(name));
    return int(ExitCode::Ok);
}

int TargetsCommand::test(const QString& name)
{
    CliFailure failure;
    const auto target = existing(name, &failure);
    if (!target)
        return fail(failure);
    const auto timeoutS = secondsOption(QStringLiteral("timeout"), 0.1, 600, &failure);
    if (!timeoutS)
        return fail(failure);
    BoundKeychain secrets(m_store);
    const SecretResult key = readSecretSync(secrets.bound, secretKeyGatewayApiKey(target->name));
    if (key.error == SecretError::OriginChanged)
        return fail(originChangedFailure(target->name, tr("API key"), key)); // nothing polled
    if (!key.ok() && key.error != SecretError::NotFound)
        printError(secretErrorMessage(key.error));
    const TestFindings findings = probeTarget(*target, key, int(*timeoutS * 1000));
    if (json())
        printJson(findingsJson(*target, findings));
    else
        print(findingsText(*target, findings));
    if (findings.state == ConnectionState::AuthFailed || findings.auth.authFailed())
        return int(ExitCode::Auth);
    return isAnswering(findings.state) && findings.metricsOk() && findings.auth.ok()
               ? int(ExitCode::Ok)
               : int(ExitCode::CouldNotRun);
}

int TargetsCommand::exportTo(const QString& path)
{
    CliFailure failure;
    if (!writeOutput(path, TargetStore::exportJson(m_store.targets()), &failure))
        return fail(failure);
    // With "-" stdout carries the JSON: the confirmation goes to stderr.
    const QString done = tr("%1 target(s) exported to %2 (without secrets)")
                             .arg(m_store.targets().size())
                             .arg(path == u"-" ? tr("stdout") : path);
    if (path == u"-")
        note(done);
    else
        print(done + QLatin1Char('\n'));
    return int(ExitCode::Ok);
}

int TargetsCommand::importFrom(const QString& path)
{
    CliFailure failure;
    QByteArray data;
    if (!readInput(path, &data, &failure))
        return fail(failure);
    QString error;
    const auto targets = TargetStore::importJson(data, &error);
    if (!targets)
        return fail(ExitCode::CouldNotRun, tr("%1: %2").arg(path, error), QStringLiteral("file"));
    int added = 0;
    QStringList skipped;
    QStringList toTrust;
    QList<Target> accepted;
    BoundKeychain secrets(m_store);
    for (Target target : *targets) {
        const auto current = m_store.find(target.name);
        if (current && !isSet(QStringLiteral("replace"))) {
            skipped << target.name;
            continue;
        }
        // A file says which certificate to trust; the operator decides. A fingerprint the
        // target trusts already stays.
        const auto untrusted = [&](QByteArray& imported, const QByteArray& kept,
                                   const QString& what) {
            if (imported.isEmpty() || imported == kept)
                return;
            toTrust << tr("  bhiv-ops targets trust %1 --for %2 --fingerprint %3")
                           .arg(target.name, what, formatFingerprint(imported));
            imported = kept;
        };
        untrusted(target.trustedCertSha256, current ? current->trustedCertSha256 : QByteArray(),
                  QStringLiteral("gateway"));
        untrusted(target.dataSource.trustedCertSha256,
                  current ? current->dataSource.trustedCertSha256 : QByteArray(),
                  QStringLiteral("prometheus"));
        untrusted(target.alertmanager.trustedCertSha256,
                  current ? current->alertmanager.trustedCertSha256 : QByteArray(),
                  QStringLiteral("alertmanager"));
        // Its secrets keep the addresses they were entered for.
        if (current)
            bindBeforeChange(secrets.bound, *current);
        accepted << target;
        ++added;
    }
    if (!update(
            [&accepted](TargetStore& store, QString* why) {
                for (const Target& target : accepted) {
                    if (!store.upsert(target, why))
                        return false;
                }
                return true;
            },
            &failure))
        return fail(failure);
    QString done = tr("%1 target(s) imported").arg(added);
    if (!skipped.isEmpty())
        done +=
            tr("; kept the existing %1 (use --replace)").arg(skipped.join(QStringLiteral(", ")));
    done += tr("; store their API keys with: bhiv-ops targets set-key NAME\n");
    if (!toTrust.isEmpty())
        done += tr("certificates named in the file are not trusted until you say so:\n%1\n")
                    .arg(toTrust.join(QLatin1Char('\n')));
    print(done);
    return int(ExitCode::Ok);
}

} // namespace ops
