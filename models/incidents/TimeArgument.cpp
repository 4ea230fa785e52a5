#include "models/incidents/TimeArgument.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRegularExpression>

namespace ops {

std::optional<qint64> parseTimeArgument(const QString& text, qint64 nowMs, QString* error)
{
    const QString t = text.trimmed();
    if (t.compare(QLatin1String("now"), Qt::CaseInsensitive) == 0)
        return nowMs;
    static const QRegularExpression relative(QStringLiteral("^-(\\d{1,9})(ms|s|m|h|d)$"));
    if (const auto m = relative.match(t); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QString unit = m.captured(2);
        const qint64 factor = unit == u"ms"  ? 1
                              : unit == u"s" ? 1000
                              : unit == u"m" ? 60'000
                              : unit == u"h" ? 3'600'000
                                             : 86'400'000;
        return nowMs - n * factor;
    }
    QDateTime parsed = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!parsed.isValid())
        parsed = QDateTime::fromString(t, Qt::ISODate);
    if (parsed.isValid())
        return parsed.toMSecsSinceEpoch();
    *error = QCoreApplication::translate("ops::TimeArgument",
                                         "'%1' is not a time: use ISO 8601 "
                                         "(2026-01-01T12:00:00Z), now, or a time back from now "
                                         "like -15m, -2h, -7d")
                 .arg(text);
    return std::nullopt;
}

} // namespace ops
