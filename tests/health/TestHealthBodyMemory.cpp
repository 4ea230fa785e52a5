// A hostile /health/detailed body against the real `bhiv-ops status`: the amplification shape of
// issue 17 (one long key over very many zeros) must give bad_response, and the process must stay
// small. The peak RSS of the child is read from getrusage(RUSAGE_CHILDREN) after it was reaped,
// so it is the real high-water mark of the whole run, not a sample.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/resource.h>

namespace {

// Serves `body` for /health/detailed and an empty exposition for /metrics, on 127.0.0.1.
class OneBodyServer : public QTcpServer {
public:
    explicit OneBodyServer(QByteArray body)
        : m_body(std::move(body))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

private:
    void answer(QTcpSocket* socket)
    {
        QByteArray& request = m_requests[socket];
        request += socket->readAll();
        if (!request.contains("\r\n\r\n"))
            return;
        const bool health = request.startsWith("GET /health/detailed");
        const QByteArray body = health ? m_body : QByteArray("# no metrics\n");
        const QByteArray type = health ? "application/json" : "text/plain; version=0.0.4";
        m_requests.remove(socket);
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: " + type +
                      "\r\nConnection: close\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QByteArray m_body;
    QHash<QTcpSocket*, QByteArray> m_requests;
};

// As Python's json.dumps writes it (", " between items): 454 KB for 150,000 zeros.
QByteArray longKeyOverZeros(int keyChars, int zeros)
{
    QByteArray body = "{\"" + QByteArray(keyChars, 'k') + "\": [";
    body.reserve(body.size() + zeros * 3 + 2);
    for (int i = 0; i < zeros; ++i)
        body += i ? ", 0" : "0";
    return body + "]}";
}

double childrenPeakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

} // namespace

class TestHealthBodyMemory : public QObject {
    Q_OBJECT
private slots:
    void amplificationBodyStaysSmall_data();
    void amplificationBodyStaysSmall();
};

void TestHealthBodyMemory::amplificationBodyStaysSmall_data()
{
    QTest::addColumn<int>("zeros");
    QTest::newRow("454 KB: 4,000-char key, 150,000 zeros") << 150000;
    QTest::newRow("4.5 MB: 4,000-char key, 1,500,000 zeros") << 1500000;
}

void TestHealthBodyMemory::amplificationBodyStaysSmall()
{
    QFETCH(int, zeros);
    const QByteArray body = longKeyOverZeros(4000, zeros);
    OneBodyServer server(body);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort());

    // Children run one at a time and rows go small to large, so the running maximum over all
    // reaped children is this row's peak once the smaller rows stayed small.
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY")),
                  {QStringLiteral("status"), QStringLiteral("--url"), url, QStringLiteral("--json"),
                   QStringLiteral("--timeout"), QStringLiteral("20")});
    QVERIFY(process.waitForStarted());
    // The event loop runs meanwhile, so the server in this thread answers.
    QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 60000);
    const double peakMb = childrenPeakRssMb();
    const QByteArray out = process.readAllStandardOutput();
    qInfo("body %.0f KB: bhiv-ops status peak RSS %.1f MB", body.size() / 1024.0, peakMb);

    const QJsonObject status = QJsonDocument::fromJson(out).object();
    QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("bad_response"));
    const QString detail = status.value(QStringLiteral("detail")).toString();
    QVERIFY2(detail.contains(QStringLiteral("health body too complex")), qPrintable(detail));
    QVERIFY2(detail.count(QLatin1Char('k')) <= 200, qPrintable(detail.left(300)));
    QVERIFY2(!out.contains(QByteArray(201, 'k')), out.left(400));
    QVERIFY2(peakMb < 50.0, qPrintable(QStringLiteral("peak RSS %1 MB").arg(peakMb)));
}

QTEST_GUILESS_MAIN(TestHealthBodyMemory)
#include "TestHealthBodyMemory.moc"
