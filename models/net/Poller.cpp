#include "models/net/Poller.h"

#include "models/domain/Logging.h"
#include "models/health/HealthDecoder.h"
#include "models/metrics/MetricsText.h"
#include "models/net/ApiResult.h"
#include "models/net/ApiUrl.h"
#include "models/net/Backoff.h"
#include "models/net/HttpFetch.h"
#include "models/net/NetworkFailure.h"
#include "models/net/RetryAfter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

#include <algorithm>
#include <string_view>

namespace ops {

namespace {

constexpr qint64 kRetryAfterCapMs = 60 * 60 * 1000;

const QByteArray kMetricsAccept =
    "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

struct Outcome {
    ConnectionState state = ConnectionState::Error;
    QString detail;
};

// A fetch that did not give a usable 2xx answer.
Outcome classifyFailure(const HttpFetch& fetch)
{
    switch (fetch.outcome()) {
    case HttpFetch::Outcome::Timeout:
        return {ConnectionState::Timeout, fetch.errorText()};
    case HttpFetch::Outcome::TooLarge:
    case HttpFetch::Outcome::BadEncoding:
        return {ConnectionState::BadResponse, fetch.errorText()};
    case HttpFetch::Outcome::RedirectRefused:
    case HttpFetch::Outcome::InsecureRefused:
        return {ConnectionState::Error, fetch.errorText()};
    case HttpFetch::Outcome::NetworkError: {
        // A certificate the pin or the system refused: HttpFetch's own words ("TLS: ...").
        if (fetch.errorText().startsWith(QLatin1String("TLS: ")))
            return {ConnectionState::Error, fetch.errorText()};
        const NetworkFailure failure =
            describeNetworkFailure(fetch.networkError(), fetch.errorText(), fetch.finalUrl());
        return {failure.state, failure.message};
    }
    case HttpFetch::Outcome::Pending:
        return {ConnectionState::Error, QStringLiteral("no answer")};
    case HttpFetch::Outcome::Http:
        break;
    }
    const int status = fetch.httpStatus();
    QString message = serverErrorMessage(fetch.body());
    if (message.isEmpty())
        message = QString::fromLatin1(fetch.reasonPhrase());
    const QString detail = message.isEmpty()
                               ? QStringLiteral("HTTP %1").arg(status)
                               : QStringLiteral("HTTP %1: %2").arg(status).arg(message);
    if (status == 401 || status == 403)
        return {ConnectionState::AuthFailed, detail};
    if (status == 429)
        return {ConnectionState::RateLimited, detail};
    return {ConnectionState::Error, detail};
}

bool isOk(const HttpFetch& fetch)
{
    return fetch.outcome() == HttpFetch::Outcome::Http && fetch.httpStatus() >= 200 &&
           fetch.httpStatus() < 300;
}

QString componentSummary(const HealthSnapshot& health)
{
    QStringList parts;
    if (health.overall != HealthState::Healthy) {
        parts << QStringLiteral("gateway reports %1")
                     .arg(health.overallRaw.isEmpty() ? healthStateName(health.overall)
                                                      : health.overallRaw);
    }
    for (const ComponentHealth& c : health.components) {
        if (c.state != HealthState::Healthy) {
            parts << QStringLiteral("%1: %2").arg(
                c.name, c.rawStatus.isEmpty() ? healthStateName(c.state) : c.rawStatus);
        }
    }
    return parts.join(QStringLiteral("; "));
}

// The health answer: up, degraded (naming what is not healthy) or why not; the snapshot goes into
// result.
Outcome healthOutcome(const HttpFetch& h, PollResult& result)
{
    if (!isOk(h)) {
        const Outcome failure = classifyFailure(h);
        return {failure.state, QStringLiteral("health: %1").arg(failure.detail)};
    }
    const HealthDecodeResult decoded = decodeHealth(h.body());
    if (!decoded.ok)
        return {ConnectionState::BadResponse, QStringLiteral("health: %1").arg(decoded.error)};
    result.health = decoded.snapshot;
    const QString summary = componentSummary(decoded.snapshot);
    return decoded.snapshot.worst() == HealthState::Healthy
               ? Outcome{ConnectionState::Up, QString()}
               : Outcome{ConnectionState::Degraded, summary};
}

// /metrics failed while health answered: a bad answer makes the poll a bad response, anything
// else is added to the outcome's detail.
void addMetricsFailure(const HttpFetch& m, Outcome& outcome)
{
    const Outcome failure = classifyFailure(m);
    if (failure.state == ConnectionState::BadResponse) {
        outcome = {ConnectionState::BadResponse, QStringLiteral("metrics: %1").arg(failure.detail)};
        return;
    }
    const QString problem = QStringLiteral("metrics unavailable (%1)").arg(failure.detail);
    outcome.detail =
        outcome.detail.isEmpty() ? problem : outcome.detail + QStringLiteral("; ") + problem;
}

// The X-Gateway-Version header of either answer, else the version health reported.
QString gatewayVersionOf(const HttpFetch& h, const HttpFetch& m, const PollResult& result)
{
    QString version = QString::fromUtf8(h.header("X-Gateway-Version"));
    if (version.isEmpty())
        version = QString::fromUtf8(m.header("X-Gateway-Version"));
    if (version.isEmpty() && result.health)
        version = result.health->version;
    return version;
}

// The Retry-After of the first 429 or 503 answer that has a usable one.
std::optional<qint64> retryAfterOf(const HttpFetch& h, const HttpFetch& m, qint64 now)
{
    std::optional<qint64> retryAfter;
    for (const HttpFetch* f : {&h, &m}) {
        if (!retryAfter && f->outcome() == HttpFetch::Outcome::Http &&
            (f->httpStatus() == 429 || f->httpStatus() == 503))
            retryAfter = parseRetryAfterMs(f->header("Retry-After"), now, kRetryAfterCapMs);
    }
    return retryAfter;
}

} // namespace

// Without a consumer, a body is checked by parsing it once and dropping the samples.
QString validateMetrics(const QByteArray& bodyBytes, const QByteArray& contentType)
{
    const std::string_view body(bodyBytes.constData(), static_cast<std::size_t>(bodyBytes.size()));
    const MetricsParseResult parsed = parseMetrics(
        body,
        detectMetricsFormat(body, std::string_view(contentType.constData(),
                                                   static_cast<std::size_t>(contentType.size()))));
    return parsed.ok ? QString() : QString::fromStdString(parsed.error);
}

struct Poller::Impl {
    Poller* q;
    QNetworkAccessManager* network;
    const Clock* clock;
    Backoff backoff;
    QTimer pollTimer;
    QTimer staleTimer;
    QTimer wakingTimer;
    bool running = false;
    int failures = 0;

