#include "models/alertmanager/AlertmanagerClient.h"

#include "models/domain/Logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRegularExpression>

namespace ops {

namespace {

QJsonObject mapToJson(const QMap<QString, QString>& map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QMap<QString, QString> mapFromJson(const QJsonValue& value)
{
    QMap<QString, QString> map;
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

QStringList stringsFrom(const QJsonValue& value)
{
    QStringList out;
    for (const QJsonValue& v : value.toArray())
        out << (v.isObject() ? v.toObject().value(QStringLiteral("name")).toString()
                             : v.toString());
    return out;
}

bool silenceFromJson(const QJsonValue& value, AmSilence* out, QString* why)
{
    if (!value.isObject()) {
        *why = QStringLiteral("a silence is not an object");
        return false;
    }
    const QJsonObject o = value.toObject();
    out->id = o.value(QStringLiteral("id")).toString();
    if (out->id.isEmpty()) {
        *why = QStringLiteral("a silence has no id");
        return false;
    }
    for (const QJsonValue& m : o.value(QStringLiteral("matchers")).toArray()) {
        const QJsonObject mo = m.toObject();
        out->matchers.append({mo.value(QStringLiteral("name")).toString(),
                              mo.value(QStringLiteral("value")).toString(),
                              mo.value(QStringLiteral("isRegex")).toBool(),
                              mo.value(QStringLiteral("isEqual")).toBool(true)});
    }
    const auto starts = parseAmTime(o.value(QStringLiteral("startsAt")).toString());
    const auto ends = parseAmTime(o.value(QStringLiteral("endsAt")).toString());
    if (!starts || !ends) {
        *why = QStringLiteral("silence %1 has no valid startsAt/endsAt").arg(out->id);
        return false;
    }
    out->startsAtMs = *starts;
    out->endsAtMs = *ends;
    out->updatedAtMs = parseAmTime(o.value(QStringLiteral("updatedAt")).toString()).value_or(0);
    out->createdBy = o.value(QStringLiteral("createdBy")).toString();
    out->comment = o.value(QStringLiteral("comment")).toString();
    out->state =
        o.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString();
    return true;
}

QJsonDocument parseJson(const QByteArray& body, QString* why)
{
    QJsonParseError error{};
    QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        *why = QStringLiteral("the answer is not JSON (%1)").arg(error.errorString());
    return doc;
}

} // namespace

QString amTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::optional<qint64> parseAmTime(const QString& text)
{
    if (text.isEmpty())
        return std::nullopt;
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        // Go may write nanoseconds: keep milliseconds.
        static const QRegularExpression fraction(QStringLiteral("\\.(\\d{3})\\d+"));
        QString trimmed = text;
        trimmed.replace(fraction, QStringLiteral(".\\1"));
        t = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    }
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

QByteArray encodeAmAlerts(const QList<AmAlert>& alerts)
{
    QJsonArray array;
    for (const AmAlert& a : alerts) {
        QJsonObject o{{QStringLiteral("labels"), mapToJson(a.labels)},
                      {QStringLiteral("annotations"), mapToJson(a.annotations)}};
        if (a.startsAtMs > 0)
            o.insert(QStringLiteral("startsAt"), amTime(a.startsAtMs));
        if (a.endsAtMs > 0)
            o.insert(QStringLiteral("endsAt"), amTime(a.endsAtMs));
        if (!a.generatorUrl.isEmpty())
            o.insert(QStringLiteral("generatorURL"), a.generatorUrl);
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

QByteArray encodeAmSilence(const AmSilence& s)
{
    QJsonArray matchers;
    for (const AmMatcher& m : s.matchers)
        matchers.append(QJsonObject{{QStringLiteral("name"), m.name},
                                    {QStringLiteral("value"), m.value},
                                    {QStringLiteral("isRegex"), m.isRegex},
                                    {QStringLiteral("isEqual"), m.isEqual}});
    QJsonObject o{{QStringLiteral("matchers"), matchers},
                  {QStringLiteral("startsAt"), amTime(s.startsAtMs)},
                  {QStringLiteral("endsAt"), amTime(s.endsAtMs)},
                  {QStringLiteral("createdBy"), s.createdBy},
                  {QStringLiteral("comment"), s.comment}};
    if (!s.id.isEmpty())
        o.insert(QStringLiteral("id"), s.id);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<QList<AmAlert>> decodeAmAlerts(const QByteArray& body, QString* error)
{
    QString why;
    const QJsonDocument doc = parseJson(body, &why);
    if (why.isEmpty() && !doc.isArray())
        why = QStringLiteral("the alerts are not a JSON array");
    QList<AmAlert> out;
    if (why.isEmpty()) {
        for (const QJsonValue& v : doc.array()) {
            if (!v.isObject()) {
                why = QStringLiteral("an alert is not an object");
                break;
            }
            const QJsonObject o = v.toObject();
            AmAlert a;
            a.labels = mapFromJson(o.value(QStringLiteral("labels")));
            if (!o.value(QStringLiteral("labels")).isObject()) {
                why = QStringLiteral("an alert has no labels");
                break;
            }
            a.annotations = mapFromJson(o.value(QStringLiteral("annotations")));
            a.startsAtMs = parseAmTime(o.value(QStringLiteral("startsAt")).toString()).value_or(0);
            a.endsAtMs = parseAmTime(o.value(QStringLiteral("endsAt")).toString()).value_or(0);
            a.generatorUrl = o.value(QStringLiteral("generatorURL")).toString();
            a.fingerprint = o.value(QStringLiteral("fingerprint")).toString();
            const QJsonObject status = o.value(QStringLiteral("status")).toObject();
            a.state = status.value(QStringLiteral("state")).toString();
            a.silencedBy = stringsFrom(status.value(QStringLiteral("silencedBy")));
            a.inhibitedBy = stringsFrom(status.value(QStringLiteral("inhibitedBy")));
            a.receivers = stringsFrom(o.value(QStringLiteral("receivers")));
            out.append(a);
        }
    }
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return std::nullopt;
    }
    return out;
}

std::optional<QList<AmSilence>> decodeAmSilences(const QByteArray& body, QString* error)
{
    QString why;
    const QJsonDocument doc = parseJson(body, &why);
    if (why.isEmpty() && !doc.isArray())
        why = QStringLiteral("the silences are not a JSON array");
    QList<AmSilence> out;
    if (why.isEmpty()) {
        for (const QJsonValue& v : doc.array()) {
            AmSilence s;
            if (!silenceFromJson(v, &s, &why))
                break;
            out.append(s);
        }
    }
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return std::nullopt;
    }
    return out;
}

std::optional<AmSilence> decodeAmSilence(const QByteArray& body, QString* error)
{
    QString why;
    const QJsonDocument doc = parseJson(body, &why);
    AmSilence s;
    if (why.isEmpty() && !doc.isObject())
        why = QStringLiteral("the silence is not a JSON object");
    if (why.isEmpty())
        silenceFromJson(doc.object(), &s, &why);
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return std::nullopt;
    }
    return s;
}

AlertmanagerClient::AlertmanagerClient(QNetworkAccessManager* network, ApiConnection connection,
                                       QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_connection(std::move(connection))
{
}

void AlertmanagerClient::pushAlerts(const QList<AmAlert>& alerts, Callback done)
{
    call("POST", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("alerts")},
         encodeAmAlerts(alerts), Decode::None, std::move(done));
}

void AlertmanagerClient::alerts(Callback done)
{
    call("GET", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("alerts")}, {},
         Decode::Alerts, std::move(done));
}

void AlertmanagerClient::silences(Callback done)
{
    call("GET", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("silences")}, {},
         Decode::Silences, std::move(done));
}

void AlertmanagerClient::silence(const QString& id, Callback done)
{
    call("GET", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("silence"), id}, {},
         Decode::Silence, std::move(done));
}

