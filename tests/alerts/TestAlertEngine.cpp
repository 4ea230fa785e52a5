// The alert state machine under a ManualClock: for, hysteresis, keep-firing, no data, error,
// flapping, acknowledgement (clearing on resolve, expiring), snooze re-arming, windows.
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace ops;

namespace {

constexpr qint64 kStep = 1000;
const QString kTarget = QStringLiteral("gw");

AlertRule latencyRule()
{
    AlertRule r;
    r.name = QStringLiteral("high_response_time");
    r.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    r.op = Comparison::Greater;
    r.threshold = 1.0;
    r.aggregation = WindowAggregation::Last;
    r.windowMs = 0;
    r.forMs = 3000;
    r.severity = AlertSeverity::Critical;
    return r;
}

} // namespace

class TestAlertEngine : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        m_clock = std::make_unique<ManualClock>();
        m_engine = std::make_unique<AlertEngine>(m_clock.get());
    }

    void onePollNeverFires();
    void pendingForThenFiring();
    void hysteresisHoldsUntilRecoveryThreshold();
    void keepFiringForHoldsThenResolves();
    void recoveringReturnsToFiring();
    void windowAverageSmoothsSpikes();
    void noDataIsAStateOfItsOwn();
    void noDataPolicies();
    void errorIsNotNoDataNorDown();
    void firingEpisodeSurvivesErrorAndResolvesAfter();
    void componentDownCountsAndMissingComponentIsNoData();
    void staleCountsIntervalsOnTick();
    void unreachableNeedsTheWholeWindow();
    void increaseOverWindowCountsResets();
    void metricByNameWithMatchers();
    void flappingMarksAndSettles();
    void ackClearsOnResolve();
    void ackUntilATimeExpires();
    void ackNeedsSomethingToAck();
    void snoozeReArms();
    void transitionsBetweenAndSignal();
    void restoresFromStore();

private:
    void feed(double value, qint64 advance = kStep, bool answered = true)
    {
        m_clock->advanceMs(advance);
        EvaluationSample s;
        s.target = kTarget;
        s.timeMs = m_clock->nowMs();
        s.intervalMs = kStep;
        s.answered = answered;
        s.connection = answered ? ConnectionState::Up : ConnectionState::Unreachable;
        if (answered)
            m_lastSuccess = s.timeMs;
        s.lastSuccessMs = m_lastSuccess;
        if (!std::isnan(value))
            s.set(AlertSignals::AvgResponseTime, value);
        m_engine->evaluate(s);
    }
    AlertState state(const QString& rule = QStringLiteral("high_response_time")) const
    {
        const auto a = m_engine->alert({rule, kTarget});
        return a ? a->state : AlertState::Normal;
    }
    AlertStatus status(const QString& rule = QStringLiteral("high_response_time")) const
    {
        return *m_engine->alert({rule, kTarget});
    }

    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<AlertEngine> m_engine;
    qint64 m_lastSuccess = 0;
};

void TestAlertEngine::onePollNeverFires()
{
    m_engine->setRules({latencyRule()});
    feed(0.2);
    feed(5.0);
    QCOMPARE(state(), AlertState::Pending);
    feed(0.2);
    QCOMPARE(state(), AlertState::Normal);
}

void TestAlertEngine::pendingForThenFiring()
{
    m_engine->setRules({latencyRule()});
    feed(1.5);
    QCOMPARE(state(), AlertState::Pending);
    feed(1.5);
    feed(1.5);
    QCOMPARE(state(), AlertState::Pending); // 2 s of 3
    feed(1.5);
    QCOMPARE(state(), AlertState::Firing);
    QVERIFY(status().episodeFiring);
    QCOMPARE(status().severity, AlertSeverity::Critical);
    QCOMPARE(m_engine->worstFiringSeverity(), std::optional(AlertSeverity::Critical));
    feed(0.5);
    QCOMPARE(state(), AlertState::Normal);
    QVERIFY(!m_engine->worstFiringSeverity());
}

