// A Prometheus-backed target on the dashboard: PrometheusFeed against a real prometheus that
// scrapes a real bhiv-gateway-sim. On connect the chart window is backfilled (history from
// before the console looked), then each refresh adds a frame; the monitor's own /metrics polls
// no longer feed the signals. Bad configuration is reported, not charted.
#include "models/datasource/PrometheusFeed.h"
#include "models/datasource/PrometheusSource.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/secrets/MemorySecretStore.h"
#include "tests/support/PrometheusProcess.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QtTest>

using namespace ops;

namespace {

Target prometheusTarget(const QUrl& prometheus)
{
    Target t;
    t.name = QStringLiteral("fleet");
    t.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
    t.intervalMs = 1000;
    t.dataSource.kind = DataSourceConfig::Kind::Prometheus;
    t.dataSource.url = prometheus;
    t.dataSource.selector = QStringLiteral("job=\"bhiv-gateway\"");
    t.dataSource.rateWindowSeconds = 5;
    return t;
}

} // namespace

class TestPrometheusFeed : public QObject {
    Q_OBJECT
private slots:
    void backfillThenRefreshFeedTheMonitor();
    void badConfigurationIsReported();
};

void TestPrometheusFeed::backfillThenRefreshFeedTheMonitor()
{
    ops::test::SimulatorProcess sim;
    QVERIFY2(sim.start({}), qPrintable(sim.error()));
    ops::test::PrometheusProcess prometheus;
    QVERIFY2(prometheus.start(QList<QUrl>{sim.url()}), qPrintable(prometheus.error()));
    SystemClock clock;
    // Let Prometheus collect ~10 s of history the console has never seen.
    QUrl up = prometheus.url();
    up.setPath(QStringLiteral("/api/v1/query"));
    up.setQuery(QStringLiteral("query=count(count_over_time(up%5B1m%5D)%20%3E%3D%2010)"));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QByteArray body;
            return ops::test::ExternalProcess::httpGet(up, &body) == 200 && body.contains("\"1\"]");
        }(),
        40000);

    QNetworkAccessManager network;
    Target target = prometheusTarget(prometheus.url());
    target.baseUrl = sim.url();
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 500;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    PrometheusFeed feed(&network, target, {}, &monitor, &clock);
    QSignalSpy connected(&feed, &PrometheusFeed::connected);
    QSignalSpy problems(&feed, &PrometheusFeed::problem);
    QSignalSpy updated(&monitor, &TargetMonitor::updated);
    const qint64 started = clock.nowMs();
    feed.start(60'000);
    QVERIFY(connected.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(feed.framesFed() >= 5, 15000);
    QCOMPARE(problems.size(), 0);
    QVERIFY(monitor.usesExternalSignals());
    QCOMPARE(feed.source()->config().mapping.dialect, Dialect::Plan); // detected
    // The backfill reaches back before the feed started, and notifies per pass, not per frame.
    const SignalBoard& board = monitor.signalBoard();
    QVERIFY2(board.signalStore().oldestTime() < started - 5000,
             qPrintable(QString::number(started - board.signalStore().oldestTime())));
    QVERIFY2(updated.size() >= 1 && updated.size() < feed.framesFed(),
             qPrintable(QStringLiteral("%1 of %2").arg(updated.size()).arg(feed.framesFed())));
    QVERIFY2(board.latest(SignalId::RequestRate) > 5,
             qPrintable(QString::number(board.latest(SignalId::RequestRate))));
    QVERIFY(board.latest(SignalId::LatencyP95) > 0);

    // The refreshes add frames; the monitor's own polls (health, state) add none.
    QSignalSpy polls(&poller, &Poller::pollFinished);
    poller.start();
    const int before = feed.framesFed();
    QTRY_VERIFY_WITH_TIMEOUT(feed.framesFed() >= before + 2 && polls.size() >= 3, 15000);
    poller.stop();
    QCOMPARE(board.signalStore().scrapeCount(), qint64(feed.framesFed()));
    QVERIFY(board.signalStore().latestTime() > started);
    QVERIFY(monitor.hasHealth()); // health still comes from the polls
}

void TestPrometheusFeed::badConfigurationIsReported()
{
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);

    // A bearer token that is not in the keychain.
    MemorySecretStore secrets;
    Target bearer = prometheusTarget(QUrl(QStringLiteral("http://127.0.0.1:9")));
    bearer.dataSource.auth = QStringLiteral("bearer");
    PrometheusFeed noKey(
        &network, bearer,
        [&](const QString& key, SecretStore::Callback done) { secrets.read(key, done); }, &monitor,
        &clock);
    QSignalSpy noKeyProblem(&noKey, &PrometheusFeed::problem);
    noKey.start();
    QVERIFY(noKeyProblem.wait(5000));
    QVERIFY2(noKeyProblem.first().at(0).toString().contains(QStringLiteral("credential")),
             qPrintable(noKeyProblem.first().at(0).toString()));

    // A selector that is not one.
    Target badSelector = prometheusTarget(QUrl(QStringLiteral("http://127.0.0.1:9")));
    badSelector.dataSource.selector = QStringLiteral("job=\"a\"} or vector(1)");
    PrometheusFeed injected(&network, badSelector, {}, &monitor, &clock);
    QSignalSpy selectorProblem(&injected, &PrometheusFeed::problem);
    injected.start();
    QCOMPARE(selectorProblem.size(), 1);
    QVERIFY(selectorProblem.first().at(0).toString().contains(QStringLiteral("selector")));

    // Nothing listening: the connect fails as a value and nothing reaches the monitor.
    PrometheusFeed refused(&network, prometheusTarget(QUrl(QStringLiteral("http://127.0.0.1:9"))),
                           {}, &monitor, &clock);
    QSignalSpy refusedProblem(&refused, &PrometheusFeed::problem);
    refused.start();
    QVERIFY(refusedProblem.wait(10000));
    QCOMPARE(refused.framesFed(), 0);
    QVERIFY(!monitor.usesExternalSignals());
}

QTEST_GUILESS_MAIN(TestPrometheusFeed)
#include "TestPrometheusFeed.moc"
