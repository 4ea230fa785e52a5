#include "tests/support/SimulatorProcess.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>

namespace ops::test {

SimulatorProcess::~SimulatorProcess()
{
    stop();
}

bool SimulatorProcess::start(const QStringList& arguments, int timeoutMs)
{
    const QString program = QString::fromLocal8Bit(qgetenv("OPS_SIM_BINARY"));
    if (program.isEmpty()) {
        m_error = QStringLiteral("OPS_SIM_BINARY is not set");
        return false;
    }
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(program,
                    QStringList{QStringLiteral("--port"), QStringLiteral("0")} + arguments);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = m_process.errorString();
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("^listening on (https?://127\\.0\\.0\\.1:\\d+)"));
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_process.canReadLine() &&
            !m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            break;
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        const QRegularExpressionMatch match = listening.match(line);
        if (match.hasMatch()) {
            m_url = QUrl(match.captured(1));
            return true;
        }
        m_error = QStringLiteral("unexpected first line: ") + line;
        break;
    }
    if (m_error.isEmpty())
        m_error = QStringLiteral("the simulator did not print its port");
    stop();
    return false;
}

void SimulatorProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

namespace {

int waitFor(QNetworkReply* reply, QByteArray* body, bool ignoreTlsErrors)
{
    if (ignoreTlsErrors)
        QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                         [reply] { reply->ignoreSslErrors(); });
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (body)
        *body = reply->readAll();
    reply->abort();
    reply->deleteLater();
    return status;
}

} // namespace

int SimulatorProcess::setFaults(const QByteArray& json)
{
    QNetworkAccessManager network;
    QNetworkRequest request(m_url.resolved(QUrl(QStringLiteral("/__sim/faults"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return waitFor(network.post(request, json), nullptr, m_ignoreTlsErrors);
}

int SimulatorProcess::post(const QString& path, const QByteArray& json, QByteArray* body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(m_url.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    return waitFor(network.post(request, json), body, m_ignoreTlsErrors);
}

int SimulatorProcess::get(const QString& path, QByteArray* body,
                          const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QNetworkAccessManager network;
    QNetworkRequest request(m_url.resolved(QUrl(path)));
    for (const auto& header : headers)
        request.setRawHeader(header.first, header.second);
    return waitFor(network.get(request), body, m_ignoreTlsErrors);
}

} // namespace ops::test
