#include "tests/support/CliRunner.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>

namespace ops::test {

CliRunner::CliRunner()
    : m_environment(QProcessEnvironment::systemEnvironment())
{
    m_environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("ops.*=true"));
}

CliRunner::Run CliRunner::run(const QStringList& arguments, const QByteArray& stdinData,
                              int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.start(QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY")), arguments);
    Run run;
    if (!process.waitForStarted(10000))
        return run;
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    m_transcript += run.out + run.err;
    return run;
}

QStringList filesContaining(const QString& root, const QByteArray& needle)
{
    QStringList hits;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            hits << path;
    }
    return hits;
}

} // namespace ops::test
