// The team's alerts beside the local ones: TeamAlertsModel (who acknowledged what) and the
// AlertmanagerHub that builds clients from the targets and the keychain.
#include "models/alertmanager/AlertmanagerHub.h"
#include "models/alertmanager/TeamAlertsModel.h"
#include "models/alerts/AlertEngine.h"
#include "models/domain/Clock.h"
#include "models/secrets/MemorySecretStore.h"
#include "tests/support/FakeNetworkAccessManager.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;

namespace {

const QByteArray kAlerts = R"([
 {"labels":{"alertname":"disk_full","instance":"db-1","severity":"warning"},"annotations":{"summary":"92 %"},
  "startsAt":"2026-01-01T00:00:00.000Z","endsAt":"2026-01-01T01:00:00.000Z","fingerprint":"f1",
  "status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"receivers":[{"name":"team"}]},
 {"labels":{"alertname":"slow","target":"prod","severity":"critical","source":"bhiv-ops"},"annotations":{},
  "startsAt":"2026-01-01T00:10:00.000Z","endsAt":"2026-01-01T01:00:00.000Z","fingerprint":"f2",
  "status":{"state":"suppressed","silencedBy":["s9"],"inhibitedBy":[]},"receivers":[{"name":"team"}]}])";
const QByteArray kSilences = R"([{"id":"s9","status":{"state":"active"},
  "matchers":[{"name":"alertname","value":"slow","isRegex":false,"isEqual":true}],
  "startsAt":"2026-01-01T00:11:00.000Z","endsAt":"2026-01-01T00:26:00.000Z",
  "updatedAt":"2026-01-01T00:11:00.000Z","createdBy":"alice","comment":"rolling back"}])";

Target target(const QString& name, const QString& auth)
{
    Target t;
    t.name = name;
    t.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8000"));
    t.alertmanager.url = QUrl(QStringLiteral("http://127.0.0.1:9093"));
    t.alertmanager.auth = auth;
    t.alertmanager.username = QStringLiteral("ops");
    return t;
}

} // namespace

class TestTeamAlerts : public QObject {
    Q_OBJECT
private slots:
    void modelShowsWhoAcknowledged();
    void hubReadsCredentialAndFillsModel();
    void hubReportsAMissingCredentialAndBadAnswers();
    void hubWithoutAlertmanagerDoesNothing();
};

void TestTeamAlerts::modelShowsWhoAcknowledged()
{
    TeamAlertsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setAlerts(QStringLiteral("http://am"), *decodeAmAlerts(kAlerts),
                    *decodeAmSilences(kSilences));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(TeamAlertsModel::ColumnCount));
    // The unsilenced one first.
    QCOMPARE(model.index(0, TeamAlertsModel::Alert).data().toString(), QStringLiteral("disk_full"));
    QCOMPARE(model.index(0, TeamAlertsModel::Target).data().toString(), QStringLiteral("db-1"));
    QVERIFY(model.index(0, TeamAlertsModel::AcknowledgedBy).data().toString().isEmpty());
    QVERIFY(!model.index(0, 0).data(TeamAlertsModel::SilencedRole).toBool());
    QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("92 %")));
    QCOMPARE(model.index(1, TeamAlertsModel::Target).data().toString(), QStringLiteral("prod"));
    QCOMPARE(model.index(1, TeamAlertsModel::State).data().toString(),
             QStringLiteral("suppressed"));
    const QString ack = model.index(1, TeamAlertsModel::AcknowledgedBy).data().toString();
    QVERIFY2(ack.startsWith(QStringLiteral("alice: rolling back (until ")), qPrintable(ack));
    QCOMPARE(model.index(1, TeamAlertsModel::Source).data().toString(), QStringLiteral("bhiv-ops"));
    QCOMPARE(model.headerData(TeamAlertsModel::AcknowledgedBy, Qt::Horizontal).toString(),
             QStringLiteral("Acknowledged by"));
    // A second Alertmanager merges; clearing one leaves the other's.
    model.setAlerts(QStringLiteral("http://am2"), *decodeAmAlerts(kAlerts), {});
    QCOMPARE(model.rowCount(), 4);
    model.clearAlertmanager(QStringLiteral("http://am"));
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(model.acknowledgedBy(1).isEmpty()); // am2 had no silences to name
    QVERIFY(model.acknowledgedBy(7).isEmpty());
}