void TestAlertEngine::hysteresisHoldsUntilRecoveryThreshold()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    r.hasRecoveryThreshold = true;
    r.recoveryThreshold = 0.8;
    m_engine->setRules({r});
    feed(1.2);
    QCOMPARE(state(), AlertState::Firing);
    feed(0.9); // below 1.0 but above 0.8: still firing
    QCOMPARE(state(), AlertState::Firing);
    feed(0.85);
    QCOMPARE(state(), AlertState::Firing);
    feed(0.7);
    QCOMPARE(state(), AlertState::Normal);
    feed(0.9); // not above the firing threshold: nothing
    QCOMPARE(state(), AlertState::Normal);
}

void TestAlertEngine::keepFiringForHoldsThenResolves()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    r.keepFiringForMs = 5000;
    m_engine->setRules({r});
    feed(2.0);
    QCOMPARE(state(), AlertState::Firing);
    feed(0.3);
    QCOMPARE(state(), AlertState::Recovering);
    QVERIFY(status().isFiring());
    for (int i = 0; i < 4; ++i)
        feed(0.3);
    QCOMPARE(state(), AlertState::Recovering);
    feed(0.3);
    QCOMPARE(state(), AlertState::Normal);
}

void TestAlertEngine::recoveringReturnsToFiring()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    r.keepFiringForMs = 5000;
    m_engine->setRules({r});
    QSignalSpy spy(m_engine.get(), &AlertEngine::transition);
    feed(2.0);
    feed(0.3);
    feed(2.0);
    QCOMPARE(state(), AlertState::Firing);
    // normal->firing, firing->recovering, recovering->firing: one episode, fired once.
    int firings = 0;
    for (const auto& args : spy) {
        const auto t = args.at(0).value<AlertTransition>();
        firings += t.kind == TransitionKind::State && t.to == AlertState::Firing &&
                   t.from == AlertState::Normal;
    }
    QCOMPARE(firings, 1);
}

void TestAlertEngine::windowAverageSmoothsSpikes()
{
    AlertRule r = latencyRule();
    r.aggregation = WindowAggregation::Avg;
    r.windowMs = 5000;
    r.forMs = 0;
    m_engine->setRules({r});
    for (int i = 0; i < 5; ++i)
        feed(0.5);
    feed(3.0); // avg of 0.5 x4 (in window) + 3.0 = 1.0: not above
    QCOMPARE(state(), AlertState::Normal);
    QCOMPARE(status().value, 1.0);
    feed(3.0);
    QCOMPARE(state(), AlertState::Firing);
    QVERIFY(status().value > 1.0);
}

void TestAlertEngine::noDataIsAStateOfItsOwn()
{
    AlertRule r = latencyRule();
    r.windowMs = 3000;
    m_engine->setRules({r});
    feed(0.5);
    QCOMPARE(state(), AlertState::Normal);
    feed(NAN);
    feed(NAN);
    QCOMPARE(state(), AlertState::Normal); // the window still holds a point
    feed(NAN);
    feed(NAN);
    QCOMPARE(state(), AlertState::NoData);
    QVERIFY(!status().detail.isEmpty());
    feed(0.5);
    QCOMPARE(state(), AlertState::Normal);
}

void TestAlertEngine::noDataPolicies()
{
    AlertRule alerting = latencyRule();
    alerting.name = QStringLiteral("alerting");
    alerting.noData = NoDataPolicy::Alerting;
    alerting.forMs = 2000;
    AlertRule normal = latencyRule();
    normal.name = QStringLiteral("normal");
    normal.noData = NoDataPolicy::Normal;
    AlertRule keep = latencyRule();
    keep.name = QStringLiteral("keep");
    keep.forMs = 0;
    keep.noData = NoDataPolicy::KeepLast;
    m_engine->setRules({alerting, normal, keep});
    feed(2.0);
    QCOMPARE(state(QStringLiteral("keep")), AlertState::Firing);
    for (int i = 0; i < 3; ++i)
        feed(NAN);
    QCOMPARE(state(QStringLiteral("alerting")), AlertState::Firing);
    QCOMPARE(state(QStringLiteral("normal")), AlertState::Normal);
    QCOMPARE(state(QStringLiteral("keep")), AlertState::Firing);
}

