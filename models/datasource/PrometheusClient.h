#pragma once

#include "models/datasource/ApiConnection.h"
#include "models/datasource/PromResponse.h"

#include <QObject>
#include <QPointer>
#include <functional>

class QNetworkAccessManager;

namespace ops {

// A Prometheus server's HTTP API, read only: instant and range queries, series, build info.
// Every call is asynchronous and answers exactly once (later, never from inside the call) with
// a PromResponse; transport problems (refused, timeout, TLS, redirect to another origin) come
// back as a response with errorType "network". Authorization goes only to the configured
// origin; it is never logged.
class PrometheusClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const PromResponse&)>;

    PrometheusClient(QNetworkAccessManager* network, ApiConnection connection,
                     QObject* parent = nullptr);

    const ApiConnection& connection() const { return m_connection; }
    void setConnection(const ApiConnection& connection) { m_connection = connection; }

    // GET /api/v1/query?query=...&time=...
    void query(const QString& promql, qint64 timeMs, Callback done);
    // GET /api/v1/query_range?query=...&start=...&end=...&step=...
    void queryRange(const QString& promql, qint64 startMs, qint64 endMs, int stepMs, Callback done);
    // GET /api/v1/series?match[]=...&start=...&end=...
    void series(const QString& match, qint64 startMs, qint64 endMs, Callback done);
    // GET /api/v1/status/buildinfo
    void buildInfo(Callback done);

    int inFlight() const { return m_inFlight; }

private:
    void get(const QString& path, const QList<QPair<QString, QString>>& query, Callback done);

    QNetworkAccessManager* m_network;
    ApiConnection m_connection;
    int m_inFlight = 0;
};

// Seconds since the epoch as the API writes them ("1767225600.5").
QString promTime(qint64 ms);

} // namespace ops