void TestTeamAlerts::hubReadsCredentialAndFillsModel()
{
    FakeNetworkAccessManager network;
    network.setResponse(QStringLiteral("/api/v2/alerts"), FakeResponse::json(kAlerts));
    network.setResponse(QStringLiteral("/api/v2/silences"), FakeResponse::json(kSilences));
    MemorySecretStore secrets;
    QVERIFY(writeSecretSync(secrets, secretKeyAlertmanagerCredential(QStringLiteral("prod")),
                            "am-password")
                .ok());
    ManualClock clock;
    AlertEngine engine(&clock);
    AlertmanagerHub hub(&network, &secrets, &engine, &clock);
    QSignalSpy refreshed(&hub, &AlertmanagerHub::refreshed);
    // Two targets on the same Alertmanager share one client.
    hub.configure({target(QStringLiteral("prod"), QStringLiteral("basic")),
                   target(QStringLiteral("staging"), QStringLiteral("basic"))});
    QCOMPARE(hub.alertmanagerCount(), 1);
    QVERIFY(refreshed.wait(5000));
    QCOMPARE(hub.teamAlerts()->rowCount(), 2);
    const auto requests = network.requestsTo(QStringLiteral("/api/v2/alerts"));
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().header("Authorization"),
             "Basic " + QByteArray("ops:am-password").toBase64());
    // The same configuration again keeps the clients (and kept silences): no new requests.
    network.clearRequests();
    hub.configure({target(QStringLiteral("staging"), QStringLiteral("basic")),
                   target(QStringLiteral("prod"), QStringLiteral("basic"))});
    QTest::qWait(50);
    QVERIFY(network.requests().isEmpty());
    // Another Alertmanager for one of them: rebuilt, two clients.
    Target other = target(QStringLiteral("staging"), QStringLiteral("none"));
    other.alertmanager.url = QUrl(QStringLiteral("http://127.0.0.1:9094"));
    hub.configure({target(QStringLiteral("prod"), QStringLiteral("basic")), other});
    QCOMPARE(hub.alertmanagerCount(), 2);
    QTRY_COMPARE(network.requestsTo(QStringLiteral("/api/v2/alerts")).size(), 2);
}

void TestTeamAlerts::hubReportsAMissingCredentialAndBadAnswers()
{
    FakeNetworkAccessManager network;
    network.setResponse(QStringLiteral("/api/v2/alerts"),
                        FakeResponse::json(R"({"error":"unauthorized"})", 401));
    MemorySecretStore secrets; // no credential stored
    ManualClock clock;
    AlertEngine engine(&clock);
    AlertmanagerHub hub(&network, &secrets, &engine, &clock);
    QSignalSpy problem(&hub, &AlertmanagerHub::problem);
    hub.configure({target(QStringLiteral("prod"), QStringLiteral("bearer"))});
    QTRY_VERIFY(problem.size() >= 2);
    QVERIFY2(problem.at(0).at(1).toString().contains(QStringLiteral("no credential")),
             qPrintable(problem.at(0).at(1).toString()));
    QVERIFY2(problem.at(1).at(1).toString().contains(QStringLiteral("401")),
             qPrintable(problem.at(1).at(1).toString()));
    QCOMPARE(hub.teamAlerts()->rowCount(), 0);
    // Sent without an Authorization header rather than with an empty one.
    QVERIFY(network.requestsTo(QStringLiteral("/api/v2/alerts"))
                .first()
                .header("Authorization")
                .isEmpty());
}

void TestTeamAlerts::hubWithoutAlertmanagerDoesNothing()
{
    FakeNetworkAccessManager network;
    ManualClock clock;
    AlertEngine engine(&clock);
    AlertmanagerHub hub(&network, static_cast<SecretStore*>(nullptr), &engine, &clock);
    Target plain = target(QStringLiteral("prod"), QStringLiteral("none"));
    plain.alertmanager.url = QUrl();
    hub.configure({plain});
    QCOMPARE(hub.alertmanagerCount(), 0);
    hub.refresh();
    QTest::qWait(20);
    QVERIFY(network.requests().isEmpty());
}

QTEST_GUILESS_MAIN(TestTeamAlerts)
#include "TestTeamAlerts.moc"
