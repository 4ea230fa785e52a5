#pragma once

#include "app/gateway-sim/SimHttp.h"

#include <QJsonObject>
#include <QObject>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <vector>

class QWebSocket;

namespace ops::sim {

// Render's logs API for the simulated service: GET /render/v1/logs (a page of lines in a time
// window, newest or oldest first, with hasMore / nextStartTime / nextEndTime) and the live
// WebSocket /render/v1/logs/subscribe. The lines follow the simulator: request lines for what
// it serves and for its synthetic traffic, app lines that turn to errors when it errors and to
// slow-request warnings when its latency is high, build lines while a deploy builds.
//
// Faults and the record of what each socket was sent: GET/POST /__sim/logs.
class RenderLogs : public QObject {
    Q_OBJECT

public:
    struct Regime {
        double rps = 20.0;
        double meanLatencyS = 0.08;
        double errorRate = 0.02;
        int latencyMs = 0;
    };
    using RegimeSource = std::function<Regime()>;

    struct Options {
        QString serviceId;
        QString ownerId = QStringLiteral("tea-d0simbhivowner01");
        QString apiKey;
        QString host; // the service's public host name, for request lines
        quint64 seed = 1;
        double linesPerSecond = 4.0;
    };

    RenderLogs(Options options, RegimeSource regime, QObject* parent = nullptr);
    ~RenderLogs() override;

    static bool isSubscribePath(const QString& path);

    // GET /render/v1/owners and GET /render/v1/logs (auth and rate limit already passed).
    SimReply owners() const;
    SimReply list(const SimRequest& request) const;
    // A WebSocket upgrade to /render/v1/logs/subscribe: an error reply (401, 429, 400 ...) to
    // refuse it, or std::nullopt to accept the handshake.
    std::optional<SimReply> admit(const SimRequest& request);
    // The accepted socket (after the handshake), with the subscription in its request URL.
    void attach(std::unique_ptr<QWebSocket> socket);
    // GET and POST /__sim/logs.
    SimReply handleControl(const SimRequest& request);

    // Lines from the simulator's life.
    void servedRequest(const QByteArray& method, const QString& path, int status, double seconds,
                       const QString& requestId);
    void deployStage(const QString& deployId, const QString& status, int stageMs,
                     const QString& commitId, const QString& commitMessage);
    // Build lines of a deploy in the past (the history the stub starts with).
    void backfillDeploy(qint64 startMs, qint64 endMs, const QString& commitId,
                        const QString& commitMessage);

private:
    struct Entry {
        quint64 seq = 0;
        QString id;
        qint64 ms = 0;
        QString message;
        QString level;
        QString type;
        QString instance;
        QString host;
        QString method;
        QString path;
        int statusCode = 0;
        QString requestId;
        int responseTimeMs = -1;
    };
    // A compiled filter: every named label must match one of its values (wildcards "*", or a
    // regex written /like this/); text is a case-insensitive substring, wildcard or regex.
    struct Filter {
        struct Matcher {
            QString name;
            std::vector<QRegularExpression> any;
        };
        std::vector<Matcher> matchers;
        bool matches(const Entry& e) const;
    };
    struct Subscriber {
        std::unique_ptr<QWebSocket> socket;
        Filter filter;
        int connection = 0;
        int dropAfter = -1; // abort after this many more messages (-1: never)
    };

    // What GET /render/v1/logs asked for.
    struct ListQuery {
        qint64 startMs = 0;
        qint64 endMs = 0;
        bool forward = false;
        int limit = 20;
        Filter filter;
    };

    static std::optional<Filter> parseFilter(const QUrlQuery& query, QString* error);
    // The error reply for a list request of another workspace or service, if it is one.
    std::optional<SimReply> checkOwnerAndResource(const QUrlQuery& q) const;
    // startTime/endTime (the last hour by default, at most 30 days back) into query.
    static std::optional<SimReply> parseListWindow(const QUrlQuery& q, ListQuery* query);
    // The page of lines the query names: {"hasMore", "logs", "nextStartTime", "nextEndTime"}.
    QJsonObject page(const ListQuery& query) const;
    // POST /__sim/logs: the faults and lines it sets, in order; an error reply stops there.
    std::optional<SimReply> applyControl(const QJsonObject& o);
    std::optional<SimReply> emitLines(const QJsonObject& e);
    // GET /__sim/logs: the counters and what each connection was sent.
    QJsonObject controlState() const;
    static QString labelValue(const Entry& e, const QString& name);
    QJsonObject toJson(const Entry& e) const;
    static QString iso(qint64 ms);
    static std::optional<qint64> parseTime(const QString& text);

    void tick();
    void append(Entry e);
    void insertPast(Entry e);
    Entry make(qint64 ms, const QString& type, const QString& level, const QString& message);
    void synthesize(qint64 ms);
    void requestLine(qint64 ms, const QString& method, const QString& path, int status,
                     int responseMs, const QString& requestId);
    void deliver(Subscriber& s, const Entry& e);
    void dropClosed();
    QString instanceName(int i) const;

    Options m_options;
    RegimeSource m_regime;
    std::deque<Entry> m_entries; // oldest first, by time
    quint64 m_nextSeq = 1;
    std::mt19937_64 m_rng;
    double m_carry = 0.0;
    qint64 m_lastTickMs = 0;
    struct Scheduled {
        qint64 dueMs;
        Entry entry;
    };
    std::vector<Scheduled> m_scheduled;
    std::vector<std::unique_ptr<Subscriber>> m_subscribers;
    QTimer m_timer;

    // Faults and the record.
    int m_dropAfter = -1;
    bool m_duplicateOnReconnect = false;
    int m_refuseStatus = 0;
    int m_refuseCount = 0;
    int m_retryAfterS = -1;
    int m_subscribeAttempts = 0;
    int m_refused = 0;
    int m_dropped = 0;
    int m_duplicatesSent = 0;
    int m_connections = 0;
    std::vector<QStringList> m_delivered; // per accepted connection, in order sent
};

} // namespace ops::sim
