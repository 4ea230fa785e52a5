// `bhiv-ops workflows ...` as a script runs it: exit codes, output, the audit file.
#include "models/audit/AuditLog.h"
#include "tests/support/SimulatorProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

class TestWorkflowsCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void launchWaitCompleted();
    void launchWaitFailed();
    void listAndStatusJson();
    void monolithAndUsage();
    void rerunWithoutRerunRoute_data();
    void rerunWithoutRerunRoute();
    void realCausesNotTheDialect();
    void gatewayBreaksMidWait();
    void unwritableAuditNeedsNoAudit();

private:
    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run run(const QStringList& arguments, const QByteArray& input = {});

    ops::test::SimulatorProcess m_sim;
    QTemporaryDir m_dir;
    QString m_audit;
};

void TestWorkflowsCli::initTestCase()
{
    QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("modular")}),
             qPrintable(m_sim.error()));
    m_audit = m_dir.filePath(QStringLiteral("audit.sqlite"));
}

TestWorkflowsCli::Run TestWorkflowsCli::run(const QStringList& arguments, const QByteArray& input)
{
    QProcess process;
    process.start(QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY")),
                  QStringList{QStringLiteral("workflows")} + arguments);
    process.write(input);
    process.closeWriteChannel();
    Run r;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        return r;
    }
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

void TestWorkflowsCli::launchWaitCompleted()
{
    const Run r =
        run({QStringLiteral("launch"), QStringLiteral("job_posting"), QStringLiteral("--url"),
             m_sim.url().toString(), QStringLiteral("--metadata"),
             QStringLiteral(R"({"job_id":"job_1","step_ms":50})"), QStringLiteral("--wait"),
             QStringLiteral("--api-key-stdin"), QStringLiteral("--audit-db"), m_audit},
            "not-needed-here\n");
    QVERIFY2(r.exitCode == 0, r.out + r.err);
    QVERIFY2(r.out.contains("publish_job"), r.out);
    QVERIFY2(r.out.contains("completed"), r.out);
    QVERIFY(!r.out.contains("not-needed-here"));
    ops::AuditLog audit(m_audit);
    QVERIFY(audit.open());
    const auto rows = audit.entries(QStringLiteral("workflow.launch"));
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0).result, QStringLiteral("ok"));
    QCOMPARE(rows.at(0).subject, QStringLiteral("job_posting"));
}

void TestWorkflowsCli::launchWaitFailed()
{
    const Run r =
        run({QStringLiteral("launch"), QStringLiteral("candidate_onboarding"),
             QStringLiteral("--url"), m_sim.url().toString(), QStringLiteral("--metadata"),
             QStringLiteral(R"({"fail_at_step":3,"step_ms":50})"), QStringLiteral("--wait"),
             QStringLiteral("--audit-db"), m_audit});
    QVERIFY2(r.exitCode == 1, r.out + r.err);
    QVERIFY2(r.out.contains("Simulated failure in step 3"), r.out);
    // An unknown type: the gateway's 422 in words, exit 2.
    const Run bad =
        run({QStringLiteral("launch"), QStringLiteral("payroll"), QStringLiteral("--url"),
             m_sim.url().toString(), QStringLiteral("--audit-db"), m_audit});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("workflow_type: Input should be"), bad.err);
}

