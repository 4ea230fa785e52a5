#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace ops {

// The one way to build an API URL: base's own path, then each segment percent-encoded (so an id
// holding '/', '?' or '#' stays one segment and cannot inject a query), then the query. The
// base's query and fragment are dropped. Answers an invalid QUrl when a segment is empty, "." or
// "..", which would change the route; callers refuse to send it (ApiErrorKind::InvalidRequest).
//   endpointUrl(https://h/prefix/, {"services", "srv?x", "deploys"}) ->
//   https://h/prefix/services/srv%3Fx/deploys
QUrl endpointUrl(const QUrl& base, const QStringList& segments, const QUrlQuery& query = {});

// A fixed route written as a path ("/health/detailed", "/v1/workflows"): split on '/' and joined
// like endpointUrl. Only for constants; ids go through endpointUrl's segment list.
QUrl routeUrl(const QUrl& base, const QString& fixedPath, const QUrlQuery& query = {});

// One path segment, percent-encoded (RFC 3986 unreserved characters stay as they are).
QString encodePathSegment(const QString& segment);

// The origin of a URL, for people: "https://host:port" (no user info, path or query).
QString originText(const QUrl& url);

// The URL's port, or its scheme's default (443, 80); -1 for another scheme without a port.
int effectivePort(const QUrl& url);

// Same scheme, host and port (default ports filled in).
bool sameOrigin(const QUrl& a, const QUrl& b);

} // namespace ops
