// One timeline over the three stores (events.sqlite, alerts.sqlite, audit.sqlite): time order,
// lanes, actors, per-target filtering; the incident book's ids, names, notes, merges and splits,
// each audited.
#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/IncidentBook.h"
#include "models/incidents/Timeline.h"

#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000;
constexpr qint64 kMin = 60'000;

struct Stores {
    QTemporaryDir dir;
    EventStore events{dir.filePath(QStringLiteral("events.sqlite"))};
    AlertStore alerts{dir.filePath(QStringLiteral("alerts.sqlite"))};
    AuditLog audit{dir.filePath(QStringLiteral("audit.sqlite"))};
    bool open() { return events.open() && alerts.open() && audit.open(); }

    void transition(qint64 t, AlertState from, AlertState to, double value,
                    const QString& target = QStringLiteral("gw"))
    {
        AlertTransition tr;
        tr.timeMs = t;
        tr.rule = QStringLiteral("high_response_time");
        tr.target = target;
        tr.from = from;
        tr.to = to;
        tr.value = value;
        tr.threshold = 1.0;
        QVERIFY(alerts.appendTransition(tr) > 0);
    }
    void ackBy(qint64 t, const QString& who, const QString& comment)
    {
        AlertTransition tr;
        tr.timeMs = t;
        tr.rule = QStringLiteral("high_response_time");
        tr.target = QStringLiteral("gw");
        tr.kind = TransitionKind::Ack;
        tr.from = tr.to = AlertState::Firing;
        tr.author = who;
        tr.comment = comment;
        QVERIFY(alerts.appendTransition(tr) > 0);
    }
    void auditRow(qint64 t, const QString& who, const QString& action, const QJsonObject& details,
                  const QString& result, const QString& target = QStringLiteral("gw"))
    {
        AuditEntry e;
        e.timeMs = t;
        e.actor = who;
        e.target = target;
        e.action = action;
        e.subject = QStringLiteral("dep-1");
        e.details = details;
        e.result = result;
        QVERIFY(audit.append(e));
    }
    void connection(qint64 t, const QString& from, const QString& to,
                    const QString& target = QStringLiteral("gw"))
    {
        RecordedEvent e{0,    t,  target, QStringLiteral("connection"),
                        from, to, {},     QString::fromLatin1(kConsoleActor)};
        QVERIFY(events.append(e));
    }
};

} // namespace

class TestTimeline : public QObject {
    Q_OBJECT
private slots:
    void mergesThreeStoresInOrderWithActors();
    void perTargetAndRange();
    void missingStoresContributeNothing();
    void bookGivesStableIdsAndAuditsEdits();
    void bookRefusesBadEdits();
};

