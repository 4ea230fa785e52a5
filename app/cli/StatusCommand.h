#pragma once

#include "app/cli/CliCommand.h"

namespace ops {

// `bhiv-ops status --url URL | --target NAME [--api-key-stdin] [--json] [--timeout SECONDS]`:
// one poll, printed. Exit 0 up, 1 degraded, 2 any other state, 4 the key was refused.
class StatusCommand : public CliCommand {
public:
    StatusCommand();

protected:
    int execute() override;
};

} // namespace ops
