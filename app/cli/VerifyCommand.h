#pragma once

#include <QStringList>

// `bhiv-ops verify --url URL [--api-key-stdin] [--json] [--checks FILE] [--soak N ...]`:
// runs the deployment checklist (replaces the plan's verify-deployment.sh).
// Exit 0 when every check passed, 1 when a check failed, 2 when it could not run.
int runVerifyCommand(const QStringList& arguments);

namespace ops {
struct VerifyReport;
}
class QJsonObject;

// The report as JSON ({"passed", "could_not_run", "summary", "checks": [...], "soak"}).
QJsonObject verifyReportJson(const ops::VerifyReport& report);