void TestAlertEngine::errorIsNotNoDataNorDown()
{
    AlertRule r = latencyRule();
    AlertRule unreachable;
    unreachable.name = QStringLiteral("gateway_unreachable");
    unreachable.signal = QString::fromLatin1(AlertSignals::Unreachable);
    unreachable.threshold = 0;
    unreachable.aggregation = WindowAggregation::Last;
    m_engine->setRules({r, unreachable});
    feed(0.5);
    feed(NAN, kStep, false);
    QCOMPARE(state(), AlertState::Error);
    QVERIFY2(status().detail.contains(QStringLiteral("unreachable")), qPrintable(status().detail));
    QCOMPARE(state(QStringLiteral("gateway_unreachable")), AlertState::Firing);
    feed(0.5);
    QCOMPARE(state(), AlertState::Normal);
    QCOMPARE(state(QStringLiteral("gateway_unreachable")), AlertState::Normal);
}

void TestAlertEngine::firingEpisodeSurvivesErrorAndResolvesAfter()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    m_engine->setRules({r});
    feed(2.0);
    QVERIFY(
        m_engine->acknowledge({r.name, kTarget}, QStringLiteral("ana"), QStringLiteral("on it")));
    feed(NAN, kStep, false);
    QCOMPARE(state(), AlertState::Error);
    QVERIFY(status().episodeFiring);
    QVERIFY(status().ack); // still acknowledged: the alert did not resolve
    feed(2.0);
    QCOMPARE(state(), AlertState::Firing); // no second pending period
    feed(0.1);
    QCOMPARE(state(), AlertState::Normal);
    QVERIFY(!status().ack);
}

void TestAlertEngine::componentDownCountsAndMissingComponentIsNoData()
{
    AlertRule any;
    any.name = QStringLiteral("component_down");
    any.signal = QString::fromLatin1(AlertSignals::ComponentDown);
    any.threshold = 0;
    any.aggregation = WindowAggregation::Last;
    AlertRule cache = any;
    cache.name = QStringLiteral("cache_down");
    cache.component = QStringLiteral("cache");
    m_engine->setRules({any, cache});
    EvaluationSample s;
    s.target = kTarget;
    s.intervalMs = kStep;
    s.components = {{QStringLiteral("database"), HealthState::Down},
                    {QStringLiteral("workflows"), HealthState::Healthy}};
    m_clock->advanceMs(kStep);
    s.timeMs = m_clock->nowMs();
    s.lastSuccessMs = s.timeMs;
    m_engine->evaluate(s);
    QCOMPARE(state(QStringLiteral("component_down")), AlertState::Firing);
    QCOMPARE(status(QStringLiteral("component_down")).value, 1.0);
    QCOMPARE(state(QStringLiteral("cache_down")), AlertState::Normal); // grace after the start
    for (int i = 0; i < 2; ++i) {
        m_clock->advanceMs(kStep);
        s.timeMs = m_clock->nowMs();
        m_engine->evaluate(s);
    }
    QCOMPARE(state(QStringLiteral("cache_down")), AlertState::NoData);
}

void TestAlertEngine::staleCountsIntervalsOnTick()
{
    AlertRule r;
    r.name = QStringLiteral("data_stale");
    r.signal = QString::fromLatin1(AlertSignals::Stale);
    r.op = Comparison::GreaterEqual;
    r.threshold = 3;
    r.noData = NoDataPolicy::Normal;
    m_engine->setRules({r});
    feed(0.5);
    QCOMPARE(state(QStringLiteral("data_stale")), AlertState::Normal);
    m_clock->advanceMs(2500);
    m_engine->tick();
    QCOMPARE(state(QStringLiteral("data_stale")), AlertState::Normal);
    m_clock->advanceMs(600);
    m_engine->tick();
    QCOMPARE(state(QStringLiteral("data_stale")), AlertState::Firing);
    QCOMPARE(status(QStringLiteral("data_stale")).value, 3.0);
    feed(0.5);
    QCOMPARE(state(QStringLiteral("data_stale")), AlertState::Normal);
}

void TestAlertEngine::unreachableNeedsTheWholeWindow()
{
    AlertRule r;
    r.name = QStringLiteral("gateway_unreachable");
    r.signal = QString::fromLatin1(AlertSignals::Unreachable);
    r.threshold = 0;
    r.aggregation = WindowAggregation::Min;
    r.windowMs = 3000;
    m_engine->setRules({r});
    feed(0.5);
    feed(NAN, kStep, false);
    feed(NAN, kStep, false);
    QCOMPARE(state(r.name), AlertState::Normal); // a success is still in the window
    feed(NAN, kStep, false);
    feed(NAN, kStep, false);
    QCOMPARE(state(r.name), AlertState::Firing);
}