    // The poll in flight.
    QPointer<HttpFetch> health;
    QPointer<HttpFetch> metrics;
    bool inFlight = false;
    qint64 startedMs = 0;
    qint64 healthFinishedMs = 0;
    bool wakeMode = false;
    bool wakingDue = false;
    MetricsConsumer metricsConsumer;
    quint64 consumerTicket = 0;
    bool awaitingConsumer = false; // the body is with the consumer

    Impl(Poller* poller, QNetworkAccessManager* nam, const Clock* c)
        : q(poller)
        , network(nam)
        , clock(c)
    {
        pollTimer.setSingleShot(true);
        wakingTimer.setSingleShot(true);
        QObject::connect(&pollTimer, &QTimer::timeout, q, [this] { startPoll(); });
        QObject::connect(&staleTimer, &QTimer::timeout, q, [this] { checkStale(); });
        QObject::connect(&wakingTimer, &QTimer::timeout, q, [this] {
            wakingDue = true;
            maybeShowWaking();
        });
    }

    ~Impl()
    {
        // Not inside a fetch callback here: delete the fetches now rather than later.
        delete health.data();
        delete metrics.data();
        cancelPoll();
    }

    const PollerOptions& options() const { return q->m_options; }

    qint64 staleThresholdMs() const
    {
        return qint64(std::max(options().staleAfterIntervals, 1)) *
               std::max(options().intervalMs, 1);
    }

