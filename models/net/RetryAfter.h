#pragma once

#include <QByteArray>
#include <QtGlobal>
#include <optional>

namespace ops {

// Parses an HTTP Retry-After value (RFC 9110 §10.2.3): delay-seconds ("30") or an HTTP-date
// (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850 and asctime forms).
// Returns the delay in milliseconds from nowMs (a date in the past gives 0), clamped to capMs;
// std::nullopt when the value is missing or malformed.
std::optional<qint64> parseRetryAfterMs(const QByteArray& value, qint64 nowMs,
                                        qint64 capMs = 60 * 60 * 1000);

// Parses an HTTP-date into milliseconds since the Unix epoch (UTC); std::nullopt when malformed.
std::optional<qint64> parseHttpDateMs(const QByteArray& value);

} // namespace ops
