#pragma once

#include <QLoggingCategory>

namespace ops {
// Key names and outcomes only; never a value.
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
} // namespace ops
