#pragma once

#include "app/cli/CliCommand.h"
#include "models/history/HistoryExport.h"

#include <optional>
#include <utility>

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
    // Whose history: the folder to read and the name the export is labelled with.
    struct Source {
        QString folder;
        QString name;
    };
    int exportHistory();
    // --format, else the --output file's suffix, else csv.
    std::optional<HistoryExportFormat> exportFormat(const QString& output,
                                                    CliFailure* failure) const;
    // Exactly one of --target and --history-dir (--data-dir only with --target), and --from.
    bool checkSourceOptions(CliFailure* failure) const;
    // --from and --to as times (ms), to not before from.
    std::optional<std::pair<qint64, qint64>> parseRange(qint64 now, CliFailure* failure) const;
    // --history-dir as given, or the --target's folder under the data folder.
    std::optional<Source> resolveSource(CliFailure* failure) const;
    // A file to write must be a file name in a folder that exists (- is stdout).
    bool checkOutputPath(const QString& output, CliFailure* failure) const;
};

} // namespace ops
