#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringView>

#include <optional>

namespace ops {

enum class LogLevel : quint8 { Unknown, Debug, Info, Warning, Error, Critical };

// "error" -> Error; Render's spellings and the usual aliases (warn, fatal ...); Unknown otherwise.
LogLevel parseLogLevel(QStringView text);
// "info", "warning", ... ("unknown" for Unknown).
QString logLevelName(LogLevel level);

// One line of a Render service's logs, as the console keeps it.
struct LogLine {
    QString id; // Render's id: unique per line
    qint64 timestampMs = 0;
    QString timestamp; // as Render sent it (RFC 3339): resuming sends it back unchanged
    LogLevel level = LogLevel::Unknown;
    QString type; // app | request | build
    QString instance;
    QString message;
    // Request lines only.
    QString method;
    QString path;
    int statusCode = 0;

    // id, timestamp, level, type, instance, message: one line of `bhiv-ops logs --json`.
    QJsonObject toJson() const;
    // "2026-12-05 08:00:00.123 UTC  ERROR    app      srv-…-7x2kq  message" for text export.
    QString toText() const;
    // Rough bytes held (object and strings; shared label strings counted once elsewhere).
    qint64 approximateBytes() const;
};

// Parses one log object of Render's logs API or WebSocket ({"id", "timestamp", "message",
// "labels": [{"name", "value"}]}); std::nullopt with *error in words when it is not one.
std::optional<LogLine> parseLogLine(const QJsonObject& object, QString* error = nullptr);

// RFC 3339 with milliseconds in UTC ("2026-12-05T08:00:00.123Z"), and back.
QString formatRfc3339(qint64 ms);
std::optional<qint64> parseRfc3339(const QString& text);

} // namespace ops
