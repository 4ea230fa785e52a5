// Workflows against the real simulator, in the plan and the modular dialects (and the monolith,
// which has none): launch and follow, a failing step, cancel, re-run, 422, read-only, audit.
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/WorkflowListModel.h"
#include "models/workflows/WorkflowClient.h"
#include "models/workflows/WorkflowTracker.h"
#include "tests/support/SimulatorProcess.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace ops;

namespace {

WorkflowResult call(const std::function<void(WorkflowClient::Callback)>& start)
{
    bool done = false;
    WorkflowResult result;
    start([&](const WorkflowResult& r) {
        done = true;
        result = r;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        qWarning("no answer");
    return result;
}

} // namespace

class TestWorkflowSim : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void launchAndFollowToCompleted_data();
    void launchAndFollowToCompleted();
    void failingStepThenRerun_data();
    void failingStepThenRerun();
    void cancel_data();
    void cancel();
    void unknownTypeIs422_data();
    void unknownTypeIs422();
    void readOnlyBlocksLaunches();
    void createJobStartsAWorkflow();
    void monolithSaysNoWorkflowApi();

private:
    std::unique_ptr<test::SimulatorProcess> startSim(const QString& dialect);
    std::unique_ptr<WorkflowClient> clientFor(const test::SimulatorProcess& sim, Dialect d,
                                              bool readOnly = false);
    Workflow waitFinished(WorkflowClient& client, const QString& id);

    QNetworkAccessManager* m_network = nullptr;
    QTemporaryDir* m_dir = nullptr;
    AuditLog* m_audit = nullptr;
};

void TestWorkflowSim::init()
{
    m_network = new QNetworkAccessManager(this);
    m_dir = new QTemporaryDir;
    m_audit = new AuditLog(m_dir->filePath(QStringLiteral("audit.sqlite")));
    QVERIFY(m_audit->open());
}

void TestWorkflowSim::cleanup()
{
    delete m_audit;
    delete m_dir;
    delete m_network;
}

std::unique_ptr<test::SimulatorProcess> TestWorkflowSim::startSim(const QString& dialect)
{
    auto sim = std::make_unique<test::SimulatorProcess>();
    if (!sim->start({QStringLiteral("--dialect"), dialect, QStringLiteral("--step-ms"),
                     QStringLiteral("50")}))
        qWarning("simulator: %s", qPrintable(sim->error()));
    return sim;
}

std::unique_ptr<WorkflowClient> TestWorkflowSim::clientFor(const test::SimulatorProcess& sim,
                                                           Dialect d, bool readOnly)
{
    auto client =
        std::make_unique<WorkflowClient>(m_network, sim.url(), d, ConnectionPolicy(), readOnly);
    client->setAuditLog(m_audit, QStringLiteral("tester"));
    client->setTimeoutMs(5000);
    return client;
}

Workflow TestWorkflowSim::waitFinished(WorkflowClient& client, const QString& id)
{
    WorkflowTracker tracker(&client);
    tracker.setIntervals(50, 200);
    QSignalSpy finished(&tracker, &WorkflowTracker::finished);
    tracker.follow(id);
    if (!finished.wait(10000))
        return {};
    return finished.at(0).at(0).value<Workflow>();
}

void TestWorkflowSim::launchAndFollowToCompleted_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("steps");
    QTest::newRow("plan") << "plan"
                          << "job_posting" << 5;
    QTest::newRow("modular") << "modular"
                             << "candidate_onboarding" << 6;
}

