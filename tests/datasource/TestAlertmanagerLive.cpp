// Against Debian's real prometheus-alertmanager, started by the test on a loopback port: the
// console's firing alert pushed appears there; an acknowledgement is a silence (createdBy,
// comment) that is extended in place (same id) while the alert fires and expires after it
// resolves; an unacknowledgement expires it at once; after a restart a restored ack converges on
// exactly one silence.
#include "models/alertmanager/AlertmanagerBridge.h"
#include "models/alertmanager/AlertmanagerClient.h"
#include "models/alertmanager/SilenceKeeper.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"
#include "tests/support/AlertmanagerProcess.h"
#include "tests/support/SelfSignedCertificate.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace ops;
using ops::test::AlertmanagerProcess;

namespace {

ApiConnection connectionTo(const QUrl& url)
{
    ApiConnection c;
    c.baseUrl = url;
    c.limits.connectTimeoutMs = 3000;
    c.limits.readTimeoutMs = 5000;
    return c;
}

// Calls an async client method and waits for its answer.
template <typename F> AmResult callSync(F&& start)
{
    AmResult result;
    bool done = false;
    start([&](const AmResult& r) {
        result = r;
        done = true;
    });
    QDeadlineTimer deadline(10000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(20);
    if (!done)
        result.error = QStringLiteral("no answer in 10 s");
    return result;
}

std::optional<AmAlert> findAlert(AlertmanagerClient& client, const QString& alertname)
{
    const AmResult r = callSync([&](auto cb) { client.alerts(cb); });
    for (const AmAlert& a : r.alerts)
        if (a.labels.value(QStringLiteral("alertname")) == alertname)
            return a;
    return std::nullopt;
}

AmSilence silenceById(AlertmanagerClient& client, const QString& id)
{
    const AmResult r = callSync([&](auto cb) { client.silence(id, cb); });
    return r.silences.value(0);
}

// The active silences whose matchers name this alert.
QStringList activeSilencesFor(AlertmanagerClient& client, const QString& alertname)
{
    QStringList out;
    const AmResult r = callSync([&](auto cb) { client.silences(cb); });
    for (const AmSilence& s : r.silences) {
        if (s.state != u"active")
            continue;
        for (const AmMatcher& m : s.matchers)
            if (m.name == u"alertname" && m.value == alertname)
                out << s.id;
    }
    return out;
}

AlertRule latencyRule(const QString& name)
{
    AlertRule r;
    r.name = name;
    r.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    r.op = Comparison::Greater;
    r.threshold = 1.0;
    r.aggregation = WindowAggregation::Last;
    r.severity = AlertSeverity::Critical;
    r.summary = QStringLiteral("average response time {value} s");
    return r;
}

void feed(AlertEngine& engine, double value)
{
    EvaluationSample s;
    s.target = QStringLiteral("prod");
    s.timeMs = engine.clock()->nowMs();
    s.intervalMs = 1000;
    s.lastSuccessMs = s.timeMs;
    s.set(AlertSignals::AvgResponseTime, value);
    engine.evaluate(s);
}

} // namespace

class TestAlertmanagerLive : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void firingAlertPushedAppears();
    void ackSilenceExtendedThenExpires();
    void unackExpiresTheSilence();
    void restartConvergesOnOneSilence();
    void tlsAsForGateways();

private:
    AlertmanagerProcess m_am;
};

void TestAlertmanagerLive::initTestCase()
{
    QVERIFY2(m_am.start(), qPrintable(m_am.error()));
    QNetworkAccessManager network;
    AlertmanagerClient client(&network, connectionTo(m_am.url()));
    const AmResult status = callSync([&](auto cb) { client.status(cb); });
    QVERIFY2(status.ok, qPrintable(status.error));
    QVERIFY2(status.version.startsWith(QStringLiteral("0.")), qPrintable(status.version));
}

