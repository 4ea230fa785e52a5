#pragma once

#include "models/net/HttpFetch.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace ops {

// How the console reaches an HTTP API beside the gateway (a Prometheus server, an
// Alertmanager): its base URL, the Authorization header value read from the keychain (never
// stored anywhere else), and the gateway's transport rules (timeouts, size cap, pinned TLS
// certificate, plain http only to loopback unless allowed).
struct ApiConnection {
    QUrl baseUrl;
    QByteArray authorization; // "Bearer ..." / "Basic ..." or empty; a secret: never logged
    HttpFetch::Limits limits;

    // baseUrl with a fixed route appended to its own path ("/prom" + "/api/v1/query").
    QUrl endpoint(const QString& fixedPath) const;
    // The same with segments, each percent-encoded (ids): endpointUrl() in net/ApiUrl.h.
    QUrl endpoint(const QStringList& segments) const;
};

enum class ApiAuthKind { None, Bearer, Basic };
QString apiAuthKindName(ApiAuthKind kind); // "none", "bearer", "basic"
bool apiAuthKindFromName(const QString& name, ApiAuthKind* out);

// The Authorization header value: "Bearer <secret>" or "Basic base64(user:secret)"; empty for
// None or an empty secret.
QByteArray authorizationHeader(ApiAuthKind kind, const QString& username, const QByteArray& secret);

// What an HTTP API call ended with, as a sentence for people ("HTTP 503: ...", "timeout ...").
// Empty when the call got a 2xx answer.
QString apiCallProblem(const HttpFetch& fetch);

} // namespace ops
