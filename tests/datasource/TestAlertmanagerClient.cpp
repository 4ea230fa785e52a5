// Alertmanager API v2 client, SilenceKeeper and the bridge from the alert engine, against an
// in-process fake Alertmanager on a ManualClock.
#include "models/alertmanager/AlertmanagerBridge.h"
#include "models/alertmanager/AlertmanagerClient.h"
#include "models/alertmanager/SilenceKeeper.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"
#include "tests/support/FakeNetworkAccessManager.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
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

// A fake Alertmanager that stores silences (ids s1, s2, ...) and the alerts pushed. Like
// Alertmanager 0.25 (silence/silences.go Set and canUpdate): a startsAt in the past is stored as
// its own "now"; an update keeps the id only when the silence is active, the matchers and the
// startsAt are those stored and endsAt is not past; otherwise the old one is expired and a new id
// made. Its clock is `clock` plus `skewMs` (the server's time differs from the console's).
struct FakeAm {
    FakeNetworkAccessManager network;
    QList<QJsonObject> silencePosts;
    QList<QByteArray> alertPosts;
    QStringList deleted;
    QMap<QString, QJsonObject> stored; // id -> silence as Alertmanager holds it
    const Clock* clock = nullptr;
    qint64 skewMs = 0;
    int next = 0;
    bool refuse = false;

