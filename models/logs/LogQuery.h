#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace ops {

// What to ask Render's logs API for: the workspace and service, a window, a direction, and the
// filters (each repeatable; wildcards "*" and regexes are passed through to Render).
struct LogQuery {
    enum class Direction { Backward, Forward };

    QString ownerId;
    QStringList resources; // service ids (srv-...)
    std::optional<qint64> startMs;
    std::optional<qint64> endMs;
    Direction direction = Direction::Backward;
    int limit = 100; // per page, 1-100
    QStringList levels;
    QStringList types;
    QStringList instances;
    QStringList texts;
    QStringList hosts;
    QStringList statusCodes;
    QStringList methods;
    QStringList paths;

    // The query string of GET /v1/logs, or of /v1/logs/subscribe (no window, direction or
    // limit there; startTime only when resuming).
    QUrlQuery toUrlQuery() const;
    QUrlQuery toSubscribeQuery(const QString& resumeFrom) const;
};

// Where Render's API lives for a target ("https://api.render.com/v1"), and its key.
struct RenderLogsEndpoint {
    QUrl apiBaseUrl;
    QString apiKey;
    QString serviceId;
    QString ownerId; // empty: looked up with GET /owners

    bool isUsable() const
    {
        return apiBaseUrl.isValid() && !apiKey.isEmpty() && !serviceId.isEmpty();
    }
    // <base>/logs/subscribe with ws:// or wss://.
    QUrl subscribeUrl() const;
    QUrl url(const QString& path) const;
};

} // namespace ops
