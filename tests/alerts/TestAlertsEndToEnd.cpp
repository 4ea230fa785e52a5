// End to end over real processes and a real D-Bus session: the gateway simulator's mean latency
// goes to 1.5 s -> pending -> firing -> a notification reaches the notification daemon on the
// session bus -> its Acknowledge action comes back over D-Bus -> the alert is acknowledged by the
// OS user -> latency restored -> a resolved notice; the webhook receiver hears both. Two
// daemons: the test's own notification server (which reports every Notify call in full) and
// dunst (a real daemon, clicked through dunstctl; see with-dunst.sh).
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertRulesJson.h"
#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/alerts/WebhookReceiver.h"
#include "tests/support/SimulatorProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
#include <memory>
#include <unistd.h>

using namespace ops;

namespace {

// Everything but the notification daemon: the simulator, poller, monitor, alert center with a
// 1 s latency rule, and a webhook receiver.
struct Rig {
    test::SimulatorProcess sim;
    QTemporaryDir dir;
    test::WebhookReceiver receiver{{}};
    QNetworkAccessManager network;
    SystemClock clock;
    std::unique_ptr<Poller> poller;
    std::unique_ptr<TargetMonitor> monitor;
    std::unique_ptr<AlertCenter> center;
    const AlertKey key{QStringLiteral("high_response_time"), QStringLiteral("sim")};
    QList<AlertState> seen;
};

// Runs `program args` and returns its standard output (empty when it failed).
QByteArray run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(10000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return {};
    return p.readAllStandardOutput();
}

int dunstDisplayed()
{
    return run(QStringLiteral("dunstctl"), {QStringLiteral("count"), QStringLiteral("displayed")})
        .trimmed()
        .toInt();
}

// dunst's history (closed notifications, newest first): summary and body of each.
QList<QPair<QString, QString>> dunstHistory()
{
    const QJsonObject doc =
        QJsonDocument::fromJson(run(QStringLiteral("dunstctl"), {QStringLiteral("history")}))
            .object();
    QList<QPair<QString, QString>> out;
    for (const QJsonValue& group : doc.value(QStringLiteral("data")).toArray()) {
        for (const QJsonValue& n : group.toArray()) {
            const QJsonObject o = n.toObject();
            out.append({o.value(QStringLiteral("summary"))
                            .toObject()
                            .value(QStringLiteral("data"))
                            .toString(),
                        o.value(QStringLiteral("body"))
                            .toObject()
                            .value(QStringLiteral("data"))
                            .toString()});
        }
    }
    return out;
}

} // namespace

class TestAlertsEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void latencyAlertRoundTripOverDBus();
    void latencyAlertRoundTripWithDunst();

private:
    void startRig(Rig& rig);
    void pushLatencyUntilFiring(Rig& rig);
    void checkAfterResolved(Rig& rig);
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

