// The OpenMetrics export imports into Prometheus: `bhiv-ops history export --format
// openmetrics` of a store with NaN gaps, ±Inf, a counter reset, irregular polls, endpoint
// labels and 1-minute rollups; Debian's real `promtool tsdb create-blocks-from openmetrics`
// makes blocks of it; a real prometheus (127.0.0.1, a free port) opens them, and a range query
// gives back every exported sample, same time, same value, and nothing else. Every process is
// stopped, also on failure.

#include "models/history/HistoryStore.h"
#include "tests/support/CliRunner.h"
#include "tests/support/ExternalProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

using namespace ops;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Debian's prometheus on the blocks promtool made, with no scrape job of its own.
class ImportedPrometheus : public test::ExternalProcess {
public:
    bool start(const QString& storage)
    {
        const QString config =
            writeFile(QStringLiteral("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
        const quint16 port = freePort();
        return launch(QStringLiteral("/usr/bin/prometheus"),
                      {QStringLiteral("--config.file=") + config,
                       QStringLiteral("--storage.tsdb.path=") + storage,
                       QStringLiteral("--storage.tsdb.retention.time=100y"),
                       QStringLiteral("--log.level=warn"),
                       QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port)},
                      port, QStringLiteral("/-/ready"));
    }
};

// A program run to its end; killed when it takes longer than timeoutMs.
struct Ran {
    int exitCode = -1;
    QByteArray output;
};
Ran runProgram(const QString& program, const QStringList& arguments, int timeoutMs = 60000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    Ran ran;
    if (!p.waitForStarted(10000)) {
        ran.output = p.errorString().toUtf8();
        return ran;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        ran.output = "timed out: ";
    }
    ran.output += p.readAll();
    ran.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return ran;
}

// "+Inf" / "-Inf" / a number, as a double.
double valueOf(const QString& text)
{
    if (text == u"+Inf")
        return kInf;
    if (text == u"-Inf")
        return -kInf;
    bool ok = false;
    const double v = text.toDouble(&ok);
    return ok ? v : kNaN;
}

using Samples = std::map<QString, std::vector<std::pair<qint64, double>>>; // labels -> samples

// The labels of a series as one sorted text: name + {k="v",...} from the JSON metric object.
QString labelsText(const QJsonObject& metric)
{
    QStringList parts;
    for (auto it = metric.begin(); it != metric.end(); ++it) {
        if (it.key() != u"__name__")
            parts << it.key() + QStringLiteral("=") + it.value().toString();
    }
    parts.sort();
    return metric.value(QStringLiteral("__name__")).toString() + u'{' + parts.join(u',') + u'}';
}

} // namespace

class TestHistoryPromtool : public QObject {
    Q_OBJECT

private slots:
    void importedBlocksAnswerWithTheExportedValues()
    {
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/promtool")),
                 "promtool is missing: scripts/install-deps installs Debian's prometheus");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString folder = dir.filePath(QStringLiteral("history"));

        // 3 h of irregular polls (5 to 9 s apart) of a target and two endpoints; raw values kept
        // for the last hour only, so the first two hours come out as 1-minute rollups.
        HistoryOptions options;
        options.rawBlockMs = 5 * 60'000;
        options.rawSegmentMs = 20 * 60'000;
        options.rawRetentionMs = 60 * 60'000;
        options.rollupBlockMs = 60 * 60'000;
        options.rollupSegmentMs = 3 * 3600'000;
        ManualClock clock(kT0);
        int polls = 0;
        {
            HistoryStore store(folder, &clock, options);
            QVERIFY(store.open());
            double counter = 0;
            for (qint64 t = kT0; t < kT0 + 3 * 3600'000; t += 5000 + (polls % 5) * 1000 + 7) {
                clock.setMs(t);
                counter = polls % 500 == 499 ? 1 : counter + (polls % 7); // a reset now and then
                HistoryFrame target;
                target.group = "target";
                target.timeMs = t;
                target.values = {
                    {"bhiv_request_rate", polls % 13 == 0 ? kNaN : std::sin(polls * 0.01) * 50},
                    {"bhiv_memory_bytes", 1.5e8 + polls * 4096.0},
                    {"bhiv_latency_p95",
                     polls % 101 == 0 ? kInf : (polls % 103 == 0 ? -kInf : 0.001 * (polls % 89))},
                };
                store.append(target);
                HistoryFrame endpoints;
                endpoints.group = "endpoints";
                endpoints.timeMs = t;
                endpoints.values = {
                    {"bhiv_endpoint_requests_total{endpoint=\"/v1/candidates\"}", counter},
                    {"bhiv_endpoint_request_rate{endpoint=\"/v1/jobs\",method=\"GET\"}",
                     polls % 17 == 0 ? kNaN : 1.0 / (1 + polls)},
                };
                store.append(endpoints);
                if (++polls % 12 == 0)
                    store.flush();
            }
            store.flush();
            store.close();
        }

