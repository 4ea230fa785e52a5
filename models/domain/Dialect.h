#pragma once

#include <QString>
#include <optional>

namespace ops {

// The three gateway shapes an operator meets (docs: gateway-contract.md), detected from what a
// gateway answers, never from a version string alone.
enum class Dialect { Unknown, Plan, Modular, Monolith };

QString dialectName(Dialect dialect);
std::optional<Dialect> dialectFromName(QStringView name);

} // namespace ops
