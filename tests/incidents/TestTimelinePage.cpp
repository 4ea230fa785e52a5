// The Timeline tab: lanes over the dashboard's time window (zoom/pan shared, a click moves the
// charts there), the incident list with TTA/TTR, per-target means over 7 and 30 days, edits
// through the page, and screenshots in the light and dark palettes at 1280x720.
#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/incidents/EventStore.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/incidents/TimelineLanes.h"
#include "ui/incidents/TimelinePage.h"
#include "ui/shell/EmptyState.h"
#include "ui/shell/Theme.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

constexpr qint64 kDay = 24 * 3'600'000LL;
constexpr qint64 kMin = 60'000;
const qint64 kNow = 1'767'225'600'000 + 40 * kDay;

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
    return dir.isEmpty() ? QDir::tempPath() : dir;
}

} // namespace

class TestTimelinePage : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    EventStore* m_events = nullptr;
    AlertStore* m_alerts = nullptr;
    AuditLog* m_audit = nullptr;

    void transition(const QString& target, qint64 t, AlertState from, AlertState to, double value)
    {
        AlertTransition tr;
        tr.timeMs = t;
        tr.rule = QStringLiteral("high_response_time");
        tr.target = target;
        tr.from = from;
        tr.to = to;
        tr.value = value;
        tr.threshold = 1.0;
        QVERIFY(m_alerts->appendTransition(tr) > 0);
    }
    void ack(const QString& target, qint64 t, const QString& who)
    {
        AlertTransition tr;
        tr.timeMs = t;
        tr.rule = QStringLiteral("high_response_time");
        tr.target = target;
        tr.kind = TransitionKind::Ack;
        tr.author = who;
        tr.comment = QStringLiteral("on it");
        QVERIFY(m_alerts->appendTransition(tr) > 0);
    }
    void incident(const QString& target, qint64 opened, qint64 tta, qint64 ttr)
    {
        transition(target, opened, AlertState::Normal, AlertState::Firing, 1.7);
        ack(target, opened + tta, QStringLiteral("ana"));
        transition(target, opened + ttr, AlertState::Firing, AlertState::Normal, 0.4);
    }