void TestAlertmanagerLive::firingAlertPushedAppears()
{
    QNetworkAccessManager network;
    AlertmanagerClient client(&network, connectionTo(m_am.url()));
    SystemClock clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule(QStringLiteral("h11_slow"))});
    AlertmanagerBridge bridge(&engine, &client, nullptr, &clock);
    bridge.setTargets({QStringLiteral("prod")});
    QSignalSpy pushed(&bridge, &AlertmanagerBridge::pushed);
    QSignalSpy failed(&bridge, &AlertmanagerBridge::failed);
    feed(engine, 2.5);
    QVERIFY(pushed.wait(10000));
    QCOMPARE(failed.size(), 0);
    std::optional<AmAlert> alert;
    QTRY_VERIFY_WITH_TIMEOUT((alert = findAlert(client, QStringLiteral("h11_slow"))).has_value(),
                             10000);
    QCOMPARE(alert->labels.value(QStringLiteral("target")), QStringLiteral("prod"));
    QCOMPARE(alert->labels.value(QStringLiteral("severity")), QStringLiteral("critical"));
    QCOMPARE(alert->labels.value(QStringLiteral("source")), QStringLiteral("bhiv-ops"));
    QVERIFY2(alert->annotations.value(QStringLiteral("summary")).contains(QStringLiteral("2.5")),
             qPrintable(alert->annotations.value(QStringLiteral("summary"))));
    QVERIFY(alert->endsAtMs > clock.nowMs());
    QVERIFY(!alert->fingerprint.isEmpty());

    // Resolved: pushed with endsAt = now; Alertmanager no longer lists it as active.
    feed(engine, 0.1);
    QVERIFY(pushed.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(!findAlert(client, QStringLiteral("h11_slow")).has_value(), 10000);
}

void TestAlertmanagerLive::ackSilenceExtendedThenExpires()
{
    QNetworkAccessManager network;
    AlertmanagerClient client(&network, connectionTo(m_am.url()));
    SystemClock clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule(QStringLiteral("h11_acked"))});
    SilenceKeeper keeper(&client, &clock);
    keeper.setLease(4000, 2500); // short, so the test sees extension and expiry in seconds
    AlertmanagerBridge bridge(&engine, &client, &keeper, &clock);
    bridge.setTargets({QStringLiteral("prod")});
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy extended(&keeper, &SilenceKeeper::silenceExtended);
    QSignalSpy keeperFailed(&keeper, &SilenceKeeper::failed);
    QSignalSpy pushed(&bridge, &AlertmanagerBridge::pushed);
    feed(engine, 3.0);
    QVERIFY(pushed.wait(10000));
    QVERIFY(engine.acknowledge({QStringLiteral("h11_acked"), QStringLiteral("prod")},
                               QStringLiteral("alice"), QStringLiteral("rolling back")));
    QVERIFY(created.wait(10000));
    const QString key = QStringLiteral("h11_acked @ prod");
    const QString firstId = keeper.kept(key)->silenceId;
    const qint64 firstEnd = keeper.kept(key)->endsAtMs;
    AmSilence silence = silenceById(client, firstId);
    QCOMPARE(silence.state, QStringLiteral("active"));
    QCOMPARE(silence.createdBy, QStringLiteral("alice"));
    QCOMPARE(silence.comment, QStringLiteral("rolling back"));
    QVERIFY(std::abs(silence.endsAtMs - firstEnd) < 1000);
    // Who acknowledged what: the team's view shows the alert suppressed by that silence.
    std::optional<AmAlert> alert;
    QTRY_VERIFY_WITH_TIMEOUT((alert = findAlert(client, QStringLiteral("h11_acked"))) &&
                                 alert->state == QStringLiteral("suppressed"),
                             10000);
    QVERIFY(alert->silencedBy.contains(keeper.kept(key)->silenceId));

    // Still firing for 6 s (evaluations every 250 ms): the silence outlives its first lease.
    QDeadlineTimer firing(6000);
    while (!firing.hasExpired()) {
        feed(engine, 3.0);
        QTest::qWait(250);
    }
    QVERIFY(extended.size() >= 1);
    QCOMPARE(keeperFailed.size(), 0);
    const QString currentId = keeper.kept(key)->silenceId;
    // Updated in place: the same silence, the only active one for the alert.
    qInfo("extensions %lld: silence %s before, %s after; endsAt %lld -> %lld ms",
          static_cast<long long>(extended.size()), qPrintable(firstId), qPrintable(currentId),
          static_cast<long long>(firstEnd), static_cast<long long>(keeper.kept(key)->endsAtMs));
    QCOMPARE(currentId, firstId);
    for (const QList<QVariant>& e : std::as_const(extended))
        QCOMPARE(e.at(1).toString(), firstId);
    QCOMPARE(activeSilencesFor(client, QStringLiteral("h11_acked")), QStringList{firstId});
    silence = silenceById(client, currentId);
    QCOMPARE(silence.state, QStringLiteral("active"));
    QVERIFY2(silence.endsAtMs > firstEnd + 2000,
             qPrintable(QStringLiteral("%1 vs %2").arg(silence.endsAtMs).arg(firstEnd)));
    QVERIFY(clock.nowMs() > firstEnd); // past the first lease and still silenced
    QCOMPARE(silence.createdBy, QStringLiteral("alice"));
    QVERIFY(findAlert(client, QStringLiteral("h11_acked"))->silencedBy.contains(currentId));

    // Recovery: no more extensions; the silence expires at its end, by itself.
    feed(engine, 0.2);
    QVERIFY(!engine.alert({QStringLiteral("h11_acked"), QStringLiteral("prod")})->ack);
    const qint64 lastEnd = keeper.kept(key)->endsAtMs;
    const int extensions = extended.size();
    QDeadlineTimer recovering(lastEnd - clock.nowMs() + 5000);
    while (!recovering.hasExpired() && silenceById(client, currentId).state != u"expired") {
        feed(engine, 0.2);
        QTest::qWait(250);
    }
    silence = silenceById(client, currentId);
    QCOMPARE(silence.state, QStringLiteral("expired"));
    QCOMPARE(extended.size(), extensions);
    QVERIFY(clock.nowMs() >= lastEnd);
    feed(engine, 0.2); // the evaluation pass after its end forgets it
    QVERIFY(!keeper.kept(key).has_value());
}

