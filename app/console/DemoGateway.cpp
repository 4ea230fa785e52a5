#include "app/console/DemoGateway.h"

#include "app/common/QuitOnSignal.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

DemoGateway::DemoGateway(QStringList extraArguments, QObject* parent)
    : QObject(parent)
    , m_extraArguments(std::move(extraArguments))
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setReadChannel(QProcess::StandardOutput);
    connect(&m_process, &QProcess::finished, this, &DemoGateway::onFinished);
}

DemoGateway::~DemoGateway()
{
    stop();
}

QString DemoGateway::findSimulator()
{
    const QString name = QStringLiteral("bhiv-gateway-sim");
    const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(name);
    if (QFileInfo(beside).isExecutable())
        return beside;
    return QStandardPaths::findExecutable(name);
}

bool DemoGateway::start(int timeoutMs)
{
    const QString program = findSimulator();
    if (program.isEmpty()) {
        m_error = tr("bhiv-gateway-sim was not found beside bhiv-ops or on PATH");
        return false;
    }
    QStringList arguments{QStringLiteral("--port"), QStringLiteral("0")};
    arguments << m_extraArguments;
    ops::stopWithParent(m_process); // also when the console is killed or crashes
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = tr("could not start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("^listening on (http://127\\.0\\.0\\.1:\\d+)"));
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_process.canReadLine() &&
            !m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
        while (m_process.canReadLine()) {
            const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
            const QRegularExpressionMatch match = listening.match(line);
            if (match.hasMatch()) {
                m_url = QUrl(match.captured(1));
                return true;
            }
        }
    }
    m_error = tr("the simulator did not report its port: %1")
                  .arg(QString::fromUtf8(m_process.readAllStandardError()).trimmed());
    stop();
    return false;
}

void DemoGateway::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopping = true;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

void DemoGateway::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_stopping)
        return;
    const QString reason = status == QProcess::CrashExit
                               ? tr("the demo gateway crashed")
                               : tr("the demo gateway exited with code %1").arg(exitCode);
    emit crashed(reason);
    // One restart on the same port keeps the demo going; a second death is reported only.
    if (m_restarts++ == 0 && m_url.isValid()) {
        QStringList arguments{QStringLiteral("--port"), QString::number(m_url.port())};
        arguments << m_extraArguments;
        m_process.start(findSimulator(), arguments);
    }
}
