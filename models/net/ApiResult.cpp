#include "models/net/ApiResult.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ops {

QString apiErrorKindName(ApiErrorKind kind)
{
    switch (kind) {
    case ApiErrorKind::None:
        return QStringLiteral("none");
    case ApiErrorKind::Http:
        return QStringLiteral("http");
    case ApiErrorKind::ConnectionRefused:
        return QStringLiteral("connection-refused");
    case ApiErrorKind::HostNotFound:
        return QStringLiteral("dns");
    case ApiErrorKind::ConnectTimeout:
        return QStringLiteral("connect-timeout");
    case ApiErrorKind::ReadTimeout:
        return QStringLiteral("read-timeout");
    case ApiErrorKind::ConnectionClosed:
        return QStringLiteral("connection-closed");
    case ApiErrorKind::TlsNotSpoken:
        return QStringLiteral("tls-not-spoken");
    case ApiErrorKind::TlsHandshakeFailed:
        return QStringLiteral("tls-handshake");
    case ApiErrorKind::CertificateRefused:
        return QStringLiteral("certificate-refused");
    case ApiErrorKind::PlainHttpRefused:
        return QStringLiteral("plain-http-refused");
    case ApiErrorKind::RedirectRefused:
        return QStringLiteral("redirect-refused");
    case ApiErrorKind::TooLarge:
        return QStringLiteral("too-large");
    case ApiErrorKind::BadEncoding:
        return QStringLiteral("bad-encoding");
    case ApiErrorKind::BadReply:
        return QStringLiteral("bad-reply");
    case ApiErrorKind::InvalidRequest:
        return QStringLiteral("invalid-request");
    case ApiErrorKind::RefusedLocally:
        return QStringLiteral("refused-locally");
    case ApiErrorKind::Network:
        return QStringLiteral("network");
    case ApiErrorKind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

namespace {

QString messageOf(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isArray() && !value.toArray().isEmpty()) {
        const QJsonValue first = value.toArray().first();
        if (first.isString())
            return first.toString();
        if (first.isObject()) {
            const QJsonObject o = first.toObject();
            for (const char* key : {"msg", "message"}) {
                if (o.value(QLatin1String(key)).isString())
                    return o.value(QLatin1String(key)).toString();
            }
        }
    }
    if (value.isObject()) {
        const QJsonValue inner = value.toObject().value(QLatin1String("message"));
        if (inner.isString())
            return inner.toString();
    }
    return {};
}

} // namespace

QString serverErrorMessage(const QByteArray& body)
{
    const QByteArray trimmed = body.trimmed();
    if (trimmed.isEmpty())
        return {};
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject()) {
        const QJsonObject object = document.object();
        for (const char* key : {"message", "detail", "error"}) {
            const QString text = messageOf(object.value(QLatin1String(key))).simplified();
            if (!text.isEmpty())
                return text.left(300);
        }
        return {};
    }
    // Plain text says something; JSON without a message, or an HTML page, does not.
    if (trimmed.startsWith('<') || trimmed.startsWith('{') || trimmed.startsWith('['))
        return {};
    QString text = QString::fromUtf8(trimmed.left(300)).simplified();
    if (text.size() > 200)
        text = text.left(197) + QStringLiteral("...");
    return text;
}

} // namespace ops
