#pragma once

#include <QLoggingCategory>

namespace ops {

// ops.deploy: the Render client, deploy follower and verifier. Never logs an API key or a
// deploy hook URL (only its masked form).
Q_DECLARE_LOGGING_CATEGORY(lcDeploy)

} // namespace ops
