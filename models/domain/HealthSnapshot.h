#pragma once

#include "models/domain/Dialect.h"

#include <QList>
#include <QPair>
#include <QString>
#include <optional>

namespace ops {

enum class HealthState { Healthy, Degraded, Down };

QString healthStateName(HealthState state);
// Maps a gateway's status word (healthy, ok, connected, degraded, unhealthy, error, down, ...)
// onto the three states; anything unknown counts as degraded.
HealthState healthStateFromWord(QStringView word);

struct HealthDetail {
    QString key;
    QString value;
};

struct ComponentHealth {
    QString name;
    HealthState state = HealthState::Degraded;
    QString rawStatus; // the gateway's own word, shown as-is
    QList<HealthDetail> details;
};

// One decoded /health/detailed body.
struct HealthSnapshot {
    Dialect dialect = Dialect::Unknown;
    HealthState overall = HealthState::Degraded;
    QString overallRaw;
    QList<ComponentHealth> components;
    // Every scalar leaf of the body, flattened as "a.b.c" -> value (for shapes we do not know).
    QList<HealthDetail> flattened;
    std::optional<double> avgResponseTimeSeconds;
    QString version;

    // The worst state among the overall status and every component.
    HealthState worst() const;
};

} // namespace ops
