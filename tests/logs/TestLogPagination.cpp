// LogClient and LogPager against the simulator's Render logs API: paging across hasMore both
// ways gives exactly the simulator's record; refusals and bad answers are said in words.
#include "models/logs/LogClient.h"
#include "tests/support/FakeNetworkAccessManager.h"
#include "tests/support/SimulatorProcess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace ops;
using ops::test::SimulatorProcess;

namespace {

struct Run {
    QStringList ids;
    bool complete = false;
    QString error;
    bool done = false;
};

Run runPager(LogClient& client, const LogQuery& query, int maxLines)
{
    LogPager pager(&client);
    Run run;
    QObject::connect(&pager, &LogPager::linesFetched, [&](const QList<LogLine>& lines) {
        for (const LogLine& l : lines) {
            run.ids << l.id;
        }
    });
    QObject::connect(&pager, &LogPager::finished, [&](bool complete, const QString& error) {
        run.complete = complete;
        run.error = error;
        run.done = true;
    });
    pager.fetch(query, maxLines);
    (void)QTest::qWaitFor([&] { return run.done; }, 60000);
    return run;
}

} // namespace

class TestLogPagination : public QObject {
    Q_OBJECT

    SimulatorProcess m_sim;
    QNetworkAccessManager m_nam;

    RenderLogsEndpoint endpoint(const QString& key = QStringLiteral("rnd-sim-key")) const
    {
        RenderLogsEndpoint e;
        e.apiBaseUrl = m_sim.url().resolved(QUrl(QStringLiteral("/render/v1")));
        e.apiKey = key;
        e.serviceId = QStringLiteral("srv-d0bhivgateway901a");
        return e;
    }
    QStringList record(qint64 startMs, qint64 endMs)
    {
        QByteArray body;
        m_sim.get(QStringLiteral("/__sim/logs?ids&startTime=%1&endTime=%2")
                      .arg(QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(startMs))),
                           QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(endMs)))),
                  &body);
        QStringList ids;
        for (const QJsonValue& v : QJsonDocument::fromJson(body).object()["ids"].toArray()) {
            ids << v.toString();
        }
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
    void cleanupTestCase() { m_sim.stop(); }

    void ownerIsLookedUp()
    {
        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        QString owner;
        bool done = false;
        client.resolveOwner([&](const QString& id, const LogError& e) {
            QVERIFY(!e.isError());
            owner = id;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(owner, QStringLiteral("tea-d0simbhivowner01"));
        QCOMPARE(client.endpoint().ownerId, owner);
    }

    void bothDirectionsMatchTheRecord_data()
    {
        QTest::addColumn<bool>("forward");
        QTest::addColumn<int>("limit");
        QTest::newRow("forward, 9 a page") << true << 9;
        QTest::newRow("backward, 9 a page") << false << 9;
        QTest::newRow("backward, 100 a page") << false << 100;
    }
    void bothDirectionsMatchTheRecord()
    {
        QFETCH(bool, forward);
        QFETCH(int, limit);
        const qint64 end = QDateTime::currentMSecsSinceEpoch() + 1000;
        const qint64 start = end - 3600 * 1000LL;
        const QStringList expected = record(start, end);
        QVERIFY(expected.size() > 500);

        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        LogQuery q;
        q.resources = {endpoint().serviceId};
        q.startMs = start;
        q.endMs = end;
        q.limit = limit;
        q.direction = forward ? LogQuery::Direction::Forward : LogQuery::Direction::Backward;
        LogPager pager(&client);
        Run run = runPager(client, q, 1000000);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QVERIFY(run.complete);
        QStringList got = run.ids;
        if (!forward) {
            std::reverse(got.begin(), got.end());
        }
        QCOMPARE(QSet<QString>(got.begin(), got.end()).size(), got.size());
        QCOMPARE(got.size(), expected.size());
        QCOMPARE(got, expected);
    }

    void stopsAtMaxLines()
    {
        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        LogQuery q;
        q.resources = {endpoint().serviceId};
        q.limit = 20;
        const Run run = runPager(client, q, 50);
        QVERIFY(!run.complete);
        QVERIFY(run.error.isEmpty());
        QCOMPARE(run.ids.size(), 50);
    }

    void refusalsInWords()
    {
        LogClient wrongKey(&m_nam);
        wrongKey.setEndpoint(endpoint(QStringLiteral("not-the-key")));
        LogQuery q;
        q.resources = {endpoint().serviceId};
        Run run = runPager(wrongKey, q, 100);
        QVERIFY(!run.complete);
        QVERIFY2(run.error.contains(QLatin1String("401")) &&
                     run.error.contains(QLatin1String("API key")),
                 qPrintable(run.error));

        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        q.texts = {QStringLiteral("/(unclosed/")};
        run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("400")) &&
                     run.error.contains(QLatin1String("missing closing parenthesis")),
                 qPrintable(run.error));

        RenderLogsEndpoint unknown = endpoint();
        unknown.serviceId = QStringLiteral("srv-nope");
        client.setEndpoint(unknown);
        q.texts.clear();
        q.resources = {unknown.serviceId};
        run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("404")), qPrintable(run.error));
    }

    // Malformed, wrong-shaped and server-error answers, and a paging that does not move on.
    void badAnswers()
    {
        test::FakeNetworkAccessManager fake;
        LogClient client(&fake);
        RenderLogsEndpoint e;
        e.apiBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
        e.apiKey = QStringLiteral("k");
        e.serviceId = QStringLiteral("srv-x");
        e.ownerId = QStringLiteral("tea-x");
        client.setEndpoint(e);
        LogQuery q;
        q.resources = {e.serviceId};

        fake.setResponse(QStringLiteral("/v1/logs"), test::FakeResponse::json("{\"hasMore\": tr"));
        Run run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("not a JSON object")), qPrintable(run.error));

        fake.setResponse(QStringLiteral("/v1/logs"), test::FakeResponse::json("[1,2]"));
        run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("not a JSON object")), qPrintable(run.error));

        fake.setResponse(QStringLiteral("/v1/logs"), test::FakeResponse::json("{\"logs\": 7}"));
        run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("no list of logs")), qPrintable(run.error));

        fake.setResponse(QStringLiteral("/v1/logs"), test::FakeResponse::json("{}", 503));
        run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("503")), qPrintable(run.error));

        // Lines without id or timestamp are left out, the rest kept.
        fake.setResponse(QStringLiteral("/v1/logs"),
                         test::FakeResponse::json(R"({"hasMore": false, "logs": [
                {"timestamp": "2026-12-05T08:00:00Z", "message": "no id"},
                {"id": "a", "timestamp": "yesterday", "message": "bad time"},
                {"id": "b", "timestamp": "2026-12-05T08:00:00.123456789Z", "message": "ok",
                 "labels": [{"name": "level", "value": "warn"}]}]})"));
        run = runPager(client, q, 100);
        QVERIFY(run.complete);
        QCOMPARE(run.ids, QStringList{QStringLiteral("b")});

        // hasMore with the same window again and nothing new: stopped, not looping.
        fake.setResponse(QStringLiteral("/v1/logs"),
                         test::FakeResponse::json(R"({"hasMore": true, "logs": [],
                             "nextStartTime": "", "nextEndTime": ""})"));
        run = runPager(client, q, 100);
        QVERIFY2(run.error.contains(QLatin1String("did not move on")), qPrintable(run.error));
    }

    void parsesLines()
    {
        QString error;
        QVERIFY(!parseLogLine(QJsonObject{{"id", "x"}}, &error));
        QVERIFY(error.contains(QLatin1String("timestamp")));
        const auto line = parseLogLine(
            QJsonDocument::fromJson(R"({"id": "l1", "timestamp": "2026-12-05T08:00:00.5Z",
                "message": "boom", "labels": [{"name": "level", "value": "error"},
                {"name": "type", "value": "app"}, {"name": "instance", "value": "i-1"}]})")
                .object(),
            &error);
        QVERIFY(line);
        QCOMPARE(line->level, LogLevel::Error);
        QCOMPARE(line->type, QStringLiteral("app"));
        QCOMPARE(line->timestampMs % 1000, 500);
        const QJsonObject json = line->toJson();
        QCOMPARE(json.keys(),
                 (QStringList{"id", "instance", "level", "message", "timestamp", "type"}));
        QCOMPARE(json["level"].toString(), QStringLiteral("error"));
    }
};

QTEST_GUILESS_MAIN(TestLogPagination)
#include "TestLogPagination.moc"
