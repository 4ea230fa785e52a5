#pragma once

#include "models/deploy/RenderClient.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// Everything a scripted deploy needs to reach the gateway and Render. Built from the parsed
// options in one place (deployConnectionFromOptions) so a saved target (--target NAME) can
// fill it instead of --url / --render-api / --service later.
struct DeployConnection {
    QString targetName; // for the audit log; the gateway URL when there is no saved target
    QUrl gatewayUrl;
    QString gatewayKey;
    QUrl renderApi = ops::RenderClient::defaultBaseUrl();
    QString renderKey;
    QString serviceId;
};

// Adds the connection options (--url, --render-api, --service, --render-key-stdin,
// --api-key-stdin) to a parser.
void addDeployConnectionOptions(QCommandLineParser& parser);
// Builds the connection from parsed options (reading keys from stdin when asked); nullopt with
// *error in words when something is missing or invalid.
std::optional<DeployConnection> deployConnectionFromOptions(const QCommandLineParser& parser,
                                                            QString* error);

// `bhiv-ops deploy --url GATEWAY --render-api URL --service ID --confirm ID [--clear-cache]
// [--wait] [--verify] [--render-key-stdin]`. Exit 0 deployed (and verified), 1 the deploy or
// its verification failed, 2 could not run, 3 refused (usage, --confirm mismatch).
int runDeployCommand(const QStringList& arguments);
