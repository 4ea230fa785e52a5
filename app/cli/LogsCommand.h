#pragma once

#include "app/cli/CliCommand.h"

#include <QString>
#include <QUrl>

#include <optional>

namespace ops {

struct LogLine;

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
    void printLine(const LogLine& line);
};

} // namespace ops
