#include "models/alerts/WebhookNotifier.h"

#include "models/domain/Target.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <cmath>

namespace ops {

namespace {
QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}
} // namespace

WebhookNotifier::WebhookNotifier(QNetworkAccessManager* network, QUrl url, Format format,
                                 QObject* parent)
    : NotificationChannel(parent)
    , m_calls(network)
    , m_url(std::move(url))
    , m_format(format)
{
    m_policy.connectTimeoutMs = 10'000;
    m_policy.readTimeoutMs = 10'000;
    m_policy.maxBodyBytes = 1024 * 1024; // the receiver's answer is not read beyond its status
}

QByteArray WebhookNotifier::payload(const AlertNotice& notice, Format format)
{
    const bool resolved = notice.kind == u"resolved";
    if (format == Format::Slack) {
        const QString icon = resolved ? QStringLiteral(":white_check_mark:")
                             : notice.severity == AlertSeverity::Critical
                                 ? QStringLiteral(":red_circle:")
                                 : QStringLiteral(":warning:");
        QJsonObject o;
        o.insert(QStringLiteral("text"),
                 QStringLiteral("%1 *%2*\n%3").arg(icon, notice.title, notice.body));
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    QJsonObject labels;
    labels.insert(QStringLiteral("alertname"), notice.key.rule);
    labels.insert(QStringLiteral("target"), notice.key.target);
    labels.insert(QStringLiteral("severity"), severityName(notice.severity));
    labels.insert(QStringLiteral("alertstate"), alertStateName(notice.state));
    QJsonObject annotations;
    annotations.insert(QStringLiteral("summary"), notice.title);
    annotations.insert(QStringLiteral("description"), notice.body);
    if (!std::isnan(notice.value))
        annotations.insert(QStringLiteral("value"), QString::number(notice.value, 'g', 6));
    QJsonObject alert;
    const QString status = resolved ? QStringLiteral("resolved") : QStringLiteral("firing");
    alert.insert(QStringLiteral("status"), status);
    alert.insert(QStringLiteral("labels"), labels);
    alert.insert(QStringLiteral("annotations"), annotations);
    alert.insert(QStringLiteral("startsAt"), isoTime(notice.startsAtMs));
    alert.insert(QStringLiteral("endsAt"),
                 resolved ? isoTime(notice.timeMs) : QStringLiteral("0001-01-01T00:00:00Z"));
    alert.insert(QStringLiteral("fingerprint"),
                 QString::fromLatin1(QCryptographicHash::hash(
                                         (notice.key.rule + u'\x1f' + notice.key.target).toUtf8(),
                                         QCryptographicHash::Sha1)
                                         .toHex()
                                         .left(16)));
    QJsonObject o;
    o.insert(QStringLiteral("version"), QStringLiteral("4"));
    o.insert(QStringLiteral("receiver"), QStringLiteral("bhiv-ops"));
    o.insert(QStringLiteral("status"), status);
    o.insert(QStringLiteral("kind"), notice.kind);
    o.insert(QStringLiteral("groupKey"), notice.key.rule + u':' + notice.key.target);
    o.insert(QStringLiteral("alerts"), QJsonArray{alert});
    o.insert(QStringLiteral("commonLabels"), labels);
    o.insert(QStringLiteral("commonAnnotations"), annotations);
    o.insert(QStringLiteral("acknowledged"), notice.acknowledged);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void WebhookNotifier::send(const AlertNotice& notice)
{
    if (!m_url.isValid())
        return;
    post(notice, payload(notice, m_format), 1);
}

void WebhookNotifier::post(const AlertNotice& notice, const QByteArray& body, int attempt)
{
    ++m_inFlight;
    m_calls.send(ApiRequest::post(m_url, body, m_policy), [this, notice, body, attempt](
                                                              const ApiResult<ApiResponse>& r) {
        const int status = r.ok || r.error.kind == ApiErrorKind::Http ? r.value.status : 0;
        if (r.ok) {
            --m_inFlight;
            emit delivered(notice, true, tr("HTTP %1").arg(status));
            return;
        }
        // Refused here (plain http, a bad URL) or a redirect: trying again changes nothing.
        const bool final = r.error.kind == ApiErrorKind::PlainHttpRefused ||
                           r.error.kind == ApiErrorKind::InvalidRequest ||
                           r.error.kind == ApiErrorKind::RedirectRefused ||
                           r.error.kind == ApiErrorKind::CertificateRefused;
        const bool retry = !final && (status == 0 || status == 429 || status >= 500);
        const QString why = status ? tr("HTTP %1").arg(status) : r.error.message;
        if (retry && attempt < m_maxAttempts) {
            const int delay = m_firstDelayMs * (1 << std::min(attempt - 1, 10));
            QTimer::singleShot(delay, this, [this, notice, body, attempt] {
                --m_inFlight;
                post(notice, body, attempt + 1);
            });
            return;
        }
        --m_inFlight;
        emit delivered(notice, false, tr("%1 after %2 attempt(s)").arg(why).arg(attempt));
    });
}

QString WebhookNotifier::urlProblem(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != u"http" && url.scheme() != u"https"))
        return QStringLiteral("the alert webhook needs an http(s) URL");
    if (const QString why = urlUserInfoProblem(url, QStringLiteral("alert webhook"));
        !why.isEmpty())
        return why;
    if (url.scheme() == u"http" && !isLoopbackHost(url.host()))
        return QStringLiteral("the alert webhook URL is a secret: plain http is only allowed to "
                              "loopback; use https");
    return {};
}

} // namespace ops
