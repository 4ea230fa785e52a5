#include "models/health/HealthDecoder.h"

#include "tests/support/TestData.h"

#include <QTest>

using namespace ops;

namespace {

const ComponentHealth* findComponent(const HealthSnapshot& s, const QString& name)
{
    for (const ComponentHealth& c : s.components) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

QString findDetail(const QList<HealthDetail>& details, const QString& key)
{
    for (const HealthDetail& d : details) {
        if (d.key == key)
            return d.value;
    }
    return QStringLiteral("<missing>");
}

} // namespace

class TestHealthDecoder : public QObject {
    Q_OBJECT
private slots:
    void planFixture();
    void modularFixture();
    void monolithFixture();
    void monolithDegradedSharesOverall();
    void unknownShapeFlattened();
    void unknownShapeWithoutStatus();
    void flattenedArrays();
    void statusNumberIsUnknownWord();
    void componentsNotAnObject();
    void componentDownWorst();
    void badInput_data();
    void badInput();
    void htmlErrorPage();
    void amplificationShapesRefused_data();
    void amplificationShapesRefused();
    void manyRealFieldsStillDecode();
    void errorsQuoteAtMost200Characters();
};

void TestHealthDecoder::planFixture()
{
    const HealthDecodeResult r = decodeHealth(test::readData(QStringLiteral("health/seed.json")));
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(r.error.isEmpty());
    const HealthSnapshot& s = r.snapshot;
    QCOMPARE(s.dialect, Dialect::Plan);
    QCOMPARE(s.overall, HealthState::Healthy);
    QCOMPARE(s.overallRaw, QStringLiteral("healthy"));
    QCOMPARE(s.components.size(), 4);
    const ComponentHealth* db = findComponent(s, QStringLiteral("database"));
    QVERIFY(db);
    QCOMPARE(db->state, HealthState::Healthy);
    QCOMPARE(findDetail(db->details, QStringLiteral("latency_ms")), QStringLiteral("3.2"));
    const ComponentHealth* ext = findComponent(s, QStringLiteral("external_services"));
    QVERIFY(ext);
    QCOMPARE(ext->state, HealthState::Degraded);
    QCOMPARE(ext->rawStatus, QStringLiteral("degraded"));
    QCOMPARE(findDetail(ext->details, QStringLiteral("detail")), QStringLiteral("ai_engine slow"));
    for (const HealthDetail& d : ext->details)
        QVERIFY(d.key != QStringLiteral("status"));
    QVERIFY(s.avgResponseTimeSeconds.has_value());
    QCOMPARE(*s.avgResponseTimeSeconds, 0.045);
    QCOMPARE(s.worst(), HealthState::Degraded);
    QCOMPARE(findDetail(s.flattened, QStringLiteral("performance.active_connections")),
             QStringLiteral("12"));
    QCOMPARE(findDetail(s.flattened, QStringLiteral("components.modules.active")),
             QStringLiteral("6"));
}

void TestHealthDecoder::modularFixture()
{
    const HealthDecodeResult r = decodeHealth(test::readData(QStringLiteral("health/v321.json")));
    QVERIFY2(r.ok, qPrintable(r.error));
    const HealthSnapshot& s = r.snapshot;
    QCOMPARE(s.dialect, Dialect::Modular);
    QCOMPARE(s.overall, HealthState::Healthy);
    QCOMPARE(s.version, QStringLiteral("3.2.0"));
    QCOMPARE(s.components.size(), 5);
    for (const ComponentHealth& c : s.components) {
        QCOMPARE(c.state, HealthState::Healthy);
        QCOMPARE(c.rawStatus, QStringLiteral("healthy"));
    }
    QVERIFY(findComponent(s, QStringLiteral("ai_engine")));
    QVERIFY(!s.avgResponseTimeSeconds.has_value());
    QCOMPARE(s.worst(), HealthState::Healthy);
    QCOMPARE(findDetail(s.flattened, QStringLiteral("uptime")), QStringLiteral("72h 15m 30s"));
}

void TestHealthDecoder::monolithFixture()
{
    const HealthDecodeResult r = decodeHealth(test::readData(QStringLiteral("health/main.json")));
    QVERIFY2(r.ok, qPrintable(r.error));
    const HealthSnapshot& s = r.snapshot;
    QCOMPARE(s.dialect, Dialect::Monolith);
    QCOMPARE(s.overall, HealthState::Healthy);
    QCOMPARE(s.components.size(), 3);
    QCOMPARE(s.components.at(0).name, QStringLiteral("system"));
    QCOMPARE(s.components.at(1).name, QStringLiteral("application"));
    QCOMPARE(s.components.at(2).name, QStringLiteral("database"));
    QCOMPARE(s.components.at(0).state, HealthState::Healthy);
    QCOMPARE(findDetail(s.components.at(0).details, QStringLiteral("cpu_percent")),
             QStringLiteral("3.1"));
    QCOMPARE(s.components.at(2).rawStatus, QStringLiteral("connected"));
    QCOMPARE(s.components.at(2).state, HealthState::Healthy);
    QCOMPARE(findDetail(s.components.at(2).details, QStringLiteral("connections")),
             QStringLiteral("5"));
    QVERIFY(s.avgResponseTimeSeconds.has_value());
    QCOMPARE(*s.avgResponseTimeSeconds, 0.0);
    QCOMPARE(s.worst(), HealthState::Healthy);
}

void TestHealthDecoder::monolithDegradedSharesOverall()
{
    const QByteArray body = R"({"status":"degraded","system":{"cpu_percent":99},
        "application":{"avg_response_time":2.5},"database":{"connections":0,"status":"error"}})";
    const HealthDecodeResult r = decodeHealth(body);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.snapshot.dialect, Dialect::Monolith);
    QCOMPARE(r.snapshot.overall, HealthState::Degraded);
    QCOMPARE(r.snapshot.components.at(0).state, HealthState::Degraded);
    QCOMPARE(r.snapshot.components.at(0).rawStatus, QString());
    QCOMPARE(r.snapshot.components.at(2).state, HealthState::Down);
    QCOMPARE(*r.snapshot.avgResponseTimeSeconds, 2.5);
    QCOMPARE(r.snapshot.worst(), HealthState::Down);
}

