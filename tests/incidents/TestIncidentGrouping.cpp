// Incident grouping from timeline events: what opens one, what closes it, TTA/TTR, peaks,
// degraded time, the operator's merges and splits, and the 7/30-day means.
#include "models/incidents/Incident.h"

#include <QTest>

using namespace ops;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01 00:00 UTC
constexpr qint64 kSec = 1000;
constexpr qint64 kMin = 60 * kSec;
qint64 g_id = 0;

TimelineEvent alert(qint64 t, const QString& kind, double value = 1.5,
                    const QString& rule = QStringLiteral("high_response_time"),
                    const QString& target = QStringLiteral("gw"))
{
    TimelineEvent e;
    e.timeMs = t;
    e.target = target;
    e.lane = EventLane::Alert;
    e.kind = kind;
    e.rule = rule;
    e.value = value;
    e.threshold = 1.0;
    e.actor = QString::fromLatin1(kConsoleActor);
    e.source = EventSource::Alerts;
    e.sourceId = ++g_id;
    return e;
}

TimelineEvent ack(qint64 t, const QString& who, const QString& target = QStringLiteral("gw"))
{
    TimelineEvent e = alert(t, QStringLiteral("alert.ack"), qQNaN(),
                            QStringLiteral("high_response_time"), target);
    e.lane = EventLane::Ack;
    e.actor = who;
    e.comment = QStringLiteral("looking");
    return e;
}

TimelineEvent connection(qint64 t, const QString& from, const QString& to,
                         const QString& target = QStringLiteral("gw"))
{
    TimelineEvent e;
    e.timeMs = t;
    e.target = target;
    e.lane = EventLane::Connection;
    e.kind = QStringLiteral("connection");
    e.fromState = from;
    e.toState = to;
    e.actor = QString::fromLatin1(kConsoleActor);
    e.source = EventSource::Events;
    e.sourceId = ++g_id;
    return e;
}

TimelineEvent action(qint64 t, const QString& kind, const QString& who)
{
    TimelineEvent e;
    e.timeMs = t;
    e.target = QStringLiteral("gw");
    e.lane = EventLane::Deploy;
    e.kind = kind;
    e.actor = who;
    e.source = EventSource::Audit;
    e.sourceId = ++g_id;
    return e;
}

} // namespace

class TestIncidentGrouping : public QObject {
    Q_OBJECT
private slots:
    void alertFiringOpensAndQuietCloses();
    void stillOpenWhileQuietIsShort();
    void refiringInsideQuietTimeContinues();
    void shortOutageOpensNothing();
    void outageLongerThanAMinuteOpensAtItsStart();
    void connectionMustBeUpToResolve();
    void targetsAreSeparate();
    void mergeAndSplit();
    void responseStatsOverDays();
    void durationsInWords();
};

void TestIncidentGrouping::alertFiringOpensAndQuietCloses()
{
    const QList<TimelineEvent> events{
        alert(kT0, QStringLiteral("alert.pending"), 1.2),
        alert(kT0 + 30 * kSec, QStringLiteral("alert.firing"), 1.4),
        ack(kT0 + 90 * kSec, QStringLiteral("ana")),
        action(kT0 + 2 * kMin, QStringLiteral("deploy.trigger"), QStringLiteral("ana")),
        alert(kT0 + 3 * kMin, QStringLiteral("alert.recovering"), 2.6),
        alert(kT0 + 10 * kMin, QStringLiteral("alert.resolved"), 0.4),
    };
    const auto incidents = groupIncidents(events, kT0 + 60 * kMin);
    QCOMPARE(incidents.size(), 1);
    const Incident& i = incidents.first();
    QCOMPARE(i.target, QStringLiteral("gw"));
    QCOMPARE(i.openedMs, kT0 + 30 * kSec);
    QCOMPARE(i.storyStartMs, kT0); // the pending before it
    QCOMPARE(i.resolvedMs, kT0 + 10 * kMin);
    QCOMPARE(i.closedMs, kT0 + 15 * kMin);
    QVERIFY(!i.isOpen());
    QCOMPARE(i.ttaMs(), 60 * kSec);
    QCOMPARE(i.firstAckBy, QStringLiteral("ana"));
    QCOMPARE(i.ttrMs(), 10 * kMin - 30 * kSec);
    QCOMPARE(i.durationMs(kT0 + 60 * kMin), 10 * kMin - 30 * kSec);
    QCOMPARE(i.degradedMs, 10 * kMin - 30 * kSec);
    QCOMPARE(i.title, QStringLiteral("high_response_time on gw"));
    QCOMPARE(i.rules, QStringList{QStringLiteral("high_response_time")});
    QCOMPARE(i.peaks.size(), 1);
    QCOMPARE(i.peaks.first().value, 2.6);
    QCOMPARE(i.peaks.first().atMs, kT0 + 3 * kMin);
    QCOMPARE(i.events.size(), events.size());
    const auto actions = i.actions();
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions[0].kind, QStringLiteral("alert.ack"));
    QCOMPARE(actions[1].kind, QStringLiteral("deploy.trigger"));
}

