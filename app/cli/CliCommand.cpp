#include "app/cli/CliCommand.h"

#include "models/secrets/KeychainSecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"
#include "models/targets/TargetStore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimer>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("cli", text);
}

QtMessageHandler g_previousHandler = nullptr;

// Qt warns once about a missing XDG_RUNTIME_DIR (QStandardPaths::RuntimeLocation) when a
// library asks for it; a script run under cron or ssh has none, and the warning says nothing
// about what the verb did.
void quietMessageHandler(QtMsgType type, const QMessageLogContext& context, const QString& text)
{
    if (type == QtWarningMsg && text.startsWith(QLatin1String("QStandardPaths: ")))
        return;
    if (g_previousHandler)
        g_previousHandler(type, context, text);
}

// One line from stdin, without its line ending. On a terminal the prompt is shown once echo is
// off (so nothing typed after it is echoed); what was typed ahead is kept (TCSANOW).
std::string readStdinLine(const QString& prompt)
{
    termios saved{};
    const bool hideEcho = isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (hideEcho) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::fprintf(stderr, "%s: ", prompt.toUtf8().constData());
        std::fflush(stderr);
    }
    std::string line;
    std::getline(std::cin, line);
    if (hideEcho)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.pop_back();
    return line;
}

// The port as typed ("99999", "x"), when the authority has one: QUrl only says "invalid".
std::optional<QString> portText(QString url)
{
    const qsizetype scheme = url.indexOf(QLatin1String("://"));
    if (scheme >= 0)
        url = url.mid(scheme + 3);
    QString authority = url.left(url.indexOf(QRegularExpression(QStringLiteral("[/?#]"))));
    authority = authority.mid(authority.lastIndexOf(QLatin1Char('@')) + 1);
    const qsizetype hostEnd =
        authority.startsWith(QLatin1Char('[')) ? authority.indexOf(QLatin1Char(']')) : qsizetype(0);
    const qsizetype colon = authority.indexOf(QLatin1Char(':'), std::max<qsizetype>(hostEnd, 0));
    if (colon < 0)
        return std::nullopt;
    return authority.mid(colon + 1);
}

} // namespace

QString exitCodeHelp()
{
    return tr("Exit codes:\n"
              "  0  ok\n"
              "  1  the check failed (degraded gateway, failed check, workflow or deploy)\n"
              "  2  could not run (unreachable, unsupported, gateway or file error)\n"
              "  3  usage (unknown command or option, bad value, unknown target)\n"
              "  4  authentication failed (the key was refused)\n"
              "  5  keychain unavailable, locked or refusing");
}

QString exitCodeName(ExitCode code)
{
    switch (code) {
    case ExitCode::Ok:
        return QStringLiteral("ok");
    case ExitCode::CheckFailed:
        return QStringLiteral("check_failed");
    case ExitCode::CouldNotRun:
        return QStringLiteral("could_not_run");
    case ExitCode::Usage:
        return QStringLiteral("usage");
    case ExitCode::Auth:
        return QStringLiteral("auth_failed");
    case ExitCode::Keychain:
        return QStringLiteral("keychain");
    }
    return QStringLiteral("could_not_run");
}

void configureCliLogging(bool verbose)
{
    QLoggingCategory::setFilterRules(verbose ? QStringLiteral("ops.*=true")
                                             : QStringLiteral("ops.*=false"));
    if (!g_previousHandler)
        g_previousHandler = qInstallMessageHandler(quietMessageHandler);
}

std::optional<QUrl> parseGatewayUrl(const QString& text, QString* error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = tr("the URL is empty");
        return std::nullopt;
    }
    // fromUserInput guesses too much ("http://h:99999" becomes a host named "http"): with a
    // scheme the text is taken as written.
    const bool hasScheme = trimmed.contains(QLatin1String("://"));
    const QUrl url = hasScheme ? QUrl(trimmed, QUrl::StrictMode) : QUrl::fromUserInput(trimmed);
    const std::optional<QString> port = portText(trimmed);
    if (port) {
        bool ok = false;
        const int number = port->toInt(&ok);
        if (!ok || number < 1 || number > 65535) {
            *error = tr("invalid port \"%1\" (1 to 65535)").arg(*port);
            return std::nullopt;
        }
    }
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")) {
        *error = tr("needs an http:// or https:// URL");
        return std::nullopt;
    }
    if (url.host().isEmpty()) {
        *error = tr("the URL has no host");
        return std::nullopt;
    }
    // Never echoes the URL: it would print the password.
    if (const QString why = urlUserInfoProblem(url, QStringLiteral("given")); !why.isEmpty()) {
        *error = why;
        return std::nullopt;
    }
    return url;
}

