#include "models/net/NetLogging.h"

namespace ops {

// Debug lines (each poll) are opt-in: QT_LOGGING_RULES="ops.net.debug=true".
Q_LOGGING_CATEGORY(lcNet, "ops.net", QtInfoMsg)

} // namespace ops
