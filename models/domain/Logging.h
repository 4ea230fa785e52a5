#pragma once

// Every logging category of the console, declared once. Each is enabled from info up; debug
// lines are opt-in, e.g. QT_LOGGING_RULES="ops.net.debug=true". No category ever logs a
// secret (an API key, a deploy hook URL, a keychain value): names and outcomes only.

#include <QLoggingCategory>

namespace ops {

Q_DECLARE_LOGGING_CATEGORY(lcNet)         // ops.net: polling, timeouts, retries, the request path
Q_DECLARE_LOGGING_CATEGORY(lcDeploy)      // ops.deploy: Render client, follower, verifier
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)     // ops.secrets: key names and outcomes, never a value
Q_DECLARE_LOGGING_CATEGORY(lcWorkflows)   // ops.workflows: the workflow client
Q_DECLARE_LOGGING_CATEGORY(lcStorage)     // ops.storage: SQLite files, corrupt files set aside
Q_DECLARE_LOGGING_CATEGORY(lcAlertStore)  // ops.alerts: the alert history on disk
Q_DECLARE_LOGGING_CATEGORY(lcAlertEngine) // ops.alerts.engine: rule evaluation
Q_DECLARE_LOGGING_CATEGORY(lcAlertNotify) // ops.alerts.notify: desktop notifications
Q_DECLARE_LOGGING_CATEGORY(lcIncidents)   // ops.incidents: the incident event store
Q_DECLARE_LOGGING_CATEGORY(lcHistory)     // ops.history: the history store on disk
Q_DECLARE_LOGGING_CATEGORY(lcFleet)       // ops.fleet: targets and their sessions
Q_DECLARE_LOGGING_CATEGORY(lcConsole)     // ops.console: the window's start-up and wiring

} // namespace ops
