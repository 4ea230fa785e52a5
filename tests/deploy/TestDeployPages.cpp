// The Deploys tab over the fleet (ui/deploy/DeployPages): a page per session, the current one on
// top, what is missing said on each page from its session's set-up (no service, no key, the
// --url text, the demo's Render API found or not), the targets dialog offered for saved targets
// only, pages following sessions added and removed. Against the real simulator.
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/targets/TargetStore.h"
#include "tests/support/SimulatedTargetRig.h"
#include "ui/deploy/DeployPages.h"
#include "ui/deploy/DeploysPage.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace ops;

class TestDeployPages : public QObject {
    Q_OBJECT

private:
    test::SimulatedTargetRig m_rig;

private slots:
    void initTestCase()
    {
        QVERIFY2(m_rig.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_rig.error()));
    }

    // --url: no Render service, and the page says deploys need a saved target (no dialog).
    void urlTargetSaysDeploysNeedASavedTarget()
    {
        Fleet fleet(m_rig.context());
        QVERIFY(fleet.setCurrent(fleet.addUnsaved(m_rig.target(m_rig.url().toString()))->id()));
        DeployPages pages(&fleet);
        QCOMPARE(pages.count(), 1);
        fleet.start();
        DeploysPage* page = pages.currentPage();
        QVERIFY(page);
        QTRY_VERIFY(page->noticeText().contains(QStringLiteral("Deploys need a saved target")));
        QVERIFY(page->noticeText().contains(m_rig.url().toString()));
        QVERIFY(!page->offersTargets());
    }

    // The demo: its Render API asked for its first service, then the page itself.
    void demoFindsItsService()
    {
        Fleet fleet(m_rig.context());
        Target demo = m_rig.target(QStringLiteral("demo"));
        demo.services = {m_rig.renderService(QString())};
        QVERIFY(writeSecretSync(m_rig.sessionSecrets, secretKeyRenderApiKey(QStringLiteral("demo")),
                                "rnd-sim-key")
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
        Target refused = m_rig.target(QStringLiteral("refused"));
        refused.services = {m_rig.renderService(QString())};
        QVERIFY(writeSecretSync(m_rig.sessionSecrets,
                                secretKeyRenderApiKey(QStringLiteral("refused")), "wrong-key")
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
        auto store = std::make_unique<TargetStore>(m_rig.filePath(QStringLiteral("t.json")));
        QVERIFY(store->load());
        Target bare = m_rig.target(QStringLiteral("bare"));
        Target keyless = m_rig.target(QStringLiteral("keyless"));
        keyless.services = {m_rig.renderService(QStringLiteral("srv-keyless"))};
        keyless.readOnly = true;
        QVERIFY(store->upsert(bare));
        QVERIFY(store->upsert(keyless));
        // Saved: the fleet's writes reload the file under its lock (#17.7).
        QVERIFY(store->save());
        Fleet fleet(m_rig.context());
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
        m_rig.keychainSecrets.setFailure(SecretError::Locked);
        keylessSession->reloadSecrets();
        QTRY_VERIFY(keylessPage->noticeText().contains(QStringLiteral("could not be read")));
        m_rig.keychainSecrets.setFailure(SecretError::None);

        // Its key stored: the page itself, with the service.
        QVERIFY(writeSecretSync(m_rig.keychainSecrets,
                                secretKeyRenderApiKey(QStringLiteral("keyless")), "rnd-sim-key")
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
        QVERIFY(removeSecretSync(m_rig.keychainSecrets,
                                 secretKeyRenderApiKey(QStringLiteral("keyless")))
                    .ok());
    }
};

QTEST_MAIN(TestDeployPages)
#include "TestDeployPages.moc"
