#include "models/alerts/AlertTypes.h"

#include <QCoreApplication>

#include <iterator>

namespace ops {

namespace {
const char* const kStateNames[] = {"normal", "pending", "firing", "recovering", "nodata", "error"};
const char* const kTransitionKindNames[] = {"state",    "ack",      "unack",  "snooze",
                                            "unsnooze", "flapping", "settled"};
} // namespace

QString alertStateName(AlertState state)
{
    return QString::fromLatin1(kStateNames[static_cast<int>(state)]);
}

QString alertStateTitle(AlertState state)
{
    switch (state) {
    case AlertState::Normal:
        return QCoreApplication::translate("AlertState", "Normal");
    case AlertState::Pending:
        return QCoreApplication::translate("AlertState", "Pending");
    case AlertState::Firing:
        return QCoreApplication::translate("AlertState", "Firing");
    case AlertState::Recovering:
        return QCoreApplication::translate("AlertState", "Recovering");
    case AlertState::NoData:
        return QCoreApplication::translate("AlertState", "No data");
    case AlertState::Error:
        return QCoreApplication::translate("AlertState", "Error");
    }
    return {};
}

bool alertStateFromName(const QString& name, AlertState* out)
{
    for (int i = 0; i < 6; ++i) {
        if (name == QLatin1String(kStateNames[i])) {
            *out = static_cast<AlertState>(i);
            return true;
        }
    }
    return false;
}

QString transitionKindName(TransitionKind kind)
{
    return QString::fromLatin1(kTransitionKindNames[static_cast<int>(kind)]);
}

std::optional<TransitionKind> transitionKindFromName(QStringView name)
{
    for (int i = 0; i < int(std::size(kTransitionKindNames)); ++i) {
        if (name == QLatin1String(kTransitionKindNames[i]))
            return static_cast<TransitionKind>(i);
    }
    return std::nullopt;
}

} // namespace ops
