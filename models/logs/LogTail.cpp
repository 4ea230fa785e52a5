#include "models/logs/LogTail.h"

#include "models/domain/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QWebSocket>

#include <algorithm>

namespace ops {

namespace {

constexpr size_t kRecentIds = 20000;

// Qt 6.4's QWebSocket says a refused handshake only in its error text: "Unhandled http status
// code: 401 (Unauthorized)." A 400 is worded without its number ("Unknown error condition").
int handshakeStatus(const QString& errorText)
{
    static const QRegularExpression status(QStringLiteral("status code: (\\d{3})"));
    const QRegularExpressionMatch m = status.match(errorText);
    if (m.hasMatch()) {
        return m.captured(1).toInt();
    }
    if (errorText.contains(QLatin1String("processHandshake"))) {
        return 400;
    }
    return 0;
}

} // namespace

LogTail::LogTail(LogClient* client, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_clock(clock)
{
    m_batchTimer.setSingleShot(true);
    connect(&m_batchTimer, &QTimer::timeout, this, &LogTail::flush);
    connect(&m_pingTimer, &QTimer::timeout, this, &LogTail::checkLiveness);
    m_reconnectTimer.setSingleShot(true);
    // A coarse timer may fire up to 5 % early: a Retry-After of 1 s must not be answered at 950 ms.
    m_reconnectTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &LogTail::connectNow);
}

LogTail::~LogTail()
{
    dropSocket();
}

int LogTail::backoffMs(int failures, const Timings& timings)
{
    if (failures <= 0) {
        return 0;
    }
    qint64 delay = timings.initialBackoffMs;
    for (int i = 1; i < failures && delay < timings.maxBackoffMs; ++i) {
        delay *= 2;
    }
    return static_cast<int>(std::min<qint64>(delay, timings.maxBackoffMs));
}

void LogTail::start(const LogQuery& filters, const QString& resumeFrom,
                    const QStringList& idsAtResume)
{
    stop();
    m_filters = filters;
    m_failures = 0;
    m_connections = 0;
    m_lastError.clear();
    m_lastHttpStatus = 0;
    m_newestTimestamp = resumeFrom;
    m_newestMs = parseRfc3339(resumeFrom).value_or(0);
    m_idsAtNewest = QSet<QString>(idsAtResume.begin(), idsAtResume.end());
    m_recent.clear();
    m_recentOrder.clear();
    m_delivered = 0;
    m_duplicates = 0;
    setState(State::Connecting);
    const int generation = m_generation;
    m_client->resolveOwner([this, generation](const QString& owner, const LogError& error) {
        if (generation != m_generation) {
            return;
        }
        if (error.isError()) {
            m_lastHttpStatus = error.httpStatus;
            if (error.final) {
                stopWith(error.message);
            } else {
                ++m_failures;
                scheduleReconnect(error.message);
            }
            return;
        }
        m_filters.ownerId = owner;
        connectNow();
    });
}

void LogTail::stop()
{
    ++m_generation;
    m_reconnectTimer.stop();
    m_pingTimer.stop();
    dropSocket();
    flush();
    if (m_state != State::Stopped) {
        setState(State::Idle);
    }
}

void LogTail::dropSocket()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void LogTail::connectNow()
{
    if (m_filters.ownerId.isEmpty()) {
        // The owner lookup failed before: try it again first.
        const int generation = m_generation;
        m_client->resolveOwner([this, generation](const QString& owner, const LogError& error) {
            if (generation != m_generation) {
                return;
            }
            if (error.isError()) {
                m_lastHttpStatus = error.httpStatus;
                if (error.final) {
                    stopWith(error.message);
                } else {
                    ++m_failures;
                    scheduleReconnect(error.message);
                }
                return;
            }
            m_filters.ownerId = owner;
            connectNow();
        });
        return;
    }
    dropSocket();
    flush();
    const RenderLogsEndpoint& endpoint = m_client->endpoint();
    QUrl url = endpoint.subscribeUrl();
    url.setQuery(m_filters.toSubscribeQuery(m_newestTimestamp));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
    auto* socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    m_lostHandled = false;
    connect(socket, &QWebSocket::connected, this, &LogTail::onConnected);
    connect(socket, &QWebSocket::textMessageReceived, this, &LogTail::onMessage);
    connect(socket, &QWebSocket::disconnected, this, &LogTail::onDisconnected);
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            &LogTail::onSocketError);
    connect(socket, &QWebSocket::pong, this, [this] { m_lastPongMs = m_clock->nowMs(); });
    setState(m_failures > 0 ? State::Reconnecting : State::Connecting);
    socket->open(request);
}

void LogTail::onConnected()
{
    ++m_connections;
    m_failures = 0;
    m_lastError.clear();
    m_lastHttpStatus = 0;
    m_reconnectAtMs = 0;
    m_lastPongMs = m_clock->nowMs();
    m_pingTimer.start(m_timings.pingIntervalMs);
    setState(State::Live);
}