void TestWorkflowSim::launchAndFollowToCompleted()
{
    QFETCH(QString, dialect);
    QFETCH(QString, type);
    QFETCH(int, steps);
    auto sim = startSim(dialect);
    QVERIFY(!sim->url().isEmpty());
    auto client = clientFor(*sim, *dialectFromName(dialect));
    QSignalSpy launched(client.get(), &WorkflowClient::workflowLaunched);
    const QJsonObject metadata{{"job_id", "job_7"}, {"step_ms", 50}};
    const WorkflowResult r = call([&](auto cb) { client->launch(type, metadata, cb); });
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(r.workflowId.startsWith(QStringLiteral("wf_")));
    QCOMPARE(launched.count(), 1);
    QCOMPARE(launched.at(0).at(1).toString(), type);

    const Workflow wf = waitFinished(*client, r.workflowId);
    QCOMPARE(wf.status, QStringLiteral("completed"));
    QCOMPARE(wf.stepsDone(), steps);
    QCOMPARE(wf.totalSteps(), steps);

    const WorkflowResult list = call([&](auto cb) { client->list({}, type, 10, cb); });
    QVERIFY2(list.ok(), qPrintable(list.error));
    QCOMPARE(list.workflows.size(), 1);
    SystemClock clock; // the simulator's workflows run in real time
    WorkflowListModel model(clock);
    model.merge(list.workflows);
    QCOMPARE(model.index(0, WorkflowListModel::StepsColumn).data().toString(),
             QStringLiteral("%1 / %1").arg(steps));

    const auto rows = m_audit->entries(QStringLiteral("workflow.launch"));
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0).actor, QStringLiteral("tester"));
    QCOMPARE(rows.at(0).target, sim->url().toString());
    QCOMPARE(rows.at(0).subject, type);
    QCOMPARE(rows.at(0).result, QStringLiteral("ok"));
    QCOMPARE(rows.at(0).details.value(QStringLiteral("workflow_id")).toString(), r.workflowId);
    QCOMPARE(rows.at(0).details.value(QStringLiteral("metadata")).toObject(), metadata);
}

void TestWorkflowSim::failingStepThenRerun_data()
{
    launchAndFollowToCompleted_data();
}

void TestWorkflowSim::failingStepThenRerun()
{
    QFETCH(QString, dialect);
    QFETCH(QString, type);
    QFETCH(int, steps);
    auto sim = startSim(dialect);
    auto client = clientFor(*sim, *dialectFromName(dialect));
    const WorkflowResult r = call([&](auto cb) {
        client->launch(type, QJsonObject{{"fail_at_step", 2}, {"step_ms", 50}}, cb);
    });
    QVERIFY2(r.ok(), qPrintable(r.error));
    const Workflow failed = waitFinished(*client, r.workflowId);
    QCOMPARE(failed.status, QStringLiteral("failed"));
    QCOMPARE(failed.stepsDone(), 1);
    QVERIFY(failed.firstError().contains(QStringLiteral("Simulated failure in step 2")));
    QCOMPARE(failed.steps.at(1).state(), WorkflowState::Failed);

    const WorkflowResult rerun = call([&](auto cb) { client->rerun(r.workflowId, cb); });
    QVERIFY2(rerun.ok(), qPrintable(rerun.error));
    const Workflow done = waitFinished(*client, r.workflowId);
    QCOMPARE(done.status, QStringLiteral("completed"));
    QCOMPARE(done.stepsDone(), steps);
    const auto rows = m_audit->entries(QStringLiteral("workflow.rerun"));
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0).subject, r.workflowId);
    QCOMPARE(rows.at(0).result, QStringLiteral("ok"));
}

void TestWorkflowSim::cancel_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QString>("finalStatus");
    // The plan's engine stops the run; the modular one only flips the status, then completes.
    QTest::newRow("plan") << "plan"
                          << "cancelled";
    QTest::newRow("modular") << "modular"
                             << "completed";
}

void TestWorkflowSim::cancel()
{
    QFETCH(QString, dialect);
    QFETCH(QString, finalStatus);
    auto sim = startSim(dialect);
    auto client = clientFor(*sim, *dialectFromName(dialect));
    const WorkflowResult r = call([&](auto cb) {
        client->launch(QStringLiteral("candidate_onboarding"), QJsonObject{{"step_ms", 150}}, cb);
    });
    QVERIFY2(r.ok(), qPrintable(r.error));
    const WorkflowResult c = call([&](auto cb) { client->cancel(r.workflowId, cb); });
    QVERIFY2(c.ok(), qPrintable(c.error));
    QCOMPARE(c.status, QStringLiteral("cancelled"));

    SystemClock clock; // the simulator's workflows run in real time
    WorkflowListModel model(clock);
    model.noteCancelled(r.workflowId);
    WorkflowTracker tracker(client.get());
    tracker.setIntervals(50, 200);
    connect(&tracker, &WorkflowTracker::updated, &model, &WorkflowListModel::upsert);
    QSignalSpy finished(&tracker, &WorkflowTracker::finished);
    tracker.follow(r.workflowId);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.at(0).at(0).value<Workflow>().status, finalStatus);
    QCOMPARE(model.isContradiction(r.workflowId), finalStatus == u"completed");
    if (finalStatus == u"completed")
        QCOMPARE(model.index(0, WorkflowListModel::StatusColumn).data().toString(),
                 QStringLiteral("cancelled, but the gateway later reported completed"));
    // Cancelling a finished workflow: the gateway's words come back.
    const WorkflowResult again = call([&](auto cb) { client->cancel(r.workflowId, cb); });
    QCOMPARE(again.kind, WorkflowResult::Kind::HttpError);
    QVERIFY2(again.error.contains(QStringLiteral("cannot be cancelled")), qPrintable(again.error));
    const auto rows = m_audit->entries(QStringLiteral("workflow.cancel"));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(1).result, QStringLiteral("ok"));
    QVERIFY(rows.at(0).result.startsWith(QStringLiteral("http-error")));
}

