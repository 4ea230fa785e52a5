#include "models/net/HttpFetch.h"

#include "models/domain/Logging.h"
#include "models/domain/Target.h"
#include "models/metrics/Gzip.h"
#include "models/net/ApiUrl.h"
#include "models/net/CertificatePin.h"

#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTcpSocket>

#include <memory>
#include <string>
#include <string_view>

namespace ops {

namespace {

// Why a request may not be sent in plain text, or empty.
QString plainHttpRefusal(const QUrl& url, bool allowPlainHttp)
{
    if (url.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) != 0 || allowPlainHttp ||
        isLoopbackHost(url.host()))
        return {};
    return QStringLiteral("plain http to %1 refused: use https, or allow plain http for this "
                          "target explicitly")
        .arg(url.host());
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

QString formatByteSize(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(QString::number(bytes / (1024.0 * 1024.0), 'g', 3));
    if (bytes >= 1024)
        return QStringLiteral("%1 KB").arg(QString::number(bytes / 1024.0, 'g', 3));
    return QStringLiteral("%1 bytes").arg(bytes);
}

HttpFetch::HttpFetch(QNetworkAccessManager* network, const QNetworkRequest& request, Limits limits,
                     QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_request(request)
    , m_limits(limits)
    , m_url(request.url())
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpFetch::onTimeout);
}

HttpFetch::~HttpFetch()
{
    cancel();
}

void HttpFetch::setMethod(const QByteArray& verb, const QByteArray& payload)
{
    m_verb = verb.toUpper();
    m_payload = payload;
}

void HttpFetch::start()
{
    const QString refusal = plainHttpRefusal(m_url, m_limits.allowPlainHttp);
    if (!refusal.isEmpty()) {
        qCWarning(lcNet) << "refusing plain http to" << m_url.host();
        // Reported asynchronously, like every other outcome.
        QTimer::singleShot(0, this, [this, refusal] { finish(Outcome::InsecureRefused, refusal); });
        return;
    }
    issue();
}

void HttpFetch::cancel()
{
    onDone = {};
    onSent = {};
    m_timer.stop();
    releaseReply();
    if (m_probe)
        m_probe->abort();
}

void HttpFetch::probeProtocol(const QString& closedText)
{
    releaseReply();
    auto* socket = new QTcpSocket(this);
    m_probe = socket;
    auto answered = std::make_shared<QByteArray>();
    auto conclude = [this, socket, answered, closedText] {
        if (isDone() || m_probe != socket)
            return;
        m_probe.clear();
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        const QByteArray firstLine = answered->left(answered->indexOf('\n')).trimmed();
        if (firstLine.startsWith("HTTP/") && m_url.scheme() == u"https") {
            // Plain HTTP behind an https URL: the server dropped our ClientHello.
            m_networkError = QNetworkReply::SslHandshakeFailedError;
            finish(Outcome::NetworkError,
                   QStringLiteral("TLS handshake failed: the server does not speak TLS (it "
                                  "answers plain HTTP)"));
            return;
        }
        if (firstLine.isEmpty() || firstLine.startsWith("HTTP/")) {
            finish(Outcome::NetworkError, closedText);
            return;
        }
        // Printable and short: it is someone else's protocol, quoted for a person.
        QString quoted;
        for (const char c : firstLine.left(60))
            quoted += (c >= 0x20 && c < 0x7f) ? QChar::fromLatin1(c) : QChar(u'?');
        m_networkError = QNetworkReply::ProtocolFailure;
        finish(Outcome::NetworkError,
               QStringLiteral("not HTTP: the server on %1:%2 answered \"%3\"")
                   .arg(m_url.host())
                   .arg(effectivePort(m_url))
                   .arg(quoted));
    };
    connect(socket, &QTcpSocket::connected, this, [this, socket] {
        socket->write("HEAD / HTTP/1.0\r\nHost: " + m_url.host().toUtf8() + "\r\n\r\n");
    });
    connect(socket, &QTcpSocket::readyRead, this, [socket, answered, conclude] {
        *answered += socket->read(512 - answered->size());
        if (answered->contains('\n') || answered->size() >= 512)
            conclude();
    });
    connect(socket, &QTcpSocket::disconnected, this, conclude);
    connect(socket, &QTcpSocket::errorOccurred, this, conclude);
    // A silent port says nothing new: after 2 s (or the read timeout) the closed text stands.
    m_timer.stop();
    QTimer::singleShot(qMin(m_limits.readTimeoutMs, 2000), socket, conclude);
    socket->connectToHost(m_url.host(), quint16(effectivePort(m_url)));
}

QByteArray HttpFetch::header(const QByteArray& name) const
{
    for (const auto& [key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void HttpFetch::issue()
{
    QNetworkRequest request = m_request;
    request.setUrl(m_url);
    // Redirects are followed here, by hand, and only within the origin.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    m_body.clear();
    m_connecting = true;
    if (m_verb == "GET")
        m_reply = m_network->get(request);
    else
        m_reply = m_network->sendCustomRequest(request, m_verb, m_payload);
    QNetworkReply* reply = m_reply;
    connect(reply, &QNetworkReply::requestSent, this, &HttpFetch::onRequestSent);
    connect(reply, &QNetworkReply::metaDataChanged, this, &HttpFetch::onMetaData);
    connect(reply, &QNetworkReply::readyRead, this, &HttpFetch::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &HttpFetch::onFinished);
    connect(reply, &QNetworkReply::sslErrors, this, &HttpFetch::onSslErrors);
    connect(reply, &QNetworkReply::encrypted, this, &HttpFetch::onEncrypted);
    m_timer.start(m_limits.connectTimeoutMs);
}

void HttpFetch::onRequestSent()
{
    if (isDone() || !m_connecting)
        return;
    m_connecting = false;
    m_sent = true;
    m_timer.start(m_limits.readTimeoutMs);
    if (onSent)
        onSent();
}

void HttpFetch::onMetaData()
{
    if (isDone() || !m_reply)
        return;
    if (m_connecting) // an answer implies the request went out
        onRequestSent();
    // A kept-alive connection gives no second handshake: check the pin on every answer too.
    if (!checkPin())
        return;
    bool ok = false;
    const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
    if (ok && overCap(length)) {
        finish(Outcome::TooLarge, QStringLiteral("response larger than %1 (Content-Length %2)")
                                      .arg(formatByteSize(m_limits.maxBodyBytes))
                                      .arg(length));
    }
}

void HttpFetch::onReadyRead()
{
    if (isDone() || !m_reply)
        return;
    m_body += m_reply->readAll();
    if (overCap(m_body.size())) {
        finish(
            Outcome::TooLarge,
            QStringLiteral("response larger than %1").arg(formatByteSize(m_limits.maxBodyBytes)));
    }
}

QSslCertificate HttpFetch::peerCertificate(const QList<QSslError>& errors) const
{
    QSslCertificate peer =
        m_reply ? m_reply->sslConfiguration().peerCertificate() : QSslCertificate();
    for (const QSslError& error : errors) {
        if (!peer.isNull())
            break;
        peer = error.certificate();
    }
    return peer;
}

// offerToTrust: false when pinning this certificate would not help (it is already the pinned
// one, refused for its name or dates).
void HttpFetch::refuseCertificate(const QString& problem, const QSslCertificate& certificate,
                                  bool offerToTrust)
{
    m_tlsProblem = problem;
    if (offerToTrust && !certificate.isNull()) {
        m_rejectedCertSha256 = certificate.digest(QCryptographicHash::Sha256);
        m_rejectedCertificate = certificate;
    }
    m_certificateRefused = true;
    qCWarning(lcNet) << "refusing" << m_url.host() << ":" << problem;
}

QString HttpFetch::notPinnedText() const
{
    return QStringLiteral("; it is not the trusted certificate (SHA-256 %1): the certificate "
                          "changed")
        .arg(formatFingerprint(m_limits.trustedCertSha256));
}

bool HttpFetch::checkPin()
{
    if (m_limits.trustedCertSha256.isEmpty() || !m_reply ||
        m_url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) != 0)
        return true;
    const QSslCertificate peer = m_reply->sslConfiguration().peerCertificate();
    if (peer.isNull()) // not (yet) a TLS answer: an in-process reply
        return true;
    if (pinMatches(peer, m_limits.trustedCertSha256))
        return true;
    const QByteArray fingerprint = peer.digest(QCryptographicHash::Sha256);
    refuseCertificate(QStringLiteral("TLS: the server presented a certificate (SHA-256 %1) issued "
                                     "to %2 by %3")
                              .arg(formatFingerprint(fingerprint),
                                   peer.subjectDisplayName().left(100),
                                   peer.issuerDisplayName().left(100)) +
                          notPinnedText(),
                      peer, true);
    m_networkError = QNetworkReply::SslHandshakeFailedError;
    finish(Outcome::NetworkError, m_tlsProblem);
    return false;
}

void HttpFetch::onEncrypted()
{
    if (isDone() || !m_reply)
        return;
    // Checked on every handshake, not only when verification fails: a pinned target accepts
    // only its own certificate, even one a public CA signed for the name.
    checkPin();
}

void HttpFetch::onSslErrors(const QList<QSslError>& errors)
{
    if (isDone() || !m_reply)
        return;
    const QSslCertificate peer = peerCertificate(errors);
    const QByteArray fingerprint =
        peer.isNull() ? QByteArray() : peer.digest(QCryptographicHash::Sha256);
    const bool pinned =
        !m_limits.trustedCertSha256.isEmpty() && pinMatches(peer, m_limits.trustedCertSha256);
    QList<QSslError> excused;
    QStringList reasons;
    for (const QSslError& error : errors) {
        if (pinned && pinExcuses(error.error()))
            excused << error;
        else
            reasons << error.errorString().toLower();
    }
    if (pinned && reasons.isEmpty()) {
        qCDebug(lcNet) << "TLS: the certificate of" << m_url.host()
                       << "is the pinned one; its issuer is not checked";
        m_reply->ignoreSslErrors(excused);
        return;
    }
    reasons.removeDuplicates();
    QString problem = QStringLiteral("TLS: %1").arg(reasons.join(QStringLiteral("; ")));
    if (!fingerprint.isEmpty())
        problem += QStringLiteral(" (SHA-256 %1)").arg(formatFingerprint(fingerprint));
    if (pinned)
        problem += QStringLiteral("; it is the trusted certificate, but trusting it does not "
                                  "excuse a wrong name or an expired certificate");
    else if (!m_limits.trustedCertSha256.isEmpty())
        problem += notPinnedText();
    refuseCertificate(problem, peer, !pinned);
}

void HttpFetch::onTimeout()
{
    if (isDone())
        return;
    m_timedOutConnecting = m_connecting;
    const QString what = m_connecting ? QStringLiteral("no connection within %1 ms")
                                      : QStringLiteral("no answer within %1 ms");
    finish(Outcome::Timeout,
           what.arg(m_connecting ? m_limits.connectTimeoutMs : m_limits.readTimeoutMs));
}

void HttpFetch::onFinished()
{
    if (isDone() || !m_reply)
        return;
    QNetworkReply* reply = m_reply;
    m_body += reply->readAll();
    if (overCap(m_body.size())) {
        finish(
            Outcome::TooLarge,
            QStringLiteral("response larger than %1").arg(formatByteSize(m_limits.maxBodyBytes)));
        return;
    }
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid()) {
        finishWithoutAnswer(reply);
        return;
    }
    m_status = statusAttribute.toInt();
    m_reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
    m_headers = reply->rawHeaderPairs();

    if (isRedirect(m_status) && m_verb == "GET" && handleRedirect())
        return;
    finishBody();
}

void HttpFetch::finishWithoutAnswer(QNetworkReply* reply)
{
    m_networkError = reply->error();
    if (m_networkError == QNetworkReply::TimeoutError) {
        finish(Outcome::Timeout, reply->errorString());
        return;
    }
    if (!m_tlsProblem.isEmpty()) {
        m_networkError = QNetworkReply::SslHandshakeFailedError;
        finish(Outcome::NetworkError, m_tlsProblem);
        return;
    }
    if (m_networkError == QNetworkReply::RemoteHostClosedError && m_body.isEmpty()) {
        probeProtocol(reply->errorString());
        return;
    }
    finish(Outcome::NetworkError, m_networkError == QNetworkReply::NoError
                                      ? QStringLiteral("no HTTP answer")
                                      : reply->errorString());
}

bool HttpFetch::handleRedirect()
{
    const QByteArray location = header("Location");
    if (location.isEmpty())
        return false;
    const QUrl target = m_url.resolved(QUrl::fromEncoded(location));
    if (m_url.scheme() == u"https" && target.scheme() == u"http") {
        qCWarning(lcNet) << "refusing a redirect from https to http at" << m_url.host();
        finish(Outcome::InsecureRefused,
               QStringLiteral("redirected from https to plain http (%1); refused")
                   .arg(target.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo)
                            .toString()));
        return true;
    }
    if (!sameOrigin(m_url, target)) {
        qCWarning(lcNet) << "refusing a redirect from" << m_url.host() << "to another origin"
                         << target.scheme() << target.host() << target.port();
        finish(Outcome::RedirectRefused,
               QStringLiteral("redirected to %1; not followed so the API key stays with "
                              "%2")
                   .arg(target.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveUserInfo)
                            .toString(),
                        m_url.host()));
        return true;
    }
    if (m_redirects >= m_limits.maxRedirects) {
        finish(Outcome::RedirectRefused,
               QStringLiteral("too many redirects (%1)").arg(m_redirects));
        return true;
    }
    ++m_redirects;
    qCDebug(lcNet) << "following a same-origin redirect to" << target.path();
    releaseReply();
    m_url = target;
    m_headers.clear();
    m_status = 0;
    issue();
    return true;
}

