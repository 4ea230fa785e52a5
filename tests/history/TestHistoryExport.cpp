// `bhiv-ops history export`: a store written on a ManualClock with known values (NaN gaps, ±Inf,
// a counter reset, irregular intervals) comes out of every format with exactly those values;
// raw values where the store keeps them, 1-minute rollups before; bad times, an unknown target,
// an inverted or empty range, a corrupt segment and a store held by a running console, through
// the real console binary.

#include "models/history/HistoryExport.h"
#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/targets/TargetStore.h"
#include "tests/support/CliRunner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace ops;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

HistoryFrame frame(const char* group, qint64 t, std::vector<HistoryValue> values)
{
    HistoryFrame f;
    f.group = group;
    f.timeMs = t;
    f.values = std::move(values);
    return f;
}

// The known story: irregular polls, a gap, ±Inf, a counter reset, a series that starts late and
// one whose label holds a comma and a quote.
void writeStory(const QString& folder)
{
    ManualClock clock(kT0);
    HistoryStore store(folder, &clock);
    QVERIFY(store.open());
    QCOMPARE(store.mode(), HistoryMode::ReadWrite);
    const std::string rate = "bhiv_request_rate";
    const std::string memory = "bhiv_memory_bytes";
    const std::string p95 = "bhiv_endpoint_latency_p95{endpoint=\"/x\"}";
    const std::string total = "bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"}";
    const struct {
        qint64 dt;
        double rate, memory, p95, total;
    } rows[] = {
        {0, 1.5, 1048576, kNaN, 10},    {1000, kNaN, 1048576, kNaN, 20},
        {2500, 2.25, 2097152, 0.25, 3}, // the counter was reset (a redeploy)
        {2600, kInf, kNaN, kNaN, 8},    {7123, -kInf, 0.1, 0.5, 8},
        {30001, 0.1, 3e-7, kNaN, kNaN},
    };
    for (const auto& r : rows) {
        clock.setMs(kT0 + r.dt);
        store.append(frame("target", kT0 + r.dt, {{rate, r.rate}, {memory, r.memory}}));
        store.append(frame("endpoints", kT0 + r.dt, {{p95, r.p95}, {total, r.total}}));
    }
    store.flush();
    store.close();
}

const char* const kStoryOpenMetrics =
    "# TYPE bhiv_endpoint_latency_p95 unknown\n"
    "# HELP bhiv_endpoint_latency_p95 BHIV Ops Console history, unit: seconds; raw poll values, "
    "and before them 1-minute rollups labelled rollup=min|max|avg|last\n"
    "bhiv_endpoint_latency_p95{endpoint=\"/x\"} 0.25 1767225602.500\n"
    "bhiv_endpoint_latency_p95{endpoint=\"/x\"} 0.5 1767225607.123\n"
    "# TYPE bhiv_endpoint_requests_total unknown\n"
    "# HELP bhiv_endpoint_requests_total BHIV Ops Console history, unit: count (cumulative); "
    "raw poll values, and before them 1-minute rollups labelled rollup=min|max|avg|last\n"
    "bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"} 10 1767225600\n"
    "bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"} 20 1767225601\n"
    "bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"} 3 1767225602.500\n"
    "bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"} 8 1767225602.600\n"
    "bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"} 8 1767225607.123\n"
    "# TYPE bhiv_memory_bytes unknown\n"
    "# UNIT bhiv_memory_bytes bytes\n"
    "# HELP bhiv_memory_bytes BHIV Ops Console history, unit: bytes; raw poll values, and before "
    "them 1-minute rollups labelled rollup=min|max|avg|last\n"
    "bhiv_memory_bytes 1048576 1767225600\n"
    "bhiv_memory_bytes 1048576 1767225601\n"
    "bhiv_memory_bytes 2097152 1767225602.500\n"
    "bhiv_memory_bytes 0.1 1767225607.123\n"
    "bhiv_memory_bytes 3e-07 1767225630.001\n"
    "# TYPE bhiv_request_rate unknown\n"
    "# HELP bhiv_request_rate BHIV Ops Console history, unit: requests per second; raw poll "
    "values, and before them 1-minute rollups labelled rollup=min|max|avg|last\n"
    "bhiv_request_rate 1.5 1767225600\n"
    "bhiv_request_rate 2.25 1767225602.500\n"
    "bhiv_request_rate +Inf 1767225602.600\n"
    "bhiv_request_rate -Inf 1767225607.123\n"
    "bhiv_request_rate 0.1 1767225630.001\n"
    "# EOF\n";

