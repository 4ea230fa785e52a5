#include "models/logs/LogQuery.h"

#include "models/logs/LogLine.h"

namespace ops {

namespace {

void addFilters(const LogQuery& q, QUrlQuery& out)
{
    auto add = [&](const char* name, const QStringList& values) {
        for (const QString& v : values) {
            if (!v.isEmpty()) {
                out.addQueryItem(QLatin1String(name),
                                 QString::fromLatin1(QUrl::toPercentEncoding(v)));
            }
        }
    };
    add("level", q.levels);
    add("type", q.types);
    add("instance", q.instances);
    add("host", q.hosts);
    add("statusCode", q.statusCodes);
    add("method", q.methods);
    add("path", q.paths);
    add("text", q.texts);
}

} // namespace

QUrlQuery LogQuery::toUrlQuery() const
{
    QUrlQuery out;
    out.addQueryItem(QStringLiteral("ownerId"), ownerId);
    for (const QString& r : resources) {
        out.addQueryItem(QStringLiteral("resource"), r);
    }
    if (startMs) {
        out.addQueryItem(QStringLiteral("startTime"),
                         QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(*startMs))));
    }
    if (endMs) {
        out.addQueryItem(QStringLiteral("endTime"),
                         QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(*endMs))));
    }
    out.addQueryItem(QStringLiteral("direction"), direction == Direction::Forward
                                                      ? QStringLiteral("forward")
                                                      : QStringLiteral("backward"));
    out.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    addFilters(*this, out);
    return out;
}

QUrlQuery LogQuery::toSubscribeQuery(const QString& resumeFrom) const
{
    QUrlQuery out;
    out.addQueryItem(QStringLiteral("ownerId"), ownerId);
    for (const QString& r : resources) {
        out.addQueryItem(QStringLiteral("resource"), r);
    }
    if (!resumeFrom.isEmpty()) {
        out.addQueryItem(QStringLiteral("startTime"),
                         QString::fromLatin1(QUrl::toPercentEncoding(resumeFrom)));
    }
    addFilters(*this, out);
    return out;
}

QUrl RenderLogsEndpoint::url(const QString& path) const
{
    QUrl u = apiBaseUrl;
    QString base = u.path();
    while (base.endsWith(QLatin1Char('/'))) {
        base.chop(1);
    }
    u.setPath(base + path);
    return u;
}

QUrl RenderLogsEndpoint::subscribeUrl() const
{
    QUrl u = url(QStringLiteral("/logs/subscribe"));
    u.setScheme(u.scheme() == QLatin1String("http") ? QStringLiteral("ws") : QStringLiteral("wss"));
    return u;
}

} // namespace ops
