// Alertmanager API v2 client, SilenceKeeper and the bridge from the alert engine, against an
// in-process fake Alertmanager on a ManualClock.
#include "FakeNetworkAccessManager.h"
#include "alertmanager/AlertmanagerBridge.h"
#include "alertmanager/AlertmanagerClient.h"
#include "alertmanager/SilenceKeeper.h"
#include "alerts/AlertEngine.h"
#include "domain/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;
using ops::test::RecordedRequest;

namespace {

ApiConnection amConnection()
{
    ApiConnection c;
    c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9093"));
    c.authorization = "Basic " + QByteArray("ops:am-secret").toBase64();
    return c;
}

QByteArray verbOf(const RecordedRequest& r)
{
    if (r.operation == QNetworkAccessManager::GetOperation)
        return "GET";
    return r.request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
}

// A fake Alertmanager that stores silences (ids s1, s2, ...) and the alerts pushed.
struct FakeAm {
    FakeNetworkAccessManager network;
    QList<QJsonObject> silencePosts;
    QList<QByteArray> alertPosts;
    QStringList deleted;
    int next = 0;
    bool refuse = false;
    FakeAm()
    {
        network.setHandler([this](const RecordedRequest& r) -> std::optional<FakeResponse> {
            if (refuse)
                return FakeResponse::text("\"silence invalid\"", "application/json", 400);
            const QString path = r.url.path();
            const QByteArray verb = verbOf(r);
            if (path == u"/api/v2/silences" && verb == "POST") {
                const QJsonObject o = QJsonDocument::fromJson(r.body).object();
                silencePosts.append(o);
                const QString id = o.contains(QStringLiteral("id"))
                                       ? o.value(QStringLiteral("id")).toString()
                                       : QStringLiteral("s%1").arg(++next);
                return FakeResponse::json(R"({"silenceID":")" + id.toUtf8() + R"("})");
            }
            if (path == u"/api/v2/alerts" && verb == "POST") {
                alertPosts.append(r.body);
                return FakeResponse::json("");
            }
            if (path.startsWith(QStringLiteral("/api/v2/silence/")) && verb == "DELETE") {
                deleted << path.mid(16);
                return FakeResponse::json("");
            }
            return std::nullopt;
        });
    }
};

} // namespace

class TestAlertmanagerClient : public QObject {
    Q_OBJECT
private slots:
    void timesRoundTrip();
    void encodeAlerts();
    void decodeAlertsAndSilences();
    void badInput_data();
    void badInput();
    void clientRequests();
    void clientErrors();
    void keeperAckUntilResolved();
    void keeperReleaseExpiresNow();
    void keeperRetriesAfterFailure();
    void bridgePushesFiringAndResolved();
    void bridgeTurnsAcksIntoSilences();
};

void TestAlertmanagerClient::timesRoundTrip()
{
    QCOMPARE(amTime(1'767'225'600'123), QStringLiteral("2026-01-01T00:00:00.123Z"));
    QCOMPARE(parseAmTime(QStringLiteral("2026-01-01T00:00:00.123Z")), 1'767'225'600'123);
    QCOMPARE(parseAmTime(QStringLiteral("2026-01-01T00:00:00.123456789Z")), 1'767'225'600'123);
    QCOMPARE(parseAmTime(QStringLiteral("2026-01-01T01:00:00+01:00")), 1'767'225'600'000);
    QVERIFY(!parseAmTime(QStringLiteral("yesterday")));
    QVERIFY(!parseAmTime(QString()));
}

void TestAlertmanagerClient::encodeAlerts()
{
    AmAlert a;
    a.labels = {{QStringLiteral("alertname"), QStringLiteral("high_latency")}};
    a.annotations = {{QStringLiteral("summary"), QStringLiteral("p95 1.2 s")}};
    a.startsAtMs = 1'767'225'600'000;
    a.endsAtMs = 1'767'225'900'000;
    const QJsonArray array = QJsonDocument::fromJson(encodeAmAlerts({a})).array();
    QCOMPARE(array.size(), 1);
    const QJsonObject o = array.first().toObject();
    QCOMPARE(o.value(QStringLiteral("labels")).toObject().value(QStringLiteral("alertname")),
             QStringLiteral("high_latency"));
    QCOMPARE(o.value(QStringLiteral("startsAt")).toString(),
             QStringLiteral("2026-01-01T00:00:00.000Z"));
    QCOMPARE(o.value(QStringLiteral("endsAt")).toString(),
             QStringLiteral("2026-01-01T00:05:00.000Z"));
    QVERIFY(!o.contains(QStringLiteral("generatorURL")));
}

