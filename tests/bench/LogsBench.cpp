// The logs room's figures of issue #18 (scripts/bench runs it):
//   ops-logs-bench [--json] [--sim SIM_BINARY [--seconds N (8)]]
// logs_lines_per_s   lines per second through LogLineModel::append (ring buffer + a filter on
//                    level and words) in batches of 100, as the tail delivers them; reference:
//                    copying the same lines into a std::vector in the same run.
// logs_rss_100k_mb   resident memory the default buffer (100,000 lines, each parsed from its own
//                    Render JSON object, so no strings are shared) adds to the process; reference:
//                    the same lines as JSON Lines bytes.
// logs_stall_ms      with --sim: the longest event the GUI thread's loop dispatched while
//                    bhiv-gateway-sim streams 5,000 lines/s over its Render logs WebSocket into
//                    a visible Logs tab (offscreen, 1280x720, the 100,000-line buffer full, so
//                    rows are evicted too); reference: the same stream with another tab shown,
//                    measured right after it (LogsStallBench.cpp; OPS_STALL_DEBUG=1 prints every
//                    event over 16 ms).
#include "models/logs/LogFilter.h"
#include "models/logs/LogLine.h"
#include "models/logs/LogLineModel.h"
#include "tests/bench/LogsStallBench.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace {

double nowSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Resident set size in MB (Linux /proc/self/statm, in pages).
double rssMb()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return std::nan("");
    const QList<QByteArray> fields = statm.readAll().split(' ');
    if (fields.size() < 2)
        return std::nan("");
    return fields.at(1).toDouble() * 4096.0 / 1048576.0;
}

// One Render log object, like the simulator's: a request line, an app line or a warning.
QJsonObject renderLine(int i)
{
    static const char* const paths[] = {"/v1/candidates", "/v1/jobs", "/v1/match/score",
                                        "/v1/workflows/candidate_screening", "/health/detailed"};
    const qint64 ms = 1'767'225'600'000LL + qint64(i) * 7;
    const bool request = i % 3 != 0;
    const bool warning = i % 50 == 0;
    const QString message =
        request ? QStringLiteral("[GET]%1 bhiv-hr-gateway-901a.onrender.com%2 responseTimeMS=%3 "
                                 "requestID=%4")
                      .arg(warning ? 404 : 200)
                      .arg(QString::fromLatin1(paths[i % 5]))
                      .arg(i % 400)
                      .arg(QStringLiteral("%1-%2").arg(i, 8, 16, QLatin1Char('0')).arg(i * 31))
                : QStringLiteral("INFO [jobs] job %1 published by recruiter %2").arg(i).arg(i % 97);
    const QJsonArray labels{
        QJsonObject{{QStringLiteral("name"), QStringLiteral("resource")},
                    {QStringLiteral("value"), QStringLiteral("srv-d0bhivgateway901a")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("instance")},
                    {QStringLiteral("value"), i % 2
                                                  ? QStringLiteral("srv-d0bhivgateway901a-7x2kq")
                                                  : QStringLiteral("srv-d0bhivgateway901a-m4p9z")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("level")},
                    {QStringLiteral("value"),
                     warning ? QStringLiteral("warning") : QStringLiteral("info")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("type")},
                    {QStringLiteral("value"),
                     request ? QStringLiteral("request") : QStringLiteral("app")}}};
    return QJsonObject{
        {QStringLiteral("id"), QStringLiteral("log-%1").arg(i, 10, 10, QLatin1Char('0'))},
        {QStringLiteral("timestamp"), ops::formatRfc3339(ms)},
        {QStringLiteral("message"), message},
        {QStringLiteral("labels"), labels}};
}

struct Row {
    std::string figure;
    double value;
    std::string unit;
    std::string bar;
    std::optional<bool> pass;
    std::string notes;
};

} // namespace