const char* const kStoryCsv =
    "time_utc,time_ms,series,resolution,unit,value\n"
    "2026-01-01T00:00:02.500Z,1767225602500,\"bhiv_endpoint_latency_p95{endpoint=\"\"/x\"\"}\","
    "raw,seconds,0.25\n"
    "2026-01-01T00:00:02.600Z,1767225602600,\"bhiv_endpoint_latency_p95{endpoint=\"\"/x\"\"}\","
    "raw,seconds,\n"
    "2026-01-01T00:00:07.123Z,1767225607123,\"bhiv_endpoint_latency_p95{endpoint=\"\"/x\"\"}\","
    "raw,seconds,0.5\n"
    "2026-01-01T00:00:00.000Z,1767225600000,\"bhiv_endpoint_requests_total{endpoint=\"\"/a,"
    "\\\"\"b\\\"\"\"\"}\",raw,count (cumulative),10\n"
    "2026-01-01T00:00:01.000Z,1767225601000,\"bhiv_endpoint_requests_total{endpoint=\"\"/a,"
    "\\\"\"b\\\"\"\"\"}\",raw,count (cumulative),20\n"
    "2026-01-01T00:00:02.500Z,1767225602500,\"bhiv_endpoint_requests_total{endpoint=\"\"/a,"
    "\\\"\"b\\\"\"\"\"}\",raw,count (cumulative),3\n"
    "2026-01-01T00:00:02.600Z,1767225602600,\"bhiv_endpoint_requests_total{endpoint=\"\"/a,"
    "\\\"\"b\\\"\"\"\"}\",raw,count (cumulative),8\n"
    "2026-01-01T00:00:07.123Z,1767225607123,\"bhiv_endpoint_requests_total{endpoint=\"\"/a,"
    "\\\"\"b\\\"\"\"\"}\",raw,count (cumulative),8\n"
    "2026-01-01T00:00:00.000Z,1767225600000,bhiv_memory_bytes,raw,bytes,1048576\n"
    "2026-01-01T00:00:01.000Z,1767225601000,bhiv_memory_bytes,raw,bytes,1048576\n"
    "2026-01-01T00:00:02.500Z,1767225602500,bhiv_memory_bytes,raw,bytes,2097152\n"
    "2026-01-01T00:00:02.600Z,1767225602600,bhiv_memory_bytes,raw,bytes,\n"
    "2026-01-01T00:00:07.123Z,1767225607123,bhiv_memory_bytes,raw,bytes,0.1\n"
    "2026-01-01T00:00:30.001Z,1767225630001,bhiv_memory_bytes,raw,bytes,3e-07\n"
    "2026-01-01T00:00:00.000Z,1767225600000,bhiv_request_rate,raw,requests per second,1.5\n"
    "2026-01-01T00:00:01.000Z,1767225601000,bhiv_request_rate,raw,requests per second,\n"
    "2026-01-01T00:00:02.500Z,1767225602500,bhiv_request_rate,raw,requests per second,2.25\n"
    "2026-01-01T00:00:02.600Z,1767225602600,bhiv_request_rate,raw,requests per second,+Inf\n"
    "2026-01-01T00:00:07.123Z,1767225607123,bhiv_request_rate,raw,requests per second,-Inf\n"
    "2026-01-01T00:00:30.001Z,1767225630001,bhiv_request_rate,raw,requests per second,0.1\n";

