// The fleet: one TargetSession per target, keyed by a stable id. Saved targets follow their
// store (added, edited in place even when renamed, removed), --url and --demo are unsaved
// targets in the same fleet, the current one switches, each session owns its parts (poller,
// monitor, clients, capabilities) and tears them down itself. Against the real simulator.
#include "models/datasource/InstanceSignals.h"
#include "models/datasource/PrometheusFeed.h"
#include "models/deploy/DeploySession.h"
#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/Poller.h"
#include "models/targets/TargetStore.h"
#include "models/workflows/WorkflowClient.h"
#include "tests/support/SimulatedTargetRig.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace ops;

namespace {

// A capability that records what its session told it, and checks at its end that the session's
// parts are still there (capabilities go before the parts they use).
class Probe : public SessionCapability {
public:
    explicit Probe(TargetSession& session, QStringList* journal)
        : SessionCapability(session)
        , m_journal(journal)
        , m_poller(session.poller())
        , m_monitor(session.monitor())
    {
    }
    ~Probe() override
    {
        *m_journal << QStringLiteral("gone:%1:%2")
                          .arg(session().name(), m_poller && m_monitor
                                                     ? QStringLiteral("parts-alive")
                                                     : QStringLiteral("parts-gone"));
    }
    void start() override { *m_journal << QStringLiteral("start:") + session().name(); }
    void stop() override { *m_journal << QStringLiteral("stop:") + session().name(); }
    void targetChanged(const Target& target) override
    {
        *m_journal << QStringLiteral("changed:") + target.name;
    }

private:
    QStringList* m_journal;
    QPointer<Poller> m_poller;
    QPointer<TargetMonitor> m_monitor;
};

} // namespace

class TestFleet : public QObject {
    Q_OBJECT

private:
    test::SimulatedTargetRig m_rig;
    int m_files = 0;

