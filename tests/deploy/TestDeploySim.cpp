// The Render client, follower and verifier against the real simulator's Render API stub.
#include "models/deploy/DeployFollower.h"
#include "models/deploy/DeployVerifier.h"
#include "models/deploy/RenderClient.h"
#include "models/domain/Clock.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace ops;

namespace {
const QString kService = QStringLiteral("srv-d0bhivgateway901a");
}

class TestDeploySim : public QObject {
    Q_OBJECT

private:
    test::SimulatorProcess m_sim;
    SystemClock m_clock;
    QNetworkAccessManager m_network;

    QUrl renderApi() const
    {
        QUrl u = m_sim.url();
        u.setPath(QStringLiteral("/render/v1"));
        return u;
    }
    int control(const QByteArray& json)
    {
        QNetworkRequest request(QUrl(m_sim.url().toString() + QStringLiteral("/__sim/render")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = m_network.post(request, json);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(5000);
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    std::unique_ptr<RenderClient> client(const QString& key = QStringLiteral("rnd-sim-key"))
    {
        auto c = std::make_unique<RenderClient>(&m_network, &m_clock);
        c->setBaseUrl(renderApi());
        c->setApiKey(ApiKey::fromText(key));
        return c;
    }
    RenderResult<RenderDeploy> trigger(RenderClient& c)
    {
        RenderResult<RenderDeploy> result;
        bool done = false;
        c.triggerDeploy(kService, RenderClient::ClearCache::Clear,
                        [&](const RenderResult<RenderDeploy>& r) {
                            result = r;
                            done = true;
                        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 5000); }();
        return result;
    }
    RenderDeploy followToEnd(RenderClient& c, const RenderDeploy& d, QStringList* seen = nullptr)
    {
        DeployFollower follower(&c, &m_clock);
        follower.setIntervals(30, 30);
        QSignalSpy finished(&follower, &DeployFollower::finished);
        QObject::connect(&follower, &DeployFollower::statusChanged, &follower,
                         [seen](const RenderDeploy& x) {
                             if (seen) {
                                 *seen << x.status;
                             }
                         });
        follower.follow(kService, d);
        if (follower.isFollowing()) {
            [&] { QVERIFY(finished.wait(10000)); }();
        }
        return follower.deploy();
    }
    // maxLatencyS: the soak's threshold. The soak's short windows also count the test's own fast
    // requests, which pull a bad deploy's measured average well below its mean.
    VerifyReport verify(bool soak, double maxLatencyS = 1.0)
    {
        DeployVerifier verifier(&m_network, &m_clock);
        verifier.setBaseUrl(m_sim.url());
        if (soak) {
            SoakOptions s;
            s.polls = 3;
            s.intervalMs = 300;
            s.maxAvgLatencyS = maxLatencyS;
            verifier.setSoak(s);
        }
        QSignalSpy finished(&verifier, &DeployVerifier::finished);
        verifier.start();
        [&] { QVERIFY(finished.wait(20000)); }();
        return verifier.report();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("plan"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("100")}),
                 qPrintable(m_sim.error()));
    }
    void init() { QCOMPARE(control(R"({"rate_limit": {"remaining": 100, "reset_s": 60}})"), 200); }

    void triggerLiveVerified()
    {
        auto c = client();
        const auto r = trigger(*c);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(r.value.status, QStringLiteral("created"));
        QVERIFY(r.value.id.startsWith(QLatin1String("dep-")));
        QStringList seen;
        const RenderDeploy end = followToEnd(*c, r.value, &seen);
        QCOMPARE(end.status, QStringLiteral("live"));
        QVERIFY2(seen.contains(QStringLiteral("build_in_progress")) &&
                     seen.contains(QStringLiteral("update_in_progress")),
                 qPrintable(seen.join(u',')));
        QVERIFY(c->rateLimit().limit > 0);
        const VerifyReport report = verify(true);
        QVERIFY2(report.passed, qPrintable(report.summary()));
        QCOMPARE(report.steps.size(), 10); // 7 checks, 3 soak steps
        // The plan dialect exports no error counters: the error rate is skipped and said, not
        // passed.
        QCOMPARE(report.steps.at(9).outcome, VerifyStepResult::Outcome::Skipped);
        QVERIFY2(report.summary().contains(QStringLiteral("1 skipped")),
                 qPrintable(report.summary()));
    }

    void buildFailed()
    {
        QCOMPARE(control(R"({"next_deploy": {"fail_at": "build"}})"), 200);
        auto c = client();
        const auto r = trigger(*c);
        QVERIFY(r.ok);
        const RenderDeploy end = followToEnd(*c, r.value);
        QCOMPARE(end.status, QStringLiteral("build_failed"));
        QVERIFY(end.isFailure());
    }

    void queued202()
    {
        QCOMPARE(control(R"({"next_deploy": {"queue": true}})"), 200);
        auto c = client();
        const auto r = trigger(*c);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(r.value.status, QStringLiteral("queued"));
        QCOMPARE(followToEnd(*c, r.value).status, QStringLiteral("live"));
    }

    void rateLimitAndReset()
    {
        QCOMPARE(control(R"({"rate_limit": {"remaining": 0, "reset_s": 1}})"), 200);
        auto c = client();
        const qint64 before = m_clock.nowMs();
        const auto r = trigger(*c);
        QVERIFY(!r.ok);
        QVERIFY(r.error.rateLimited);
        QCOMPARE(r.error.httpStatus, 429);
        QVERIFY(r.error.retryAtMs >= before + 500);
        QVERIFY(r.error.message.contains(QStringLiteral("rate limit")));
        // Refused locally until the reset, without a request.
        const auto again = trigger(*c);
        QVERIFY(!again.ok);
        QCOMPARE(again.error.httpStatus, 0);
        QVERIFY(again.error.rateLimited);
        QTRY_VERIFY_WITH_TIMEOUT(c->nextAllowedMs() == 0, 3000);
        const auto after = trigger(*c);
        QVERIFY2(after.ok, qPrintable(after.error.message));
        followToEnd(*c, after.value);
    }

    void cancel()
    {
        QCOMPARE(control(R"({"stage_ms": 2000})"), 200);
        auto c = client();
        const auto r = trigger(*c);
        QVERIFY(r.ok);
        RenderResult<RenderDeploy> cancelled;
        bool done = false;
        c->cancelDeploy(kService, r.value.id, [&](const RenderResult<RenderDeploy>& x) {
            cancelled = x;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(control(R"({"stage_ms": 100})"), 200);
        QVERIFY2(cancelled.ok, qPrintable(cancelled.error.message));
        QCOMPARE(cancelled.value.status, QStringLiteral("canceled"));
        // Cancelling again: a conflict, in words.
        done = false;
        c->cancelDeploy(kService, r.value.id, [&](const RenderResult<RenderDeploy>& x) {
            cancelled = x;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY(!cancelled.ok);
        QCOMPARE(cancelled.error.httpStatus, 409);
    }

    void wrongKey()
    {
        auto c = client(QStringLiteral("wrong"));
        const auto r = trigger(*c);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.httpStatus, 401);
        QVERIFY(r.error.message.contains(QStringLiteral("API key")));
        QVERIFY(!r.error.message.contains(QStringLiteral("wrong")));
    }

    void comesUpBadThenRollback()
    {
        auto c = client();
        QCOMPARE(control(R"({"next_deploy": {"come_up_bad": {"mean_latency_s": 4.0,
                 "components": {"database": "down"}, "missing_modules": "workflows"}}})"),
                 200);
        const auto r = trigger(*c);
        QVERIFY(r.ok);
        QCOMPARE(followToEnd(*c, r.value).status, QStringLiteral("live"));
        const VerifyReport bad = verify(true, 0.4);
        QVERIFY(!bad.passed);
        QVERIFY(!bad.couldNotRun);
        QCOMPARE(bad.steps.at(0).outcome, VerifyStepResult::Outcome::Failed); // modules
        QVERIFY2(bad.steps.at(0).detail.contains(QStringLiteral("total_modules is 5")),
                 qPrintable(bad.steps.at(0).detail));
        // The checklist's own health step sees the component down too.
        QCOMPARE(bad.steps.at(5).outcome, VerifyStepResult::Outcome::Failed); // /health/detailed
        QVERIFY2(bad.steps.at(5).detail.contains(QStringLiteral("database")),
                 qPrintable(bad.steps.at(5).detail));
        QCOMPARE(bad.steps.at(7).outcome, VerifyStepResult::Outcome::Failed); // soak: healthy
        QVERIFY2(bad.steps.at(8).outcome == VerifyStepResult::Outcome::Failed,
                 qPrintable(bad.steps.at(8).detail)); // latency

        // The rollback target: the previous live deploy.
        QList<RenderDeploy> list;
        bool done = false;
        c->listDeploys(kService, 20, {}, [&](const RenderResult<QList<RenderDeploy>>& x) {
            QVERIFY(x.ok);
            list = x.value;
            done = true;
        });
        QTRY_VERIFY(done);
        const auto target = RenderClient::previousLive(list, r.value.id);
        QVERIFY(target);
        QCOMPARE(target->status, QStringLiteral("deactivated"));
        RenderResult<RenderDeploy> rb;
        done = false;
        c->rollback(kService, target->id, [&](const RenderResult<RenderDeploy>& x) {
            rb = x;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY2(rb.ok, qPrintable(rb.error.message));
        QCOMPARE(rb.value.trigger, QStringLiteral("rollback"));
        QCOMPARE(rb.value.commitId, target->commitId);
        QCOMPARE(followToEnd(*c, rb.value).status, QStringLiteral("live"));
        const VerifyReport good = verify(true);
        QVERIFY2(good.passed, qPrintable(good.summary()));
    }

    void deployHookMasked()
    {
        auto c = client();
        QUrl hook = m_sim.url();
        hook.setPath(QStringLiteral("/render/deploy/") + kService);
        hook.setQuery(QStringLiteral("key=hook-sim-key"));
        const QString masked = RenderClient::maskHookUrl(hook);
        QVERIFY(!masked.contains(QStringLiteral("hook-sim-key")));
        QVERIFY(masked.contains(QStringLiteral("key=****")));
        QCOMPARE(RenderClient::serviceIdFromHook(hook), kService);
        bool done = false;
        RenderResult<bool> r;
        c->triggerHook(hook, [&](const RenderResult<bool>& x) {
            r = x;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        hook.setQuery(QStringLiteral("key=not-the-key"));
        done = false;
        c->triggerHook(hook, [&](const RenderResult<bool>& x) {
            r = x;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY(!r.ok);
        QVERIFY(!r.error.message.contains(QStringLiteral("not-the-key")));
        // Unreachable hook: Qt's error text quotes the URL; the key must not come through.
        QUrl closed(QStringLiteral("http://127.0.0.1:1/render/deploy/srv-x?key=secret-hook-key"));
        done = false;
        c->triggerHook(closed, [&](const RenderResult<bool>& x) {
            r = x;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QVERIFY(!r.ok);
        QVERIFY2(!r.error.message.contains(QStringLiteral("secret-hook-key")),
                 qPrintable(r.error.message));
        // Let the hook's deploy finish before the next test.
        QTest::qWait(800);
    }

    void checklistJsonRoundTrip()
    {
        const QByteArray json = VerifyCheck::listToJson(VerifyCheck::planDefaults());
        QString error;
        const auto back = VerifyCheck::listFromJson(json, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->size(), 7);
        QCOMPARE(back->at(0).expectJson.size(), 2);
        // The whole-answer checks keep their kind.
        QCOMPARE(back->at(5).kind, VerifyCheck::Kind::Health);
        QCOMPARE(back->at(6).kind, VerifyCheck::Kind::Metrics);
        QVERIFY(!VerifyCheck::listFromJson(R"([{"path": "/x", "kind": "yaml"}])", &error));
        QVERIFY(!VerifyCheck::listFromJson(R"([{"path": "no-slash"}])", &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDeploySim)
#include "TestDeploySim.moc"
