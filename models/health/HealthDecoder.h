#pragma once

#include "models/domain/HealthSnapshot.h"

#include <QByteArray>
#include <QString>

namespace ops {

struct HealthDecodeResult {
    bool ok = false;
    QString error; // why the body could not be decoded (empty when ok)
    HealthSnapshot snapshot;
};

// Decodes a /health/detailed body of any dialect (plan, modular, monolith) and of unknown shapes
// (every scalar leaf flattened). Never throws, never crashes on bad input.
HealthDecodeResult decodeHealth(const QByteArray& body);

} // namespace ops
