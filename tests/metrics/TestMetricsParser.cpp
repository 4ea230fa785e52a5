#include "metrics/MetricsParser.h"
#include "metrics/MetricsText.h"

#include "TestData.h"

#include <QTest>

class TestMetricsParser : public QObject {
    Q_OBJECT
private slots:
    void fixturesParse();
};

void TestMetricsParser::fixturesParse() {
    const QByteArray body = ops::test::readData(QStringLiteral("metrics/seed-gateway.prom"));
    QVERIFY(!body.isEmpty());
    const auto r = ops::parseMetrics(std::string_view(body.constData(), body.size()),
                                     ops::MetricsFormat::PrometheusText);
    QVERIFY(r.ok);
    QCOMPARE(r.malformedLines, std::size_t{0});
}

QTEST_GUILESS_MAIN(TestMetricsParser)
#include "TestMetricsParser.moc"
