// Every client on the one request path honours a target's pin (issue 16 part 2, issue 17.9):
// against a self-signed simulator pinned by its certificate, workflows, deploy verification,
// the deploy sampler and the Render client work, and all of them refuse once the certificate
// changes. The pin is a pin: a CA-valid certificate that is not the pinned one is refused, a
// pinned certificate for another name is refused too, and a public-key (SPKI) pin works.
#include "models/deploy/DeployVerifier.h"
#include "models/deploy/GatewaySampler.h"
#include "models/deploy/RenderClient.h"
#include "models/domain/Clock.h"
#include "models/domain/Target.h"
#include "models/net/ApiRequest.h"
#include "models/net/CertificatePin.h"
#include "models/net/Poller.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/SimulatorProcess.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace ops;

namespace {

bool runOpenssl(const QStringList& arguments)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"), arguments);
    return openssl.waitForFinished(60000) && openssl.exitStatus() == QProcess::NormalExit &&
           openssl.exitCode() == 0;
}

QSslCertificate certificateAt(const QString& path)
{
    const auto certificates = QSslCertificate::fromPath(path);
    return certificates.isEmpty() ? QSslCertificate() : certificates.first();
}

// A self-signed certificate for `subjectAltName`; the certificate, or null on failure.
QSslCertificate makeSelfSigned(const QString& dir, const QString& name, const QString& cn,
                               const QString& altName)
{
    if (!runOpenssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=") + cn, QStringLiteral("-addext"),
                     QStringLiteral("subjectAltName=") + altName, QStringLiteral("-days"),
                     QStringLiteral("2"), QStringLiteral("-keyout"), dir + u'/' + name + ".key",
                     QStringLiteral("-out"), dir + u'/' + name + ".pem"}))
        return QSslCertificate();
    return certificateAt(dir + u'/' + name + ".pem");
}

// A test CA and a leaf it signed for 127.0.0.1: a "CA-valid" certificate once the CA is trusted.
bool makeCaAndLeaf(const QString& dir)
{
    QFile ext(dir + QStringLiteral("/leaf.ext"));
    if (!ext.open(QIODevice::WriteOnly))
        return false;
    ext.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
              "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    ext.close();
    return runOpenssl(
               {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-subj"),
                QStringLiteral("/CN=BHIV Test CA"), QStringLiteral("-addext"),
                QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                QStringLiteral("keyUsage=critical,keyCertSign,cRLSign"), QStringLiteral("-days"),
                QStringLiteral("2"), QStringLiteral("-keyout"), dir + QStringLiteral("/ca.key"),
                QStringLiteral("-out"), dir + QStringLiteral("/ca.pem")}) &&
           runOpenssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-keyout"),
                       dir + QStringLiteral("/leaf.key"), QStringLiteral("-out"),
                       dir + QStringLiteral("/leaf.csr")}) &&
           runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                       dir + QStringLiteral("/leaf.csr"), QStringLiteral("-CA"),
                       dir + QStringLiteral("/ca.pem"), QStringLiteral("-CAkey"),
                       dir + QStringLiteral("/ca.key"), QStringLiteral("-CAcreateserial"),
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                       dir + QStringLiteral("/leaf.ext"), QStringLiteral("-out"),
                       dir + QStringLiteral("/leaf.pem")});
}

QByteArray sha256(const QSslCertificate& c)
{
    return c.digest(QCryptographicHash::Sha256);
}

ConnectionPolicy pinnedTo(const QByteArray& pin)
{
    ConnectionPolicy p;
    p.pinSha256 = pin;
    p.connectTimeoutMs = 5000;
    p.readTimeoutMs = 5000;
    return p;
}

// What each client ended with against one gateway.
struct ClientOutcomes {
    WorkflowResult workflows;
    VerifyReport verify;
    WindowStats sampler;
    RenderResult<QList<RenderServiceInfo>> render;
};

