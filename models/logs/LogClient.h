#pragma once

#include "models/logs/LogLine.h"
#include "models/logs/LogQuery.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <functional>

class QNetworkAccessManager;

namespace ops {

class HttpFetch;

// What went wrong talking to Render's logs API, in words. final: asking again will not help
// (400, 401, 403, 404); otherwise (429, 5xx, no answer) a retry may.
struct LogError {
    int httpStatus = 0; // 0: no HTTP answer
    QString message;    // empty: no error
    bool final = false;

    bool isError() const { return !message.isEmpty(); }
    // The words for an HTTP status of Render's logs API ("Render refused the API key (401) ...").
    static LogError fromHttp(int status, const QByteArray& body, const QString& what);
};

struct LogPage {
    QList<LogLine> lines;
    bool hasMore = false;
    QString nextStartTime;
    QString nextEndTime;
};

// GET /v1/owners and GET /v1/logs with the target's Render API key (a Bearer header, never
// logged), one page at a time.
class LogClient : public QObject {
    Q_OBJECT

public:
    using OwnerCallback = std::function<void(const QString& ownerId, const LogError& error)>;
    using PageCallback = std::function<void(const LogPage& page, const LogError& error)>;

    explicit LogClient(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~LogClient() override;

    void setEndpoint(const RenderLogsEndpoint& endpoint);
    const RenderLogsEndpoint& endpoint() const { return m_endpoint; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // The workspace that owns the service: the endpoint's, or the first of GET /owners (kept).
    void resolveOwner(OwnerCallback done);
    // One page of the query; startTime / endTime override the query's window when given (the
    // nextStartTime / nextEndTime of the page before).
    void listPage(const LogQuery& query, const QString& startTime, const QString& endTime,
                  PageCallback done);
    void cancelAll();

private:
    void get(const QUrl& url, std::function<void(HttpFetch*)> done);

    QNetworkAccessManager* m_network;
    RenderLogsEndpoint m_endpoint;
    int m_timeoutMs = 30000;
    QList<QPointer<HttpFetch>> m_inFlight;
};

// A window of logs page after page (hasMore / nextStartTime / nextEndTime), newest or oldest
// first as the query says, each id once, until the window is done or maxLines are in.
class LogPager : public QObject {
    Q_OBJECT

public:
    explicit LogPager(LogClient* client, QObject* parent = nullptr);

    void fetch(const LogQuery& query, int maxLines);
    void cancel();
    bool isRunning() const { return m_running; }
    int pagesFetched() const { return m_pages; }
    int lineCount() const { return m_lines; }

signals:
    // One page's new lines, in the query's direction.
    void linesFetched(const QList<ops::LogLine>& lines);
    // complete: the whole window came; otherwise stopped at maxLines (error empty) or on error.
    void finished(bool complete, const QString& error);

private:
    void next(const QString& startTime, const QString& endTime);

    LogClient* m_client;
    LogQuery m_query;
    int m_maxLines = 0;
    int m_lines = 0;
    int m_pages = 0;
    int m_generation = 0;
    bool m_running = false;
    QSet<QString> m_seen;
};

} // namespace ops