    void setState(ConnectionState state, const QString& detail)
    {
        if (q->m_state == state && q->m_detail == detail)
            return;
        if (q->m_state != state)
            qCInfo(lcNet) << "state" << connectionStateName(state) << detail;
        q->m_state = state;
        q->m_detail = detail;
        emit q->stateChanged(state, detail);
    }

    QNetworkRequest makeRequest(const QString& path, const QByteArray& accept) const
    {
        QNetworkRequest request(routeUrl(options().baseUrl, path));
        request.setRawHeader("Accept", accept);
        // Offered explicitly, so Qt leaves the body compressed and we inflate it under the cap.
        request.setRawHeader("Accept-Encoding", "gzip");
        request.setRawHeader("User-Agent", QByteArray("bhiv-ops/") + OPS_VERSION);
        request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                             QNetworkRequest::AlwaysNetwork);
        if (!options().apiKey.isEmpty())
            request.setRawHeader("Authorization", QByteArray("Bearer ") + options().apiKey);
        return request;
    }

    void startPoll()
    {
        if (inFlight)
            return;
        pollTimer.stop();
        if (!options().baseUrl.isValid() || options().baseUrl.host().isEmpty()) {
            setState(ConnectionState::Error, QStringLiteral("no valid gateway URL configured"));
            return;
        }
        checkStale();
        const qint64 now = clock->nowMs();
        inFlight = true;
        startedMs = now;
        healthFinishedMs = 0;
        wakingDue = false;
        wakeMode = q->m_lastSuccessMs == 0 || now - q->m_lastSuccessMs > options().idleBeforeWakeMs;

        HttpFetch::Limits limits;
        limits.connectTimeoutMs = options().connectTimeoutMs;
        limits.readTimeoutMs = wakeMode ? std::max(options().wakeTimeoutMs, options().readTimeoutMs)
                                        : options().readTimeoutMs;
        limits.maxBodyBytes = options().maxBodyBytes;
        limits.trustedCertSha256 = options().trustedCertSha256;
        limits.allowPlainHttp = options().allowPlainHttp;

        health = new HttpFetch(
            network, makeRequest(QStringLiteral("/health/detailed"), "application/json"), limits);
        // A consumer inflates the body where it parses it, off the UI thread.
        HttpFetch::Limits metricsLimits = limits;
        metricsLimits.inflateGzip = !metricsConsumer;
        metrics = new HttpFetch(network, makeRequest(QStringLiteral("/metrics"), kMetricsAccept),
                                metricsLimits);
        health->onSent = [this] { maybeShowWaking(); };
        metrics->onSent = [this] { maybeShowWaking(); };
        health->onDone = [this] {
            healthFinishedMs = clock->nowMs();
            fetchDone();
        };
        metrics->onDone = [this] { fetchDone(); };
        qCDebug(lcNet) << "poll" << options().baseUrl.host() << (wakeMode ? "(wake mode)" : "");
        if (wakeMode)
            wakingTimer.start(std::max(options().wakingAfterMs, 0));
        // Keep pointers local: a synchronous failure may finish the poll inside start().
        QPointer<HttpFetch> m = metrics;
        health->start();
        if (m && inFlight)
            m->start();
    }

    void maybeShowWaking()
    {
        if (!inFlight || !wakeMode || !wakingDue)
            return;
        const auto waiting = [](const QPointer<HttpFetch>& f) {
            return f && f->isSent() && !f->isDone();
        };
        if (waiting(health) || waiting(metrics)) {
            setState(ConnectionState::Waking,
                     QStringLiteral("the gateway is slow to answer: waking up after idling? "
                                    "(waiting up to %1 s)")
                         .arg(std::max(options().wakeTimeoutMs, options().readTimeoutMs) / 1000));
        }
    }