void TestTimeline::mergesThreeStoresInOrderWithActors()
{
    Stores s;
    QVERIFY(s.open());
    RecordedEvent start{0,  kT0 - kMin, {}, QStringLiteral("console.start"),
                        {}, {},         {}, QStringLiteral("ana")};
    QVERIFY(s.events.append(start));
    s.transition(kT0, AlertState::Normal, AlertState::Pending, 1.2);
    s.transition(kT0 + 30'000, AlertState::Pending, AlertState::Firing, 1.4);
    NotificationRecord note;
    note.timeMs = kT0 + 30'001;
    note.key = {QStringLiteral("high_response_time"), QStringLiteral("gw")};
    note.state = QStringLiteral("firing");
    note.channel = QStringLiteral("desktop");
    QVERIFY(s.alerts.appendNotification(note) > 0);
    s.ackBy(kT0 + kMin, QStringLiteral("ana"), QStringLiteral("on it"));
    s.auditRow(kT0 + 2 * kMin, QStringLiteral("ana"), QStringLiteral("deploy.trigger"),
               {{QStringLiteral("commit"), QStringLiteral("abcdef123456")}},
               QStringLiteral("started"));
    s.connection(kT0 + 3 * kMin, QStringLiteral("up"), QStringLiteral("unreachable"));
    s.connection(kT0 + 3 * kMin + 20'000, QStringLiteral("unreachable"), QStringLiteral("up"));
    s.transition(kT0 + 5 * kMin, AlertState::Firing, AlertState::Normal, 0.3);

    const Timeline timeline(&s.events, &s.alerts, &s.audit);
    const auto rows = timeline.events({});
    QStringList kinds;
    QStringList actors;
    for (const TimelineEvent& e : rows) {
        kinds << e.kind;
        actors << e.actor;
    }
    QCOMPARE(kinds, (QStringList{QStringLiteral("console.start"), QStringLiteral("alert.pending"),
                                 QStringLiteral("alert.firing"), QStringLiteral("alert.notified"),
                                 QStringLiteral("alert.ack"), QStringLiteral("deploy.trigger"),
                                 QStringLiteral("connection"), QStringLiteral("connection"),
                                 QStringLiteral("alert.resolved")}));
    QCOMPARE(actors,
             (QStringList{QStringLiteral("ana"), QStringLiteral("console"),
                          QStringLiteral("console"), QStringLiteral("console"),
                          QStringLiteral("ana"), QStringLiteral("ana"), QStringLiteral("console"),
                          QStringLiteral("console"), QStringLiteral("console")}));
    QCOMPARE(rows[4].lane, EventLane::Ack);
    QCOMPARE(rows[4].comment, QStringLiteral("on it"));
    QCOMPARE(rows[5].lane, EventLane::Deploy);
    QVERIFY2(rows[5].summary.contains(QStringLiteral("abcdef1")), qPrintable(rows[5].summary));
    QCOMPARE(rows[6].lane, EventLane::Connection);
    QCOMPARE(rows[6].toState, QStringLiteral("unreachable"));
    // Units from the rule's signal: seconds shown as ms.
    QVERIFY2(rows[2].summary.contains(QStringLiteral("1400 ms")), qPrintable(rows[2].summary));
    QVERIFY2(rows[2].summary.contains(QStringLiteral("1000 ms")), qPrintable(rows[2].summary));
    // Without notifications.
    TimelineQuery quiet;
    quiet.notifications = false;
    QCOMPARE(timeline.events(quiet).size(), rows.size() - 1);
}

void TestTimeline::perTargetAndRange()
{
    Stores s;
    QVERIFY(s.open());
    s.transition(kT0, AlertState::Normal, AlertState::Firing, 2.0, QStringLiteral("a"));
    s.transition(kT0 + 1000, AlertState::Normal, AlertState::Firing, 2.0, QStringLiteral("b"));
    s.auditRow(kT0 + 2000, QStringLiteral("bo"), QStringLiteral("workflow.launch"), {},
               QStringLiteral("ok"), QStringLiteral("b"));
    s.connection(kT0 + 3000, QStringLiteral("up"), QStringLiteral("timeout"), QStringLiteral("a"));
    const Timeline timeline(&s.events, &s.alerts, &s.audit);
    TimelineQuery onlyB;
    onlyB.target = QStringLiteral("b");
    const auto b = timeline.events(onlyB);
    QCOMPARE(b.size(), 2);
    QCOMPARE(b[1].lane, EventLane::Workflow);
    QCOMPARE(b[1].actor, QStringLiteral("bo"));
    TimelineQuery range;
    range.fromMs = kT0 + 1000;
    range.toMs = kT0 + 3000; // exclusive
    QCOMPARE(timeline.events(range).size(), 2);
    TimelineQuery empty;
    empty.fromMs = kT0 + 5000;
    empty.toMs = kT0 + 5000;
    QVERIFY(timeline.events(empty).isEmpty());
}

void TestTimeline::missingStoresContributeNothing()
{
    Stores s;
    QVERIFY(s.open());
    s.connection(kT0, QStringLiteral("up"), QStringLiteral("timeout"));
    const Timeline timeline(&s.events, nullptr, nullptr);
    QCOMPARE(timeline.events({}).size(), 1);
    const Timeline none(nullptr, nullptr, nullptr);
    QVERIFY(none.events({}).isEmpty());
}

void TestTimeline::bookGivesStableIdsAndAuditsEdits()
{
    Stores s;
    QVERIFY(s.open());
    s.transition(kT0, AlertState::Normal, AlertState::Firing, 1.5);
    s.ackBy(kT0 + 2 * kMin, QStringLiteral("ana"), QStringLiteral("looking"));
    s.transition(kT0 + 4 * kMin, AlertState::Firing, AlertState::Normal, 0.5);
    s.transition(kT0 + 20 * kMin, AlertState::Normal, AlertState::Firing, 1.9);
    s.transition(kT0 + 25 * kMin, AlertState::Firing, AlertState::Normal, 0.5);
    ManualClock clock(kT0 + 60 * kMin);
    const Timeline timeline(&s.events, &s.alerts, &s.audit);
    IncidentBook book(&s.events, &timeline, &s.audit, &clock);
    book.setActor(QStringLiteral("ana"));
    auto incidents = book.incidents(QStringLiteral("gw"), kT0 - kMin, clock.nowMs());
    QCOMPARE(incidents.size(), 2);
    const qint64 first = incidents[0].id;
    const qint64 second = incidents[1].id;
    QVERIFY(first > 0 && second > first);
    QCOMPARE(incidents[0].ttaMs(), 2 * kMin);
    QCOMPARE(incidents[0].ttrMs(), 4 * kMin);
    // The same ids on the next read.
    QCOMPARE(book.incidents(QStringLiteral("gw"), kT0, clock.nowMs())[0].id, first);
    QCOMPARE(book.incident(second)->openedMs, kT0 + 20 * kMin);

    QString error;
    QVERIFY2(book.rename(first, QStringLiteral("Search slow after index rebuild"), &error),
             qPrintable(error));
    QVERIFY2(book.addNote(first, QStringLiteral("rebuild ran at 00:00"), &error),
             qPrintable(error));
    QCOMPARE(book.incident(first)->title, QStringLiteral("Search slow after index rebuild"));
    QCOMPARE(book.incident(first)->notes.size(), 1);
    QCOMPARE(book.incident(first)->notes.first().author, QStringLiteral("ana"));

    clock.advanceMs(kMin);
    QVERIFY2(book.merge(first, second, &error), qPrintable(error));
    incidents = book.incidents(QStringLiteral("gw"), kT0 - kMin, clock.nowMs());
    QCOMPARE(incidents.size(), 1);
    QCOMPARE(incidents[0].id, first);
    QCOMPARE(incidents[0].title, QStringLiteral("Search slow after index rebuild"));
    QCOMPARE(incidents[0].ttrMs(), 25 * kMin);
    // The merged-away id finds the incident that holds it.
    QCOMPARE(book.incident(second)->id, first);

    // Split in the quiet gap: the two incidents are back as they were, with their ids.
    QVERIFY2(book.split(first, kT0 + 10 * kMin, &error), qPrintable(error));
    incidents = book.incidents(QStringLiteral("gw"), kT0 - kMin, clock.nowMs());
    QCOMPARE(incidents.size(), 2);
    QCOMPARE(incidents[0].id, first);
    QCOMPARE(incidents[0].ttrMs(), 4 * kMin);
    QCOMPARE(incidents[1].openedMs, kT0 + 20 * kMin);
    QCOMPARE(incidents[1].id, second);

    // Every edit is in the audit log with the operator as actor, and in the timeline.
    const auto rows = s.audit.entries();
    QStringList actions;
    for (const AuditEntry& e : rows) {
        actions.prepend(e.action);
        QCOMPARE(e.actor, QStringLiteral("ana"));
        QCOMPARE(e.target, QStringLiteral("gw"));
    }
    QCOMPARE(actions,
             (QStringList{QStringLiteral("incident.rename"), QStringLiteral("incident.note"),
                          QStringLiteral("incident.merge"), QStringLiteral("incident.split")}));
    TimelineQuery q;
    q.fromMs = clock.nowMs() - 10 * kMin;
    const auto edits = timeline.events(q);
    QCOMPARE(edits.size(), 4);
    QCOMPARE(edits[0].lane, EventLane::Incident);
}

void TestTimeline::bookRefusesBadEdits()
{
    Stores s;
    QVERIFY(s.open());
    s.transition(kT0, AlertState::Normal, AlertState::Firing, 1.5, QStringLiteral("a"));
    s.transition(kT0, AlertState::Normal, AlertState::Firing, 1.5, QStringLiteral("b"));
    ManualClock clock(kT0 + 10 * kMin);
    const Timeline timeline(&s.events, &s.alerts, &s.audit);
    IncidentBook book(&s.events, &timeline, &s.audit, &clock);
    const auto incidents = book.incidents({}, kT0 - kMin, clock.nowMs());
    QCOMPARE(incidents.size(), 2);
    QString error;
    QVERIFY(!book.rename(9999, QStringLiteral("x"), &error));
    QVERIFY2(error.contains(QStringLiteral("no incident 9999")), qPrintable(error));
    QVERIFY(!book.rename(incidents[0].id, QStringLiteral("   "), &error));
    QVERIFY(error.contains(QStringLiteral("empty")));
    QVERIFY(!book.addNote(incidents[0].id, QString(), &error));
    QVERIFY(!book.merge(incidents[0].id, incidents[1].id, &error));
    QVERIFY2(error.contains(QStringLiteral("different targets")), qPrintable(error));
    QVERIFY(!book.merge(incidents[0].id, incidents[0].id, &error));
    QVERIFY(!book.split(incidents[0].id, kT0 - 1, &error));
    QVERIFY(error.contains(QStringLiteral("inside")));
    QVERIFY(s.audit.entries().isEmpty()); // nothing refused was audited
}

QTEST_GUILESS_MAIN(TestTimeline)
#include "TestTimeline.moc"