void TestAlertmanagerClient::decodeAlertsAndSilences()
{
    const QByteArray alerts = R"([{"labels":{"alertname":"disk","team":"hr"},"annotations":{},
        "startsAt":"2026-01-01T00:00:00.000Z","endsAt":"2026-01-01T00:05:00.000Z",
        "fingerprint":"ab12","receivers":[{"name":"nobody"}],
        "status":{"state":"suppressed","silencedBy":["s1"],"inhibitedBy":[]}}])";
    const auto decoded = decodeAmAlerts(alerts);
    QVERIFY(decoded);
    QCOMPARE(decoded->size(), 1);
    const AmAlert& a = decoded->first();
    QCOMPARE(a.labels.value(QStringLiteral("team")), QStringLiteral("hr"));
    QCOMPARE(a.state, QStringLiteral("suppressed"));
    QCOMPARE(a.silencedBy, QStringList{QStringLiteral("s1")});
    QCOMPARE(a.receivers, QStringList{QStringLiteral("nobody")});
    QCOMPARE(a.startsAtMs, 1'767'225'600'000);

    const QByteArray silences = R"([{"id":"s1","status":{"state":"active"},
        "matchers":[{"name":"alertname","value":"disk","isRegex":false,"isEqual":true}],
        "startsAt":"2026-01-01T00:00:00.000Z","endsAt":"2026-01-01T00:15:00.000Z",
        "updatedAt":"2026-01-01T00:00:00.000Z","createdBy":"alice","comment":"on it"}])";
    const auto s = decodeAmSilences(silences);
    QVERIFY(s);
    QCOMPARE(s->size(), 1);
    QCOMPARE(s->first().createdBy, QStringLiteral("alice"));
    QCOMPARE(s->first().comment, QStringLiteral("on it"));
    QCOMPARE(s->first().state, QStringLiteral("active"));
    QCOMPARE(s->first().endsAtMs - s->first().startsAtMs, 900'000);
    QCOMPARE(s->first().matchers.first(),
             (AmMatcher{QStringLiteral("alertname"), QStringLiteral("disk"), false, true}));
}

void TestAlertmanagerClient::badInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("asAlerts");
    QTest::newRow("alerts: not json") << QByteArray("[{") << true;
    QTest::newRow("alerts: object") << QByteArray(R"({"labels":{}})") << true;
    QTest::newRow("alerts: item not object") << QByteArray("[1]") << true;
    QTest::newRow("alerts: no labels") << QByteArray(R"([{"annotations":{}}])") << true;
    QTest::newRow("silences: not json") << QByteArray("nope") << false;
    QTest::newRow("silences: no id")
        << QByteArray(R"([{"startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T00:00:00Z"}])")
        << false;
    QTest::newRow("silences: bad time")
        << QByteArray(R"([{"id":"x","startsAt":"soon","endsAt":"2026-01-01T00:00:00Z"}])") << false;
    QTest::newRow("silences: object") << QByteArray(R"({"id":"x"})") << false;
}

void TestAlertmanagerClient::badInput()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, asAlerts);
    QString error;
    if (asAlerts)
        QVERIFY(!decodeAmAlerts(body, &error));
    else
        QVERIFY(!decodeAmSilences(body, &error));
    QVERIFY(!error.isEmpty());
}

