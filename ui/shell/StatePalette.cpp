#include "ui/shell/StatePalette.h"

namespace ops {

QColor colorFor(HealthState state)
{
    switch (state) {
    case HealthState::Healthy:
        return QColor(0x2e, 0x9e, 0x44);
    case HealthState::Degraded:
        return QColor(0xd9, 0x8c, 0x00);
    case HealthState::Down:
        return QColor(0xd0, 0x30, 0x30);
    }
    return Qt::gray;
}

QColor colorFor(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Up:
        return colorFor(HealthState::Healthy);
    case ConnectionState::Degraded:
    case ConnectionState::Waking:
    case ConnectionState::RateLimited:
        return colorFor(HealthState::Degraded);
    case ConnectionState::Connecting:
    case ConnectionState::Stale:
        return QColor(0x80, 0x80, 0x80);
    default:
        return colorFor(HealthState::Down);
    }
}

} // namespace ops