    // A loaded store in a fresh file holding these targets.
    std::unique_ptr<TargetStore> storeWith(const QList<Target>& targets)
    {
        auto store = std::make_unique<TargetStore>(
            m_rig.filePath(QStringLiteral("targets-%1.json").arg(++m_files)));
        if (!store->load())
            return nullptr;
        for (const Target& target : targets) {
            if (!store->upsert(target))
                return nullptr;
        }
        store->save();
        return store;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_rig.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(m_rig.error()));
    }

    void savedSessionsKeepTheirIdAcrossRename()
    {
        Fleet fleet(m_rig.context());
        QSignalSpy added(&fleet, &Fleet::added);
        QSignalSpy removed(&fleet, &Fleet::removed);
        QSignalSpy changed(&fleet, &Fleet::changed);
        fleet.useSavedTargets(storeWith({m_rig.target(QStringLiteral("alpha"), 500),
                                         m_rig.target(QStringLiteral("beta"), 500)}));
        TargetStore* store = fleet.store();
        QVERIFY(store);
        QCOMPARE(added.count(), 2);
        QCOMPARE(fleet.sessions().size(), 2);
        TargetSession* alpha = fleet.sessionNamed(QStringLiteral("alpha"));
        QVERIFY(alpha);
        const QString alphaId = alpha->id();
        QVERIFY(!alphaId.isEmpty());
        QCOMPARE(alphaId, store->idOf(QStringLiteral("alpha")));
        QVERIFY(alphaId != fleet.sessionNamed(QStringLiteral("beta"))->id());
        QVERIFY(alphaId != QStringLiteral("alpha")); // not the display name
        QVERIFY(alpha->isSaved());
        QCOMPARE(fleet.session(alphaId), alpha);

        // Renamed: the same session (same id), told once, its parts following the new name.
        Target renamed = alpha->target();
        renamed.name = QStringLiteral("gamma");
        renamed.readOnly = true;
        QVERIFY(store->replace(QStringLiteral("alpha"), renamed));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().first().value<TargetSession*>(), alpha);
        QCOMPARE(added.count(), 2);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(fleet.session(alphaId), alpha);
        QCOMPARE(alpha->name(), QStringLiteral("gamma"));
        QCOMPARE(alpha->workflows()->targetName(), QStringLiteral("gamma"));
        QVERIFY(alpha->workflows()->isReadOnly());
        QCOMPARE(fleet.sessionNamed(QStringLiteral("alpha")), nullptr);
        // Saving the same settings again is no change.
        QVERIFY(store->upsert(renamed));
        QCOMPARE(changed.count(), 1);

        // The id is in the file: another store reading it sees the same one.
        QVERIFY(store->save());
        TargetStore again(store->path());
        QVERIFY(again.load());
        QCOMPARE(again.idOf(QStringLiteral("gamma")), alphaId);
        QVERIFY(!again.idsAssigned());

        // Removed: its session goes, told before it is deleted.
        QPointer<TargetSession> beta = fleet.sessionNamed(QStringLiteral("beta"));
        const QString betaId = beta->id();
        const TargetSession* betaAddress = beta.data(); // only compared, never used once gone
        QVERIFY(store->remove(QStringLiteral("beta")));
        QCOMPARE(removed.count(), 1);
        QVERIFY(removed.first().first().value<TargetSession*>() == betaAddress);
        QVERIFY(beta.isNull());
        QCOMPARE(fleet.session(betaId), nullptr);
        QCOMPARE(fleet.sessions().size(), 1);

        // Added: a new session with a new id.
        QVERIFY(store->upsert(m_rig.target(QStringLiteral("delta"), 500)));
        QCOMPARE(added.count(), 3);
        TargetSession* delta = fleet.sessionNamed(QStringLiteral("delta"));
        QVERIFY(delta);
        QVERIFY(delta->id() != alphaId && delta->id() != betaId);
        QCOMPARE(fleet.savedTargets().size(), 2);
    }

    // A file from before ids: each target gets one at load, and the fleet keeps them.
    void olderFileGetsIdsThatAreKept()
    {
        const QString path = m_rig.filePath(QStringLiteral("old-targets.json"));
        QJsonArray targets;
        targets.append(m_rig.target(QStringLiteral("one"), 500).toJson());
        targets.append(m_rig.target(QStringLiteral("two"), 500).toJson());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(
                       QJsonObject{{QStringLiteral("format"), QStringLiteral("bhiv-ops-targets")},
                                   {QStringLiteral("version"), 1},
                                   {QStringLiteral("targets"), targets}})
                       .toJson());
        file.close();

        auto store = std::make_unique<TargetStore>(path);
        QVERIFY(store->load());
        QVERIFY(store->idsAssigned());
        const QString one = store->idOf(QStringLiteral("one"));
        const QString two = store->idOf(QStringLiteral("two"));
        QVERIFY(!one.isEmpty() && !two.isEmpty() && one != two);
        Fleet fleet(m_rig.context());
        fleet.useSavedTargets(std::move(store));
        QVERIFY(!fleet.store()->idsAssigned()); // saved
        TargetStore reread(path);
        QVERIFY(reread.load());
        QCOMPARE(reread.idOf(QStringLiteral("one")), one);
        QCOMPARE(reread.idOf(QStringLiteral("two")), two);
        QCOMPARE(fleet.sessionNamed(QStringLiteral("one"))->id(), one);

        // A repeated id (a hand edit) is not shared: the second target gets its own.
        QVERIFY(file.open(QIODevice::WriteOnly));
        QJsonObject first = targets.at(0).toObject();
        QJsonObject second = targets.at(1).toObject();
        first.insert(QStringLiteral("id"), QStringLiteral("same"));
        second.insert(QStringLiteral("id"), QStringLiteral("same"));
        file.write(
            QJsonDocument(QJsonObject{{QStringLiteral("targets"), QJsonArray{first, second}}})
                .toJson());
        file.close();
        QVERIFY(reread.load());
        QCOMPARE(reread.idOf(QStringLiteral("one")), QStringLiteral("same"));
        QVERIFY(reread.idOf(QStringLiteral("two")) != QStringLiteral("same"));
    }

    // --url and --demo: unsaved targets in the same fleet, with the same parts.
    void unsavedTargetsAreSessionsToo()
    {
        Fleet fleet(m_rig.context());
        QSignalSpy added(&fleet, &Fleet::added);
        Target url = m_rig.target(m_rig.url().toString(), 500);
        TargetSession* session = fleet.addUnsaved(url);
        QVERIFY(session);
        QCOMPARE(added.count(), 1);
        QVERIFY(!session->isSaved());
        QCOMPARE(session->id(), QStringLiteral("unsaved/") + m_rig.url().toString());
        QCOMPARE(session->label(), m_rig.url().toString());
        QVERIFY(session->poller() && session->monitor() && session->workflows() &&
                session->deploy());
        // The session's clock, which the Workflows page counts running workflows with.
        QCOMPARE(session->workflows()->clock(), static_cast<const Clock*>(&m_rig.clock));
        QCOMPARE(fleet.store(), nullptr);
        QCOMPARE(fleet.addUnsaved(url), session); // the same target twice is one session

        TargetSession* demo = fleet.addUnsaved(m_rig.target(QStringLiteral("demo"), 500),
                                               QStringLiteral("demo gateway (plan)"));
        QCOMPARE(demo->id(), QStringLiteral("unsaved/demo"));
        QCOMPARE(demo->name(), QStringLiteral("demo")); // the alerts' key: never translated
        QCOMPARE(demo->label(), QStringLiteral("demo gateway (plan)"));
        QCOMPARE(fleet.sessions().size(), 2);

        // An unsaved target's secrets come from session memory only, never the keychain.
        const QString key = secretKeyGatewayApiKey(QStringLiteral("demo"));
        QVERIFY(writeSecretSync(m_rig.keychainSecrets, key, "keychain-value").ok());
        SecretResult read;
        bool answered = false;
        demo->readSecret(key, [&](const SecretResult& r) {
            read = r;
            answered = true;
        });
        QTRY_VERIFY(answered);
        QCOMPARE(read.error, SecretError::NotFound);
        QVERIFY(writeSecretSync(m_rig.sessionSecrets, key, "session-value").ok());
        answered = false;
        demo->readSecret(key, [&](const SecretResult& r) {
            read = r;
            answered = true;
        });
        QTRY_VERIFY(answered);
        QCOMPARE(read.value, QByteArray("session-value"));
        QVERIFY(removeSecretSync(m_rig.sessionSecrets, key).ok());
        QVERIFY(removeSecretSync(m_rig.keychainSecrets, key).ok());

        // Started, it polls like any target.
        fleet.setCurrent(demo->id());
        fleet.start();
        QTRY_VERIFY_WITH_TIMEOUT(demo->monitor()->hasData(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(session->monitor()->hasData(), 10000);
    }

    void currentSwitchesAndIsRemembered()
    {
        Fleet fleet(m_rig.context());
        fleet.useSavedTargets(storeWith({m_rig.target(QStringLiteral("alpha"), 500),
                                         m_rig.target(QStringLiteral("beta"), 500)}));
        QSignalSpy current(&fleet, &Fleet::currentChanged);
        QCOMPARE(fleet.current(), nullptr);
        QString error;
        QVERIFY(!fleet.pickCurrent(QStringLiteral("nobody"), &error));
        QVERIFY2(error.contains(QStringLiteral("nobody")), qPrintable(error));
        QCOMPARE(fleet.current(), nullptr);
        QVERIFY2(fleet.pickCurrent(QString(), &error), qPrintable(error)); // the first
        QCOMPARE(fleet.current(), fleet.sessionNamed(QStringLiteral("alpha")));
        QCOMPARE(current.count(), 1);

        TargetSession* beta = fleet.sessionNamed(QStringLiteral("beta"));
        QVERIFY(fleet.setCurrent(beta->id()));
        QCOMPARE(fleet.current(), beta);
        QCOMPARE(current.count(), 2);
        QCOMPARE(current.last().at(0).value<TargetSession*>(), beta);
        QCOMPARE(current.last().at(1).value<TargetSession*>(),
                 fleet.sessionNamed(QStringLiteral("alpha")));
        QVERIFY(fleet.setCurrent(beta->id())); // already: no signal
        QCOMPARE(current.count(), 2);
        QVERIFY(!fleet.setCurrent(QStringLiteral("no-such-id")));
        QCOMPARE(fleet.current(), beta);

        // Remembered in the file as the last watched: the next start picks it.
        TargetStore again(fleet.store()->path());
        QVERIFY(again.load());
        QCOMPARE(again.lastWatched(), QStringLiteral("beta"));
        auto reread = std::make_unique<TargetStore>(fleet.store()->path());
        QVERIFY(reread->load());
        Fleet next(m_rig.context());
        next.useSavedTargets(std::move(reread));
        QVERIFY(next.pickCurrent(QString(), &error));
        QCOMPARE(next.current()->name(), QStringLiteral("beta"));
        QVERIFY(next.pickCurrent(QStringLiteral("alpha"), &error));
        QCOMPARE(next.current()->name(), QStringLiteral("alpha"));
    }

    // The target on screen, removed, stays (stopped) until another is chosen; then it goes.
    void removedCurrentStaysUntilAnotherIsChosen()
    {
        Fleet fleet(m_rig.context());
        fleet.useSavedTargets(storeWith({m_rig.target(QStringLiteral("alpha"), 500),
                                         m_rig.target(QStringLiteral("beta"), 500)}));
        QString error;
        QVERIFY(fleet.pickCurrent(QStringLiteral("alpha"), &error));
        fleet.start();
        QPointer<TargetSession> alpha = fleet.current();
        QPointer<TargetMonitor> monitor = alpha->monitor();
        QSignalSpy removed(&fleet, &Fleet::removed);
        QVERIFY(fleet.store()->remove(QStringLiteral("alpha")));
        QCOMPARE(removed.count(), 1);
        QVERIFY(!alpha.isNull());
        QVERIFY(!monitor.isNull()); // the window may still show it
        QVERIFY(!alpha->isStarted());
        QVERIFY(!alpha->poller()->isPolling());
        QCOMPARE(fleet.sessions().size(), 1);
        QCOMPARE(fleet.current(), alpha.data());
        QVERIFY(fleet.setCurrent(fleet.sessionNamed(QStringLiteral("beta"))->id()));
        QVERIFY(alpha.isNull());
        QVERIFY(monitor.isNull());
    }

    // Each session owns its parts; a capability is added in one place and reaches every
    // session; teardown goes capability first, parts after, nothing left behind.
    void sessionsOwnTheirPartsAndCapabilities()
    {
        QStringList journal;
        QPointer<Poller> poller;
        QPointer<TargetMonitor> monitor;
        QPointer<WorkflowClient> workflows;
        QPointer<DeploySession> deploy;
        QPointer<TargetSession> kept;
        {
            Fleet fleet(m_rig.context());
            // Registered before the sessions exist...
            fleet.addCapability([&journal](TargetSession& session) {
                return std::make_unique<Probe>(session, &journal);
            });
            fleet.useSavedTargets(storeWith({m_rig.target(QStringLiteral("alpha"), 500),
                                             m_rig.target(QStringLiteral("beta"), 500)}));
            // ...and another after: both reach every session, present and future.
            int second = 0;
            fleet.addCapability([&second](TargetSession& session) {
                ++second;
                return session.name() == u"alpha" ? std::make_unique<SessionCapability>(session)
                                                  : nullptr; // not for every target
            });
            QCOMPARE(second, 2);
            TargetSession* alpha = fleet.sessionNamed(QStringLiteral("alpha"));
            TargetSession* beta = fleet.sessionNamed(QStringLiteral("beta"));
            QVERIFY(alpha->capability<Probe>());
            QVERIFY(beta->capability<Probe>());
            QCOMPARE(alpha->capabilities().size(), 2);
            QCOMPARE(beta->capabilities().size(), 1);
            QCOMPARE(&alpha->capability<Probe>()->session(), alpha);

            QVERIFY(journal.isEmpty()); // nothing starts before the fleet does
            QVERIFY(!alpha->poller()->isPolling());
            fleet.start();
            QVERIFY(journal.contains(QStringLiteral("start:alpha")));
            QVERIFY(journal.contains(QStringLiteral("start:beta")));
            QTRY_VERIFY_WITH_TIMEOUT(alpha->monitor()->hasData(), 10000);
            QTRY_VERIFY_WITH_TIMEOUT(beta->monitor()->hasData(), 10000);
            QCOMPARE(alpha->monitor()->dialect(), Dialect::Plan);

            // A session added while running gets the capabilities and starts at once.
            QVERIFY(fleet.store()->upsert(m_rig.target(QStringLiteral("gamma"), 500)));
            QCOMPARE(second, 3);
            TargetSession* gamma = fleet.sessionNamed(QStringLiteral("gamma"));
            QVERIFY(gamma->capability<Probe>());
            QVERIFY(journal.contains(QStringLiteral("start:gamma")));
            QVERIFY(gamma->isStarted());

            // An edit reaches the capabilities.
            Target edited = beta->target();
            edited.intervalMs = 700;
            QVERIFY(fleet.store()->upsert(edited));
            QVERIFY(journal.contains(QStringLiteral("changed:beta")));
            QTRY_COMPARE(beta->poller()->options().intervalMs, 700); // with its key, read again

            // Removing one: stopped, then its capability goes while its parts are still there,
            // then the parts.
            poller = beta->poller();
            monitor = beta->monitor();
            workflows = beta->workflows();
            deploy = beta->deploy();
            QVERIFY(fleet.store()->remove(QStringLiteral("beta")));
            QVERIFY(poller.isNull() && monitor.isNull() && workflows.isNull() && deploy.isNull());
            const qsizetype stop = journal.indexOf(QStringLiteral("stop:beta"));
            const qsizetype gone = journal.indexOf(QStringLiteral("gone:beta:parts-alive"));
            QVERIFY2(stop >= 0 && gone > stop, qPrintable(journal.join(u',')));

            poller = alpha->poller();
            monitor = alpha->monitor();
            workflows = alpha->workflows();
            deploy = alpha->deploy();
            kept = alpha;
        }
        // The fleet's end takes every session and part with it, capabilities first.
        QVERIFY(kept.isNull());
        QVERIFY(poller.isNull() && monitor.isNull() && workflows.isNull() && deploy.isNull());
        QVERIFY(journal.contains(QStringLiteral("gone:alpha:parts-alive")));
        QVERIFY(journal.contains(QStringLiteral("gone:gamma:parts-alive")));
        QVERIFY(!journal.join(u',').contains(QStringLiteral("parts-gone")));
    }

    // The gateway key: session memory first, then the keychain; its trouble is reported.
    void gatewayKeyFromSessionThenKeychain()
    {
        const QString key = secretKeyGatewayApiKey(QStringLiteral("keyed"));
        QVERIFY(writeSecretSync(m_rig.keychainSecrets, key, "from-keychain").ok());
        Fleet fleet(m_rig.context());
        fleet.useSavedTargets(storeWith({m_rig.target(QStringLiteral("keyed"), 500)}));
        TargetSession* session = fleet.sessionNamed(QStringLiteral("keyed"));
        fleet.start();
        QTRY_COMPARE(session->poller()->options().apiKey, QByteArray("from-keychain"));
        QVERIFY(session->keyProblem().isEmpty());

        QVERIFY(writeSecretSync(m_rig.sessionSecrets, key, "from-session").ok());
        Target edited = session->target();
        edited.intervalMs = 600; // an edit reads the key again
        QVERIFY(fleet.store()->upsert(edited));
        QTRY_COMPARE(session->poller()->options().apiKey, QByteArray("from-session"));
        QVERIFY(removeSecretSync(m_rig.sessionSecrets, key).ok());

        // The keychain locked: polling goes on without the key, and the session says why.
        QSignalSpy notice(session, &TargetSession::noticeChanged);
        m_rig.keychainSecrets.setFailure(SecretError::Locked);
        edited.intervalMs = 650;
        QVERIFY(fleet.store()->upsert(edited));
        QTRY_VERIFY(!session->keyProblem().isEmpty());
        QVERIFY(session->keyProblem().contains(QStringLiteral("locked")));
        QVERIFY(session->poller()->isPolling());
        QVERIFY(notice.count() >= 1);
        m_rig.keychainSecrets.setFailure(SecretError::None);
        QVERIFY(removeSecretSync(m_rig.keychainSecrets, key).ok());
    }

    // The Deploys page's set-up comes from the target and its keys: nothing configured, a
    // REST API service without its key, and a service found through the simulator's Render API.
    void deploySetupFollowsTheTarget()
    {
        Fleet fleet(m_rig.context());
        TargetSession* bare = fleet.addUnsaved(m_rig.target(QStringLiteral("bare"), 500));

        Target noKey = m_rig.target(QStringLiteral("nokey"), 500);
        RenderService api = m_rig.renderService(QStringLiteral("srv-x"));
        noKey.services = {api};
        TargetSession* missingKey = fleet.addUnsaved(noKey);

        Target demo = m_rig.target(QStringLiteral("demo"), 500);
        api.serviceId.clear(); // the first service the Render API lists
        demo.services = {api};
        QVERIFY(writeSecretSync(m_rig.sessionSecrets, secretKeyRenderApiKey(QStringLiteral("demo")),
                                "rnd-sim-key")
                    .ok());
        TargetSession* discovered = fleet.addUnsaved(demo);

        Target wrong = m_rig.target(QStringLiteral("wrongkey"), 500);
        wrong.services = {api};
        QVERIFY(writeSecretSync(m_rig.sessionSecrets,
                                secretKeyRenderApiKey(QStringLiteral("wrongkey")), "nope")
                    .ok());
        TargetSession* refused = fleet.addUnsaved(wrong);

        QCOMPARE(discovered->deploySetup().state, DeploySetup::State::Waiting);
        fleet.start();
        QTRY_COMPARE(bare->deploySetup().state, DeploySetup::State::NoService);
        QTRY_COMPARE(missingKey->deploySetup().state, DeploySetup::State::NoRenderKey);
        QVERIFY(missingKey->deploySetup().problem.isEmpty()); // none stored, no trouble
        QTRY_COMPARE_WITH_TIMEOUT(discovered->deploySetup().state, DeploySetup::State::Ready,
                                  10000);
        QVERIFY(!discovered->deploySetup().serviceName.isEmpty());
        QVERIFY(discovered->deploy()->serviceId().startsWith(QStringLiteral("srv-")));
        QTRY_VERIFY_WITH_TIMEOUT(!discovered->deploy()->history().isEmpty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(refused->deploySetup().state, DeploySetup::State::DiscoveryFailed,
                                  10000);
        QVERIFY(!refused->deploySetup().problem.isEmpty());
        QVERIFY(refused->deploy()->serviceId().isEmpty());
        QVERIFY(
            removeSecretSync(m_rig.sessionSecrets, secretKeyRenderApiKey(QStringLiteral("demo")))
                .ok());
        QVERIFY(removeSecretSync(m_rig.sessionSecrets,
                                 secretKeyRenderApiKey(QStringLiteral("wrongkey")))
                    .ok());
    }

    // The targets dialog's Test: one poll, answered in words.
    void testTargetAnswersOnce()
    {
        Fleet fleet(m_rig.context());
        QString text;
        bool ok = false;
        int answers = 0;
        fleet.testTarget(m_rig.target(QStringLiteral("probe"), 500), QByteArray(),
                         [&](const QString& t, bool answered) {
                             text = t;
                             ok = answered;
                             ++answers;
                         });
        QTRY_COMPARE_WITH_TIMEOUT(answers, 1, 10000);
        QVERIFY2(ok, qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("plan")), qPrintable(text));

        // Nothing listens there: not answering, said so.
        Target closed = m_rig.target(QStringLiteral("closed"), 500);
        closed.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        closed.connectTimeoutMs = 500;
        closed.readTimeoutMs = 500;
        fleet.testTarget(closed, QByteArray(), [&](const QString& t, bool answered) {
            text = t;
            ok = answered;
            ++answers;
        });
        QTRY_COMPARE_WITH_TIMEOUT(answers, 2, 10000);
        QVERIFY(!ok);
        QVERIFY2(text.startsWith(QStringLiteral("http://127.0.0.1:9")), qPrintable(text));
        QTest::qWait(200);
        QCOMPARE(answers, 2);
    }

    // A Prometheus target side by side: its session hands out the feed's per-instance signals
    // (what the dashboard draws a line per instance from) and says when they appear; an
    // aggregated one, or a direct scrape, has none.
    void sessionGivesItsInstanceSignals()
    {
        Target sideBySide = m_rig.target(QStringLiteral("fleet"), 500);
        sideBySide.dataSource.kind = DataSourceConfig::Kind::Prometheus;
        // Nothing listens there: the feed keeps trying, its instance signals exist regardless.
        sideBySide.dataSource.url = QUrl(QStringLiteral("http://127.0.0.1:9"));
        sideBySide.dataSource.selector = QStringLiteral("job=\"bhiv-gateway\"");
        sideBySide.dataSource.sideBySide = true;
        Target aggregated = sideBySide;
        aggregated.name = QStringLiteral("aggregated");
        aggregated.dataSource.sideBySide = false;
        Fleet fleet(m_rig.context());
        auto store =
            storeWith({sideBySide, aggregated, m_rig.target(QStringLiteral("direct"), 500)});
        QVERIFY(store);
        fleet.useSavedTargets(std::move(store));
        TargetSession* perInstance = fleet.sessionNamed(QStringLiteral("fleet"));
        TargetSession* sum = fleet.sessionNamed(QStringLiteral("aggregated"));
        TargetSession* direct = fleet.sessionNamed(QStringLiteral("direct"));
        QVERIFY(perInstance && sum && direct);
        QVERIFY(!perInstance->instanceSignals()); // no feed before the session starts
        // The dashboard's selected endpoint, given before the feed exists, reaches it.
        perInstance->setEndpointFocus(QStringLiteral("/v1/jobs"));
        QVERIFY(!perInstance->endpointInstanceSignals());
        QSignalSpy changed(perInstance, &TargetSession::instanceSignalsChanged);
        QSignalSpy sumChanged(sum, &TargetSession::instanceSignalsChanged);
        fleet.start();
        QCOMPARE(changed.size(), 1);
        QVERIFY(perInstance->prometheus());
        QVERIFY(perInstance->instanceSignals());
        QCOMPARE(perInstance->instanceSignals(), perInstance->prometheus()->instanceSignals());
        QCOMPARE(perInstance->prometheus()->endpointFocus(), QStringLiteral("/v1/jobs"));
        // Not connected (nothing listens): no per-endpoint store until the server answers.
        QVERIFY(!perInstance->endpointInstanceSignals());
        perInstance->setEndpointFocus(QString());
        QCOMPARE(perInstance->prometheus()->endpointFocus(), QString());
        QVERIFY(sum->prometheus());
        QVERIFY(!sum->instanceSignals());
        QCOMPARE(sumChanged.size(), 0);
        QVERIFY(!direct->prometheus());
        QVERIFY(!direct->instanceSignals());
        // They go with the session.
        QPointer<InstanceSignals> instances = perInstance->instanceSignals();
        QVERIFY(fleet.store()->remove(QStringLiteral("fleet")));
        QVERIFY(instances.isNull());
    }
};

QTEST_MAIN(TestFleet)
#include "TestFleet.moc"
