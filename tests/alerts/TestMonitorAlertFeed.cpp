// MonitorAlertFeed on its own, against the real simulator: the sample it hands the alert engine
// after each poll (target, connection, health, latency and the derived signals, the metric
// lookup by name), one evaluation per poll, and what a failed poll keeps (the last success, the
// last health, the last good scrape for rules on a metric by name).
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertRule.h"
#include "models/alerts/MonitorAlertFeed.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>
#include <cmath>
#include <memory>

using namespace ops;

class TestMonitorAlertFeed : public QObject {
    Q_OBJECT

private:
    test::SimulatorProcess m_sim;
    QNetworkAccessManager m_network;
    SystemClock m_clock;
    std::unique_ptr<Poller> m_poller;
    std::unique_ptr<TargetMonitor> m_monitor;
    std::unique_ptr<AlertEngine> m_engine;
    std::unique_ptr<MonitorAlertFeed> m_feed;

    static double value(const EvaluationSample& s, const char* signal)
    {
        return s.values.value(QString::fromLatin1(signal), std::nan(""));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--seed"), QStringLiteral("11")}),
                 qPrintable(m_sim.error()));
        PollerOptions options;
        options.baseUrl = m_sim.url();
        options.intervalMs = 400;
        options.readTimeoutMs = 1500;
        options.connectTimeoutMs = 1500;
        m_poller = std::make_unique<Poller>(&m_network, &m_clock, options);
        m_monitor = std::make_unique<TargetMonitor>(m_poller.get(), &m_clock);
        m_engine = std::make_unique<AlertEngine>(&m_clock);
        m_feed = std::make_unique<MonitorAlertFeed>(m_monitor.get(), m_engine.get(), &m_clock,
                                                    QStringLiteral("feed-target"));
    }

    void oneEvaluationPerPollWithEverySignal()
    {
        QSignalSpy evaluated(m_engine.get(), &AlertEngine::evaluated);
        QSignalSpy polls(m_poller.get(), &Poller::pollFinished);
        m_poller->start();
        // Rates need two scrapes.
        QTRY_VERIFY_WITH_TIMEOUT(polls.size() >= 3, 10000);
        // Stopped, every finished poll is evaluated exactly once (after the monitor took it in).
        m_poller->stop();
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), polls.size(), 3000);
        QTest::qWait(500);
        QCOMPARE(evaluated.size(), polls.size());

        const EvaluationSample s = m_feed->buildSample();
        QCOMPARE(s.target, QStringLiteral("feed-target"));
        QCOMPARE(s.connection, ConnectionState::Up);
        QVERIFY(s.answered);
        QCOMPARE(s.intervalMs, 400);
        QVERIFY(s.lastSuccessMs > 0 && s.lastSuccessMs <= s.timeMs);
        QVERIFY2(s.components.size() >= 3, qPrintable(QString::number(s.components.size())));
        const double avg = value(s, AlertSignals::AvgResponseTime);
        QVERIFY2(std::isfinite(avg) && avg > 0 && avg < 10, qPrintable(QString::number(avg)));
        const double rate = value(s, AlertSignals::RequestRate);
        QVERIFY2(std::isfinite(rate) && rate > 0, qPrintable(QString::number(rate)));
        QVERIFY(std::isfinite(value(s, AlertSignals::MemoryBytes)));
        // The plan gateway exports no error counter: absent, never a made-up zero.
        QVERIFY(!s.values.contains(QString::fromLatin1(AlertSignals::ErrorRate)));

        // A metric by name, with matchers: every matching series of the last scrape.
        QVERIFY(s.metricLookup);
        const QList<double> all = s.metricLookup(QStringLiteral("api_requests_total"), {});
        QVERIFY(!all.isEmpty());
        LabelMatcher none{QStringLiteral("method"), LabelMatcher::Op::Equal,
                          QStringLiteral("NO-SUCH-METHOD")};
        QVERIFY(s.metricLookup(QStringLiteral("api_requests_total"), {none}).isEmpty());
        LabelMatcher get{QStringLiteral("method"), LabelMatcher::Op::Regex, QStringLiteral("GET")};
        const QList<double> gets = s.metricLookup(QStringLiteral("api_requests_total"), {get});
        QVERIFY(!gets.isEmpty() && gets.size() <= all.size());
        QVERIFY(s.metricLookup(QStringLiteral("no_such_metric"), {}).isEmpty());
    }

    void aFailedPollKeepsWhatWasKnown()
    {
        const EvaluationSample before = m_feed->buildSample();
        QVERIFY(before.answered);
        m_poller->start();
        QCOMPARE(m_sim.setFaults(R"({"force_status": 500})"), 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_monitor->state() == ConnectionState::Error, 10000);
        const EvaluationSample failed = m_feed->buildSample();
        QVERIFY(!failed.answered);
        QCOMPARE(failed.connection, ConnectionState::Error);
        QVERIFY2(failed.connectionDetail.contains(QStringLiteral("500")),
                 qPrintable(failed.connectionDetail));
        // The last success stays where it was, so "stale" can grow from it.
        QVERIFY(failed.lastSuccessMs > 0);
        QVERIFY(failed.lastSuccessMs <= failed.timeMs - 300);
        // The last health and the last good scrape are kept for the rules.
        QCOMPARE(failed.components.size(), before.components.size());
        QVERIFY(!failed.metricLookup(QStringLiteral("api_requests_total"), {}).isEmpty());

        QCOMPARE(m_sim.clearFaults(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_feed->buildSample().answered, 10000);
        QCOMPARE(m_feed->buildSample().connection, ConnectionState::Up);
    }

    void cleanupTestCase()
    {
        m_feed.reset();
        if (m_poller)
            m_poller->stop();
    }
};

QTEST_GUILESS_MAIN(TestMonitorAlertFeed)
#include "TestMonitorAlertFeed.moc"
