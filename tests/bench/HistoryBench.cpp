// ops-history-bench: the history store's figures (issue 21), measured in one run.
//   ops-history-bench DATA_DIR [--json] [--quick]
// A gateway-10k-shaped target (ScrapeSimulator + SignalDeriver: its 12 signals and 6 per
// endpoint, as TargetHistory records them) written into a real HistoryStore on disk with the
// default options: 28 days at one scrape a minute (so 30 days of 1-minute rollups exist, as
// many rollup rows as 1 s polls give) and then the last 48 h at 1 s polls. Then:
//   history_write_ms_per_scrape   CPU time of append + flush every 10 scrapes (what
//                                 HistoryWriter does at 1 s polls) over the last day, per
//                                 scrape; reference: SignalDeriver's ingest of the same scrape
//   history_bytes_per_point_disk  the last day's files (raw segments + indexes, that day's
//                                 rollup segment, head.blk) / the values written that day;
//                                 shown, not judged (the 1.0 is below what the
//                                 average latencies hold: see the row's notes); beside it the
//                                 last hour's raw chunks as written, a value, and reference:
//                                 zlib -9 of the same blocks as plain columns
//   history_open_24h_ms           what the console does at start (TargetHistory::start, before
//                                 the first poll), the same code: open the 30-day store
//                                 read-write (lock, runs.log, indexes, head.blk), read the
//                                 last 24 h (HistoryRestore: the target's signals at poll
//                                 resolution, the endpoints' last 15 min) and fill a
//                                 SignalBoard with it; reference: reading the same files'
//                                 bytes. Also shown: an endpoint charted afterwards (its day,
//                                 the older minutes from the rollups: TargetHistory::
//                                 focusEndpoint), the target's signals alone, and every
//                                 series raw for the day (both read only, no board).
// The default retention (48 h raw, 30 days of rollups), with a cap that holds it all.
// --quick: 2 days of minutes and 2 h of 1 s polls; the "day" and the window are then those 2 h
// (the figures are not a day's). --store DIR: the store in DIR, kept; a second run with the same
// DIR (and --quick or not, as the first) only opens it again (for profiling the open). Timing is
// this thread's CPU time (the store runs on its own writer thread; a shared 2-core machine's wall
// time mostly measures the neighbours).

#include "models/domain/Clock.h"
#include "models/history/Gorilla.h"
#include "models/history/HistoryRestore.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"
#include "models/metrics/SeriesStore.h"
#include "models/metrics/SignalBoard.h"
#include "models/metrics/SignalDeriver.h"
#include "tests/bench/ScrapeSimulator.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace {

double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wallNow()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? NAN : v[v.size() / 2];
}

std::string readFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

struct Row {
    std::string figure;
    double value;
    std::string unit;
    std::string bar;
    std::optional<bool> pass;
    std::string notes;
};

// The per-endpoint signal names TargetHistory writes (bhiv_endpoint_<name>{endpoint="..."}).
constexpr const char* kEndpointSignals[] = {"request_rate", "error_rate",  "latency_avg",
                                            "latency_p50",  "latency_p95", "latency_p99"};
constexpr std::size_t kEndpointSignalNames = std::size(kEndpointSignals);
static_assert(kEndpointSignalNames == ops::kEndpointSignalCount);

std::string escaped(const std::string& s)
{
    std::string out;
    for (const char c : s) {
        if (c == '\\' || c == '"')
            out += '\\';
        out += c == '\n' ? 'n' : c;
    }
    return out;
}

// One cycle of scrapes' values: what TargetHistory would hand the store each poll.
struct Cycle {
    std::vector<std::string> targetNames;
    std::vector<std::string> endpointNames;
    std::vector<std::vector<double>> target;    // [poll][series]
    std::vector<std::vector<double>> endpoints; // [poll][series]
    double ingestMs = NAN;                      // median SignalDeriver ingest of one scrape
};