void TestAlertmanagerLive::unackExpiresTheSilence()
{
    QNetworkAccessManager network;
    AlertmanagerClient client(&network, connectionTo(m_am.url()));
    SystemClock clock;
    AlertEngine engine(&clock);
    engine.setRules({latencyRule(QStringLiteral("h11_unacked"))});
    SilenceKeeper keeper(&client, &clock);
    AlertmanagerBridge bridge(&engine, &client, &keeper, &clock);
    bridge.setTargets({QStringLiteral("prod")});
    QSignalSpy created(&keeper, &SilenceKeeper::silenceCreated);
    QSignalSpy expired(&keeper, &SilenceKeeper::silenceExpired);
    feed(engine, 3.0);
    QVERIFY(engine.acknowledge({QStringLiteral("h11_unacked"), QStringLiteral("prod")},
                               QStringLiteral("bob"), QStringLiteral("mine")));
    QVERIFY(created.wait(10000));
    const QString id = created.first().at(1).toString();
    QCOMPARE(silenceById(client, id).state, QStringLiteral("active"));
    QVERIFY(engine.unacknowledge({QStringLiteral("h11_unacked"), QStringLiteral("prod")},
                                 QStringLiteral("bob")));
    QVERIFY(expired.wait(10000));
    QCOMPARE(silenceById(client, id).state, QStringLiteral("expired"));
    // Expiring an unknown silence is an error, reported as a value.
    const AmResult r =
        callSync([&](auto cb) { client.expireSilence(QStringLiteral("no-such-id"), cb); });
    QVERIFY(!r.ok);
    QVERIFY(r.httpStatus >= 400);
}