QString CliGateway::displayName() const
{
    return saved ? target.name : target.baseUrl.toString(QUrl::RemoveUserInfo);
}

CliCommand::CliCommand(QString verb, QString description)
    : m_verb(std::move(verb))
    , m_verboseOption({QStringLiteral("v"), QStringLiteral("verbose")},
                      tr("Show debug logging on stderr."))
{
    m_parser.setApplicationDescription(description + QStringLiteral("\n\n") + exitCodeHelp());
    m_parser.addHelpOption();
    m_parser.addOption(m_verboseOption);
}

CliCommand::~CliCommand() = default;

void CliCommand::addJsonOption(const QString& description)
{
    m_hasJsonOption = true;
    m_parser.addOption(QCommandLineOption(
        QStringLiteral("json"),
        description.isEmpty()
            ? tr("Print JSON on stdout; a failure as {\"error\": {\"code\", \"message\"}}.")
            : description));
}

void CliCommand::setSyntax(const QString& syntax)
{
    m_syntax = syntax;
}

QStringList CliCommand::positional() const
{
    return m_parser.positionalArguments().mid(1);
}

bool CliCommand::parse(const QStringList& arguments)
{
    m_parser.addPositionalArgument(m_verb, QString(), m_syntax.isEmpty() ? m_verb : m_syntax);
    // "bhiv-ops VERB ..." is parsed as "VERB ..." so the verb is the first positional argument.
    const bool ok = m_parser.parse(arguments);
    m_json = m_hasJsonOption &&
             (ok ? m_parser.isSet(QStringLiteral("json")) : arguments.contains(u"--json"));
    m_verbose = ok ? m_parser.isSet(m_verboseOption)
                   : (arguments.contains(u"-v") || arguments.contains(u"--verbose"));
    return ok;
}

int CliCommand::run(const QStringList& arguments)
{
    const bool parsed = parse(arguments);
    configureCliLogging(m_verbose);
    int exit = 0;
    if (!parsed) {
        exit = fail(ExitCode::Usage, m_parser.errorText());
    } else if (m_parser.isSet(QStringLiteral("help"))) {
        print(m_parser.helpText());
    } else {
        exit = execute();
    }
    if (std::fflush(stdout) != 0 || std::ferror(stdout) || m_writeFailed) {
        const int error = errno;
        std::fprintf(stderr, "bhiv-ops %s: cannot write the output: %s\n", qPrintable(m_verb),
                     error ? std::strerror(error) : "write error");
        return int(ExitCode::CouldNotRun);
    }
    return exit;
}

void CliCommand::addGatewayOptions(double defaultTimeoutS)
{
    m_parser.addOptions({
        {QStringLiteral("url"), tr("Gateway base URL (https://host[:port]); or --target."),
         QStringLiteral("URL")},
        {QStringLiteral("target"), tr("A saved target (bhiv-ops targets list); or --url."),
         QStringLiteral("NAME")},
        {QStringLiteral("api-key-stdin"),
         tr("Read the gateway API key from stdin (a prompt without echo on a terminal); a "
            "saved target's key comes from the keychain otherwise.")},
        {QStringLiteral("allow-http"),
         tr("With --url: allow plain http to a host that is not loopback.")},
        {QStringLiteral("dialect"),
         tr("With --url: the gateway's dialect, plan, modular or monolith (default: detect)."),
         QStringLiteral("DIALECT")},
        {QStringLiteral("timeout"),
         tr("Seconds to wait for each answer (default %1).").arg(defaultTimeoutS),
         QStringLiteral("SECONDS"), QString::number(defaultTimeoutS)},
    });
}

