#include "models/domain/Dialect.h"

namespace ops {

QString dialectName(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Plan:
        return QStringLiteral("plan");
    case Dialect::Modular:
        return QStringLiteral("modular");
    case Dialect::Monolith:
        return QStringLiteral("monolith");
    case Dialect::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

std::optional<Dialect> dialectFromName(QStringView name)
{
    for (Dialect d : {Dialect::Unknown, Dialect::Plan, Dialect::Modular, Dialect::Monolith}) {
        if (name.compare(dialectName(d), Qt::CaseInsensitive) == 0)
            return d;
    }
    return std::nullopt;
}

} // namespace ops
