#include "models/domain/HealthSnapshot.h"

namespace ops {

QString healthStateName(HealthState state)
{
    switch (state) {
    case HealthState::Healthy:
        return QStringLiteral("healthy");
    case HealthState::Degraded:
        return QStringLiteral("degraded");
    case HealthState::Down:
        return QStringLiteral("down");
    }
    return QStringLiteral("degraded");
}

HealthState healthStateFromWord(QStringView word)
{
    const QString w = word.trimmed().toString().toLower();
    if (w == u"healthy" || w == u"ok" || w == u"connected" || w == u"up" || w == u"pass" ||
        w == u"available" || w == u"running" || w == u"active")
        return HealthState::Healthy;
    if (w == u"unhealthy" || w == u"error" || w == u"down" || w == u"fail" || w == u"failed" ||
        w == u"disconnected" || w == u"unavailable" || w == u"critical")
        return HealthState::Down;
    return HealthState::Degraded;
}

HealthState HealthSnapshot::worst() const
{
    HealthState result = overall;
    for (const ComponentHealth& c : components) {
        if (static_cast<int>(c.state) > static_cast<int>(result))
            result = c.state;
    }
    return result;
}

} // namespace ops
