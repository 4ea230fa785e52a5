#include "net/NetLogging.h"

namespace ops {

Q_LOGGING_CATEGORY(lcNet, "ops.net")

} // namespace ops
