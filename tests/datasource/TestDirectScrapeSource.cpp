// The default data source: the console's own scrape of a real bhiv-gateway-sim (Poller +
// TargetMonitor), seen through the DataSource seam. A frame per poll with the board's latest
// signals; the backfill reads back the frames of the signal store.
#include "models/datasource/DirectScrapeSource.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>

using namespace ops;

class TestDirectScrapeSource : public QObject {
    Q_OBJECT
private slots:
    void framesFollowThePolls();
};

void TestDirectScrapeSource::framesFollowThePolls()
{
    ops::test::SimulatorProcess sim;
    QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
             qPrintable(sim.error()));
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options;
    options.baseUrl = sim.url();
    options.intervalMs = 300;
    Poller poller(&network, &clock, options);
    TargetMonitor monitor(&poller, &clock);
    DirectScrapeSource source(&monitor);
    QCOMPARE(source.kindName(), QStringLiteral("direct"));
    QSignalSpy frames(&source, &DataSource::framesReady);
    const qint64 start = clock.nowMs();
    poller.start();
    QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 4, 15000);
    poller.stop();

    const auto last = frames.last().at(0).value<QList<SourceSeries>>();
    QVERIFY(!frames.last().at(1).toBool());
    QCOMPARE(last.size(), 1);
    QCOMPARE(last[0].instance, QString());
    QCOMPARE(last[0].frames.size(), 1);
    const SignalFrame& frame = last[0].frames[0];
    QVERIFY(frame.timeMs >= start);
    QCOMPARE(frame.value(SignalId::RequestRate),
             monitor.signalBoard().latest(SignalId::RequestRate));
    QVERIFY2(frame.value(SignalId::RequestRate) > 1,
             qPrintable(QString::number(frame.value(SignalId::RequestRate))));
    QVERIFY(frame.value(SignalId::LatencyP95) > 0);

    // The backfill: every poll's frame from the store, in time order, the last equal to now.
    QSignalSpy backfilled(&source, &DataSource::framesReady);
    source.backfill(start - 60'000, clock.nowMs() + 1000, 1000);
    QCOMPARE(backfilled.size(), 1); // from what the monitor holds: answered at once
    const auto window = backfilled.first().at(0).value<QList<SourceSeries>>();
    QVERIFY(backfilled.first().at(1).toBool());
    QCOMPARE(window.size(), 1);
    QVERIFY2(window[0].frames.size() >= 4, qPrintable(QString::number(window[0].frames.size())));
    for (qsizetype i = 1; i < window[0].frames.size(); ++i)
        QVERIFY(window[0].frames[i].timeMs > window[0].frames[i - 1].timeMs);
    const SignalFrame& stored = window[0].frames.last();
    QCOMPARE(stored.timeMs, frame.timeMs);
    // The store keeps derived signals at 12 mantissa bits: equal within 1.2e-4 relative.
    QVERIFY(std::abs(stored.value(SignalId::RequestRate) - frame.value(SignalId::RequestRate)) <=
            1.2e-4 * frame.value(SignalId::RequestRate));

    // Without a monitor any more: the backfill fails as a value.
    {
        auto* gone = new TargetMonitor(&poller, &clock);
        DirectScrapeSource orphan(gone);
        delete gone;
        QSignalSpy failed(&orphan, &DataSource::failed);
        orphan.backfill(0, clock.nowMs(), 1000);
        QCOMPARE(failed.size(), 1);
        QVERIFY(!orphan.errorString().isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestDirectScrapeSource)
#include "TestDirectScrapeSource.moc"
