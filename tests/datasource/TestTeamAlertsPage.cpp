// The Alerts page's Team tab against a real Alertmanager (started by the test): a teammate's
// alert shows beside the local lists; the console's own firing alert is pushed there, and the
// operator's acknowledgement shows as "acknowledged by" once Alertmanager holds the silence.
#include "models/alertmanager/AlertmanagerClient.h"
#include "models/alertmanager/AlertmanagerHub.h"
#include "models/alertmanager/TeamAlertsModel.h"
#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/domain/Clock.h"
#include "tests/support/AlertmanagerProcess.h"
#include "ui/alerts/AlertsPage.h"

#include <QApplication>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestTeamAlertsPage : public QObject {
    Q_OBJECT
private slots:
    void teamTabBesideLocalAlerts();
};

void TestTeamAlertsPage::teamTabBesideLocalAlerts()
{
    ops::test::AlertmanagerProcess am;
    QVERIFY2(am.start(), qPrintable(am.error()));
    QNetworkAccessManager network;

    // A teammate's alert, pushed by someone else's Prometheus.
    ApiConnection connection;
    connection.baseUrl = am.url();
    AlertmanagerClient teammate(&network, connection);
    AmAlert disk;
    disk.labels = {{QStringLiteral("alertname"), QStringLiteral("disk_full")},
                   {QStringLiteral("instance"), QStringLiteral("db-1")}};
    bool pushed = false;
    teammate.pushAlerts({disk}, [&](const AmResult& r) { pushed = r.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(pushed, 10000);

    QTemporaryDir dir;
    SystemClock clock;
    AlertCenterOptions options;
    options.databasePath = dir.filePath(QStringLiteral("alerts.sqlite"));
    options.desktopNotifications = false;
    AlertCenter center(&clock, &network, options);
    QVERIFY(center.start());
    AlertRule slow;
    slow.name = QStringLiteral("h11_page_slow");
    slow.threshold = 1.0;
    slow.aggregation = WindowAggregation::Last;
    center.engine()->setRules({slow});
    AlertsPage page(&center);
    page.resize(1200, 700);
    page.show();
    const int localTabs = page.lists()->count();

    Target target;
    target.name = QStringLiteral("prod");
    target.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8000"));
    target.alertmanager.url = am.url();
    AlertmanagerHub hub(&network, static_cast<SecretStore*>(nullptr), center.engine(), &clock);
    QSignalSpy refreshed(&hub, &AlertmanagerHub::refreshed);
    hub.configure({target});
    page.setTeamAlerts(hub.teamAlerts());
    QCOMPARE(page.lists()->count(), localTabs + 1);
    QVERIFY(refreshed.wait(10000));
    QCOMPARE(page.lists()->tabText(localTabs), QStringLiteral("Team (1)"));
    QCOMPARE(page.teamView()->model()->index(0, TeamAlertsModel::Alert).data().toString(),
             QStringLiteral("disk_full"));

    // The console's own alert fires: pushed, and listed in the Team tab as well.
    EvaluationSample s;
    s.target = QStringLiteral("prod");
    s.timeMs = clock.nowMs();
    s.lastSuccessMs = s.timeMs;
    s.set(AlertSignals::AvgResponseTime, 2.0);
    center.engine()->evaluate(s);
    QTRY_VERIFY_WITH_TIMEOUT((hub.refresh(), refreshed.wait(2000),
                              page.lists()->tabText(localTabs) == QStringLiteral("Team (2)")),
                             15000);
    // Acknowledged locally: a silence in Alertmanager, shown with its author.
    QVERIFY(center.engine()->acknowledge({QStringLiteral("h11_page_slow"), QStringLiteral("prod")},
                                         QStringLiteral("ana"), QStringLiteral("DB failover")));
    const auto ackOf = [&](const QString& alertname) {
        const QAbstractItemModel* model = page.teamView()->model();
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->index(row, TeamAlertsModel::Alert).data().toString() == alertname)
                return model->index(row, TeamAlertsModel::AcknowledgedBy).data().toString();
        return QStringLiteral("(missing)");
    };
    QTRY_VERIFY_WITH_TIMEOUT(
        (hub.refresh(), refreshed.wait(2000),
         ackOf(QStringLiteral("h11_page_slow")).startsWith(QStringLiteral("ana: DB failover"))),
        15000);
    QVERIFY(ackOf(QStringLiteral("disk_full")).isEmpty());
    // The Team tab is read-only here: acknowledging with it current does nothing locally.
    page.lists()->setCurrentIndex(localTabs);
    page.teamView()->selectRow(0);
    page.acknowledgeSelected();
    QVERIFY(page.isVisible());
}

QTEST_MAIN(TestTeamAlertsPage)
#include "TestTeamAlertsPage.moc"
