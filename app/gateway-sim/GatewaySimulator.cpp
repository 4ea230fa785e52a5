#include "app/gateway-sim/GatewaySimulator.h"

#include "app/gateway-sim/Gzip.h"
#include "app/gateway-sim/HistoryReplay.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QTimer>

#include <algorithm>
#include <functional>

namespace ops::sim {

namespace {

double nowSeconds()
{
    return static_cast<double>(WorkflowEngine::nowUs()) / 1e6;
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    default:
        return "OTHER";
    }
}

SimReply errorReply(const QString& error, const QString& message, int status,
                    const QString& requestId)
{
    return SimReply::json(QJsonObject{{QStringLiteral("error"), error},
                                      {QStringLiteral("message"), message},
                                      {QStringLiteral("status_code"), status},
                                      {QStringLiteral("request_id"), requestId}},
                          status);
}

} // namespace

GatewaySimulator::GatewaySimulator(const SimOptions& options, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_options(options)
    , m_faults(options)
    , m_traffic(options.dialect, options.seed, options.endpoints, nowSeconds())
    , m_workflows(options.dialect, options.stepMs, options.seed)
    , m_limiter(options.rateLimit)
    , m_api(m_options, m_traffic, m_workflows, m_faults, m_limiter)
    , m_render({options.deployStageMs, options.renderApiKey, options.renderHookKey},
               [this](const QJsonObject& profile) { restartAfterDeploy(profile); })
    , m_logs({m_render.serviceId(), QStringLiteral("tea-d0simbhivowner01"), m_render.apiKey(),
              m_render.serviceHost(), options.seed, options.logRate},
             [this] {
                 return RenderLogs::Regime{m_faults.rps(), m_faults.meanLatencyS(),
                                           m_faults.errorRate(), m_faults.latencyMs()};
             })
    , m_idRng(options.seed ^ 0xabcdef12345ULL)
{
    if (m_options.history) {
        // The live gateway is the replayed one, from now on: no restart after the past.
        HistoryReplay past(m_options, nowSeconds());
        m_traffic = past.at(nowSeconds());
    }
    m_clock.start();
    m_render.setLogs(&m_logs);
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (hasPendingWebSocketConnections()) {
            m_logs.attach(nextPendingWebSocketConnection());
        }
    });
    connect(&m_workflows, &WorkflowEngine::workflowFinished, this,
            [this](const QString& type, const QString& status) {
                m_traffic.recordWorkflowExecution(type.toUtf8(), status.toUtf8(), nowSeconds());
            });
}

GatewaySimulator::~GatewaySimulator() = default;

quint16 GatewaySimulator::listenLocal(quint16 port)
{
    return listen(QHostAddress::LocalHost, port);
}

QString GatewaySimulator::nextRequestId()
{
    const quint64 a = m_idRng();
    const quint64 b = m_idRng();
    const QString hex =
        QStringLiteral("%1%2").arg(a, 16, 16, QLatin1Char('0')).arg(b, 16, 16, QLatin1Char('0'));
    return hex.left(8) + QLatin1Char('-') + hex.mid(8, 4) + QLatin1Char('-') + hex.mid(12, 4) +
           QLatin1Char('-') + hex.mid(16, 4) + QLatin1Char('-') + hex.mid(20, 12);
}

void GatewaySimulator::advanceTraffic()
{
    m_traffic.advance(nowSeconds(),
                      TrafficRegime{m_faults.rps(), m_faults.meanLatencyS(), m_faults.errorRate()});
}

// A deploy went live: the gateway restarted (counters from zero) and comes up good, or bad with
// the deploy's profile (fault keys). A good deploy brings back the faults from before a bad one.
void GatewaySimulator::restartAfterDeploy(const QJsonObject& profile)
{
    advanceTraffic();
    if (m_faultsBeforeBadDeploy) {
        m_faults = *m_faultsBeforeBadDeploy;
        m_faultsBeforeBadDeploy.reset();
    }
    if (!profile.isEmpty()) {
        FaultState bad = m_faults;
        QString error;
        bool reset = false;
        if (bad.merge(profile, &error, &reset)) {
            m_faultsBeforeBadDeploy = m_faults;
            m_faults = bad;
        } else {
            qWarning("bhiv-gateway-sim: come_up_bad ignored: %s", qPrintable(error));
        }
    }
    m_traffic.reset(nowSeconds());
}

void GatewaySimulator::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    if (m_upgradeAnswered) { // a refused WebSocket upgrade: its answer is written already
        m_upgradeAnswered = false;
        return;
    }
    QHttpServerResponder responder = makeResponder(request, socket);
    write(responder, SimReply::detail(QStringLiteral("Not Found"), 404));
}

