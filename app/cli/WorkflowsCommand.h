#pragma once

#include "app/cli/CliCommand.h"
#include "models/domain/Dialect.h"

#include <QJsonObject>

#include <functional>

namespace ops {

class WorkflowClient;
struct WorkflowResult;

// `bhiv-ops workflows ACTION ... --url URL | --target NAME`, for scripts:
//   list [--status S] [--type T] | launch TYPE [--metadata JSON] | status ID | cancel ID |
//   rerun ID, with [--wait] (launch, rerun) and [--json].
// Exit 0 done (with --wait: completed), 1 the followed workflow failed or was cancelled,
// 2 could not run (unreachable, no workflow API, not found, read-only, state unknown),
// 3 usage, 4 the key was refused.
class WorkflowsCommand : public CliCommand {
public:
    WorkflowsCommand();

protected:
    int execute() override;

private:
    using Call = std::function<void(std::function<void(const WorkflowResult&)>)>;
    // Runs one client call to its answer.
    WorkflowResult call(WorkflowClient& client, const Call& start);
    // The gateway's dialect from one poll; nullopt (and *failure) with the real cause when it
    // did not answer.
    std::optional<Dialect> detectDialect(const CliGateway& gateway, CliFailure* failure);
    int failResult(const WorkflowResult& result);

    int list(WorkflowClient& client);
    int status(WorkflowClient& client, const QString& id);
    int launch(WorkflowClient& client, const QString& type, const QJsonObject& metadata);
    int cancel(WorkflowClient& client, const QString& id);
    int rerun(WorkflowClient& client, const QString& id);
    // Follows one workflow to its end, printing each step as it is seen.
    int follow(WorkflowClient& client, const QString& id);
    // After a change: the id (and status) as text or JSON, then, when followable, follow it
    // with --wait.
    int changed(WorkflowClient& client, const QString& id, const QString& verbDone,
                const QString& status, const QJsonObject& extra = {}, bool followable = true);
};

} // namespace ops
