// GatewaySampler (the before/after windows of a deploy's verification) on its own, against the
// real simulator (monolith: it exports latency and errors): a healthy window, then the gateway
// answering 503, a malformed health body, hanging past the deadline, and a /metrics body over
// the 16 MB cap.
#include "models/deploy/GatewaySampler.h"
#include "models/domain/Clock.h"
#include "tests/support/SimulatorProcess.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace ops;

class TestGatewaySampler : public QObject {
    Q_OBJECT
private:
    test::SimulatorProcess m_sim;
    QNetworkAccessManager m_network;
    SystemClock m_clock;

    // Runs a window of `polls` polls 100 ms apart; the stats and every sample.
    WindowStats sample(int polls, int timeoutMs, QList<GatewaySample>* samples)
    {
        GatewaySampler sampler(&m_network, &m_clock);
        sampler.setBaseUrl(m_sim.url());
        sampler.setTimeoutMs(timeoutMs);
        QSignalSpy finished(&sampler, &GatewaySampler::finished);
        connect(&sampler, &GatewaySampler::sampled, this,
                [samples](int, const GatewaySample& s) { samples->append(s); });
        sampler.start(polls, 100);
        if (!finished.wait(polls * (timeoutMs + 2000)))
            return {};
        return finished.first().first().value<WindowStats>();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("monolith")}),
                 qPrintable(m_sim.error()));
    }

    void init() { QCOMPARE(m_sim.clearFaults(), 200); }

    void healthyWindow()
    {
        QList<GatewaySample> samples;
        const WindowStats stats = sample(4, 5000, &samples);
        QCOMPARE(stats.polls, 4);
        QCOMPARE(samples.size(), 4);
        QCOMPARE(stats.answeredPolls, 4);
        QCOMPARE(stats.healthyPolls, 4);
        QVERIFY(stats.avgLatencyS.has_value());
        QVERIFY2(*stats.avgLatencyS > 0.001 && *stats.avgLatencyS < 5,
                 qPrintable(QString::number(*stats.avgLatencyS)));
        QVERIFY(stats.errorRatio.has_value());
        QVERIFY(*stats.errorRatio >= 0 && *stats.errorRatio < 0.5);
        QVERIFY(stats.endMs >= stats.startMs + 300);
        for (const GatewaySample& s : samples)
            QCOMPARE(s.healthText, QStringLiteral("healthy"));
    }

    // An HTTP answer is an answer, never a healthy one; the words say what came back.
    void serverErrors()
    {
        QCOMPARE(m_sim.setFaults(R"({"force_status": 503})"), 200);
        QList<GatewaySample> samples;
        const WindowStats stats = sample(3, 5000, &samples);
        QCOMPARE(stats.polls, 3);
        QCOMPARE(stats.answeredPolls, 3);
        QCOMPARE(stats.healthyPolls, 0);
        QVERIFY(!stats.avgLatencyS.has_value());
        for (const GatewaySample& s : samples)
            QVERIFY2(!s.healthy && !s.healthText.isEmpty(), qPrintable(s.healthText));
    }

    // A health body that is not JSON: not healthy, said in words; the metrics still count.
    void malformedHealth()
    {
        QCOMPARE(m_sim.setFaults(R"({"malformed": true, "paths": ["/health"]})"), 200);
        QList<GatewaySample> samples;
        const WindowStats stats = sample(3, 5000, &samples);
        QCOMPARE(stats.polls, 3);
        QCOMPARE(stats.answeredPolls, 3);
        QCOMPARE(stats.healthyPolls, 0);
        QVERIFY(stats.avgLatencyS.has_value());
        for (const GatewaySample& s : samples)
            QVERIFY2(!s.healthy && !s.healthText.isEmpty() && s.healthText != u"healthy",
                     qPrintable(s.healthText));
    }

    // A gateway that never answers: each poll ends at the deadline, none counts as answered.
    void hangsPastTheDeadline()
    {
        QCOMPARE(m_sim.setFaults(R"({"hang": true})"), 200);
        QList<GatewaySample> samples;
        QElapsedTimer took;
        took.start();
        const WindowStats stats = sample(2, 400, &samples);
        QCOMPARE(stats.polls, 2);
        QCOMPARE(stats.answeredPolls, 0);
        QCOMPARE(stats.healthyPolls, 0);
        QVERIFY2(took.elapsed() < 6000, qPrintable(QString::number(took.elapsed())));
        for (const GatewaySample& s : samples)
            QVERIFY2(!s.answered && s.healthText.startsWith(QStringLiteral("no answer from")),
                     qPrintable(s.healthText));
    }

    // /metrics over the 16 MB cap is not read: health still answers, no metrics figures.
    void hugeMetricsBodyIsCapped()
    {
        QCOMPARE(m_sim.setFaults(R"({"oversized_mb": 24, "paths": ["/metrics"]})"), 200);
        QList<GatewaySample> samples;
        const WindowStats stats = sample(2, 10000, &samples);
        QCOMPARE(stats.polls, 2);
        QCOMPARE(stats.answeredPolls, 2);
        QCOMPARE(stats.healthyPolls, 2);
        QVERIFY(!stats.errorRatio.has_value());
    }
};

QTEST_GUILESS_MAIN(TestGatewaySampler)
#include "TestGatewaySampler.moc"
