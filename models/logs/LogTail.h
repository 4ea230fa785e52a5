#pragma once

#include "models/logs/LogClient.h"
#include "models/logs/LogLine.h"
#include "models/logs/LogQuery.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

#include <deque>

class QWebSocket;

namespace ops {

class Clock;

// The live tail of a service's logs on Render's WebSocket (/v1/logs/subscribe), with the rules
// of Render's own CLI:
// - a lost connection is tried again after 1 s, doubling to at most 30 s;
// - it resumes from the newest timestamp delivered, and skips the ids already delivered at
//   exactly that timestamp, so nothing is shown twice or lost;
// - it pings every 20 s and gives a connection up after 60 s without a pong;
// - 429 and 5xx are retried; 400, 401, 403 and 404 are final and said in words.
// Lines come out in batches (linesArrived) so a fast stream costs the GUI a few events a second.
class LogTail : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Connecting, Live, Reconnecting, Stopped };
    struct Timings {
        int initialBackoffMs = 1000;
        int maxBackoffMs = 30000;
        int pingIntervalMs = 20000;
        int pongTimeoutMs = 60000;
        int batchMs = 50;
    };

    LogTail(LogClient* client, const Clock* clock, QObject* parent = nullptr);
    ~LogTail() override;

    void setTimings(const Timings& timings) { m_timings = timings; }
    // Starts (or restarts) the tail with these filters. resumeFrom: the newest timestamp already
    // shown (e.g. by a history page) with the ids shown at exactly that timestamp.
    void start(const LogQuery& filters, const QString& resumeFrom = {},
               const QStringList& idsAtResume = {});
    void stop();

    State state() const { return m_state; }
    // "live", "connecting", "reconnecting in 4 s: <why>", "stopped: <why>", "not started".
    QString statusText() const;
    QString lastError() const { return m_lastError; }
    int lastHttpStatus() const { return m_lastHttpStatus; }
    qint64 reconnectAtMs() const { return m_reconnectAtMs; }
    int failures() const { return m_failures; }
    int connections() const { return m_connections; }
    QString newestTimestamp() const { return m_newestTimestamp; }
    qint64 linesDelivered() const { return m_delivered; }
    qint64 duplicatesSkipped() const { return m_duplicates; }

    // Delay before attempt n after a failure (n >= 1): 1 s, 2 s, 4 s ... at most 30 s.
    static int backoffMs(int failures, const Timings& timings);
    // The ping timer's work: give the connection up after pongTimeoutMs without a pong (by the
    // injected clock), otherwise ping.
    void checkLiveness();

signals:
    void linesArrived(const QList<ops::LogLine>& lines);
    void stateChanged();

private:
    void connectNow();
    void onConnected();
    void onMessage(const QString& text);
    void onSocketError();
    void onDisconnected();
    void connectionLost(int httpStatus, const QString& why);
    void scheduleReconnect(const QString& why);
    void stopWith(const QString& why);
    void setState(State state);
    bool accept(const LogLine& line);
    void flush();
    void dropSocket();

    LogClient* m_client;
    const Clock* m_clock;
    Timings m_timings;
    LogQuery m_filters;
    QPointer<QWebSocket> m_socket;
    State m_state = State::Idle;
    int m_failures = 0;
    int m_connections = 0;
    int m_generation = 0;
    int m_lastHttpStatus = 0;
    QString m_lastError;
    qint64 m_reconnectAtMs = 0;
    qint64 m_lastPongMs = 0;
    bool m_lostHandled = false;
    // Resume point: the newest timestamp delivered and the ids delivered at exactly it.
    QString m_newestTimestamp;
    qint64 m_newestMs = 0;
    QSet<QString> m_idsAtNewest;
    // Belt and braces: the last ids delivered, whatever their time.
    std::deque<QString> m_recentOrder;
    QSet<QString> m_recent;
    qint64 m_delivered = 0;
    qint64 m_duplicates = 0;
    QList<LogLine> m_pending;
    QTimer m_batchTimer;
    QTimer m_pingTimer;
    QTimer m_reconnectTimer;
};

} // namespace ops
