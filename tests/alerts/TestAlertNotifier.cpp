// Who hears what: dedup, repeat interval, acks and snoozes, flapping, resolved notices; the
// webhook (Alertmanager-like and Slack payloads, retry with backoff) against a local receiver;
// the item models under QAbstractItemModelTester.
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertHistoryModel.h"
#include "models/alerts/AlertListModel.h"
#include "models/alerts/AlertNotifier.h"
#include "models/alerts/AlertRulesModel.h"
#include "models/alerts/WebhookNotifier.h"
#include "models/domain/Clock.h"
#include "tests/alerts/WebhookReceiver.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace ops;
using ops::test::WebhookReceiver;

namespace {

class RecordingChannel : public NotificationChannel {
public:
    using NotificationChannel::NotificationChannel;
    QString channelName() const override { return QStringLiteral("test"); }
    void send(const AlertNotice& notice) override { notices << notice; }
    QStringList kinds() const
    {
        QStringList out;
        for (const AlertNotice& n : notices)
            out << n.kind;
        return out;
    }
    QList<AlertNotice> notices;
};

AlertRule rule()
{
    AlertRule r;
    r.name = QStringLiteral("high_response_time");
    r.signal = QString::fromLatin1(AlertSignals::AvgResponseTime);
    r.threshold = 1.0;
    r.aggregation = WindowAggregation::Last;
    r.severity = AlertSeverity::Critical;
    return r;
}

} // namespace

class TestAlertNotifier : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        m_clock = std::make_unique<ManualClock>();
        m_engine = std::make_unique<AlertEngine>(m_clock.get());
        m_engine->setRules({rule()});
        m_notifier = std::make_unique<AlertNotifier>(m_engine.get(), m_clock.get());
        m_channel = std::make_unique<RecordingChannel>();
        m_notifier->addChannel(m_channel.get());
    }

    void firesOnceThenRepeatsAfterTheInterval();
    void acknowledgedIsNotToastedButItsRecoveryIs();
    void snoozeSilencesThenReArms();
    void flappingStopsToastsUntilSettled();
    void webhookRetriesWithBackoff();
    void webhookPayloads();
    void webhookGivesUpOn4xx();
    void listModels();
    void historyModelFiltersAndExports();
    void rulesModel();

private:
    void feed(double value, qint64 advance = 1000)
    {
        m_clock->advanceMs(advance);
        EvaluationSample s;
        s.target = QStringLiteral("gw");
        s.timeMs = m_clock->nowMs();
        s.lastSuccessMs = s.timeMs;
        s.set(AlertSignals::AvgResponseTime, value);
        m_engine->evaluate(s);
    }
    AlertKey key() const { return {QStringLiteral("high_response_time"), QStringLiteral("gw")}; }

    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<AlertEngine> m_engine;
    std::unique_ptr<AlertNotifier> m_notifier;
    std::unique_ptr<RecordingChannel> m_channel;
};

void TestAlertNotifier::firesOnceThenRepeatsAfterTheInterval()
{
    m_notifier->setRepeatIntervalMs(3'600'000);
    feed(2.0);
    feed(2.0);
    feed(2.0);
    QCOMPARE(m_channel->kinds(), QStringList{QStringLiteral("firing")});
    QCOMPARE(m_channel->notices[0].severity, AlertSeverity::Critical);
    QVERIFY(m_channel->notices[0].title.contains(QStringLiteral("high_response_time")));
    feed(2.0, 3'600'000);
    QCOMPARE(m_channel->kinds(), (QStringList{QStringLiteral("firing"), QStringLiteral("repeat")}));
    feed(0.2);
    QCOMPARE(m_channel->kinds().last(), QStringLiteral("resolved"));
    feed(0.2);
    QCOMPARE(m_channel->notices.size(), 3);
}

