#include "models/net/ApiUrl.h"

namespace ops {

int effectivePort(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    return url.port(scheme == u"https" ? 443 : scheme == u"http" ? 80 : -1);
}

QString encodePathSegment(const QString& segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

QUrl endpointUrl(const QUrl& base, const QStringList& segments, const QUrlQuery& query)
{
    QString path = base.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    for (const QString& segment : segments) {
        if (segment.isEmpty() || segment == u"." || segment == u"..")
            return {};
        path += u'/' + encodePathSegment(segment);
    }
    QUrl url = base;
    url.setPath(path, QUrl::StrictMode);
    if (query.isEmpty())
        url.setQuery(QString());
    else
        url.setQuery(query.toString(QUrl::FullyEncoded), QUrl::StrictMode);
    url.setFragment(QString());
    return url;
}

QUrl routeUrl(const QUrl& base, const QString& fixedPath, const QUrlQuery& query)
{
    return endpointUrl(base, fixedPath.split(u'/', Qt::SkipEmptyParts), query);
}

QString originText(const QUrl& url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery |
                  QUrl::RemoveFragment)
        .toString();
}

bool sameOrigin(const QUrl& a, const QUrl& b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           effectivePort(a) == effectivePort(b);
}

} // namespace ops