Cycle makeCycle(const std::string& body, int polls)
{
    Cycle c;
    ops::bench::ScrapeSimulator sim(body);
    ops::SignalDeriver deriver;
    std::vector<std::string> endpoints; // order fixed by the first scrape that has them
    std::vector<double> ingest;
    for (std::size_t i = 0; i < ops::kSignalCount; ++i)
        c.targetNames.push_back("bhiv_" +
                                std::string(ops::signalName(static_cast<ops::SignalId>(i))));
    qint64 t = 1'767'225'600'000;
    for (int poll = 0; poll < polls + 2; ++poll) {
        t += 1000;
        const std::string_view scrape = sim.next();
        const double t0 = cpuNow();
        deriver.ingest(t, scrape, ops::MetricsFormat::PrometheusText);
        if (poll > 0)
            ingest.push_back((cpuNow() - t0) * 1e3);
        if (poll < 2)
            continue; // the first scrapes have no rates yet
        std::vector<double> target(ops::kSignalCount);
        for (std::size_t i = 0; i < ops::kSignalCount; ++i)
            target[i] = deriver.latest(static_cast<ops::SignalId>(i));
        c.target.push_back(std::move(target));
        const auto& rows = deriver.endpointTable();
        if (endpoints.empty()) {
            for (const ops::EndpointValues& row : rows) {
                endpoints.push_back(row.endpoint);
                for (const char* signal : kEndpointSignals)
                    c.endpointNames.push_back(std::string("bhiv_endpoint_") + signal +
                                              "{endpoint=\"" + escaped(row.endpoint) + "\"}");
            }
        }
        std::vector<double> values(c.endpointNames.size(), NAN);
        for (const ops::EndpointValues& row : rows) {
            const auto it = std::find(endpoints.begin(), endpoints.end(), row.endpoint);
            if (it == endpoints.end())
                continue;
            const std::size_t base = std::size_t(it - endpoints.begin()) * kEndpointSignalNames;
            for (std::size_t k = 0; k < kEndpointSignalNames; ++k)
                values[base + k] = row.latest[k];
        }
        c.endpoints.push_back(std::move(values));
    }
    c.ingestMs = median(ingest);
    return c;
}

ops::HistoryFrame frameOf(const char* group, const std::vector<std::string>& names)
{
    ops::HistoryFrame f;
    f.group = group;
    for (const std::string& n : names)
        f.values.push_back({n, 0});
    return f;
}

