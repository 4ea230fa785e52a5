#include "models/datasource/PrometheusClient.h"

#include "models/domain/Logging.h"

#include <QNetworkRequest>

namespace ops {

QString promTime(qint64 ms)
{
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 3);
}

PrometheusClient::PrometheusClient(QNetworkAccessManager* network, ApiConnection connection,
                                   QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_connection(std::move(connection))
{
}

void PrometheusClient::query(const QString& promql, qint64 timeMs, Callback done)
{
    get(QStringLiteral("/api/v1/query"),
        {{QStringLiteral("query"), promql}, {QStringLiteral("time"), promTime(timeMs)}},
        std::move(done));
}

void PrometheusClient::queryRange(const QString& promql, qint64 startMs, qint64 endMs, int stepMs,
                                  Callback done)
{
    get(QStringLiteral("/api/v1/query_range"),
        {{QStringLiteral("query"), promql},
         {QStringLiteral("start"), promTime(startMs)},
         {QStringLiteral("end"), promTime(endMs)},
         {QStringLiteral("step"), promTime(qMax(1, stepMs))}},
        std::move(done));
}

void PrometheusClient::series(const QString& match, qint64 startMs, qint64 endMs, Callback done)
{
    get(QStringLiteral("/api/v1/series"),
        {{QStringLiteral("match[]"), match},
         {QStringLiteral("start"), promTime(startMs)},
         {QStringLiteral("end"), promTime(endMs)}},
        std::move(done));
}

void PrometheusClient::buildInfo(Callback done)
{
    get(QStringLiteral("/api/v1/status/buildinfo"), {}, std::move(done));
}

void PrometheusClient::get(const QString& path, const QList<QPair<QString, QString>>& items,
                           Callback done)
{
    QUrl url = m_connection.endpoint(path);
    QByteArray query;
    for (const auto& [key, value] : items) {
        if (!query.isEmpty())
            query += '&';
        query += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    if (!query.isEmpty())
        url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    // Asked for explicitly, so HttpFetch inflates it under its size cap (not QNAM, unbounded).
    request.setRawHeader("Accept-Encoding", "gzip");
    if (!m_connection.authorization.isEmpty())
        request.setRawHeader("Authorization", m_connection.authorization);
    auto* fetch = new HttpFetch(m_network, request, m_connection.limits, this);
    ++m_inFlight;
    fetch->onDone = [this, fetch, done = std::move(done)] {
        --m_inFlight;
        PromResponse response;
        if (fetch->outcome() == HttpFetch::Outcome::Http) {
            response = decodePromResponse(fetch->httpStatus(), fetch->body());
        } else {
            response.errorType = QStringLiteral("network");
            response.error = apiCallProblem(*fetch);
        }
        if (!response.ok)
            qCDebug(lcNet) << "prometheus" << fetch->finalUrl().path()
                           << "failed:" << response.errorType << response.error;
        fetch->deleteLater();
        if (done)
            done(response);
    };
    fetch->start();
}

} // namespace ops