void TestAlertmanagerClient::clientRequests()
{
    FakeAm am;
    AlertmanagerClient client(&am.network, amConnection());
    AmResult got;
    int calls = 0;
    const auto record = [&](const AmResult& r) {
        got = r;
        ++calls;
    };
    AmSilence s;
    s.matchers = {{QStringLiteral("alertname"), QStringLiteral("x"), false, true}};
    s.startsAtMs = 1'767'225'600'000;
    s.endsAtMs = 1'767'226'500'000;
    s.createdBy = QStringLiteral("alice");
    s.comment = QStringLiteral("looking");
    client.putSilence(s, record);
    QTRY_COMPARE(calls, 1);
    QVERIFY2(got.ok, qPrintable(got.error));
    QCOMPARE(got.silenceId, QStringLiteral("s1"));
    const QJsonObject posted = am.silencePosts.first();
    QCOMPARE(posted.value(QStringLiteral("createdBy")).toString(), QStringLiteral("alice"));
    QCOMPARE(posted.value(QStringLiteral("comment")).toString(), QStringLiteral("looking"));
    QCOMPARE(posted.value(QStringLiteral("endsAt")).toString(),
             QStringLiteral("2026-01-01T00:15:00.000Z"));
    QVERIFY(!posted.contains(QStringLiteral("id")));
    const RecordedRequest& r = am.network.requests().first();
    QCOMPARE(r.header("Authorization"), amConnection().authorization);
    QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));

    client.expireSilence(QStringLiteral("s1"), record);
    QTRY_COMPARE(calls, 2);
    QVERIFY(got.ok);
    QCOMPARE(am.deleted, QStringList{QStringLiteral("s1")});
}

void TestAlertmanagerClient::clientErrors()
{
    FakeNetworkAccessManager network;
    network.setResponse(QStringLiteral("/api/v2/alerts"),
                        FakeResponse::text("{\"labels\":", "application/json"));
    network.setResponse(QStringLiteral("/api/v2/silences"),
                        FakeResponse::text("\"bad matcher\"", "application/json", 400));
    network.setResponse(QStringLiteral("/api/v2/status"), FakeResponse::json("{}", 401));
    AlertmanagerClient client(&network, amConnection());
    QList<AmResult> results;
    client.alerts([&](const AmResult& r) { results << r; });
    client.putSilence(AmSilence{}, [&](const AmResult& r) { results << r; });
    client.status([&](const AmResult& r) { results << r; });
    QTRY_COMPARE(results.size(), 3);
    for (const AmResult& r : results)
        QVERIFY(!r.ok);
    QVERIFY2(results[0].error.contains(QStringLiteral("not JSON")), qPrintable(results[0].error));
    QVERIFY2(results[1].error.contains(QStringLiteral("400")) &&
                 results[1].error.contains(QStringLiteral("bad matcher")),
             qPrintable(results[1].error));
    QVERIFY2(results[2].error.contains(QStringLiteral("credentials")),
             qPrintable(results[2].error));
    for (const AmResult& r : results)
        QVERIFY(!r.error.contains(QStringLiteral("am-secret")));
}

