// ops-parse-dump FILE [--json]: the parse verb without the console, for compare_with_python.py.
#include "app/cli/ParseCommand.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments();
    arguments.insert(1, QStringLiteral("parse"));
    return ops::ParseCommand().run(arguments);
}
