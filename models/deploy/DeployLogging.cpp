#include "models/deploy/DeployLogging.h"

namespace ops {

Q_LOGGING_CATEGORY(lcDeploy, "ops.deploy", QtInfoMsg)

} // namespace ops
