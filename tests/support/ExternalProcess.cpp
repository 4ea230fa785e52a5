#include "tests/support/ExternalProcess.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

namespace ops::test {

ExternalProcess::ExternalProcess()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

ExternalProcess::~ExternalProcess()
{
    stop();
}

QString ExternalProcess::writeFile(const QString& name, const QByteArray& contents)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(contents);
    return path;
}

QByteArray ExternalProcess::output()
{
    m_output += m_process.readAll();
    return m_output;
}

void ExternalProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

quint16 ExternalProcess::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

int ExternalProcess::httpGet(const QUrl& url, QByteArray* body, const QByteArray& authorization,
                             int timeoutMs)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QNetworkReply* reply = network.get(request);
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [reply](const QList<QSslError>&) { reply->ignoreSslErrors(); });
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (body)
        *body = reply->readAll();
    reply->abort();
    delete reply;
    return status;
}

bool ExternalProcess::launch(const QString& program, const QStringList& arguments, quint16 port,
                             const QString& readyPath, const QByteArray& readyAuthorization,
                             int timeoutMs, bool https)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    if (!QFileInfo(program).isExecutable()) {
        m_error = program + QStringLiteral(" is not installed (scripts/install-deps --test)");
        return false;
    }
    if (port == 0) {
        m_error = QStringLiteral("no free port");
        return false;
    }
    m_url = QUrl(QStringLiteral("%1://127.0.0.1:%2")
                     .arg(https ? QStringLiteral("https") : QStringLiteral("http"))
                     .arg(port));
    m_process.setWorkingDirectory(m_dir.path());
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(5000)) {
        m_error = m_process.errorString();
        return false;
    }
    QDeadlineTimer deadline(timeoutMs);
    QUrl ready = m_url;
    ready.setPath(readyPath);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning) {
            m_error = QStringLiteral("%1 exited: %2")
                          .arg(program, QString::fromUtf8(output().right(2000)));
            return false;
        }
        if (httpGet(ready, nullptr, readyAuthorization, 1000) == 200)
            return true;
        m_process.waitForReadyRead(100);
    }
    m_error = QStringLiteral("%1 not ready after %2 ms: %3")
                  .arg(program)
                  .arg(timeoutMs)
                  .arg(QString::fromUtf8(output().right(2000)));
    stop();
    return false;
}

} // namespace ops::test
