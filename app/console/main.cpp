// bhiv-ops: the BHIV Ops Console. Verbs for scripts run without a window; otherwise the console.
#include "app/cli/CliCommand.h"
#include "app/cli/CliMain.h"
#include "app/common/QuitOnSignal.h"
#include "app/console/ConsoleApplication.h"
#include "app/console/DesktopIntegration.h"
#include "app/console/SingleInstance.h"
#include "models/alerts/WebhookNotifier.h"
#include "models/secrets/KeychainSecretStore.h"
#include "ui/incidents/IncidentReportWriter.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/Theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace {

// --autostart on|off: writes or removes the login autostart entry, then exits. "on" records the
// target options given with it (and --minimized), so the console starts watching that target.
int configureAutostart(const QCommandLineParser& parser, const QString& value)
{
    QString error;
    if (value == u"off") {
        if (!DesktopIntegration::disableAutostart(&error)) {
            ops::printProblem(error);
            return 1;
        }
        std::printf("autostart off: removed %s\n",
                    qPrintable(DesktopIntegration::autostartFilePath()));
        return 0;
    }
    if (value != u"on") {
        ops::printProblem(QStringLiteral("--autostart is on or off"));
        return 3;
    }
    QStringList arguments;
    for (const char* name : {"url", "target", "demo-dialect", "interval"}) {
        const QString option = QString::fromLatin1(name);
        if (parser.isSet(option))
            arguments << QStringLiteral("--") + option << parser.value(option);
    }
    for (const char* name : {"demo", "minimized", "allow-http"}) {
        if (parser.isSet(QString::fromLatin1(name)))
            arguments << QStringLiteral("--") + QString::fromLatin1(name);
    }
    if (!parser.isSet(QStringLiteral("url")) && !parser.isSet(QStringLiteral("demo")) &&
        !parser.isSet(QStringLiteral("target"))) {
        ops::printProblem(QStringLiteral(
            "--autostart on needs what to watch: --url URL, --target NAME, or --demo"));
        return 3;
    }
    if (!DesktopIntegration::enableAutostart(QCoreApplication::applicationFilePath(), arguments,
                                             &error)) {
        ops::printProblem(error);
        return 1;
    }
    std::printf("autostart on: wrote %s\n", qPrintable(DesktopIntegration::autostartFilePath()));
    return 0;
}

// The alert webhook URL is a secret: from the keychain, a file or stdin (argv is readable by
// every user of the machine); at most one source; remote plain http refused. An empty URL (no
// option) is "no webhook". nullopt with *error otherwise, and *exitCode: 5 when the keychain
// failed, 3 for everything else (usage).
std::optional<QUrl>
alertWebhookFrom(const QCommandLineParser& parser, const QCommandLineOption& argument,
                 const QCommandLineOption& file, const QCommandLineOption& stdinOption,
                 const QCommandLineOption& keychain, QString* error, int* exitCode)
{
    *exitCode = 3;
    const int sources = int(parser.isSet(argument)) + int(parser.isSet(file)) +
                        int(parser.isSet(stdinOption)) + int(parser.isSet(keychain));
    if (sources == 0)
        return QUrl();
    if (sources > 1) {
        *error = QStringLiteral(
            "give the alert webhook one way only (--alert-webhook, --alert-webhook-file, "
            "--alert-webhook-stdin or --alert-webhook-keychain)");
        return std::nullopt;
    }
    QString text;
    if (parser.isSet(argument)) {
        text = parser.value(argument);
        ops::printProblem(
            QStringLiteral("note: --alert-webhook shows the URL to every user of this machine "
                           "(ps); prefer --alert-webhook-keychain, -file or -stdin"));
    } else if (parser.isSet(file)) {
        QFile in(parser.value(file));
        if (!in.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("--alert-webhook-file: cannot read %1: %2")
                         .arg(parser.value(file), in.errorString());
            return std::nullopt;
        }
        text = QString::fromUtf8(in.readLine(8192)).trimmed();
    } else if (parser.isSet(stdinOption)) {
        std::string line;
        std::getline(std::cin, line);
        text = QString::fromStdString(line).trimmed();
    } else {
        ops::KeychainSecretStore secrets;
        const ops::SecretResult stored =
            ops::readSecretSync(secrets, ops::WebhookNotifier::secretKey());
        if (!stored.ok()) {
            if (stored.error != ops::SecretError::NotFound)
                *exitCode = 5;
            *error = QStringLiteral("--alert-webhook-keychain: %1")
                         .arg(stored.error == ops::SecretError::NotFound
                                  ? QStringLiteral("no webhook URL in the keychain (store one "
                                                   "with: bhiv-ops targets set-webhook)")
                                  : ops::secretErrorMessage(stored.error));
            return std::nullopt;
        }
        text = QString::fromUtf8(stored.value).trimmed();
    }
    const QUrl url(text, QUrl::StrictMode);
    if (const QString why = ops::WebhookNotifier::urlProblem(url); !why.isEmpty()) {
        *error = why; // never the URL itself
        return std::nullopt;
    }
    return url;
}