void TestAlertmanagerClient::keeperAckUntilResolved()
{
    FakeAm am;
    ManualClock clock;
    const qint64 t0 = clock.nowMs();
    AlertmanagerClient client(&am.network, amConnection());
    SilenceKeeper keeper(&client, &clock);
    keeper.setLease(600'000, 120'000);
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy extended(&keeper, &SilenceKeeper::silenceExtended);
    QSignalSpy expired(&keeper, &SilenceKeeper::silenceExpired);
    const QMap<QString, QString> labels{{QStringLiteral("alertname"), QStringLiteral("p95")},
                                        {QStringLiteral("target"), QStringLiteral("prod")}};
    keeper.acknowledge(QStringLiteral("p95 @ prod"), labels, QStringLiteral("alice"),
                       QStringLiteral("deploy rolling back"));
    keeper.acknowledge(QStringLiteral("p95 @ prod"), labels, QStringLiteral("bob"), {});
    QVERIFY(created.wait(5000));
    QCOMPARE(am.silencePosts.size(), 1); // the second ack of the same alert changes nothing
    QCOMPARE(created.first().at(1).toString(), QStringLiteral("s1"));
    const QJsonObject first = am.silencePosts.first();
    QCOMPARE(first.value(QStringLiteral("createdBy")).toString(), QStringLiteral("alice"));
    QCOMPARE(first.value(QStringLiteral("startsAt")).toString(), amTime(t0));
    QCOMPARE(first.value(QStringLiteral("endsAt")).toString(), amTime(t0 + 600'000));
    QCOMPARE(first.value(QStringLiteral("matchers")).toArray().size(), 2);

    // Still firing, far from the end: nothing to do.
    clock.advanceMs(300'000);
    keeper.tick();
    QTest::qWait(20);
    QCOMPARE(am.silencePosts.size(), 1);
    // Within renewBefore of the end: extended, same id, same start.
    clock.advanceMs(200'000);
    keeper.tick();
    QVERIFY(extended.wait(5000));
    QCOMPARE(am.silencePosts.size(), 2);
    const QJsonObject second = am.silencePosts.last();
    QCOMPARE(second.value(QStringLiteral("id")).toString(), QStringLiteral("s1"));
    QCOMPARE(second.value(QStringLiteral("startsAt")).toString(), amTime(t0));
    QCOMPARE(second.value(QStringLiteral("endsAt")).toString(), amTime(t0 + 500'000 + 600'000));
    QCOMPARE(keeper.kept(QStringLiteral("p95 @ prod"))->endsAtMs, t0 + 1'100'000);

    // Resolved: no more extensions; forgotten once its end has passed; never deleted early.
    keeper.setFiring(QStringLiteral("p95 @ prod"), false);
    clock.advanceMs(550'000);
    keeper.tick();
    QTest::qWait(20);
    QCOMPARE(am.silencePosts.size(), 2);
    QVERIFY(keeper.kept(QStringLiteral("p95 @ prod")));
    clock.advanceMs(60'000);
    keeper.tick();
    QCOMPARE(expired.size(), 1);
    QVERIFY(!keeper.kept(QStringLiteral("p95 @ prod")));
    QVERIFY(am.deleted.isEmpty());
}

void TestAlertmanagerClient::keeperReleaseExpiresNow()
{
    FakeAm am;
    ManualClock clock;
    AlertmanagerClient client(&am.network, amConnection());
    SilenceKeeper keeper(&client, &clock);
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy expired(&keeper, &SilenceKeeper::silenceExpired);
    keeper.acknowledge(QStringLiteral("k"), {{QStringLiteral("alertname"), QStringLiteral("a")}},
                       QStringLiteral("alice"), {});
    QVERIFY(created.wait(5000));
    keeper.release(QStringLiteral("k"));
    QVERIFY(expired.wait(5000));
    QCOMPARE(am.deleted, QStringList{QStringLiteral("s1")});
    QVERIFY(keeper.keys().isEmpty());
    // An ack without labels cannot be a silence: refused.
    keeper.acknowledge(QStringLiteral("empty"), {}, QStringLiteral("alice"), {});
    QVERIFY(keeper.keys().isEmpty());
}

void TestAlertmanagerClient::keeperRetriesAfterFailure()
{
    FakeAm am;
    am.refuse = true;
    ManualClock clock;
    AlertmanagerClient client(&am.network, amConnection());
    SilenceKeeper keeper(&client, &clock);
    QSignalSpy failed(&keeper, &SilenceKeeper::failed);
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    keeper.acknowledge(QStringLiteral("k"), {{QStringLiteral("alertname"), QStringLiteral("a")}},
                       QStringLiteral("alice"), {});
    QVERIFY(failed.wait(5000));
    QVERIFY(keeper.kept(QStringLiteral("k"))->error.contains(QStringLiteral("400")));
    am.refuse = false;
    keeper.tick();
    QVERIFY(created.wait(5000));
    QVERIFY(keeper.kept(QStringLiteral("k"))->error.isEmpty());
}

namespace {

AlertRule latencyRule()
{
    AlertRule r;
    r.name = QStringLiteral("slow");
    r.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    r.op = Comparison::Greater;
    r.threshold = 1.0;
    r.aggregation = WindowAggregation::Last;
    r.severity = AlertSeverity::Critical;
    r.summary = QStringLiteral("slow: {value}");
    return r;
}

void feed(AlertEngine& engine, ManualClock& clock, const QString& target, double value)
{
    clock.advanceMs(1000);
    EvaluationSample s;
    s.target = target;
    s.timeMs = clock.nowMs();
    s.intervalMs = 1000;
    s.lastSuccessMs = s.timeMs;
    s.set(AlertSignals::AvgResponseTime, value);
    engine.evaluate(s);
}

} // namespace

void TestAlertmanagerClient::bridgePushesFiringAndResolved()
{
    FakeAm am;
    ManualClock clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule()});
    AlertmanagerClient client(&am.network, amConnection());
    AlertmanagerBridge bridge(&engine, &client, nullptr, &clock);
    bridge.setTargets({QStringLiteral("prod")});
    bridge.setResendInterval(60'000);
    QSignalSpy pushed(&bridge, &AlertmanagerBridge::pushed);
    feed(engine, clock, QStringLiteral("prod"), 0.2);
    feed(engine, clock, QStringLiteral("staging"), 5.0); // not this Alertmanager's target
    QTest::qWait(20);
    QCOMPARE(am.alertPosts.size(), 0);
    feed(engine, clock, QStringLiteral("prod"), 2.0);
    QVERIFY(pushed.wait(5000));
    QJsonArray posted = QJsonDocument::fromJson(am.alertPosts.last()).array();
    QCOMPARE(posted.size(), 1);
    QJsonObject alert = posted.first().toObject();
    const QJsonObject labels = alert.value(QStringLiteral("labels")).toObject();
    QCOMPARE(labels.value(QStringLiteral("alertname")).toString(), QStringLiteral("slow"));
    QCOMPARE(labels.value(QStringLiteral("target")).toString(), QStringLiteral("prod"));
    QCOMPARE(labels.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
    QCOMPARE(labels.value(QStringLiteral("source")).toString(), QStringLiteral("bhiv-ops"));
    QCOMPARE(alert.value(QStringLiteral("endsAt")).toString(), amTime(clock.nowMs() + 240'000));
    // Still firing a second later: not pushed again before the resend interval...
    feed(engine, clock, QStringLiteral("prod"), 2.0);
    QTest::qWait(20);
    QCOMPARE(am.alertPosts.size(), 1);
    // ... and resent once it has passed.
    clock.advanceMs(60'000);
    feed(engine, clock, QStringLiteral("prod"), 2.0);
    QVERIFY(pushed.wait(5000));
    QCOMPARE(am.alertPosts.size(), 2);
    // Resolved: sent once more with endsAt = now.
    feed(engine, clock, QStringLiteral("prod"), 0.1);
    QVERIFY(pushed.wait(5000));
    alert = QJsonDocument::fromJson(am.alertPosts.last()).array().first().toObject();
    QCOMPARE(alert.value(QStringLiteral("endsAt")).toString(), amTime(clock.nowMs()));
    feed(engine, clock, QStringLiteral("prod"), 0.1);
    QTest::qWait(20);
    QCOMPARE(am.alertPosts.size(), 3);
}

void TestAlertmanagerClient::bridgeTurnsAcksIntoSilences()
{
    FakeAm am;
    ManualClock clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule()});
    AlertmanagerClient client(&am.network, amConnection());
    SilenceKeeper keeper(&client, &clock);
    keeper.setLease(60'000, 20'000);
    AlertmanagerBridge bridge(&engine, &client, &keeper, &clock);
    bridge.setTargets({QStringLiteral("prod")});
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy extended(&keeper, &SilenceKeeper::silenceExtended);
    feed(engine, clock, QStringLiteral("prod"), 2.0);
    QVERIFY(engine.acknowledge({QStringLiteral("slow"), QStringLiteral("prod")},
                               QStringLiteral("alice"), QStringLiteral("on it")));
    QVERIFY(created.wait(5000));
    const QJsonObject silence = am.silencePosts.first();
    QCOMPARE(silence.value(QStringLiteral("createdBy")).toString(), QStringLiteral("alice"));
    QCOMPARE(silence.value(QStringLiteral("comment")).toString(), QStringLiteral("on it"));
    QStringList names;
    for (const QJsonValue& m : silence.value(QStringLiteral("matchers")).toArray())
        names << m.toObject().value(QStringLiteral("name")).toString();
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("alertname"), QStringLiteral("source"),
                                 QStringLiteral("target")}));
    // Still firing 45 s later: the evaluation pass extends it.
    clock.advanceMs(44'000);
    feed(engine, clock, QStringLiteral("prod"), 2.0);
    QVERIFY(extended.wait(5000));
    // Resolved: the engine clears the ack; the silence is left to expire, not deleted.
    feed(engine, clock, QStringLiteral("prod"), 0.1);
    QTest::qWait(20);
    QVERIFY(!keeper.kept(QStringLiteral("slow @ prod"))->firing);
    const int posts = am.silencePosts.size();
    clock.advanceMs(59'000);
    feed(engine, clock, QStringLiteral("prod"), 0.1);
    QTest::qWait(20);
    QCOMPARE(am.silencePosts.size(), posts);
    QVERIFY(am.deleted.isEmpty());
    QVERIFY(!keeper.kept(QStringLiteral("slow @ prod")));
}

QTEST_GUILESS_MAIN(TestAlertmanagerClient)
#include "TestAlertmanagerClient.moc"
