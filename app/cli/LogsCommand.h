#pragma once

#include "app/cli/CliCommand.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace ops {

class Clock;
class LogClient;
struct LogLine;
struct LogQuery;
struct RenderLogsEndpoint;

// `bhiv-ops logs --url GATEWAY | --target NAME [--service ID] [--render-api URL]
// [--since 15m|TIME] [--until TIME] [--level L] [--type T] [--text PATTERN] [--limit N]
// [--follow] [--render-key-stdin] [--json]`: a Render service's logs, oldest first, each line
// once across pages and reconnects; --follow then tails until SIGTERM/SIGINT. Exit 0 done,
// 2 could not run, 3 usage (bad times, unknown options), 4 Render refused the key,
// 5 keychain trouble.
class LogsCommand : public CliCommand {
public:
    LogsCommand();

    // "15m", "2h", "30s", "1d" (ago, from nowMs), an RFC 3339 time, or "now"; nullopt when
    // it is none of those.
    static std::optional<qint64> parseTimeArgument(const QString& text, qint64 nowMs);

protected:
    int execute() override;

private:
    // The --since/--until window, --follow and --limit, checked before anything is read or sent.
    struct Window {
        qint64 sinceMs = 0;
        qint64 untilMs = 0;
        bool follow = false;
        int limit = 0;
    };
    // Where the printed lines got to: --follow resumes after them, nothing twice.
    struct LineCursor {
        QString lastTimestamp;
        qint64 lastMs = 0;
        QStringList idsAtLast; // the ids printed at lastTimestamp
        void advance(const LogLine& line);
    };

    std::optional<Window> parseWindow(qint64 nowMs, CliFailure* failure) const;
    // The Render service, API and key: the options, then the saved target, then the keychain.
    std::optional<RenderLogsEndpoint>
    resolveEndpoint(const CliGateway& gateway, const QString& renderKey, CliFailure* failure);
    // Asks Render for the workspace: a refused key is an auth failure before any log is read.
    std::optional<CliFailure> checkKey(LogClient& client);
    std::optional<CliFailure> printWindow(LogClient& client, const LogQuery& query, int limit,
                                          LineCursor& cursor);
    // Tails from the cursor until SIGINT/SIGTERM (exit 0) or the tail stops on an error.
    int followLive(LogClient& client, const Clock& clock, LogQuery live, qint64 windowEndMs,
                   LineCursor& cursor);
    void printLine(const LogLine& line);
    void printLines(const QList<LogLine>& lines, LineCursor& cursor);
};

} // namespace ops