// The window's command line: every option, declared on the parser (translations must be
// installed first: the texts use them).
struct ConsoleCommandLine {
    explicit ConsoleCommandLine(QCommandLineParser& parser);
    QCommandLineOption demoOption;
    QCommandLineOption demoDialectOption;
    QCommandLineOption urlOption;
    QCommandLineOption targetOption;
    QCommandLineOption allowHttpOption;
    QCommandLineOption intervalOption;
    QCommandLineOption screenshotOption;
    QCommandLineOption screenshotDelayOption;
    QCommandLineOption minimizedOption;
    QCommandLineOption newInstanceOption;
    QCommandLineOption autostartOption;
    // Hidden: the page (tab) to show, by object name or title ("deploys", "Audit"), for
    // screenshots and scripted starts.
    QCommandLineOption pageOption;
    // Hidden: force a light or dark palette (Fusion) for screenshots; the default follows the
    // system.
    QCommandLineOption paletteOption;
    // Hidden: the window's size for screenshots ("1280x720": a laptop screen).
    QCommandLineOption windowSizeOption;
    QCommandLineOption rulesOption;
    QCommandLineOption alertWebhookOption;
    QCommandLineOption alertWebhookFileOption;
    QCommandLineOption alertWebhookStdinOption;
    QCommandLineOption alertWebhookKeychainOption;
    QCommandLineOption alertWebhookSlackOption;
    QCommandLineOption alertSoundOption;
};

