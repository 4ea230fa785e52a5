#include "app/cli/ParseCommand.h"
#include "models/metrics/Gzip.h"
#include "models/metrics/MetricsParser.h"
#include "models/metrics/MetricsText.h"

#include "tests/support/TestData.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <zlib.h>

#include <cmath>
#include <sstream>

using namespace ops;

namespace {

MetricsParseResult parse(std::string_view body, MetricsFormat f = MetricsFormat::PrometheusText)
{
    return parseMetrics(body, f);
}

std::string_view view(const QByteArray& b)
{
    return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
}

std::string gzip(std::string_view text)
{
    z_stream z{};
    deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

class TestMetricsParser : public QObject {
    Q_OBJECT
private slots:
    void detectsFormats();
    void fixturesParseClean_data();
    void fixturesParseClean();
    void grammar();
    void values_data();
    void values();
    void openMetrics();
    void jsonStub();
    void gzipBodies();
    void malformedLines_data();
    void malformedLines();
    void rejectsNonMetrics_data();
    void rejectsNonMetrics();
    void hugeAndManyLines();
    void parseCommandJson();
};

void TestMetricsParser::detectsFormats()
{
    QCOMPARE(detectMetricsFormat("a 1\n# EOF\n", ""), MetricsFormat::OpenMetrics);
    QCOMPARE(detectMetricsFormat("a 1\n", "text/plain; version=0.0.4"),
             MetricsFormat::PrometheusText);
    QCOMPARE(detectMetricsFormat("a 1\n", "application/openmetrics-text; version=1.0.0"),
             MetricsFormat::OpenMetrics);
    QCOMPARE(detectMetricsFormat("{\"a\": 1}", "application/json"), MetricsFormat::JsonStub);
    QCOMPARE(detectMetricsFormat("  {\"a\": 1}", ""), MetricsFormat::JsonStub);
    QCOMPARE(detectMetricsFormat("x 1", "v321-metrics-stub.json"), MetricsFormat::JsonStub);
    QCOMPARE(detectMetricsFormat("x 1", "seed-gateway.openmetrics"), MetricsFormat::OpenMetrics);
}

void TestMetricsParser::fixturesParseClean_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("samples");
    // Counts as Debian's prometheus_client reads them (compare_with_python.py checks values).
    QTest::newRow("seed prom") << "seed-gateway.prom" << 57;
    QTest::newRow("seed om") << "seed-gateway.openmetrics" << 57;
    QTest::newRow("v321 prom") << "v321-gateway.prom" << 270;
    QTest::newRow("v321 om") << "v321-gateway.openmetrics" << 270;
    QTest::newRow("main prom") << "main-gateway.prom" << 223;
    QTest::newRow("main om") << "main-gateway.openmetrics" << 223;
    QTest::newRow("10k prom") << "gateway-10k.prom" << 10017;
    QTest::newRow("10k om") << "gateway-10k.openmetrics" << 10017;
    QTest::newRow("stub") << "v321-metrics-stub.json" << 6;
}

void TestMetricsParser::fixturesParseClean()
{
    QFETCH(QString, file);
    QFETCH(int, samples);
    const QByteArray body = test::readData(QStringLiteral("metrics/") + file);
    QVERIFY(!body.isEmpty());
    const MetricsFormat f = detectMetricsFormat(view(body), file.toStdString());
    const auto r = parse(view(body), f);
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.malformedLines, std::size_t{0});
    QCOMPARE(static_cast<int>(r.samples.size()), samples);
}