void TestWorkflowsCli::listAndStatusJson()
{
    const Run list = run({QStringLiteral("list"), QStringLiteral("--url"), m_sim.url().toString(),
                          QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(list.out).object();
    QCOMPARE(o.value(QStringLiteral("dialect")).toString(), QStringLiteral("modular"));
    const QJsonArray workflows = o.value(QStringLiteral("workflows")).toArray();
    QVERIFY(workflows.size() >= 2);
    const QString id = workflows.at(0).toObject().value(QStringLiteral("workflow_id")).toString();
    const Run status = run({QStringLiteral("status"), id, QStringLiteral("--url"),
                            m_sim.url().toString(), QStringLiteral("--json")});
    QCOMPARE(status.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(status.out).object().value(QStringLiteral("workflow_id")),
             QJsonValue(id));
    const Run human =
        run({QStringLiteral("list"), QStringLiteral("--url"), m_sim.url().toString()});
    QCOMPARE(human.exitCode, 0);
    QVERIFY(human.out.contains(id.toUtf8()));
}

void TestWorkflowsCli::monolithAndUsage()
{
    ops::test::SimulatorProcess monolith;
    QVERIFY(monolith.start({QStringLiteral("--dialect"), QStringLiteral("monolith")}));
    const Run list =
        run({QStringLiteral("list"), QStringLiteral("--url"), monolith.url().toString(),
             QStringLiteral("--dialect"), QStringLiteral("monolith")});
    // Unsupported is not success: exit 2, the sentence on stderr.
    QCOMPARE(list.exitCode, 2);
    QVERIFY2(list.err.contains("no workflow API"), list.err);
    const Run launch =
        run({QStringLiteral("launch"), QStringLiteral("job_posting"), QStringLiteral("--url"),
             monolith.url().toString(), QStringLiteral("--dialect"), QStringLiteral("monolith"),
             QStringLiteral("--audit-db"), m_audit});
    QCOMPARE(launch.exitCode, 2);
    QVERIFY2(launch.err.contains("no workflow API"), launch.err);
    QCOMPARE(run({QStringLiteral("frobnicate")}).exitCode, 3);
    QCOMPARE(run({QStringLiteral("launch"), QStringLiteral("job_posting"), QStringLiteral("--url"),
                  m_sim.url().toString(), QStringLiteral("--metadata"), QStringLiteral("{oops")})
                 .exitCode,
             3);
}

void TestWorkflowsCli::rerunWithoutRerunRoute_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::newRow("plan") << "plan";
    QTest::newRow("modular") << "modular";
}

// Item 2: the gateways on the real Python libraries have no /trigger route (the simulator's
// no_rerun_route fault answers as they do): rerun launches the same type with the same metadata
// and says so; an unknown id is "not found".
void TestWorkflowsCli::rerunWithoutRerunRoute()
{
    QFETCH(QString, dialect);
    ops::test::SimulatorProcess sim;
    QVERIFY2(sim.start({QStringLiteral("--dialect"), dialect}), qPrintable(sim.error()));
    QCOMPARE(sim.setFaults(R"({"no_rerun_route": true})"), 200);
    const QString url = sim.url().toString();
    const Run launched =
        run({QStringLiteral("launch"), QStringLiteral("job_posting"), QStringLiteral("--url"), url,
             QStringLiteral("--metadata"), QStringLiteral(R"({"job_id":"job_9","step_ms":20})"),
             QStringLiteral("--json"), QStringLiteral("--audit-db"), m_audit});
    QVERIFY2(launched.exitCode == 0, launched.out + launched.err);
    const QString id = QJsonDocument::fromJson(launched.out)
                           .object()
                           .value(QStringLiteral("workflow_id"))
                           .toString();
    QVERIFY(!id.isEmpty());
    const Run rerun = run({QStringLiteral("rerun"), id, QStringLiteral("--url"), url,
                           QStringLiteral("--json"), QStringLiteral("--audit-db"), m_audit});
    QVERIFY2(rerun.exitCode == 0, rerun.out + rerun.err);
    QVERIFY2(rerun.err.contains("no re-run route"), rerun.err);
    const QJsonObject o = QJsonDocument::fromJson(rerun.out).object();
    QCOMPARE(o.value(QStringLiteral("rerun_of")).toString(), id);
    QCOMPARE(o.value(QStringLiteral("relaunched")).toBool(), true);
    const QString again = o.value(QStringLiteral("workflow_id")).toString();
    QVERIFY(!again.isEmpty() && again != id);
    const Run status = run(
        {QStringLiteral("status"), again, QStringLiteral("--url"), url, QStringLiteral("--json")});
    QCOMPARE(status.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(status.out).object().value("workflow_type").toString(),
             QStringLiteral("job_posting"));
    // An id the gateway does not know.
    const Run unknown = run({QStringLiteral("rerun"), QStringLiteral("wf_00000000"),
                             QStringLiteral("--url"), url, QStringLiteral("--audit-db"), m_audit});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("not found"), unknown.err);
}

