#pragma once

#include "models/domain/ConnectionState.h"
#include "models/domain/HealthSnapshot.h"

#include <QColor>

namespace ops {

// Colours for states, readable on light and dark palettes.
QColor colorFor(HealthState state);
QColor colorFor(ConnectionState state);

} // namespace ops
