#pragma once

#include <QString>
#include <QStringList>

namespace ops {

// Whether this command line is for a verb rather than the window: its first argument is not an
// option ("status", "help", "stauts"). The window starts with no argument or options only.
bool isVerbCommandLine(int argc, const char* const* argv);

// Runs the verb named by argv[1] with its own QCoreApplication: a known verb, `help [VERB]`, or
// an unknown one (exit 3, "unknown command 'stauts'; did you mean status?").
int runVerb(int argc, char** argv);

// The verbs and what each does, for `help` and the console's --help.
QString verbsHelp();
// The closest verb to a mistyped one (at most two edits away), or empty.
QString closestVerb(const QString& typed);

} // namespace ops
