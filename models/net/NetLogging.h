#pragma once

#include <QLoggingCategory>

namespace ops {

// ops.net: polling, timeouts, retries. Never log a header value (the API key travels in one).
Q_DECLARE_LOGGING_CATEGORY(lcNet)

} // namespace ops
