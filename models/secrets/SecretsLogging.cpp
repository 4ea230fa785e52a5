#include "models/secrets/SecretsLogging.h"

namespace ops {
Q_LOGGING_CATEGORY(lcSecrets, "ops.secrets", QtInfoMsg)
} // namespace ops
