#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace ops {

struct ParseCommandOptions {
    std::string path;
    bool json = false;
};

// `bhiv-ops parse FILE [--json]`: reads FILE (gzip inflated), chooses the format by content
// (OpenMetrics when the body ends in "# EOF" or the name ends in ".openmetrics", the JSON stub
// when it starts with '{'), and prints every sample: with json, one object a line
// {"name", "labels", "value" (number or "NaN"/"+Inf"/"-Inf"), "timestamp_ms" (int or null)};
// otherwise a readable table. Errors go to err. Returns 0 on success, 1 when the body was
// rejected or had malformed lines, 2 when the file cannot be read.
int runParseCommand(const ParseCommandOptions& options, std::ostream& out, std::ostream& err);

// Parses argv-style arguments (without the verb): FILE [--json]. Returns 2 on a usage error.
int runParseCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// JSON text of one string (quotes included), UTF-8 passed through, control characters escaped.
void appendJsonString(std::string& out, std::string_view text);
// JSON text of a sample value: shortest round-trip number, or "NaN" / "+Inf" / "-Inf" strings.
void appendJsonValue(std::string& out, double value);

} // namespace ops
