#include "models/domain/Units.h"

#include <QDateTime>
#include <QLocale>

#include <cmath>
#include <pwd.h>
#include <unistd.h>

namespace ops {

namespace {

// Decimals for about three significant figures, none at 100 and above.
int decimalsFor(double value)
{
    const double a = std::abs(value);
    if (a == 0 || a >= 100)
        return 0;
    if (a >= 10)
        return 1;
    if (a >= 1)
        return 2;
    const int leadingZeros = static_cast<int>(std::floor(-std::log10(a)));
    return std::min(leadingZeros + 3, 9);
}

QString trimmed(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals);
}

} // namespace

QString formatSeconds(double seconds)
{
    if (!std::isfinite(seconds))
        return QStringLiteral("—");
    const double a = std::abs(seconds);
    if (a >= 1.0)
        return QStringLiteral("%1 s").arg(trimmed(seconds, a >= 100 ? 0 : a >= 10 ? 1 : 2));
    if (a >= 1e-3 || a == 0) {
        const double ms = seconds * 1000.0;
        return QStringLiteral("%1 ms").arg(trimmed(ms, std::abs(ms) >= 10 || ms == 0 ? 0 : 1));
    }
    const double us = seconds * 1e6;
    return QStringLiteral("%1 µs").arg(trimmed(us, std::abs(us) >= 10 ? 0 : 1));
}

QString formatMilliseconds(double ms)
{
    return formatSeconds(ms / 1000.0);
}

QString formatElapsed(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return s % 60 ? QStringLiteral("%1 m %2 s").arg(s / 60).arg(s % 60)
                      : QStringLiteral("%1 m").arg(s / 60);
    if (s < 86'400)
        return QStringLiteral("%1 h %2 m").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(s / 86'400).arg((s % 86'400) / 3600);
}

QString formatNumber(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("—");
    return trimmed(value, decimalsFor(value));
}

QString formatWithUnit(double value, const QString& unit)
{
    if (!std::isfinite(value))
        return QStringLiteral("—");
    if (unit == u"s")
        return formatSeconds(value);
    if (unit == u"ms")
        return formatMilliseconds(value);
    if (unit == u"ratio")
        return QStringLiteral("%1 %").arg(formatNumber(value * 100.0));
    if (unit == u"bytes")
        return QStringLiteral("%1 MB").arg(trimmed(value / 1e6, value >= 1e8 ? 0 : 1));
    if (unit == u"%")
        return QStringLiteral("%1 %").arg(trimmed(value, std::abs(value) >= 10 ? 1 : 2));
    if (unit.isEmpty())
        return formatNumber(value);
    return QStringLiteral("%1 %2").arg(formatNumber(value), unit);
}

QString formatDateTime(qint64 msSinceEpoch)
{
    const QLocale locale;
    QString format = locale.dateTimeFormat(QLocale::ShortFormat);
    // The locale's short format, with seconds (events a few seconds apart must be told apart).
    if (!format.contains(u's'))
        format.replace(QStringLiteral("mm"), QStringLiteral("mm:ss"));
    return locale.toString(QDateTime::fromMSecsSinceEpoch(msSinceEpoch), format);
}

QString formatTimeOfDay(qint64 msSinceEpoch)
{
    const QLocale locale;
    QString format = locale.timeFormat(QLocale::ShortFormat);
    if (!format.contains(u's'))
        format.replace(QStringLiteral("mm"), QStringLiteral("mm:ss"));
    return locale.toString(QDateTime::fromMSecsSinceEpoch(msSinceEpoch).time(), format);
}

QString operatorName()
{
    for (const char* name : {"USER", "USERNAME", "LOGNAME"}) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty())
            return value;
    }
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
    return QStringLiteral("unknown");
}

} // namespace ops
