#pragma once

#include "app/cli/CliCommand.h"
#include "models/deploy/RenderClient.h"

#include <QString>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;

namespace ops {

class AuditLog;
class Clock;
struct VerifyReport;

// `bhiv-ops deploy --url GATEWAY | --target NAME --service ID --confirm ID [--render-api URL]
// [--clear-cache] [--wait] [--verify] [--render-key-stdin] [--api-key-stdin] [--timeout S]
// [--json]`. Exit 0 deployed (and verified), 1 the deploy or its verification failed, 2 could
// not run, 3 refused (usage, --confirm not equal to --service), 4 Render refused the key.
class DeployCommand : public CliCommand {
public:
    DeployCommand();

protected:
    int execute() override;

private:
    // Everything a scripted deploy needs to reach Render: --render-api, --service, the key.
    struct RenderConnection {
        QUrl api;
        QString serviceId;
        QString key;
    };
    // keyFromStdin: what --render-key-stdin read (it comes before the gateway key).
    std::optional<RenderConnection>
    renderConnection(const CliGateway& gateway, const QString& keyFromStdin, CliFailure* failure);
    // Follows the deploy to its end (printing each status), then the checklist when --verify.
    int run(const CliGateway& gateway, const RenderConnection& render);
    // Opens the audit log: a failure when it cannot be written and --no-audit is not set.
    std::optional<CliFailure> openAudit(AuditLog& audit) const;
    // Asks Render for the deploy; *deploy is what it started, or the error why not.
    std::optional<RenderError> triggerDeploy(RenderClient& render, const QString& serviceId,
                                             RenderClient::ClearCache clearCache,
                                             RenderDeploy* deploy);
    // Polls the started deploy until it finishes, printing each new status; returns the last.
    RenderDeploy followDeploy(RenderClient& render, const Clock& clock, int pollMs,
                              const QString& serviceId, const RenderDeploy& started);
    // The checklist against the gateway, each step printed as it finishes.
    VerifyReport verifyDeploy(QNetworkAccessManager& network, const Clock& clock,
                              const CliGateway& gateway);
    // The report's summary, and how to roll back when it failed (nothing with --json).
    void printVerifyOutcome(const VerifyReport& report);
};

} // namespace ops