std::optional<CliGateway> CliCommand::resolveGateway(CliFailure* failure)
{
    const auto usage = [failure](const QString& message) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"), message};
        return std::nullopt;
    };
    CliGateway gateway;
    const bool hasUrl = isSet(QStringLiteral("url"));
    const bool hasTarget = isSet(QStringLiteral("target"));
    if (hasUrl == hasTarget)
        return usage(hasUrl ? tr("give --url or --target, not both")
                            : tr("say which gateway: --url URL or --target NAME"));
    if (hasTarget) {
        TargetStore store;
        QString error;
        if (!store.load(&error)) {
            *failure = {ExitCode::CouldNotRun, QStringLiteral("file"), error};
            return std::nullopt;
        }
        const QString name = value(QStringLiteral("target"));
        const auto target = store.find(name);
        if (!target)
            return usage(tr("no target named %1 (bhiv-ops targets list)").arg(name));
        gateway.target = *target;
        gateway.saved = true;
        if (isSet(QStringLiteral("dialect")) || isSet(QStringLiteral("allow-http")))
            return usage(tr("--dialect and --allow-http go with --url; a saved target keeps its "
                            "own (bhiv-ops targets add %1 --replace ...)")
                             .arg(name));
    } else {
        QString error;
        const auto url = parseGatewayUrl(value(QStringLiteral("url")), &error);
        if (!url)
            return usage(tr("--url: %1").arg(error));
        gateway.target.baseUrl = *url;
        gateway.target.allowPlainHttp = isSet(QStringLiteral("allow-http"));
        if (isSet(QStringLiteral("dialect"))) {
            const auto dialect = dialectFromName(value(QStringLiteral("dialect")));
            if (!dialect || *dialect == Dialect::Unknown)
                return usage(tr("--dialect is plan, modular or monolith"));
            gateway.target.dialect = *dialect;
        }
        if (!gateway.target.transportAllowed())
            return usage(tr("--url: plain http to %1 is refused: the key would cross the network "
                            "in clear text; use https, or --allow-http")
                             .arg(url->host()));
    }
    const auto timeoutS = secondsOption(QStringLiteral("timeout"), 0.1, 600, failure);
    if (!timeoutS)
        return std::nullopt;
    gateway.timeoutMs = int(*timeoutS * 1000);
    if (isSet(QStringLiteral("api-key-stdin"))) {
        gateway.apiKey = readSecret(tr("API key for %1").arg(gateway.displayName()));
        if (gateway.apiKey.isEmpty())
            return usage(tr("--api-key-stdin: no key on stdin"));
    } else if (gateway.saved) {
        const SecretResult key =
            readTargetSecretSync(gateway.target, secretKeyGatewayApiKey(gateway.target.name));
        if (key.error == SecretError::OriginChanged) {
            *failure = originChangedFailure(gateway.target.name, tr("API key"), key);
            return std::nullopt;
        }
        if (key.ok())
            gateway.apiKey = key.value;
        else if (key.error != SecretError::NotFound)
            printError(tr("going on without the API key: %1").arg(secretErrorMessage(key.error)));
    }
    return gateway;
}

SecretResult readTargetSecretSync(const Target& target, const QString& key,
                                  const QString& destinationOrigin)
{
    KeychainSecretStore keychain;
    const QList<Target> saved{target};
    OriginBoundSecretStore bound(&keychain, [&](const QString& asked) {
        return destinationOrigin.isEmpty() ? secretOriginFor(saved, asked) : destinationOrigin;
    });
    return readSecretSync(bound, key);
}

CliFailure originChangedFailure(const QString& targetName, const QString& label,
                                const SecretResult& result, const QString& reenter)
{
    return {
        ExitCode::Auth, QStringLiteral("origin_changed"),
        tr("the %1 of %2 was not sent: it was %3. If %2 points where you want it: bhiv-ops "
           "targets confirm %2; otherwise enter it again: %4")
            .arg(label, targetName, result.errorText,
                 reenter.isEmpty() ? tr("bhiv-ops targets set-key %1").arg(targetName) : reenter)};
}