void TestHealthDecoder::unknownShapeFlattened()
{
    const QByteArray body = R"({"status":"ok","checks":{"redis":{"latency":1.5,"up":true}},
        "note":null})";
    const HealthDecodeResult r = decodeHealth(body);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.snapshot.dialect, Dialect::Unknown);
    QCOMPARE(r.snapshot.overall, HealthState::Healthy);
    QCOMPARE(r.snapshot.overallRaw, QStringLiteral("ok"));
    QVERIFY(r.snapshot.components.isEmpty());
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("checks.redis.latency")),
             QStringLiteral("1.5"));
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("checks.redis.up")),
             QStringLiteral("true"));
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("note")), QStringLiteral("null"));
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("status")), QStringLiteral("ok"));
}

void TestHealthDecoder::unknownShapeWithoutStatus()
{
    const HealthDecodeResult r = decodeHealth(R"({"uptime": 12})");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.snapshot.overallRaw, QString());
    QCOMPARE(r.snapshot.overall, HealthState::Degraded); // nothing says it is healthy
    QCOMPARE(r.snapshot.flattened.size(), 1);

    const HealthDecodeResult empty = decodeHealth("{}");
    QVERIFY(empty.ok);
    QVERIFY(empty.snapshot.flattened.isEmpty());
}

void TestHealthDecoder::flattenedArrays()
{
    const HealthDecodeResult r =
        decodeHealth(R"({"status":"healthy","nodes":[{"name":"a"},{"name":"b"}],"tags":["x"]})");
    QVERIFY(r.ok);
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("nodes.0.name")), QStringLiteral("a"));
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("nodes.1.name")), QStringLiteral("b"));
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("tags.0")), QStringLiteral("x"));
}

