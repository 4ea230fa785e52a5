#include "app/cli/CliMain.h"

#include "app/cli/CliCommand.h"
#include "app/cli/DeployCommand.h"
#include "app/cli/HistoryCommand.h"
#include "app/cli/LogsCommand.h"
#include "app/cli/ParseCommand.h"
#include "app/cli/ReportCommand.h"
#include "app/cli/StatusCommand.h"
#include "app/cli/TargetsCommand.h"
#include "app/cli/VerifyCommand.h"
#include "app/cli/WorkflowsCommand.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <vector>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("cli", text);
}

struct Verb {
    QString name;
    QString summary;
    std::function<std::unique_ptr<CliCommand>()> make;
    bool draws = false; // needs the host's drawing application (fonts, widgets)
};

// The host of the running program (runVerb's): what the verbs that draw are given.
CliHost& currentHost()
{
    static CliHost host;
    return host;
}

const std::vector<Verb>& verbs()
{
    static const std::vector<Verb> table{
        {QStringLiteral("status"), tr("poll a gateway once and print its state"),
         [] { return std::make_unique<StatusCommand>(); }},
        {QStringLiteral("targets"), tr("manage saved targets: list, add, test, remove, ..."),
         [] { return std::make_unique<TargetsCommand>(); }},
        {QStringLiteral("workflows"), tr("workflows on a gateway: list, launch, status, ..."),
         [] { return std::make_unique<WorkflowsCommand>(); }},
        {QStringLiteral("verify"), tr("run the deployment checklist against a gateway"),
         [] { return std::make_unique<VerifyCommand>(); }},
        {QStringLiteral("deploy"), tr("redeploy a Render service, follow it and verify"),
         [] { return std::make_unique<DeployCommand>(); }},
        {QStringLiteral("history"),
         tr("export a target's recorded history (CSV, JSON, OpenMetrics)"),
         [] { return std::make_unique<HistoryCommand>(); }},
        {QStringLiteral("logs"), tr("print a Render service's logs; --follow tails them"),
         [] { return std::make_unique<LogsCommand>(); }},
        {QStringLiteral("parse"), tr("parse a /metrics body (a file, or - for stdin)"),
         [] { return std::make_unique<ParseCommand>(); }},
        {QStringLiteral("report"), tr("write an incident report (HTML or A4 PDF)"),
         [] { return std::make_unique<ReportCommand>(currentHost().renderReport); }, true},
        {QStringLiteral("help"), tr("list the verbs, or help VERB for one"), nullptr},
    };
    return table;
}

int editDistance(const QString& a, const QString& b)
{
    std::vector<int> previous(size_t(b.size()) + 1);
    std::vector<int> current(size_t(b.size()) + 1);
    for (size_t j = 0; j < previous.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int substitute = previous[size_t(j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[size_t(j)] =
                std::min({previous[size_t(j)] + 1, current[size_t(j - 1)] + 1, substitute});
            // A swap of two neighbours ("stauts") is one edit.
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[size_t(j)] = std::min(current[size_t(j)], previous[size_t(j - 1)]);
        }
        std::swap(previous, current);
    }
    return previous[size_t(b.size())];
}

int printHelp(const QString& about)
{
    for (const Verb& verb : verbs()) {
        if (verb.name == about && verb.make) {
            const QStringList arguments{QCoreApplication::applicationFilePath(), verb.name,
                                        QStringLiteral("--help")};
            return verb.make()->run(arguments);
        }
    }
    if (!about.isEmpty()) {
        printVerbProblem(QStringLiteral("help"), QStringLiteral("unknown command '%1'").arg(about));
        return int(ExitCode::Usage);
    }
    std::fputs(qPrintable(tr("Usage: bhiv-ops VERB [options]   (bhiv-ops VERB --help)\n"
                             "       bhiv-ops [--url URL | --target NAME | --demo] [options]   "
                             "the console window (bhiv-ops --help)\n\n") +
                          verbsHelp() + QStringLiteral("\n") + exitCodeHelp() +
                          QStringLiteral("\n")),
               stdout);
    return std::fflush(stdout) == 0 ? int(ExitCode::Ok) : int(ExitCode::CouldNotRun);
}

} // namespace

bool isVerbCommandLine(int argc, const char* const* argv)
{
    return argc > 1 && argv[1][0] != '-' && argv[1][0] != '\0';
}

QString verbsHelp()
{
    QString text = tr("Verbs:\n");
    for (const Verb& verb : verbs())
        text += QStringLiteral("  %1 %2\n").arg(verb.name, -10).arg(verb.summary);
    return text;
}

QString closestVerb(const QString& typed)
{
    QString best;
    int bestDistance = 3;
    for (const Verb& verb : verbs()) {
        const int distance = editDistance(typed.toLower(), verb.name);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = verb.name;
        }
    }
    return best;
}

int runVerb(int argc, char** argv, const CliHost& host)
{
    currentHost() = host;
    // Quiet before the application exists: a drawing one warns about XDG_RUNTIME_DIR as it starts.
    bool verbose = false;
    for (int i = 1; i < argc; ++i)
        verbose = verbose || qstrcmp(argv[i], "-v") == 0 || qstrcmp(argv[i], "--verbose") == 0;
    configureCliLogging(verbose);
    const QString typed = QString::fromLocal8Bit(argc > 1 ? argv[1] : "");
    const auto drawing = std::find_if(verbs().begin(), verbs().end(), [&typed](const Verb& verb) {
        return verb.draws && verb.name == typed;
    });
    // A verb that draws gets the host's application (a report needs no screen: the host picks
    // the offscreen platform when there is no display); the others a plain QCoreApplication.
    std::unique_ptr<QCoreApplication> owned;
    if (drawing != verbs().end() && host.drawingApplication)
        owned = host.drawingApplication(argc, argv);
    if (!owned)
        owned = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication& app = *owned;
    const QStringList arguments = app.arguments();
    const QString name = arguments.value(1);
    configureCliLogging(arguments.contains(u"-v") || arguments.contains(u"--verbose"));
    if (name == u"help")
        return printHelp(arguments.value(2));
    for (const Verb& verb : verbs()) {
        if (verb.name == name && verb.make)
            return verb.make()->run(arguments);
    }
    const QString suggestion = closestVerb(name);
    QString message = tr("unknown command '%1'").arg(name);
    message += suggestion.isEmpty() ? tr("; bhiv-ops help lists the verbs")
                                    : tr("; did you mean %1?").arg(suggestion);
    printProblem(message);
    return int(ExitCode::Usage);
}

} // namespace ops
