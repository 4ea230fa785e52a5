// End to end: the real simulator on a free port, the real poller and monitor over real HTTP.
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/LatencySeries.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace ops;

class TestEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void seesComponentsAndLatency_data();
    void seesComponentsAndLatency();
    void faultShowsUpAndRecovers_data();
    void faultShowsUpAndRecovers();
    void counterResetNeverGivesNegativeLatency();
    void unreachableWhenTheGatewayStops();

private:
    struct Rig {
        test::SimulatorProcess sim;
        QNetworkAccessManager network;
        SystemClock clock;
        std::unique_ptr<Poller> poller;
        std::unique_ptr<TargetMonitor> monitor;
    };
    static constexpr int kIntervalMs = 400;
    static bool startRig(Rig& rig, const QString& dialect, int intervalMs = kIntervalMs)
    {
        if (!rig.sim.start({QStringLiteral("--dialect"), dialect, QStringLiteral("--seed"),
                            QStringLiteral("7")}))
            return false;
        PollerOptions options;
        options.baseUrl = rig.sim.url();
        options.intervalMs = intervalMs;
        options.readTimeoutMs = 4000;
        options.connectTimeoutMs = 2000;
        rig.poller = std::make_unique<Poller>(&rig.network, &rig.clock, options);
        rig.monitor = std::make_unique<TargetMonitor>(rig.poller.get(), &rig.clock);
        rig.poller->start();
        return true;
    }
};

void TestEndToEnd::seesComponentsAndLatency_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QStringList>("components");
    QTest::newRow("plan") << "plan"
                          << QStringList{"database", "modules", "workflows", "external_services"};
    QTest::newRow("modular") << "modular"
                             << QStringList{"database", "cache", "workflows", "pipelines",
                                            "ai_engine"};
    QTest::newRow("monolith") << "monolith" << QStringList{"system", "application", "database"};
}

void TestEndToEnd::seesComponentsAndLatency()
{
    QFETCH(QString, dialect);
    QFETCH(QStringList, components);
    Rig rig;
    QVERIFY2(startRig(rig, dialect), qPrintable(rig.sim.error()));
    QTRY_VERIFY_WITH_TIMEOUT(rig.monitor->hasHealth(), 8000);
    QCOMPARE(dialectName(rig.monitor->dialect()), dialect);
    QStringList seen;
    for (const ComponentHealth& c : rig.monitor->health().components)
        seen << c.name;
    for (const QString& name : components)
        QVERIFY2(seen.contains(name), qPrintable(name + " missing from " + seen.join(',')));
    QTRY_VERIFY_WITH_TIMEOUT(rig.monitor->latestLatencySeconds().has_value(), 10000);
    const double latency = *rig.monitor->latestLatencySeconds();
    QVERIFY2(latency > 0.0 && latency < 10.0, qPrintable(QString::number(latency)));
    QVERIFY(rig.monitor->state() == ConnectionState::Up ||
            rig.monitor->state() == ConnectionState::Degraded);
}

void TestEndToEnd::faultShowsUpAndRecovers_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<ConnectionState>("expected");
    for (const char* dialect : {"plan", "modular", "monolith"}) {
        QTest::addRow("%s-500", dialect)
            << dialect << QByteArray(R"({"force_status": 500})") << ConnectionState::Error;
        QTest::addRow("%s-database-down", dialect)
            << dialect << QByteArray(R"({"components": {"database": "down"}})")
            << ConnectionState::Degraded;
    }
    QTest::newRow("plan-401") << "plan" << QByteArray(R"({"force_status": 401})")
                              << ConnectionState::AuthFailed;
    QTest::newRow("plan-429") << "plan" << QByteArray(R"({"force_status": 429, "retry_after": 1})")
                              << ConnectionState::RateLimited;
    QTest::newRow("plan-malformed")
        << "plan" << QByteArray(R"({"malformed": true})") << ConnectionState::BadResponse;
    QTest::newRow("plan-hang") << "plan" << QByteArray(R"({"hang": true})")
                               << ConnectionState::Timeout;
}

void TestEndToEnd::faultShowsUpAndRecovers()
{
    QFETCH(QString, dialect);
    QFETCH(QByteArray, fault);
    QFETCH(ConnectionState, expected);
    Rig rig;
    QVERIFY2(startRig(rig, dialect), qPrintable(rig.sim.error()));
    if (expected == ConnectionState::Timeout) {
        PollerOptions options = rig.poller->options();
        options.readTimeoutMs = 600;
        options.wakeTimeoutMs = 600;
        rig.poller->setOptions(options);
    }
    QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up, 8000);

    QCOMPARE(rig.sim.setFaults(fault), 200);
    QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), expected, 8000);
    QVERIFY(rig.monitor->hasHealth()); // what was known stays shown, marked stale
    if (expected != ConnectionState::Degraded)
        QTRY_VERIFY_WITH_TIMEOUT(rig.monitor->isDataStale(), 2000);

    QCOMPARE(rig.sim.clearFaults(), 200);
    // Recovery: the next poll after the fault clears, one interval (plus jitter, plus the
    // monolith's one-second health answer, plus a Retry-After of one second) at most.
    const int slack = (dialect == u"monolith" ? 1500 : 300) +
                      (expected == ConnectionState::RateLimited ? 1000 : 0) +
                      (expected == ConnectionState::Timeout ? 700 : 0);
    QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up,
                              int(kIntervalMs * 1.2) + slack + 400);
}

void TestEndToEnd::counterResetNeverGivesNegativeLatency()
{
    Rig rig;
    QVERIFY2(startRig(rig, QStringLiteral("plan"), 250), qPrintable(rig.sim.error()));
    QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) >= 2, 8000);
    QCOMPARE(rig.sim.setFaults(R"({"reset_counters": true})"), 200);
    const qsizetype before = test::latencyPointCount(*rig.monitor);
    QTRY_VERIFY_WITH_TIMEOUT(test::latencyPointCount(*rig.monitor) >= before + 3, 8000);
    for (const StorePoint& point : test::latencyPoints(*rig.monitor))
        QVERIFY2(point.v > 0 && point.v < 10, qPrintable(QString::number(point.v)));
}

void TestEndToEnd::unreachableWhenTheGatewayStops()
{
    Rig rig;
    QVERIFY2(startRig(rig, QStringLiteral("plan")), qPrintable(rig.sim.error()));
    QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Up, 8000);
    rig.sim.stop();
    QTRY_COMPARE_WITH_TIMEOUT(rig.monitor->state(), ConnectionState::Unreachable, 8000);
    QVERIFY(rig.monitor->isDataStale());
    QVERIFY(rig.monitor->hasHealth());
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"
