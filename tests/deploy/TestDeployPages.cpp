// The Deploys tab over the fleet (ui/deploy/DeployPages): a page per session, the current one on
// top, what is missing said on each page from its session's set-up (no service, no key, the
// --url text, the demo's Render API found or not), the targets dialog offered for saved targets
// only, pages following sessions added and removed. Against the real simulator.
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/secrets/ChainedSecretStore.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/targets/TargetStore.h"
#include "tests/support/SimulatorProcess.h"
#include "ui/deploy/DeployPages.h"
#include "ui/deploy/DeploysPage.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestDeployPages : public QObject {
    Q_OBJECT

private:
    test::SimulatorProcess m_sim;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    SystemClock m_clock;
    MemorySecretStore m_session;
    MemorySecretStore m_keychain;
    std::unique_ptr<ChainedSecretStore> m_secrets;

    FleetContext context() { return {&m_network, &m_clock, m_secrets.get(), nullptr}; }

    Target target(const QString& name) const
    {
        Target t;
        t.name = name;
        t.baseUrl = m_sim.url();
        t.intervalMs = 1000;
        return t;
    }

    RenderService simulatorRender(const QString& serviceId) const
    {
        RenderService render;
        render.restApi = true;
        render.serviceId = serviceId;
        render.apiBaseUrl = m_sim.url().resolved(QUrl(QStringLiteral("/render/v1")));
        return render;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_sim.error()));
        m_secrets = std::make_unique<ChainedSecretStore>(&m_session, &m_keychain);
    }

    // --url: no Render service, and the page says deploys need a saved target (no dialog).
    void urlTargetSaysDeploysNeedASavedTarget()
    {
        Fleet fleet(context());
        QVERIFY(fleet.setCurrent(fleet.addUnsaved(target(m_sim.url().toString()))->id()));
        DeployPages pages(&fleet);
        QCOMPARE(pages.count(), 1);
        fleet.start();
        DeploysPage* page = pages.currentPage();
        QVERIFY(page);
        QTRY_VERIFY(page->noticeText().contains(QStringLiteral("Deploys need a saved target")));
        QVERIFY(page->noticeText().contains(m_sim.url().toString()));
        QVERIFY(!page->offersTargets());
    }

    // The demo: its Render API asked for its first service, then the page itself.
    void demoFindsItsService()
    {
        Fleet fleet(context());
        Target demo = target(QStringLiteral("demo"));
        demo.services = {simulatorRender(QString())};
        QVERIFY(
            writeSecretSync(m_session, secretKeyRenderApiKey(QStringLiteral("demo")), "rnd-sim-key")
                .ok());
        QVERIFY(fleet.setCurrent(fleet.addUnsaved(demo, QStringLiteral("demo gateway"))->id()));
        DeployPages pages(&fleet);
        DeploysPage* page = pages.currentPage();
        QVERIFY(page->noticeText().contains(QStringLiteral("Asking the demo gateway")));
        fleet.start();
        QTRY_VERIFY_WITH_TIMEOUT(page->noticeText().isEmpty(), 10000);
        QVERIFY(!page->serviceName().isEmpty());
        QVERIFY(fleet.current()->deploy()->serviceId().startsWith(QStringLiteral("srv-")));

        // A wrong key: the page says the Render API did not answer, in words.
        Target refused = target(QStringLiteral("refused"));
        refused.services = {simulatorRender(QString())};
        QVERIFY(writeSecretSync(m_session, secretKeyRenderApiKey(QStringLiteral("refused")),
                                "wrong-key")
                    .ok());
        TargetSession* session = fleet.addUnsaved(refused);
        QCOMPARE(pages.count(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(
            pages.pageOf(session)->noticeText().contains(QStringLiteral("did not answer")), 10000);
        QCOMPARE(pages.currentPage(), page); // still the demo on top
    }

    // Saved targets: what is missing, with the targets dialog offered; pages follow the
    // current session and the store.
    void savedTargetsSayWhatIsMissing()
    {
        auto store = std::make_unique<TargetStore>(m_dir.filePath(QStringLiteral("t.json")));
        QVERIFY(store->load());
        Target bare = target(QStringLiteral("bare"));
        Target keyless = target(QStringLiteral("keyless"));
        keyless.services = {simulatorRender(QStringLiteral("srv-keyless"))};
        keyless.readOnly = true;
        QVERIFY(store->upsert(bare));
        QVERIFY(store->upsert(keyless));
        // Saved: the fleet's writes reload the file under its lock (#17.7).
        QVERIFY(store->save());
        Fleet fleet(context());
        fleet.useSavedTargets(std::move(store));
        QString error;
        QVERIFY2(fleet.pickCurrent(QStringLiteral("bare"), &error), qPrintable(error));
        DeployPages pages(&fleet);
        QSignalSpy configure(&pages, &DeployPages::configureRequested);
        QCOMPARE(pages.count(), 2);
        fleet.start();

        DeploysPage* barePage = pages.currentPage();
        QTRY_VERIFY(barePage->noticeText().contains(
            QStringLiteral("No Render service is configured for bare")));
        QVERIFY(barePage->offersTargets());
        QVERIFY(!barePage->isReadOnly());
        emit barePage->configureRequested();
        QCOMPARE(configure.count(), 1);
        QCOMPARE(configure.first().first().toString(), fleet.current()->id());

        TargetSession* keylessSession = fleet.sessionNamed(QStringLiteral("keyless"));
        QVERIFY(fleet.setCurrent(keylessSession->id()));
        DeploysPage* keylessPage = pages.currentPage();
        QVERIFY(keylessPage != barePage);
        QCOMPARE(pages.currentWidget(), keylessPage);
        QTRY_VERIFY(
            keylessPage->noticeText().contains(QStringLiteral("No Render API key is stored")));
        QVERIFY(keylessPage->isReadOnly());

        // The keychain locked: the page says the key could not be read.
        m_keychain.setFailure(SecretError::Locked);
        keylessSession->reloadSecrets();
        QTRY_VERIFY(keylessPage->noticeText().contains(QStringLiteral("could not be read")));
        m_keychain.setFailure(SecretError::None);

        // Its key stored: the page itself, with the service.
        QVERIFY(writeSecretSync(m_keychain, secretKeyRenderApiKey(QStringLiteral("keyless")),
                                "rnd-sim-key")
                    .ok());
        keylessSession->reloadSecrets();
        QTRY_VERIFY_WITH_TIMEOUT(keylessPage->noticeText().isEmpty(), 10000);
        QCOMPARE(keylessPage->serviceName(), QStringLiteral("srv-keyless"));

        // Edited: the read-only flag follows.
        Target writable = keylessSession->target();
        writable.readOnly = false;
        QVERIFY(fleet.store()->upsert(writable));
        QVERIFY(!keylessPage->isReadOnly());

        // Removed: its page goes with it.
        QPointer<DeploysPage> gone = barePage;
        QVERIFY(fleet.store()->remove(QStringLiteral("bare")));
        QVERIFY(gone.isNull());
        QCOMPARE(pages.count(), 1);
        QVERIFY(
            removeSecretSync(m_keychain, secretKeyRenderApiKey(QStringLiteral("keyless"))).ok());
    }
};

QTEST_MAIN(TestDeployPages)
#include "TestDeployPages.moc"
