// bhiv-ops verify / deploy against the real simulator: exit codes, JSON, refusals, audit rows.
#include "models/audit/AuditLog.h"
#include "tests/support/SimulatorProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

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
        const QList<AuditEntry> triggers = audit.entries(QStringLiteral("deploy.trigger"));
        QCOMPARE(triggers.size(), 2);
        QCOMPARE(triggers.at(0).result, QStringLiteral("failed: update_failed"));
        QCOMPARE(triggers.at(1).result, QStringLiteral("ok: live"));
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
