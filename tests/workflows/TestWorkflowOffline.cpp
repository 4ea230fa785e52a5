// Workflows without a gateway: the decoder against malformed bodies, the client against a fake
// network (error envelopes, timeouts, no blind retries), the item model, and the audit log.
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/WorkflowListModel.h"
#include "models/workflows/JobDraft.h"
#include "models/workflows/WorkflowClient.h"
#include "models/workflows/WorkflowDecoder.h"
#include "tests/support/FakeNetworkAccessManager.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace ops;
using ops::test::FakeNetworkAccessManager;
using ops::test::FakeResponse;

namespace {

const QByteArray kWorkflow = R"({"workflow_id":"wf_0000abcd","workflow_type":"job_posting",
 "status":"running","created_at":"2025-01-01T10:00:00.123456+00:00",
 "started_at":"2025-01-01T10:00:01.000000+00:00","metadata":{"job_id":"job_1"},
 "steps":[{"step_id":"step_1","name":"validate_job","status":"completed",
           "started_at":"2025-01-01T10:00:01","completed_at":"2025-01-01T10:00:02"},
          {"step_id":"step_2","name":"ai_enhancement","status":"running"},
          {"step_id":"step_3","name":"publish_job","status":"pending"}]})";

struct Waiter {
    bool called = false;
    WorkflowResult result;
    WorkflowClient::Callback callback()
    {
        return [this](const WorkflowResult& r) {
            called = true;
            result = r;
        };
    }
};

} // namespace

class TestWorkflowOffline : public QObject {
    Q_OBJECT
private slots:
    void decodesAWorkflow();
    void decodesMalformedBodies_data();
    void decodesMalformedBodies();
    void listSkipsBadEntries();
    void hugeEpochNumbersAreUnreadable();
    void errorTextFromEnvelopes();
    void clientReadsMalformedReplies();
    void createTimeoutIsNotRetried();
    void planLaunchCreatesThenStarts();
    void monolithHasNoWorkflowApi();
    void readOnlyRefusesChanges();
    void jobDraftValidation();
    void modelUnderTester();
    void durationFollowsTheInjectedClock();
    void modelShowsCancelledThenCompleted();
    void auditLogRoundTrip();
};

void TestWorkflowOffline::decodesAWorkflow()
{
    const auto d = workflowjson::decodeWorkflow(kWorkflow);
    QVERIFY2(d.ok, qPrintable(d.error));
    QCOMPARE(d.value.id, QStringLiteral("wf_0000abcd"));
    QCOMPARE(d.value.type, QStringLiteral("job_posting"));
    QCOMPARE(d.value.state(), WorkflowState::Running);
    QCOMPARE(d.value.stepsDone(), 1);
    QCOMPARE(d.value.totalSteps(), 3);
    QCOMPARE(d.value.currentStep(), QStringLiteral("ai_enhancement"));
    QCOMPARE(d.value.createdMs, 1735725600123LL);
    QCOMPARE(d.value.steps.at(0).completedMs, 1735725602000LL); // no offset: UTC
    QCOMPARE(d.value.metadata.value(QStringLiteral("job_id")).toString(), QStringLiteral("job_1"));
}

void TestWorkflowOffline::decodesMalformedBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << kWorkflow.left(60);
    QTest::newRow("array") << QByteArray("[1,2,3]");
    QTest::newRow("no id") << QByteArray(R"({"status":"running"})");
    QTest::newRow("html") << QByteArray("<html><body>502 Bad Gateway</body></html>");
    QTest::newRow("nul bytes") << QByteArray("{\"workflow_id\":\0\0}", 18);
    QTest::newRow("wrong types") << QByteArray(
        R"({"workflow_id":["x"],"steps":"many","metadata":7,"created_at":{}})");
}