ClientOutcomes runAllClients(const QUrl& gateway, const ConnectionPolicy& policy)
{
    ClientOutcomes out;
    QNetworkAccessManager network; // fresh: no kept-alive connection from an earlier step
    SystemClock clock;

    WorkflowClient workflows(&network, gateway, Dialect::Plan, policy, false);
    std::optional<WorkflowResult> listed;
    workflows.list({}, {}, 5, [&](const WorkflowResult& r) { listed = r; });
    (void)QTest::qWaitFor([&] { return listed.has_value(); }, 15000);
    out.workflows = listed.value_or(WorkflowResult{});

    DeployVerifier verifier(&network, &clock);
    verifier.setBaseUrl(gateway);
    verifier.setPolicy(policy);
    VerifyCheck health;
    health.name = QStringLiteral("Health");
    health.path = QStringLiteral("/health/detailed");
    verifier.setChecks({health});
    QSignalSpy verified(&verifier, &DeployVerifier::finished);
    verifier.start();
    verified.wait(15000);
    out.verify = verifier.report();

    GatewaySampler sampler(&network, &clock);
    sampler.setBaseUrl(gateway);
    sampler.setPolicy(policy);
    QSignalSpy sampled(&sampler, &GatewaySampler::finished);
    sampler.start(1, 10);
    sampled.wait(15000);
    out.sampler = sampler.stats();

    RenderClient render(&network, &clock);
    QUrl api = gateway;
    api.setPath(QStringLiteral("/render/v1"));
    render.setBaseUrl(api);
    render.setApiKey(ApiKey("rnd-sim-key"));
    render.setPolicy(policy);
    std::optional<RenderResult<QList<RenderServiceInfo>>> services;
    render.listServices([&](const RenderResult<QList<RenderServiceInfo>>& r) { services = r; });
    (void)QTest::qWaitFor([&] { return services.has_value(); }, 15000);
    out.render = services.value_or(RenderResult<QList<RenderServiceInfo>>{});
    return out;
}

} // namespace

class TestTlsClients : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QSslCertificate m_first;
    QSslCertificate m_second;

    QString path(const QString& file) const { return m_dir.filePath(file); }
    bool startSim(test::SimulatorProcess& sim, const QString& name)
    {
        return sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                          QStringLiteral("--tls-cert"), path(name + QStringLiteral(".pem")),
                          QStringLiteral("--tls-key"), path(name + QStringLiteral(".key"))});
    }