// Item 3: a closed port, an unknown host and an HTTP 500 are said as such, not as "could not
// tell the gateway's dialect".
void TestWorkflowsCli::realCausesNotTheDialect()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString closed = QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort());
    probe.close();
    Run r = run({QStringLiteral("list"), QStringLiteral("--url"), closed});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("refused"), r.err);
    QVERIFY2(!r.err.contains("dialect"), r.err);
    r = run({QStringLiteral("list"), QStringLiteral("--url"),
             QStringLiteral("http://gateway.invalid:8000"), QStringLiteral("--allow-http")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("not found"), r.err);
    QVERIFY2(!r.err.contains("dialect"), r.err);
    ops::test::SimulatorProcess broken;
    QVERIFY(broken.start({QStringLiteral("--dialect"), QStringLiteral("modular")}));
    QCOMPARE(broken.setFaults(R"({"force_status": 500})"), 200);
    r = run({QStringLiteral("list"), QStringLiteral("--url"), broken.url().toString()});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("HTTP 500"), r.err);
}

// Item 5: steps as they happen; a gateway lost mid-wait leaves the state unknown, in words.
void TestWorkflowsCli::gatewayBreaksMidWait()
{
    ops::test::SimulatorProcess sim;
    QVERIFY(sim.start({QStringLiteral("--dialect"), QStringLiteral("modular")}));
    QProcess process;
    process.start(QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY")),
                  {QStringLiteral("workflows"), QStringLiteral("launch"),
                   QStringLiteral("job_posting"), QStringLiteral("--url"), sim.url().toString(),
                   QStringLiteral("--metadata"), QStringLiteral(R"({"step_ms":1500})"),
                   QStringLiteral("--wait"), QStringLiteral("--timeout"), QStringLiteral("2"),
                   QStringLiteral("--audit-db"), m_audit});
    process.closeWriteChannel();
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    // The first finished step shows while the workflow still runs.
    while (!out.contains("step 1/") && timer.elapsed() < 20000) {
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
    }
    QVERIFY2(out.contains("step 1/"), out);
    QCOMPARE(process.state(), QProcess::Running);
    QCOMPARE(sim.setFaults(R"({"force_status": 503})"), 200);
    QVERIFY(process.waitForFinished(60000));
    out += process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 2);
    QVERIFY2(err.contains("state is unknown"), err);
    QVERIFY2(err.contains("last seen"), err);
}

// #17.6: no audit log to write: a launch is refused before the gateway is asked, unless
// --no-audit says it may go unrecorded.
void TestWorkflowsCli::unwritableAuditNeedsNoAudit()
{
    QFile blocker(m_dir.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QString auditDb = blocker.fileName() + QStringLiteral("/audit.sqlite");
    const auto workflowCount = [this] {
        const Run list = run({QStringLiteral("list"), QStringLiteral("--url"),
                              m_sim.url().toString(), QStringLiteral("--json")});
        return QJsonDocument::fromJson(list.out)
            .object()
            .value(QStringLiteral("workflows"))
            .toArray()
            .size();
    };
    const qsizetype before = workflowCount();
    const QStringList launch{QStringLiteral("launch"),     QStringLiteral("job_posting"),
                             QStringLiteral("--url"),      m_sim.url().toString(),
                             QStringLiteral("--audit-db"), auditDb};
    const Run refused = run(launch);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("audit log cannot be written") &&
                 refused.err.contains("--no-audit"),
             refused.err);
    QCOMPARE(workflowCount(), before); // nothing reached the gateway
    const Run allowed = run(launch + QStringList{QStringLiteral("--no-audit")});
    QVERIFY2(allowed.exitCode == 0, allowed.out + allowed.err);
    QVERIFY2(allowed.err.contains("not recorded"), allowed.err);
    QCOMPARE(workflowCount(), before + 1);
}

QTEST_GUILESS_MAIN(TestWorkflowsCli)
#include "TestWorkflowsCli.moc"