void TestWorkflowOffline::decodesMalformedBodies()
{
    QFETCH(QByteArray, body);
    const auto d = workflowjson::decodeWorkflow(body);
    QVERIFY(!d.ok);
    QVERIFY(!d.error.isEmpty());
    const auto l = workflowjson::decodeWorkflowList(body);
    QVERIFY(!l.ok || l.value.isEmpty());
    // Odd but valid: steps of wrong types are skipped, times unreadable are 0.
    const auto odd = workflowjson::decodeWorkflow(
        R"({"workflow_id":"wf_1","steps":[3,null,{"name":"a","status":"done"}],
            "created_at":"yesterday","started_at":12})");
    QVERIFY(odd.ok);
    QCOMPARE(odd.value.steps.size(), 1);
    QCOMPARE(odd.value.createdMs, qint64(0));
    QCOMPARE(odd.value.startedMs, qint64(12000));
    QCOMPARE(odd.value.status, QStringLiteral("unknown"));
}

void TestWorkflowOffline::listSkipsBadEntries()
{
    const auto l = workflowjson::decodeWorkflowList(
        R"({"workflows":[{"workflow_id":"wf_1","status":"completed"},42,{"status":"x"}],"total":3})");
    QVERIFY(l.ok);
    QCOMPARE(l.value.size(), 1);
    QVERIFY(!workflowjson::decodeWorkflowList(R"({"total":3})").ok);
}

// Found by fuzz_workflow_decoder (UBSan: 1.77778e+98 outside the range of qint64): numbers far
// beyond any date are unreadable times (0), not an overflowing conversion.
void TestWorkflowOffline::hugeEpochNumbersAreUnreadable()
{
    const auto d = workflowjson::decodeWorkflow(
        R"({"workflow_id":"wf_1","created_at":1.77778e98,"started_at":-4e300,
            "completed_at":1735787046.5})");
    QVERIFY(d.ok);
    QCOMPARE(d.value.createdMs, qint64(0));
    QCOMPARE(d.value.startedMs, qint64(0));
    QCOMPARE(d.value.completedMs, qint64(1735787046500));
    QCOMPARE(workflowjson::parseTimeMs(QJsonValue(std::numeric_limits<double>::infinity())),
             qint64(0));
    QCOMPARE(workflowjson::parseTimeMs(QJsonValue(9.2e18)), qint64(0));
    QCOMPARE(workflowjson::parseTimeMs(QJsonValue(99999999999.0)), qint64(99999999999000));
}

void TestWorkflowOffline::errorTextFromEnvelopes()
{
    QCOMPARE(workflowjson::errorText(404, R"({"detail":"Workflow not found"})"),
             QStringLiteral("Workflow not found"));
    QCOMPARE(workflowjson::errorText(500, R"({"error":"x","message":"Database down"})"),
             QStringLiteral("Database down"));
    QCOMPARE(workflowjson::errorText(
                 422, R"({"detail":[{"loc":["body","title"],"msg":"String too short"},
                                    {"loc":["query","workflow_type"],"msg":"Field required"}]})"),
             QStringLiteral("title: String too short; workflow_type: Field required"));
    QCOMPARE(workflowjson::errorText(500, "Internal Server Error"),
             QStringLiteral("Internal Server Error"));
    QCOMPARE(workflowjson::errorText(502, "<html>bad</html>"), QStringLiteral("HTTP 502"));
    const auto fields =
        workflowjson::fieldErrors(R"({"detail":[{"loc":["body","salary","max"],"msg":"bad"}]})");
    QCOMPARE(fields.size(), 1);
    QCOMPARE(fields.at(0).field, QStringLiteral("salary.max"));
}

