#pragma once

#include <QByteArray>
#include <QString>

namespace ops {

// Why an API call did not give what was asked, as a kind a program can branch on (exit codes,
// retry or not) and words for people. Kinds are transport facts; what a status means for one
// API (Render's 409, a workflow route's 405) is the client's to say in `message`.
enum class ApiErrorKind {
    None,               // no error
    Http,               // an HTTP answer outside 2xx: httpStatus, serverMessage
    ConnectionRefused,  // nothing listens there
    HostNotFound,       // DNS: the name does not resolve
    ConnectTimeout,     // no connection within the connect timeout
    ReadTimeout,        // connected, no (complete) answer within the read timeout
    ConnectionClosed,   // the peer closed or reset the connection
    TlsNotSpoken,       // TLS handshake failed: the server does not speak TLS (plain http port)
    TlsHandshakeFailed, // another TLS failure (protocol, cipher ...)
    CertificateRefused, // the certificate is not trusted, not the pinned one, or for another
                        // name or expired (rejectedCertSha256, message says which)
    PlainHttpRefused,   // plain http to a non-loopback host, or https->http: nothing was sent
    RedirectRefused,    // a redirect to another origin (never followed), or too many
    TooLarge,           // the body is over the size cap
    BadEncoding,        // an unsupported or corrupt Content-Encoding
    BadReply,           // an answer the client cannot read (not JSON, missing fields)
    InvalidRequest,     // refused here: the request cannot be built (an empty id ...)
    RefusedLocally,     // refused here by policy: rate limit window used up, read-only target
    Network,            // any other network failure
    Cancelled,          // cancelled by the caller
};

// "http", "connection-refused", "dns", "connect-timeout", ... : stable words for scripts.
QString apiErrorKindName(ApiErrorKind kind);

struct ApiError {
    int httpStatus = 0; // 0: no HTTP answer (or refused locally)
    QString message;    // in words, for the operator; never holds a secret
    qint64 retryAtMs = 0;
    bool rateLimited = false;
    ApiErrorKind kind = ApiErrorKind::None;
    QString serverMessage;             // what the server's error body said (at most 300 chars)
    QByteArray rejectedCertSha256;     // CertificateRefused: the certificate that was refused
    QByteArray rejectedCertificateDer; // ... itself (DER), to describe before trusting it
    bool requestSent = false;          // the request left the machine (a change may have happened)

    bool isTimeout() const
    {
        return kind == ApiErrorKind::ConnectTimeout || kind == ApiErrorKind::ReadTimeout;
    }
};

// The outcome of one API call as a value: ok and the value, or the error.
template <typename T> struct ApiResult {
    bool ok = false;
    T value{};
    ApiError error;
};

// The message of an error body, the one reading of it: {"message"}, {"detail": "..."}, FastAPI's
// {"detail": [{"msg"}]}, {"error": "..."} or {"error": {"message"}}; else a plain-text body
// (simplified, at most 200 characters); else (HTML, JSON without a message) empty. At most 300
// characters.
QString serverErrorMessage(const QByteArray& body);

} // namespace ops