void TestAlertEngine::increaseOverWindowCountsResets()
{
    AlertRule r;
    r.name = QStringLiteral("workflow_failures");
    r.signal = QString::fromLatin1(AlertSignals::WorkflowFailures);
    r.threshold = 2;
    r.aggregation = WindowAggregation::Increase;
    r.windowMs = 10'000;
    m_engine->setRules({r});
    auto feedFailures = [this](double total) {
        m_clock->advanceMs(kStep);
        EvaluationSample s;
        s.target = kTarget;
        s.timeMs = m_clock->nowMs();
        s.lastSuccessMs = s.timeMs;
        s.set(AlertSignals::WorkflowFailures, total);
        m_engine->evaluate(s);
    };
    feedFailures(10);
    feedFailures(11);
    feedFailures(12);
    QCOMPARE(status(r.name).value, 2.0);
    QCOMPARE(state(r.name), AlertState::Normal);
    feedFailures(1); // redeploy: the counter restarts, +1
    QCOMPARE(status(r.name).value, 3.0);
    QCOMPARE(state(r.name), AlertState::Firing);
}

void TestAlertEngine::metricByNameWithMatchers()
{
    AlertRule r;
    r.name = QStringLiteral("api_5xx");
    r.signal = QString::fromLatin1(AlertSignals::Metric);
    r.metric = QStringLiteral("http_requests_total");
    r.matchers = {{QStringLiteral("status"), LabelMatcher::Op::Regex, QStringLiteral("5..")}};
    r.seriesAggregation = SeriesAggregation::Sum;
    r.threshold = 10;
    r.aggregation = WindowAggregation::Last;
    m_engine->setRules({r});
    m_clock->advanceMs(kStep);
    EvaluationSample s;
    s.target = kTarget;
    s.timeMs = m_clock->nowMs();
    s.metricLookup = [](const QString& metric, const QList<LabelMatcher>& matchers) {
        QList<double> out;
        if (metric == u"http_requests_total" && matchers.size() == 1 && matchers[0].value == u"5..")
            out << 7 << 8;
        return out;
    };
    m_engine->evaluate(s);
    QCOMPARE(status(r.name).value, 15.0);
    QCOMPARE(state(r.name), AlertState::Firing);
}

void TestAlertEngine::flappingMarksAndSettles()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    m_engine->setRules({r});
    QSignalSpy spy(m_engine.get(), &AlertEngine::transition);
    for (int i = 0; i < 12; ++i)
        feed(i % 2 ? 0.2 : 2.0);
    QVERIFY(status().flapping);
    QVERIFY(status().flapShare >= 0.4);
    bool sawFlapping = false;
    for (const auto& args : spy)
        sawFlapping |= args.at(0).value<AlertTransition>().kind == TransitionKind::Flapping;
    QVERIFY(sawFlapping);
    // Steady for a while: the share decays below the low mark.
    int steady = 0;
    while (status().flapping && steady < 30) {
        feed(0.2);
        ++steady;
    }
    QVERIFY(!status().flapping);
    QVERIFY2(steady > 5 && steady <= 21, qPrintable(QString::number(steady)));
    QCOMPARE(spy.last().at(0).value<AlertTransition>().kind, TransitionKind::Settled);
}

void TestAlertEngine::ackClearsOnResolve()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    m_engine->setRules({r});
    feed(2.0);
    QVERIFY(m_engine->acknowledge({r.name, kTarget}, QStringLiteral("ana"),
                                  QStringLiteral("looking at the DB")));
    QCOMPARE(status().ack->author, QStringLiteral("ana"));
    QCOMPARE(status().ack->comment, QStringLiteral("looking at the DB"));
    feed(2.0);
    QCOMPARE(state(), AlertState::Firing); // acknowledged is an overlay: still firing
    QVERIFY(status().ack);
    feed(0.2);
    QCOMPARE(state(), AlertState::Normal);
    QVERIFY(!status().ack);
    feed(2.0); // a new episode is not acknowledged
    QCOMPARE(state(), AlertState::Firing);
    QVERIFY(!status().ack);
}