bool GatewaySimulator::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    m_parked.erase(std::remove_if(m_parked.begin(), m_parked.end(),
                                  [](const Parked& p) { return p.socket.isNull(); }),
                   m_parked.end());
    QElapsedTimer served;
    served.start();
    SimRequest req;
    req.method = methodName(request.method());
    req.path = request.url().path();
    if (req.path.isEmpty()) {
        req.path = QStringLiteral("/");
    }
    req.query = request.query();
    req.body = request.body();
    req.headers = request.headers();
    req.client = request.remoteAddress().toString();
    const QByteArray given = req.header("X-Request-ID");
    req.requestId = given.isEmpty() ? nextRequestId() : QString::fromUtf8(given);

    QHttpServerResponder responder = makeResponder(request, socket);
    if (req.header("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        return handleUpgrade(req, socket, responder);
    }
    if (req.path.startsWith(QLatin1String("/__sim/"))) {
        SimReply reply = handleControl(req);
        reply.headers.emplace_back("X-Request-ID", req.requestId.toUtf8());
        write(responder, reply);
        return true;
    }

    if (RenderApi::owns(req.path)) {
        SimReply reply = m_render.handle(req);
        reply.headers.emplace_back("X-Request-ID", req.requestId.toUtf8());
        write(responder, reply);
        return true;
    }

    advanceTraffic();
    const bool faulted = m_faults.appliesTo(req.path);
    if (faulted && m_faults.hang()) {
        m_parked.push_back({QPointer<QTcpSocket>(socket),
                            std::make_unique<QHttpServerResponder>(std::move(responder))});
        return true;
    }

    SimReply reply;
    QList<std::pair<QByteArray, QByteArray>> rateHeaders;
    if (faulted && !m_faults.redirectTo().isEmpty()) {
        reply = SimReply::text("Found", 302, "text/plain; charset=utf-8");
        reply.headers.emplace_back("Location", (m_faults.redirectTo() + req.path).toUtf8());
    } else if (faulted && m_faults.forceStatus() != 0) {
        reply = forcedReply(req);
    } else {
        bool limited = false;
        if (m_options.dialect == Dialect::Monolith) {
            const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
            const RateLimiter::Decision d = m_limiter.hit(req.client + req.path, nowMs);
            rateHeaders << std::make_pair(QByteArray("X-RateLimit-Limit"),
                                          QByteArray::number(d.limit))
                        << std::make_pair(QByteArray("X-RateLimit-Remaining"),
                                          QByteArray::number(d.remaining));
            if (!d.allowed) {
                limited = true;
                reply = SimReply::detail(
                    QStringLiteral("Rate limit exceeded: %1 per 1 minute").arg(d.limit), 429);
                reply.headers.emplace_back("Retry-After", QByteArray::number(std::max<qint64>(
                                                              1, (d.resetAtMs - nowMs) / 1000)));
            }
        }
        if (!limited) {
            reply = m_api.handle(req);
        }
    }
    if (faulted) {
        reply = applyFaults(req, std::move(reply));
        reply.delayMs += m_faults.latencyMs();
        reply.trickleMs = m_faults.slowBodyMs();
    }
    for (const auto& h : rateHeaders) {
        reply.headers.push_back(h);
    }
    const double seconds =
        static_cast<double>(served.nsecsElapsed()) / 1e9 + reply.delayMs / 1000.0;
    // A replay of the past (/metrics?at=T) is the simulator's own service, not the gateway's
    // traffic: a console backfilling a day asks thousands in seconds, which would show as a
    // spike in the live request rate.
    if (!(req.path.startsWith(QLatin1String("/metrics")) &&
          req.query.hasQueryItem(QStringLiteral("at"))))
        m_traffic.record(req.method, req.path.toUtf8(), reply.status, seconds, nowSeconds());
    m_logs.servedRequest(req.method, req.path, reply.status, seconds, req.requestId);
    reply.headers.emplace_back("X-Request-ID", req.requestId.toUtf8());
    reply.headers.emplace_back("X-Process-Time", QByteArray::number(seconds, 'f', 4));
    send(std::move(responder), req, std::move(reply));
    return true;
}

// A WebSocket upgrade: true hands the socket to the WebSocket server (the handshake then
// completes and newWebSocketConnection follows); false after writing a refusal (401, 429 ...),
// which Qt follows with missingHandler and closing the connection.
bool GatewaySimulator::handleUpgrade(const SimRequest& request, QTcpSocket*,
                                     QHttpServerResponder& responder)
{
    std::optional<SimReply> refusal;
    if (!RenderLogs::isSubscribePath(request.path)) {
        refusal = SimReply::detail(QStringLiteral("Not Found"), 404);
    } else {
        refusal = m_logs.admit(request);
    }
    if (!refusal) {
        return true;
    }
    refusal->headers.emplace_back("X-Request-ID", request.requestId.toUtf8());
    refusal->headers.emplace_back("Connection", "close");
    write(responder, *refusal);
    m_upgradeAnswered = true;
    return false;
}

