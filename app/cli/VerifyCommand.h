#pragma once

#include "app/cli/CliCommand.h"

class QJsonObject;

namespace ops {

struct VerifyReport;

// `bhiv-ops verify --url URL | --target NAME [--api-key-stdin] [--json] [--checks FILE]
// [--soak N ...]`: runs the deployment checklist (replaces the plan's verify-deployment.sh).
// Exit 0 every check passed, 1 a check failed, 2 could not run, 3 usage.
class VerifyCommand : public CliCommand {
public:
    VerifyCommand();

protected:
    int execute() override;
};

// The report as JSON ({"passed", "could_not_run", "summary", "checks": [...], "soak"}).
QJsonObject verifyReportJson(const VerifyReport& report);

} // namespace ops
