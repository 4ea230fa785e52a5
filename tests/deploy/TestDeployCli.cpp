// bhiv-ops verify / deploy against the real simulator: exit codes, JSON, refusals, audit rows.
#include "models/audit/AuditLog.h"
#include "tests/support/SimulatorProcess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace ops;

namespace {
const QString kService = QStringLiteral("srv-d0bhivgateway901a");
}

class TestDeployCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;

    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run run(const QStringList& arguments, const QByteArray& input = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path());
        // Saved targets in the test's own folder, never the user's.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"), arguments);
        p.waitForStarted();
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
        }
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }
    QString auditPath() const
    {
        return m_home.path() + QStringLiteral("/BHIV/bhiv-ops/audit.sqlite");
    }

private slots:
    void verifyEachDialect_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<int>("goodExit");
        QTest::newRow("plan") << "plan" << 0;
        QTest::newRow("modular") << "modular" << 0;
        QTest::newRow("monolith") << "monolith" << 1; // no /system/*: checks fail
    }
    void verifyEachDialect()
    {
        QFETCH(QString, dialect);
        QFETCH(int, goodExit);
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), dialect}), qPrintable(sim.error()));
        const Run good =
            run({QStringLiteral("verify"), QStringLiteral("--url"), sim.url().toString(),
                 QStringLiteral("--json"), QStringLiteral("--api-key-stdin")},
                "sim-key\n");
        QVERIFY2(good.exitCode == goodExit, good.out + good.err);
        const QJsonObject o = QJsonDocument::fromJson(good.out).object();
        // The plan's five checks, then /health/detailed and /metrics as a whole (issue 20).
        QCOMPARE(o.value(QStringLiteral("checks")).toArray().size(), 7);
        QCOMPARE(o.value(QStringLiteral("passed")).toBool(), goodExit == 0);
        if (dialect == QLatin1String("monolith")) {
            const QJsonObject first = o.value(QStringLiteral("checks")).toArray().at(0).toObject();
            QCOMPARE(first.value(QStringLiteral("result")).toString(), QStringLiteral("failed"));
            QCOMPARE(first.value(QStringLiteral("http_status")).toInt(), 404);
        }
        QVERIFY(!good.out.contains("sim-key") && !good.err.contains("sim-key"));
        // Broken: every route answers 503.
        QCOMPARE(sim.setFaults(R"({"force_status": 503})"), 200);
        const Run broken =
            run({QStringLiteral("verify"), QStringLiteral("--url"), sim.url().toString()});
        QVERIFY2(broken.exitCode == 1, broken.out + broken.err);
        QVERIFY(broken.out.contains("[failed]"));
    }

    void verifyClosedPort()
    {
        const Run r = run({QStringLiteral("verify"), QStringLiteral("--url"),
                           QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 2, r.out + r.err);
        QVERIFY(QJsonDocument::fromJson(r.out)
                    .object()
                    .value(QStringLiteral("could_not_run"))
                    .toBool());
    }

    // Issue 20 item 1: a gateway answering garbage, or reporting itself degraded, is not
    // "verified".
    void verifyProvesSomething()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("plan")}),
                 qPrintable(sim.error()));
        QCOMPARE(sim.setFaults(R"({"malformed": true, "paths": ["/health/detailed", "/metrics"]})"),
                 200);
        Run r = run({QStringLiteral("verify"), QStringLiteral("--url"), sim.url().toString(),
                     QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 1, r.out + r.err);
        QJsonArray checks =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("checks")).toArray();
        QCOMPARE(checks.at(5).toObject().value("path").toString(),
                 QStringLiteral("/health/detailed"));
        QCOMPARE(checks.at(5).toObject().value("result").toString(), QStringLiteral("failed"));
        QCOMPARE(checks.at(6).toObject().value("path").toString(), QStringLiteral("/metrics"));
        QCOMPARE(checks.at(6).toObject().value("result").toString(), QStringLiteral("failed"));

        QCOMPARE(sim.setFaults(R"({"clear": true, "components": {"database": "degraded"}})"), 200);
        r = run({QStringLiteral("verify"), QStringLiteral("--url"), sim.url().toString(),
                 QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 1, r.out + r.err);
        checks = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("checks")).toArray();
        QVERIFY2(checks.at(5).toObject().value("detail").toString().contains("database"), r.out);

        // A soak whose error rate cannot be measured (the plan exports no error counters) says
        // "skipped", never "passed".
        QCOMPARE(sim.clearFaults(), 200);
        r = run({QStringLiteral("verify"), QStringLiteral("--url"), sim.url().toString(),
                 QStringLiteral("--soak"), QStringLiteral("2"), QStringLiteral("--soak-interval"),
                 QStringLiteral("0.2")});
        QVERIFY2(r.exitCode == 0, r.out + r.err);
        QVERIFY2(r.out.contains("[skipped]     Soak: error rate — not measured"), r.out);
        QVERIFY2(!r.out.contains("[passed]      Soak: error rate"), r.out);
    }

    void verifyStubLatencyIsNamed()
    {
        test::SimulatorProcess sim;
        QVERIFY2(sim.start({QStringLiteral("--dialect"), QStringLiteral("modular")}),
                 qPrintable(sim.error()));
        const Run r = run({QStringLiteral("verify"), QStringLiteral("--url"), sim.url().toString(),
                           QStringLiteral("--soak"), QStringLiteral("2"),
                           QStringLiteral("--soak-interval"), QStringLiteral("0.2")});
        QVERIFY2(r.out.contains("fixed figure"), r.out);
    }

    void verifyUsageErrors()
    {
        for (const QStringList& bad :
             {QStringList{QStringLiteral("--soak"), QStringLiteral("-1")},
              QStringList{QStringLiteral("--timeout"), QStringLiteral("abc")},
              QStringList{QStringLiteral("--soak"), QStringLiteral("3"),
                          QStringLiteral("--max-error-ratio"), QStringLiteral("abc")},
              QStringList{QStringLiteral("--frobnicate")}}) {
            const Run r = run(QStringList{QStringLiteral("verify"), QStringLiteral("--url"),
                                          QStringLiteral("http://127.0.0.1:1")} +
                              bad);
            QVERIFY2(r.exitCode == 3, qPrintable(bad.join(u' ') + r.err));
        }
    }

    void deployRefusesWrongConfirm()
    {
        test::SimulatorProcess sim;
        QVERIFY(sim.start({QStringLiteral("--deploy-stage-ms"), QStringLiteral("50")}));
        QByteArray before;
        QCOMPARE(sim.get(QStringLiteral("/__sim/render"), &before), 200);
        const Run r = run({QStringLiteral("deploy"), QStringLiteral("--url"), sim.url().toString(),
                           QStringLiteral("--render-api"),
                           sim.url().toString() + QStringLiteral("/render/v1"),
                           QStringLiteral("--service"), kService, QStringLiteral("--confirm"),
                           QStringLiteral("srv-other"), QStringLiteral("--render-key-stdin")},
                          "rnd-sim-key\n");
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("refused"));
        QByteArray after;
        QCOMPARE(sim.get(QStringLiteral("/__sim/render"), &after), 200);
        const auto count = [](const QByteArray& b) {
            return QJsonDocument::fromJson(b)
                .object()
                .value(QStringLiteral("deploys"))
                .toArray()
                .size();
        };
        QCOMPARE(count(after), count(before));
    }

    void deployWaitVerifyAndAudit()
    {
        test::SimulatorProcess sim;
        QVERIFY(sim.start({QStringLiteral("--deploy-stage-ms"), QStringLiteral("80")}));
        const QStringList args{QStringLiteral("deploy"),
                               QStringLiteral("--url"),
                               sim.url().toString(),
                               QStringLiteral("--render-api"),
                               sim.url().toString() + QStringLiteral("/render/v1"),
                               QStringLiteral("--service"),
                               kService,
                               QStringLiteral("--confirm"),
                               kService,
                               QStringLiteral("--clear-cache"),
                               QStringLiteral("--verify"),
                               QStringLiteral("--poll-interval"),
                               QStringLiteral("0.05"),
                               QStringLiteral("--render-key-stdin"),
                               QStringLiteral("--json")};
        const Run r = run(args, "rnd-sim-key\n");
        QVERIFY2(r.exitCode == 0, r.out + r.err);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(
            o.value(QStringLiteral("deploy")).toObject().value(QStringLiteral("status")).toString(),
            QStringLiteral("live"));
        QVERIFY(o.value(QStringLiteral("verification"))
                    .toObject()
                    .value(QStringLiteral("passed"))
                    .toBool());
        QVERIFY(!r.out.contains("rnd-sim-key") && !r.err.contains("rnd-sim-key"));

        // A deploy that fails its build: exit 1.
        QCOMPARE(postControl(sim, R"({"next_deploy": {"fail_at": "update"}})"), 200);
        const Run failed = run(args, "rnd-sim-key\n");
        QVERIFY2(failed.exitCode == 1, failed.out + failed.err);

        AuditLog audit(auditPath());
        QVERIFY2(audit.open(), qPrintable(audit.errorString()));
        // The trigger is recorded when Render accepts it (#17.6), the outcome when following
        // ends, as the window does.
        const QList<AuditEntry> triggers = audit.entries(QStringLiteral("deploy.trigger"));
        QCOMPARE(triggers.size(), 2);
        const QList<AuditEntry> outcomes = audit.entries(QStringLiteral("deploy.finished"));
        QCOMPARE(outcomes.size(), 2);
        QCOMPARE(outcomes.at(0).result, QStringLiteral("failed: update_failed"));
        QCOMPARE(outcomes.at(1).result, QStringLiteral("ok: live"));
        for (const AuditEntry& trigger : triggers)
            QVERIFY2(trigger.result.startsWith(QLatin1String("started: ")),
                     qPrintable(trigger.result));
        QCOMPARE(outcomes.at(1).subject, triggers.at(1).subject);
        QVERIFY(!triggers.at(1).actor.isEmpty());
        QCOMPARE(triggers.at(1).target, sim.url().toString());
        QVERIFY(triggers.at(1).subject.startsWith(QLatin1String("dep-")));
        const QList<AuditEntry> verifies = audit.entries(QStringLiteral("deploy.verify"));
        QVERIFY(verifies.size() >= 1);
        QCOMPARE(verifies.last().result, QStringLiteral("ok"));
        for (const AuditEntry& e : audit.entries()) {
            QVERIFY(!QJsonDocument(e.details).toJson().contains("rnd-sim-key"));
        }
    }

    // Ctrl-C while following: the deploy Render accepted is in the audit log already.
    void interruptedWaitIsAudited()
    {
        test::SimulatorProcess sim;
        QVERIFY(sim.start({QStringLiteral("--deploy-stage-ms"), QStringLiteral("5000")}));
        QTemporaryDir home;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"),
                {QStringLiteral("deploy"), QStringLiteral("--url"), sim.url().toString(),
                 QStringLiteral("--render-api"),
                 sim.url().toString() + QStringLiteral("/render/v1"), QStringLiteral("--service"),
                 kService, QStringLiteral("--confirm"), kService, QStringLiteral("--wait"),
                 QStringLiteral("--render-key-stdin")});
        QVERIFY(p.waitForStarted());
        p.write("rnd-sim-key\n");
        p.closeWriteChannel();
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("deploy dep-"), 20000);
        ::kill(pid_t(p.processId()), SIGINT);
        if (!p.waitForFinished(10000)) {
            p.kill();
            p.waitForFinished();
        }
        AuditLog audit(home.path() + QStringLiteral("/BHIV/bhiv-ops/audit.sqlite"));
        QVERIFY2(audit.open(), qPrintable(audit.errorString()));
        const QList<AuditEntry> triggers = audit.entries(QStringLiteral("deploy.trigger"));
        QCOMPARE(triggers.size(), 1);
        QVERIFY2(triggers.first().result.startsWith(QLatin1String("started: ")),
                 qPrintable(triggers.first().result));
        QVERIFY(triggers.first().subject.startsWith(QLatin1String("dep-")));
    }

    // A saved read-only (viewer's) target: `deploy --target` is refused before Render is asked,
    // whatever --confirm says (#17.5: the CLI respects the saved flag, not only the window).
    void readOnlyTargetRefusesDeploy()
    {
        test::SimulatorProcess sim;
        QVERIFY(sim.start({QStringLiteral("--deploy-stage-ms"), QStringLiteral("50")}));
        Run added =
            run({QStringLiteral("targets"), QStringLiteral("add"), QStringLiteral("viewer"),
                 QStringLiteral("--url"), sim.url().toString(), QStringLiteral("--read-only")});
        QVERIFY2(added.exitCode == 0, added.err);
        const auto deploysOnRender = [&] {
            QByteArray state;
            sim.get(QStringLiteral("/__sim/render"), &state);
            return QJsonDocument::fromJson(state)
                .object()
                .value(QStringLiteral("deploys"))
                .toArray()
                .size();
        };
        const qsizetype before = deploysOnRender();
        const Run refused = run(
            {QStringLiteral("deploy"), QStringLiteral("--target"), QStringLiteral("viewer"),
             QStringLiteral("--render-api"), sim.url().toString() + QStringLiteral("/render/v1"),
             QStringLiteral("--service"), kService, QStringLiteral("--confirm"), kService,
             QStringLiteral("--render-key-stdin"), QStringLiteral("--json")},
            "rnd-sim-key\n");
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains("read-only target"), refused.err);
        QCOMPARE(QJsonDocument::fromJson(refused.out)
                     .object()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("read_only"));
        QCOMPARE(deploysOnRender(), before); // nothing reached Render
    }

    // No audit log to write: the deploy is refused unless --no-audit says it may go unrecorded.
    void unwritableAuditNeedsNoAudit()
    {
        test::SimulatorProcess sim;
        QVERIFY(sim.start({QStringLiteral("--deploy-stage-ms"), QStringLiteral("50")}));
        QTemporaryDir home;
        // The data folder is a file: no audit log can be created under it.
        QFile blocker(home.filePath(QStringLiteral("data")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const auto deploy = [&](bool noAudit) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("XDG_DATA_HOME"), blocker.fileName());
            p.setProcessEnvironment(env);
            QStringList args{QStringLiteral("deploy"),
                             QStringLiteral("--url"),
                             sim.url().toString(),
                             QStringLiteral("--render-api"),
                             sim.url().toString() + QStringLiteral("/render/v1"),
                             QStringLiteral("--service"),
                             kService,
                             QStringLiteral("--confirm"),
                             kService,
                             QStringLiteral("--render-key-stdin")};
            if (noAudit)
                args << QStringLiteral("--no-audit");
            p.start(qEnvironmentVariable("OPS_CONSOLE_BINARY"), args);
            p.waitForStarted();
            p.write("rnd-sim-key\n");
            p.closeWriteChannel();
            if (!p.waitForFinished(60000))
                p.kill();
            return Run{p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
        };
        const auto deploysOnRender = [&] {
            QByteArray state;
            sim.get(QStringLiteral("/__sim/render"), &state);
            return QJsonDocument::fromJson(state)
                .object()
                .value(QStringLiteral("deploys"))
                .toArray()
                .size();
        };
        const qsizetype before = deploysOnRender();
        const Run refused = deploy(false);
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("audit log cannot be written") &&
                     refused.err.contains("--no-audit"),
                 refused.err);
        QCOMPARE(deploysOnRender(), before); // nothing reached Render
        const Run allowed = deploy(true);
        QVERIFY2(allowed.exitCode == 0, allowed.out + allowed.err);
        QVERIFY(allowed.err.contains("not recorded"));
        QCOMPARE(deploysOnRender(), before + 1);
    }

private:
    int postControl(test::SimulatorProcess& sim, const QByteArray& json)
    {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(sim.url().toString() + QStringLiteral("/__sim/render")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = network.post(request, json);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(5000);
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
};

QTEST_GUILESS_MAIN(TestDeployCli)
#include "TestDeployCli.moc"