void TestHealthDecoder::statusNumberIsUnknownWord()
{
    const HealthDecodeResult r =
        decodeHealth(R"({"status":42,"components":{"db":{"status":7},"q":{"status":"weird"}}})");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.snapshot.overallRaw, QStringLiteral("42"));
    QCOMPARE(r.snapshot.overall, HealthState::Degraded);
    QCOMPARE(findComponent(r.snapshot, QStringLiteral("db"))->rawStatus, QStringLiteral("7"));
    QCOMPARE(findComponent(r.snapshot, QStringLiteral("db"))->state, HealthState::Degraded);
    QCOMPARE(findComponent(r.snapshot, QStringLiteral("q"))->rawStatus, QStringLiteral("weird"));
    QCOMPARE(findComponent(r.snapshot, QStringLiteral("q"))->state, HealthState::Degraded);
}

void TestHealthDecoder::componentsNotAnObject()
{
    const HealthDecodeResult r = decodeHealth(R"({"status":"healthy","components":[1,2]})");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.snapshot.dialect, Dialect::Unknown);
    QVERIFY(r.snapshot.components.isEmpty());
    QCOMPARE(findDetail(r.snapshot.flattened, QStringLiteral("components.1")), QStringLiteral("2"));

    const HealthDecodeResult s = decodeHealth(R"({"status":"healthy","services":"all good"})");
    QVERIFY(s.ok);
    QCOMPARE(s.snapshot.dialect, Dialect::Unknown);
}

void TestHealthDecoder::componentDownWorst()
{
    const HealthDecodeResult r = decodeHealth(
        R"({"status":"healthy","services":{"database":"down","cache":"healthy"},"version":"3.2.1"})");
    QVERIFY(r.ok);
    QCOMPARE(r.snapshot.overall, HealthState::Healthy);
    QCOMPARE(findComponent(r.snapshot, QStringLiteral("database"))->state, HealthState::Down);
    QCOMPARE(r.snapshot.worst(), HealthState::Down);

    const HealthDecodeResult noOverall =
        decodeHealth(R"({"components":{"a":{"status":"ok"},"b":{"status":"unhealthy"}}})");
    QVERIFY(noOverall.ok);
    QCOMPARE(noOverall.snapshot.overall, HealthState::Down);
}

void TestHealthDecoder::badInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorContains");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty body");
    QTest::newRow("whitespace") << QByteArray(" \n\t ") << QStringLiteral("empty body");
    QTest::newRow("truncated") << QByteArray(R"({"status":"healthy","components":{"db":)")
                               << QStringLiteral("truncated JSON");
    QTest::newRow("truncated-string")
        << QByteArray(R"({"status":"heal)") << QStringLiteral("truncated JSON");
    QTest::newRow("invalid") << QByteArray(R"({"status" "healthy", "x": 1})")
                             << QStringLiteral("invalid JSON");
    QTest::newRow("array") << QByteArray(R"([{"status":"healthy"}])")
                           << QStringLiteral("answered an array");
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("scalar");
    QTest::newRow("string") << QByteArray(R"("healthy")") << QStringLiteral("scalar");
    QTest::newRow("true") << QByteArray("true") << QStringLiteral("scalar");
    QTest::newRow("plain-text") << QByteArray("Internal Server Error")
                                << QStringLiteral("text, not JSON: Internal Server Error");
    QTest::newRow("binary") << QByteArray("\x1f\x8b\x08\x00garbage", 12)
                            << QStringLiteral("not JSON");
}

void TestHealthDecoder::badInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorContains);
    const HealthDecodeResult r = decodeHealth(body);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
}

void TestHealthDecoder::htmlErrorPage()
{
    const QByteArray page = "<!DOCTYPE html>\n<html><head><title>502 Bad\n Gateway</title></head>"
                            "<body><h1>Bad Gateway</h1></body></html>";
    const HealthDecodeResult r = decodeHealth(page);
    QVERIFY(!r.ok);
    QCOMPARE(r.error, QStringLiteral("the gateway answered HTML, not JSON: 502 Bad Gateway"));

    const HealthDecodeResult noTitle = decodeHealth("<html><body><h1>Oops</h1></body></html>");
    QVERIFY(!noTitle.ok);
    QCOMPARE(noTitle.error, QStringLiteral("the gateway answered HTML, not JSON: Oops"));
}