    void fetchDone()
    {
        if (!inFlight || !health || !metrics || !health->isDone() || !metrics->isDone())
            return;
        finishPoll();
    }

    // Stops and releases both fetches; the poll stays in flight.
    void releaseFetches()
    {
        wakingTimer.stop();
        for (QPointer<HttpFetch>* f : {&health, &metrics}) {
            if (*f) {
                (*f)->cancel();
                (*f)->deleteLater();
            }
            f->clear();
        }
    }

    void cancelPoll()
    {
        releaseFetches();
        ++consumerTicket; // a body still being read no longer completes a poll
        awaitingConsumer = false;
        inFlight = false;
    }

    // What finishPoll knows before the /metrics body is read (which may happen on a worker).
    struct PendingPoll {
        PollResult result;
        Outcome outcome;
        std::optional<qint64> retryAfter;
        QString healthVersionHeaders; // both answers' X-Gateway-Version
    };

    void finishPoll()
    {
        HttpFetch& h = *health;
        HttpFetch& m = *metrics;
        const qint64 now = clock->nowMs();

        PendingPoll pending;
        PollResult& result = pending.result;
        result = transportResult(h, m, now);
        pending.outcome = healthOutcome(h, result);
        const QByteArray contentType = m.header("Content-Type");
        if (isOk(m)) {
            result.metricsBody = m.body();
            result.metricsContentType = contentType;
        }
        bool readBody = false;
        if (isAnswering(pending.outcome.state)) {
            if (isOk(m))
                readBody = true;
            else
                addMetricsFailure(m, pending.outcome);
        }
        result.gatewayVersion = gatewayVersionOf(h, m, result);
        pending.healthVersionHeaders =
            QString::fromUtf8(h.header("X-Gateway-Version") + m.header("X-Gateway-Version"));
        pending.retryAfter = retryAfterOf(h, m, now);
        const bool gzipped = m.bodyIsGzip();
        releaseFetches();
        if (gzipped && !readBody)
            result.metricsBody.clear(); // not read: never inflated

        if (!readBody || !metricsConsumer) {
            if (readBody)
                checkMetricsBody(pending, contentType, gzipped);
            completePoll(std::move(pending), Dialect::Unknown, false);
            return;
        }
        handToConsumer(std::move(pending), now, contentType);
    }

    // What both answers say about the transport: statuses, health's latency, a refused
    // certificate.
    PollResult transportResult(const HttpFetch& h, const HttpFetch& m, qint64 now) const
    {
        PollResult result;
        result.startedMs = startedMs;
        result.finishedMs = now;
        result.healthHttpStatus = h.outcome() == HttpFetch::Outcome::Http ? h.httpStatus() : 0;
        result.metricsHttpStatus = m.outcome() == HttpFetch::Outcome::Http ? m.httpStatus() : 0;
        result.healthLatencyMs = std::max<qint64>(0, healthFinishedMs - startedMs);
        const HttpFetch& refused = h.rejectedCertSha256().isEmpty() ? m : h;
        result.rejectedCertSha256 = refused.rejectedCertSha256();
        result.rejectedCertificateDer = refused.rejectedCertificate().toDer();
        return result;
    }

    // Without a consumer: the body inflated (when gzip) and parsed once here; a body that
    // fails either makes the poll a bad response.
    void checkMetricsBody(PendingPoll& pending, const QByteArray& contentType, bool gzipped)
    {
        PollResult& result = pending.result;
        if (gzipped) {
            QByteArray inflated;
            QString problem;
            if (inflateGzipBody(result.metricsBody, options().maxBodyBytes, inflated, &problem) !=
                InflateOutcome::Ok) {
                result.metricsBody.clear();
                pending.outcome = {ConnectionState::BadResponse,
                                   QStringLiteral("metrics: %1").arg(problem)};
                return;
            }
            result.metricsBody = inflated;
        }
        const QString problem = validateMetrics(result.metricsBody, contentType);
        if (!problem.isEmpty())
            pending.outcome = {ConnectionState::BadResponse,
                               QStringLiteral("metrics: %1").arg(problem)};
    }

