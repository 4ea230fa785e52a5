#pragma once

#include <QString>

namespace ops {

// How numbers are shown to the operator, in one place: durations scale to µs, ms or s, elapsed
// times read "1 m 10 s", values carry their unit with a consistent precision, and dates follow
// the locale in one format.

// A duration given in seconds, scaled to s, ms or µs: "1.91 s", "44 ms", "850 µs", "0 ms".
QString formatSeconds(double seconds);
// Same, given in milliseconds.
QString formatMilliseconds(double ms);
// How long ago or how long for: "8 s", "1 m 10 s", "3 h 5 m", "2 d 4 h".
QString formatElapsed(qint64 ms);
// A plain number with about three significant figures, grouped per the locale: "241.7", "1,909",
// "0.0669", "12".
QString formatNumber(double value);
// A value with its unit, the way the console shows that unit everywhere: "s" scales to ms/µs,
// "ratio" becomes a percentage, "bytes" becomes MB, "%" keeps two decimals below 10.
QString formatWithUnit(double value, const QString& unit);
// A point in time, the locale's short date and time with seconds ("12/5/26 08:03:12").
QString formatDateTime(qint64 msSinceEpoch);
// The time of day with seconds, per the locale ("08:03:12").
QString formatTimeOfDay(qint64 msSinceEpoch);
// Who the operator is: the OS user ($USER, $USERNAME, $LOGNAME, else the password entry). The
// audit log and acknowledgements both use it.
QString operatorName();

} // namespace ops
