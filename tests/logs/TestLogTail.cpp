// LogTail against the simulator's WebSocket: a socket killed mid-stream resumes with no
// duplicate and no gap (ids compared with the simulator's record), 429 is retried with backoff,
// 401 is final and said in words, and a connection without pongs is given up.
#include "models/domain/Clock.h"
#include "models/logs/LogTail.h"
#include "tests/support/SimulatorProcess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSet>
#include <QTest>

using namespace ops;
using ops::test::SimulatorProcess;

class TestLogTail : public QObject {
    Q_OBJECT

    SimulatorProcess m_sim;
    QNetworkAccessManager m_nam;
    SystemClock m_clock;

    RenderLogsEndpoint endpoint(const QString& key = QStringLiteral("rnd-sim-key")) const
    {
        RenderLogsEndpoint e;
        e.apiBaseUrl = m_sim.url().resolved(QUrl(QStringLiteral("/render/v1")));
        e.apiKey = key;
        e.serviceId = QStringLiteral("srv-d0bhivgateway901a");
        return e;
    }
    QJsonObject control(const QByteArray& json = {}, const QString& query = {})
    {
        QByteArray body;
        if (json.isEmpty()) {
            m_sim.get(QStringLiteral("/__sim/logs") + query, &body);
        } else {
            m_sim.post(QStringLiteral("/__sim/logs"), json, &body);
        }
        return QJsonDocument::fromJson(body).object();
    }
    QStringList record(qint64 startMs)
    {
        const QJsonObject o =
            control({}, QStringLiteral("?ids&startTime=") +
                            QString::fromLatin1(QUrl::toPercentEncoding(formatRfc3339(startMs))));
        QStringList ids;
        for (const QJsonValue& v : o["ids"].toArray()) {
            ids << v.toString();
        }
        return ids;
    }
    LogQuery filters() const
    {
        LogQuery q;
        q.resources = {endpoint().serviceId};
        return q;
    }

private slots:
    void init()
    {
        QVERIFY2(m_sim.start({QStringLiteral("--log-rate"), QStringLiteral("0")}),
                 qPrintable(m_sim.error()));
    }
    void cleanup() { m_sim.stop(); }