    // The consumer reads the body (on a worker, possibly); the poll completes when it says
    // what the body was. The poll stays in flight meanwhile.
    void handToConsumer(PendingPoll pending, qint64 now, const QByteArray& contentType)
    {
        const quint64 ticket = consumerTicket;
        const QByteArray body = pending.result.metricsBody;
        QPointer<Poller> self = q;
        awaitingConsumer = true;
        metricsConsumer(
            now, body, contentType,
            [self, ticket, pending = std::move(pending)](MetricsVerdict verdict) mutable {
                if (!self || self->m_impl->consumerTicket != ticket || !self->m_impl->inFlight)
                    return; // the poll was cancelled meanwhile (stop, another target)
                Impl* impl = self->m_impl;
                impl->awaitingConsumer = false;
                if (!verdict.problem.isEmpty()) {
                    pending.outcome = {ConnectionState::BadResponse,
                                       QStringLiteral("metrics: %1").arg(verdict.problem)};
                }
                pending.result.metricsBody = std::move(verdict.body);
                impl->completePoll(std::move(pending), verdict.dialect, true);
            });
    }

    void completePoll(PendingPoll pending, Dialect bodyDialect, bool bodyDialectKnown)
    {
        const qint64 now = clock->nowMs();
        PollResult& result = pending.result;
        Outcome& outcome = pending.outcome;
        result.finishedMs = now;

        Dialect detected = Dialect::Unknown;
        if (pending.healthVersionHeaders.contains(QLatin1String("modular"), Qt::CaseInsensitive))
            detected = Dialect::Modular;
        else if (result.health && result.health->dialect != Dialect::Unknown)
            detected = result.health->dialect;
        else if (bodyDialectKnown)
            detected = bodyDialect;
        else
            detected = detectDialect(result.health, result.metricsBody, result.metricsContentType,
                                     pending.healthVersionHeaders);
        if (options().forcedDialect != Dialect::Unknown) {
            q->m_dialect = options().forcedDialect;
        } else if (detected != Dialect::Unknown && detected != q->m_dialect) {
            qCInfo(lcNet) << "dialect" << dialectName(detected);
            q->m_dialect = detected;
        }
        result.dialect = q->m_dialect;

        // Next delay: Retry-After when the gateway asked, else the interval or backoff.
        const std::optional<qint64>& retryAfter = pending.retryAfter;
        const int interval = std::max(options().intervalMs, 1);
        if (isAnswering(outcome.state)) {
            failures = 0;
            q->m_lastSuccessMs = now;
            q->m_nextDelayMs =
                retryAfter ? static_cast<int>(std::max<qint64>(*retryAfter, interval)) : interval;
        } else {
            ++failures;
            if (retryAfter)
                q->m_nextDelayMs = static_cast<int>(std::max<qint64>(*retryAfter, interval));
            else
                q->m_nextDelayMs = backoff.delayMs(failures, interval, options().maxBackoffMs);
            if (outcome.state == ConnectionState::RateLimited || retryAfter) {
                outcome.detail +=
                    QStringLiteral("; next poll in %1 s").arg((q->m_nextDelayMs + 999) / 1000);
            }
        }
        result.state = outcome.state;
        result.detail = outcome.detail;

        inFlight = false;
        setState(outcome.state, outcome.detail);
        if (running)
            pollTimer.start(q->m_nextDelayMs);
        emit q->pollFinished(result);
    }

    void checkStale()
    {
        if (!isAnswering(q->m_state) || q->m_lastSuccessMs == 0)
            return;
        const qint64 age = clock->nowMs() - q->m_lastSuccessMs;
        if (age > staleThresholdMs()) {
            setState(ConnectionState::Stale, QStringLiteral("no fresh data for %1 s (was %2)")
                                                 .arg(age / 1000)
                                                 .arg(connectionStateName(q->m_state)));
        }
    }
};

