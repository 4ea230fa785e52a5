// Rules JSON: the documented example, round trips, durations and line-precise errors.
#include "models/alerts/AlertRulesJson.h"

#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestAlertRules : public QObject {
    Q_OBJECT
private slots:
    void readsThePlanExample();
    void durations_data();
    void durations();
    void defaultsRoundTrip();
    void everyKeyRoundTrips();
    void fileRoundTrip();
    void badFiles_data();
    void badFiles();
    void reportsEveryError();
};

void TestAlertRules::readsThePlanExample()
{
    const QByteArray json = R"({"rules": [
  {"name": "high_response_time", "signal": "avg_response_time", "op": ">", "threshold": 1.0,
   "window": "10s", "for": "3s", "severity": "critical"},
  {"name": "high_error_rate", "signal": "error_rate", "op": ">", "threshold": 0.05,
   "window": "5m", "for": "1m", "severity": "warning"}
]})";
    const AlertRulesParseResult result = parseAlertRules(json);
    QVERIFY2(result.ok, qPrintable(result.errorString()));
    QCOMPARE(result.rules.size(), 2);
    const AlertRule& r = result.rules[0];
    QCOMPARE(r.name, QStringLiteral("high_response_time"));
    QCOMPARE(r.signal, QStringLiteral("avg_response_time"));
    QCOMPARE(r.op, Comparison::Greater);
    QCOMPARE(r.threshold, 1.0);
    QCOMPARE(r.windowMs, 10'000);
    QCOMPARE(r.forMs, 3000);
    QCOMPARE(r.severity, AlertSeverity::Critical);
    QCOMPARE(result.rules[1].windowMs, 300'000);
    QCOMPARE(result.rules[1].forMs, 60'000);
}

void TestAlertRules::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("seconds") << "10s" << qint64(10'000);
    QTest::newRow("minutes") << "5m" << qint64(300'000);
    QTest::newRow("hours") << "4h" << qint64(14'400'000);
    QTest::newRow("combined") << "1m30s" << qint64(90'000);
    QTest::newRow("millis") << "250ms" << qint64(250);
    QTest::newRow("zero") << "0" << qint64(0);
    QTest::newRow("fraction") << "1.5s" << qint64(1500);
    QTest::newRow("no unit") << "10" << qint64(-1);
    QTest::newRow("words") << "ten seconds" << qint64(-1);
    QTest::newRow("negative") << "-5s" << qint64(-1);
    QTest::newRow("empty") << "" << qint64(-1);
    // Out of range: rejected, never wrapped to a negative duration (issue 17.10).
    QTest::newRow("huge days") << "99999999999999999999999d" << qint64(-1);
    QTest::newRow("infinite hours") << QString(u'1' + QString(400, u'0') + u'h') << qint64(-1);
    QTest::newRow("parts overflow") << "9000000000000000000ms9000000000000000000ms" << qint64(-1);
    QTest::newRow("just over a year") << "366d1ms" << qint64(-1);
    QTest::newRow("a year") << "366d" << qint64(366) * 86'400'000;
}

void TestAlertRules::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    qint64 out = -1;
    const bool ok = parseDuration(text, &out);
    QCOMPARE(ok, ms >= 0);
    if (ok) {
        QCOMPARE(out, ms);
        qint64 back = -1;
        QVERIFY(parseDuration(formatDuration(out), &back));
        QCOMPARE(back, out);
    }
}

void TestAlertRules::defaultsRoundTrip()
{
    const QList<AlertRule> rules = defaultAlertRules();
    QVERIFY(rules.size() >= 5);
    QCOMPARE(rules[0].name, QStringLiteral("high_response_time"));
    QCOMPARE(rules[0].threshold, 1.0);
    QCOMPARE(rules[1].name, QStringLiteral("high_error_rate"));
    QCOMPARE(rules[1].threshold, 0.05);
    const AlertRulesParseResult back = parseAlertRules(alertRulesToJson(rules));
    QVERIFY2(back.ok, qPrintable(back.errorString()));
    QCOMPARE(back.rules, rules);
}

void TestAlertRules::everyKeyRoundTrips()
{
    AlertRule r;
    r.name = QStringLiteral("slow_api");
    r.signal = QStringLiteral("metric");
    r.metric = QStringLiteral("http_request_duration_seconds_sum");
    r.matchers = {{QStringLiteral("path"), LabelMatcher::Op::Equal, QStringLiteral("/api")},
                  {QStringLiteral("status"), LabelMatcher::Op::NotRegex, QStringLiteral("2..")},
                  {QStringLiteral("method"), LabelMatcher::Op::NotEqual, QStringLiteral("GET")},
                  {QStringLiteral("job"), LabelMatcher::Op::Regex, QStringLiteral("gw|api")}};
    r.seriesAggregation = SeriesAggregation::Max;
    r.op = Comparison::LessEqual;
    r.threshold = 3;
    r.hasRecoveryThreshold = true;
    r.recoveryThreshold = 4;
    r.aggregation = WindowAggregation::Min;
    r.windowMs = 90'000;
    r.forMs = 1500;
    r.keepFiringForMs = 3'600'000;
    r.severity = AlertSeverity::Info;
    r.noData = NoDataPolicy::KeepLast;
    r.error = ErrorPolicy::Alerting;
    r.target = QStringLiteral("production");
    r.enabled = false;
    r.summary = QStringLiteral("API \"slow\": {value}");
    const AlertRulesParseResult back = parseAlertRules(alertRulesToJson({r}));
    QVERIFY2(back.ok, qPrintable(back.errorString()));
    QCOMPARE(back.rules.size(), 1);
    QCOMPARE(back.rules[0], r);
}

void TestAlertRules::fileRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rules.json"));
    QString error;
    QVERIFY(saveAlertRulesFile(path, defaultAlertRules(), &error));
    const AlertRulesParseResult back = loadAlertRulesFile(path);
    QVERIFY2(back.ok, qPrintable(back.errorString(path)));
    QCOMPARE(back.rules, defaultAlertRules());
    const AlertRulesParseResult missing = loadAlertRulesFile(dir.filePath(QStringLiteral("no")));
    QVERIFY(!missing.ok);
    QVERIFY(missing.errorString().contains(QStringLiteral("cannot read")));
}

void TestAlertRules::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("syntax") << QByteArray(
                                   "{\"rules\": [\n  {\"name\": \"a\",\n   \"op\" \">\"}\n]}")
                            << 3 << "not valid JSON";
    QTest::newRow("not rules") << QByteArray("[1, 2]") << 1 << "\"rules\"";
    QTest::newRow("unknown signal")
        << QByteArray("{\"rules\": [\n {\"name\": \"a\", \"op\": \">\", \"threshold\": 1,\n"
                      "  \"signal\": \"avg_latency\"}\n]}")
        << 3 << "avg_latency";
    QTest::newRow("bad duration")
        << QByteArray("{\"rules\": [\n {\"name\": \"a\", \"signal\": \"error_rate\",\n"
                      "  \"op\": \">\", \"threshold\": 1,\n  \"window\": \"10 minutes\"}]}")
        << 4 << "duration";
    QTest::newRow("threshold as string")
        << QByteArray("{\"rules\": [\n\n {\"name\": \"a\", \"signal\": \"error_rate\", \"op\": "
                      "\">\",\n  \"threshold\": \"5%\"}]}")
        << 4 << "number";
    QTest::newRow("missing threshold")
        << QByteArray("{\"rules\": [\n  {\"name\": \"ok\", \"signal\": \"error_rate\", \"op\": "
                      "\">\", \"threshold\": 1},\n  {\"name\": \"b\", \"signal\": "
                      "\"error_rate\", \"op\": \">\"}\n]}")
        << 3 << "\"threshold\" is missing";
    QTest::newRow("typo key")
        << QByteArray("{\"rules\": [{\"name\": \"a\", \"signal\": \"error_rate\", \"op\": \">\",\n"
                      " \"threshold\": 1, \"severty\": \"critical\"}]}")
        << 2 << "severty";
    QTest::newRow("bad severity")
        << QByteArray("{\"rules\": [{\"name\": \"a\", \"signal\": \"error_rate\", \"op\": \">\",\n"
                      " \"threshold\": 1,\n \"severity\": \"urgent\"}]}")
        << 3 << "info, warning, critical";
    QTest::newRow("recovery on the wrong side")
        << QByteArray("{\"rules\": [{\"name\": \"a\", \"signal\": \"avg_response_time\",\n"
                      " \"op\": \">\", \"threshold\": 1.0, \"recovery_threshold\": 1.2}]}")
        << 2 << "healthy side";
    QTest::newRow("duplicate name")
        << QByteArray("{\"rules\": [\n{\"name\": \"a\", \"signal\": \"error_rate\", \"op\": "
                      "\">\", \"threshold\": 1},\n{\"name\": \"a\", \"signal\": \"error_rate\", "
                      "\"op\": \">\", \"threshold\": 2}]}")
        << 3 << "already used";
    QTest::newRow("bad matcher")
        << QByteArray("{\"rules\": [{\"name\": \"a\", \"signal\": \"metric\", \"metric\": \"m\","
                      "\n \"matchers\": [\"status=~(\"], \"op\": \">\", \"threshold\": 1}]}")
        << 2 << "not a matcher";
    QTest::newRow("metric without name")
        << QByteArray("{\"rules\": [{\"name\": \"a\", \"signal\": \"metric\", \"op\": \">\", "
                      "\"threshold\": 1}]}")
        << 1 << "metric";
    QTest::newRow("name with spaces")
        << QByteArray("{\"rules\": [\n {\"name\": \"high latency\", \"signal\": \"error_rate\", "
                      "\"op\": \">\", \"threshold\": 1}]}")
        << 2 << "no spaces";
}

void TestAlertRules::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(int, line);
    QFETCH(QString, mentions);
    const AlertRulesParseResult result = parseAlertRules(json);
    QVERIFY(!result.ok);
    QVERIFY(result.rules.isEmpty());
    QVERIFY(!result.errors.isEmpty());
    const QString text = result.errorString(QStringLiteral("rules.json"));
    QCOMPARE(result.errors.first().line, line);
    QVERIFY2(text.contains(mentions), qPrintable(text));
    QVERIFY2(text.startsWith(QStringLiteral("rules.json:line %1").arg(line)), qPrintable(text));
}

void TestAlertRules::reportsEveryError()
{
    const QByteArray json = "{\"rules\": [\n"
                            "  {\"name\": \"a\", \"signal\": \"nope\", \"op\": \">\", "
                            "\"threshold\": 1},\n"
                            "  {\"name\": \"b\", \"signal\": \"error_rate\", \"op\": \"=>\", "
                            "\"threshold\": 1}\n"
                            "]}";
    const AlertRulesParseResult result = parseAlertRules(json);
    QCOMPARE(result.errors.size(), 2);
    QCOMPARE(result.errors[0].line, 2);
    QCOMPARE(result.errors[1].line, 3);
    QVERIFY(result.errors[1].message.contains(QStringLiteral("rule \"b\"")));
}

QTEST_GUILESS_MAIN(TestAlertRules)
#include "TestAlertRules.moc"