std::optional<double> CliCommand::numberOption(const QString& name, double min, double max,
                                               CliFailure* failure) const
{
    bool ok = false;
    const double number = m_parser.value(name).toDouble(&ok);
    if (!ok || !(number >= min && number <= max)) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("--%1 takes a number from %2 to %3, not \"%4\"")
                        .arg(name)
                        .arg(min)
                        .arg(max)
                        .arg(m_parser.value(name))};
        return std::nullopt;
    }
    return number;
}

std::optional<double> CliCommand::secondsOption(const QString& name, double min, double max,
                                                CliFailure* failure) const
{
    bool ok = false;
    const double seconds = m_parser.value(name).toDouble(&ok);
    if (!ok || !(seconds >= min && seconds <= max)) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("--%1 takes %2 to %3 seconds, not \"%4\"")
                        .arg(name)
                        .arg(min)
                        .arg(max)
                        .arg(m_parser.value(name))};
        return std::nullopt;
    }
    return seconds;
}

std::optional<int> CliCommand::intOption(const QString& name, int min, int max,
                                         CliFailure* failure) const
{
    bool ok = false;
    const int number = m_parser.value(name).toInt(&ok);
    if (!ok || number < min || number > max) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("--%1 takes a whole number from %2 to %3, not \"%4\"")
                        .arg(name)
                        .arg(min)
                        .arg(max)
                        .arg(m_parser.value(name))};
        return std::nullopt;
    }
    return number;
}

void CliCommand::print(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    if (std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout) != size_t(bytes.size()))
        m_writeFailed = true;
}

void CliCommand::printJson(const QJsonValue& value)
{
    const QByteArray text = value.isArray()
                                ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    print(QString::fromUtf8(text) + QLatin1Char('\n'));
}

void printProblem(const QString& text)
{
    std::fprintf(stderr, "bhiv-ops: %s\n", text.toUtf8().constData());
}

void printVerbProblem(const QString& verb, const QString& text)
{
    std::fprintf(stderr, "bhiv-ops %s: %s\n", qPrintable(verb), text.toUtf8().constData());
}

void CliCommand::printError(const QString& text) const
{
    printVerbProblem(m_verb, text);
}

void CliCommand::note(const QString& text) const
{
    std::fprintf(stderr, "%s\n", text.toUtf8().constData());
}

int CliCommand::fail(const CliFailure& failure)
{
    printError(failure.message);
    if (m_json) {
        const QString code = failure.code.isEmpty() ? exitCodeName(failure.exit) : failure.code;
        printJson(QJsonObject{
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                  {QStringLiteral("message"), failure.message}}}});
    }
    return int(failure.exit);
}

int CliCommand::fail(ExitCode exit, const QString& message, const QString& code)
{
    return fail(CliFailure{exit, code, message});
}

bool CliCommand::readInput(const QString& path, QByteArray* data, CliFailure* failure) const
{
    if (path == u"-") {
        const std::string all((std::istreambuf_iterator<char>(std::cin)),
                              std::istreambuf_iterator<char>());
        *data = QByteArray::fromStdString(all);
        return true;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("file"),
                    tr("cannot read %1: %2").arg(path, file.errorString())};
        return false;
    }
    *data = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("file"),
                    tr("cannot read %1: %2").arg(path, file.errorString())};
        return false;
    }
    return true;
}

bool CliCommand::writeOutput(const QString& path, const QByteArray& data, CliFailure* failure)
{
    if (path == u"-") {
        if (std::fwrite(data.constData(), 1, size_t(data.size()), stdout) != size_t(data.size()))
            m_writeFailed = true;
        return true;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("file"),
                    tr("cannot write %1: %2").arg(path, file.errorString())};
        return false;
    }
    return true;
}

QByteArray CliCommand::readSecret(const QString& prompt)
{
    return QByteArray::fromStdString(readStdinLine(prompt)).trimmed();
}

bool CliCommand::waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QEventLoop* outer = m_loop;
    m_loop = &loop;
    bool timedOut = false;
    QTimer timer;
    if (timeoutMs >= 0) {
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
            timedOut = true;
            loop.quit();
        });
        timer.start(timeoutMs);
    }
    while (!timedOut && !done())
        loop.exec();
    m_loop = outer;
    return done();
}

void CliCommand::quitLoop()
{
    if (m_loop)
        m_loop->quit();
}

} // namespace ops
