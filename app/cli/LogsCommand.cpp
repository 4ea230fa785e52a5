#include "app/cli/LogsCommand.h"

#include "app/common/QuitOnSignal.h"
#include "models/domain/Clock.h"
#include "models/logs/LogClient.h"
#include "models/logs/LogTail.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>

#include <cstdio>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("logs", text);
}

// Render keeps 30 days of logs.
constexpr qint64 kMaxBackMs = 30LL * 24 * 3600 * 1000;

} // namespace

LogsCommand::LogsCommand()
    : CliCommand(QStringLiteral("logs"),
                 tr("Print a Render service's logs, oldest first; --follow keeps printing new "
                    "lines until interrupted (SIGINT/SIGTERM end it cleanly, exit 0)."))
{
    addGatewayOptions(30);
    addJsonOption(tr("Print JSON Lines: one object per log line (id, timestamp, level, type, "
                     "instance, message); a failure as {\"error\": ...}."));
    addOptions({
        {QStringLiteral("service"),
         tr("Render service id (srv-...); with --target, its Render service by default."),
         QStringLiteral("ID")},
        {QStringLiteral("render-api"),
         tr("Render API base URL (default https://api.render.com/v1, or the target's)."),
         QStringLiteral("URL")},
        {QStringLiteral("render-key-stdin"),
         tr("Read the Render API key from the first line of stdin; otherwise RENDER_API_KEY, "
            "or the saved target's key in the keychain.")},
        {{QStringLiteral("since"), QStringLiteral("from")},
         tr("Start of the window: a duration ago (30s, 15m, 2h, 7d) or an RFC 3339 time "
            "(default 15m; at most 30 days back)."),
         QStringLiteral("TIME"),
         QStringLiteral("15m")},
        {{QStringLiteral("until"), QStringLiteral("to")},
         tr("End of the window: a duration ago or an RFC 3339 time (default now; not with "
            "--follow)."),
         QStringLiteral("TIME")},
        {QStringLiteral("level"),
         tr("Only this level (debug, info, warning, error, critical; repeatable, wildcards "
            "allowed)."),
         QStringLiteral("LEVEL")},
        {QStringLiteral("type"), tr("Only this type (app, request, build; repeatable)."),
         QStringLiteral("TYPE")},
        {QStringLiteral("text"), tr("Only lines matching this text or regex (repeatable)."),
         QStringLiteral("PATTERN")},
        {QStringLiteral("limit"), tr("At most this many lines of the window (default 10000)."),
         QStringLiteral("N"), QStringLiteral("10000")},
        {QStringLiteral("follow"), tr("After the window, print new lines as they arrive.")},
    });
}

std::optional<qint64> LogsCommand::parseTimeArgument(const QString& text, qint64 nowMs)
{
    const QString t = text.trimmed();
    if (t.compare(QLatin1String("now"), Qt::CaseInsensitive) == 0)
        return nowMs;
    static const QRegularExpression duration(QStringLiteral("^(\\d{1,9})([smhd])$"));
    const QRegularExpressionMatch m = duration.match(t);
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 unitMs = unit == QLatin1Char('s')   ? 1000
                              : unit == QLatin1Char('m') ? 60'000
                              : unit == QLatin1Char('h') ? 3'600'000
                                                         : 86'400'000;
        return nowMs - n * unitMs;
    }
    return parseRfc3339(t);
}

void LogsCommand::printLine(const LogLine& line)
{
    if (json())
        print(QString::fromUtf8(QJsonDocument(line.toJson()).toJson(QJsonDocument::Compact)) +
              QLatin1Char('\n'));
    else
        print(line.toText() + QLatin1Char('\n'));
}

void LogsCommand::LineCursor::advance(const LogLine& line)
{
    if (line.timestampMs != lastMs || lastTimestamp.isEmpty()) {
        idsAtLast.clear();
        lastMs = line.timestampMs;
        lastTimestamp = line.timestamp;
    }
    idsAtLast << line.id;
}

void LogsCommand::printLines(const QList<LogLine>& lines, LineCursor& cursor)
{
    for (const LogLine& line : lines) {
        printLine(line);
        cursor.advance(line);
    }
    std::fflush(stdout);
}

