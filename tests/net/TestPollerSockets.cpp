// The poller against real sockets: a closed port and a server that accepts but never answers.
#include "models/net/Poller.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace ops;

namespace {

PollerOptions optionsFor(quint16 port)
{
    PollerOptions o;
    o.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    o.intervalMs = 1000;
    o.connectTimeoutMs = 2000;
    o.readTimeoutMs = 300;
    o.wakeTimeoutMs = 300;
    o.wakingAfterMs = 5000;
    return o;
}

PollResult pollOnce(Poller& poller)
{
    QSignalSpy spy(&poller, &Poller::pollFinished);
    poller.pollNow();
    if (!spy.wait(5000))
        return {};
    return spy.takeFirst().at(0).value<PollResult>();
}

} // namespace

class TestPollerSockets : public QObject {
    Q_OBJECT
private slots:
    void closedPortIsUnreachable();
    void silentServerTimesOut();
};

void TestPollerSockets::closedPortIsUnreachable()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = server.serverPort();
    server.close();

    QNetworkAccessManager network;
    ManualClock clock;
    Poller poller(&network, &clock, optionsFor(port));
    const PollResult result = pollOnce(poller);
    QCOMPARE(result.state, ConnectionState::Unreachable);
    QCOMPARE(poller.state(), ConnectionState::Unreachable);
    QVERIFY2(!result.detail.isEmpty(), qPrintable(result.detail));
}

void TestPollerSockets::silentServerTimesOut()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket*> accepted;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* s = server.nextPendingConnection())
            accepted.append(s); // read nothing, answer nothing
    });

    QNetworkAccessManager network;
    ManualClock clock;
    Poller poller(&network, &clock, optionsFor(server.serverPort()));
    QElapsedTimer elapsed;
    elapsed.start();
    const PollResult result = pollOnce(poller);
    QCOMPARE(result.state, ConnectionState::Timeout);
    QVERIFY2(result.detail.contains(QStringLiteral("no answer within 300 ms")),
             qPrintable(result.detail));
    QVERIFY(elapsed.elapsed() < 3000);
    QVERIFY(!accepted.isEmpty());
}

QTEST_GUILESS_MAIN(TestPollerSockets)
#include "TestPollerSockets.moc"
