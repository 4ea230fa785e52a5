// `bhiv-ops logs` (the real binary) against the simulator's Render logs API: a window across
// many pages comes out once, oldest first, as the simulator recorded it; --follow prints new
// lines and ends cleanly on SIGTERM; a refused key is exit 4, a bad time exit 3.
#include "models/logs/LogLine.h"
#include "tests/support/CliRunner.h"
#include "tests/support/SimulatorProcess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>

#include <csignal>

using namespace ops;
using ops::test::CliRunner;
using ops::test::SimulatorProcess;

namespace {

const QByteArray kKey = "rnd-sim-key";
const QString kService = QStringLiteral("srv-d0bhivgateway901a");

QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> lines;
    for (const QByteArray& raw : out.split('\n')) {
        if (raw.trimmed().isEmpty())
            continue;
        lines << QJsonDocument::fromJson(raw).object();
    }
    return lines;
}

QStringList idsOf(const QList<QJsonObject>& lines)
{
    QStringList ids;
    for (const QJsonObject& o : lines)
        ids << o.value(QStringLiteral("id")).toString();
    return ids;
}

} // namespace

class TestLogsCommand : public QObject {
    Q_OBJECT

    SimulatorProcess m_sim;
    CliRunner m_cli;

    QStringList base() const
    {
        return {QStringLiteral("logs"),
                QStringLiteral("--url"),
                m_sim.url().toString(),
                QStringLiteral("--allow-http"),
                QStringLiteral("--render-api"),
                m_sim.url().resolved(QUrl(QStringLiteral("/render/v1"))).toString(),
                QStringLiteral("--service"),
                kService,
                QStringLiteral("--render-key-stdin")};
    }
    QStringList record(qint64 startMs, qint64 endMs)
    {
        QByteArray body;
        m_sim.get(QStringLiteral("/__sim/logs?ids&startTime=%1&endTime=%2")
                      .arg(QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(startMs))),
                           QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(endMs)))),
                  &body);
        QStringList ids;
        for (const QJsonValue& v :
             QJsonDocument::fromJson(body).object()[QStringLiteral("ids")].toArray())
            ids << v.toString();
        return ids;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sim.start({QStringLiteral("--log-rate"), QStringLiteral("0")}),
                 qPrintable(m_sim.error()));
        QCOMPARE(
            m_sim.post(QStringLiteral("/__sim/render"), R"({"rate_limit": {"limit": 100000}})"),
            200);
        // 40 lines in one millisecond: a page boundary must not split or repeat them.
        QCOMPARE(m_sim.post(QStringLiteral("/__sim/logs"), R"({"emit": {"count": 40}})"), 200);
    }
    void cleanupTestCase()
    {
        m_sim.stop();
        QVERIFY2(!m_cli.transcript().contains(kKey), "the Render key was printed");
    }

    void windowAcrossPagesOnceOldestFirst()
    {
        const qint64 end = QDateTime::currentMSecsSinceEpoch() + 1000;
        const qint64 start = end - 3600 * 1000LL;
        const QStringList expected = record(start, end);
        QVERIFY(expected.size() > 300); // several pages of 100
        const auto run =
            m_cli.run(base() + QStringList{QStringLiteral("--since"), formatRfc3339(start),
                                           QStringLiteral("--until"), formatRfc3339(end),
                                           QStringLiteral("--json")},
                      kKey + '\n');
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QJsonObject> lines = jsonLines(run.out);
        const QStringList ids = idsOf(lines);
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ids.size());
        QCOMPARE(ids, expected);
        qint64 previous = 0;
        for (const QJsonObject& o : lines) {
            for (const char* key : {"id", "timestamp", "level", "type", "instance", "message"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            const auto ms = parseRfc3339(o.value(QStringLiteral("timestamp")).toString());
            QVERIFY(ms);
            QVERIFY(*ms >= previous);
            previous = *ms;
        }
    }

    void textOutputAndLimit()
    {
        const auto run =
            m_cli.run(base() + QStringList{QStringLiteral("--since"), QStringLiteral("1h"),
                                           QStringLiteral("--limit"), QStringLiteral("7")},
                      kKey + '\n');
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out.count('\n'), 7);
        QVERIFY(run.out.contains(" UTC "));
        QVERIFY2(run.err.contains("--limit 7"), run.err.constData());
    }

    void levelFilterIsSentToRender()
    {
        QCOMPARE(m_sim.post(QStringLiteral("/__sim/logs"),
                            R"({"emit": {"count": 3, "level": "error", "message": "cli-err"}})"),
                 200);
        const auto run =
            m_cli.run(base() + QStringList{QStringLiteral("--since"), QStringLiteral("5m"),
                                           QStringLiteral("--level"), QStringLiteral("error"),
                                           QStringLiteral("--json")},
                      kKey + '\n');
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QJsonObject> lines = jsonLines(run.out);
        QVERIFY(lines.size() >= 3);
        for (const QJsonObject& o : lines)
            QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("error"));
    }

    void refusedKeyIsExit4()
    {
        const auto run =
            m_cli.run(base() + QStringList{QStringLiteral("--json")}, QByteArray("not-the-key\n"));
        QCOMPARE(run.exitCode, 4);
        QVERIFY2(run.err.contains("401"), run.err.constData());
        const QJsonObject error =
            QJsonDocument::fromJson(run.out).object().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("auth"));
        QVERIFY(!m_cli.transcript().contains("not-the-key"));
    }

    void badTimesAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("said");
        QTest::newRow("not a time")
            << QStringList{QStringLiteral("--since"), QStringLiteral("yesterday")}
            << QByteArray("--since");
        QTest::newRow("unknown unit")
            << QStringList{QStringLiteral("--since"), QStringLiteral("15x")}
            << QByteArray("--since");
        QTest::newRow("empty window")
            << QStringList{QStringLiteral("--since"), QStringLiteral("10m"),
                           QStringLiteral("--until"), QStringLiteral("20m")}
            << QByteArray("not before");
        QTest::newRow("beyond 30 days")
            << QStringList{QStringLiteral("--since"), QStringLiteral("40d")}
            << QByteArray("30 days");
        QTest::newRow("follow with until")
            << QStringList{QStringLiteral("--follow"), QStringLiteral("--until"),
                           QStringLiteral("now")}
            << QByteArray("--follow");
        QTest::newRow("bad until")
            << QStringList{QStringLiteral("--until"), QStringLiteral("2026-13-40")}
            << QByteArray("--until");
    }
    void badTimesAreUsageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, said);
        const auto run = m_cli.run(base() + arguments, kKey + '\n');
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(said), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    void followPrintsNewLinesAndEndsOnSigterm()
    {
        QProcess process;
        process.setProcessEnvironment(m_cli.environment());
        process.start(QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY")),
                      base() + QStringList{QStringLiteral("--since"), QStringLiteral("2m"),
                                           QStringLiteral("--follow"), QStringLiteral("--json")});
        QVERIFY(process.waitForStarted(10000));
        process.write(kKey + '\n');
        process.closeWriteChannel();
        QByteArray out;
        const auto connected = [&] {
            QByteArray body;
            m_sim.get(QStringLiteral("/__sim/logs"), &body);
            return QJsonDocument::fromJson(body)
                       .object()
                       .value(QStringLiteral("subscribers"))
                       .toInt() > 0;
        };
        const bool subscribed = QTest::qWaitFor(connected, 20000);
        if (!subscribed) {
            process.kill();
            process.waitForFinished(5000);
            QFAIL(process.readAllStandardError().constData());
        }
        QCOMPARE(m_sim.post(QStringLiteral("/__sim/logs"),
                            R"({"emit": {"count": 5, "message": "follow-marker"}})"),
                 200);
        const bool arrived = QTest::qWaitFor(
            [&] {
                out += process.readAllStandardOutput();
                return out.count("follow-marker") >= 5;
            },
            20000);
        ::kill(pid_t(process.processId()), SIGTERM);
        const bool ended = process.waitForFinished(10000);
        if (!ended) {
            process.kill();
            process.waitForFinished(5000);
        }
        out += process.readAllStandardOutput();
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(arrived, err.constData());
        QVERIFY2(ended, "bhiv-ops logs --follow did not end on SIGTERM");
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 0, err.constData());
        QCOMPARE(out.count("follow-marker"), 5);
        const QStringList ids = idsOf(jsonLines(out));
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), ids.size());
        QVERIFY(!out.contains(kKey) && !err.contains(kKey));
    }
};

QTEST_GUILESS_MAIN(TestLogsCommand)
#include "TestLogsCommand.moc"