void TestWorkflowSim::unknownTypeIs422_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::newRow("plan") << "plan";
    QTest::newRow("modular") << "modular";
}

void TestWorkflowSim::unknownTypeIs422()
{
    QFETCH(QString, dialect);
    auto sim = startSim(dialect);
    auto client = clientFor(*sim, *dialectFromName(dialect));
    const WorkflowResult r =
        call([&](auto cb) { client->launch(QStringLiteral("payroll_run"), {}, cb); });
    QCOMPARE(r.kind, WorkflowResult::Kind::HttpError);
    QCOMPARE(r.httpStatus, 422);
    QVERIFY2(r.error.startsWith(QStringLiteral("workflow_type: Input should be")),
             qPrintable(r.error));
    QCOMPARE(r.fieldErrors.size(), 1);
    QCOMPARE(r.fieldErrors.at(0).field, QStringLiteral("workflow_type"));
    const auto rows = m_audit->entries(QStringLiteral("workflow.launch"));
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows.at(0).result.startsWith(QStringLiteral("http-error")));
}

void TestWorkflowSim::readOnlyBlocksLaunches()
{
    auto sim = startSim(QStringLiteral("modular"));
    auto client = clientFor(*sim, Dialect::Modular, true);
    const WorkflowResult r =
        call([&](auto cb) { client->launch(QStringLiteral("job_posting"), {}, cb); });
    QCOMPARE(r.kind, WorkflowResult::Kind::ReadOnly);
    // Reads still work; nothing was created.
    const WorkflowResult list = call([&](auto cb) { client->list({}, {}, 10, cb); });
    QVERIFY(list.ok());
    QCOMPARE(list.workflows.size(), 0);
    const auto rows = m_audit->entries();
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows.at(0).result.startsWith(QStringLiteral("read-only")));
}

void TestWorkflowSim::createJobStartsAWorkflow()
{
    auto sim = startSim(QStringLiteral("modular"));
    auto client = clientFor(*sim, Dialect::Modular);
    JobDraft job;
    job.title = QStringLiteral("Data Engineer");
    job.description = QStringLiteral("Owns the pipelines that feed the matching engine.");
    job.location = QStringLiteral("Remote");
    QSignalSpy launched(client.get(), &WorkflowClient::workflowLaunched);
    const WorkflowResult r = call([&](auto cb) { client->createJob(job, cb); });
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(!r.jobId.isEmpty());
    QVERIFY(r.workflowId.startsWith(QStringLiteral("wf_")));
    QCOMPARE(launched.count(), 1);
    QCOMPARE(launched.at(0).at(1).toString(), QStringLiteral("job_posting"));
    // The gateway's own 422 (client-side validation bypassed by a too-long title).
    const WorkflowResult invalid = call([&](auto cb) {
        JobDraft bad = job;
        bad.description = QStringLiteral("too short");
        client->createJob(bad, cb);
    });
    QCOMPARE(invalid.kind, WorkflowResult::Kind::Invalid);
    QCOMPARE(invalid.fieldErrors.at(0).field, QStringLiteral("description"));
}

void TestWorkflowSim::monolithSaysNoWorkflowApi()
{
    auto sim = startSim(QStringLiteral("monolith"));
    auto client = clientFor(*sim, Dialect::Monolith);
    const WorkflowResult r = call([&](auto cb) { client->list({}, {}, 10, cb); });
    QCOMPARE(r.kind, WorkflowResult::Kind::NoWorkflowApi);
    QVERIFY(r.error.contains(QStringLiteral("no workflow API")));
    // And the gateway really has none: a plan-shaped client gets a 404, in words.
    auto wrong = clientFor(*sim, Dialect::Plan);
    const WorkflowResult l = call([&](auto cb) { wrong->list({}, {}, 10, cb); });
    QVERIFY(!l.ok());
}

QTEST_GUILESS_MAIN(TestWorkflowSim)
#include "TestWorkflowSim.moc"
