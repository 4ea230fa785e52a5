#pragma once

#include <QString>

namespace ops {

// An alert signal's value in the units people read (AlertRule::signal names): response times
// in ms, the error rate in %, rates per second, memory in MB. "812 ms", "4.2 %", "12.0 req/s".
QString formatSignalValue(const QString& signal, double value);
// The unit formatSignalValue() shows for a signal ("ms", "%", "req/s", ...; "" for plain counts).
QString signalDisplayUnit(const QString& signal);
// Stored units -> shown units (seconds -> ms, fraction -> %, bytes -> MB; else 1).
double signalDisplayScale(const QString& signal);

} // namespace ops
