#include "models/domain/Logging.h"

namespace ops {

Q_LOGGING_CATEGORY(lcNet, "ops.net", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDeploy, "ops.deploy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSecrets, "ops.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWorkflows, "ops.workflows", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStorage, "ops.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlertStore, "ops.alerts", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlertEngine, "ops.alerts.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlertNotify, "ops.alerts.notify", QtInfoMsg)
Q_LOGGING_CATEGORY(lcIncidents, "ops.incidents", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHistory, "ops.history", QtInfoMsg)
Q_LOGGING_CATEGORY(lcFleet, "ops.fleet", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConsole, "ops.console", QtInfoMsg)

} // namespace ops