namespace {

QByteArray longKeyOverZeros(int keyChars, int zeros)
{
    QByteArray body = "{\"" + QByteArray(keyChars, 'k') + "\":[";
    body.reserve(body.size() + zeros * 2 + 2);
    for (int i = 0; i < zeros; ++i)
        body += i ? ",0" : "0";
    return body + "]}";
}

} // namespace

void TestHealthDecoder::amplificationShapesRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("why");
    // The review's body: one 4,000-character key over 150,000 zeros (454 KB, 1.2 GB flattened).
    QTest::newRow("long-key-many-zeros") << longKeyOverZeros(4000, 150000) << "key of 4000";
    QTest::newRow("short-key-many-zeros") << longKeyOverZeros(8, 150000) << "more than 5000 values";
    QTest::newRow("many-leaves-short-key") << longKeyOverZeros(1, 6000) << "values";
    QTest::newRow("long-key-one-leaf") << longKeyOverZeros(4000, 1) << "key of 4000";
    QByteArray deep = "{\"status\":\"healthy\",\"x\":";
    for (int i = 0; i < 40; ++i)
        deep += "{\"a\":";
    deep += "1" + QByteArray(40, '}') + "}";
    QTest::newRow("deep-objects") << deep << "nested deeper";
    QTest::newRow("deep-arrays") << QByteArray(500, '[') + QByteArray(500, ']') << "nested deeper";
    // 30 levels of 250-character keys: each key and the depth are allowed, the path is not.
    QByteArray longPath = "{";
    for (int i = 0; i < 30; ++i)
        longPath += "\"" + QByteArray(250, char('a' + i % 26)) + "\":{";
    longPath += "\"leaf\":1" + QByteArray(31, '}');
    QTest::newRow("long-path") << longPath << "path longer";
}

void TestHealthDecoder::amplificationShapesRefused()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, why);
    const HealthDecodeResult r = decodeHealth(body);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.startsWith(QStringLiteral("health body too complex")), qPrintable(r.error));
    QVERIFY2(r.error.contains(why), qPrintable(r.error));
    QVERIFY2(r.error.size() <= 200, qPrintable(r.error));
    QVERIFY(r.snapshot.flattened.isEmpty());
}

void TestHealthDecoder::manyRealFieldsStillDecode()
{
    // 100 components of 10 fields each, 3 levels deep, names of 40 characters: a big real body.
    QByteArray body = "{\"status\":\"healthy\",\"components\":{";
    for (int c = 0; c < 100; ++c) {
        body += (c ? ",\"" : "\"") + QByteArray(36, 'c') + QByteArray::number(1000 + c) +
                "\":{\"status\":\"healthy\",\"stats\":{";
        for (int f = 0; f < 10; ++f)
            body += (f ? ",\"" : "\"") + QByteArray(36, 'f') + QByteArray::number(1000 + f) +
                    "\":[1.5,\"x\"]";
        body += "}}";
    }
    body += "}}";
    const HealthDecodeResult r = decodeHealth(body);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.snapshot.components.size(), 100);
    QCOMPARE(r.snapshot.flattened.size(), 1 + 100 * (1 + 10 * 2));
}

void TestHealthDecoder::errorsQuoteAtMost200Characters()
{
    const QByteArray key(4000, 'k');
    const QList<QByteArray> bodies{
        "<html><title>" + key + "</title></html>",
        "Error: " + key,
        "\"" + key + "\"",
        "{\"" + key + "\": 1",
        "{\"" + key + "\" 1}",
        longKeyOverZeros(4000, 150000),
    };
    for (const QByteArray& body : bodies) {
        const HealthDecodeResult r = decodeHealth(body);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.count(QLatin1Char('k')) <= 200, qPrintable(r.error.left(300)));
    }
}

QTEST_GUILESS_MAIN(TestHealthDecoder)
#include "TestHealthDecoder.moc"