int main(int argc, char** argv)
{
    // The stall phase shows a window: offscreen unless a platform is asked for.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    ops::bench::TimingApplication app(argc, argv);
    bool json = false;
    QString simBinary;
    int stallSeconds = 8;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--json")) {
            json = true;
        } else if (!std::strcmp(argv[i], "--sim") && i + 1 < argc) {
            simBinary = QString::fromLocal8Bit(argv[++i]);
        } else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) {
            stallSeconds = std::max(2, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr,
                         "usage: ops-logs-bench [--json] [--sim SIM_BINARY [--seconds N]]\n");
            return 2;
        }
    }

    // Memory first, in a process that has not held lines yet.
    constexpr int kKept = 100'000;
    qint64 jsonBytes = 0;
    double rssDeltaMb = 0;
    qint64 bufferBytes = 0;
    {
        std::vector<QByteArray> bodies;
        bodies.reserve(kKept);
        for (int i = 0; i < kKept; ++i)
            bodies.push_back(QJsonDocument(renderLine(i)).toJson(QJsonDocument::Compact));
        for (const QByteArray& b : bodies)
            jsonBytes += b.size() + 1;
        ops::LogLineModel model;
        const double before = rssMb();
        QList<ops::LogLine> batch;
        for (const QByteArray& b : bodies) {
            if (auto line = ops::parseLogLine(QJsonDocument::fromJson(b).object()))
                batch.push_back(std::move(*line));
            if (batch.size() == 100) {
                model.append(batch);
                batch.clear();
            }
        }
        model.append(batch);
        rssDeltaMb = rssMb() - before;
        bufferBytes = model.buffer().approximateBytes();
        if (model.buffer().size() != kKept) {
            std::fprintf(stderr, "logs bench: the buffer kept %lld lines, not %d\n",
                         static_cast<long long>(model.buffer().size()), kKept);
            return 1;
        }
    }

    // Throughput: 300,000 lines (the ring wraps 2 times) with a filter that keeps some.
    constexpr int kLines = 300'000;
    constexpr int kBatch = 100;
    std::vector<ops::LogLine> lines;
    lines.reserve(kLines);
    for (int i = 0; i < kLines; ++i) {
        if (auto line = ops::parseLogLine(renderLine(i)))
            lines.push_back(std::move(*line));
    }
    std::vector<QList<ops::LogLine>> batches;
    for (int i = 0; i < kLines; i += kBatch)
        batches.emplace_back(lines.begin() + i, lines.begin() + std::min(i + kBatch, kLines));

    std::vector<double> modelTimes;
    std::vector<double> copyTimes;
    int shown = 0;
    for (int run = 0; run < 5; ++run) {
        ops::LogLineModel model;
        ops::LogFilter filter;
        filter.setLevels({ops::LogLevel::Info, ops::LogLevel::Warning, ops::LogLevel::Error,
                          ops::LogLevel::Critical});
        filter.setText(QStringLiteral("candidates"), false);
        model.setFilter(filter);
        double t0 = nowSeconds();
        for (const QList<ops::LogLine>& b : batches)
            model.append(b);
        modelTimes.push_back(nowSeconds() - t0);
        shown = model.rowCount();

        std::vector<ops::LogLine> copy;
        copy.reserve(kLines);
        t0 = nowSeconds();
        for (const QList<ops::LogLine>& b : batches)
            copy.insert(copy.end(), b.begin(), b.end());
        copyTimes.push_back(nowSeconds() - t0);
    }
    std::sort(modelTimes.begin(), modelTimes.end());
    std::sort(copyTimes.begin(), copyTimes.end());
    const double linesPerS = kLines / modelTimes[modelTimes.size() / 2];
    const double copyPerS = kLines / copyTimes[copyTimes.size() / 2];
    const double jsonMb = double(jsonBytes) / 1048576.0;

    char note[1024];
    std::vector<Row> rows;
    std::snprintf(note, sizeof note,
                  "%d lines in batches of %d, filter info+ and \"candidates\" (%d rows shown of "
                  "the %d kept); median of 5; %.2fx the copy's time",
                  kLines, kBatch, shown, kKept, copyPerS / linesPerS);
    rows.push_back(
        {"logs_lines_per_s", linesPerS, "line/s", ">= 200000", linesPerS >= 200'000, note});
    rows.push_back({"  reference: copy into a vector", copyPerS, "line/s", "reference",
                    std::nullopt, "the same batches, no buffer or filter"});
    std::snprintf(note, sizeof note,
                  "%d lines parsed from their own JSON; the buffer counts %.1f MB; %.2fx the JSON "
                  "Lines size",
                  kKept, double(bufferBytes) / 1048576.0, rssDeltaMb / jsonMb);
    rows.push_back({"logs_rss_100k_mb", rssDeltaMb, "MB", "<= 100", rssDeltaMb <= 100, note});
    rows.push_back({"  reference: the lines as JSON Lines", jsonMb, "MB", "reference", std::nullopt,
                    "bytes of the same 100,000 lines"});

    // The GUI while lines stream in (needs the simulator).
    constexpr int kStreamRate = 5000;
    double stallMs = std::nan("");
    double hiddenStallMs = std::nan("");
    double streamRate = std::nan("");
    if (simBinary.isEmpty()) {
        rows.push_back({"logs_stall_ms", std::nan(""), "ms", "<= 16", std::nullopt,
                        "not measured: run with --sim SIM_BINARY (scripts/bench does)"});
    } else {
        const ops::bench::LogsStallResult stall =
            ops::bench::measureLogsStall(app, simBinary, stallSeconds, kStreamRate);
        if (!stall.error.isEmpty()) {
            std::fprintf(stderr, "logs bench: logs_stall_ms not measured: %s\n",
                         qPrintable(stall.error));
            return 1;
        }
        stallMs = stall.visible.stallMs;
        hiddenStallMs = stall.hidden.stallMs;
        streamRate = stall.visible.linesPerS;
        // The figure only counts if the stream really ran at (about) its rate.
        const bool streamed = streamRate >= 0.9 * kStreamRate;
        std::snprintf(note, sizeof note,
                      "%d s at %.0f line/s arrived (asked %d), tab visible at 1280x720, %d rows "
                      "shown, buffer full; %.2fx the hidden tab's; the longest: %s; most GUI "
                      "thread CPU in one event %.1f ms (%s); heartbeat worst %.1f ms late%s",
                      stall.seconds, streamRate, kStreamRate, stall.visible.rowsShown,
                      hiddenStallMs > 0 ? stallMs / hiddenStallMs : std::nan(""),
                      qPrintable(stall.visible.stallWhat), stall.visible.cpuMs,
                      qPrintable(stall.visible.cpuWhat), stall.visible.lateMs,
                      streamed ? "" : " (the stream ran below 90 % of its rate)");
        rows.push_back({"logs_stall_ms", stallMs, "ms", "<= 16", stallMs <= 16 && streamed, note});
        std::snprintf(note, sizeof note,
                      "the same stream (%.0f line/s) right after, another tab shown; the "
                      "longest: %s; most CPU in one event %.1f ms (%s); heartbeat worst %.1f ms "
                      "late",
                      stall.hidden.linesPerS, qPrintable(stall.hidden.stallWhat),
                      stall.hidden.cpuMs, qPrintable(stall.hidden.cpuWhat), stall.hidden.lateMs);
        rows.push_back(
            {"  reference: Logs tab hidden", hiddenStallMs, "ms", "reference", std::nullopt, note});
    }

    std::printf("%-40s %12s %-6s %-20s %-6s %s\n", "figure", "value", "unit", "bar", "pass",
                "ratio/notes");
    for (const Row& r : rows) {
        std::printf("%-40s %12.4g %-6s %-20s %-6s %s\n", r.figure.c_str(), r.value, r.unit.c_str(),
                    r.bar.c_str(), !r.pass ? "" : (*r.pass ? "PASS" : "FAIL"), r.notes.c_str());
    }
    if (json) {
        auto num = [](double v) {
            if (std::isnan(v) || std::isinf(v))
                return std::string("null");
            char b[64];
            std::snprintf(b, sizeof b, "%.4g", v);
            return std::string(b);
        };
        std::printf("{\"logs_lines_per_s\": %s, \"logs_copy_reference_lines_per_s\": %s, "
                    "\"logs_rss_100k_mb\": %s, \"logs_json_reference_mb\": %s, "
                    "\"logs_stall_ms\": %s, \"logs_stall_hidden_reference_ms\": %s, "
                    "\"logs_stall_stream_lines_per_s\": %s}\n",
                    num(linesPerS).c_str(), num(copyPerS).c_str(), num(rssDeltaMb).c_str(),
                    num(jsonMb).c_str(), num(stallMs).c_str(), num(hiddenStallMs).c_str(),
                    num(streamRate).c_str());
    }
    return 0;
}