void TestIncidentGrouping::stillOpenWhileQuietIsShort()
{
    const QList<TimelineEvent> events{
        alert(kT0, QStringLiteral("alert.firing")),
        alert(kT0 + 2 * kMin, QStringLiteral("alert.resolved"), 0.5),
    };
    // 4 min 59 s after resolving: resolved, not yet closed.
    auto incidents = groupIncidents(events, kT0 + 2 * kMin + 5 * kMin - 1);
    QCOMPARE(incidents.size(), 1);
    QVERIFY(incidents.first().isOpen());
    QCOMPARE(incidents.first().resolvedMs, 0);
    QCOMPARE(incidents.first().ttaMs(), -1);
    // 5 min after: closed, resolved at the resolution.
    incidents = groupIncidents(events, kT0 + 7 * kMin);
    QVERIFY(!incidents.first().isOpen());
    QCOMPARE(incidents.first().resolvedMs, kT0 + 2 * kMin);
    QCOMPARE(incidents.first().ttrMs(), 2 * kMin);
}

void TestIncidentGrouping::refiringInsideQuietTimeContinues()
{
    const QList<TimelineEvent> events{
        alert(kT0, QStringLiteral("alert.firing")),
        alert(kT0 + 1 * kMin, QStringLiteral("alert.resolved"), 0.5),
        alert(kT0 + 4 * kMin, QStringLiteral("alert.firing"), 1.8,
              QStringLiteral("high_error_rate")),
        alert(kT0 + 6 * kMin, QStringLiteral("alert.resolved"), 0.0,
              QStringLiteral("high_error_rate")),
        // Another one well after the quiet time: a second incident.
        alert(kT0 + 30 * kMin, QStringLiteral("alert.firing")),
    };
    const auto incidents = groupIncidents(events, kT0 + 31 * kMin);
    QCOMPARE(incidents.size(), 2);
    QCOMPARE(incidents[0].openedMs, kT0);
    QCOMPARE(incidents[0].resolvedMs, kT0 + 6 * kMin);
    QCOMPARE(incidents[0].rules, (QStringList{QStringLiteral("high_response_time"),
                                              QStringLiteral("high_error_rate")}));
    QCOMPARE(incidents[0].peaks.size(), 2);
    // Degraded: firing 0-1 min and 4-6 min.
    QCOMPARE(incidents[0].degradedMs, 3 * kMin);
    QCOMPARE(incidents[1].openedMs, kT0 + 30 * kMin);
    QVERIFY(incidents[1].isOpen());
    QCOMPARE(incidents[1].durationMs(kT0 + 31 * kMin), kMin);
}

void TestIncidentGrouping::shortOutageOpensNothing()
{
    const QList<TimelineEvent> events{
        connection(kT0, QStringLiteral("up"), QStringLiteral("unreachable")),
        connection(kT0 + 59 * kSec, QStringLiteral("unreachable"), QStringLiteral("up")),
        // Exactly a minute is not more than a minute.
        connection(kT0 + 2 * kMin, QStringLiteral("up"), QStringLiteral("waking")),
        connection(kT0 + 3 * kMin, QStringLiteral("waking"), QStringLiteral("up")),
    };
    QVERIFY(groupIncidents(events, kT0 + 30 * kMin).isEmpty());
}

