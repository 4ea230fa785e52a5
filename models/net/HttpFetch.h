#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QTimer>
#include <functional>

class QNetworkAccessManager;
class QTcpSocket;

namespace ops {

// One GET with the poller's protections: a connect timeout (until QNetworkReply::requestSent),
// then a read timeout for the rest; a size cap on Content-Length, on the received bytes and on
// gzip inflation; same-origin redirects followed by hand (at most 5), redirects to another
// scheme/host/port refused so the Authorization header never leaves the origin.
class HttpFetch : public QObject {
public:
    enum class Outcome {
        Pending,
        Http,            // an HTTP answer (any status); body is complete and decoded
        NetworkError,    // no HTTP answer: refused, host not found, reset, TLS ...
        Timeout,         // connect or read timeout (timedOutConnecting says which)
        TooLarge,        // Content-Length or received / inflated bytes over the cap
        RedirectRefused, // a redirect to another origin
        BadEncoding,     // Content-Encoding we cannot decode, or a corrupt gzip stream
        InsecureRefused, // plain http to a non-loopback host without allowPlainHttp, or a
                         // redirect from https to http: not sent at all
    };

    struct Limits {
        int connectTimeoutMs = 5000;
        int readTimeoutMs = 10000;
        qint64 maxBodyBytes = 16 * 1024 * 1024;
        int maxRedirects = 5;
        // The pin: SHA-256 of the server's certificate or of its public key (SPKI). When set,
        // every connection must present a matching certificate (a CA-signed one that does not
        // match is refused), and a matching one is excused only its issuer (self-signed):
        // name and validity are still checked. Empty: the system CAs decide.
        QByteArray trustedCertSha256;
        // Plain http to a host that is not loopback.
        bool allowPlainHttp = false;
        // False: a gzip body is kept as received (bodyIsGzip()) for the caller to inflate off
        // the UI thread; maxBodyBytes then caps the compressed bytes only.
        bool inflateGzip = true;
    };

    HttpFetch(QNetworkAccessManager* network, const QNetworkRequest& request, Limits limits,
              QObject* parent = nullptr);
    ~HttpFetch() override;

    // Another verb than GET, with a body (POST / PUT / DELETE to an API). Call before start().
    // Redirects are not followed for other verbs: the 3xx is the answer.
    void setMethod(const QByteArray& verb, const QByteArray& payload = {});

    void start();
    // Aborts without calling onDone.
    void cancel();

    std::function<void()> onDone; // called once, when the outcome is known
    std::function<void()> onSent; // the request (first or redirected) was sent

    Outcome outcome() const { return m_outcome; }
    bool isDone() const { return m_outcome != Outcome::Pending; }
    bool isSent() const { return m_sent; }
    bool timedOutConnecting() const { return m_timedOutConnecting; }
    int httpStatus() const { return m_status; }
    QByteArray reasonPhrase() const { return m_reason; }
    QByteArray header(const QByteArray& name) const; // case-insensitive, of the final answer
    const QList<QPair<QByteArray, QByteArray>>& headers() const { return m_headers; }
    const QByteArray& body() const { return m_body; }
    // The body is still gzip-compressed (Limits::inflateGzip was false).
    bool bodyIsGzip() const { return m_bodyIsGzip; }
    QNetworkReply::NetworkError networkError() const { return m_networkError; }
    QString errorText() const { return m_errorText; }
    QUrl finalUrl() const { return m_url; }
    // The SHA-256 of a peer certificate refused for TLS errors or for not matching the pin
    // (empty when none was refused, or when the pinned certificate failed its name/date check).
    QByteArray rejectedCertSha256() const { return m_rejectedCertSha256; }
    // The connection was refused for its certificate (untrusted, not the pinned one, wrong
    // name, expired).
    bool certificateRefused() const { return m_certificateRefused; }
    // The refused certificate itself (null when none), to describe before trusting it.
    QSslCertificate rejectedCertificate() const { return m_rejectedCertificate; }

private:
    void issue();
    void onRequestSent();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    // No HTTP status: a timeout, a refused certificate, a closed connection (probed) or another
    // network error.
    void finishWithoutAnswer(QNetworkReply* reply);
    // A GET's redirect: followed when to the same origin (up to maxRedirects), else refused.
    // False when there is no Location to follow.
    bool handleRedirect();
    // The answer's body, inflated when gzip (unless the caller inflates it).
    void finishBody();
    void onTimeout();
    void onSslErrors(const QList<QSslError>& errors);
    void onEncrypted();
    // False (and finished) when a pin is set and the peer's certificate does not match it.
    bool checkPin();
    QSslCertificate peerCertificate(const QList<QSslError>& errors) const;
    void refuseCertificate(const QString& problem, const QSslCertificate& certificate,
                           bool offerToTrust);
    QString notPinnedText() const;
    bool overCap(qint64 bytes) const { return bytes > m_limits.maxBodyBytes; }
    void finish(Outcome outcome, const QString& errorText = {});
    void releaseReply();
    // Qt reads a non-HTTP answer (an SSH banner, say) as "Connection closed": ask the port
    // once more by hand and name what it speaks.
    void probeProtocol(const QString& closedText);

    QNetworkAccessManager* m_network;
    QNetworkRequest m_request;
    Limits m_limits;
    QUrl m_url;
    QByteArray m_verb = QByteArrayLiteral("GET");
    QByteArray m_payload;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    int m_redirects = 0;
    bool m_sent = false;
    bool m_connecting = true;
    bool m_timedOutConnecting = false;
    Outcome m_outcome = Outcome::Pending;
    int m_status = 0;
    QByteArray m_reason;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    bool m_bodyIsGzip = false;
    QNetworkReply::NetworkError m_networkError = QNetworkReply::NoError;
    QString m_errorText;
    QString m_tlsProblem;
    QByteArray m_rejectedCertSha256;
    QPointer<QTcpSocket> m_probe;
    bool m_certificateRefused = false;
    QSslCertificate m_rejectedCertificate;
};

// "16 MB", "512 KB", "100 bytes".
QString formatByteSize(qint64 bytes);

enum class InflateOutcome { Ok, TooLarge, BadEncoding };
// Inflates a gzip body under a cap, with the same reasons HttpFetch gives ("response larger
// than ... (inflated)", "could not inflate the gzip body: ...").
InflateOutcome inflateGzipBody(const QByteArray& compressed, qint64 maxBytes, QByteArray& out,
                               QString* problem = nullptr);

} // namespace ops
