#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QStringList>

namespace ops::test {

// Runs the real bhiv-ops (OPS_CONSOLE_BINARY) with every ops.* logging category on, and keeps
// everything it printed so a test can search it (secrets must never show up).
class CliRunner {
public:
    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    CliRunner();

    Run run(const QStringList& arguments, const QByteArray& stdinData = {}, int timeoutMs = 60000);
    // The environment of every run: the system's, with QT_LOGGING_RULES=ops.*=true (a test of
    // the default logging removes it).
    QProcessEnvironment& environment() { return m_environment; }
    // All stdout and stderr of every run so far.
    const QByteArray& transcript() const { return m_transcript; }

private:
    QProcessEnvironment m_environment;
    QByteArray m_transcript;
};

// Files under root (recursively) whose bytes contain needle.
QStringList filesContaining(const QString& root, const QByteArray& needle);

} // namespace ops::test
