#pragma once

#include <QApplication>
#include <QString>

namespace ops::bench {

// Times every event the GUI thread's loop dispatches itself (depth 0: nested ones are inside
// it), so a report names the worst one (receiver class, object name, event type), not only
// how long it held the loop.
class TimingApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool recording = false;
    double worstMs = 0; // wall time
    QString worstWhat;
    double worstCpuMs = 0; // the GUI thread's CPU time in one event (preemption left out)
    QString worstCpuWhat;

    bool notify(QObject* receiver, QEvent* event) override;

private:
    int m_depth = 0;
};

// One phase of logs_stall_ms: the longest event while the stream ran, what it was, how late a
// 5 ms heartbeat fired at worst (OS wake-ups included), and the lines that reached the buffer.
struct StallPhase {
    double stallMs = 0;
    QString stallWhat;
    double cpuMs = 0;
    QString cpuWhat;
    double lateMs = 0;
    double linesPerS = 0;
    int rowsShown = 0;
};

struct LogsStallResult {
    QString error;      // empty when measured
    StallPhase visible; // the Logs tab shown (1280x720), the buffer full
    StallPhase hidden;  // reference: the same stream, another tab shown
    int seconds = 0;
};

// A real bhiv-gateway-sim streams `linesPerSecond` log lines over its Render logs WebSocket into
// a Fleet whose session carries ServiceLogs, shown by a LogsPage in a tab (offscreen); the
// buffer is filled to its 100,000 lines first, so every batch also evicts the oldest rows.
LogsStallResult measureLogsStall(TimingApplication& app, const QString& simBinary, int seconds,
                                 int linesPerSecond);

} // namespace ops::bench
