#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <functional>
#include <optional>

namespace ops::test {

// What a scripted reply does. The default is an immediate "200 OK" with an empty body.
struct FakeResponse {
    int status = 200;
    QByteArray reasonPhrase;                      // default: the standard phrase for status
    QList<QPair<QByteArray, QByteArray>> headers; // raw headers, in order
    QByteArray body;
    bool sendContentLength = true;               // add Content-Length: body.size()
    std::optional<qint64> contentLengthOverride; // announce another length (size-cap tests)
    int delayMs = 0;                             // after requestSent, before the headers
    int chunkSize = 0;                           // > 0: deliver the body in chunks
    int chunkIntervalMs = 0;                     // pause between chunks
    bool neverSendRequest = false;               // hang before requestSent (connect hang)
    bool neverFinish = false;                    // hang after requestSent: no answer at all
    bool stallAfterHeaders = false;              // headers (and first chunk) then nothing
    QNetworkReply::NetworkError error = QNetworkReply::NoError; // finish with a network error
    QString errorString;

    static FakeResponse json(const QByteArray& body, int status = 200);
    static FakeResponse text(const QByteArray& body, const QByteArray& contentType,
                             int status = 200);
    static FakeResponse networkError(QNetworkReply::NetworkError error, QString errorString = {});
    FakeResponse& header(const QByteArray& name, const QByteArray& value);
};

// One request the fake saw, with its headers as sent.
struct RecordedRequest {
    QNetworkAccessManager::Operation operation = QNetworkAccessManager::GetOperation;
    QUrl url;
    QNetworkRequest request;
    QByteArray body;
    QByteArray header(const QByteArray& name) const { return request.rawHeader(name); }
};

class FakeReply;

// An in-process QNetworkAccessManager: every request is answered by a scripted FakeReply, no
// socket is opened. Script by path (setResponse) or with a handler that sees the whole request.
// Unscripted requests answer 404.
class FakeNetworkAccessManager : public QNetworkAccessManager {
    Q_OBJECT
public:
    using Handler = std::function<std::optional<FakeResponse>(const RecordedRequest&)>;

    explicit FakeNetworkAccessManager(QObject* parent = nullptr);

    // Answers requests whose URL path equals path (any host), every time.
    void setResponse(const QString& path, const FakeResponse& response);
    // Consulted first; return std::nullopt to fall through to the per-path responses.
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void clear();

    const QList<RecordedRequest>& requests() const { return m_requests; }
    QList<RecordedRequest> requestsTo(const QString& path) const;
    void clearRequests() { m_requests.clear(); }
    // Replies created and not yet finished (aborted replies count as finished).
    int pendingReplies() const;

signals:
    void requestCreated(const QUrl& url);

protected:
    QNetworkReply* createRequest(Operation op, const QNetworkRequest& request,
                                 QIODevice* outgoingData) override;

private:
    Handler m_handler;
    QList<QPair<QString, FakeResponse>> m_byPath;
    QList<RecordedRequest> m_requests;
    QList<QPointer<FakeReply>> m_replies;
};

// The scripted reply. Emits requestSent, metaDataChanged, readyRead / downloadProgress and
// finished like a real HTTP reply; abort() finishes it synchronously with OperationCanceledError.
class FakeReply : public QNetworkReply {
    Q_OBJECT
public:
    FakeReply(QNetworkAccessManager::Operation op, const QNetworkRequest& request,
              FakeResponse response, QObject* parent = nullptr);

    void abort() override;
    qint64 bytesAvailable() const override;
    bool isSequential() const override { return true; }
    bool wasAborted() const { return m_aborted; }

protected:
    qint64 readData(char* data, qint64 maxSize) override;

private:
    void begin();
    void sendHeaders();
    void sendNextChunk();
    void finishOk();
    void finishWithError(QNetworkReply::NetworkError error, const QString& text);

    FakeResponse m_response;
    QByteArray m_buffer;
    qint64 m_readOffset = 0;
    qint64 m_sent = 0;
    bool m_aborted = false;
};

} // namespace ops::test