Poller::Poller(QNetworkAccessManager* network, const Clock* clock, PollerOptions options,
               QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_impl(new Impl(this, network, clock))
{
    qRegisterMetaType<ops::PollResult>();
    qRegisterMetaType<ops::ConnectionState>();
    m_nextDelayMs = m_options.intervalMs;
}

Poller::~Poller()
{
    delete m_impl;
}

void Poller::setOptions(const PollerOptions& options)
{
    const bool targetChanged = options.baseUrl != m_options.baseUrl ||
                               options.apiKey != m_options.apiKey ||
                               options.trustedCertSha256 != m_options.trustedCertSha256 ||
                               options.allowPlainHttp != m_options.allowPlainHttp ||
                               options.forcedDialect != m_options.forcedDialect;
    m_options = options;
    if (targetChanged) {
        // Another gateway (or key): forget what we knew about the old one.
        m_impl->cancelPoll();
        m_impl->failures = 0;
        m_lastSuccessMs = 0;
        m_dialect = Dialect::Unknown;
        m_nextDelayMs = m_options.intervalMs;
        m_impl->setState(ConnectionState::Connecting, QString());
        if (m_impl->running)
            pollNow();
        return;
    }
    if (m_impl->running) {
        m_impl->staleTimer.start(std::clamp(m_options.intervalMs, 250, 5000));
        if (!m_impl->inFlight) {
            m_nextDelayMs = m_impl->failures == 0 ? m_options.intervalMs : m_nextDelayMs;
            m_impl->pollTimer.start(m_nextDelayMs);
        }
    }
}

bool Poller::isDataStale() const
{
    return m_lastSuccessMs != 0 &&
           m_impl->clock->nowMs() - m_lastSuccessMs > m_impl->staleThresholdMs();
}

bool Poller::isPolling() const
{
    return m_impl->running;
}

bool Poller::isPollInFlight() const
{
    return m_impl->inFlight;
}

void Poller::setRandomSeed(quint32 seed)
{
    m_impl->backoff.setSeed(seed);
}

void Poller::start()
{
    m_impl->running = true;
    m_impl->staleTimer.start(std::clamp(m_options.intervalMs, 250, 5000));
    pollNow();
}

void Poller::stop()
{
    m_impl->running = false;
    m_impl->pollTimer.stop();
    m_impl->staleTimer.stop();
    m_impl->cancelPoll();
}

void Poller::pollNow()
{
    if (m_impl->inFlight)
        return;
    m_impl->startPoll();
}

void Poller::checkStale()
{
    m_impl->checkStale();
}

Dialect detectDialect(const std::optional<HealthSnapshot>& health, const QByteArray& metricsBody,
                      const QByteArray& metricsContentType, const QString& gatewayVersion)
{
    if (gatewayVersion.contains(QLatin1String("modular"), Qt::CaseInsensitive))
        return Dialect::Modular;
    if (health && health->dialect != Dialect::Unknown)
        return health->dialect;
    if (metricsBody.contains("api_response_seconds"))
        return Dialect::Monolith;
    const QByteArray trimmed = metricsBody.trimmed();
    if (metricsContentType.toLower().contains("json") || trimmed.startsWith('{'))
        return trimmed.isEmpty() ? Dialect::Unknown : Dialect::Modular;
    // The plan's latency histogram has no labels; the modular text route labels it.
    if (metricsBody.contains("\napi_request_duration_seconds_bucket{le="))
        return Dialect::Plan;
    if (metricsBody.contains("\napi_request_duration_seconds_bucket{"))
        return Dialect::Modular;
    return Dialect::Unknown;
}

void Poller::setMetricsConsumer(MetricsConsumer consumer)
{
    m_impl->metricsConsumer = std::move(consumer);
    if (m_impl->awaitingConsumer) {
        // The old consumer will not answer: drop that poll and poll again on the interval.
        m_impl->cancelPoll();
        if (m_impl->running)
            m_impl->pollTimer.start(m_options.intervalMs);
    }
}

} // namespace ops
