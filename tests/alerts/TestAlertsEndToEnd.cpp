// End to end over real processes and a real D-Bus session: the gateway simulator's mean latency
// goes to 1.5 s -> pending -> firing -> a notification reaches the notification server on the
// session bus -> its Acknowledge action comes back over D-Bus -> the alert is acknowledged by the
// OS user -> latency restored -> a resolved notice; the webhook receiver hears both.
#include "SimulatorProcess.h"
#include "WebhookReceiver.h"
#include "alerts/AlertCenter.h"
#include "alerts/AlertEngine.h"
#include "alerts/AlertRulesJson.h"
#include "alerts/AlertStore.h"
#include "domain/Clock.h"
#include "monitor/TargetMonitor.h"
#include "net/Poller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
#include <unistd.h>

using namespace ops;

class TestAlertsEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void latencyAlertRoundTripOverDBus();

private:
    QList<QJsonObject> notifications(QProcess& server)
    {
        m_serverOut += server.readAllStandardOutput();
        QList<QJsonObject> out;
        for (const QByteArray& line : m_serverOut.split('\n')) {
            if (line.startsWith("notify "))
                out << QJsonDocument::fromJson(line.mid(7)).object();
        }
        return out;
    }
    QByteArray m_serverOut;
};

void TestAlertsEndToEnd::latencyAlertRoundTripOverDBus()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "no D-Bus session");
    QProcess server;
    server.start(qEnvironmentVariable("OPS_NOTIFICATION_SERVER"), {});
    QVERIFY2(server.waitForStarted(), qPrintable(server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT((m_serverOut += server.readAllStandardOutput()).contains("ready\n"),
                             5000);

    test::SimulatorProcess sim;
    QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                        QStringLiteral("--seed"), QStringLiteral("7")}),
             qPrintable(sim.error()));
    QTemporaryDir dir;
    const QString rulesFile = dir.filePath(QStringLiteral("rules.json"));
    {
        QFile f(rulesFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"rules": [{"name": "high_response_time", "signal": "avg_response_time",
  "op": ">", "threshold": 1.0, "recovery_threshold": 0.8, "window": "1s", "for": "1s",
  "severity": "critical"}]})");
    }
    test::WebhookReceiver receiver({});
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 250;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    AlertCenterOptions alertOptions;
    alertOptions.databasePath = dir.filePath(QStringLiteral("alerts.sqlite"));
    alertOptions.rulesFile = rulesFile;
    alertOptions.webhookUrl = receiver.url();
    alertOptions.tickIntervalMs = 200;
    AlertCenter center(&clock, &network, alertOptions);
    QVERIFY2(center.start(), qPrintable(center.errorString()));
    center.watch(&monitor, QStringLiteral("sim"));
    poller.start();
    const AlertKey key{QStringLiteral("high_response_time"), QStringLiteral("sim")};
    QList<AlertState> seen;
    connect(center.engine(), &AlertEngine::transition, this, [&](const AlertTransition& t) {
        if (t.kind == u"state" && t.key() == key)
            seen << t.to;
    });
    QTRY_VERIFY_WITH_TIMEOUT(monitor.latestLatencySeconds().has_value(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(center.engine()->alert(key).value_or(AlertStatus{}).state,
                              AlertState::Normal, 10000);

    QCOMPARE(sim.setFaults(R"({"mean_latency_s": 1.5})"), 200);
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains(AlertState::Pending), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains(AlertState::Firing), 15000);
    QCOMPARE(seen.indexOf(AlertState::Pending) < seen.indexOf(AlertState::Firing), true);

    // The notification reached the daemon on the session bus, with its actions and urgency.
    QTRY_VERIFY_WITH_TIMEOUT(!notifications(server).isEmpty(), 10000);
    const QJsonObject firing = notifications(server).first();
    QVERIFY2(firing.value(QStringLiteral("summary")).toString().contains(key.rule),
             qPrintable(QJsonDocument(firing).toJson()));
    QCOMPARE(firing.value(QStringLiteral("urgency")).toInt(), 2);
    const QStringList actions = firing.value(QStringLiteral("actions")).toVariant().toStringList();
    QVERIFY2(actions.contains(QStringLiteral("acknowledge")) &&
                 actions.contains(QStringLiteral("snooze-1h")) &&
                 actions.contains(QStringLiteral("default")),
             qPrintable(actions.join(u',')));

    // The operator clicks Acknowledge: the daemon emits ActionInvoked over D-Bus.
    const int id = firing.value(QStringLiteral("id")).toInt();
    server.write("invoke " + QByteArray::number(id) + " acknowledge\n");
    QTRY_VERIFY_WITH_TIMEOUT(center.engine()->alert(key)->ack.has_value(), 5000);
    QCOMPARE(center.engine()->alert(key)->ack->author, AlertEngine::defaultAuthor());
    QVERIFY(center.engine()->alert(key)->isFiring()); // acknowledged, still firing

    // Latency restored: the alert resolves and the resolved notice replaces the toast.
    QCOMPARE(sim.clearFaults(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(notifications(server).size() >= 2, 20000);
    const QJsonObject resolved = notifications(server).last();
    QVERIFY2(
        resolved.value(QStringLiteral("summary")).toString().startsWith(QStringLiteral("Resolved")),
        qPrintable(QJsonDocument(resolved).toJson()));
    QCOMPARE(resolved.value(QStringLiteral("replaces")).toInt(), id);
    QCOMPARE(notifications(server).size(), 2); // acknowledged: no repeat toasts in between
    QVERIFY(!center.engine()->alert(key)->ack);

    // The webhook heard firing and resolved; the store kept the ack with its author.
    QTRY_VERIFY_WITH_TIMEOUT(receiver.bodies.size() >= 2, 10000);
    QStringList statuses;
    for (const QByteArray& body : receiver.bodies)
        statuses
            << QJsonDocument::fromJson(body).object().value(QStringLiteral("status")).toString();
    QCOMPARE(statuses.first(), QStringLiteral("firing"));
    QCOMPARE(statuses.last(), QStringLiteral("resolved"));
    AlertHistoryFilter filter;
    filter.kind = QStringLiteral("ack");
    const QList<AlertTransition> acks = center.store()->history(filter);
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks[0].author, AlertEngine::defaultAuthor());
    poller.stop();
    server.write("quit\n");
    server.waitForFinished(3000);
}

int main(int argc, char** argv)
{
    // Needs a session bus of its own: without one, run again under dbus-run-session.
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") &&
        qEnvironmentVariableIsEmpty("OPS_ALERTS_REEXEC")) {
        qputenv("OPS_ALERTS_REEXEC", "1");
        std::vector<char*> args{const_cast<char*>("dbus-run-session"), const_cast<char*>("--")};
        for (int i = 0; i < argc; ++i)
            args.push_back(argv[i]);
        args.push_back(nullptr);
        execvp("dbus-run-session", args.data());
        std::perror("dbus-run-session");
        return 1;
    }
    QCoreApplication app(argc, argv);
    TestAlertsEndToEnd test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestAlertsEndToEnd.moc"
