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

    Run run(const QStringList& arguments, const QByteArray& stdinData = {}, int timeoutMs = 60000);
    // All stdout and stderr of every run so far.
    const QByteArray& transcript() const { return m_transcript; }

private:
    QByteArray m_transcript;
};

// Files under root (recursively) whose bytes contain needle.
QStringList filesContaining(const QString& root, const QByteArray& needle);

} // namespace ops::test
