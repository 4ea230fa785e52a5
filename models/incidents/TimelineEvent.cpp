#include "models/incidents/TimelineEvent.h"

#include <QCoreApplication>

#include <algorithm>

namespace ops {

QString eventLaneName(EventLane lane)
{
    switch (lane) {
    case EventLane::Alert:
        return QStringLiteral("alert");
    case EventLane::Ack:
        return QStringLiteral("ack");
    case EventLane::Deploy:
        return QStringLiteral("deploy");
    case EventLane::Workflow:
        return QStringLiteral("workflow");
    case EventLane::Connection:
        return QStringLiteral("connection");
    case EventLane::Console:
        return QStringLiteral("console");
    case EventLane::Incident:
        return QStringLiteral("incident");
    }
    return QStringLiteral("console");
}

QString eventLaneTitle(EventLane lane)
{
    switch (lane) {
    case EventLane::Alert:
        return QCoreApplication::translate("ops::Timeline", "Alerts");
    case EventLane::Ack:
        return QCoreApplication::translate("ops::Timeline", "Acks");
    case EventLane::Deploy:
        return QCoreApplication::translate("ops::Timeline", "Deploys & verifications");
    case EventLane::Workflow:
        return QCoreApplication::translate("ops::Timeline", "Workflows");
    case EventLane::Connection:
        return QCoreApplication::translate("ops::Timeline", "Connection");
    case EventLane::Console:
        return QCoreApplication::translate("ops::Timeline", "Console");
    case EventLane::Incident:
        return QCoreApplication::translate("ops::Timeline", "Incident edits");
    }
    return {};
}

void sortTimeline(QList<TimelineEvent>& events)
{
    std::stable_sort(events.begin(), events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) {
                         if (a.timeMs != b.timeMs)
                             return a.timeMs < b.timeMs;
                         if (a.source != b.source)
                             return static_cast<int>(a.source) < static_cast<int>(b.source);
                         return a.sourceId < b.sourceId;
                     });
}

} // namespace ops