void TestAlertsEndToEnd::startRig(Rig& rig)
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "no D-Bus session");
    QVERIFY2(rig.sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                            QStringLiteral("--seed"), QStringLiteral("7")}),
             qPrintable(rig.sim.error()));
    const QString rulesFile = rig.dir.filePath(QStringLiteral("rules.json"));
    {
        QFile f(rulesFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"rules": [{"name": "high_response_time", "signal": "avg_response_time",
  "op": ">", "threshold": 1.0, "recovery_threshold": 0.8, "window": "1s", "for": "1s",
  "severity": "critical"}]})");
    }
    PollerOptions options;
    options.baseUrl = rig.sim.url();
    options.intervalMs = 250;
    rig.poller = std::make_unique<Poller>(&rig.network, &rig.clock, options);
    rig.monitor = std::make_unique<TargetMonitor>(rig.poller.get(), &rig.clock);
    AlertCenterOptions alertOptions;
    alertOptions.databasePath = rig.dir.filePath(QStringLiteral("alerts.sqlite"));
    alertOptions.rulesFile = rulesFile;
    alertOptions.webhookUrl = rig.receiver.url();
    alertOptions.tickIntervalMs = 200;
    rig.center = std::make_unique<AlertCenter>(&rig.clock, &rig.network, alertOptions);
    QVERIFY2(rig.center->start(), qPrintable(rig.center->errorString()));
    rig.center->watch(rig.monitor.get(), QStringLiteral("sim"));
    rig.poller->start();
    connect(rig.center->engine(), &AlertEngine::transition, this, [&rig](const AlertTransition& t) {
        if (t.kind == TransitionKind::State && t.key() == rig.key)
            rig.seen << t.to;
    });
    QTRY_VERIFY_WITH_TIMEOUT(rig.monitor->latestLatencySeconds().has_value(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(rig.center->engine()->alert(rig.key).value_or(AlertStatus{}).state,
                              AlertState::Normal, 10000);
}

void TestAlertsEndToEnd::pushLatencyUntilFiring(Rig& rig)
{
    QCOMPARE(rig.sim.setFaults(R"({"mean_latency_s": 1.5})"), 200);
    QTRY_VERIFY_WITH_TIMEOUT(rig.seen.contains(AlertState::Pending), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(rig.seen.contains(AlertState::Firing), 15000);
    QCOMPARE(rig.seen.indexOf(AlertState::Pending) < rig.seen.indexOf(AlertState::Firing), true);
}

// The webhook heard firing and resolved; the store kept the ack with its author.
void TestAlertsEndToEnd::checkAfterResolved(Rig& rig)
{
    QVERIFY(!rig.center->engine()->alert(rig.key)->ack);
    QTRY_VERIFY_WITH_TIMEOUT(rig.receiver.bodies.size() >= 2, 10000);
    QStringList statuses;
    for (const QByteArray& body : rig.receiver.bodies)
        statuses
            << QJsonDocument::fromJson(body).object().value(QStringLiteral("status")).toString();
    QCOMPARE(statuses.first(), QStringLiteral("firing"));
    QCOMPARE(statuses.last(), QStringLiteral("resolved"));
    AlertHistoryFilter filter;
    filter.kind = TransitionKind::Ack;
    const QList<AlertTransition> acks = rig.center->store()->history(filter);
    QCOMPARE(acks.size(), 1);
    QCOMPARE(acks[0].author, AlertEngine::defaultAuthor());
    rig.poller->stop();
}

void TestAlertsEndToEnd::latencyAlertRoundTripOverDBus()
{
    QProcess server;
    server.start(qEnvironmentVariable("OPS_NOTIFICATION_SERVER"), {});
    QVERIFY2(server.waitForStarted(), qPrintable(server.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT((m_serverOut += server.readAllStandardOutput()).contains("ready\n"),
                             5000);
    Rig rig;
    startRig(rig);
    if (QTest::currentTestFailed())
        return;
    pushLatencyUntilFiring(rig);
    if (QTest::currentTestFailed())
        return;

    // The notification reached the daemon on the session bus, with its actions and urgency.
    QTRY_VERIFY_WITH_TIMEOUT(!notifications(server).isEmpty(), 10000);
    const QJsonObject firing = notifications(server).first();
    QVERIFY2(firing.value(QStringLiteral("summary")).toString().contains(rig.key.rule),
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
    QTRY_VERIFY_WITH_TIMEOUT(rig.center->engine()->alert(rig.key)->ack.has_value(), 5000);
    QCOMPARE(rig.center->engine()->alert(rig.key)->ack->author, AlertEngine::defaultAuthor());
    QVERIFY(rig.center->engine()->alert(rig.key)->isFiring()); // acknowledged, still firing

    // Latency restored: the alert resolves and the resolved notice replaces the toast.
    QCOMPARE(rig.sim.clearFaults(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(notifications(server).size() >= 2, 20000);
    const QJsonObject resolved = notifications(server).last();
    QVERIFY2(
        resolved.value(QStringLiteral("summary")).toString().startsWith(QStringLiteral("Resolved")),
        qPrintable(QJsonDocument(resolved).toJson()));
    QCOMPARE(resolved.value(QStringLiteral("replaces")).toInt(), id);
    QCOMPARE(notifications(server).size(), 2); // acknowledged: no repeat toasts in between
    checkAfterResolved(rig);
    server.write("quit\n");
    server.waitForFinished(3000);
}

// The same loop through dunst, a notification daemon people run: the toast is displayed, the
// operator's click on Acknowledge in its menu (dunstctl context) acknowledges the alert, and the
// resolved notice follows. Run by tests/alerts/with-dunst.sh (Xvfb + D-Bus + dunst).
void TestAlertsEndToEnd::latencyAlertRoundTripWithDunst()
{
    QVERIFY2(qEnvironmentVariable("OPS_NOTIFICATION_DAEMON") == u"dunst",
             "run through tests/alerts/with-dunst.sh");
    const QString menuLog = qEnvironmentVariable("OPS_DUNST_SCRATCH") + QStringLiteral("/menu.log");
    QCOMPARE(dunstDisplayed(), 0);
    Rig rig;
    startRig(rig);
    if (QTest::currentTestFailed())
        return;
    pushLatencyUntilFiring(rig);
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE_WITH_TIMEOUT(dunstDisplayed(), 1, 10000);

    // The operator opens the toast's menu and picks Acknowledge.
    run(QStringLiteral("dunstctl"), {QStringLiteral("context")});
    QTRY_VERIFY_WITH_TIMEOUT(rig.center->engine()->alert(rig.key)->ack.has_value(), 5000);
    QCOMPARE(rig.center->engine()->alert(rig.key)->ack->author, AlertEngine::defaultAuthor());
    QVERIFY(rig.center->engine()->alert(rig.key)->isFiring());
    QFile offered(menuLog);
    QVERIFY(offered.open(QIODevice::ReadOnly));
    const QByteArray menu = offered.readAll();
    QVERIFY2(menu.contains("Acknowledge") && menu.contains("Snooze 1 h"), menu.constData());

    // Latency restored: the resolved notice reaches dunst. Closing what is displayed moves it
    // to dunst's history, where it is read back: the resolved notice (it replaces the firing
    // toast when that is still displayed, else both are there), and nothing else: no repeat
    // toast for an acknowledged alert.
    QCOMPARE(rig.sim.clearFaults(), 200);
    QTRY_VERIFY_WITH_TIMEOUT(rig.seen.contains(AlertState::Normal), 20000);
    QList<QPair<QString, QString>> history;
    const auto resolvedShown = [&history] {
        return !history.isEmpty() && history.at(0).first.startsWith(QStringLiteral("Resolved"));
    };
    QElapsedTimer waited;
    waited.start();
    while (!resolvedShown() && waited.elapsed() < 20000) {
        run(QStringLiteral("dunstctl"), {QStringLiteral("close-all")});
        history = dunstHistory();
        if (!resolvedShown())
            QTest::qWait(200);
    }
    QVERIFY2(resolvedShown(), qPrintable(QStringLiteral("%1 in dunst's history, newest: %2")
                                             .arg(history.size())
                                             .arg(history.value(0).first)));
    QVERIFY2(history.at(0).first.contains(rig.key.rule), qPrintable(history.at(0).first));
    QVERIFY2(history.size() <= 2, qPrintable(history.value(2).first));
    if (history.size() == 2) {
        QVERIFY2(history.at(1).first.contains(rig.key.rule), qPrintable(history.at(1).first));
        QVERIFY2(history.at(1).first.contains(QStringLiteral("CRITICAL")),
                 qPrintable(history.at(1).first));
    }
    checkAfterResolved(rig);
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
