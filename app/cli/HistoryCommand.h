#pragma once

#include "app/cli/CliCommand.h"

namespace ops {

// `bhiv-ops history export --target NAME --from T [--to T] --format csv|json|openmetrics
//  [--output FILE]`: a time range of a target's recorded history (models/history), read-only so
// that a running console keeps writing it. Exit 0 when written (an empty range too, said on
// stderr); 3 for a wrong command line, a bad time or an unknown target; 2 when the history
// cannot be read or the output written.
class HistoryCommand : public CliCommand {
public:
    HistoryCommand();

protected:
    int execute() override;

private:
    int exportHistory();
};

} // namespace ops