SimReply GatewaySimulator::forcedReply(const SimRequest& request) const
{
    const int status = m_faults.forceStatus();
    SimReply reply;
    if (status == 500) {
        reply = SimReply::text("Internal Server Error", 500, "text/plain; charset=utf-8");
    } else if (status == 401) {
        reply = SimReply::detail(QStringLiteral("Invalid API key"), 401);
    } else if (status == 403) {
        reply = SimReply::detail(QStringLiteral("Not authenticated"), 403);
    } else if (status == 404) {
        reply = SimReply::detail(QStringLiteral("Not Found"), 404);
    } else if (status == 429) {
        reply = errorReply(QStringLiteral("rate_limit_exceeded"),
                           QStringLiteral("Too many requests"), 429, request.requestId);
    } else if (status < 400) {
        reply =
            SimReply::json(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}, status);
    } else {
        const char* key =
            QMetaEnum::fromType<QHttpServerResponder::StatusCode>().valueToKey(status);
        reply = errorReply(QStringLiteral("http_error"),
                           key ? QString::fromLatin1(key) : QStringLiteral("Error"), status,
                           request.requestId);
    }
    if (m_faults.retryAfter() >= 0) {
        reply.headers.emplace_back("Retry-After", QByteArray::number(m_faults.retryAfter()));
    }
    return reply;
}

SimReply GatewaySimulator::applyFaults(const SimRequest&, SimReply reply) const
{
    if (m_faults.malformed()) {
        if (reply.contentType.startsWith("application/json")) {
            // Cut the document in the middle: invalid JSON.
            reply.body = reply.body.left(std::max<qsizetype>(1, reply.body.size() / 2));
        } else {
            const qsizetype cut = reply.body.size() / 3;
            reply.body = reply.body.left(cut) +
                         "\napi_requests_total{endpoint=\"/v1/jobs\",method=\"GET\" 12.0\n"
                         "# TYPE garbage\n\x01\x02 not a metric line {{{\n";
        }
    }
    if (m_faults.oversizedMb() > 0.0) {
        const qsizetype target = static_cast<qsizetype>(m_faults.oversizedMb() * 1024 * 1024);
        if (reply.contentType.startsWith("application/json") && reply.body.endsWith('}') &&
            !m_faults.malformed()) {
            const qsizetype pad = std::max<qsizetype>(0, target - reply.body.size() - 16);
            reply.body.chop(1);
            reply.body += ",\"_padding\":\"" + QByteArray(pad, 'x') + "\"}";
        } else {
            QByteArray line = "# padding " + QByteArray(100, 'x') + '\n';
            QByteArray pad;
            pad.reserve(target);
            while (pad.size() + reply.body.size() < target) {
                pad += line;
            }
            if (reply.body.endsWith("# EOF\n")) {
                reply.body.insert(reply.body.size() - 6, pad);
            } else {
                reply.body += pad;
            }
        }
    }
    return reply;
}

void GatewaySimulator::send(QHttpServerResponder&& responder, const SimRequest& request,
                            SimReply reply)
{
    if (m_options.dialect == Dialect::Modular) {
        reply.headers.emplace_back("X-Gateway-Version", "3.2.1-modular");
    }
    // Starlette's GZipMiddleware: only when offered and the body is at least 500 bytes.
    if (request.header("Accept-Encoding").contains("gzip") && reply.body.size() >= 500) {
        reply.body = Gzip::compress(reply.body);
        reply.headers.emplace_back("Content-Encoding", "gzip");
        reply.headers.emplace_back("Vary", "Accept-Encoding");
    }
    if (reply.delayMs <= 0 && reply.trickleMs <= 0) {
        write(responder, reply);
        return;
    }
    auto holder = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> socket(holder->socket());
    QTimer::singleShot(std::max(reply.delayMs, 0), this,
                       [this, holder, socket, reply = std::move(reply)] {
                           if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
                               return;
                           }
                           if (reply.trickleMs > 0) {
                               trickle(holder, reply);
                           } else {
                               write(*holder, reply);
                           }
                       });
}