void TestMetricsParser::grammar()
{
    const std::string body = "# HELP m_total A \\\\ help\\n text\n"
                             "# TYPE m_total counter\n"
                             "\n"
                             "# just a comment\n"
                             "m_total{a=\"x\\\\y\",b=\"q\\\"uote\",c=\"line\\nbreak\"} 1\n"
                             "m_total{a=\"\",b=\"ünï ☃\",} 2\n"
                             "  m_total { a = \"spaced\" , b=\"t\" }   3   1700000000123  \n"
                             "untyped_thing 4\r\n"
                             "m_total{} 5\n"
                             "tab\t6\n"
                             "colon:name 7\n";
    const auto r = parse(body);
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.malformedLines, std::size_t{0});
    QCOMPARE(r.samples.size(), std::size_t{7});
    const auto& s0 = r.samples[0];
    QCOMPARE(s0.name, std::string("m_total"));
    QCOMPARE(s0.labels.size(), std::size_t{3});
    QCOMPARE(s0.labels[0].second, std::string("x\\y"));
    QCOMPARE(s0.labels[1].second, std::string("q\"uote"));
    QCOMPARE(s0.labels[2].second, std::string("line\nbreak"));
    QCOMPARE(r.samples[1].labels[0].second, std::string());
    QCOMPARE(r.samples[1].labels[1].second, std::string("ünï ☃"));
    QCOMPARE(r.samples[2].labels[0], (std::pair<std::string, std::string>("a", "spaced")));
    QCOMPARE(r.samples[2].value, 3.0);
    QCOMPARE(*r.samples[2].timestampMs, std::int64_t{1700000000123});
    QCOMPARE(r.samples[3].name, std::string("untyped_thing"));
    QVERIFY(r.samples[4].labels.empty());
    QCOMPARE(r.samples[5].value, 6.0);
    QCOMPARE(r.samples[6].name, std::string("colon:name"));
}

void TestMetricsParser::values_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<double>("expected");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("int") << "43" << 43.0;
    QTest::newRow("int.0") << "43.0" << 43.0;
    QTest::newRow("neg") << "-7.5" << -7.5;
    QTest::newRow("plus") << "+7.5" << 7.5;
    QTest::newRow("exp") << "1.119348e+06" << 1119348.0;
    QTest::newRow("exp small") << "2.5E-3" << 0.0025;
    QTest::newRow("long") << "3.591166438300151" << 3.591166438300151;
    QTest::newRow("big") << "1.79574917432e+09" << 1.79574917432e+09;
    QTest::newRow("huge") << "1e308" << 1e308;
    QTest::newRow("tiny") << "4.9e-324" << 4.9e-324;
    QTest::newRow("17 digits") << "0.12345678901234567" << 0.12345678901234567;
    QTest::newRow("+Inf") << "+Inf" << inf;
    QTest::newRow("-Inf") << "-Inf" << -inf;
    QTest::newRow("Inf") << "Inf" << inf;
}

void TestMetricsParser::values()
{
    QFETCH(QString, token);
    QFETCH(double, expected);
    double v = 0;
    QVERIFY(parseMetricValue(token.toStdString(), v));
    QCOMPARE(v, expected);
    double nan = 0;
    QVERIFY(parseMetricValue("NaN", nan) && std::isnan(nan));
    double bad = 0;
    QVERIFY(!parseMetricValue("0x10", bad));
    QVERIFY(!parseMetricValue("1_000", bad));
    QVERIFY(!parseMetricValue("--1", bad));
    QVERIFY(!parseMetricValue("", bad));
    QVERIFY(!parseMetricValue("1.2.3", bad));
}

void TestMetricsParser::openMetrics()
{
    const std::string body =
        "# TYPE req counter\n"
        "# UNIT lat seconds\n"
        "# HELP req Requests.\n"
        "req_total{path=\"/a\"} 10 1700000000.5 # {trace_id=\"abc\"} 1.0 1700000000.1\n"
        "req_created{path=\"/a\"} 1.7e9\n"
        "lat_seconds_bucket{le=\"+Inf\"} 3 # {id=\"x\"} 0.2\n"
        "# EOF\n";
    QCOMPARE(detectMetricsFormat(body, ""), MetricsFormat::OpenMetrics);
    const auto r = parse(body, MetricsFormat::OpenMetrics);
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.malformedLines, std::size_t{0});
    QCOMPARE(r.samples.size(), std::size_t{3});
    QCOMPARE(r.samples[0].name, std::string("req_total"));
    QCOMPARE(*r.samples[0].timestampMs, std::int64_t{1700000000500});
    QCOMPARE(r.samples[1].name, std::string("req_created"));
    QCOMPARE(r.samples[2].value, 3.0);

    // Text after # EOF is an error; a Prometheus-text exemplar is one too.
    const auto after = parse("a 1\n# EOF\nb 2\n", MetricsFormat::OpenMetrics);
    QCOMPARE(after.samples.size(), std::size_t{1});
    QCOMPARE(after.malformedLines, std::size_t{1});
    QCOMPARE(after.firstErrors[0].line, 3);
    const auto textExemplar = parse("a 1 # {x=\"y\"} 1\n");
    QCOMPARE(textExemplar.malformedLines, std::size_t{1});
}

