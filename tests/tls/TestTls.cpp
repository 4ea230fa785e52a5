// TLS and transport rules: a self-signed simulator is refused with the reason and the
// fingerprint, trusted by its SHA-256, refused again once its certificate changes; https->http
// redirects, plain http to a remote host and cross-origin redirects never carry the key.
#include "models/domain/Clock.h"
#include "models/domain/Target.h"
#include "models/net/Poller.h"
#include "tests/support/FakeNetworkAccessManager.h"
#include "tests/support/SelfSignedCertificate.h"
#include "tests/support/SimulatorProcess.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

const QByteArray kKey = "tls-secret-key-9c1d";

PollResult pollOnce(QNetworkAccessManager* network, const PollerOptions& options)
{
    SystemClock clock;
    Poller poller(network, &clock, options);
    QSignalSpy finished(&poller, &Poller::pollFinished);
    poller.pollNow();
    if (!finished.wait(20000))
        return {};
    return finished.first().first().value<PollResult>();
}

} // namespace

class TestTls : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QByteArray m_first;
    QByteArray m_second;

    PollerOptions optionsFor(const QUrl& url, const QByteArray& trusted = {})
    {
        PollerOptions o;
        o.baseUrl = url;
        o.apiKey = kKey;
        o.trustedCertSha256 = trusted;
        o.connectTimeoutMs = 5000;
        o.readTimeoutMs = 5000;
        o.wakeTimeoutMs = 5000;
        return o;
    }

private slots:
    void initTestCase()
    {
        m_first = test::makeSelfSignedCertificate(m_dir.path(), QStringLiteral("first"));
        m_second = test::makeSelfSignedCertificate(m_dir.path(), QStringLiteral("second"));
        QVERIFY2(m_first.size() == 32 && m_second.size() == 32, "openssl could not make certs");
    }

    void selfSignedRefusedThenTrustedThenChanged()
    {
        test::SimulatorProcess sim;
        QVERIFY2(
            sim.start({QStringLiteral("--tls-cert"), m_dir.filePath(QStringLiteral("first.pem")),
                       QStringLiteral("--tls-key"), m_dir.filePath(QStringLiteral("first.key"))}),
            qPrintable(sim.error()));
        QCOMPARE(sim.url().scheme(), QStringLiteral("https"));

        QNetworkAccessManager network;
        PollResult result = pollOnce(&network, optionsFor(sim.url()));
        QCOMPARE(result.state, ConnectionState::Error);
        QVERIFY2(result.detail.contains(QStringLiteral("TLS: ")), qPrintable(result.detail));
        QVERIFY2(result.detail.contains(QStringLiteral("self-signed")), qPrintable(result.detail));
        QVERIFY(result.detail.contains(formatFingerprint(m_first)));
        QCOMPARE(result.rejectedCertSha256, m_first);

        result = pollOnce(&network, optionsFor(sim.url(), m_first));
        QVERIFY2(result.state == ConnectionState::Up, qPrintable(result.detail));
        QVERIFY(result.rejectedCertSha256.isEmpty());

        // Another certificate on the same host: refused again, saying it changed.
        sim.stop();
        test::SimulatorProcess changed;
        QVERIFY2(changed.start(
                     {QStringLiteral("--tls-cert"), m_dir.filePath(QStringLiteral("second.pem")),
                      QStringLiteral("--tls-key"), m_dir.filePath(QStringLiteral("second.key"))}),
                 qPrintable(changed.error()));
        QNetworkAccessManager fresh;
        result = pollOnce(&fresh, optionsFor(changed.url(), m_first));
        QCOMPARE(result.state, ConnectionState::Error);
        QVERIFY2(result.detail.contains(QStringLiteral("certificate changed")),
                 qPrintable(result.detail));
        QCOMPARE(result.rejectedCertSha256, m_second);
    }

    void plainHttpToRemoteRefused()
    {
        test::FakeNetworkAccessManager network;
        network.setResponse(QStringLiteral("/health/detailed"),
                            test::FakeResponse::json(R"({"status":"healthy","components":{}})"));
        PollerOptions o = optionsFor(QUrl(QStringLiteral("http://gw.example.com:8000")));
        PollResult result = pollOnce(&network, o);
        QCOMPARE(result.state, ConnectionState::Error);
        QVERIFY2(result.detail.contains(QStringLiteral("plain http")), qPrintable(result.detail));
        QCOMPARE(network.requests().size(), 0); // nothing was sent, the key least of all

        o.allowPlainHttp = true;
        result = pollOnce(&network, o);
        QVERIFY(network.requests().size() > 0);
        QCOMPARE(network.requests().first().header("Authorization"), "Bearer " + kKey);

        // Loopback needs no permission.
        network.clearRequests();
        result = pollOnce(&network, optionsFor(QUrl(QStringLiteral("http://127.0.0.1:8000"))));
        QVERIFY(network.requests().size() > 0);
    }

    void httpsToHttpRedirectRefused()
    {
        test::FakeNetworkAccessManager network;
        network.setHandler(
            [](const test::RecordedRequest& request) -> std::optional<test::FakeResponse> {
                if (request.url.scheme() == u"https")
                    return test::FakeResponse::json("{}", 302).header(
                        "Location", "http://gw.example.com" + request.url.path().toUtf8());
                return test::FakeResponse::json(R"({"status":"healthy","components":{}})");
            });
        PollerOptions o = optionsFor(QUrl(QStringLiteral("https://gw.example.com")));
        o.allowPlainHttp = true; // even then: never downgrade by redirect
        const PollResult result = pollOnce(&network, o);
        QCOMPARE(result.state, ConnectionState::Error);
        QVERIFY2(result.detail.contains(QStringLiteral("https to plain http")),
                 qPrintable(result.detail));
        for (const test::RecordedRequest& request : network.requests())
            QCOMPARE(request.url.scheme(), QStringLiteral("https"));
    }

    void keyDoesNotFollowRedirectToAnotherPort()
    {
        test::FakeNetworkAccessManager network;
        network.setHandler(
            [](const test::RecordedRequest& request) -> std::optional<test::FakeResponse> {
                if (request.url.port() == 8443)
                    return test::FakeResponse::json("{}", 307).header(
                        "Location", "https://gw.example.com:9443" + request.url.path().toUtf8());
                return test::FakeResponse::json(R"({"status":"healthy","components":{}})");
            });
        const PollResult result =
            pollOnce(&network, optionsFor(QUrl(QStringLiteral("https://gw.example.com:8443"))));
        QCOMPARE(result.state, ConnectionState::Error);
        QVERIFY(!network.requests().isEmpty());
        for (const test::RecordedRequest& request : network.requests()) {
            QCOMPARE(request.url.port(), 8443);
            QVERIFY(!(request.url.port() == 9443 && !request.header("Authorization").isEmpty()));
        }
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "TestTls.moc"
