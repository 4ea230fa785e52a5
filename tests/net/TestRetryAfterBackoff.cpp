#include "models/net/Backoff.h"
#include "models/net/Poller.h"
#include "models/net/RetryAfter.h"

#include <QTest>

using namespace ops;

class TestRetryAfterBackoff : public QObject {
    Q_OBJECT
private slots:
    void retryAfter_data();
    void retryAfter();
    void httpDateForms();
    void backoffBase();
    void backoffJitterBounds();
    void backoffDeterministicWithSeed();
    void dialectDetection();
};

// 2026-01-01T00:00:00Z, the ManualClock default.
constexpr qint64 kNow = 1'767'225'600'000;

void TestRetryAfterBackoff::retryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expected"); // -1: nullopt
    QTest::newRow("seconds") << QByteArray("30") << qint64(30000);
    QTest::newRow("spaces") << QByteArray(" 5 ") << qint64(5000);
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("capped") << QByteArray("86400") << qint64(3600000);
    QTest::newRow("huge") << QByteArray("99999999999999999999") << qint64(3600000);
    QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
    QTest::newRow("fraction") << QByteArray("1.5") << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
    QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
    QTest::newRow("date-2min") << QByteArray("Thu, 01 Jan 2026 00:02:00 GMT") << qint64(120000);
    QTest::newRow("date-past") << QByteArray("Wed, 31 Dec 2025 23:00:00 GMT") << qint64(0);
    QTest::newRow("date-far") << QByteArray("Fri, 02 Jan 2026 00:00:00 GMT") << qint64(3600000);
    QTest::newRow("date-bad-month") << QByteArray("Thu, 01 Foo 2026 00:02:00 GMT") << qint64(-1);
    QTest::newRow("date-no-gmt") << QByteArray("Thu, 01 Jan 2026 00:02:00 CET") << qint64(-1);
}

void TestRetryAfterBackoff::retryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expected);
    const std::optional<qint64> parsed = parseRetryAfterMs(value, kNow);
    if (expected < 0) {
        QVERIFY2(!parsed, qPrintable(QString::number(parsed.value_or(0))));
    } else {
        QVERIFY(parsed.has_value());
        QCOMPARE(*parsed, expected);
    }
}

void TestRetryAfterBackoff::httpDateForms()
{
    const qint64 expected = 784111777000; // Sun, 06 Nov 1994 08:49:37 GMT
    QCOMPARE(parseHttpDateMs("Sun, 06 Nov 1994 08:49:37 GMT").value_or(0), expected);
    QCOMPARE(parseHttpDateMs("Sunday, 06-Nov-94 08:49:37 GMT").value_or(0), expected);
    QCOMPARE(parseHttpDateMs("Sun Nov  6 08:49:37 1994").value_or(0), expected);
    QVERIFY(!parseHttpDateMs("Sun, 31 Feb 1994 08:49:37 GMT"));
    QVERIFY(!parseHttpDateMs("Sun, 06 Nov 1994 25:49:37 GMT"));
}

void TestRetryAfterBackoff::backoffBase()
{
    QCOMPARE(Backoff::baseDelayMs(0, 1000, 60000), 1000);
    QCOMPARE(Backoff::baseDelayMs(1, 1000, 60000), 1000);
    QCOMPARE(Backoff::baseDelayMs(2, 1000, 60000), 2000);
    QCOMPARE(Backoff::baseDelayMs(3, 1000, 60000), 4000);
    QCOMPARE(Backoff::baseDelayMs(6, 1000, 60000), 32000);
    QCOMPARE(Backoff::baseDelayMs(7, 1000, 60000), 60000);
    QCOMPARE(Backoff::baseDelayMs(1000, 1000, 60000), 60000);
    // A cap below the interval never makes polls faster than the interval.
    QCOMPARE(Backoff::baseDelayMs(5, 5000, 1000), 5000);
}

void TestRetryAfterBackoff::backoffJitterBounds()
{
    Backoff backoff(42);
    QCOMPARE(backoff.delayMs(0, 1000, 60000), 1000); // success: exactly the interval
    bool sawAbove = false;
    bool sawBelowCap = false;
    for (int i = 0; i < 200; ++i) {
        for (int failures = 1; failures <= 10; ++failures) {
            const int base = Backoff::baseDelayMs(failures, 1000, 60000);
            const int d = backoff.delayMs(failures, 1000, 60000);
            QVERIFY(d >= 1000);
            QVERIFY(d <= 60000);
            QVERIFY(d >= int(base * 0.8) - 1);
            QVERIFY(d <= int(base * 1.2) + 1);
            if (failures == 3 && d > 4000)
                sawAbove = true;
            if (failures == 10 && d < 60000)
                sawBelowCap = true;
        }
    }
    QVERIFY(sawAbove);
    QVERIFY(sawBelowCap);
}

void TestRetryAfterBackoff::backoffDeterministicWithSeed()
{
    Backoff a(7);
    Backoff b(7);
    for (int i = 1; i < 8; ++i)
        QCOMPARE(a.delayMs(i, 500, 30000), b.delayMs(i, 500, 30000));
}

void TestRetryAfterBackoff::dialectDetection()
{
    HealthSnapshot plan;
    plan.dialect = Dialect::Plan;
    HealthSnapshot unknown;
    QCOMPARE(detectDialect(std::nullopt, {}, {}, QStringLiteral("3.2.1-modular")),
             Dialect::Modular);
    QCOMPARE(detectDialect(plan, {}, {}, {}), Dialect::Plan);
    QCOMPARE(detectDialect(unknown, "# TYPE api_response_seconds histogram\n", "text/plain", {}),
             Dialect::Monolith);
    QCOMPARE(detectDialect(unknown, R"({"http_requests_total": 1})", "application/json", {}),
             Dialect::Modular);
    QCOMPARE(detectDialect(std::nullopt, "# x\napi_request_duration_seconds_bucket{le=\"0.1\"} 1\n",
                           "text/plain", {}),
             Dialect::Plan);
    QCOMPARE(detectDialect(std::nullopt, {}, {}, QStringLiteral("3.1.0")), Dialect::Unknown);
    QCOMPARE(detectDialect(unknown, "up 1\n", "text/plain", {}), Dialect::Unknown);
}

QTEST_GUILESS_MAIN(TestRetryAfterBackoff)
#include "TestRetryAfterBackoff.moc"