void TestMetricsParser::jsonStub()
{
    const QByteArray body = test::readData(QStringLiteral("metrics/v321-metrics-stub.json"));
    const auto r = parse(view(body), MetricsFormat::JsonStub);
    QVERIFY(r.ok);
    QCOMPARE(r.samples.size(), std::size_t{6});
    bool found = false;
    for (const auto& s : r.samples) {
        if (s.name == "memory_usage_bytes") {
            QCOMPARE(s.value, 512000000.0);
            found = true;
        }
    }
    QVERIFY(found);
    const auto envelope = parse("{\"detail\": \"Not authenticated\"}", MetricsFormat::JsonStub);
    QVERIFY(!envelope.ok);
    QVERIFY(envelope.error.find("error envelope") != std::string::npos);
    QVERIFY(!parse("{not json", MetricsFormat::JsonStub).ok);
    QVERIFY(!parse("[1, 2]", MetricsFormat::JsonStub).ok);
}

void TestMetricsParser::gzipBodies()
{
    const QByteArray body = test::readData(QStringLiteral("metrics/seed-gateway.prom"));
    const std::string z = gzip(view(body));
    QVERIFY(isGzip(z));
    std::string out;
    QVERIFY(decodeGzip(z, out, 1 << 20));
    QCOMPARE(out, std::string(view(body)));
    const auto r = parse(z);
    QVERIFY(r.ok);
    QCOMPARE(r.samples.size(), std::size_t{57});
    // Size cap: a bomb stops at the cap.
    const std::string zeros(4 << 20, '0');
    std::string why;
    QVERIFY(!decodeGzip(gzip(zeros), out, 1 << 20, &why));
    QVERIFY(why.find("exceeds") != std::string::npos);
    // Truncated and corrupt streams.
    QVERIFY(!decodeGzip(std::string_view(z).substr(0, z.size() / 2), out, 1 << 20, &why));
    std::string corrupt = z;
    corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
    corrupt[13] = static_cast<char>(corrupt[13] ^ 0x55);
    QVERIFY(!decodeGzip(corrupt, out, 1 << 20, &why) || out != std::string(view(body)));
}

void TestMetricsParser::malformedLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing value") << QByteArray("m{a=\"b\"}") << "missing value";
    QTest::newRow("missing value bare") << QByteArray("lonely") << "missing value";
    QTest::newRow("bad value") << QByteArray("m 12abc") << "bad value";
    QTest::newRow("unterminated quote") << QByteArray("m{a=\"b} 1") << "unterminated";
    QTest::newRow("unterminated set") << QByteArray("m{a=\"b\" 1") << "unterminated";
    QTest::newRow("bad escape") << QByteArray("m{a=\"\\q\"} 1") << "bad escape";
    QTest::newRow("invalid utf8") << QByteArray("m{a=\"\xff\xfe\"} 1") << "UTF-8";
    QTest::newRow("overlong utf8") << QByteArray("m{a=\"\xc0\xaf\"} 1") << "UTF-8";
    QTest::newRow("bad name") << QByteArray("9m 1") << "bad metric name";
    QTest::newRow("dash name") << QByteArray("m-x 1") << "bad metric name";
    QTest::newRow("bad label name") << QByteArray("m{9a=\"b\"} 1") << "bad label name";
    QTest::newRow("no equals") << QByteArray("m{a\"b\"} 1") << "expected '='";
    QTest::newRow("no quote") << QByteArray("m{a=b} 1") << "expected '\"'";
    QTest::newRow("duplicate") << QByteArray("m{a=\"1\",a=\"2\"} 1") << "duplicate";
    QTest::newRow("bad timestamp") << QByteArray("m 1 12.5") << "bad timestamp";
    QTest::newRow("trailing junk") << QByteArray("m 1 2 3") << "unexpected text";
    QTest::newRow("bad type") << QByteArray("# TYPE m bogus") << "unknown metric type";
}