std::optional<LogsCommand::Window> LogsCommand::parseWindow(qint64 nowMs, CliFailure* failure) const
{
    const auto usage = [&](const QString& message) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"), message};
        return std::nullopt;
    };
    Window window;
    const auto since = parseTimeArgument(value(QStringLiteral("since")), nowMs);
    if (!since)
        return usage(tr("--since: \"%1\" is not a duration (30s, 15m, 2h, 7d) or an RFC 3339 time "
                        "(2026-12-05T08:00:00Z)")
                         .arg(value(QStringLiteral("since"))));
    window.sinceMs = *since;
    window.untilMs = nowMs;
    window.follow = isSet(QStringLiteral("follow"));
    if (isSet(QStringLiteral("until"))) {
        if (window.follow)
            return usage(tr("--until and --follow cannot be used together"));
        const auto until = parseTimeArgument(value(QStringLiteral("until")), nowMs);
        if (!until)
            return usage(tr("--until: \"%1\" is not a duration (30s, 15m, 2h, 7d) or an RFC 3339 "
                            "time (2026-12-05T08:00:00Z)")
                             .arg(value(QStringLiteral("until"))));
        window.untilMs = *until;
    }
    if (window.sinceMs >= window.untilMs)
        return usage(tr("the window is empty: --since (%1) is not before --until (%2)")
                         .arg(formatRfc3339(window.sinceMs), formatRfc3339(window.untilMs)));
    if (window.sinceMs < nowMs - kMaxBackMs)
        return usage(tr("--since: Render keeps 30 days of logs; %1 is older")
                         .arg(formatRfc3339(window.sinceMs)));
    const auto limit = intOption(QStringLiteral("limit"), 1, 1'000'000, failure);
    if (!limit)
        return std::nullopt;
    window.limit = *limit;
    return window;
}

std::optional<RenderLogsEndpoint> LogsCommand::resolveEndpoint(const CliGateway& gateway,
                                                               const QString& renderKey,
                                                               CliFailure* failure)
{
    const Target* saved = gateway.saved ? &gateway.target : nullptr;
    RenderLogsEndpoint endpoint;
    endpoint.apiBaseUrl = QUrl(QStringLiteral("https://api.render.com/v1"));
    endpoint.serviceId = value(QStringLiteral("service"));
    if (saved) {
        for (const RenderService& service : saved->services) {
            if (!service.restApi && !service.deployHook)
                continue;
            if (endpoint.serviceId.isEmpty() || service.serviceId == endpoint.serviceId) {
                endpoint.serviceId = service.serviceId;
                endpoint.apiBaseUrl = service.apiBaseUrl;
                break;
            }
        }
    }
    if (isSet(QStringLiteral("render-api"))) {
        QString error;
        const auto api = parseGatewayUrl(value(QStringLiteral("render-api")), &error);
        if (!api) {
            *failure = {ExitCode::Usage, {}, tr("--render-api: %1").arg(error)};
            return std::nullopt;
        }
        endpoint.apiBaseUrl = *api;
    }
    if (endpoint.serviceId.isEmpty()) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    saved ? tr("%1 has no Render service: give --service srv-... or add one in "
                               "the targets dialog")
                                .arg(saved->name)
                          : tr("--service is missing (the Render service id, srv-...)")};
        return std::nullopt;
    }
    endpoint.apiKey = renderKey;
    if (endpoint.apiKey.isEmpty())
        endpoint.apiKey = qEnvironmentVariable("RENDER_API_KEY");
    if (endpoint.apiKey.isEmpty() && saved) {
        // Only to the Render API it was entered for.
        const SecretResult key = readTargetSecretSync(*saved, secretKeyRenderApiKey(saved->name),
                                                      originOf(endpoint.apiBaseUrl));
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
        endpoint.apiKey = QString::fromUtf8(key.value);
    }
    if (endpoint.apiKey.isEmpty()) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("no Render API key: use --render-key-stdin, RENDER_API_KEY, or store it "
                       "for the target")};
        return std::nullopt;
    }
    return endpoint;
}

std::optional<CliFailure> LogsCommand::checkKey(LogClient& client)
{
    LogError ownerError;
    bool answered = false;
    client.resolveOwner([&](const QString&, const LogError& error) {
        ownerError = error;
        answered = true;
        quitLoop();
    });
    waitUntil([&] { return answered; });
    if (!ownerError.isError())
        return std::nullopt;
    const bool auth = ownerError.httpStatus == 401 || ownerError.httpStatus == 403;
    return CliFailure{auth ? ExitCode::Auth : ExitCode::CouldNotRun,
                      auth ? QStringLiteral("auth") : QStringLiteral("render_error"),
                      ownerError.message};
}

