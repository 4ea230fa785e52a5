// ops-console-bench: responsiveness and idle cost of the console (docs/performance.md): the
// dashboard visible (offscreen, 1600x900) while the console polls a gateway-sized simulator every
// second and ingests each scrape.
//   ops-console-bench SIM_BINARY [--seconds N (40)] [--endpoints E (265)] [--json]
// The run is split in two halves: idle_cpu_percent, this process's CPU time (every thread,
// getrusage) over wall time in % of one core, with nothing added to the loop; then
// max_event_loop_stall_ms, how late a 5 ms PreciseTimer heartbeat on the GUI thread fired at
// worst. Reference, same run and same window: the window idle (nothing polled), a quarter of
// the time. Prints table rows (no header) and with --json a last line holding one JSON object.

#include "dashboard/Dashboard.h"
#include "domain/Clock.h"
#include "monitor/TargetMonitor.h"
#include "net/Poller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>
#include <QVBoxLayout>
#include <QWidget>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

struct Phase {
    double stallMs = 0;
    double cpuPercent = 0;
};

// CPU of this process (every thread) over wall time, in % of one core: nothing else runs in the
// loop meanwhile.
double measureCpu(int seconds)
{
    QElapsedTimer wall;
    wall.start();
    const double cpu0 = cpuSeconds();
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    return (cpuSeconds() - cpu0) / (static_cast<double>(wall.nsecsElapsed()) / 1e9) * 100;
}

// The longest the GUI thread kept a 5 ms heartbeat waiting: how late its timeouts came (a
// separate phase, so the heartbeat's own wakeups do not count as idle CPU).
double measureStall(int seconds)
{
    constexpr int kBeatMs = 5;
    QTimer beat;
    beat.setTimerType(Qt::PreciseTimer);
    beat.setInterval(kBeatMs);
    QElapsedTimer since;
    double worst = 0;
    QObject::connect(&beat, &QTimer::timeout, [&] {
        const double gap = static_cast<double>(since.nsecsElapsed()) / 1e6;
        worst = std::max(worst, gap - kBeatMs);
        since.start();
    });
    since.start();
    beat.start();
    QEventLoop loop;
    QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    return worst;
}

Phase measure(int seconds)
{
    Phase p;
    p.cpuPercent = measureCpu(std::max(4, seconds / 2));
    p.stallMs = measureStall(std::max(4, seconds / 2));
    return p;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: ops-console-bench SIM_BINARY [--seconds N] [--endpoints E] "
                             "[--json]\n");
        return 2;
    }
    const QString simBinary = QString::fromLocal8Bit(argv[1]);
    int seconds = 40;
    int endpoints = 265; // ~10,000 series per scrape, the gateway-10k size
    bool json = false;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = std::max(8, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--endpoints") && i + 1 < argc)
            endpoints = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--json"))
            json = true;
    }

    // The gateway: the monolith dialect's text metrics (per-endpoint histograms) at ~265
    // endpoints, the gateway-10k shape (rate limit lifted: the console polls every second).
    QProcess sim;
    sim.start(simBinary, {QStringLiteral("--port"), QStringLiteral("0"),
                          QStringLiteral("--dialect"), QStringLiteral("monolith"),
                          QStringLiteral("--endpoints"), QString::number(endpoints),
                          QStringLiteral("--rate-limit"), QStringLiteral("100000")});
    if (!sim.waitForStarted(10000) || !sim.waitForReadyRead(10000)) {
        std::fprintf(stderr, "cannot start %s\n", qPrintable(simBinary));
        return 2;
    }
    const auto match = QRegularExpression(QStringLiteral("listening on (\\S+)"))
                           .match(QString::fromUtf8(sim.readLine()));
    if (!match.hasMatch()) {
        std::fprintf(stderr, "the simulator did not print its URL\n");
        return 2;
    }
    const QUrl url(match.captured(1));

    QWidget window;
    window.resize(1600, 900);
    auto* layout = new QVBoxLayout(&window);

    // Reference: the same window, idle.
    window.show();
    const Phase idle = measure(std::max(8, seconds / 4));

    QNetworkAccessManager network;
    ops::SystemClock clock;
    ops::PollerOptions options;
    options.baseUrl = url;
    options.intervalMs = 1000;
    options.apiKey = "sim-key";
    options.readTimeoutMs = 5000;
    ops::Poller poller(&network, &clock, options);
    ops::TargetMonitor monitor(&poller, &clock);
    ops::Dashboard dashboard(&monitor, &window);
    layout->addWidget(dashboard.overviewPage());
    poller.start();
    // Warm-up: first data and the first charts.
    QEventLoop warm;
    QTimer::singleShot(5000, &warm, &QEventLoop::quit);
    warm.exec();
    if (!monitor.hasData()) {
        std::fprintf(stderr, "no data from the simulator: %s\n", qPrintable(monitor.stateDetail()));
        return 2;
    }
    const Phase busy = measure(seconds);
    const std::size_t series = monitor.signalEngine().rawStore().seriesCount();
    poller.stop();
    sim.kill();
    sim.waitForFinished();

    const auto row = [](const char* figure, double value, const char* unit, const char* bar,
                        bool pass, const QString& notes) {
        std::printf("%-40s %12.4g %-6s %-20s %-6s %s\n", figure, value, unit, bar,
                    pass ? "PASS" : "FAIL", qPrintable(notes));
    };
    row("max_event_loop_stall_ms", busy.stallMs, "ms", "<= 16", busy.stallMs <= 16,
        QStringLiteral("idle window: %1 ms; %2 s, %3 series/scrape")
            .arg(idle.stallMs, 0, 'f', 2)
            .arg(seconds)
            .arg(series));
    row("idle_cpu_percent", busy.cpuPercent, "%", "<= 1", busy.cpuPercent <= 1,
        QStringLiteral("idle window: %1 %; 1 s polls, dashboard visible")
            .arg(idle.cpuPercent, 0, 'f', 2));
    if (json) {
        std::printf("{\"max_event_loop_stall_ms\": %.3f, \"idle_cpu_percent\": %.3f, "
                    "\"idle_window_stall_ms\": %.3f, \"idle_window_cpu_percent\": %.3f, "
                    "\"console_bench_seconds\": %d, \"console_bench_series\": %zu}\n",
                    busy.stallMs, busy.cpuPercent, idle.stallMs, idle.cpuPercent, seconds, series);
    }
    return 0;
}
