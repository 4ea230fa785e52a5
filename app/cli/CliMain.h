#pragma once

#include "app/cli/ReportCommand.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QCoreApplication;

namespace ops {

// What the program running the verbs adds that app/cli (no widgets) cannot: the application
// object for verbs that draw (report's charts are the dashboard's chart widget) and the report
// renderer. Without them those verbs exit 2 saying so.
struct CliHost {
    std::function<std::unique_ptr<QCoreApplication>(int& argc, char** argv)> drawingApplication;
    IncidentReportRenderer renderReport;
};

// Whether this command line is for a verb rather than the window: its first argument is not an
// option ("status", "help", "stauts"). The window starts with no argument or options only.
bool isVerbCommandLine(int argc, const char* const* argv);

// Runs the verb named by argv[1] with its own QCoreApplication (a drawing one from host for the
// verbs that need it): a known verb, `help [VERB]`, or an unknown one (exit 3, "unknown command
// 'stauts'; did you mean status?").
int runVerb(int argc, char** argv, const CliHost& host = {});

// The verbs and what each does, for `help` and the console's --help.
QString verbsHelp();
// The closest verb to a mistyped one (at most two edits away), or empty.
QString closestVerb(const QString& typed);

} // namespace ops