void TestAlertmanagerLive::restartConvergesOnOneSilence()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    QNetworkAccessManager network;
    AlertmanagerClient client(&network, connectionTo(m_am.url()));
    SystemClock clock;
    const QString name = QStringLiteral("h11_restart");
    const AlertKey alertKey{name, QStringLiteral("prod")};
    // One run of the console: engine over the alert store, keeper and bridge.
    struct Run {
        AlertStore store;
        AlertEngine engine;
        SilenceKeeper keeper;
        AlertmanagerBridge bridge;
        Run(const QString& path, const Clock* clock, AlertmanagerClient* client,
            const QString& rule)
            : store(path)
            , engine(clock, &store)
            , keeper(client, clock)
            , bridge(&engine, client, &keeper, clock)
        {
            QVERIFY(store.open());
            engine.setRules({latencyRule(rule)});
            engine.restoreFromStore();
            keeper.setLease(60'000, 20'000);
            bridge.setTargets({QStringLiteral("prod")});
        }
    };
    QString first;
    {
        Run run(path, &clock, &client, name);
        QSignalSpy created(&run.keeper, &SilenceKeeper::silenceCreated);
        feed(run.engine, 3.0);
        QVERIFY(run.engine.acknowledge(alertKey, QStringLiteral("carol"),
                                       QStringLiteral("known, fixing")));
        QVERIFY(created.wait(10000));
        first = created.first().at(1).toString();
    }
    QCOMPARE(activeSilencesFor(client, name), QStringList{first});

    // Restart while the silence is active: the restored ack reuses it (no duplicate).
    {
        Run run(path, &clock, &client, name);
        QSignalSpy reused(&run.keeper, &SilenceKeeper::silenceReused);
        QSignalSpy created(&run.keeper, &SilenceKeeper::silenceCreated);
        feed(run.engine, 3.0);
        QVERIFY(run.engine.alert(alertKey)->ack);
        QVERIFY(reused.wait(10000));
        QCOMPARE(reused.first().at(1).toString(), first);
        feed(run.engine, 3.0);
        QTest::qWait(300);
        QCOMPARE(created.size(), 0);
        QCOMPARE(activeSilencesFor(client, name), QStringList{first});
        qInfo("restart with an active silence: reused %s", qPrintable(first));
    }

    // Expired (by hand in Alertmanager) while the console was down: one new silence is made.
    QVERIFY(callSync([&](auto cb) { client.expireSilence(first, cb); }).ok);
    QVERIFY(activeSilencesFor(client, name).isEmpty());
    QString second;
    {
        Run run(path, &clock, &client, name);
        QSignalSpy created(&run.keeper, &SilenceKeeper::silenceCreated);
        feed(run.engine, 3.0);
        QVERIFY(created.wait(10000));
        second = created.first().at(1).toString();
        QVERIFY(second != first);
        feed(run.engine, 3.0);
        QTest::qWait(300);
        QCOMPARE(created.size(), 1);
        const AmSilence s = silenceById(client, second);
        QCOMPARE(s.createdBy, QStringLiteral("carol"));
        QCOMPARE(s.comment, QStringLiteral("known, fixing"));
        QCOMPARE(activeSilencesFor(client, name), QStringList{second});
        qInfo("restart after its silence expired: created %s", qPrintable(second));
    }

    // Restart after the alert resolved: the restored ack ends with it, no silence is made.
    QVERIFY(callSync([&](auto cb) { client.expireSilence(second, cb); }).ok);
    {
        Run run(path, &clock, &client, name);
        QSignalSpy created(&run.keeper, &SilenceKeeper::silenceCreated);
        QSignalSpy reused(&run.keeper, &SilenceKeeper::silenceReused);
        feed(run.engine, 0.1);
        QVERIFY(!run.engine.alert(alertKey)->ack);
        QTest::qWait(300);
        feed(run.engine, 0.1);
        QTest::qWait(300);
        QCOMPARE(created.size() + reused.size(), 0);
        QVERIFY(activeSilencesFor(client, name).isEmpty());
    }
}

void TestAlertmanagerLive::tlsAsForGateways()
{
    // A self-signed certificate for 127.0.0.1: refused unless its SHA-256 is pinned.
    QTemporaryDir dir;
    const QByteArray pin = test::makeSelfSignedCertificate(dir.path(), QStringLiteral("am"));
    QCOMPARE(pin.size(), 32);
    AlertmanagerProcess am;
    QVERIFY2(am.start(dir.filePath("am.pem"), dir.filePath("am.key")), qPrintable(am.error()));
    QCOMPARE(am.url().scheme(), QStringLiteral("https"));

    QNetworkAccessManager network;
    ApiConnection unpinned = connectionTo(am.url());
    AlertmanagerClient refused(&network, unpinned);
    const AmResult no = callSync([&](auto cb) { refused.status(cb); });
    QVERIFY(!no.ok);
    QCOMPARE(no.httpStatus, 0);
    ApiConnection wrongPin = unpinned;
    wrongPin.limits.trustedCertSha256 = QByteArray(32, '\x5a');
    AlertmanagerClient wrong(&network, wrongPin);
    QVERIFY(!callSync([&](auto cb) { wrong.status(cb); }).ok);
    ApiConnection pinned = unpinned;
    pinned.limits.trustedCertSha256 = pin;
    AlertmanagerClient client(&network, pinned);
    const AmResult yes = callSync([&](auto cb) { client.status(cb); });
    QVERIFY2(yes.ok, qPrintable(yes.error));
    AmAlert alert;
    alert.labels = {{QStringLiteral("alertname"), QStringLiteral("h11_tls")}};
    QVERIFY(callSync([&](auto cb) { client.pushAlerts({alert}, cb); }).ok);
    QTRY_VERIFY_WITH_TIMEOUT(findAlert(client, QStringLiteral("h11_tls")).has_value(), 10000);
}

QTEST_GUILESS_MAIN(TestAlertmanagerLive)
#include "TestAlertmanagerLive.moc"
