#include "models/logs/LogClient.h"

#include "models/net/HttpFetch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace ops {

namespace {

QString serverMessage(const QByteArray& body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    return o.value(QStringLiteral("message")).toString().left(300);
}

} // namespace

LogError LogError::fromHttp(int status, const QByteArray& body, const QString& what)
{
    LogError e;
    e.httpStatus = status;
    const QString server = serverMessage(body);
    const QString said =
        server.isEmpty() ? QString() : QStringLiteral(" (Render said: %1)").arg(server);
    switch (status) {
    case 400:
        e.message =
            QStringLiteral("Render rejected %1 as invalid (400 Bad Request)%2").arg(what, said);
        e.final = true;
        break;
    case 401:
        e.message = QStringLiteral("Render refused the API key (401 Unauthorized) for %1: check "
                                   "the Render API key saved for this target")
                        .arg(what);
        e.final = true;
        break;
    case 403:
        e.message =
            QStringLiteral("The Render API key may not read %1 (403 Forbidden)%2").arg(what, said);
        e.final = true;
        break;
    case 404:
        e.message = QStringLiteral("Render does not know this service or workspace (404 Not Found) "
                                   "for %1: check the service id")
                        .arg(what);
        e.final = true;
        break;
    case 429:
        e.message = QStringLiteral("Render is rate limiting %1 (429 Too Many Requests)").arg(what);
        break;
    default:
        e.message = status >= 500 ? QStringLiteral("Render failed to answer %1 (%2 server error)")
                                        .arg(what)
                                        .arg(status)
                                  : QStringLiteral("Render answered %1 with HTTP %2%3")
                                        .arg(what)
                                        .arg(status)
                                        .arg(said);
        e.final = status < 500 && status != 408;
        break;
    }
    return e;
}

LogClient::LogClient(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_network(network)
{
}

LogClient::~LogClient()
{
    cancelAll();
}

void LogClient::setEndpoint(const RenderLogsEndpoint& endpoint)
{
    cancelAll();
    m_endpoint = endpoint;
}

void LogClient::cancelAll()
{
    for (const QPointer<HttpFetch>& f : m_inFlight) {
        if (f) {
            f->cancel();
            f->deleteLater();
        }
    }
    m_inFlight.clear();
}

void LogClient::get(const QUrl& url, std::function<void(HttpFetch*)> done)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", "Bearer " + m_endpoint.apiKey.toUtf8());
    HttpFetch::Limits limits;
    limits.readTimeoutMs = m_timeoutMs;
    limits.maxBodyBytes = 8 * 1024 * 1024;
    auto* fetch = new HttpFetch(m_network, request, limits, this);
    m_inFlight.append(fetch);
    fetch->onDone = [this, fetch, done = std::move(done)] {
        m_inFlight.removeAll(fetch);
        done(fetch);
        fetch->deleteLater();
    };
    fetch->start();
}

namespace {

// No HTTP answer: the words HttpFetch has, said about Render.
LogError transportError(HttpFetch* f)
{
    LogError e;
    e.message = f->outcome() == HttpFetch::Outcome::Timeout
                    ? QStringLiteral("Render did not answer in time")
                    : QStringLiteral("Could not reach Render at %1: %2")
                          .arg(f->finalUrl().host(), f->errorText());
    return e;
}

} // namespace