HistoryExport exportOf(const QString& folder, qint64 from, qint64 to)
{
    ManualClock clock(kT0 + 3'600'000);
    HistoryStore store(folder, &clock);
    if (!store.open(true))
        return {};
    auto data = collectHistoryExport(store, from, to);
    return data ? *data : HistoryExport{};
}

QJsonArray pointsOf(const QJsonObject& root, const QString& name)
{
    for (const QJsonValue& s : root.value(QStringLiteral("series")).toArray()) {
        if (s.toObject().value(QStringLiteral("name")).toString() == name)
            return s.toObject().value(QStringLiteral("points")).toArray();
    }
    return {};
}

} // namespace

class TestHistoryExport : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;
    test::CliRunner m_cli;
    QString m_prodFolder;
    QString m_demoFolder;

    test::CliRunner::Run exportCli(const QStringList& arguments)
    {
        return m_cli.run(QStringList{QStringLiteral("history"), QStringLiteral("export")} +
                         arguments);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        const QString data = m_home.filePath(QStringLiteral("data"));
        const QString config = m_home.filePath(QStringLiteral("config"));
        qputenv("XDG_DATA_HOME", data.toUtf8());
        qputenv("XDG_CONFIG_HOME", config.toUtf8());
        m_cli.environment().insert(QStringLiteral("XDG_DATA_HOME"), data);
        m_cli.environment().insert(QStringLiteral("XDG_CONFIG_HOME"), config);
        QCoreApplication::setOrganizationName(QStringLiteral("BHIV"));
        QCoreApplication::setApplicationName(QStringLiteral("bhiv-ops"));
        QVERIFY(defaultHistoryRoot().startsWith(data));

        TargetStore targets;
        QVERIFY(targets.load());
        Target prod;
        prod.name = QStringLiteral("prod");
        prod.baseUrl = QUrl(QStringLiteral("https://gateway.example"));
        QString error;
        QVERIFY2(targets.upsert(prod, &error), qPrintable(error));
        QVERIFY2(targets.save(&error), qPrintable(error));
        const QString id = targets.idOf(QStringLiteral("prod"));
        QVERIFY(!id.isEmpty());
        m_prodFolder = historyFolderFor(defaultHistoryRoot(), id);
        m_demoFolder = historyFolderFor(defaultHistoryRoot(), QStringLiteral("unsaved/demo"));
        writeStory(m_prodFolder);
        writeStory(m_demoFolder);
    }

    void openMetricsExact()
    {
        const HistoryExport data = exportOf(m_prodFolder, kT0, kT0 + 60'000);
        QCOMPARE(data.series.size(), std::size_t(4));
        QCOMPARE(data.gaps, std::size_t(3)); // the rate's, the memory's and the p95's NaN
        QCOMPARE(QString::fromUtf8(formatHistoryOpenMetrics(data)),
                 QString::fromUtf8(kStoryOpenMetrics));
    }

    void csvExact()
    {
        const HistoryExport data = exportOf(m_prodFolder, kT0, kT0 + 60'000);
        QCOMPARE(QString::fromUtf8(formatHistoryCsv(data)), QString::fromUtf8(kStoryCsv));
    }

    void jsonValues()
    {
        const HistoryExport data = exportOf(m_prodFolder, kT0, kT0 + 60'000);
        QJsonParseError error{};
        const QJsonDocument doc =
            QJsonDocument::fromJson(formatHistoryJson(data, QStringLiteral("prod")), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject root = doc.object();
        QCOMPARE(root.value(QStringLiteral("source")).toString(), QStringLiteral("prod"));
        QCOMPARE(root.value(QStringLiteral("from")).toString(),
                 QStringLiteral("2026-01-01T00:00:00.000Z"));
        QCOMPARE(root.value(QStringLiteral("from_ms")).toDouble(), double(kT0));
        QCOMPARE(root.value(QStringLiteral("series")).toArray().size(), 4);
        const QJsonArray rate = pointsOf(root, QStringLiteral("bhiv_request_rate"));
        const QJsonArray expected =
            QJsonDocument::fromJson("[[1767225600000,1.5],[1767225601000,null],"
                                    "[1767225602500,2.25],[1767225602600,\"+Inf\"],"
                                    "[1767225607123,\"-Inf\"],[1767225630001,0.1]]")
                .array();
        QCOMPARE(rate, expected);
        const QJsonArray counter = pointsOf(
            root, QStringLiteral("bhiv_endpoint_requests_total{endpoint=\"/a,\\\"b\\\"\"}"));
        QCOMPARE(counter.size(), 5);
        QCOMPARE(counter.at(2).toArray().at(1).toDouble(), 3.0); // the reset, kept as it was
        for (const QJsonValue& s : root.value(QStringLiteral("series")).toArray()) {
            const QJsonObject o = s.toObject();
            if (o.value(QStringLiteral("metric")).toString() == u"bhiv_endpoint_requests_total") {
                QCOMPARE(o.value(QStringLiteral("labels")).toObject(),
                         (QJsonObject{{QStringLiteral("endpoint"), QStringLiteral("/a,\"b\"")}}));
                QCOMPARE(o.value(QStringLiteral("unit")).toString(),
                         QStringLiteral("count (cumulative)"));
                QCOMPARE(o.value(QStringLiteral("resolution")).toString(), QStringLiteral("raw"));
                QVERIFY(o.value(QStringLiteral("rollup")).isNull());
            }
        }
        const QJsonArray memory = pointsOf(root, QStringLiteral("bhiv_memory_bytes"));
        QCOMPARE(memory.at(3).toArray().at(0).toDouble(), 1767225602600.0);
        QVERIFY(memory.at(3).toArray().at(1).isNull());
        QCOMPARE(memory.at(5).toArray().at(1).toDouble(), 3e-7);
    }

    void rangeIsInclusiveAndClipped()
    {
        const HistoryExport data = exportOf(m_prodFolder, kT0 + 1000, kT0 + 2600);
        const QByteArray om = formatHistoryOpenMetrics(data);
        QVERIFY(om.contains("bhiv_request_rate 2.25 1767225602.500\n"));
        QVERIFY(om.contains("bhiv_request_rate +Inf 1767225602.600\n"));
        QVERIFY(!om.contains("1767225600\n"));
        QVERIFY(!om.contains("1767225607.123"));
        // The rate's NaN at 1000 is at the range's edge: no leading gap.
        QCOMPARE(data.rawPoints, std::size_t(2 + 3 + 2 + 1));
    }

    void timestampsReadBackExactly()
    {
        // Prometheus truncates seconds*1000: every millisecond must come back as itself.
        for (qint64 ms = kT0; ms < kT0 + 5000; ++ms) {
            const std::string text = openMetricsTimestamp(ms);
            const double seconds = std::strtod(text.c_str(), nullptr);
            QCOMPARE(static_cast<qint64>(seconds * 1000), ms);
        }
        QCOMPARE(openMetricsTimestamp(kT0), std::string("1767225600"));
        QCOMPARE(historyValueText(0.1), std::string("0.1"));
        QCOMPARE(historyValueText(-kInf), std::string("-Inf"));
        QCOMPARE(historyValueText(1e300), std::string("1e+300"));
    }

    void rollupsBeforeRawValues()
    {
        // 40 minutes of 7 s polls; raw values are kept 10 minutes, so the first ~30 minutes
        // come out as 1-minute rollups and the rest raw.
        QTemporaryDir dir;
        HistoryOptions options;
        options.rawBlockMs = 60'000;
        options.rawSegmentMs = 5 * 60'000;
        options.rollupBlockMs = 10 * 60'000;
        options.rollupSegmentMs = 30 * 60'000;
        options.rawRetentionMs = 10 * 60'000;
        ManualClock clock(kT0);
        const auto valueAt = [](qint64 t) { return double((t - kT0) / 1000 % 97); };
        {
            HistoryStore store(dir.path(), &clock, options);
            QVERIFY(store.open());
            for (qint64 t = kT0; t < kT0 + 40 * 60'000; t += 7000) {
                clock.setMs(t);
                store.append(frame("target", t, {{"bhiv_connections", valueAt(t)}}));
                if ((t - kT0) % 70'000 == 0)
                    store.flush();
            }
            store.flush();
            store.close();
        }
        HistoryStore store(dir.path(), &clock, options);
        QVERIFY(store.open(true));
        const auto data = collectHistoryExport(store, kT0, kT0 + 3'600'000);
        QVERIFY(data);
        QCOMPARE(data->series.size(), std::size_t(5)); // raw + min, max, avg, last
        const HistoryExportSeries& raw = data->series[0];
        QVERIFY(raw.rollup.empty());
        QVERIFY(raw.times.front() > kT0 + 20 * 60'000);
        QVERIFY(raw.times.front() < kT0 + 32 * 60'000);
        for (std::size_t i = 0; i < raw.times.size(); ++i) {
            QCOMPARE((raw.times[i] - kT0) % 7000, qint64(0));
            QCOMPARE(raw.values[i], valueAt(raw.times[i]));
        }
        const char* names[] = {"min", "max", "avg", "last"};
        for (int c = 0; c < 4; ++c) {
            const HistoryExportSeries& r = data->series[std::size_t(1 + c)];
            QCOMPARE(r.rollup, std::string(names[c]));
            QCOMPARE(r.fullName(), "bhiv_connections{rollup=\"" + std::string(names[c]) + "\"}");
            QCOMPARE(r.times.front(), kT0);
            QVERIFY(r.times.back() < raw.times.front());
            for (std::size_t i = 0; i < r.times.size(); ++i) {
                const qint64 minute = r.times[i];
                QCOMPARE((minute - kT0) % 60'000, qint64(0));
                double mn = kInf, mx = -kInf, sum = 0, last = 0;
                int n = 0;
                for (qint64 t = kT0 + ((minute - kT0 + 6999) / 7000) * 7000; t < minute + 60'000;
                     t += 7000) {
                    const double v = valueAt(t);
                    mn = std::min(mn, v);
                    mx = std::max(mx, v);
                    sum += v;
                    last = v;
                    ++n;
                }
                const double want[] = {mn, mx, sum / n, last};
                QCOMPARE(r.values[i], want[c]);
            }
        }
        const QByteArray om = formatHistoryOpenMetrics(*data);
        QVERIFY(om.contains("bhiv_connections{rollup=\"avg\"} "));
        QVERIFY(om.startsWith("# TYPE bhiv_connections unknown\n# HELP bhiv_connections "
                              "BHIV Ops Console history, unit: connections;"));
    }

    void cliExportsSavedTargetAsJson()
    {
        const auto run =
            exportCli({QStringLiteral("--target"), QStringLiteral("prod"), QStringLiteral("--from"),
                       QStringLiteral("2026-01-01T01:00:00+01:00"), QStringLiteral("--to"),
                       QStringLiteral("2026-01-01T00:01:00Z"), QStringLiteral("--format"),
                       QStringLiteral("json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject root = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(root.value(QStringLiteral("source")).toString(), QStringLiteral("prod"));
        QCOMPARE(root.value(QStringLiteral("from_ms")).toDouble(), double(kT0));
        QCOMPARE(pointsOf(root, QStringLiteral("bhiv_request_rate")).size(), 6);
    }

    void cliWritesOpenMetricsFileForUnsavedTarget()
    {
        QTemporaryDir out;
        const QString file = out.filePath(QStringLiteral("demo.om"));
        const auto run =
            exportCli({QStringLiteral("--target"), QStringLiteral("demo"), QStringLiteral("--from"),
                       QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2026-01-01T00:01:00Z"), QStringLiteral("--output"), file});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains("17 values of 4 series"), run.err.constData());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()), QString::fromUtf8(kStoryOpenMetrics));
    }

    void cliCsvThroughHistoryDir()
    {
        const auto run =
            exportCli({QStringLiteral("--history-dir"), m_prodFolder, QStringLiteral("--from"),
                       QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2026-01-01T00:01:00Z"), QStringLiteral("--format"),
                       QStringLiteral("csv")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(QString::fromUtf8(run.out), QString::fromUtf8(kStoryCsv));
    }

    void cliWhileAConsoleHoldsTheLock()
    {
        // A running console writes this history (it holds history.lock): the export reads it.
        ManualClock clock(kT0 + 120'000);
        HistoryStore writer(m_prodFolder, &clock);
        QVERIFY(writer.open());
        QCOMPARE(writer.mode(), HistoryMode::ReadWrite);
        const auto run =
            exportCli({QStringLiteral("--target"), QStringLiteral("prod"), QStringLiteral("--from"),
                       QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2026-01-01T00:01:00Z"), QStringLiteral("--format"),
                       QStringLiteral("openmetrics")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(QString::fromUtf8(run.out), QString::fromUtf8(kStoryOpenMetrics));
        writer.close();
    }

    void cliBadTimes_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("garbage from")
            << QStringList{QStringLiteral("--from"), QStringLiteral("yesterday-ish")}
            << QByteArray("--from: 'yesterday-ish' is not a time");
        QTest::newRow("bad to") << QStringList{QStringLiteral("--from"), QStringLiteral("-1h"),
                                               QStringLiteral("--to"),
                                               QStringLiteral("2026-13-45T99:00:00Z")}
                                << QByteArray("--to: '2026-13-45T99:00:00Z' is not a time");
        QTest::newRow("unit") << QStringList{QStringLiteral("--from"), QStringLiteral("-15x")}
                              << QByteArray("--from: '-15x' is not a time");
        QTest::newRow("inverted")
            << QStringList{QStringLiteral("--from"), QStringLiteral("2026-01-02T00:00:00Z"),
                           QStringLiteral("--to"), QStringLiteral("2026-01-01T00:00:00Z")}
            << QByteArray("--to (2026-01-01T00:00:00Z) is before --from (2026-01-02T00:00:00Z)");
        QTest::newRow("no from") << QStringList{} << QByteArray("--from T is required");
        QTest::newRow("bad format")
            << QStringList{QStringLiteral("--from"), QStringLiteral("-1h"),
                           QStringLiteral("--format"), QStringLiteral("xml")}
            << QByteArray("--format must be csv, json or openmetrics, not 'xml'");
    }

    void cliBadTimes()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const auto run =
            exportCli(QStringList{QStringLiteral("--target"), QStringLiteral("prod")} + arguments);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(message), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    void cliUnknownTarget()
    {
        const auto run = exportCli({QStringLiteral("--target"), QStringLiteral("nope"),
                                    QStringLiteral("--from"), QStringLiteral("-1h")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("unknown target 'nope'"), run.err.constData());
        QVERIFY(run.out.isEmpty());
        const auto missing =
            exportCli({QStringLiteral("--history-dir"), m_home.filePath(QStringLiteral("none")),
                       QStringLiteral("--from"), QStringLiteral("-1h")});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains("no history folder"), missing.err.constData());
        const auto neither = exportCli({QStringLiteral("--from"), QStringLiteral("-1h")});
        QCOMPARE(neither.exitCode, 3);
        QVERIFY2(neither.err.contains("say whose history"), neither.err.constData());
        const auto action = m_cli.run({QStringLiteral("history"), QStringLiteral("import"),
                                       QStringLiteral("--target"), QStringLiteral("prod")});
        QCOMPARE(action.exitCode, 3);
        QVERIFY2(action.err.contains("unknown action 'import'"), action.err.constData());
    }

    void cliEmptyRangeIsNotAnError()
    {
        const auto run =
            exportCli({QStringLiteral("--target"), QStringLiteral("prod"), QStringLiteral("--from"),
                       QStringLiteral("2025-06-01T00:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2025-06-02T00:00:00Z"), QStringLiteral("--format"),
                       QStringLiteral("openmetrics")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("# EOF\n"));
        QVERIFY2(run.err.contains("nothing was recorded for prod from 2025-06-01T00:00:00Z to "
                                  "2025-06-02T00:00:00Z"),
                 run.err.constData());
        const auto json =
            exportCli({QStringLiteral("--target"), QStringLiteral("prod"), QStringLiteral("--from"),
                       QStringLiteral("2025-06-01T00:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2025-06-02T00:00:00Z"), QStringLiteral("--format"),
                       QStringLiteral("json")});
        QCOMPARE(json.exitCode, 0);
        QVERIFY(QJsonDocument::fromJson(json.out)
                    .object()
                    .value(QStringLiteral("series"))
                    .toArray()
                    .isEmpty());
    }

    void cliUnwritableOutput()
    {
        const auto run =
            exportCli({QStringLiteral("--target"), QStringLiteral("prod"), QStringLiteral("--from"),
                       QStringLiteral("-1h"), QStringLiteral("--output"),
                       m_home.filePath(QStringLiteral("no/such/folder/x.csv"))});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("does not exist"), run.err.constData());
    }

    void cliCorruptSegmentStillExportsTheRest()
    {
        // Sealed raw segments (1-minute chunks, 5-minute segments): flip a byte inside the
        // first chunk's payload; the export says so and gives everything else.
        QTemporaryDir dir;
        HistoryOptions options;
        options.rawBlockMs = 60'000;
        options.rawSegmentMs = 5 * 60'000;
        ManualClock clock(kT0);
        {
            HistoryStore store(dir.path(), &clock, options);
            QVERIFY(store.open());
            for (qint64 t = kT0; t < kT0 + 12 * 60'000; t += 10'000) {
                clock.setMs(t);
                store.append(
                    frame("target", t, {{"bhiv_connections", double((t - kT0) / 10'000)}}));
            }
            store.flush();
            store.close();
        }
        const QStringList segments =
            QDir(dir.path()).entryList({QStringLiteral("raw-*.seg")}, QDir::Files, QDir::Name);
        QVERIFY2(segments.size() >= 2, qPrintable(segments.join(u' ')));
        QFile seg(dir.filePath(segments.constFirst()));
        QVERIFY(seg.open(QIODevice::ReadWrite));
        QVERIFY(seg.size() > 40);
        QVERIFY(seg.seek(20)); // past the 16-byte frame header
        char byte = 0;
        QVERIFY(seg.getChar(&byte));
        QVERIFY(seg.seek(20));
        QVERIFY(seg.putChar(char(byte ^ 0x5a)));
        seg.close();

        const auto run =
            exportCli({QStringLiteral("--history-dir"), dir.path(), QStringLiteral("--from"),
                       QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2026-01-01T00:12:00Z"), QStringLiteral("--format"),
                       QStringLiteral("csv")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains(segments.constFirst().toUtf8()), run.err.constData());
        QVERIFY2(run.err.contains("checksum mismatch"), run.err.constData());
        // Minutes 1 to 12 are there raw, exactly; minute 0's chunk is not.
        for (qint64 t = kT0; t < kT0 + 12 * 60'000; t += 10'000) {
            const QByteArray row = ',' + QByteArray::number(t) +
                                   ",bhiv_connections,raw,connections," +
                                   QByteArray::number((t - kT0) / 10'000) + '\n';
            QVERIFY2(run.out.contains(row) == (t >= kT0 + 60'000), row.constData());
        }
        // Its 1-minute rollup (written apart from it) stands in: values 0 to 5.
        QVERIFY2(run.out.contains(",1767225600000,\"bhiv_connections{rollup=\"\"min\"\"}\",1m,"
                                  "connections,0\n"),
                 run.out.constData());
        QVERIFY(run.out.contains(",1767225600000,\"bhiv_connections{rollup=\"\"last\"\"}\",1m,"
                                 "connections,5\n"));
        QVERIFY(run.out.contains(",1767225600000,\"bhiv_connections{rollup=\"\"avg\"\"}\",1m,"
                                 "connections,2.5\n"));
        // Read-only: the export set nothing aside.
        QVERIFY(QFile::exists(dir.filePath(segments.constFirst())));
    }
};

QTEST_GUILESS_MAIN(TestHistoryExport)
#include "TestHistoryExport.moc"