void TestAlertEngine::ackUntilATimeExpires()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    m_engine->setRules({r});
    feed(2.0);
    QVERIFY(m_engine->acknowledge({r.name, kTarget}, {}, QStringLiteral("10 s"),
                                  m_clock->nowMs() + 10'000));
    QCOMPARE(status().ack->author, AlertEngine::defaultAuthor());
    m_clock->advanceMs(9000);
    m_engine->tick();
    QVERIFY(status().ack);
    m_clock->advanceMs(1000);
    m_engine->tick();
    QVERIFY(!status().ack);
    QCOMPARE(state(), AlertState::Firing);
}

void TestAlertEngine::ackNeedsSomethingToAck()
{
    m_engine->setRules({latencyRule()});
    feed(0.2);
    QVERIFY(!m_engine->acknowledge({QStringLiteral("high_response_time"), kTarget}, {}, {}));
    QVERIFY(!m_engine->acknowledge({QStringLiteral("nope"), kTarget}, {}, {}));
}

void TestAlertEngine::snoozeReArms()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    m_engine->setRules({r});
    feed(2.0);
    const AlertKey key{r.name, kTarget};
    QVERIFY(m_engine->snooze(key, 3'600'000, QStringLiteral("ana"), QStringLiteral("deploying")));
    QVERIFY(status().isSnoozed(m_clock->nowMs()));
    QSignalSpy spy(m_engine.get(), &AlertEngine::transition);
    m_clock->advanceMs(3'599'000);
    m_engine->tick();
    QVERIFY(status().snooze);
    m_clock->advanceMs(1000);
    m_engine->tick();
    QVERIFY(!status().snooze);
    QCOMPARE(state(), AlertState::Firing);
    QCOMPARE(spy.last().at(0).value<AlertTransition>().kind, TransitionKind::Unsnooze);
}

void TestAlertEngine::transitionsBetweenAndSignal()
{
    AlertRule r = latencyRule();
    r.forMs = 0;
    m_engine->setRules({r});
    const qint64 start = m_clock->nowMs();
    feed(2.0);
    feed(0.2);
    const QList<AlertTransition> all = m_engine->transitionsBetween(start, m_clock->nowMs() + 1);
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].to, AlertState::Firing);
    QCOMPARE(all[1].to, AlertState::Normal);
    QCOMPARE(m_engine->transitionsBetween(start, start + kStep).size(), 0);
}

void TestAlertEngine::restoresFromStore()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    AlertRule r = latencyRule();
    r.forMs = 0;
    {
        AlertStore store(path);
        QVERIFY(store.open());
        AlertEngine engine(m_clock.get(), &store);
        engine.setRules({r});
        EvaluationSample s;
        s.target = kTarget;
        s.timeMs = m_clock->nowMs();
        s.set(AlertSignals::AvgResponseTime, 2.0);
        engine.evaluate(s);
        QVERIFY(engine.acknowledge({r.name, kTarget}, QStringLiteral("ana"), QStringLiteral("x")));
        QVERIFY(engine.snooze({r.name, kTarget}, 60'000, QStringLiteral("ana"), {}));
    }
    AlertStore store(path);
    QVERIFY(store.open());
    AlertEngine engine(m_clock.get(), &store);
    engine.setRules({r});
    engine.restoreFromStore();
    QVERIFY(!engine.alert({r.name, kTarget})); // until its target is evaluated again
    EvaluationSample s;
    s.target = kTarget;
    s.timeMs = m_clock->nowMs();
    s.set(AlertSignals::AvgResponseTime, 2.0);
    engine.evaluate(s);
    const auto a = engine.alert({r.name, kTarget});
    QVERIFY(a);
    QCOMPARE(a->state, AlertState::Firing);
    QCOMPARE(a->ack->author, QStringLiteral("ana"));
    QVERIFY(a->snooze);
    QCOMPARE(engine.transitionsBetween(0, m_clock->nowMs() + 1).size(), 3);
}

QTEST_GUILESS_MAIN(TestAlertEngine)
#include "TestAlertEngine.moc"
