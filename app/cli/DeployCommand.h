#pragma once

#include "app/cli/CliCommand.h"

#include <QString>
#include <QUrl>

namespace ops {

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
};

} // namespace ops