private slots:
    void initTestCase()
    {
        m_events = new EventStore(m_dir.filePath(QStringLiteral("events.sqlite")));
        m_alerts = new AlertStore(m_dir.filePath(QStringLiteral("alerts.sqlite")));
        m_audit = new AuditLog(m_dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(m_events->open() && m_alerts->open() && m_audit->open());
        // gw: one 20 days ago (TTA 4 min, TTR 40 min), one 2 days ago (2 min, 20 min), and
        // today's story in the last hour; other: one 3 days ago (6 min, 30 min).
        incident(QStringLiteral("gw"), kNow - 20 * kDay, 4 * kMin, 40 * kMin);
        incident(QStringLiteral("gw"), kNow - 2 * kDay, 2 * kMin, 20 * kMin);
        incident(QStringLiteral("other"), kNow - 3 * kDay, 6 * kMin, 30 * kMin);
        const qint64 t = kNow - 50 * kMin;
        transition(QStringLiteral("gw"), t, AlertState::Normal, AlertState::Pending, 1.2);
        transition(QStringLiteral("gw"), t + kMin, AlertState::Pending, AlertState::Firing, 1.8);
        ack(QStringLiteral("gw"), t + 3 * kMin, QStringLiteral("ana"));
        AuditEntry deploy;
        deploy.timeMs = t + 5 * kMin;
        deploy.actor = QStringLiteral("ana");
        deploy.target = QStringLiteral("gw");
        deploy.action = QStringLiteral("deploy.trigger");
        deploy.subject = QStringLiteral("dep-9");
        deploy.details = {{QStringLiteral("commit"), QStringLiteral("9a8b7c6d")}};
        deploy.result = QStringLiteral("started");
        QVERIFY(m_audit->append(deploy));
        AuditEntry workflow = deploy;
        workflow.timeMs = t + 8 * kMin;
        workflow.action = QStringLiteral("workflow.launch");
        workflow.subject = QStringLiteral("reindex");
        workflow.result = QStringLiteral("ok");
        QVERIFY(m_audit->append(workflow));
        RecordedEvent down{0,
                           t + 10 * kMin,
                           QStringLiteral("gw"),
                           QStringLiteral("connection"),
                           QStringLiteral("up"),
                           QStringLiteral("unreachable"),
                           {},
                           QStringLiteral("console")};
        RecordedEvent up{0,
                         t + 12 * kMin,
                         QStringLiteral("gw"),
                         QStringLiteral("connection"),
                         QStringLiteral("unreachable"),
                         QStringLiteral("up"),
                         {},
                         QStringLiteral("console")};
        RecordedEvent start{0,  t - 5 * kMin, {}, QStringLiteral("console.start"),
                            {}, {},           {}, QStringLiteral("ana")};
        QVERIFY(m_events->append(down) && m_events->append(up) && m_events->append(start));
    }

    void cleanupTestCase()
    {
        delete m_events;
        delete m_alerts;
        delete m_audit;
    }

    void lanesListAndMeans()
    {
        ManualClock clock(kNow);
        ChartTimeline chartTimeline;
        chartTimeline.setLatest(kNow);
        chartTimeline.setPreset(60 * kMin);
        TimelinePage page(m_events, m_alerts, m_audit, &clock, &chartTimeline, nullptr);
        page.setTargets({QStringLiteral("gw"), QStringLiteral("other")});
        page.setCurrentTarget(QStringLiteral("gw"));
        page.resize(1280, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.refresh();

        // The lanes hold the last hour's events of gw, each in its lane.
        TimelineLanes* lanes = page.lanes();
        QStringList kinds;
        for (const TimelineEvent& e : lanes->events())
            kinds << e.kind;
        QCOMPARE(kinds,
                 (QStringList{QStringLiteral("console.start"), QStringLiteral("alert.pending"),
                              QStringLiteral("alert.firing"), QStringLiteral("alert.ack"),
                              QStringLiteral("deploy.trigger"), QStringLiteral("workflow.launch"),
                              QStringLiteral("connection"), QStringLiteral("connection")}));
        // Incidents of gw, newest first, with TTA and TTR.
        QTableWidget* list = page.incidentTable();
        QCOMPARE(list->rowCount(), 3);
        QCOMPARE(list->item(0, 2)->text(), QStringLiteral("high_response_time on gw"));
        QCOMPARE(list->item(0, 5)->text(), QStringLiteral("2 min"));
        QCOMPARE(list->item(1, 5)->text(), QStringLiteral("2 min"));
        QCOMPARE(list->item(1, 6)->text(), QStringLiteral("20 min"));
        QCOMPARE(list->item(2, 6)->text(), QStringLiteral("40 min"));
        // Means: gw over 7 days has the one of 2 days ago and today's (TTA 2 and 2 min); over
        // 30 days also the one of 20 days ago (TTA 4 min: mean 2 min 40 s; TTR 40 and 20).
        QTableWidget* stats = page.statsTable();
        int gwRow = -1;
        for (int r = 0; r < stats->rowCount(); ++r)
            if (stats->item(r, 0)->text() == QLatin1String("gw"))
                gwRow = r;
        QVERIFY(gwRow >= 0);
        QCOMPARE(stats->item(gwRow, 1)->text(), QStringLiteral("2"));
        QCOMPARE(stats->item(gwRow, 2)->text(), QStringLiteral("2 min"));
        QCOMPARE(stats->item(gwRow, 3)->text(), QStringLiteral("20 min")); // today's is open
        QCOMPARE(stats->item(gwRow, 4)->text(), QStringLiteral("3"));
        QCOMPARE(stats->item(gwRow, 5)->text(), QStringLiteral("2 min 40 s"));
        QCOMPARE(stats->item(gwRow, 6)->text(), QStringLiteral("30 min"));
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/timeline-light.png")));

        // Clicking the deploy moves the charts' window there (same span, held still).
        const int deployIndex = int(kinds.indexOf(QStringLiteral("deploy.trigger")));
        QSignalSpy charts(&page, &TimelinePage::showChartsRequested);
        const qint64 span = chartTimeline.spanMs();
        QTest::mouseClick(lanes, Qt::LeftButton, {}, lanes->positionOf(deployIndex).toPoint());
        QCOMPARE(charts.count(), 1);
        QVERIFY(!chartTimeline.isLive());
        QCOMPARE(chartTimeline.spanMs(), span);
        const qint64 deployAt = lanes->events()[deployIndex].timeMs;
        QVERIFY(std::abs((chartTimeline.startMs() + chartTimeline.endMs()) / 2 - deployAt) < 1000);
        // A chart marker links back: the nearest event is picked.
        page.showMoment(deployAt + 1000);
        QCOMPARE(lanes->events()[lanes->selected()].kind, QStringLiteral("deploy.trigger"));
        // Keyboard: Tab walks to the next event, + zooms the shared window.
        lanes->setFocus();
        QTest::keyClick(lanes, Qt::Key_Tab);
        QCOMPARE(lanes->events()[lanes->selected()].kind, QStringLiteral("workflow.launch"));
        QTest::keyClick(lanes, Qt::Key_Plus);
        QVERIFY(chartTimeline.spanMs() < span);

        // Rename through the page's book: audited and shown.
        QString error;
        const qint64 id = list->item(0, 0)->text().toLongLong();
        QVERIFY2(page.book().rename(id, QStringLiteral("Slow search after deploy"), &error),
                 qPrintable(error));
        page.refresh();
        QCOMPARE(list->item(0, 2)->text(), QStringLiteral("Slow search after deploy"));
        QCOMPARE(m_audit->entries(QStringLiteral("incident.rename")).size(), 1);

        QVERIFY(applyPalette(QStringLiteral("dark")));
        QCoreApplication::processEvents();
        page.refresh();
        // The lanes are painted by hand: they follow the palette too.
        QVERIFY(lanes->palette().color(QPalette::Base).value() < 128);
        QVERIFY(lanes->grab().toImage().pixelColor(2, 2).value() < 128);
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/timeline-dark.png")));
        applyPalette(QStringLiteral("light"));
    }

    // No incidents: the list says so in words (and what would open one), not a blank table;
    // light and dark at 1280x720.
    void emptyListSaysSo()
    {
        ManualClock clock(kNow);
        ChartTimeline chartTimeline;
        chartTimeline.setLatest(kNow);
        chartTimeline.setPreset(60 * kMin);
        TimelinePage page(m_events, m_alerts, m_audit, &clock, &chartTimeline, nullptr);
        page.setTargets({QStringLiteral("gw"), QStringLiteral("quiet")});
        page.setCurrentTarget(QStringLiteral("quiet"));
        page.resize(1280, 720);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.refresh();
        QTableWidget* list = page.incidentTable();
        QCOMPARE(list->rowCount(), 0);
        QVERIFY2(emptyTextShown(list).startsWith(
                     QStringLiteral("No incidents for quiet in the last 30 days: all quiet.")),
                 qPrintable(emptyTextShown(list)));
        QVERIFY(emptyTextShown(list).contains(QStringLiteral("an alert fires")));
        // Shown over the list, as wide as it and tall enough for its lines.
        auto* empty = list->viewport()->findChild<QLabel*>(QStringLiteral("emptyState"));
        QVERIFY(empty);
        QVERIFY(empty->isVisible());
        QVERIFY(empty->width() > 600);
        QVERIFY(empty->height() >= empty->heightForWidth(empty->width()));
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/timeline-empty-light.png")));

        // A target with incidents shows them, without the sentence.
        page.setCurrentTarget(QStringLiteral("gw"));
        QCOMPARE(list->rowCount(), 3);
        QVERIFY(emptyTextShown(list).isEmpty());
        QVERIFY(!empty->isVisible());
        page.setCurrentTarget(QStringLiteral("quiet"));
        QVERIFY(empty->isVisible());

        QVERIFY(applyPalette(QStringLiteral("dark")));
        QCoreApplication::processEvents();
        QVERIFY(list->palette().color(QPalette::Base).value() < 128);
        QVERIFY(page.grab().save(screenshotDir() + QStringLiteral("/timeline-empty-dark.png")));
        applyPalette(QStringLiteral("light"));

        // Nothing recorded anywhere: all targets are quiet.
        QTemporaryDir dir;
        EventStore events(dir.filePath(QStringLiteral("events.sqlite")));
        AlertStore alerts(dir.filePath(QStringLiteral("alerts.sqlite")));
        AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY(events.open() && alerts.open() && audit.open());
        TimelinePage fresh(&events, &alerts, &audit, &clock, &chartTimeline, nullptr);
        fresh.resize(1280, 720);
        fresh.show();
        QVERIFY(QTest::qWaitForWindowExposed(&fresh));
        fresh.refresh();
        QVERIFY(emptyTextShown(fresh.incidentTable())
                    .startsWith(QStringLiteral("No incidents in the last 30 days: all quiet.")));
    }
};

QTEST_MAIN(TestTimelinePage)
#include "TestTimelinePage.moc"