std::optional<CliFailure> LogsCommand::printWindow(LogClient& client, const LogQuery& query,
                                                   int limit, LineCursor& cursor)
{
    LogPager pager(&client);
    QObject::connect(&pager, &LogPager::linesFetched,
                     [&](const QList<LogLine>& lines) { printLines(lines, cursor); });
    bool done = false;
    bool complete = false;
    QString pageError;
    QObject::connect(&pager, &LogPager::finished, [&](bool whole, const QString& error) {
        complete = whole;
        pageError = error;
        done = true;
        quitLoop();
    });
    pager.fetch(query, limit);
    waitUntil([&] { return done; });
    if (!pageError.isEmpty())
        return CliFailure{ExitCode::CouldNotRun, QStringLiteral("render_error"), pageError};
    if (!complete)
        note(tr("stopped at --limit %1 lines: the window has more (narrow it, or raise "
                "--limit)")
                 .arg(limit));
    return std::nullopt;
}

int LogsCommand::followLive(LogClient& client, const Clock& clock, LogQuery live,
                            qint64 windowEndMs, LineCursor& cursor)
{
    QuitOnSignal quitOnSignal;
    bool interrupted = false;
    QObject::connect(&quitOnSignal, &QuitOnSignal::received, [&] {
        interrupted = true;
        quitLoop();
    });
    LogTail tail(&client, &clock);
    QObject::connect(&tail, &LogTail::linesArrived,
                     [&](const QList<LogLine>& lines) { printLines(lines, cursor); });
    QString lastStatus;
    QObject::connect(&tail, &LogTail::stateChanged, [&] {
        const QString status = tail.statusText();
        if (status != lastStatus && verbose())
            note(status);
        lastStatus = status;
        if (tail.state() == LogTail::State::Reconnecting && !verbose())
            note(status);
        if (tail.state() == LogTail::State::Stopped)
            quitLoop();
    });
    live.startMs.reset();
    live.endMs.reset();
    tail.start(live,
               cursor.lastTimestamp.isEmpty() ? formatRfc3339(windowEndMs) : cursor.lastTimestamp,
               cursor.idsAtLast);
    waitUntil([&] { return interrupted || tail.state() == LogTail::State::Stopped; });
    if (interrupted) {
        tail.stop();
        return int(ExitCode::Ok);
    }
    const int status = tail.lastHttpStatus();
    const bool auth = status == 401 || status == 403;
    return fail(auth ? ExitCode::Auth : ExitCode::CouldNotRun, tail.lastError(),
                auth ? QStringLiteral("auth") : QStringLiteral("render_error"));
}

int LogsCommand::execute()
{
    SystemClock clock;
    CliFailure failure;
    // The window first: a usage error is said before anything is read or sent.
    const auto window = parseWindow(clock.nowMs(), &failure);
    if (!window)
        return fail(failure);
    QString renderKey;
    if (isSet(QStringLiteral("render-key-stdin"))) {
        renderKey = QString::fromUtf8(readSecret(tr("Render API key")));
        if (renderKey.isEmpty())
            return fail(ExitCode::Usage, tr("--render-key-stdin: no key on stdin"));
    }
    const auto gateway = resolveGateway(&failure);
    if (!gateway)
        return fail(failure);
    const auto endpoint = resolveEndpoint(*gateway, renderKey, &failure);
    if (!endpoint)
        return fail(failure);

    QNetworkAccessManager network;
    LogClient client(&network);
    client.setEndpoint(*endpoint);
    client.setTimeoutMs(gateway->timeoutMs);
    // The workspace first: a refused key is said here, with its own exit code.
    if (const auto refused = checkKey(client))
        return fail(*refused);

    LogQuery query;
    query.resources = QStringList{endpoint->serviceId};
    query.levels = parser().values(QStringLiteral("level"));
    query.types = parser().values(QStringLiteral("type"));
    query.texts = parser().values(QStringLiteral("text"));
    query.startMs = window->sinceMs;
    query.endMs = window->untilMs;
    query.direction = LogQuery::Direction::Forward; // oldest first
    query.limit = 100;
    LineCursor cursor;
    if (const auto pageFailure = printWindow(client, query, window->limit, cursor))
        return fail(*pageFailure);
    if (!window->follow)
        return int(ExitCode::Ok);
    // Live from the newest line printed (or the window's end), nothing twice.
    return followLive(client, clock, query, window->untilMs, cursor);
}

} // namespace ops