void TestIncidentGrouping::outageLongerThanAMinuteOpensAtItsStart()
{
    const QList<TimelineEvent> events{
        connection(kT0, QStringLiteral("up"), QStringLiteral("unreachable")),
        connection(kT0 + 40 * kSec, QStringLiteral("unreachable"), QStringLiteral("timeout")),
        connection(kT0 + 3 * kMin, QStringLiteral("timeout"), QStringLiteral("up")),
    };
    auto incidents = groupIncidents(events, kT0 + 30 * kMin);
    QCOMPARE(incidents.size(), 1);
    QCOMPARE(incidents[0].openedMs, kT0);
    QCOMPARE(incidents[0].events.size(), 3);
    QCOMPARE(incidents[0].resolvedMs, kT0 + 3 * kMin);
    QCOMPARE(incidents[0].title, QStringLiteral("gw unreachable"));
    QCOMPARE(incidents[0].degradedMs, 3 * kMin);
    // Still down and past the minute at "now": open.
    incidents = groupIncidents(events.mid(0, 2), kT0 + 61 * kSec);
    QCOMPARE(incidents.size(), 1);
    QVERIFY(incidents[0].isOpen());
    QVERIFY(groupIncidents(events.mid(0, 2), kT0 + 60 * kSec).isEmpty());
}

void TestIncidentGrouping::connectionMustBeUpToResolve()
{
    const QList<TimelineEvent> events{
        alert(kT0, QStringLiteral("alert.firing")),
        connection(kT0 + 1 * kMin, QStringLiteral("up"), QStringLiteral("auth_failed")),
        alert(kT0 + 2 * kMin, QStringLiteral("alert.resolved"), 0.5),
        connection(kT0 + 4 * kMin, QStringLiteral("auth_failed"), QStringLiteral("up")),
    };
    const auto incidents = groupIncidents(events, kT0 + 30 * kMin);
    QCOMPARE(incidents.size(), 1);
    QCOMPARE(incidents[0].resolvedMs, kT0 + 4 * kMin);
    QCOMPARE(incidents[0].closedMs, kT0 + 9 * kMin);
}

void TestIncidentGrouping::targetsAreSeparate()
{
    const QList<TimelineEvent> events{
        alert(kT0, QStringLiteral("alert.firing"), 1.5, QStringLiteral("high_response_time"),
              QStringLiteral("a")),
        alert(kT0 + kMin, QStringLiteral("alert.firing"), 1.5, QStringLiteral("high_response_time"),
              QStringLiteral("b")),
        ack(kT0 + 2 * kMin, QStringLiteral("bo"), QStringLiteral("b")),
        alert(kT0 + 3 * kMin, QStringLiteral("alert.resolved"), 0.1,
              QStringLiteral("high_response_time"), QStringLiteral("a")),
    };
    auto incidents = groupIncidents(events, kT0 + 5 * kMin);
    QCOMPARE(incidents.size(), 2);
    QCOMPARE(incidents[0].target, QStringLiteral("a"));
    QCOMPARE(incidents[0].ttaMs(), -1);
    QCOMPARE(incidents[0].resolvedMs, 0); // quiet for 2 min only: not yet
    QCOMPARE(incidents[1].resolvedMs, 0);
    incidents = groupIncidents(events, kT0 + 8 * kMin);
    QCOMPARE(incidents[0].resolvedMs, kT0 + 3 * kMin);
    QVERIFY(incidents[1].isOpen()); // b never resolved
    QCOMPARE(incidents[1].target, QStringLiteral("b"));
    QCOMPARE(incidents[1].ttaMs(), kMin);
    QCOMPARE(incidents[1].firstAckBy, QStringLiteral("bo"));
}