void HttpFetch::finishBody()
{
    const QByteArray encoding = header("Content-Encoding").trimmed().toLower();
    if (!encoding.isEmpty() && encoding != "identity") {
        if (encoding != "gzip" && encoding != "x-gzip") {
            finish(Outcome::BadEncoding, QStringLiteral("unsupported Content-Encoding: %1")
                                             .arg(QString::fromLatin1(encoding.left(40))));
            return;
        }
        if (!m_limits.inflateGzip) {
            m_bodyIsGzip = true;
            finish(Outcome::Http);
            return;
        }
        QByteArray inflated;
        QString problem;
        const InflateOutcome inflate =
            inflateGzipBody(m_body, m_limits.maxBodyBytes, inflated, &problem);
        if (inflate != InflateOutcome::Ok) {
            finish(inflate == InflateOutcome::TooLarge ? Outcome::TooLarge : Outcome::BadEncoding,
                   problem);
            return;
        }
        m_body = std::move(inflated);
    }
    finish(Outcome::Http);
}

InflateOutcome inflateGzipBody(const QByteArray& compressed, qint64 maxBytes, QByteArray& out,
                               QString* problem)
{
    std::string inflated;
    std::string error;
    const std::string_view bytes(compressed.constData(),
                                 static_cast<std::size_t>(compressed.size()));
    if (!decodeGzip(bytes, inflated, static_cast<std::size_t>(maxBytes), &error)) {
        // Gzip.h reports the cap as "decompressed body exceeds N bytes".
        const bool tooLarge = error.find("exceeds") != std::string::npos;
        if (problem) {
            *problem = tooLarge ? QStringLiteral("response larger than %1 (inflated)")
                                      .arg(formatByteSize(maxBytes))
                                : QStringLiteral("could not inflate the gzip body: %1")
                                      .arg(QString::fromStdString(error));
        }
        return tooLarge ? InflateOutcome::TooLarge : InflateOutcome::BadEncoding;
    }
    out = QByteArray::fromStdString(inflated);
    return InflateOutcome::Ok;
}

void HttpFetch::finish(Outcome outcome, const QString& errorText)
{
    if (isDone())
        return;
    m_outcome = outcome;
    m_errorText = errorText;
    m_timer.stop();
    releaseReply();
    if (outcome != Outcome::Http)
        qCDebug(lcNet) << "fetch of" << m_url.path() << "failed:" << errorText;
    if (onDone) {
        auto done = std::move(onDone);
        onDone = {};
        done();
    }
}

void HttpFetch::releaseReply()
{
    if (!m_reply)
        return;
    QNetworkReply* reply = m_reply;
    m_reply.clear();
    disconnect(reply, nullptr, this, nullptr);
    if (!reply->isFinished())
        reply->abort();
    reply->deleteLater();
}

} // namespace ops