private slots:
    void initTestCase()
    {
        m_first = makeSelfSigned(m_dir.path(), QStringLiteral("first"), QStringLiteral("127.0.0.1"),
                                 QStringLiteral("IP:127.0.0.1"));
        m_second = makeSelfSigned(m_dir.path(), QStringLiteral("second"),
                                  QStringLiteral("127.0.0.1"), QStringLiteral("IP:127.0.0.1"));
        QVERIFY2(!m_first.isNull() && !m_second.isNull(), "openssl could not make certificates");
    }

    void pinnedGatewayWorksForEveryClientThenRefusesChangedCertificate()
    {
        test::SimulatorProcess sim;
        QVERIFY2(startSim(sim, QStringLiteral("first")), qPrintable(sim.error()));

        const ClientOutcomes pinned = runAllClients(sim.url(), pinnedTo(sha256(m_first)));
        QVERIFY2(pinned.workflows.ok(), qPrintable(pinned.workflows.error));
        QVERIFY2(pinned.verify.passed, qPrintable(pinned.verify.summary()));
        QCOMPARE(pinned.sampler.answeredPolls, 1);
        QVERIFY2(pinned.render.ok, qPrintable(pinned.render.error.message));
        QVERIFY(!pinned.render.value.isEmpty());

        // Without the pin the same self-signed gateway is refused by all of them.
        const ClientOutcomes unpinned = runAllClients(sim.url(), pinnedTo({}));
        QCOMPARE(unpinned.workflows.apiError.kind, ApiErrorKind::CertificateRefused);
        QVERIFY(unpinned.verify.couldNotRun);
        QCOMPARE(unpinned.sampler.answeredPolls, 0);
        QCOMPARE(unpinned.render.error.kind, ApiErrorKind::CertificateRefused);

        // The certificate changes: every client refuses, saying so.
        sim.stop();
        test::SimulatorProcess changed;
        QVERIFY2(startSim(changed, QStringLiteral("second")), qPrintable(changed.error()));
        const ClientOutcomes after = runAllClients(changed.url(), pinnedTo(sha256(m_first)));
        QCOMPARE(after.workflows.kind, WorkflowResult::Kind::NetworkError);
        QCOMPARE(after.workflows.apiError.kind, ApiErrorKind::CertificateRefused);
        QCOMPARE(after.workflows.apiError.rejectedCertSha256, sha256(m_second));
        QVERIFY2(after.workflows.error.contains(QStringLiteral("certificate changed")),
                 qPrintable(after.workflows.error));
        QVERIFY(after.verify.couldNotRun);
        QVERIFY(!after.verify.passed);
        QVERIFY2(after.verify.steps.first().detail.contains(QStringLiteral("certificate changed")),
                 qPrintable(after.verify.steps.first().detail));
        QCOMPARE(after.sampler.answeredPolls, 0);
        QVERIFY(!after.render.ok);
        QCOMPARE(after.render.error.kind, ApiErrorKind::CertificateRefused);
        QVERIFY2(after.render.error.message.contains(QStringLiteral("certificate changed")),
                 qPrintable(after.render.error.message));
    }

    void publicKeyPinWorks()
    {
        test::SimulatorProcess sim;
        QVERIFY2(startSim(sim, QStringLiteral("first")), qPrintable(sim.error()));
        const QByteArray spki = spkiSha256(m_first);
        QCOMPARE(spki.size(), 32);
        QVERIFY(spki != sha256(m_first));
        const ClientOutcomes r = runAllClients(sim.url(), pinnedTo(spki));
        QVERIFY2(r.workflows.ok(), qPrintable(r.workflows.error));
        QVERIFY2(r.render.ok, qPrintable(r.render.error.message));
        // The key of another certificate does not match.
        const ClientOutcomes other = runAllClients(sim.url(), pinnedTo(spkiSha256(m_second)));
        QCOMPARE(other.workflows.apiError.kind, ApiErrorKind::CertificateRefused);
    }

    void spkiMatchesOpenssl()
    {
        // openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256: the RFC 7469 pin.
        QProcess pub;
        pub.start(QStringLiteral("openssl"),
                  {QStringLiteral("x509"), QStringLiteral("-in"), path(QStringLiteral("first.pem")),
                   QStringLiteral("-pubkey"), QStringLiteral("-noout")});
        QVERIFY(pub.waitForFinished(30000));
        QProcess der;
        der.start(QStringLiteral("openssl"), {QStringLiteral("pkey"), QStringLiteral("-pubin"),
                                              QStringLiteral("-outform"), QStringLiteral("der")});
        QVERIFY(der.waitForStarted(30000));
        der.write(pub.readAllStandardOutput());
        der.closeWriteChannel();
        QVERIFY(der.waitForFinished(30000));
        const QByteArray expected =
            QCryptographicHash::hash(der.readAllStandardOutput(), QCryptographicHash::Sha256);
        QCOMPARE(spkiSha256(m_first), expected);
    }

    void caValidButDifferentCertificateRefusedForPinnedTarget()
    {
        QVERIFY2(makeCaAndLeaf(m_dir.path()), "openssl could not make the test CA");
        const QSslCertificate leaf = certificateAt(path(QStringLiteral("leaf.pem")));
        QVERIFY(!leaf.isNull());
        const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = saved;
        trusting.addCaCertificates(QSslCertificate::fromPath(path(QStringLiteral("ca.pem"))));
        QSslConfiguration::setDefaultConfiguration(trusting);
        struct Restore {
            QSslConfiguration saved;
            ~Restore() { QSslConfiguration::setDefaultConfiguration(saved); }
        } restore{saved};

        test::SimulatorProcess sim;
        QVERIFY2(startSim(sim, QStringLiteral("leaf")), qPrintable(sim.error()));

        // Unpinned: the CA vouches for it.
        const ClientOutcomes unpinned = runAllClients(sim.url(), pinnedTo({}));
        QVERIFY2(unpinned.workflows.ok(), qPrintable(unpinned.workflows.error));

        // Pinned to another certificate: refused by every client, although a trusted CA signed it.
        const ClientOutcomes pinned = runAllClients(sim.url(), pinnedTo(sha256(m_first)));
        QCOMPARE(pinned.workflows.apiError.kind, ApiErrorKind::CertificateRefused);
        QCOMPARE(pinned.workflows.apiError.rejectedCertSha256, sha256(leaf));
        QVERIFY2(pinned.workflows.error.contains(QStringLiteral("not the trusted certificate")),
                 qPrintable(pinned.workflows.error));
        QVERIFY(pinned.verify.couldNotRun);
        QCOMPARE(pinned.sampler.answeredPolls, 0);
        QCOMPARE(pinned.render.error.kind, ApiErrorKind::CertificateRefused);

        // The poller (HttpFetch directly) too.
        SystemClock clock;
        QNetworkAccessManager network;
        PollerOptions options;
        options.baseUrl = sim.url();
        options.trustedCertSha256 = sha256(m_first);
        options.connectTimeoutMs = options.readTimeoutMs = options.wakeTimeoutMs = 5000;
        Poller poller(&network, &clock, options);
        QSignalSpy polled(&poller, &Poller::pollFinished);
        poller.pollNow();
        QVERIFY(polled.wait(20000));
        const PollResult result = polled.first().first().value<PollResult>();
        QCOMPARE(result.state, ConnectionState::Error);
        QCOMPARE(result.rejectedCertSha256, sha256(leaf));

        // Pinned to itself (certificate or key): accepted.
        QVERIFY(runAllClients(sim.url(), pinnedTo(sha256(leaf))).workflows.ok());
        QVERIFY(runAllClients(sim.url(), pinnedTo(spkiSha256(leaf))).workflows.ok());
    }

    void pinnedCertificateForAnotherNameRefused()
    {
        // Self-signed for gw.example.com, served on 127.0.0.1 and pinned: the pin excuses the
        // missing CA, not the wrong name.
        const QSslCertificate other =
            makeSelfSigned(m_dir.path(), QStringLiteral("othername"),
                           QStringLiteral("gw.example.com"), QStringLiteral("DNS:gw.example.com"));
        QVERIFY(!other.isNull());
        test::SimulatorProcess sim;
        QVERIFY2(startSim(sim, QStringLiteral("othername")), qPrintable(sim.error()));
        const ClientOutcomes r = runAllClients(sim.url(), pinnedTo(sha256(other)));
        QCOMPARE(r.workflows.apiError.kind, ApiErrorKind::CertificateRefused);
        QVERIFY2(r.workflows.error.contains(QStringLiteral("host name")) ||
                     r.workflows.error.contains(QStringLiteral("hostname")),
                 qPrintable(r.workflows.error));
        QVERIFY2(r.workflows.error.contains(QStringLiteral("does not excuse")),
                 qPrintable(r.workflows.error));
        QCOMPARE(r.render.error.kind, ApiErrorKind::CertificateRefused);
    }

    void certificateDescription()
    {
        const CertificateDescription d = describeCertificate(m_first);
        QVERIFY(!d.isNull);
        QCOMPARE(d.sha256, sha256(m_first));
        QCOMPARE(d.spkiSha256, spkiSha256(m_first));
        QVERIFY(d.selfSigned);
        QVERIFY(d.names.contains(QStringLiteral("127.0.0.1")));
        const QString text = d.text(QDateTime::currentDateTimeUtc());
        QVERIFY2(text.contains(QStringLiteral("Subject: CN=127.0.0.1")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("self-signed")), qPrintable(text));
        QVERIFY2(text.contains(formatFingerprint(sha256(m_first))), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("UTC")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("expired")));
        QVERIFY(d.text(QDateTime::currentDateTimeUtc().addDays(30))
                    .contains(QStringLiteral("(expired)")));
        QVERIFY(describeCertificate(QSslCertificate()).isNull);
        QVERIFY(pinPolicyText().contains(QStringLiteral("expired")));
    }
};

QTEST_GUILESS_MAIN(TestTlsClients)
#include "TestTlsClients.moc"