        // Export through the real console binary.
        test::CliRunner cli;
        const QString file = dir.filePath(QStringLiteral("history.om"));
        const auto exported =
            cli.run({QStringLiteral("history"), QStringLiteral("export"),
                     QStringLiteral("--history-dir"), folder, QStringLiteral("--from"),
                     QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("--to"),
                     QStringLiteral("2026-01-01T04:00:00+01:00"), QStringLiteral("--format"),
                     QStringLiteral("openmetrics"), QStringLiteral("--output"), file});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());

        // What the file says, sample by sample.
        QFile om(file);
        QVERIFY(om.open(QIODevice::ReadOnly));
        Samples expected;
        std::size_t rollupSamples = 0;
        std::size_t infinities = 0;
        for (const QByteArray& line : om.readAll().split('\n')) {
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            const qsizetype valueAt = line.lastIndexOf(' ', line.lastIndexOf(' ') - 1);
            const QByteArray name = line.left(valueAt);
            const QList<QByteArray> rest = line.mid(valueAt + 1).split(' ');
            QCOMPARE(rest.size(), 2);
            // name{a="b",c="d"} -> name{a=b,c=d}, sorted, as labelsText gives it.
            QString metric = QString::fromUtf8(name);
            QStringList parts;
            const qsizetype brace = metric.indexOf(u'{');
            if (brace >= 0) {
                for (const QString& pair :
                     metric.mid(brace + 1).chopped(1).split(QStringLiteral("\","))) {
                    QString p = pair;
                    p.remove(u'"');
                    parts << p;
                }
                metric = metric.left(brace);
            }
            parts.sort();
            const QString key = metric + u'{' + parts.join(u',') + u'}';
            const double v = valueOf(QString::fromUtf8(rest[0]));
            QVERIFY2(!std::isnan(v), line.constData()); // gaps are left out
            infinities += std::isinf(v) ? 1 : 0;
            rollupSamples += key.contains(QStringLiteral("rollup=")) ? 1 : 0;
            expected[key].push_back({qRound64(rest[1].toDouble() * 1000), v});
        }
        QVERIFY2(expected.size() >= 5 + 4 * 5, qPrintable(QString::number(expected.size())));
        QVERIFY(rollupSamples > 4 * 5 * 100); // two hours of minutes
        QVERIFY(infinities > 0);
        QVERIFY(expected.count(QStringLiteral("bhiv_request_rate{}")));
        QVERIFY(expected.count(QStringLiteral("bhiv_request_rate{rollup=min}")));

        // promtool makes blocks of it.
        const QString storage = dir.filePath(QStringLiteral("tsdb"));
        const Ran blocks = runProgram(QStringLiteral("/usr/bin/promtool"),
                                      {QStringLiteral("tsdb"), QStringLiteral("create-blocks-from"),
                                       QStringLiteral("openmetrics"), file, storage});
        QVERIFY2(blocks.exitCode == 0, blocks.output.constData());
        QVERIFY2(!QDir(storage).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(),
                 blocks.output.constData());

        // A real prometheus on those blocks; one range query over everything.
        ImportedPrometheus prometheus;
        QVERIFY2(prometheus.start(storage),
                 qPrintable(prometheus.error() + u'\n' + QString::fromUtf8(prometheus.output())));
        QUrl url = prometheus.url();
        url.setPath(QStringLiteral("/api/v1/query"));
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("query"), QStringLiteral("{__name__=~\"bhiv_.*\"}[1d]"));
        query.addQueryItem(QStringLiteral("time"), QString::number((kT0 + 4 * 3600'000) / 1000));
        url.setQuery(query);
        QByteArray body;
        const int status = test::ExternalProcess::httpGet(url, &body, {}, 30000);
        QVERIFY2(status == 200, body.constData());
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        QCOMPARE(answer.value(QStringLiteral("status")).toString(), QStringLiteral("success"));
        Samples got;
        for (const QJsonValue& series : answer.value(QStringLiteral("data"))
                                            .toObject()
                                            .value(QStringLiteral("result"))
                                            .toArray()) {
            const QString key =
                labelsText(series.toObject().value(QStringLiteral("metric")).toObject());
            for (const QJsonValue& sample :
                 series.toObject().value(QStringLiteral("values")).toArray()) {
                const QJsonArray pair = sample.toArray();
                got[key].push_back(
                    {qRound64(pair.at(0).toDouble() * 1000), valueOf(pair.at(1).toString())});
            }
        }
        prometheus.stop();

        QCOMPARE(got.size(), expected.size());
        for (const auto& [key, samples] : expected) {
            const auto it = got.find(key);
            QVERIFY2(it != got.end(), qPrintable(key));
            QVERIFY2(it->second.size() == samples.size(),
                     qPrintable(QStringLiteral("%1: %2 samples in prometheus, %3 exported")
                                    .arg(key)
                                    .arg(it->second.size())
                                    .arg(samples.size())));
            for (std::size_t i = 0; i < samples.size(); ++i) {
                QCOMPARE(it->second[i].first, samples[i].first);
                // Prometheus prints the shortest text of the same double: equal, bit for bit.
                QCOMPARE(it->second[i].second, samples[i].second);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHistoryPromtool)
#include "TestHistoryPromtool.moc"
