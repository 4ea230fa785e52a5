#include "tests/support/FakeNetworkAccessManager.h"

#include <QTimer>

#include <algorithm>
#include <cstring>

namespace ops::test {

namespace {

QByteArray standardReason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// The error Qt reports together with an HTTP status >= 400.
QNetworkReply::NetworkError errorForStatus(int status)
{
    switch (status) {
    case 401:
        return QNetworkReply::AuthenticationRequiredError;
    case 403:
        return QNetworkReply::ContentAccessDenied;
    case 404:
        return QNetworkReply::ContentNotFoundError;
    case 405:
        return QNetworkReply::ContentOperationNotPermittedError;
    case 409:
        return QNetworkReply::ContentConflictError;
    case 410:
        return QNetworkReply::ContentGoneError;
    case 500:
        return QNetworkReply::InternalServerError;
    case 501:
        return QNetworkReply::OperationNotImplementedError;
    case 503:
        return QNetworkReply::ServiceUnavailableError;
    default:
        if (status >= 500)
            return QNetworkReply::UnknownServerError;
        if (status >= 400)
            return QNetworkReply::UnknownContentError;
        return QNetworkReply::NoError;
    }
}

} // namespace

FakeResponse FakeResponse::json(const QByteArray& body, int status)
{
    return text(body, "application/json", status);
}

FakeResponse FakeResponse::text(const QByteArray& body, const QByteArray& contentType, int status)
{
    FakeResponse r;
    r.status = status;
    r.body = body;
    r.headers.append({"Content-Type", contentType});
    return r;
}

FakeResponse FakeResponse::networkError(QNetworkReply::NetworkError error, QString errorString)
{
    FakeResponse r;
    r.error = error;
    r.errorString = errorString.isEmpty() ? QStringLiteral("simulated network error") : errorString;
    return r;
}

FakeResponse& FakeResponse::header(const QByteArray& name, const QByteArray& value)
{
    headers.append({name, value});
    return *this;
}

FakeNetworkAccessManager::FakeNetworkAccessManager(QObject* parent)
    : QNetworkAccessManager(parent)
{
}

void FakeNetworkAccessManager::setResponse(const QString& path, const FakeResponse& response)
{
    for (auto& entry : m_byPath) {
        if (entry.first == path) {
            entry.second = response;
            return;
        }
    }
    m_byPath.append({path, response});
}

void FakeNetworkAccessManager::clear()
{
    m_handler = {};
    m_byPath.clear();
}

QList<RecordedRequest> FakeNetworkAccessManager::requestsTo(const QString& path) const
{
    QList<RecordedRequest> out;
    for (const RecordedRequest& r : m_requests) {
        if (r.url.path() == path)
            out.append(r);
    }
    return out;
}

int FakeNetworkAccessManager::pendingReplies() const
{
    return static_cast<int>(
        std::count_if(m_replies.begin(), m_replies.end(), [](const QPointer<FakeReply>& reply) {
            return reply && !reply->isFinished();
        }));
}

QNetworkReply* FakeNetworkAccessManager::createRequest(Operation op, const QNetworkRequest& request,
                                                       QIODevice* outgoingData)
{
    RecordedRequest recorded;
    recorded.operation = op;
    recorded.url = request.url();
    recorded.request = request;
    if (outgoingData)
        recorded.body = outgoingData->readAll();
    m_requests.append(recorded);

    std::optional<FakeResponse> response;
    if (m_handler)
        response = m_handler(recorded);
    if (!response) {
        for (const auto& entry : m_byPath) {
            if (entry.first == request.url().path()) {
                response = entry.second;
                break;
            }
        }
    }
    if (!response)
        response = FakeResponse::json(R"({"detail":"Not Found"})", 404);

    auto* reply = new FakeReply(op, request, *response, this);
    m_replies.removeIf([](const QPointer<FakeReply>& r) { return r.isNull(); });
    m_replies.append(reply);
    emit requestCreated(request.url());
    return reply;
}

FakeReply::FakeReply(QNetworkAccessManager::Operation op, const QNetworkRequest& request,
                     FakeResponse response, QObject* parent)
    : QNetworkReply(parent)
    , m_response(std::move(response))
{
    setRequest(request);
    setUrl(request.url());
    setOperation(op);
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    QTimer::singleShot(0, this, &FakeReply::begin);
}

void FakeReply::begin()
{
    if (isFinished())
        return;
    if (m_response.neverSendRequest)
        return;
    if (m_response.error == QNetworkReply::ConnectionRefusedError ||
        m_response.error == QNetworkReply::HostNotFoundError) {
        // The connection never came up: no requestSent.
        finishWithError(m_response.error, m_response.errorString);
        return;
    }
    emit requestSent();
    if (m_response.neverFinish)
        return;
    QTimer::singleShot(m_response.delayMs, this, &FakeReply::sendHeaders);
}

void FakeReply::sendHeaders()
{
    if (isFinished())
        return;
    if (m_response.error != QNetworkReply::NoError) {
        finishWithError(m_response.error, m_response.errorString);
        return;
    }
    setAttribute(QNetworkRequest::HttpStatusCodeAttribute, m_response.status);
    setAttribute(QNetworkRequest::HttpReasonPhraseAttribute, m_response.reasonPhrase.isEmpty()
                                                                 ? standardReason(m_response.status)
                                                                 : m_response.reasonPhrase);
    for (const auto& [name, value] : m_response.headers)
        setRawHeader(name, value);
    if (m_response.contentLengthOverride)
        setHeader(QNetworkRequest::ContentLengthHeader, *m_response.contentLengthOverride);
    else if (m_response.sendContentLength)
        setHeader(QNetworkRequest::ContentLengthHeader, m_response.body.size());
    if (m_response.status >= 300 && m_response.status < 400) {
        const QByteArray location = rawHeader("Location");
        if (!location.isEmpty()) {
            setAttribute(QNetworkRequest::RedirectionTargetAttribute, QUrl::fromEncoded(location));
        }
    }
    emit metaDataChanged();
    if (isFinished()) // aborted from a metaDataChanged slot
        return;
    sendNextChunk();
}

void FakeReply::sendNextChunk()
{
    if (isFinished())
        return;
    const qint64 total = m_response.body.size();
    if (m_sent < total) {
        const qint64 size = m_response.chunkSize > 0
                                ? std::min<qint64>(m_response.chunkSize, total - m_sent)
                                : total - m_sent;
        m_buffer.append(m_response.body.constData() + m_sent, size);
        m_sent += size;
        emit readyRead();
        if (isFinished())
            return;
        emit downloadProgress(m_sent, m_response.sendContentLength ? total : -1);
        if (isFinished())
            return;
    }
    if (m_response.stallAfterHeaders)
        return;
    if (m_sent < total) {
        QTimer::singleShot(m_response.chunkIntervalMs, this, &FakeReply::sendNextChunk);
        return;
    }
    finishOk();
}

void FakeReply::finishOk()
{
    const QNetworkReply::NetworkError error = errorForStatus(m_response.status);
    if (error != QNetworkReply::NoError) {
        setError(
            error,
            QStringLiteral("Error transferring %1 - server replied: %2")
                .arg(url().toString(),
                     QString::fromLatin1(
                         attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray())));
        emit errorOccurred(error);
    }
    setFinished(true);
    emit finished();
}

void FakeReply::finishWithError(QNetworkReply::NetworkError error, const QString& text)
{
    setError(error, text);
    emit errorOccurred(error);
    setFinished(true);
    emit finished();
}

void FakeReply::abort()
{
    if (isFinished())
        return;
    m_aborted = true;
    finishWithError(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
}

qint64 FakeReply::bytesAvailable() const
{
    return m_buffer.size() - m_readOffset + QIODevice::bytesAvailable();
}

qint64 FakeReply::readData(char* data, qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, m_buffer.size() - m_readOffset);
    if (n <= 0)
        return isFinished() ? -1 : 0;
    std::memcpy(data, m_buffer.constData() + m_readOffset, static_cast<size_t>(n));
    m_readOffset += n;
    if (m_readOffset == m_buffer.size()) {
        m_buffer.clear();
        m_readOffset = 0;
    }
    return n;
}

} // namespace ops::test