void AlertmanagerClient::putSilence(const AmSilence& silence, Callback done)
{
    call("POST", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("silences")},
         encodeAmSilence(silence), Decode::SilenceId, std::move(done));
}

void AlertmanagerClient::expireSilence(const QString& id, Callback done)
{
    call("DELETE", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("silence"), id}, {},
         Decode::None, std::move(done));
}

void AlertmanagerClient::status(Callback done)
{
    call("GET", {QStringLiteral("api"), QStringLiteral("v2"), QStringLiteral("status")}, {},
         Decode::Status, std::move(done));
}

void AlertmanagerClient::call(const QByteArray& verb, const QStringList& route,
                              const QByteArray& body, Decode decode, Callback done)
{
    const QString path = u'/' + route.join(u'/');
    QNetworkRequest request(m_connection.endpoint(route));
    request.setRawHeader("Accept", "application/json");
    // Asked for explicitly, so HttpFetch inflates it under its size cap (not QNAM, unbounded).
    request.setRawHeader("Accept-Encoding", "gzip");
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    if (!m_connection.authorization.isEmpty())
        request.setRawHeader("Authorization", m_connection.authorization);
    auto* fetch = new HttpFetch(m_network, request, m_connection.limits, this);
    fetch->setMethod(verb, body);
    fetch->onDone = [fetch, decode, verb, path, done = std::move(done)] {
        AmResult r;
        r.httpStatus = fetch->outcome() == HttpFetch::Outcome::Http ? fetch->httpStatus() : 0;
        r.error = apiCallProblem(*fetch);
        if (!r.error.isEmpty() && fetch->outcome() == HttpFetch::Outcome::Http) {
            // Alertmanager explains refusals in the body (a JSON string or text).
            const QString reason = QString::fromUtf8(fetch->body().left(300)).simplified();
            if (!reason.isEmpty())
                r.error += QStringLiteral(": ") + reason;
        }
        if (r.error.isEmpty()) {
            const QByteArray& b = fetch->body();
            switch (decode) {
            case Decode::None:
                break;
            case Decode::Alerts:
                if (auto alerts = decodeAmAlerts(b, &r.error))
                    r.alerts = *alerts;
                break;
            case Decode::Silences:
                if (auto silences = decodeAmSilences(b, &r.error))
                    r.silences = *silences;
                break;
            case Decode::Silence:
                if (auto silence = decodeAmSilence(b, &r.error))
                    r.silences = {*silence};
                break;
            case Decode::SilenceId: {
                const QJsonObject o = QJsonDocument::fromJson(b).object();
                r.silenceId = o.value(QStringLiteral("silenceID")).toString();
                if (r.silenceId.isEmpty())
                    r.error = QStringLiteral("the answer has no silenceID");
                break;
            }
            case Decode::Status: {
                const QJsonObject o = QJsonDocument::fromJson(b).object();
                if (!o.contains(QStringLiteral("versionInfo")))
                    r.error = QStringLiteral("the status has no versionInfo");
                r.version = o.value(QStringLiteral("versionInfo"))
                                .toObject()
                                .value(QStringLiteral("version"))
                                .toString();
                break;
            }
            }
        }
        r.ok = r.error.isEmpty();
        if (!r.ok)
            qCDebug(lcNet) << "alertmanager" << verb << path << "failed:" << r.error;
        fetch->deleteLater();
        if (done)
            done(r);
    };
    fetch->start();
}

} // namespace ops
