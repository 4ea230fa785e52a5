// The dashboard's item models under QAbstractItemModelTester: endpoints (from a SignalBoard fed
// the frames of synthetic scrapes), chart points, health fields, and the health table's
// state-change times.
#include "models/itemmodels/ChartPointsModel.h"
#include "models/itemmodels/EndpointTableModel.h"
#include "models/itemmodels/HealthFieldsModel.h"
#include "models/metrics/SignalBoard.h"
#include "models/metrics/SignalDeriver.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

#include <cmath>
#include <string>

using namespace ops;

namespace {

// A plan-dialect scrape: two endpoints, counters growing with n (GET /a gets 3x the traffic).
std::string scrape(int n)
{
    std::string text;
    auto line = [&](const std::string& s) { text += s + "\n"; };
    struct Ep {
        const char* path;
        const char* method;
        double perPoll;
        double latency;
    };
    const Ep eps[] = {{"/a", "GET", 30, 0.05}, {"/b", "POST", 10, 0.4}};
    line("# TYPE api_requests_total counter");
    for (const Ep& e : eps)
        line(std::string("api_requests_total{endpoint=\"") + e.path + "\",method=\"" + e.method +
             "\"} " + std::to_string(e.perPoll * n));
    line("# TYPE api_request_duration_seconds histogram");
    for (const Ep& e : eps) {
        const double count = e.perPoll * n;
        const std::string labels = std::string("endpoint=\"") + e.path + "\",method=\"" + e.method;
        for (double le : {0.1, 0.5, 1.0}) {
            const double c = le >= e.latency ? count : 0;
            line("api_request_duration_seconds_bucket{" + labels + "\",le=\"" + std::to_string(le) +
                 "\"} " + std::to_string(c));
        }
        line("api_request_duration_seconds_bucket{" + labels + "\",le=\"+Inf\"} " +
             std::to_string(count));
        line("api_request_duration_seconds_sum{" + labels + "\"} " +
             std::to_string(count * e.latency));
        line("api_request_duration_seconds_count{" + labels + "\"} " + std::to_string(count));
    }
    line("# TYPE active_workflows_total gauge");
    line("active_workflows_total 3");
    return text;
}

} // namespace

class TestDashboardModels : public QObject {
    Q_OBJECT
private slots:
    void endpointTable();
    void chartPoints();
    void healthFields();
};

void TestDashboardModels::endpointTable()
{
    SignalDeriverConfig config;
    config.overrideMapping = true;
    config.mapping = MetricsMapping::forDialect(Dialect::Plan);
    SignalDeriver deriver(config);
    SignalBoard board;
    EndpointTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(EndpointTableModel::SortRole);
    proxy.setFilterKeyColumn(-1);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setBoard(&board);
    QCOMPARE(model.rowCount(), 0);
    for (int n = 1; n <= 4; ++n) {
        const std::string body = scrape(n);
        const qint64 timeMs = 1'700'000'000'000 + n * 1000LL;
        QVERIFY(deriver.ingest(timeMs, body, MetricsFormat::PrometheusText).ok);
        board.applyFrame(deriver.scrapeFrame(timeMs));
        model.refresh();
    }
    QCOMPARE(model.rowCount(), 2);
    const int a = model.rowOf("/a");
    const int b = model.rowOf("/b");
    QVERIFY(a >= 0 && b >= 0);
    QCOMPARE(model.index(a, EndpointTableModel::MethodColumn).data().toString(),
             QStringLiteral("GET"));
    QCOMPARE(model.index(b, EndpointTableModel::MethodColumn).data().toString(),
             QStringLiteral("POST"));
    QCOMPARE(model.index(a, EndpointTableModel::RateColumn)
                 .data(EndpointTableModel::SortRole)
                 .toDouble(),
             30.0);
    QCOMPARE(model.index(a, EndpointTableModel::RateColumn).data().toString(),
             QStringLiteral("30.0 req/s"));
    QCOMPARE(model.index(a, EndpointTableModel::AvgColumn).data().toString(),
             QStringLiteral("50.0 ms"));
    QVERIFY(std::abs(model.index(a, EndpointTableModel::ShareColumn)
                         .data(EndpointTableModel::SortRole)
                         .toDouble() -
                     0.75) < 1e-9);
    QCOMPARE(model.index(b, EndpointTableModel::ShareColumn).data().toString(),
             QStringLiteral("25.0 %"));
    QVERIFY(model.seriesId(a, EndpointTableModel::Series::RequestRate) != SeriesStore::kNoSeries);
    QCOMPARE(model.seriesId(7, EndpointTableModel::Series::RequestRate), SeriesStore::kNoSeries);

    // Sorting by rate, descending: /a first; by endpoint, descending: /b first.
    proxy.sort(EndpointTableModel::RateColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data(EndpointTableModel::EndpointRole).toString(),
             QStringLiteral("/a"));
    proxy.sort(EndpointTableModel::EndpointColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data(EndpointTableModel::EndpointRole).toString(),
             QStringLiteral("/b"));
    // Filtering on the method or the path.
    proxy.setFilterFixedString("post");
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(EndpointTableModel::EndpointRole).toString(),
             QStringLiteral("/b"));
    proxy.setFilterFixedString("");
    QCOMPARE(proxy.rowCount(), 2);
    model.setBoard(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestDashboardModels::chartPoints()
{
    ChartPointsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    std::vector<ChartPointsModel::Series> series;
    series.push_back({"avg", {{1000, 1.5}, {2000, 2.5}}});
    series.push_back({"p95", {}});
    series.push_back({"p99", {{1000, 9.0}}});
    model.setSeries(std::move(series), "ms");
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(1, ChartPointsModel::SeriesColumn).data().toString(),
             QStringLiteral("avg"));
    QCOMPARE(
        model.index(1, ChartPointsModel::ValueColumn).data(ChartPointsModel::ValueRole).toDouble(),
        2.5);
    QCOMPARE(model.index(2, ChartPointsModel::SeriesColumn).data().toString(),
             QStringLiteral("p99"));
    QCOMPARE(model.index(2, ChartPointsModel::TimeColumn)
                 .data(ChartPointsModel::TimeMsRole)
                 .toLongLong(),
             1000);
    QCOMPARE(model.index(2, ChartPointsModel::ValueColumn).data().toString(),
             QStringLiteral("9 ms"));
    model.setSeries({}, QString());
    QCOMPARE(model.rowCount(), 0);
}

void TestDashboardModels::healthFields()
{
    HealthFieldsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFields({{"status", "ok"}, {"db.pool.size", "10"}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, HealthFieldsModel::FieldColumn).data().toString(),
             QStringLiteral("db.pool.size"));
    model.setFields({{"status", "degraded"}, {"db.pool.size", "9"}});
    QCOMPARE(model.index(0, HealthFieldsModel::ValueColumn).data().toString(),
             QStringLiteral("degraded"));
    model.setFields({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestDashboardModels)
#include "TestDashboardModels.moc"
