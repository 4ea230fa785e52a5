// bhiv-ops: the BHIV Ops Console. Verbs for scripts run without a window; otherwise the console.
#include "ConsoleApplication.h"
#include "StatusCommand.h"

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

namespace {

int runConsole(int argc, char** argv) {
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "BHIV Ops Console: watch a BHIV gateway's health and metrics.\n\n"
                "Verbs for scripts:\n"
                "  bhiv-ops status --url URL [--json]   poll once and print the state"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QApplication::translate("main", "Start the bundled gateway simulator and watch it."));
    const QCommandLineOption demoDialectOption(
        QStringLiteral("demo-dialect"),
        QApplication::translate("main", "Dialect of the demo gateway: plan, modular, monolith."),
        QStringLiteral("DIALECT"), QStringLiteral("plan"));
    const QCommandLineOption urlOption(
        QStringLiteral("url"), QApplication::translate("main", "Gateway base URL to watch."),
        QStringLiteral("URL"));
    const QCommandLineOption intervalOption(
        QStringLiteral("interval"),
        QApplication::translate("main", "Seconds between polls (default 5; demo 2)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QApplication::translate("main",
                                "Once data has arrived, save the window as a PNG and quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption screenshotDelayOption(
        QStringLiteral("screenshot-delay"),
        QApplication::translate("main",
                                "Seconds to wait after the first data before --screenshot."),
        QStringLiteral("SECONDS"), QStringLiteral("0"));
    parser.addOptions({demoOption, demoDialectOption, urlOption, intervalOption, screenshotOption,
                       screenshotDelayOption});
    parser.process(app);

    ConsoleOptions options;
    options.demo = parser.isSet(demoOption);
    options.demoDialect = parser.value(demoDialectOption);
    if (parser.isSet(urlOption)) {
        options.url = QUrl::fromUserInput(parser.value(urlOption));
        if (!options.url.isValid() ||
            (options.url.scheme() != u"http" && options.url.scheme() != u"https")) {
            std::fprintf(stderr, "bhiv-ops: --url needs an http(s) URL\n");
            return 3;
        }
    }
    if (!options.demo && !parser.isSet(urlOption)) {
        std::fprintf(stderr, "bhiv-ops: say what to watch: --url URL, or --demo\n%s",
                     qPrintable(parser.helpText()));
        return 3;
    }
    if (options.demo &&
        !QStringList{QStringLiteral("plan"), QStringLiteral("modular"), QStringLiteral("monolith")}
             .contains(options.demoDialect)) {
        std::fprintf(stderr, "bhiv-ops: --demo-dialect is plan, modular or monolith\n");
        return 3;
    }
    options.intervalMs = options.demo ? 2000 : 5000;
    if (parser.isSet(intervalOption)) {
        bool ok = false;
        const double seconds = parser.value(intervalOption).toDouble(&ok);
        if (!ok || seconds < 0.1 || seconds > 3600) {
            std::fprintf(stderr, "bhiv-ops: --interval takes 0.1 to 3600 seconds\n");
            return 3;
        }
        options.intervalMs = int(seconds * 1000);
    }
    options.screenshotPath = parser.value(screenshotOption);
    options.screenshotDelayMs = int(parser.value(screenshotDelayOption).toDouble() * 1000);

    ConsoleApplication console(options);
    if (!console.start()) {
        std::fprintf(stderr, "bhiv-ops: %s\n", qPrintable(console.errorString()));
        return 2;
    }
    return app.exec();
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication::setApplicationName(QStringLiteral("bhiv-ops"));
    QCoreApplication::setOrganizationName(QStringLiteral("BHIV"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("bhiv.org"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPS_VERSION));
    const QString verb = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (verb == u"status") {
        QCoreApplication app(argc, argv);
        return runStatusCommand(app.arguments());
    }
    return runConsole(argc, argv);
}