void TestWorkflowOffline::clientReadsMalformedReplies()
{
    FakeNetworkAccessManager network;
    WorkflowClient client(&network, QUrl(QStringLiteral("https://gw.test")), Dialect::Modular, {},
                          false);
    network.setResponse(QStringLiteral("/v1/workflows"),
                        FakeResponse::json(R"({"workflows": [ {"workflow_id": "wf_1", )"));
    Waiter w;
    client.list({}, {}, 10, w.callback());
    QTRY_VERIFY(w.called);
    QCOMPARE(w.result.kind, WorkflowResult::Kind::BadReply);
    QVERIFY(w.result.error.contains(QStringLiteral("not JSON")));

    network.setResponse(QStringLiteral("/v1/workflows/wf_1"),
                        FakeResponse::text("Internal Server Error", "text/plain", 500));
    Waiter f;
    client.fetch(QStringLiteral("wf_1"), f.callback());
    QTRY_VERIFY(f.called);
    QCOMPARE(f.result.kind, WorkflowResult::Kind::HttpError);
    QCOMPARE(f.result.error, QStringLiteral("Internal Server Error"));

    // A create answered 200 with garbage: not a success, and not retried either.
    network.clearRequests();
    network.setResponse(QStringLiteral("/v1/workflows"), FakeResponse::json("{\"ok\":"));
    Waiter c;
    QSignalSpy refresh(&client, &WorkflowClient::refreshSuggested);
    client.launch(QStringLiteral("job_posting"), {}, c.callback());
    QTRY_VERIFY(c.called);
    QCOMPARE(c.result.kind, WorkflowResult::Kind::BadReply);
    QCOMPARE(network.requests().size(), 1);
    QCOMPARE(refresh.count(), 1);
}

void TestWorkflowOffline::createTimeoutIsNotRetried()
{
    FakeNetworkAccessManager network;
    QTemporaryDir dir;
    AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite")));
    QVERIFY2(audit.open(), qPrintable(audit.errorString()));
    WorkflowClient client(&network, QUrl(QStringLiteral("https://gw.test")), Dialect::Modular, {},
                          false);
    client.setAuditLog(&audit, QStringLiteral("tester"));
    client.setTimeoutMs(300);
    FakeResponse hang;
    hang.neverFinish = true;
    network.setResponse(QStringLiteral("/v1/workflows"), hang);
    QSignalSpy refresh(&client, &WorkflowClient::refreshSuggested);
    QSignalSpy launched(&client, &WorkflowClient::workflowLaunched);
    Waiter w;
    client.launch(QStringLiteral("candidate_onboarding"), QJsonObject{{"candidate_id", "c1"}},
                  w.callback());
    QTRY_VERIFY(w.called);
    QCOMPARE(w.result.kind, WorkflowResult::Kind::UnknownOutcome);
    QVERIFY2(w.result.error.contains(QStringLiteral("unknown outcome")) &&
                 w.result.error.contains(QStringLiteral("check the list")),
             qPrintable(w.result.error));
    QTest::qWait(700); // no second attempt comes later either
    const auto posts = network.requestsTo(QStringLiteral("/v1/workflows"));
    int postCount = 0;
    for (const auto& r : posts)
        postCount += r.operation != QNetworkAccessManager::GetOperation ? 1 : 0;
    QCOMPARE(postCount, 1);
    QCOMPARE(refresh.count(), 1);
    QCOMPARE(launched.count(), 0);
    const auto rows = audit.entries(QStringLiteral("workflow.launch"));
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows.at(0).result.startsWith(QStringLiteral("unknown-outcome")));
}

void TestWorkflowOffline::planLaunchCreatesThenStarts()
{
    FakeNetworkAccessManager network;
    WorkflowClient client(
        &network, QUrl(QStringLiteral("https://gw.test/base/")), Dialect::Plan,
        [] {
            ConnectionPolicy p;
            p.key = ApiKey("k3y");
            return p;
        }(),
        false);
    network.setResponse(QStringLiteral("/base/v1/workflows"),
                        FakeResponse::json(R"({"workflow_id":"wf_12345678","status":"created"})"));
    network.setResponse(QStringLiteral("/base/v1/workflows/wf_12345678/start"),
                        FakeResponse::json(R"({"status":"started"})"));
    QSignalSpy launched(&client, &WorkflowClient::workflowLaunched);
    Waiter w;
    client.launch(QStringLiteral("job_posting"), QJsonObject{{"job_id", "j1"}}, w.callback());
    QTRY_VERIFY(w.called);
    QVERIFY2(w.result.ok(), qPrintable(w.result.error));
    QCOMPARE(w.result.workflowId, QStringLiteral("wf_12345678"));
    QCOMPARE(network.requests().size(), 2);
    const auto create = network.requests().at(0);
    QCOMPARE(create.header("Authorization"), QByteArray("Bearer k3y"));
    const QJsonObject body = QJsonDocument::fromJson(create.body).object();
    QCOMPARE(body.value(QStringLiteral("workflow_type")).toString(), QStringLiteral("job_posting"));
    QCOMPARE(body.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("job_id")),
             QJsonValue(QStringLiteral("j1")));
    QCOMPARE(launched.count(), 1);
    QCOMPARE(launched.at(0).at(2).toString(), QStringLiteral("wf_12345678"));
}

