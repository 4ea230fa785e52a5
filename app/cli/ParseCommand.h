#pragma once

#include "app/cli/CliCommand.h"

#include <iosfwd>
#include <string>
#include <string_view>

namespace ops {

struct ParseCommandOptions {
    std::string path; // "-": stdin
    bool json = false;
};

// Parses body (from options.path, which names it in messages and hints the format) and prints
// every sample. The format is chosen by content (OpenMetrics when the body ends in "# EOF" or
// the name ends in ".openmetrics", the JSON stub when it starts with '{'). With json: one JSON
// array, a sample a line, {"name", "labels", "value" (number or "NaN"/"+Inf"/"-Inf"),
// "timestamp_ms" (int or null)}; "[]" for a body without samples. Otherwise a readable table.
// Errors go to err. Returns 0 on success, 1 when the body was rejected or had malformed lines.
int printParsedMetrics(std::string_view body, const ParseCommandOptions& options, std::ostream& out,
                       std::ostream& err);

// Reads options.path (a file, or stdin for "-") and prints it as printParsedMetrics does;
// 2 when it cannot be read (missing, a directory, unreadable).
int runParseCommand(const ParseCommandOptions& options, std::ostream& out, std::ostream& err);

// `bhiv-ops parse FILE|- [--json]`.
class ParseCommand : public CliCommand {
public:
    ParseCommand();

protected:
    int execute() override;
};

// JSON text of one string (quotes included), UTF-8 passed through, control characters escaped.
void appendJsonString(std::string& out, std::string_view text);
// JSON text of a sample value: shortest round-trip number, or "NaN" / "+Inf" / "-Inf" strings.
void appendJsonValue(std::string& out, double value);

} // namespace ops
