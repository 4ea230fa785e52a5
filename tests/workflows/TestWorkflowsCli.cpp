// `bhiv-ops workflows ...` as a script runs it: exit codes, output, the audit file.
#include "models/audit/AuditLog.h"
#include "tests/support/SimulatorProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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

QTEST_GUILESS_MAIN(TestWorkflowsCli)
#include "TestWorkflowsCli.moc"