ConsoleCommandLine::ConsoleCommandLine(QCommandLineParser& parser)
    : demoOption(
          QStringLiteral("demo"),
          QApplication::translate("main", "Start the bundled gateway simulator and watch it."))
    , demoDialectOption(
          QStringLiteral("demo-dialect"),
          QApplication::translate("main", "Dialect of the demo gateway: plan, modular, monolith."),
          QStringLiteral("DIALECT"), QStringLiteral("plan"))
    , urlOption(QStringLiteral("url"),
                QApplication::translate("main", "Gateway base URL to watch."),
                QStringLiteral("URL"))
    , targetOption(
          QStringLiteral("target"),
          QApplication::translate("main", "Watch this saved target (bhiv-ops targets list)."),
          QStringLiteral("NAME"))
    , allowHttpOption(QStringLiteral("allow-http"),
                      QApplication::translate(
                          "main", "With --url: allow plain http to a host that is not loopback."))
    , intervalOption(QStringLiteral("interval"),
                     QApplication::translate("main", "Seconds between polls (default 5; demo 2)."),
                     QStringLiteral("SECONDS"))
    , screenshotOption(QStringLiteral("screenshot"),
                       QApplication::translate(
                           "main", "Once data has arrived, save the window as a PNG and quit."),
                       QStringLiteral("FILE"))
    , screenshotDelayOption(
          QStringLiteral("screenshot-delay"),
          QApplication::translate("main",
                                  "Seconds to wait after the first data before --screenshot."),
          QStringLiteral("SECONDS"), QStringLiteral("0"))
    , minimizedOption(QStringLiteral("minimized"),
                      QApplication::translate(
                          "main", "Start minimised (to the system tray when there is one)."))
    , newInstanceOption(QStringLiteral("new-instance"),
                        QApplication::translate(
                            "main", "Start another console even when one is already running."))
    , autostartOption(
          QStringLiteral("autostart"),
          QApplication::translate(
              "main", "Start at login with the other options given (on), or not (off)."),
          QStringLiteral("on|off"))
    , pageOption(QStringLiteral("page"), QApplication::translate("main", "Page to show."),
                 QStringLiteral("NAME"))
    , paletteOption(QStringLiteral("palette"),
                    QApplication::translate("main", "Colour palette: system, light or dark."),
                    QStringLiteral("NAME"), QStringLiteral("system"))
    , windowSizeOption(QStringLiteral("window-size"),
                       QApplication::translate("main", "Window size, WxH."), QStringLiteral("WxH"))
    , rulesOption(QStringLiteral("rules"),
                  QApplication::translate(
                      "main", "Alert rules to watch with (JSON, see docs/alert-rules.md)."),
                  QStringLiteral("FILE"))
    , alertWebhookOption(
          QStringLiteral("alert-webhook"),
          QApplication::translate("main", "POST every alert change to this URL (JSON)."),
          QStringLiteral("URL"))
    , alertWebhookFileOption(
          QStringLiteral("alert-webhook-file"),
          QApplication::translate("main", "Read the webhook URL from the first line of FILE."),
          QStringLiteral("FILE"))
    , alertWebhookStdinOption(
          QStringLiteral("alert-webhook-stdin"),
          QApplication::translate("main", "Read the webhook URL from the first line of stdin."))
    , alertWebhookKeychainOption(
          QStringLiteral("alert-webhook-keychain"),
          QApplication::translate(
              "main", "Use the webhook URL stored in the keychain (bhiv-ops targets set-webhook)."))
    , alertWebhookSlackOption(
          QStringLiteral("alert-webhook-slack"),
          QApplication::translate("main", "Send the webhook as Slack's {\"text\": ...}."))
    , alertSoundOption(QStringLiteral("alert-sound"),
                       QApplication::translate("main", "Beep when an alert starts firing."))
{
    parser.setApplicationDescription(
        QApplication::translate(
            "main", "BHIV Ops Console: watch a BHIV gateway's health and metrics.\n\nFor scripts: "
                    "bhiv-ops VERB [options] (bhiv-ops VERB --help).\n") +
        ops::verbsHelp() + QLatin1Char('\n') + ops::exitCodeHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({targetOption, allowHttpOption});
    pageOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(pageOption);
    paletteOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(paletteOption);
    windowSizeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(windowSizeOption);
    parser.addOptions({rulesOption, alertWebhookOption, alertWebhookFileOption,
                       alertWebhookStdinOption, alertWebhookKeychainOption, alertWebhookSlackOption,
                       alertSoundOption});
    parser.addOptions({demoOption, demoDialectOption, urlOption, intervalOption, screenshotOption,
                       screenshotDelayOption, minimizedOption, newInstanceOption, autostartOption});
}

// The console's options from a parsed command line, or nothing with the problem said and the
// exit code set.
std::optional<ConsoleOptions> consoleOptionsFrom(const QCommandLineParser& parser,
                                                 const ConsoleCommandLine& cl, int* exitCode)
{
    ConsoleOptions options;
    options.demo = parser.isSet(cl.demoOption);
    options.demoDialect = parser.value(cl.demoDialectOption);
    if (parser.isSet(cl.urlOption)) {
        options.url = QUrl::fromUserInput(parser.value(cl.urlOption));
        if (!options.url.isValid() ||
            (options.url.scheme() != u"http" && options.url.scheme() != u"https")) {
            ops::printProblem(QStringLiteral("--url needs an http(s) URL"));
            *exitCode = 3;
            return std::nullopt;
        }
    }
    // Neither --url nor --demo: a saved target (--target, else the last watched); with none
    // saved, the targets dialog opens and offers the demo.
    options.targetName = parser.value(cl.targetOption);
    options.allowPlainHttp = parser.isSet(cl.allowHttpOption);
    if (options.demo &&
        !QStringList{QStringLiteral("plan"), QStringLiteral("modular"), QStringLiteral("monolith")}
             .contains(options.demoDialect)) {
        ops::printProblem(QStringLiteral("--demo-dialect is plan, modular or monolith"));
        *exitCode = 3;
        return std::nullopt;
    }
    options.intervalMs = options.demo ? 2000 : 5000;
    if (parser.isSet(cl.intervalOption)) {
        bool ok = false;
        const double seconds = parser.value(cl.intervalOption).toDouble(&ok);
        if (!ok || seconds < 0.1 || seconds > 3600) {
            ops::printProblem(QStringLiteral("--interval takes 0.1 to 3600 seconds"));
            *exitCode = 3;
            return std::nullopt;
        }
        options.intervalMs = int(seconds * 1000);
    }
    options.screenshotPath = parser.value(cl.screenshotOption);
    options.screenshotDelayMs = int(parser.value(cl.screenshotDelayOption).toDouble() * 1000);
    options.page = parser.value(cl.pageOption);
    options.alertRulesFile = parser.value(cl.rulesOption);
    options.alertWebhookSlack = parser.isSet(cl.alertWebhookSlackOption);
    options.alertSound = parser.isSet(cl.alertSoundOption);
    QString webhookError;
    int webhookExit = 3;
    const auto webhook = alertWebhookFrom(parser, cl.alertWebhookOption, cl.alertWebhookFileOption,
                                          cl.alertWebhookStdinOption, cl.alertWebhookKeychainOption,
                                          &webhookError, &webhookExit);
    if (!webhook) {
        ops::printProblem(webhookError);
        *exitCode = webhookExit;
        return std::nullopt;
    }
    options.alertWebhook = *webhook;
    return options;
}

int runConsole(int argc, char** argv)
{
    QApplication app(argc, argv);
    // SIGTERM/SIGINT end the event loop, so the demo simulator is stopped with the console.
    ops::QuitOnSignal quitOnSignal;
    DesktopIntegration::install(app); // translations first: the option texts below use them
    QCommandLineParser parser;
    const ConsoleCommandLine cl(parser);
    parser.process(app);
    // "bhiv-ops --url URL stauts": a verb after the options is still not a window to open.
    if (!parser.positionalArguments().isEmpty()) {
        const QString word = parser.positionalArguments().constFirst();
        const QString verb = ops::closestVerb(word);
        ops::printProblem(
            QStringLiteral("unknown command '%1'%2")
                .arg(word,
                     verb.isEmpty()
                         ? QStringLiteral("; bhiv-ops help lists the verbs")
                         : QStringLiteral("; did you mean %1? (the verb comes first)").arg(verb)));
        return int(ops::ExitCode::Usage);
    }

    // --palette, else the one chosen in View > Palette.
    if (!ops::applyPalette(parser.isSet(cl.paletteOption) ? parser.value(cl.paletteOption)
                                                          : ops::MainWindow::savedPalette())) {
        ops::printProblem(QStringLiteral("--palette is system, light or dark"));
        return 3;
    }
    if (parser.isSet(cl.autostartOption))
        return configureAutostart(parser, parser.value(cl.autostartOption));
    // A second launch hands its arguments to the running console, which comes to the front.
    // Screenshot runs are one-shot jobs and --new-instance opts out.
    const bool singleInstance =
        !parser.isSet(cl.screenshotOption) && !parser.isSet(cl.newInstanceOption);
    SingleInstance instance;
    if (singleInstance && instance.sendToRunning(app.arguments().mid(1))) {
        ops::printProblem(QStringLiteral("passed to the console that is already running"));
        return 0;
    }

    int exitCode = 0;
    const std::optional<ConsoleOptions> options = consoleOptionsFrom(parser, cl, &exitCode);
    if (!options)
        return exitCode;
    ConsoleApplication console(*options);
    if (!console.start()) {
        ops::printProblem(console.errorString());
        return 2;
    }
    if (parser.isSet(cl.windowSizeOption) && console.window()) {
        const QStringList size = parser.value(cl.windowSizeOption).split(u'x');
        if (size.size() == 2)
            console.window()->resize(size[0].toInt(), size[1].toInt());
    }
    if (singleInstance) {
        if (!instance.listen())
            ops::printProblem(
                QStringLiteral("running without single-instance: %1").arg(instance.errorString()));
        QObject::connect(&instance, &SingleInstance::activated, &console,
                         [&console](const QStringList& arguments) {
                             // What was done, never the arguments: they may hold a webhook URL
                             // or a path.
                             QString problem;
                             const LaunchRequest request = parseLaunchRequest(arguments, &problem);
                             QStringList done = console.open(request);
                             if (!problem.isEmpty())
                                 done.prepend(problem);
                             ops::printProblem(
                                 QStringLiteral("activated by another launch%1%2")
                                     .arg(done.isEmpty() ? QString() : QStringLiteral(": "),
                                          done.join(QStringLiteral("; "))));
                         });
    }
    if (parser.isSet(cl.minimizedOption)) {
        // One tray icon: the alert tray's when it shows (its menu brings the window back).
        if (console.hasTrayIcon())
            console.window()->hide();
        else
            DesktopIntegration::minimizeToTray(console.window());
    }
    return app.exec();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("bhiv-ops"));
    QCoreApplication::setOrganizationName(QStringLiteral("BHIV"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("bhiv.org"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPS_VERSION));
    // A first argument that is not an option is a verb, known or not: a typo never opens the
    // window.
    if (ops::isVerbCommandLine(argc, argv)) {
        ops::CliHost host;
        // The report's charts are drawn by the dashboard's chart widget: a QApplication, on the
        // offscreen platform when there is no display (a report needs no screen).
        host.drawingApplication = [](int& count, char** arguments) {
            if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
                qEnvironmentVariableIsEmpty("DISPLAY") &&
                qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
                qputenv("QT_QPA_PLATFORM", "offscreen");
            return std::unique_ptr<QCoreApplication>(
                std::make_unique<QApplication>(count, arguments));
        };
        host.renderReport = &ops::renderIncidentReport;
        return ops::runVerb(argc, argv, host);
    }
    return runConsole(argc, argv);
}