void TestWorkflowOffline::monolithHasNoWorkflowApi()
{
    FakeNetworkAccessManager network;
    WorkflowClient client(&network, QUrl(QStringLiteral("https://gw.test")), Dialect::Monolith, {},
                          false);
    Waiter w;
    client.list({}, {}, 10, w.callback());
    QVERIFY(w.called);
    QCOMPARE(w.result.kind, WorkflowResult::Kind::NoWorkflowApi);
    QVERIFY(w.result.error.contains(QStringLiteral("no workflow API")));
    QCOMPARE(network.requests().size(), 0);
    QVERIFY(WorkflowClient::typesOf(Dialect::Monolith).isEmpty());
}

void TestWorkflowOffline::readOnlyRefusesChanges()
{
    FakeNetworkAccessManager network;
    WorkflowClient client(&network, QUrl(QStringLiteral("https://gw.test")), Dialect::Modular, {},
                          true);
    for (int i = 0; i < 4; ++i) {
        Waiter w;
        if (i == 0)
            client.launch(QStringLiteral("job_posting"), {}, w.callback());
        else if (i == 1)
            client.cancel(QStringLiteral("wf_1"), w.callback());
        else if (i == 2)
            client.rerun(QStringLiteral("wf_1"), w.callback());
        else
            client.createJob(JobDraft{}, w.callback());
        QVERIFY(w.called);
        QCOMPARE(w.result.kind, WorkflowResult::Kind::ReadOnly);
        QVERIFY(w.result.error.contains(QStringLiteral("read-only")));
    }
    QCOMPARE(network.requests().size(), 0);
}

void TestWorkflowOffline::jobDraftValidation()
{
    JobDraft job;
    job.title = QStringLiteral("Dev");
    job.description = QStringLiteral("short");
    job.salaryMin = 90000;
    job.salaryMax = 50000;
    const auto errors = job.validate();
    QStringList fields;
    for (const auto& e : errors)
        fields << e.field;
    QCOMPARE(fields, (QStringList{"title", "description", "salary_max"}));
    job.title = QStringLiteral("Senior Developer");
    job.description = QStringLiteral("Builds the platform's workflow engine.");
    job.salaryMax = 120000;
    QVERIFY(job.validate().isEmpty());
    QCOMPARE(job.toJson().value(QStringLiteral("salary_max")).toInt(), 120000);
    QVERIFY(!job.toJson().contains(QStringLiteral("location")));
}

void TestWorkflowOffline::modelUnderTester()
{
    ManualClock clock(1735725610000);
    WorkflowListModel model(clock);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto wf = workflowjson::decodeWorkflow(kWorkflow).value;
    model.upsert(wf);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, WorkflowListModel::StepsColumn).data().toString(),
             QStringLiteral("1 / 3"));
    QCOMPARE(model.index(0, WorkflowListModel::DurationColumn).data().toString(),
             QStringLiteral("9.0 s"));
    QCOMPARE(model.index(0, WorkflowListModel::CurrentStepColumn).data().toString(),
             QStringLiteral("ai_enhancement"));
    Workflow other;
    other.id = QStringLiteral("wf_2");
    other.type = QStringLiteral("bulk_operations");
    other.status = QStringLiteral("failed");
    model.merge({wf, other});
    QCOMPARE(model.rowCount(), 2);
    wf.status = QStringLiteral("completed");
    model.upsert(wf);
    QCOMPARE(model.index(0, 0).data(WorkflowListModel::StateRole).toInt(),
             int(WorkflowState::Completed));
    model.tick();
    const auto counts = model.countsByTypeAndOutcome();
    QCOMPARE(counts.value({QStringLiteral("bulk_operations"), QStringLiteral("failed")}), 1);
    QCOMPARE(counts.value({QStringLiteral("job_posting"), QStringLiteral("completed")}), 1);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

