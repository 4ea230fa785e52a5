#include "models/datasource/ApiConnection.h"

#include "models/net/ApiUrl.h"

namespace ops {

QUrl ApiConnection::endpoint(const QString& fixedPath) const
{
    return routeUrl(baseUrl, fixedPath);
}

QUrl ApiConnection::endpoint(const QStringList& segments) const
{
    return endpointUrl(baseUrl, segments);
}

QString apiAuthKindName(ApiAuthKind kind)
{
    switch (kind) {
    case ApiAuthKind::Bearer:
        return QStringLiteral("bearer");
    case ApiAuthKind::Basic:
        return QStringLiteral("basic");
    case ApiAuthKind::None:
        break;
    }
    return QStringLiteral("none");
}

bool apiAuthKindFromName(const QString& name, ApiAuthKind* out)
{
    if (name == u"none" || name.isEmpty())
        *out = ApiAuthKind::None;
    else if (name == u"bearer")
        *out = ApiAuthKind::Bearer;
    else if (name == u"basic")
        *out = ApiAuthKind::Basic;
    else
        return false;
    return true;
}

QByteArray authorizationHeader(ApiAuthKind kind, const QString& username, const QByteArray& secret)
{
    if (secret.isEmpty())
        return {};
    switch (kind) {
    case ApiAuthKind::Bearer:
        return QByteArrayLiteral("Bearer ") + secret;
    case ApiAuthKind::Basic:
        return QByteArrayLiteral("Basic ") + (username.toUtf8() + ':' + secret).toBase64();
    case ApiAuthKind::None:
        break;
    }
    return {};
}

QString apiCallProblem(const HttpFetch& fetch)
{
    switch (fetch.outcome()) {
    case HttpFetch::Outcome::Http:
        if (fetch.httpStatus() >= 200 && fetch.httpStatus() < 300)
            return {};
        if (fetch.httpStatus() == 401 || fetch.httpStatus() == 403)
            return QStringLiteral("HTTP %1: the credentials were refused").arg(fetch.httpStatus());
        return QStringLiteral("HTTP %1 %2")
            .arg(fetch.httpStatus())
            .arg(QString::fromLatin1(fetch.reasonPhrase()));
    case HttpFetch::Outcome::Timeout:
        return fetch.timedOutConnecting() ? QStringLiteral("timeout while connecting")
                                          : QStringLiteral("timeout waiting for the answer");
    case HttpFetch::Outcome::Pending:
        return QStringLiteral("no answer yet");
    default:
        return fetch.errorText().isEmpty() ? QStringLiteral("the request failed")
                                           : fetch.errorText();
    }
}

} // namespace ops
