#pragma once

// Decoding of the Prometheus HTTP API's answers (/api/v1/query, /query_range, /series,
// /status/buildinfo). Every failure is a value: malformed JSON, status "error" with its
// errorType, an HTTP 4xx/5xx without a JSON body, a resultType the caller did not expect.
// Sample values are strings in the API ("1.5", "NaN", "+Inf", "-Inf") and become doubles.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

namespace ops {

struct PromPoint {
    qint64 timeMs = 0;
    double value = 0;
};

struct PromSeries {
    QMap<QString, QString> labels; // "metric" of the answer (may be empty after an aggregation)
    QList<PromPoint> points;       // one for a vector or scalar, many for a matrix
};

enum class PromResultType { None, Matrix, Vector, Scalar, String };
QString promResultTypeName(PromResultType type);

struct PromResponse {
    bool ok = false;
    QString error;     // why not ok, for people
    QString errorType; // the API's errorType ("bad_data", "timeout", ...) or ours ("decode")
    QStringList warnings;
    PromResultType resultType = PromResultType::None;
    QList<PromSeries> series;                // matrix, vector, scalar (one series, no labels)
    QList<QMap<QString, QString>> labelSets; // /api/v1/series
    QMap<QString, QString> buildInfo;        // /api/v1/status/buildinfo: version, revision, ...
};

// Parses one API answer. httpStatus 0 means "not from HTTP" (tests); any non-2xx status is an
// error even when the body is a valid success envelope.
PromResponse decodePromResponse(int httpStatus, const QByteArray& body);

// "1.5", "NaN", "+Inf", "-Inf", "1e-3" -> double; nullopt for anything else.
std::optional<double> parsePromValue(const QString& text);

} // namespace ops