    void backoffDoublesToThirtySeconds()
    {
        const LogTail::Timings t;
        QList<int> delays;
        for (int f = 1; f <= 8; ++f) {
            delays << LogTail::backoffMs(f, t);
        }
        QCOMPARE(delays, (QList<int>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
        QCOMPARE(LogTail::backoffMs(0, t), 0);
        QCOMPARE(LogTail::backoffMs(1000, t), 30000);
    }

    void killedMidStreamResumesWithoutDuplicateOrGap()
    {
        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        LogTail tail(&client, &m_clock);
        QStringList got;
        connect(&tail, &LogTail::linesArrived, this, [&](const QList<LogLine>& lines) {
            for (const LogLine& l : lines) {
                got << l.id;
            }
        });
        const qint64 since = QDateTime::currentMSecsSinceEpoch();
        tail.start(filters(), formatRfc3339(since - 1));
        QTRY_COMPARE(tail.state(), LogTail::State::Live);

        control(R"({"emit": {"count": 10, "message": "before"}})");
        QTRY_COMPARE(got.size(), 10);
        // The socket drops after 7 of the next 25 (all in one millisecond), and the next
        // connection is sent the last line again.
        control(R"({"drop_after": 7, "duplicate_on_reconnect": true})");
        control(R"({"emit": {"count": 25, "message": "during"}})");
        QTRY_VERIFY(tail.state() != LogTail::State::Live);
        QVERIFY2(tail.statusText().startsWith(QLatin1String("reconnecting in 1 s")),
                 qPrintable(tail.statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(tail.state(), LogTail::State::Live, 5000);
        control(R"({"emit": {"count": 5, "message": "after"}})");
        QTRY_COMPARE(got.size(), 40);
        QTest::qWait(300); // nothing more comes

        const QJsonObject state = control();
        QCOMPARE(state["dropped"].toInt(), 1);
        QCOMPARE(state["duplicates_sent"].toInt(), 1);
        QCOMPARE(state["connections"].toInt(), 2);
        // The second socket was sent lines the first had delivered (the duplicate, and the 7 of
        // the millisecond it resumed from): none of them is shown twice.
        const QJsonArray delivered = state["delivered"].toArray();
        QSet<QString> first;
        for (const QJsonValue& v : delivered[0].toArray()) {
            first.insert(v.toString());
        }
        int resent = 0;
        for (const QJsonValue& v : delivered[1].toArray()) {
            resent += first.contains(v.toString()) ? 1 : 0;
        }
        QCOMPARE(resent, 8);
        QCOMPARE(tail.duplicatesSkipped(), 8);
        QCOMPARE(QSet<QString>(got.begin(), got.end()).size(), got.size());
        QCOMPARE(got, record(since));
        QCOMPARE(tail.connections(), 2);
    }

    void rateLimitedSubscribeIsRetriedWithBackoff()
    {
        control(R"({"refuse": {"status": 429, "count": 2}})");
        LogClient client(&m_nam);
        RenderLogsEndpoint e = endpoint();
        e.ownerId = QStringLiteral("tea-d0simbhivowner01");
        client.setEndpoint(e);
        LogTail tail(&client, &m_clock);
        QStringList statuses;
        connect(&tail, &LogTail::stateChanged, this, [&] {
            if (tail.state() == LogTail::State::Reconnecting) {
                statuses << tail.statusText();
            }
        });
        QElapsedTimer t;
        t.start();
        tail.start(filters());
        QTRY_COMPARE_WITH_TIMEOUT(tail.state(), LogTail::State::Live, 8000);
        const qint64 took = t.elapsed();
        // 1 s after the first refusal, 2 s after the second.
        QVERIFY2(took >= 2900 && took < 6000, qPrintable(QString::number(took)));
        QCOMPARE(control()["subscribe_attempts"].toInt(), 3);
        const QString all = statuses.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QLatin1String("reconnecting in 1 s")) &&
                     all.contains(QLatin1String("reconnecting in 2 s")) &&
                     all.contains(QLatin1String("429")),
                 qPrintable(all));
    }

    void unauthorizedIsFinalAndSaid()
    {
        LogClient client(&m_nam);
        RenderLogsEndpoint e = endpoint(QStringLiteral("wrong-key"));
        e.ownerId = QStringLiteral("tea-d0simbhivowner01"); // straight to the socket
        client.setEndpoint(e);
        LogTail tail(&client, &m_clock);
        tail.start(filters());
        QTRY_COMPARE(tail.state(), LogTail::State::Stopped);
        QCOMPARE(tail.lastHttpStatus(), 401);
        QVERIFY2(tail.statusText().startsWith(QLatin1String("stopped: Render refused the API key")),
                 qPrintable(tail.statusText()));
        QTest::qWait(1500);
        QCOMPARE(control()["subscribe_attempts"].toInt(), 1); // not retried

        // Without a known workspace the owner lookup says the same.
        LogClient lookup(&m_nam);
        lookup.setEndpoint(endpoint(QStringLiteral("wrong-key")));
        LogTail tail2(&lookup, &m_clock);
        tail2.start(filters());
        QTRY_COMPARE(tail2.state(), LogTail::State::Stopped);
        QVERIFY(tail2.statusText().contains(QLatin1String("401")));
    }

    void badFilterIsFinal()
    {
        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        LogTail tail(&client, &m_clock);
        LogQuery q = filters();
        q.texts = {QStringLiteral("/[/")};
        tail.start(q);
        QTRY_COMPARE(tail.state(), LogTail::State::Stopped);
        QCOMPARE(tail.lastHttpStatus(), 400);
        QVERIFY2(tail.statusText().contains(QLatin1String("invalid")),
                 qPrintable(tail.statusText()));
    }

    // 60 s without a pong (on the injected clock): the connection is given up and made again.
    void noPongGivesTheConnectionUp()
    {
        ManualClock clock(QDateTime::currentMSecsSinceEpoch());
        LogClient client(&m_nam);
        client.setEndpoint(endpoint());
        LogTail tail(&client, &clock);
        tail.start(filters());
        QTRY_COMPARE(tail.state(), LogTail::State::Live);
        clock.advanceMs(59000);
        tail.checkLiveness(); // pings
        QCOMPARE(tail.state(), LogTail::State::Live);
        clock.advanceMs(1000);
        tail.checkLiveness();
        QCOMPARE(tail.state(), LogTail::State::Reconnecting);
        QVERIFY2(tail.statusText().contains(QLatin1String("no answer to pings for 60 s")),
                 qPrintable(tail.statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(tail.state(), LogTail::State::Live, 5000);
        QCOMPARE(tail.connections(), 2);
        // A pong answers each ping: 100 s on, with a ping at 50 s, the connection stays.
        clock.advanceMs(50000);
        tail.checkLiveness(); // pings; the pong is stamped at +50 s
        QTest::qWait(300);
        clock.advanceMs(50000);
        tail.checkLiveness();
        QCOMPARE(tail.state(), LogTail::State::Live);
    }
};

QTEST_GUILESS_MAIN(TestLogTail)
#include "TestLogTail.moc"
