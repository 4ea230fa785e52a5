#include "models/incidents/SignalUnits.h"

#include "models/alerts/AlertRule.h"

#include <cmath>

namespace ops {

QString signalDisplayUnit(const QString& signal)
{
    if (signal.endsWith(QLatin1String("_response_time")))
        return QStringLiteral("ms");
    if (signal == QLatin1String(AlertSignals::ErrorRate) ||
        signal == QLatin1String(AlertSignals::CpuPercent))
        return QStringLiteral("%");
    if (signal == QLatin1String(AlertSignals::RequestRate))
        return QStringLiteral("req/s");
    if (signal == QLatin1String(AlertSignals::ErrorsPerSecond))
        return QStringLiteral("errors/s");
    if (signal == QLatin1String(AlertSignals::MemoryBytes))
        return QStringLiteral("MB");
    if (signal == QLatin1String(AlertSignals::Stale))
        return QStringLiteral("polls");
    if (signal == QLatin1String(AlertSignals::ComponentDown))
        return QStringLiteral("components");
    if (signal == QLatin1String(AlertSignals::WorkflowFailures))
        return QStringLiteral("failures");
    if (signal == QLatin1String(AlertSignals::ActiveWorkflows))
        return QStringLiteral("workflows");
    return {};
}

double signalDisplayScale(const QString& signal)
{
    if (signal.endsWith(QLatin1String("_response_time")))
        return 1000.0;
    if (signal == QLatin1String(AlertSignals::ErrorRate))
        return 100.0;
    if (signal == QLatin1String(AlertSignals::MemoryBytes))
        return 1.0 / (1024.0 * 1024.0);
    return 1.0;
}

QString formatSignalValue(const QString& signal, double value)
{
    if (std::isnan(value))
        return QStringLiteral("no data");
    const double shown = value * signalDisplayScale(signal);
    const QString unit = signalDisplayUnit(signal);
    const int decimals = std::abs(shown) >= 100 || shown == std::floor(shown) ? 0 : 1;
    const QString number = QString::number(shown, 'f', decimals);
    return unit.isEmpty() ? number : number + QLatin1Char(' ') + unit;
}

} // namespace ops
