#include "models/datasource/PromResponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <limits>

namespace ops {

namespace {

PromResponse failure(const QString& type, const QString& why)
{
    PromResponse r;
    r.errorType = type;
    r.error = why;
    return r;
}

bool decodePoint(const QJsonValue& value, PromPoint* out, QString* why)
{
    const QJsonArray pair = value.toArray();
    if (!value.isArray() || pair.size() != 2 || !pair.at(0).isDouble() || !pair.at(1).isString()) {
        *why = QStringLiteral("a sample is not [time, \"value\"]");
        return false;
    }
    const std::optional<double> v = parsePromValue(pair.at(1).toString());
    if (!v) {
        *why = QStringLiteral("a sample value is not a number: %1")
                   .arg(pair.at(1).toString().left(40));
        return false;
    }
    const double seconds = pair.at(0).toDouble();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e11) {
        *why = QStringLiteral("a sample time is out of range");
        return false;
    }
    out->timeMs = std::llround(seconds * 1000.0);
    out->value = *v;
    return true;
}

bool decodeLabels(const QJsonValue& value, QMap<QString, QString>* out, QString* why)
{
    if (value.isUndefined()) // a scalar or an aggregation without labels
        return true;
    if (!value.isObject()) {
        *why = QStringLiteral("a series' labels are not an object");
        return false;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!it.value().isString()) {
            *why = QStringLiteral("label %1 is not a string").arg(it.key().left(40));
            return false;
        }
        out->insert(it.key(), it.value().toString());
    }
    return true;
}

// /api/v1/series (and /labels): a list of label sets.
PromResponse decodeLabelSets(const QJsonArray& data, PromResponse r)
{
    QString why;
    for (const QJsonValue& v : data) {
        QMap<QString, QString> labels;
        if (!v.isObject() || !decodeLabels(v, &labels, &why))
            return failure(QStringLiteral("decode"),
                           why.isEmpty() ? QStringLiteral("a series is not an object") : why);
        r.labelSets.append(labels);
    }
    r.ok = true;
    return r;
}

// One result of a matrix (its values) or a vector (its value).
bool decodeSeries(const QJsonValue& item, PromResultType type, PromSeries* series, QString* why)
{
    const QJsonObject s = item.toObject();
    if (!item.isObject()) {
        *why = QStringLiteral("a result is not an object");
        return false;
    }
    if (!decodeLabels(s.value(QStringLiteral("metric")), &series->labels, why))
        return false;
    if (type != PromResultType::Matrix) {
        PromPoint point;
        if (!decodePoint(s.value(QStringLiteral("value")), &point, why))
            return false;
        series->points.append(point);
        return true;
    }
    const QJsonValue values = s.value(QStringLiteral("values"));
    if (!values.isArray()) {
        *why = QStringLiteral("a matrix series has no values array");
        return false;
    }
    for (const QJsonValue& v : values.toArray()) {
        PromPoint point;
        if (!decodePoint(v, &point, why))
            return false;
        series->points.append(point);
    }
    return true;
}

// A query's data: {"resultType", "result"}, a scalar, string, matrix or vector.
PromResponse decodeQueryResult(const QJsonObject& object, PromResponse r)
{
    const QString type = object.value(QStringLiteral("resultType")).toString();
    const QJsonValue result = object.value(QStringLiteral("result"));
    QString why;
    if (type == u"scalar" || type == u"string") {
        r.resultType = type == u"scalar" ? PromResultType::Scalar : PromResultType::String;
        PromSeries series;
        PromPoint point;
        if (type == u"scalar") {
            if (!decodePoint(result, &point, &why))
                return failure(QStringLiteral("decode"), why);
            series.points.append(point);
        }
        r.series.append(series);
        r.ok = true;
        return r;
    }
    if (type != u"matrix" && type != u"vector")
        return failure(QStringLiteral("decode"),
                       QStringLiteral("unknown resultType \"%1\"").arg(type.left(40)));
    if (!result.isArray())
        return failure(QStringLiteral("decode"), QStringLiteral("result is not an array"));
    r.resultType = type == u"matrix" ? PromResultType::Matrix : PromResultType::Vector;
    for (const QJsonValue& item : result.toArray()) {
        PromSeries series;
        if (!decodeSeries(item, r.resultType, &series, &why))
            return failure(QStringLiteral("decode"), why);
        r.series.append(series);
    }
    r.ok = true;
    return r;
}

} // namespace

QString promResultTypeName(PromResultType type)
{
    switch (type) {
    case PromResultType::Matrix:
        return QStringLiteral("matrix");
    case PromResultType::Vector:
        return QStringLiteral("vector");
    case PromResultType::Scalar:
        return QStringLiteral("scalar");
    case PromResultType::String:
        return QStringLiteral("string");
    case PromResultType::None:
        break;
    }
    return QStringLiteral("none");
}

std::optional<double> parsePromValue(const QString& text)
{
    if (text == u"NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == u"+Inf" || text == u"Inf")
        return std::numeric_limits<double>::infinity();
    if (text == u"-Inf")
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || std::isnan(v) || std::isinf(v))
        return std::nullopt;
    return v;
}

PromResponse decodePromResponse(int httpStatus, const QByteArray& body)
{
    const bool httpOk = httpStatus == 0 || (httpStatus >= 200 && httpStatus < 300);
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (!httpOk)
            return failure(QStringLiteral("http"),
                           QStringLiteral("HTTP %1: %2")
                               .arg(httpStatus)
                               .arg(QString::fromUtf8(body.left(200)).simplified()));
        return failure(QStringLiteral("decode"),
                       QStringLiteral("the answer is not a JSON object (%1)")
                           .arg(parseError.error != QJsonParseError::NoError
                                    ? parseError.errorString()
                                    : QStringLiteral("not an object")));
    }
    const QJsonObject root = doc.object();
    PromResponse r;
    for (const QJsonValue& w : root.value(QStringLiteral("warnings")).toArray())
        r.warnings << w.toString();
    const QString status = root.value(QStringLiteral("status")).toString();
    if (status == u"error") {
        r.errorType = root.value(QStringLiteral("errorType")).toString(QStringLiteral("unknown"));
        r.error = root.value(QStringLiteral("error")).toString(QStringLiteral("no reason given"));
        if (!httpOk)
            r.error = QStringLiteral("HTTP %1: %2").arg(httpStatus).arg(r.error);
        return r;
    }
    if (!httpOk)
        return failure(
            QStringLiteral("http"),
            QStringLiteral("HTTP %1 with a status \"%2\" body").arg(httpStatus).arg(status));
    if (status != u"success")
        return failure(
            QStringLiteral("decode"),
            QStringLiteral("status is \"%1\", not success or error").arg(status.left(40)));
    const QJsonValue data = root.value(QStringLiteral("data"));
    if (data.isArray()) // /api/v1/series (and /labels)
        return decodeLabelSets(data.toArray(), r);
    if (!data.isObject())
        return failure(QStringLiteral("decode"), QStringLiteral("data is missing"));
    const QJsonObject object = data.toObject();
    if (!object.contains(QStringLiteral("resultType"))) { // /status/buildinfo
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            r.buildInfo.insert(it.key(), it.value().toString());
        r.ok = true;
        return r;
    }
    return decodeQueryResult(object, r);
}

} // namespace ops