void LogClient::resolveOwner(OwnerCallback done)
{
    if (!m_endpoint.ownerId.isEmpty()) {
        done(m_endpoint.ownerId, {});
        return;
    }
    get(m_endpoint.url(QStringLiteral("/owners")), [this, done](HttpFetch* f) {
        if (f->outcome() != HttpFetch::Outcome::Http) {
            done({}, transportError(f));
            return;
        }
        if (f->httpStatus() != 200) {
            done({}, LogError::fromHttp(f->httpStatus(), f->body(),
                                        QStringLiteral("the list of workspaces")));
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(f->body());
        const QJsonArray owners = doc.array();
        const QString id = owners.isEmpty() ? QString()
                                            : owners.first()
                                                  .toObject()
                                                  .value(QStringLiteral("owner"))
                                                  .toObject()
                                                  .value(QStringLiteral("id"))
                                                  .toString();
        if (id.isEmpty()) {
            LogError e;
            e.httpStatus = 200;
            e.message = doc.isArray() ? QStringLiteral("Render lists no workspace for this API key")
                                      : QStringLiteral("Render's list of workspaces was not JSON");
            e.final = true;
            done({}, e);
            return;
        }
        m_endpoint.ownerId = id;
        done(id, {});
    });
}

void LogClient::listPage(const LogQuery& query, const QString& startTime, const QString& endTime,
                         PageCallback done)
{
    QUrlQuery q = query.toUrlQuery();
    if (!startTime.isEmpty()) {
        q.removeAllQueryItems(QStringLiteral("startTime"));
        q.addQueryItem(QStringLiteral("startTime"),
                       QString::fromLatin1(QUrl::toPercentEncoding(startTime)));
    }
    if (!endTime.isEmpty()) {
        q.removeAllQueryItems(QStringLiteral("endTime"));
        q.addQueryItem(QStringLiteral("endTime"),
                       QString::fromLatin1(QUrl::toPercentEncoding(endTime)));
    }
    QUrl url = m_endpoint.url(QStringLiteral("/logs"));
    url.setQuery(q);
    get(url, [done](HttpFetch* f) {
        LogPage page;
        if (f->outcome() != HttpFetch::Outcome::Http) {
            done(page, transportError(f));
            return;
        }
        if (f->httpStatus() != 200) {
            done(page,
                 LogError::fromHttp(f->httpStatus(), f->body(), QStringLiteral("the logs query")));
            return;
        }
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(f->body(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            LogError e;
            e.httpStatus = 200;
            e.message = QStringLiteral("Render's logs answer was not a JSON object (%1)")
                            .arg(parseError.error != QJsonParseError::NoError
                                     ? parseError.errorString()
                                     : QStringLiteral("another JSON value"));
            done(page, e);
            return;
        }
        const QJsonObject o = doc.object();
        const QJsonValue logs = o.value(QStringLiteral("logs"));
        if (!logs.isArray() && !logs.isNull() && !logs.isUndefined()) {
            LogError e;
            e.httpStatus = 200;
            e.message = QStringLiteral("Render's logs answer has no list of logs");
            done(page, e);
            return;
        }
        for (const QJsonValue& v : logs.toArray()) {
            if (auto line = parseLogLine(v.toObject())) {
                page.lines.append(std::move(*line));
            }
        }
        page.hasMore = o.value(QStringLiteral("hasMore")).toBool();
        page.nextStartTime = o.value(QStringLiteral("nextStartTime")).toString();
        page.nextEndTime = o.value(QStringLiteral("nextEndTime")).toString();
        done(page, {});
    });
}

LogPager::LogPager(LogClient* client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
}

void LogPager::cancel()
{
    ++m_generation;
    m_running = false;
}

void LogPager::fetch(const LogQuery& query, int maxLines)
{
    cancel();
    m_query = query;
    m_maxLines = maxLines;
    m_lines = 0;
    m_pages = 0;
    m_seen.clear();
    m_running = true;
    const int generation = m_generation;
    m_client->resolveOwner([this, generation](const QString& owner, const LogError& error) {
        if (generation != m_generation) {
            return;
        }
        if (error.isError()) {
            m_running = false;
            emit finished(false, error.message);
            return;
        }
        m_query.ownerId = owner;
        next({}, {});
    });
}

void LogPager::next(const QString& startTime, const QString& endTime)
{
    const int generation = m_generation;
    m_client->listPage(
        m_query, startTime, endTime,
        [this, generation, startTime, endTime](const LogPage& page, const LogError& error) {
            if (generation != m_generation) {
                return;
            }
            if (error.isError()) {
                m_running = false;
                emit finished(false, error.message);
                return;
            }
            ++m_pages;
            QList<LogLine> fresh;
            fresh.reserve(page.lines.size());
            for (const LogLine& line : page.lines) {
                if (m_lines >= m_maxLines) {
                    break;
                }
                if (!m_seen.contains(line.id)) {
                    m_seen.insert(line.id);
                    fresh.append(line);
                    ++m_lines;
                }
            }
            if (!fresh.isEmpty()) {
                emit linesFetched(fresh);
            }
            if (generation != m_generation) {
                return; // a slot cancelled or restarted us
            }
            if (!page.hasMore) {
                m_running = false;
                emit finished(true, {});
                return;
            }
            if (m_lines >= m_maxLines) {
                m_running = false;
                emit finished(false, {});
                return;
            }
            if (page.nextStartTime == startTime && page.nextEndTime == endTime && fresh.isEmpty()) {
                m_running = false;
                emit finished(false, QStringLiteral("Render's paging did not move on (the same "
                                                    "window twice); stopped"));
                return;
            }
            next(page.nextStartTime, page.nextEndTime);
        });
}

} // namespace ops