void TestAlertNotifier::acknowledgedIsNotToastedButItsRecoveryIs()
{
    m_notifier->setRepeatIntervalMs(10'000);
    feed(2.0);
    QVERIFY(m_engine->acknowledge(key(), QStringLiteral("ana"), QStringLiteral("on it")));
    for (int i = 0; i < 30; ++i)
        feed(2.0);
    QCOMPARE(m_channel->kinds(), QStringList{QStringLiteral("firing")}); // no repeats
    feed(0.2);
    QCOMPARE(m_channel->kinds(),
             (QStringList{QStringLiteral("firing"), QStringLiteral("resolved")}));
}

void TestAlertNotifier::snoozeSilencesThenReArms()
{
    feed(2.0);
    QCOMPARE(m_channel->notices.size(), 1);
    QVERIFY(m_engine->snooze(key(), 15 * 60'000, QStringLiteral("ana"), {}));
    feed(2.0, 14 * 60'000);
    QCOMPARE(m_channel->notices.size(), 1);
    feed(2.0, 60'000); // the snooze ended and it still fires: told again
    QCOMPARE(m_channel->kinds(), (QStringList{QStringLiteral("firing"), QStringLiteral("firing")}));
}

void TestAlertNotifier::flappingStopsToastsUntilSettled()
{
    for (int i = 0; i < 16; ++i)
        feed(i % 2 ? 0.2 : 2.0);
    QVERIFY(m_engine->alert(key())->flapping);
    const qsizetype whileFlapping = m_channel->notices.size();
    for (int i = 0; i < 6; ++i)
        feed(i % 2 ? 0.2 : 2.0);
    QCOMPARE(m_channel->notices.size(), whileFlapping);
    // Toasts before the mark was reached: fewer than the state changes.
    QVERIFY2(whileFlapping < 8, qPrintable(m_channel->kinds().join(u',')));
    for (int i = 0; i < 25; ++i)
        feed(2.0);
    QVERIFY(!m_engine->alert(key())->flapping);
    QCOMPARE(m_channel->kinds().last(), QStringLiteral("firing"));
}

void TestAlertNotifier::webhookRetriesWithBackoff()
{
    WebhookReceiver receiver({500, 503});
    QNetworkAccessManager network;
    WebhookNotifier webhook(&network, receiver.url());
    webhook.setRetry(4, 50);
    m_notifier->addChannel(&webhook);
    QSignalSpy delivered(&webhook, &NotificationChannel::delivered);
    feed(2.0);
    QVERIFY(delivered.wait(5000));
    QCOMPARE(delivered.size(), 1);
    QVERIFY(delivered.at(0).at(1).toBool());
    QCOMPARE(receiver.bodies.size(), 3); // 500, 503, 200
    QCOMPARE(receiver.bodies[0], receiver.bodies[2]);
    const QJsonObject o = QJsonDocument::fromJson(receiver.bodies.last()).object();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("firing"));
    const QJsonObject alert = o.value(QStringLiteral("alerts")).toArray().at(0).toObject();
    QCOMPARE(alert.value(QStringLiteral("labels")).toObject().value(QStringLiteral("alertname")),
             QStringLiteral("high_response_time"));
    QCOMPARE(alert.value(QStringLiteral("labels")).toObject().value(QStringLiteral("severity")),
             QStringLiteral("critical"));
    feed(0.1);
    QVERIFY(delivered.wait(5000));
    const QJsonObject resolved = QJsonDocument::fromJson(receiver.bodies.last()).object();
    QCOMPARE(resolved.value(QStringLiteral("status")).toString(), QStringLiteral("resolved"));
    QVERIFY(resolved.value(QStringLiteral("alerts"))
                .toArray()
                .at(0)
                .toObject()
                .value(QStringLiteral("endsAt"))
                .toString()
                .startsWith(QStringLiteral("20")));
}

void TestAlertNotifier::webhookPayloads()
{
    AlertNotice n;
    n.key = key();
    n.kind = QStringLiteral("firing");
    n.title = QStringLiteral("[CRITICAL] high_response_time on gw");
    n.body = QStringLiteral("1.5 s");
    const QJsonObject slack =
        QJsonDocument::fromJson(WebhookNotifier::payload(n, WebhookNotifier::Format::Slack))
            .object();
    QCOMPARE(slack.keys(), QStringList{QStringLiteral("text")});
    QVERIFY(slack.value(QStringLiteral("text")).toString().contains(n.title));
}

void TestAlertNotifier::webhookGivesUpOn4xx()
{
    WebhookReceiver receiver({400});
    QNetworkAccessManager network;
    WebhookNotifier webhook(&network, receiver.url());
    webhook.setRetry(4, 50);
    m_notifier->addChannel(&webhook);
    QSignalSpy delivered(&webhook, &NotificationChannel::delivered);
    feed(2.0);
    QVERIFY(delivered.wait(5000));
    QVERIFY(!delivered.at(0).at(1).toBool());
    QVERIFY(delivered.at(0).at(2).toString().contains(QStringLiteral("400")));
    QCOMPARE(receiver.bodies.size(), 1);
}

void TestAlertNotifier::listModels()
{
    AlertListModel firing(m_engine.get(), AlertListModel::Filter::Firing);
    AlertListModel acked(m_engine.get(), AlertListModel::Filter::Acknowledged);
    AlertListModel pending(m_engine.get(), AlertListModel::Filter::Pending);
    QAbstractItemModelTester t1(&firing, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&acked, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(&pending, QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed(2.0);
    QCOMPARE(firing.rowCount(), 1);
    QCOMPARE(acked.rowCount(), 0);
    QCOMPARE(firing.data(firing.index(0, AlertListModel::AlertColumn)).toString(),
             QStringLiteral("high_response_time"));
    QCOMPARE(firing.data(firing.index(0, 0), AlertListModel::SeverityRole).toInt(),
             int(AlertSeverity::Critical));
    m_engine->acknowledge(key(), QStringLiteral("ana"), QStringLiteral("db restart"),
                          m_clock->nowMs() + 3'600'000);
    // Still firing, so still in Firing (#19), with its ack badge; also in Acknowledged.
    QCOMPARE(firing.rowCount(), 1);
    QVERIFY(firing.data(firing.index(0, 0), AlertListModel::AcknowledgedRole).toBool());
    QCOMPARE(acked.rowCount(), 1);
    const QString overlay = acked.data(acked.index(0, AlertListModel::OverlayColumn)).toString();
    QVERIFY2(overlay.contains(QStringLiteral("ana")) &&
                 overlay.contains(QStringLiteral("1 h 0 min left")),
             qPrintable(overlay));
    m_engine->snooze(key(), 15 * 60'000, QStringLiteral("bo"), {});
    QVERIFY(acked.data(acked.index(0, AlertListModel::OverlayColumn))
                .toString()
                .contains(QStringLiteral("Snoozed by bo, 15 min left")));
    feed(0.1);
    QCOMPARE(acked.rowCount(), 0);
    QCOMPARE(AlertListModel::timeLeft(3'599'000), QStringLiteral("60 min"));
    QCOMPARE(AlertListModel::timeLeft(4 * 3'600'000), QStringLiteral("4 h 0 min"));
}

void TestAlertNotifier::historyModelFiltersAndExports()
{
    AlertHistoryModel history(m_engine.get());
    QAbstractItemModelTester tester(&history,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    feed(2.0);
    m_engine->acknowledge(key(), QStringLiteral("ana"), QStringLiteral("a, \"quoted\" note"));
    feed(0.1);
    QCOMPARE(history.rowCount(), 4); // firing, ack, normal, unack (newest first)
    QCOMPARE(history.rows().first().kind, TransitionKind::Unack);
    AlertHistoryFilter filter;
    filter.kind = TransitionKind::Ack;
    history.setFilter(filter);
    QCOMPARE(history.rowCount(), 1);
    QCOMPARE(history.data(history.index(0, AlertHistoryModel::AuthorColumn)).toString(),
             QStringLiteral("ana"));
    const QByteArray csv = history.toCsv();
    QVERIFY2(csv.contains("\"a, \"\"quoted\"\" note\""), csv.constData());
    QCOMPARE(csv.count('\n'), 2);
    const QJsonArray json = QJsonDocument::fromJson(history.toJson())
                                .object()
                                .value(QStringLiteral("history"))
                                .toArray();
    QCOMPARE(json.size(), 1);
    QCOMPARE(json[0].toObject().value(QStringLiteral("author")).toString(), QStringLiteral("ana"));
    filter = {};
    filter.text = QStringLiteral("nobody");
    history.setFilter(filter);
    QCOMPARE(history.rowCount(), 0);
    // A comment is someone's text: a spreadsheet must not run it.
    feed(2.0);
    m_engine->acknowledge(key(), QStringLiteral("eve"), QStringLiteral("=cmd|' /C calc'!A0"));
    filter = {};
    filter.kind = TransitionKind::Ack;
    history.setFilter(filter);
    const QByteArray hostile = history.toCsv();
    QVERIFY2(hostile.contains(",'=cmd|' /C calc'!A0,"), hostile.constData());
}

void TestAlertNotifier::rulesModel()
{
    AlertRulesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRules(defaultAlertRules());
    QCOMPARE(model.rowCount(), defaultAlertRules().size());
    QVERIFY(model.validate().isEmpty());
    QCOMPARE(
        model.data(model.index(0, AlertRulesModel::ConditionColumn)).toString(),
        QStringLiteral("avg(avg_response_time) > 1.00 s, resolves past 800 ms, keeps firing 10s"));
    AlertRule copy = model.ruleAt(0);
    const int row = model.addRule(copy);
    QVERIFY(model.validate().contains(QStringLiteral("high_response_time")));
    copy.name = QStringLiteral("other");
    model.setRule(row, copy);
    QVERIFY(model.validate().isEmpty());
    model.removeRule(row);
    QCOMPARE(model.rowCount(), defaultAlertRules().size());
}

QTEST_GUILESS_MAIN(TestAlertNotifier)
#include "TestAlertNotifier.moc"