    qint64 now() const
    {
        return (clock ? clock->nowMs() : QDateTime::currentMSecsSinceEpoch()) + skewMs;
    }
    static qint64 at(const QJsonObject& o, const char* field)
    {
        return parseAmTime(o.value(QLatin1String(field)).toString()).value_or(0);
    }
    QString state(const QJsonObject& o) const
    {
        const qint64 t = now();
        if (at(o, "endsAt") <= t)
            return QStringLiteral("expired");
        return at(o, "startsAt") > t ? QStringLiteral("pending") : QStringLiteral("active");
    }
    QJsonObject withStatus(QJsonObject o) const
    {
        o.insert(QStringLiteral("status"), QJsonObject{{QStringLiteral("state"), state(o)}});
        o.insert(QStringLiteral("updatedAt"), amTime(now()));
        return o;
    }
    QString set(QJsonObject o)
    {
        const QString id = o.value(QStringLiteral("id")).toString();
        if (stored.contains(id)) {
            const QJsonObject& prev = stored[id];
            if (state(prev) == u"active" &&
                prev.value(QStringLiteral("matchers")) == o.value(QStringLiteral("matchers")) &&
                at(prev, "startsAt") == at(o, "startsAt") && at(o, "endsAt") >= now()) {
                stored[id] = o;
                return id;
            }
            if (state(prev) != u"expired")
                stored[id].insert(QStringLiteral("endsAt"), amTime(now()));
        }
        const QString fresh = QStringLiteral("s%1").arg(++next);
        o.insert(QStringLiteral("id"), fresh);
        if (at(o, "startsAt") < now())
            o.insert(QStringLiteral("startsAt"), amTime(now()));
        stored.insert(fresh, o);
        return fresh;
    }
    QStringList active() const
    {
        QStringList out;
        for (auto it = stored.cbegin(); it != stored.cend(); ++it)
            if (state(*it) == u"active")
                out << it.key();
        return out;
    }

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
                const QString id = set(o);
                return FakeResponse::json(R"({"silenceID":")" + id.toUtf8() + R"("})");
            }
            if (path == u"/api/v2/silences" && verb == "GET") {
                QJsonArray all;
                for (const QJsonObject& o : std::as_const(stored))
                    all.append(withStatus(o));
                return FakeResponse::json(QJsonDocument(all).toJson(QJsonDocument::Compact));
            }
            if (path == u"/api/v2/alerts" && verb == "POST") {
                alertPosts.append(r.body);
                return FakeResponse::json("");
            }
            if (path.startsWith(QStringLiteral("/api/v2/silence/"))) {
                const QString id = path.mid(16);
                if (!stored.contains(id))
                    return FakeResponse::json("\"silence not found\"", 404);
                if (verb == "DELETE") {
                    deleted << id;
                    stored[id].insert(QStringLiteral("endsAt"), amTime(now()));
                    return FakeResponse::json("");
                }
                return FakeResponse::json(
                    QJsonDocument(withStatus(stored[id])).toJson(QJsonDocument::Compact));
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
    void keeperExtendsInPlace();
    void keeperAdoptsExistingSilence();
    void bridgePushesFiringAndResolved();
    void bridgeTurnsAcksIntoSilences();
    void bridgeConvergesAfterRestart();
    void bridgeNewEpisodeNotSilenced();
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
    am.clock = &clock; // Alertmanager on the same time
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
    am.clock = &clock; // Alertmanager on the same time
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
    am.clock = &clock; // Alertmanager on the same time
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

void TestAlertmanagerClient::keeperExtendsInPlace()
{
    // Alertmanager's clock is 250 ms ahead: the startsAt it stores is its own "now", not ours.
    FakeAm am;
    ManualClock clock;
    am.clock = &clock;
    am.skewMs = 250;
    const qint64 t0 = clock.nowMs();
    AlertmanagerClient client(&am.network, amConnection());
    SilenceKeeper keeper(&client, &clock);
    keeper.setLease(600'000, 120'000);
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy extended(&keeper, &SilenceKeeper::silenceExtended);
    const QString key = QStringLiteral("p95 @ prod");
    keeper.acknowledge(key,
                       {{QStringLiteral("alertname"), QStringLiteral("p95")},
                        {QStringLiteral("target"), QStringLiteral("prod")}},
                       QStringLiteral("alice"), QStringLiteral("on it"));
    QVERIFY(created.wait(5000));
    QCOMPARE(created.first().at(1).toString(), QStringLiteral("s1"));
    QCOMPARE(keeper.kept(key)->startsAtMs, t0 + 250); // read back from Alertmanager
    // Three extensions: each re-sends the stored startsAt, so the id never changes.
    for (int i = 1; i <= 3; ++i) {
        clock.advanceMs(500'000);
        keeper.tick();
        QVERIFY(extended.wait(5000));
        QCOMPARE(extended.last().at(1).toString(), QStringLiteral("s1"));
        QCOMPARE(am.silencePosts.last().value(QStringLiteral("startsAt")).toString(),
                 amTime(t0 + 250));
        QCOMPARE(keeper.kept(key)->endsAtMs, clock.nowMs() + 600'000);
    }
    QCOMPARE(am.active(), QStringList{QStringLiteral("s1")});
    QCOMPARE(am.stored.size(), 1);

    // Should Alertmanager replace it anyway (here: it lost the silence's startsAt), the keeper
    // follows the new id, reads its startsAt back, and the next extension is in place again.
    am.stored[QStringLiteral("s1")].insert(QStringLiteral("startsAt"), amTime(t0 + 1));
    clock.advanceMs(500'000);
    keeper.tick();
    QVERIFY(extended.wait(5000));
    QCOMPARE(extended.last().at(1).toString(), QStringLiteral("s2"));
    QCOMPARE(keeper.kept(key)->silenceId, QStringLiteral("s2"));
    QCOMPARE(keeper.kept(key)->startsAtMs, clock.nowMs() + 250);
    clock.advanceMs(500'000);
    keeper.tick();
    QVERIFY(extended.wait(5000));
    QCOMPARE(extended.last().at(1).toString(), QStringLiteral("s2"));
    QCOMPARE(am.active(), QStringList{QStringLiteral("s2")});
}

void TestAlertmanagerClient::keeperAdoptsExistingSilence()
{
    FakeAm am;
    ManualClock clock;
    am.clock = &clock;
    AlertmanagerClient client(&am.network, amConnection());
    const QMap<QString, QString> labels{{QStringLiteral("alertname"), QStringLiteral("p95")},
                                        {QStringLiteral("source"), QStringLiteral("bhiv-ops")},
                                        {QStringLiteral("target"), QStringLiteral("prod")}};
    const auto seed = [&](const QString& createdBy, qint64 endsInMs, bool reversed) {
        QJsonArray matchers;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
            const QJsonObject m{{QStringLiteral("name"), it.key()},
                                {QStringLiteral("value"), it.value()},
                                {QStringLiteral("isRegex"), false},
                                {QStringLiteral("isEqual"), true}};
            if (reversed)
                matchers.prepend(m);
            else
                matchers.append(m);
        }
        return am.set(QJsonObject{{QStringLiteral("matchers"), matchers},
                                  {QStringLiteral("startsAt"), amTime(clock.nowMs())},
                                  {QStringLiteral("endsAt"), amTime(clock.nowMs() + endsInMs)},
                                  {QStringLiteral("createdBy"), createdBy},
                                  {QStringLiteral("comment"), QStringLiteral("on it")}});
    };
    const QString expired = seed(QStringLiteral("alice"), 1000, false);      // s1
    const QString someoneElse = seed(QStringLiteral("bob"), 900'000, false); // s2
    const QString ours = seed(QStringLiteral("alice"), 600'000, true);       // s3, other order
    clock.advanceMs(5000);
    QCOMPARE(am.active(), (QStringList{someoneElse, ours}));

    SilenceKeeper keeper(&client, &clock);
    keeper.setLease(600'000, 120'000);
    QSignalSpy reused(&keeper, &SilenceKeeper::silenceReused);
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy extended(&keeper, &SilenceKeeper::silenceExtended);
    keeper.adopt(QStringLiteral("p95 @ prod"), labels, QStringLiteral("alice"),
                 QStringLiteral("on it"));
    QVERIFY(reused.wait(5000));
    QCOMPARE(reused.first().at(1).toString(), ours);
    QCOMPARE(created.size(), 0);
    QVERIFY(am.silencePosts.isEmpty());
    QCOMPARE(keeper.kept(QStringLiteral("p95 @ prod"))->endsAtMs, clock.nowMs() + 595'000);
    // Extended in place when due, with the startsAt Alertmanager holds.
    clock.advanceMs(500'000);
    keeper.tick();
    QVERIFY(extended.wait(5000));
    QCOMPARE(extended.first().at(1).toString(), ours);
    Q_UNUSED(expired);

    // Nothing of ours there: created.
    keeper.adopt(QStringLiteral("p95 @ staging"),
                 {{QStringLiteral("alertname"), QStringLiteral("p95")},
                  {QStringLiteral("target"), QStringLiteral("staging")}},
                 QStringLiteral("alice"), QStringLiteral("on it"));
    QVERIFY(created.wait(5000));
    QCOMPARE(am.silencePosts.size(), 2);
    QCOMPARE(am.active().size(), 3);

    // The look-up failing: reported, and tried again on the next tick (not created blindly).
    am.refuse = true;
    QSignalSpy failed(&keeper, &SilenceKeeper::failed);
    keeper.adopt(QStringLiteral("other"), labels, QStringLiteral("carol"), {});
    QVERIFY(failed.wait(5000));
    QVERIFY(keeper.kept(QStringLiteral("other"))->lookup);
    am.refuse = false;
    keeper.tick();
    QVERIFY(created.wait(5000));
    QCOMPARE(am.active().size(), 4);
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
    am.clock = &clock; // Alertmanager on the same time
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
    am.clock = &clock; // Alertmanager on the same time
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

void TestAlertmanagerClient::bridgeConvergesAfterRestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    FakeAm am;
    ManualClock clock;
    am.clock = &clock;
    AlertmanagerClient client(&am.network, amConnection());
    const AlertKey alertKey{QStringLiteral("slow"), QStringLiteral("prod")};
    const QString key = alertKey.toString();
    // One run of the console: an engine over the store, its keeper and bridge.
    struct Run {
        AlertStore store;
        AlertEngine engine;
        SilenceKeeper keeper;
        AlertmanagerBridge bridge;
        Run(const QString& path, ManualClock* clock, AlertmanagerClient* client)
            : store(path)
            , engine(clock, &store)
            , keeper(client, clock)
            , bridge(&engine, client, &keeper, clock)
        {
            store.open();
            engine.setRules({latencyRule()});
            engine.restoreFromStore();
            keeper.setLease(60'000, 20'000);
            bridge.setTargets({QStringLiteral("prod")});
        }
    };
    QString first;
    {
        Run run(path, &clock, &client);
        QSignalSpy created(&run.keeper, &SilenceKeeper::silenceCreated);
        feed(run.engine, clock, QStringLiteral("prod"), 2.0);
        QVERIFY(run.engine.acknowledge(alertKey, QStringLiteral("alice"), QStringLiteral("on it")));
        QVERIFY(created.wait(5000));
        first = created.first().at(1).toString();
    }
    QCOMPARE(am.silencePosts.size(), 1);
    // Restarted while its silence is active: the restored ack reuses it, no duplicate.
    {
        Run run(path, &clock, &client);
        QSignalSpy reused(&run.keeper, &SilenceKeeper::silenceReused);
        feed(run.engine, clock, QStringLiteral("prod"), 2.0);
        QVERIFY(run.engine.alert(alertKey)->ack);
        QVERIFY(reused.wait(5000));
        QCOMPARE(reused.first().at(1).toString(), first);
        QCOMPARE(am.silencePosts.size(), 1);
        QCOMPARE(am.active(), QStringList{first});
        feed(run.engine, clock, QStringLiteral("prod"), 2.0); // the next pass: nothing new
        QTest::qWait(20);
        QCOMPARE(am.silencePosts.size(), 1);
    }
    // Down longer than the silence lasted: a new one is created for the ack.
    clock.advanceMs(120'000);
    QVERIFY(am.active().isEmpty());
    {
        Run run(path, &clock, &client);
        QSignalSpy created(&run.keeper, &SilenceKeeper::silenceCreated);
        feed(run.engine, clock, QStringLiteral("prod"), 2.0);
        QVERIFY(created.wait(5000));
        QCOMPARE(am.active(), QStringList{created.first().at(1).toString()});
        QCOMPARE(am.silencePosts.last().value(QStringLiteral("createdBy")).toString(),
                 QStringLiteral("alice"));
    }
    // Restarted after the alert resolved: the restored ack ends with it, no silence.
    clock.advanceMs(120'000);
    {
        Run run(path, &clock, &client);
        const int posts = am.silencePosts.size();
        feed(run.engine, clock, QStringLiteral("prod"), 0.1);
        QVERIFY(!run.engine.alert(alertKey)->ack);
        QTest::qWait(50);
        feed(run.engine, clock, QStringLiteral("prod"), 0.1);
        QTest::qWait(50);
        QCOMPARE(am.silencePosts.size(), posts);
        QVERIFY(am.active().isEmpty());
        QVERIFY(!run.keeper.kept(key));
    }
}

void TestAlertmanagerClient::bridgeNewEpisodeNotSilenced()
{
    // An acknowledged episode resolves; while its silence runs out, the alert fires again and
    // nobody acknowledges it: the old silence must not be extended over the new episode.
    FakeAm am;
    ManualClock clock;
    am.clock = &clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule()});
    AlertmanagerClient client(&am.network, amConnection());
    SilenceKeeper keeper(&client, &clock);
    keeper.setLease(60'000, 20'000);
    AlertmanagerBridge bridge(&engine, &client, &keeper, &clock);
    bridge.setTargets({QStringLiteral("prod")});
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy extended(&keeper, &SilenceKeeper::silenceExtended);
    const AlertKey alertKey{QStringLiteral("slow"), QStringLiteral("prod")};
    feed(engine, clock, QStringLiteral("prod"), 2.0);
    QVERIFY(engine.acknowledge(alertKey, QStringLiteral("alice"), QStringLiteral("on it")));
    QVERIFY(created.wait(5000));
    feed(engine, clock, QStringLiteral("prod"), 0.1); // resolved
    feed(engine, clock, QStringLiteral("prod"), 2.0); // fires again, not acknowledged
    for (int i = 0; i < 30; ++i) {
        feed(engine, clock, QStringLiteral("prod"), 2.0);
        QTest::qWait(2); // the keeper's requests are answered as time goes on
    }
    QTest::qWait(50);
    QCOMPARE(extended.size(), 0);
    QCOMPARE(am.silencePosts.size(), 1);
    const QString first = created.first().at(1).toString();
    QCOMPARE(am.active(), QStringList{first}); // running out, not extended
    // Acknowledged again (bob) before it ran out: the same silence, now under bob's name, kept.
    QVERIFY(engine.acknowledge(alertKey, QStringLiteral("bob"), QStringLiteral("mine now")));
    QVERIFY(extended.wait(5000));
    QCOMPARE(extended.first().at(1).toString(), first);
    QCOMPARE(am.stored.value(first).value(QStringLiteral("createdBy")).toString(),
             QStringLiteral("bob"));
    QCOMPARE(am.stored.value(first).value(QStringLiteral("comment")).toString(),
             QStringLiteral("mine now"));
    for (int i = 0; i < 90; ++i) {
        feed(engine, clock, QStringLiteral("prod"), 2.0);
        QTest::qWait(2); // the keeper's requests are answered as time goes on
    }
    QTest::qWait(50);
    QCOMPARE(am.active(), QStringList{first});
    QCOMPARE(am.stored.size(), 1);

    // Resolved, then fires again unacknowledged until well past the lease: the silence ends.
    feed(engine, clock, QStringLiteral("prod"), 0.1);
    for (int i = 0; i < 90; ++i) {
        feed(engine, clock, QStringLiteral("prod"), 2.0);
        QTest::qWait(2); // the keeper's requests are answered as time goes on
    }
    QTest::qWait(50);
    QVERIFY(am.active().isEmpty());
    QVERIFY(!keeper.kept(alertKey.toString()));
}

QTEST_GUILESS_MAIN(TestAlertmanagerClient)
#include "TestAlertmanagerClient.moc"
