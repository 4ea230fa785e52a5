#pragma once

#include "models/net/ApiKey.h"
#include "models/net/ApiResult.h"
#include "models/net/HttpFetch.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;

namespace ops {

struct Target;

// How the console may talk to one origin, derived from the target it belongs to: the pin, the
// plain-http rule, connect/read deadlines, the body cap and the key. Every client (workflows,
// deploy verification, Render, the deploy sampler, webhooks, logs) sends through this, so a
// target's transport rules hold for all of them.
struct ConnectionPolicy {
    int connectTimeoutMs = 5000; // until the request is on the wire
    int readTimeoutMs = 15000;   // from then until the whole answer is in
    qint64 maxBodyBytes = 8 * 1024 * 1024;
    int maxRedirects = 5;        // same-origin only, GET only
    QByteArray pinSha256;        // certificate or SPKI SHA-256, 32 bytes, or empty
    bool allowPlainHttp = false; // plain http to a host that is not loopback
    ApiKey key;                  // sent as "Authorization: Bearer ..." when set
    bool inflateGzip = true;

    // The gateway's policy: the target's timeouts, pin and plain-http flag, and its key.
    static ConnectionPolicy forTarget(const Target& target, const ApiKey& key);
    HttpFetch::Limits limits() const;
};

// One request. Build the URL with endpointUrl() (ApiUrl.h) so each id is percent-encoded.
struct ApiRequest {
    QByteArray verb = QByteArrayLiteral("GET");
    QUrl url;
    QByteArray body; // sent for any verb but GET (with contentType)
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray accept = QByteArrayLiteral("application/json");
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers (never Authorization)
    ConnectionPolicy policy;

    static ApiRequest get(const QUrl& url, const ConnectionPolicy& policy);
    static ApiRequest post(const QUrl& url, const QByteArray& body, const ConnectionPolicy& policy);
};

// An HTTP answer, any status: what the client decodes.
struct ApiResponse {
    int status = 0;
    QByteArray reasonPhrase;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool bodyIsGzip = false; // ConnectionPolicy::inflateGzip was false
    QUrl url;                // after same-origin redirects

    QByteArray header(const QByteArray& name) const; // case-insensitive
    bool isSuccess() const { return status >= 200 && status < 300; }
};

using ApiCallback = std::function<void(const ApiResult<ApiResponse>&)>;

// Sends ApiRequests over HttpFetch (deadlines, caps, same-origin redirects, the pin, the
// plain-http refusal) and answers one ApiResult<ApiResponse> per request:
//   ok      -- a 2xx answer (value holds it);
//   not ok  -- error.kind says why. For an HTTP answer outside 2xx the kind is Http and value
//              still holds the answer (status, headers, body), error.serverMessage what the
//              body said.
// The callback runs once, always later (never inside send()), and not at all after cancelAll()
// or the caller's destruction. Requests a policy refuses (plain http, an invalid URL) never
// reach the network.
//
//   ApiCaller calls(network);
//   calls.send(ApiRequest::get(endpointUrl(base, {"v1", "workflows", id}), policy),
//              [](const ApiResult<ApiResponse>& r) { ... r.ok, r.value.body, r.error ... });
class ApiCaller : public QObject {
    Q_OBJECT
public:
    explicit ApiCaller(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~ApiCaller() override;

    QNetworkAccessManager* network() const { return m_network; }
    void setNetwork(QNetworkAccessManager* network) { m_network = network; }

    void send(const ApiRequest& request, ApiCallback done);
    void cancelAll();
    int pending() const;

    // The ApiError of a finished fetch that did not give a 2xx answer (kind None for a 2xx).
    static ApiError errorOf(const HttpFetch& fetch);

private:
    QNetworkAccessManager* m_network;
    QList<QPointer<HttpFetch>> m_fetches;
};

} // namespace ops