// A running workflow's duration counts to the injected clock's now: it stands still while the
// wall clock moves, and moves (with a repaint) when the clock is advanced.
void TestWorkflowOffline::durationFollowsTheInjectedClock()
{
    ManualClock clock(1'700'000'000'000); // years before the wall clock
    WorkflowListModel model(clock);
    Workflow running;
    running.id = QStringLiteral("wf_run");
    running.status = QStringLiteral("running");
    running.startedMs = clock.nowMs() - 9000;
    Workflow done = running;
    done.id = QStringLiteral("wf_done");
    done.status = QStringLiteral("completed");
    done.completedMs = running.startedMs + 2000;
    model.merge({running, done});
    const auto duration = [&](const QString& id) {
        return model.index(model.rowOf(id), WorkflowListModel::DurationColumn).data().toString();
    };
    QCOMPARE(duration(running.id), QStringLiteral("9.0 s"));
    QCOMPARE(duration(done.id), QStringLiteral("2.0 s"));

    QSignalSpy repainted(&model, &QAbstractItemModel::dataChanged);
    clock.advanceMs(60'000);
    model.tick();
    QCOMPARE(repainted.count(), 1); // the running row only
    QCOMPARE(repainted.at(0).at(0).value<QModelIndex>().row(), model.rowOf(running.id));
    QCOMPARE(duration(running.id), QStringLiteral("1 min 09 s"));
    QCOMPARE(duration(done.id), QStringLiteral("2.0 s"));

    // Another clock (the page follows another session): counted from it, repainted at once.
    ManualClock later(clock.nowMs() + 3'600'000);
    model.setClock(later);
    QCOMPARE(repainted.count(), 2);
    QCOMPARE(duration(running.id), QStringLiteral("1 h 01 min"));
}

void TestWorkflowOffline::modelShowsCancelledThenCompleted()
{
    ManualClock clock;
    WorkflowListModel model(clock);
    Workflow wf;
    wf.id = QStringLiteral("wf_c");
    wf.status = QStringLiteral("cancelled");
    model.upsert(wf);
    wf.status = QStringLiteral("completed");
    model.upsert(wf);
    QVERIFY(model.isContradiction(wf.id));
    QCOMPARE(model.index(0, WorkflowListModel::StatusColumn).data().toString(),
             QStringLiteral("cancelled, but the gateway later reported completed"));
}

void TestWorkflowOffline::auditLogRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/audit.sqlite"));
    {
        AuditLog log(path);
        QVERIFY2(log.open(), qPrintable(log.errorString()));
        QCOMPARE(log.schemaVersion(), AuditLog::kSchemaVersion);
        AuditLog second(path); // two connections at once
        QVERIFY(second.open());
        AuditEntry e;
        e.timeMs = 1000;
        e.actor = QStringLiteral("ops");
        e.target = QStringLiteral("http://gw");
        e.action = QStringLiteral("deploy.start");
        e.subject = QStringLiteral("srv-1");
        e.details = QJsonObject{{"commit", "abc"}};
        e.result = QStringLiteral("ok");
        QVERIFY(log.append(e));
        QVERIFY(e.id > 0);
        QCOMPARE(second.entries().size(), 1);
        QCOMPARE(second.entries().at(0).details.value(QStringLiteral("commit")).toString(),
                 QStringLiteral("abc"));
    }
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    QVERIFY(!AuditLog::currentUser().isEmpty());
}

QTEST_GUILESS_MAIN(TestWorkflowOffline)
#include "TestWorkflowOffline.moc"