void TestMetricsParser::malformedLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    // Good line, the bad one on line 3, a good line after it.
    const std::string body = "good 1\n# comment\n" + line.toStdString() + "\nalso_good 2\n";
    const auto r = parse(body);
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.malformedLines, std::size_t{1});
    QCOMPARE(r.samples.size(), std::size_t{2});
    QCOMPARE(r.firstErrors.size(), std::size_t{1});
    QCOMPARE(r.firstErrors[0].line, 3);
    QVERIFY2(r.firstErrors[0].reason.find(reason.toStdString()) != std::string::npos,
             r.firstErrors[0].reason.c_str());
}

void TestMetricsParser::rejectsNonMetrics_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("reason");
    QTest::newRow("html") << QByteArray("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")
                          << "HTML";
    QTest::newRow("json error")
        << QByteArray("{\"error\": \"x\", \"message\": \"boom\", \"status_code\": 500}") << "JSON";
    QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "binary";
    QTest::newRow("garbage") << QByteArray("Internal Server Error") << "no valid metrics";
    QTest::newRow("prose") << QByteArray("hello world\nthis is not it\n") << "no valid metrics";
}

void TestMetricsParser::rejectsNonMetrics()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, reason);
    const auto r = parse(view(body));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find(reason.toStdString()) != std::string::npos, r.error.c_str());
    QVERIFY(r.samples.empty());
}

void TestMetricsParser::hugeAndManyLines()
{
    // A 1 MB line is skipped, the rest parses; errors are capped but all are counted.
    std::string body = "a 1\nhuge{v=\"" + std::string(1 << 20, 'x') + "\"} 1\nb 2\n";
    auto r = parse(body);
    QVERIFY(r.ok);
    QCOMPARE(r.samples.size(), std::size_t{2});
    QCOMPARE(r.firstErrors[0].reason, std::string("line too long"));
    std::string many = "ok 1\n";
    for (int i = 0; i < 5000; ++i)
        many += "bad line here\n";
    r = parse(many);
    QCOMPARE(r.malformedLines, std::size_t{5000});
    QCOMPARE(r.firstErrors.size(), MetricsLimits::kMaxReportedErrors);
    // Size cap for the whole body.
    const std::string tooBig(MetricsLimits::kMaxBodyBytes + 1, '\n');
    r = parse(tooBig);
    QVERIFY(!r.ok);
    QVERIFY(r.error.find("exceeds") != std::string::npos);
    // Empty and comment-only bodies are fine (an idle exporter).
    QVERIFY(parse("").ok);
    QVERIFY(parse("# HELP x y\n").ok);
    // No final newline; CRLF.
    r = parse("a 1\r\nb 2");
    QCOMPARE(r.samples.size(), std::size_t{2});
}

void TestMetricsParser::parseCommandJson()
{
    const QString path = test::dataPath(QStringLiteral("metrics/seed-gateway.prom"));
    std::ostringstream out, err;
    ParseCommandOptions options;
    options.path = path.toStdString();
    options.json = true;
    QCOMPARE(runParseCommand(options, out, err), 0);
    const std::string text = out.str();
    // One JSON array, a sample a line.
    QJsonParseError parseError{};
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray::fromStdString(text), &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QCOMPARE(document.array().size(), 57);
    QCOMPARE(static_cast<int>(std::count(text.begin(), text.end(), '\n')), 57 + 2);
    QVERIFY(text.find("{\"name\": \"python_info\", \"labels\": {\"implementation\": \"CPython\"") !=
            std::string::npos);
    std::ostringstream table, err2;
    options.json = false;
    QCOMPARE(runParseCommand(options, table, err2), 0);
    QVERIFY(table.str().find("57 samples") != std::string::npos);
    options.path = "/nonexistent/file.prom";
    QCOMPARE(runParseCommand(options, table, err2), 2);
    // A directory is a read error, not a crash (std::ios_failure before).
    options.path = QDir::tempPath().toStdString();
    QCOMPARE(runParseCommand(options, table, err2), 2);
    QVERIFY(err2.str().find("is a directory") != std::string::npos);
    // An empty body as JSON is an empty array.
    std::ostringstream empty;
    QCOMPARE(printParsedMetrics("", {"empty.prom", true}, empty, err2), 0);
    QCOMPARE(empty.str(), std::string("[]\n"));
    std::string json;
    appendJsonValue(json, std::numeric_limits<double>::quiet_NaN());
    QCOMPARE(json, std::string("\"NaN\""));
}

QTEST_GUILESS_MAIN(TestMetricsParser)
#include "TestMetricsParser.moc"
