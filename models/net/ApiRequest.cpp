#include "models/net/ApiRequest.h"

#include "models/domain/Logging.h"
#include "models/domain/Target.h"
#include "models/net/ApiUrl.h"

#include <QCoreApplication>
#include <QNetworkRequest>
#include <QTimer>

namespace ops {

namespace {

QString trc(const char* text)
{
    return QCoreApplication::translate("ops::ApiCaller", text);
}

QByteArray userAgent()
{
    return QByteArrayLiteral("bhiv-ops/") + QByteArrayLiteral(OPS_VERSION);
}

} // namespace

ConnectionPolicy ConnectionPolicy::forTarget(const Target& target, const ApiKey& key)
{
    ConnectionPolicy p;
    p.connectTimeoutMs = target.connectTimeoutMs;
    p.readTimeoutMs = target.readTimeoutMs;
    p.pinSha256 = target.trustedCertSha256;
    p.allowPlainHttp = target.allowPlainHttp;
    p.key = key;
    return p;
}

HttpFetch::Limits ConnectionPolicy::limits() const
{
    HttpFetch::Limits l;
    l.connectTimeoutMs = connectTimeoutMs;
    l.readTimeoutMs = readTimeoutMs;
    l.maxBodyBytes = maxBodyBytes;
    l.maxRedirects = maxRedirects;
    l.trustedCertSha256 = pinSha256;
    l.allowPlainHttp = allowPlainHttp;
    l.inflateGzip = inflateGzip;
    return l;
}

ApiRequest ApiRequest::get(const QUrl& url, const ConnectionPolicy& policy)
{
    ApiRequest r;
    r.url = url;
    r.policy = policy;
    return r;
}

ApiRequest ApiRequest::post(const QUrl& url, const QByteArray& body, const ConnectionPolicy& policy)
{
    ApiRequest r;
    r.verb = QByteArrayLiteral("POST");
    r.url = url;
    r.body = body;
    r.policy = policy;
    return r;
}

QByteArray ApiResponse::header(const QByteArray& name) const
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

ApiCaller::ApiCaller(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_network(network)
{
}

ApiCaller::~ApiCaller()
{
    cancelAll();
}

void ApiCaller::cancelAll()
{
    const QList<QPointer<HttpFetch>> fetches = std::exchange(m_fetches, {});
    for (const QPointer<HttpFetch>& fetch : fetches) {
        if (fetch) {
            fetch->cancel();
            fetch->deleteLater();
        }
    }
}

int ApiCaller::pending() const
{
    int n = 0;
    for (const QPointer<HttpFetch>& fetch : m_fetches)
        n += fetch && !fetch->isDone() ? 1 : 0;
    return n;
}

ApiError ApiCaller::errorOf(const HttpFetch& fetch)
{
    ApiError e;
    e.requestSent = fetch.isSent();
    const QString host = fetch.finalUrl().host();
    switch (fetch.outcome()) {
    case HttpFetch::Outcome::Pending:
        e.kind = ApiErrorKind::Cancelled;
        e.message = trc("cancelled");
        return e;
    case HttpFetch::Outcome::Http:
        if (fetch.httpStatus() >= 200 && fetch.httpStatus() < 300)
            return e;
        e.kind = ApiErrorKind::Http;
        e.httpStatus = fetch.httpStatus();
        e.serverMessage = serverErrorMessage(fetch.body());
        e.message = e.serverMessage.isEmpty()
                        ? trc("HTTP %1 %2")
                              .arg(fetch.httpStatus())
                              .arg(QString::fromLatin1(fetch.reasonPhrase()))
                              .trimmed()
                        : trc("HTTP %1: %2").arg(fetch.httpStatus()).arg(e.serverMessage);
        return e;
    case HttpFetch::Outcome::Timeout:
        e.kind =
            fetch.timedOutConnecting() ? ApiErrorKind::ConnectTimeout : ApiErrorKind::ReadTimeout;
        e.message = fetch.timedOutConnecting()
                        ? trc("no connection to %1: %2").arg(host, fetch.errorText())
                        : trc("%1 did not answer in time: %2").arg(host, fetch.errorText());
        return e;
    case HttpFetch::Outcome::TooLarge:
        e.kind = ApiErrorKind::TooLarge;
        e.message = fetch.errorText();
        return e;
    case HttpFetch::Outcome::BadEncoding:
        e.kind = ApiErrorKind::BadEncoding;
        e.message = fetch.errorText();
        return e;
    case HttpFetch::Outcome::RedirectRefused:
        e.kind = ApiErrorKind::RedirectRefused;
        e.message = fetch.errorText();
        return e;
    case HttpFetch::Outcome::InsecureRefused:
        e.kind = ApiErrorKind::PlainHttpRefused;
        e.message = fetch.errorText();
        return e;
    case HttpFetch::Outcome::NetworkError:
        break;
    }
    e.rejectedCertSha256 = fetch.rejectedCertSha256();
    e.rejectedCertificateDer = fetch.rejectedCertificate().toDer();
    if (fetch.certificateRefused()) {
        e.kind = ApiErrorKind::CertificateRefused;
        e.message = fetch.errorText();
        return e;
    }
    const QString detail = fetch.errorText();
    switch (fetch.networkError()) {
    case QNetworkReply::ConnectionRefusedError:
        e.kind = ApiErrorKind::ConnectionRefused;
        e.message = trc("connection refused by %1: nothing listens there")
                        .arg(originText(fetch.finalUrl()));
        break;
    case QNetworkReply::HostNotFoundError:
        e.kind = ApiErrorKind::HostNotFound;
        e.message = trc("DNS: host %1 not found").arg(host);
        break;
    case QNetworkReply::RemoteHostClosedError:
        e.kind = ApiErrorKind::ConnectionClosed;
        e.message = trc("%1 closed the connection").arg(host);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        // OpenSSL says "wrong version number" / "packet length too long" when the other end
        // answers in plain text: a plain http port given an https URL.
        if (detail.contains(QLatin1String("wrong version number"), Qt::CaseInsensitive) ||
            detail.contains(QLatin1String("packet length too long"), Qt::CaseInsensitive) ||
            detail.contains(QLatin1String("http request"), Qt::CaseInsensitive)) {
            e.kind = ApiErrorKind::TlsNotSpoken;
            e.message = trc("TLS handshake failed: the server does not speak TLS (is it plain "
                            "http?)");
        } else {
            e.kind = ApiErrorKind::TlsHandshakeFailed;
            e.message = trc("TLS handshake failed: %1").arg(detail);
        }
        break;
    case QNetworkReply::OperationCanceledError:
        e.kind = ApiErrorKind::Cancelled;
        e.message = trc("cancelled");
        break;
    default:
        e.kind = ApiErrorKind::Network;
        e.message = detail.isEmpty() ? trc("no answer from %1").arg(host) : detail;
        break;
    }
    return e;
}

void ApiCaller::send(const ApiRequest& request, ApiCallback done)
{
    if (!request.url.isValid() || request.url.host().isEmpty() ||
        (request.url.scheme() != u"https" && request.url.scheme() != u"http")) {
        ApiResult<ApiResponse> refused;
        refused.error.kind = ApiErrorKind::InvalidRequest;
        refused.error.message = trc("the request URL is not a valid http(s) URL (an empty or "
                                    "\".\" id?)");
        QTimer::singleShot(0, this, [done = std::move(done), refused] { done(refused); });
        return;
    }
    QNetworkRequest networkRequest(request.url);
    networkRequest.setRawHeader("Accept", request.accept);
    networkRequest.setRawHeader("User-Agent", userAgent());
    // Offered explicitly so Qt leaves a gzip body compressed and HttpFetch inflates it under the
    // cap (Qt's own inflation has no limit).
    networkRequest.setRawHeader("Accept-Encoding", "gzip");
    networkRequest.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                                QNetworkRequest::AlwaysNetwork);
    for (const auto& [name, value] : request.headers) {
        if (name.compare("Authorization", Qt::CaseInsensitive) != 0)
            networkRequest.setRawHeader(name, value);
    }
    if (!request.policy.key.isEmpty())
        networkRequest.setRawHeader("Authorization", request.policy.key.bearerHeader());
    if (request.verb != "GET" && !request.contentType.isEmpty())
        networkRequest.setRawHeader("Content-Type", request.contentType);

    auto* fetch = new HttpFetch(m_network, networkRequest, request.policy.limits(), this);
    if (request.verb != "GET")
        fetch->setMethod(request.verb, request.body);
    m_fetches.removeAll(nullptr);
    m_fetches.append(fetch);
    qCDebug(lcNet) << request.verb << request.url.path() << "(" << request.policy.key << ")";
    fetch->onDone = [this, fetch, done = std::move(done)] {
        m_fetches.removeAll(fetch);
        fetch->deleteLater();
        ApiResult<ApiResponse> result;
        if (fetch->outcome() == HttpFetch::Outcome::Http) {
            result.value.status = fetch->httpStatus();
            result.value.reasonPhrase = fetch->reasonPhrase();
            result.value.body = fetch->body();
            result.value.bodyIsGzip = fetch->bodyIsGzip();
            result.value.url = fetch->finalUrl();
            result.value.headers = fetch->headers();
        }
        result.error = errorOf(*fetch);
        result.ok = result.error.kind == ApiErrorKind::None;
        done(result);
    };
    fetch->start();
}

} // namespace ops
