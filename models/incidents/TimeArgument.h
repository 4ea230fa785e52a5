#pragma once

#include <QString>

#include <optional>

namespace ops {

// A point in time as the command line gives it: "now", a time back from now ("-15m", "-90s",
// "-2h", "-7d"), or ISO 8601 ("2026-01-01T12:00:00Z", "2026-01-01T13:00:00+01:00", a time
// without zone is local). Milliseconds since the epoch; nothing (and *error in words) otherwise.
std::optional<qint64> parseTimeArgument(const QString& text, qint64 nowMs, QString* error);

} // namespace ops