qint64 fileBytes(const QString& path)
{
    return QFileInfo::exists(path) ? QFileInfo(path).size() : 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string data = argc > 1 ? argv[1] : "tests/data";
    bool json = false;
    bool quick = false;
    QString storeDir;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--json"))
            json = true;
        else if (!std::strcmp(argv[i], "--quick"))
            quick = true;
        else if (!std::strcmp(argv[i], "--store") && i + 1 < argc)
            storeDir = QString::fromLocal8Bit(argv[++i]);
    }
    const std::string body = readFile(data + "/metrics/gateway-10k.prom");
    if (body.empty()) {
        std::fprintf(stderr, "cannot read %s/metrics/gateway-10k.prom\n", data.c_str());
        return 2;
    }
    constexpr qint64 kHour = 3'600'000;
    constexpr qint64 kDay = 24 * kHour;
    const int minuteDays = quick ? 2 : 28;
    const qint64 rawSpan = quick ? 2 * kHour : 48 * kHour;
    // The measured "day" and the opened window: whole raw segments (2 h), so that the files
    // counted hold exactly that span.
    const qint64 window = quick ? 2 * kHour : kDay;

    const Cycle cycle = makeCycle(body, 3600);
    const std::size_t series = cycle.targetNames.size() + cycle.endpointNames.size();
    // Where the bytes go: bytes per value of each kind of series over 900 polls (one
    // raw chunk), for the notes.
    double latencyBytes = 0, rateBytes = 0, otherBytes = 0;
    double gorillaBytes = 0; // the same columns in the paper's Gorilla code (no recent values)
    double avgShare = 0;     // the average latencies' bytes over every value of the chunk
    std::size_t latencySeries = 0, rateSeries = 0, otherSeries = 0;
    for (std::size_t s = 0; s < series; ++s) {
        std::vector<double> col;
        for (std::size_t r = 0; r < 900; ++r)
            col.push_back(s < cycle.targetNames.size()
                              ? cycle.target[r][s]
                              : cycle.endpoints[r][s - cycle.targetNames.size()]);
        const double perValue = double(ops::encodeValues(col).size()) / 900.0;
        gorillaBytes += double(ops::encodeValues(col, ops::ValueCodec::Gorilla).size()) / 900.0;
        const std::string& name = s < cycle.targetNames.size()
                                      ? cycle.targetNames[s]
                                      : cycle.endpointNames[s - cycle.targetNames.size()];
        if (name.find("latency_avg") != std::string::npos)
            avgShare += perValue / double(series);
        if (name.find("latency") != std::string::npos) {
            latencyBytes += perValue;
            ++latencySeries;
        } else if (name.find("_rate") != std::string::npos) {
            rateBytes += perValue;
            ++rateSeries;
        } else {
            otherBytes += perValue;
            ++otherSeries;
        }
    }

    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "cannot make a temporary folder\n");
        return 2;
    }
    const QString folder = storeDir.isEmpty() ? dir.filePath(QStringLiteral("history")) : storeDir;
    const bool reuse = !storeDir.isEmpty() && QFileInfo::exists(folder + "/head.blk");
    const qint64 start = 1'767'225'600'000 - minuteDays * kDay; // midnight UTC
    const qint64 rawStart = start + minuteDays * kDay;
    const qint64 end = rawStart + rawSpan;
    const qint64 dayStart = end - window;
    ops::ManualClock clock(start);
    // Retention as the defaults (48 h raw, 30 days of rollups), but a cap that holds them: at
    // this size the default 256 MB cap would drop the oldest days (said in the notes).
    ops::HistoryOptions options;
    options.capBytes = 64LL << 30;
    ops::HistoryFrame target = frameOf("target", cycle.targetNames);
    ops::HistoryFrame endpoints = frameOf("endpoints", cycle.endpointNames);
    std::size_t poll = 0;
    const auto fill = [&](qint64 t) {
        const std::size_t i = poll++ % cycle.target.size();
        target.timeMs = endpoints.timeMs = t;
        for (std::size_t s = 0; s < target.values.size(); ++s)
            target.values[s].value = cycle.target[i][s];
        for (std::size_t s = 0; s < endpoints.values.size(); ++s)
            endpoints.values[s].value = cycle.endpoints[i][s];
    };

    double writeCpu = 0;
    double flushCpu = 0; // the part of writeCpu spent in flush() and close()
    double writeWall = 0;
    std::size_t measuredScrapes = 0;
    std::size_t measuredPoints = 0;
    QStringList problems;
    if (reuse) {
        clock.setMs(end - 1000);
        std::fprintf(stderr, "--store: reusing %s, the write figures are not measured\n",
                     qPrintable(folder));
    } else {
        ops::HistoryStore store(folder, &clock, options);
        if (!store.open()) {
            std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(store.modeReason()));
            return 2;
        }
        // Older days: a scrape a minute (the rollups of 30 days).
        for (qint64 t = start; t < rawStart; t += 60'000) {
            clock.setMs(t);
            fill(t);
            store.append(target);
            store.append(endpoints);
            if (poll % 10 == 0)
                store.flush();
        }
        // The last 48 h at 1 s polls, flushed every 10 s; the last day is measured.
        for (qint64 t = rawStart; t < end; t += 1000) {
            clock.setMs(t);
            fill(t);
            const bool measured = t >= dayStart;
            const double c0 = measured ? cpuNow() : 0;
            const double w0 = measured ? wallNow() : 0;
            store.append(target);
            store.append(endpoints);
            const double f0 = measured ? cpuNow() : 0;
            if ((t / 1000) % 10 == 0)
                store.flush();
            if (measured) {
                flushCpu += cpuNow() - f0;
                writeCpu += cpuNow() - c0;
                writeWall += wallNow() - w0;
                ++measuredScrapes;
                measuredPoints += series;
            }
        }
        const double c0 = cpuNow();
        store.close();
        writeCpu += cpuNow() - c0;
        flushCpu += cpuNow() - c0;
        problems = store.takeProblems();
    }
    const double writeMs = writeCpu * 1e3 / double(std::max<std::size_t>(measuredScrapes, 1));
    const double writeWallMs = writeWall * 1e3 / double(std::max<std::size_t>(measuredScrapes, 1));

    // The measured day's bytes: its raw segments (and their indexes), the rollup segment of
    // that day, and head.blk and head-rollup.blk (the chunks still open at the end).
    const QDir history(folder);
    const qint64 headBytes = fileBytes(history.filePath(QStringLiteral("head.blk"))) +
                             fileBytes(history.filePath(QStringLiteral("head-rollup.blk")));
    qint64 dayBytes = headBytes;
    qint64 rawBytes = 0;
    qint64 allBytes = 0;
    for (const QFileInfo& f : history.entryInfoList(QDir::Files)) {
        allBytes += f.size();
        const QString name = f.fileName();
        if (!name.endsWith(QLatin1String(".seg")))
            continue;
        const qint64 segStart = name.mid(name.indexOf(u'-') + 1).chopped(4).toLongLong();
        const bool raw = name.startsWith(QLatin1String("raw-"));
        const bool inDay =
            raw ? segStart >= dayStart : (segStart <= dayStart && dayStart < segStart + kDay);
        if (!inDay)
            continue;
        dayBytes += f.size() + fileBytes(f.filePath() + QStringLiteral(".idx"));
        if (raw)
            rawBytes += f.size() + fileBytes(f.filePath() + QStringLiteral(".idx"));
    }
    const double bytesPerPoint =
        double(dayBytes) / double(std::max<std::size_t>(measuredPoints, 1));

    // The judged comparison: the codec against zlib -9 on the same chunks. The last hour's raw
    // chunks (the simulated traffic repeats every hour, so an hour holds every kind of value the
    // day has), read back from the newest raw segment: their frames as written, and the same
    // blocks as plain columns (group, names, int64 times, doubles) through zlib -9 (qCompress,
    // its 4-byte size prefix not counted).
    double codecChunkBytes = 0, zlibChunkBytes = 0;
    std::size_t chunkValues = 0, chunks = 0;
    {
        QString newest;
        qint64 newestStart = -1;
        for (const QFileInfo& f :
             history.entryInfoList({QStringLiteral("raw-*.seg")}, QDir::Files)) {
            const qint64 segStart =
                f.fileName().mid(f.fileName().indexOf(u'-') + 1).chopped(4).toLongLong();
            if (segStart > newestStart) {
                newestStart = segStart;
                newest = f.filePath();
            }
        }
        QFile seg(newest);
        const QByteArray bytes = seg.open(QIODevice::ReadOnly) ? seg.readAll() : QByteArray();
        const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.constData());
        std::size_t offset = 0;
        while (offset < std::size_t(bytes.size())) {
            std::size_t frame = 0;
            ops::HistoryBlock block;
            if (ops::decodeBlock(data + offset, std::size_t(bytes.size()) - offset, frame,
                                 &block) != ops::BlockReadStatus::Ok)
                break;
            offset += frame;
            if (block.kind != ops::HistoryKind::Raw || block.firstTime() < end - kHour)
                continue;
            QByteArray plain(block.group.data(), qsizetype(block.group.size()));
            plain.append(reinterpret_cast<const char*>(block.times.data()),
                         qsizetype(block.times.size() * sizeof(qint64)));
            for (const ops::HistorySeries& s : block.series) {
                plain.append(s.name.data(), qsizetype(s.name.size()));
                plain.append(reinterpret_cast<const char*>(s.columns[0].data()),
                             qsizetype(s.columns[0].size() * sizeof(double)));
            }
            codecChunkBytes += double(frame);
            zlibChunkBytes += double(qCompress(plain, 9).size() - 4);
            chunkValues += block.pointCount();
            ++chunks;
        }
    }
    const double codecChunkBytesPerValue =
        codecChunkBytes / double(std::max<std::size_t>(chunkValues, 1));
    const double zlibBytesPerPoint = zlibChunkBytes / double(std::max<std::size_t>(chunkValues, 1));

    // What a console does at start (TargetHistory::start): open the 30-day store read-write (the
    // lock, runs.log, the indexes, head.blk), read the day (HistoryRestore: the target's signals
    // raw, the endpoints' last 15 min raw) and fill a SignalBoard with it, 5 times; then, as
    // when the Endpoints page charts an endpoint (TargetHistory::focusEndpoint), that
    // endpoint's day (its older minutes from the rollups) into a store of its own. Two more
    // ways, for the notes: the target's 12 signals alone, and every series raw for the whole
    // day (what the console did before; both read only, no board).
    enum class Read { Console, TargetOnly, AllRaw };
    qint64 storeBytes = 0;
    std::vector<double> openPhase, readPhase, fillPhase, endpointDayTimes;
    std::size_t endpointDayRows = 0;
    std::string dayEndpoint;
    {
        std::size_t signal = 0;
        ops::TargetHistory::parseEndpointSeriesName(cycle.endpointNames.front(), signal,
                                                    dayEndpoint);
    }
    const auto openAndRead = [&](Read what, std::size_t* pointsOut, std::size_t* segmentsOut) {
        const double c0 = cpuNow();
        ops::HistoryStore store(folder, &clock, options);
        if (!store.open(what != Read::Console) ||
            (what == Read::Console && store.mode() != ops::HistoryMode::ReadWrite))
            return double(NAN);
        std::size_t points = 0;
        const auto count = [&points, end, window](const std::vector<ops::HistoryBlock>& bs) {
            for (const ops::HistoryBlock& b : bs) {
                for (qint64 t : b.times)
                    points += t >= end - window ? b.series.size() : 0;
            }
        };
        double ms = NAN;
        if (what == Read::Console) {
            ops::RestoreWindow w;
            w.fromMs = end - window;
            w.toMs = end;
            w.endpointRecentMs = ops::TargetHistory::kEndpointRecentMs;
            const double c1 = cpuNow();
            const ops::RestoreData data = ops::readRestore(store, w);
            const double c2 = cpuNow();
            ops::SignalBoard board;
            const ops::RestoreCounts counts = ops::fillBoard(data, board);
            const double c3 = cpuNow();
            ms = (c3 - c0) * 1e3;
            openPhase.push_back((c1 - c0) * 1e3);
            readPhase.push_back((c2 - c1) * 1e3);
            fillPhase.push_back((c3 - c2) * 1e3);
            points = counts.times.size() * ops::kSignalCount + counts.endpointPoints;
            // An endpoint charted: its day.
            const double d0 = cpuNow();
            w.endpointRecentMs = ops::TargetHistory::kEndpointDayRawMs;
            const ops::EndpointDayData day = ops::readEndpointDay(store, dayEndpoint, w);
            ops::SeriesStore dayStore(ops::SeriesStoreConfig::signalsForADay());
            std::array<std::uint32_t, ops::kEndpointSignalCount> ids{};
            for (auto& id : ids)
                id = dayStore.addSeries();
            endpointDayRows = ops::fillEndpointDay(day, dayEndpoint, dayStore, ids);
            endpointDayTimes.push_back((cpuNow() - d0) * 1e3);
        } else {
            count(store.read(ops::HistoryKind::Raw, "target", end - window, end));
            if (what == Read::AllRaw)
                count(store.read(ops::HistoryKind::Raw, "endpoints", end - window, end));
            ms = (cpuNow() - c0) * 1e3;
        }
        if (pointsOut)
            *pointsOut = points;
        if (segmentsOut)
            *segmentsOut = store.segments().size();
        storeBytes = store.diskBytes();
        problems += store.takeProblems();
        return ms;
    };
    std::vector<double> openTimes;
    std::vector<double> openWall;
    std::size_t openPoints = 0;
    std::size_t openSegments = 0;
    for (int run = 0; run < 5; ++run) {
        const double w0 = wallNow();
        openTimes.push_back(openAndRead(Read::Console, &openPoints, &openSegments));
        openWall.push_back((wallNow() - w0) * 1e3);
    }
    std::vector<double> targetTimes;
    std::vector<double> allRawTimes;
    std::size_t allRawPoints = 0;
    for (int run = 0; run < (quick ? 3 : 1); ++run) {
        targetTimes.push_back(openAndRead(Read::TargetOnly, nullptr, nullptr));
        allRawTimes.push_back(openAndRead(Read::AllRaw, &allRawPoints, nullptr));
    }
    const double openMs = median(openTimes);
    if (std::isnan(openMs)) {
        std::fprintf(stderr, "cannot open the store read-only\n");
        return 2;
    }

    // Reference: reading the bytes of the files that hold that window (warm page cache too).
    std::vector<double> readTimes;
    for (int run = 0; run < 5; ++run) {
        const double c0 = cpuNow();
        qint64 n = 0;
        for (const QFileInfo& f : history.entryInfoList({QStringLiteral("raw-*")}, QDir::Files)) {
            const QString name = f.fileName();
            const qint64 segStart =
                name.mid(4, name.indexOf(u'.') - 4).toLongLong(); // raw-<t0>.seg[.idx]
            if (segStart + 2 * kHour <= end - window)
                continue;
            QFile file(f.filePath());
            if (file.open(QIODevice::ReadOnly))
                n += file.readAll().size();
        }
        for (const QString& name :
             {QStringLiteral("head.blk"), QStringLiteral("head-rollup.blk")}) {
            QFile head(history.filePath(name));
            if (head.open(QIODevice::ReadOnly))
                n += head.readAll().size();
        }
        readTimes.push_back((cpuNow() - c0) * 1e3);
        if (n == 0)
            return 2;
    }
    const double readMs = median(readTimes);

    const auto ratio = [](double a, double b, const char* what) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%.1fx %s", a / b, what);
        return std::string(buf);
    };
    const std::string span = quick ? "the last 2 h (--quick)" : "the last day";
    char note[512];
    std::vector<Row> rows;
    std::snprintf(note, sizeof note,
                  "%zu series, %zu scrapes of %s; %.0f%% in flush (every 10 s); wall %.3f ms; ",
                  series, measuredScrapes, span.c_str(), 100.0 * flushCpu / writeCpu, writeWallMs);
    rows.push_back({"history_write_ms_per_scrape", writeMs, "ms", "<= 0.2", writeMs <= 0.2,
                    note + ratio(writeMs, cycle.ingestMs, "of ingest")});
    rows.push_back({"  reference: ingest one scrape", cycle.ingestMs, "ms", "reference",
                    std::nullopt, "SignalDeriver, the same gateway-10k scrapes"});
    std::snprintf(note, sizeof note,
                  "%.1f MB for %zu values of %s (raw segments %.1f MB, head files %.1f MB, the "
                  "rest rollups); a value: %zu latency series %.2f B, %zu rates %.2f B, %zu "
                  "others %.2f B (the paper's Gorilla, no recent values: %.2f B); ",
                  double(dayBytes) / 1e6, measuredPoints, span.c_str(), double(rawBytes) / 1e6,
                  double(headBytes) / 1e6, latencySeries,
                  latencyBytes / double(std::max<std::size_t>(latencySeries, 1)), rateSeries,
                  rateBytes / double(std::max<std::size_t>(rateSeries, 1)), otherSeries,
                  otherBytes / double(std::max<std::size_t>(otherSeries, 1)),
                  gorillaBytes / double(std::max<std::size_t>(series, 1)));
    // Not judged: the 1.0 is below what these values hold. Each endpoint's average
    // latency (a ratio of two float counters) is a new value almost every poll with ~50 bits of
    // noise; those series alone cost `avgShare` bytes per point of the whole store, and zlib -9
    // does no better on them. Shown with what zlib -9 makes of the same chunks.
    rows.push_back({"history_bytes_per_point_disk", bytesPerPoint, "B", "1.0 (issue; not judged)",
                    std::nullopt, note + std::string("the raw chunks alone below")});
    std::snprintf(note, sizeof note,
                  "the last hour's %zu raw chunks as written; the average latencies alone: %.2f B "
                  "a point; ",
                  chunks, avgShare);
    rows.push_back(
        {"  raw chunks, a value", codecChunkBytesPerValue, "B", "", std::nullopt,
         note + ratio(codecChunkBytesPerValue, zlibBytesPerPoint, "the size of zlib -9's")});
    rows.push_back({"  reference: zlib -9 of the same chunks", zlibBytesPerPoint, "B", "reference",
                    std::nullopt,
                    "the same blocks as plain columns (names, times, doubles); zlib also finds "
                    "the values repeated across series"});
    std::snprintf(note, sizeof note,
                  "%zu values of %s out of %d days (%zu segments, %.0f MB) into a SignalBoard: "
                  "open %.0f, read %.0f, fill %.0f ms; wall %.0f ms; ",
                  openPoints, quick ? "2 h" : "24 h", minuteDays + int(rawSpan / kDay),
                  openSegments, double(allBytes) / 1e6, median(openPhase), median(readPhase),
                  median(fillPhase), median(openWall));
    rows.push_back({"history_open_24h_ms", openMs, "ms", "<= 300", openMs <= 300,
                    note + ratio(openMs, readMs, "of reading the bytes")});
    rows.push_back(
        {"  reference: read the window's files", readMs, "ms", "reference", std::nullopt, ""});
    rows.push_back({"  open, the target's 12 signals only", median(targetTimes), "ms", "",
                    std::nullopt, "raw, the same window"});
    std::snprintf(note, sizeof note, "%zu rows of %s: its older minutes and its last hour raw",
                  endpointDayRows, dayEndpoint.c_str());
    rows.push_back({"  then an endpoint charted: its day", median(endpointDayTimes), "ms", "",
                    std::nullopt, note});
    std::snprintf(note, sizeof note, "%zu values: every series at poll resolution (read only)",
                  allRawPoints);
    rows.push_back({"  open, every series raw", median(allRawTimes), "ms", "", std::nullopt, note});
    std::snprintf(
        note, sizeof note, "the whole store (%d days); the default cap is %.0f MiB per target",
        minuteDays + int(rawSpan / kDay), double(ops::HistoryOptions{}.capBytes) / 1048576.0);
    rows.push_back({"  store on disk", double(storeBytes) / 1e6, "MB", "", std::nullopt, note});

    std::printf("%-40s %12s %-6s %-20s %-6s %s\n", "figure", "value", "unit", "bar", "pass",
                "ratio/notes");
    for (const Row& r : rows) {
        std::printf("%-40s %12.4g %-6s %-20s %-6s %s\n", r.figure.c_str(), r.value, r.unit.c_str(),
                    r.bar.c_str(), !r.pass ? "" : (*r.pass ? "PASS" : "FAIL"), r.notes.c_str());
    }
    for (const QString& p : std::as_const(problems))
        std::fprintf(stderr, "history problem: %s\n", qPrintable(p));
    if (json) {
        auto num = [](double v) {
            if (std::isnan(v) || std::isinf(v))
                return std::string("null");
            char b[64];
            std::snprintf(b, sizeof b, "%.4g", v);
            return std::string(b);
        };
        std::printf("{\"history_write_ms_per_scrape\": %s, \"history_ingest_reference_ms\": %s, "
                    "\"history_bytes_per_point_disk\": %s, \"history_zlib_bytes_per_point\": %s, "
                    "\"history_chunk_bytes_per_value\": %s, "
                    "\"history_open_24h_ms\": %s, \"history_read_files_reference_ms\": %s, "
                    "\"history_open_24h_target_only_ms\": %s, \"history_endpoint_day_ms\": %s, "
                    "\"history_open_24h_all_raw_ms\": %s, \"history_store_mb\": %s, "
                    "\"history_series\": %zu, \"history_quick\": %s}\n",
                    num(writeMs).c_str(), num(cycle.ingestMs).c_str(), num(bytesPerPoint).c_str(),
                    num(zlibBytesPerPoint).c_str(), num(codecChunkBytesPerValue).c_str(),
                    num(openMs).c_str(), num(readMs).c_str(), num(median(targetTimes)).c_str(),
                    num(median(endpointDayTimes)).c_str(), num(median(allRawTimes)).c_str(),
                    num(double(storeBytes) / 1e6).c_str(), series, quick ? "true" : "false");
    }
    return problems.isEmpty() ? 0 : 1;
}
