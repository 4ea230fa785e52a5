#include "models/logs/LogLine.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>

namespace ops {

namespace {

// Labels repeat on every line (a few types, levels, instances): one shared copy of each keeps
// a 100,000-line buffer small.
const QString& intern(const QString& value)
{
    static thread_local QHash<QString, QString> pool;
    if (pool.size() > 4096) {
        pool.clear();
    }
    auto it = pool.constFind(value);
    if (it == pool.constEnd()) {
        it = pool.insert(value, value);
    }
    return *it;
}

} // namespace

LogLevel parseLogLevel(QStringView text)
{
    const QString t = text.trimmed().toString().toLower();
    if (t == QLatin1String("info") || t == QLatin1String("information") ||
        t == QLatin1String("notice")) {
        return LogLevel::Info;
    }
    if (t == QLatin1String("warning") || t == QLatin1String("warn")) {
        return LogLevel::Warning;
    }
    if (t == QLatin1String("error") || t == QLatin1String("err")) {
        return LogLevel::Error;
    }
    if (t == QLatin1String("debug") || t == QLatin1String("trace")) {
        return LogLevel::Debug;
    }
    if (t == QLatin1String("critical") || t == QLatin1String("fatal") ||
        t == QLatin1String("panic") || t == QLatin1String("emergency") ||
        t == QLatin1String("alert")) {
        return LogLevel::Critical;
    }
    return LogLevel::Unknown;
}

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("debug");
    case LogLevel::Info:
        return QStringLiteral("info");
    case LogLevel::Warning:
        return QStringLiteral("warning");
    case LogLevel::Error:
        return QStringLiteral("error");
    case LogLevel::Critical:
        return QStringLiteral("critical");
    case LogLevel::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString formatRfc3339(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::optional<qint64> parseRfc3339(const QString& text)
{
    if (text.isEmpty()) {
        return std::nullopt;
    }
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        // More than millisecond precision (Render may send nanoseconds): keep the milliseconds.
        static const QRegularExpression fraction(QStringLiteral("(\\.\\d{3})\\d+"));
        QString trimmed = text;
        trimmed.replace(fraction, QStringLiteral("\\1"));
        t = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    }
    if (!t.isValid()) {
        return std::nullopt;
    }
    return t.toMSecsSinceEpoch();
}

QJsonObject LogLine::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("timestamp"), timestamp},
                       {QStringLiteral("level"), logLevelName(level)},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("instance"), instance},
                       {QStringLiteral("message"), message}};
}

QString LogLine::toText() const
{
    const QString when = QDateTime::fromMSecsSinceEpoch(timestampMs, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    return QStringLiteral("%1 UTC  %2 %3 %4  %5")
        .arg(when, logLevelName(level).toUpper().leftJustified(8), type.leftJustified(7), instance,
             message);
}

qint64 LogLine::approximateBytes() const
{
    auto str = [](const QString& s) { return s.isEmpty() ? 0 : 24 + s.capacity() * 2; };
    return static_cast<qint64>(sizeof(LogLine)) + str(id) + str(timestamp) + str(message) +
           str(path);
}

std::optional<LogLine> parseLogLine(const QJsonObject& object, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<LogLine> {
        if (error) {
            *error = why;
        }
        return std::nullopt;
    };
    LogLine line;
    const QJsonValue id = object.value(QStringLiteral("id"));
    if (!id.isString() || id.toString().isEmpty()) {
        return fail(QStringLiteral("a log line without an id"));
    }
    line.id = id.toString();
    line.timestamp = object.value(QStringLiteral("timestamp")).toString();
    const auto ms = parseRfc3339(line.timestamp);
    if (!ms) {
        return fail(QStringLiteral("log line %1 has no valid timestamp (\"%2\")")
                        .arg(line.id, line.timestamp.left(40)));
    }
    line.timestampMs = *ms;
    const QJsonValue message = object.value(QStringLiteral("message"));
    if (!message.isString() && !message.isUndefined() && !message.isNull()) {
        return fail(QStringLiteral("log line %1 has a message that is not text").arg(line.id));
    }
    line.message = message.toString();
    const QJsonValue labels = object.value(QStringLiteral("labels"));
    if (!labels.isUndefined() && !labels.isNull() && !labels.isArray()) {
        return fail(QStringLiteral("log line %1 has labels that are not a list").arg(line.id));
    }
    for (const QJsonValue& v : labels.toArray()) {
        const QJsonObject label = v.toObject();
        const QString name = label.value(QStringLiteral("name")).toString();
        const QString value = label.value(QStringLiteral("value")).toString();
        if (name == QLatin1String("level")) {
            line.level = parseLogLevel(value);
        } else if (name == QLatin1String("type")) {
            line.type = intern(value);
        } else if (name == QLatin1String("instance")) {
            line.instance = intern(value);
        } else if (name == QLatin1String("method")) {
            line.method = intern(value);
        } else if (name == QLatin1String("path")) {
            line.path = value;
        } else if (name == QLatin1String("statusCode")) {
            line.statusCode = value.toInt();
        }
    }
    return line;
}

} // namespace ops