void TestIncidentGrouping::mergeAndSplit()
{
    const QList<TimelineEvent> events{
        alert(kT0, QStringLiteral("alert.firing")),
        alert(kT0 + 1 * kMin, QStringLiteral("alert.resolved"), 0.5),
        alert(kT0 + 20 * kMin, QStringLiteral("alert.firing"), 3.0),
        ack(kT0 + 21 * kMin, QStringLiteral("ana")),
        alert(kT0 + 22 * kMin, QStringLiteral("alert.resolved"), 0.5),
    };
    const qint64 now = kT0 + 60 * kMin;
    const auto grouped = groupIncidents(events, now);
    QCOMPARE(grouped.size(), 2);
    const QString gw = QStringLiteral("gw");
    const auto merged = applyMerges(grouped, {{gw, kT0, kT0 + 27 * kMin}}, now);
    QCOMPARE(merged.size(), 1);
    QCOMPARE(merged[0].openedMs, kT0);
    QCOMPARE(merged[0].resolvedMs, kT0 + 22 * kMin);
    QCOMPARE(merged[0].ttaMs(), 21 * kMin);
    QCOMPARE(merged[0].peaks.first().value, 3.0);
    QCOMPARE(merged[0].degradedMs, 3 * kMin);
    QCOMPARE(merged[0].events.size(), 5);
    // A merge of another target changes nothing here.
    QCOMPARE(applyMerges(grouped, {{QStringLiteral("x"), kT0, now}}, now).size(), 2);

    const auto split = applySplits(merged, gw, {kT0 + 10 * kMin}, now);
    QCOMPARE(split.size(), 2);
    QCOMPARE(split[0].openedMs, kT0);
    QCOMPARE(split[0].resolvedMs, kT0 + 1 * kMin);
    QCOMPARE(split[0].closedMs, kT0 + 10 * kMin);
    QCOMPARE(split[0].events.size(), 2);
    QCOMPARE(split[1].openedMs, kT0 + 10 * kMin);
    QCOMPARE(split[1].events.size(), 3);
    QCOMPARE(split[1].ttaMs(), 11 * kMin);
    QCOMPARE(split[1].rules, QStringList{QStringLiteral("high_response_time")});
    // A split outside every incident changes nothing.
    QCOMPARE(applySplits(merged, gw, {now + kMin}, now).size(), 1);
}

void TestIncidentGrouping::responseStatsOverDays()
{
    const qint64 day = 24 * 60 * kMin;
    const qint64 now = kT0 + 40 * day;
    QList<Incident> incidents;
    auto make = [](qint64 opened, qint64 tta, qint64 ttr) {
        Incident i;
        i.target = QStringLiteral("gw");
        i.openedMs = opened;
        i.firstAckMs = tta >= 0 ? opened + tta : 0;
        i.resolvedMs = ttr >= 0 ? opened + ttr : 0;
        return i;
    };
    incidents << make(now - 35 * day, 10 * kMin, 60 * kMin) // outside 30 days
              << make(now - 20 * day, 4 * kMin, 40 * kMin)  // inside 30, outside 7
              << make(now - 2 * day, 2 * kMin, 20 * kMin)   // inside 7
              << make(now - 1 * day, -1, -1);               // inside 7, open, never acked
    const ResponseStats week = responseStats(incidents, now, 7);
    QCOMPARE(week.incidents, 2);
    QCOMPARE(week.acknowledged, 1);
    QCOMPARE(week.meanTtaMs, 2 * kMin);
    QCOMPARE(week.meanTtrMs, 20 * kMin);
    const ResponseStats month = responseStats(incidents, now, 30);
    QCOMPARE(month.incidents, 3);
    QCOMPARE(month.meanTtaMs, 3 * kMin);
    QCOMPARE(month.meanTtrMs, 30 * kMin);
    const ResponseStats none = responseStats({}, now, 7);
    QCOMPARE(none.meanTtaMs, -1);
    QCOMPARE(none.meanTtrMs, -1);
}

void TestIncidentGrouping::durationsInWords()
{
    QCOMPARE(formatIncidentDuration(12'000), QStringLiteral("12 s"));
    QCOMPARE(formatIncidentDuration(270'000), QStringLiteral("4 min 30 s"));
    QCOMPARE(formatIncidentDuration(300'000), QStringLiteral("5 min"));
    QCOMPARE(formatIncidentDuration(7'500'000), QStringLiteral("2 h 5 min"));
    QCOMPARE(formatIncidentDuration(-1), QStringLiteral("—"));
}

QTEST_GUILESS_MAIN(TestIncidentGrouping)
#include "TestIncidentGrouping.moc"