void LogTail::checkLiveness()
{
    if (!m_socket || m_state != State::Live) {
        return;
    }
    if (m_clock->nowMs() - m_lastPongMs >= m_timings.pongTimeoutMs) {
        connectionLost(
            0, QStringLiteral("no answer to pings for %1 s").arg(m_timings.pongTimeoutMs / 1000));
        return;
    }
    m_socket->ping();
}

bool LogTail::accept(const LogLine& line)
{
    // Render's rule: after a resume, the lines of the newest timestamp come again.
    if (m_newestMs != 0 && line.timestampMs == m_newestMs && m_idsAtNewest.contains(line.id)) {
        return false;
    }
    if (m_recent.contains(line.id)) {
        return false;
    }
    if (m_newestMs == 0 || line.timestampMs > m_newestMs) {
        m_newestMs = line.timestampMs;
        m_newestTimestamp = line.timestamp;
        m_idsAtNewest.clear();
    }
    if (line.timestampMs == m_newestMs) {
        m_idsAtNewest.insert(line.id);
    }
    m_recent.insert(line.id);
    m_recentOrder.push_back(line.id);
    if (m_recentOrder.size() > kRecentIds) {
        m_recent.remove(m_recentOrder.front());
        m_recentOrder.pop_front();
    }
    return true;
}

void LogTail::onMessage(const QString& text)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        return; // not a log object (Render sends nothing else; ignore rather than stop)
    }
    auto line = parseLogLine(doc.object());
    if (!line) {
        return;
    }
    if (!accept(*line)) {
        ++m_duplicates;
        return;
    }
    ++m_delivered;
    m_pending.append(std::move(*line));
    if (m_pending.size() >= 2000) {
        flush();
    } else if (!m_batchTimer.isActive()) {
        m_batchTimer.start(m_timings.batchMs);
    }
}

void LogTail::flush()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty()) {
        return;
    }
    QList<LogLine> out;
    out.swap(m_pending);
    emit linesArrived(out);
}

void LogTail::onSocketError()
{
    if (!m_socket) {
        return;
    }
    const QString text = m_socket->errorString();
    const int status = handshakeStatus(text);
    connectionLost(status, text);
}

void LogTail::onDisconnected()
{
    if (!m_socket) {
        return;
    }
    const QString why =
        m_socket->closeReason().isEmpty()
            ? QStringLiteral("the connection to Render was lost")
            : QStringLiteral("Render closed the connection: %1").arg(m_socket->closeReason());
    connectionLost(0, why);
}

void LogTail::connectionLost(int httpStatus, const QString& why)
{
    if (m_lostHandled || m_state == State::Stopped || m_state == State::Idle) {
        return;
    }
    m_lostHandled = true;
    m_pingTimer.stop();
    flush();
    // Let go of the socket after its signal has returned.
    QPointer<QWebSocket> old = m_socket;
    m_socket = nullptr;
    if (old) {
        old->disconnect(this);
        old->abort();
        old->deleteLater();
    }
    m_lastHttpStatus = httpStatus;
    if (httpStatus >= 400) {
        const LogError e =
            LogError::fromHttp(httpStatus, {}, QStringLiteral("the live log stream"));
        if (e.final) {
            stopWith(e.message);
            return;
        }
        ++m_failures;
        scheduleReconnect(e.message);
        return;
    }
    ++m_failures;
    scheduleReconnect(why);
}

void LogTail::scheduleReconnect(const QString& why)
{
    m_lastError = why;
    const int delay = backoffMs(m_failures, m_timings);
    m_reconnectAtMs = m_clock->nowMs() + delay;
    m_reconnectTimer.start(delay);
    setState(State::Reconnecting);
}

void LogTail::stopWith(const QString& why)
{
    ++m_generation;
    m_reconnectTimer.stop();
    m_pingTimer.stop();
    dropSocket();
    flush();
    m_lastError = why;
    m_reconnectAtMs = 0;
    setState(State::Stopped);
}

void LogTail::setState(State state)
{
    m_state = state;
    emit stateChanged();
}

QString LogTail::statusText() const
{
    switch (m_state) {
    case State::Idle:
        return QStringLiteral("not started");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Live:
        return QStringLiteral("live");
    case State::Reconnecting: {
        if (!m_reconnectTimer.isActive()) {
            return QStringLiteral("reconnecting: %1").arg(m_lastError);
        }
        const qint64 leftMs = std::max<qint64>(0, m_reconnectAtMs - m_clock->nowMs());
        return QStringLiteral("reconnecting in %1 s: %2")
            .arg((leftMs + 999) / 1000)
            .arg(m_lastError);
    }
    case State::Stopped:
        return QStringLiteral("stopped: %1").arg(m_lastError);
    }
    return {};
}

} // namespace ops