// The "slow body" fault: status line and headers (with the whole Content-Length) now, then the
// body in up to 20 chunks, one every trickleMs / chunks, the last at about trickleMs.
void GatewaySimulator::trickle(std::shared_ptr<QHttpServerResponder> responder,
                               const SimReply& reply)
{
    if (!writeHead(*responder, reply)) {
        return;
    }
    responder->writeBody(QByteArray()); // ends the header block (the blank line) now
    responder->socket()->flush();
    struct Trickle {
        std::shared_ptr<QHttpServerResponder> responder;
        QPointer<QTcpSocket> socket;
        QByteArray body;
        qsizetype offset = 0;
        qsizetype chunk = 1;
        int stepMs = 1;
        std::function<void(std::shared_ptr<Trickle>)> next;
    };
    auto t = std::make_shared<Trickle>();
    t->responder = std::move(responder);
    t->socket = t->responder->socket();
    t->body = reply.body;
    const qsizetype chunks = std::clamp<qsizetype>(reply.body.size(), 1, 20);
    t->chunk = std::max<qsizetype>(1, (reply.body.size() + chunks - 1) / chunks);
    t->stepMs = std::max(1, static_cast<int>(reply.trickleMs / chunks));
    t->next = [this](std::shared_ptr<Trickle> self) {
        QTimer::singleShot(self->stepMs, this, [self] {
            if (!self->socket || self->socket->state() != QAbstractSocket::ConnectedState) {
                self->next = nullptr; // the client gave up: drop the rest
                return;
            }
            const QByteArray part = self->body.mid(self->offset, self->chunk);
            self->offset += part.size();
            self->responder->writeBody(part);
            self->socket->flush();
            if (self->offset < self->body.size()) {
                self->next(self);
            } else {
                self->next = nullptr; // done: release the responder
            }
        });
    };
    t->next(t);
}

bool GatewaySimulator::writeHead(QHttpServerResponder& responder, const SimReply& reply)
{
    if (!responder.socket() || !responder.socket()->isOpen()) {
        return false;
    }
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    responder.writeHeader("Content-Type", reply.contentType);
    for (const auto& [k, v] : reply.headers) {
        responder.writeHeader(k, v);
    }
    responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    return true;
}

void GatewaySimulator::write(QHttpServerResponder& responder, const SimReply& reply)
{
    if (writeHead(responder, reply)) {
        responder.writeBody(reply.body);
    }
}

SimReply GatewaySimulator::handleControl(const SimRequest& request)
{
    if (request.path == QLatin1String("/__sim/faults")) {
        if (request.method == "GET") {
            return SimReply::json(m_faults.toJson());
        }
        if (request.method != "POST") {
            return SimReply::detail(QStringLiteral("Method Not Allowed"), 405);
        }
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &err);
        if (err.error != QJsonParseError::NoError) {
            return errorReply(QStringLiteral("bad_request"),
                              QStringLiteral("malformed JSON in fault request: %1 at offset %2")
                                  .arg(err.errorString())
                                  .arg(err.offset),
                              400, request.requestId);
        }
        if (!doc.isObject()) {
            return errorReply(QStringLiteral("bad_request"),
                              QStringLiteral("fault request must be a JSON object"), 400,
                              request.requestId);
        }
        // Traffic up to now belongs to the old regime.
        advanceTraffic();
        QString error;
        bool reset = false;
        if (!m_faults.merge(doc.object(), &error, &reset)) {
            return errorReply(QStringLiteral("invalid_fault"), error, 400, request.requestId);
        }
        if (reset) {
            m_traffic.reset(nowSeconds());
        }
        return SimReply::json(m_faults.toJson());
    }
    if (request.path == QLatin1String("/__sim/logs")) {
        return m_logs.handleControl(request);
    }
    if (request.path == QLatin1String("/__sim/render")) {
        return m_render.handleControl(request);
    }
    if (request.path == QLatin1String("/__sim/state") && request.method == "GET") {
        advanceTraffic();
        return SimReply::json(QJsonObject{
            {QStringLiteral("dialect"), dialectName(m_options.dialect)},
            {QStringLiteral("seed"), QString::number(m_options.seed)},
            {QStringLiteral("endpoints"), m_options.endpoints},
            {QStringLiteral("step_ms"), m_options.stepMs},
            {QStringLiteral("api_key_enforced"),
             m_options.dialect == Dialect::Monolith ||
                 (m_options.dialect == Dialect::Plan && m_options.apiKeyGiven)},
            {QStringLiteral("traffic"), m_traffic.summary()},
            {QStringLiteral("workflows"),
             QJsonObject{{QStringLiteral("total"), m_workflows.count()},
                         {QStringLiteral("active"), m_workflows.activeCount()}}},
            {QStringLiteral("hung_requests"), static_cast<qint64>(m_parked.size())},
            {QStringLiteral("faults"), m_faults.toJson()},
        });
    }
    return SimReply::detail(QStringLiteral("Not Found"), 404);
}

} // namespace ops::sim
