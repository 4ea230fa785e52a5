// `bhiv-ops targets ...` end to end (real keychain via with-keyring.sh, real simulator):
// add / list / test / export / import / trust / remove, and `status --target`.
#include "models/targets/TargetStore.h"
#include "tests/support/CliRunner.h"
#include "tests/support/SelfSignedCertificate.h"
#include "tests/support/SimulatorProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {
const QByteArray kKey = "cli-secret-0b5e7d-do-not-leak";
} // namespace

class TestTargetsCli : public QObject {
    Q_OBJECT
private:
    test::CliRunner m_cli;
    test::SimulatorProcess m_sim;

    test::CliRunner::Run targets(QStringList arguments, const QByteArray& stdinData = {})
    {
        arguments.prepend(QStringLiteral("targets"));
        return m_cli.run(arguments, stdinData);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("OPS_TEST_SCRATCH"),
                 "run through tests/secrets/with-keyring.sh");
        QVERIFY2(m_sim.start({QStringLiteral("--dialect"), QStringLiteral("monolith"),
                              QStringLiteral("--api-key"), QString::fromLatin1(kKey)}),
                 qPrintable(m_sim.error()));
    }

    void addListTest()
    {
        auto run = targets({QStringLiteral("list")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("no targets"));

        run =
            targets({QStringLiteral("add"), QStringLiteral("sim"), QStringLiteral("--url"),
                     m_sim.url().toString(), QStringLiteral("--api-key-stdin"),
                     QStringLiteral("--read-only"), QStringLiteral("--dialect"),
                     QStringLiteral("monolith"), QStringLiteral("--interval"), QStringLiteral("2")},
                    kKey + "\n");
        QVERIFY2(run.exitCode == 0, run.err.constData());
        // Adding the same name again needs --replace: a usage error (issue 20's exit-code table).
        run = targets({QStringLiteral("add"), QStringLiteral("sim"), QStringLiteral("--url"),
                       m_sim.url().toString()});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains("--replace"));
        // A remote plain-http target needs --allow-http.
        run = targets({QStringLiteral("add"), QStringLiteral("remote"), QStringLiteral("--url"),
                       QStringLiteral("http://gw.example.com")});
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains("plain http"));
        run = targets({QStringLiteral("add"), QStringLiteral("remote"), QStringLiteral("--url"),
                       QStringLiteral("http://gw.example.com"), QStringLiteral("--allow-http")});
        QVERIFY2(run.exitCode == 0, run.err.constData());

        run = targets({QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray list = QJsonDocument::fromJson(run.out).array();
        QCOMPARE(list.size(), 2);
        const QJsonObject sim = list.at(0).toObject();
        QCOMPARE(sim.value(QStringLiteral("name")).toString(), QStringLiteral("sim"));
        QCOMPARE(sim.value(QStringLiteral("read_only")).toBool(), true);
        QCOMPARE(sim.value(QStringLiteral("dialect")).toString(), QStringLiteral("monolith"));
        QCOMPARE(sim.value(QStringLiteral("interval_ms")).toInt(), 2000);
        QCOMPARE(list.at(1).toObject().value(QStringLiteral("allow_plain_http")).toBool(), true);

        run = targets({QStringLiteral("test"), QStringLiteral("sim")});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QVERIFY(run.out.contains("state:    up"));

        // status --target uses the saved target and its key.
        run = m_cli.run({QStringLiteral("status"), QStringLiteral("--target"),
                         QStringLiteral("sim"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QVERIFY(run.out.contains("\"dialect\":\"monolith\""));
    }

    void wrongKeyExitsFour()
    {
        auto run = targets({QStringLiteral("set-key"), QStringLiteral("sim")}, "wrong-key\n");
        QVERIFY2(run.exitCode == 0, run.err.constData());
        run = targets({QStringLiteral("test"), QStringLiteral("sim")});
        QCOMPARE(run.exitCode, 4);
        QVERIFY(run.out.contains("HTTP 401"));
        run = targets({QStringLiteral("set-key"), QStringLiteral("sim")}, kKey + "\n");
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(targets({QStringLiteral("test"), QStringLiteral("sim")}).exitCode, 0);
    }

    // History limits per target: set on add, kept by --replace unless named again, refused
    // outside their ranges or when the rollups would not reach back as far as the raw values.
    void historyLimits()
    {
        const QString url = m_sim.url().toString();
        const auto saved = [this]() -> QJsonObject {
            const auto run = targets({QStringLiteral("list"), QStringLiteral("--json")});
            for (const QJsonValue& v : QJsonDocument::fromJson(run.out).array())
                if (v.toObject().value(QStringLiteral("name")).toString() == u"hist")
                    return v.toObject().value(QStringLiteral("history")).toObject();
            return {};
        };
        auto run = targets({QStringLiteral("add"), QStringLiteral("hist"), QStringLiteral("--url"),
                            url, QStringLiteral("--history-hours"), QStringLiteral("6"),
                            QStringLiteral("--history-days"), QStringLiteral("90"),
                            QStringLiteral("--history-cap-mb"), QStringLiteral("1024")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QJsonObject history = saved();
        QCOMPARE(history.value(QStringLiteral("raw_hours")).toInt(), 6);
        QCOMPARE(history.value(QStringLiteral("rollup_days")).toInt(), 90);
        QCOMPARE(history.value(QStringLiteral("cap_mb")).toInt(), 1024);
        run = targets({QStringLiteral("list")});
        QVERIFY2(run.out.contains("history 6 h every poll, 90 d by the minute, at most 1024 MB"),
                 run.out.constData());
        // Default limits are not repeated on every line of the list.
        QVERIFY(!run.out.contains("history 48 h"));

        // --replace changes the limit named and keeps the others.
        run = targets({QStringLiteral("add"), QStringLiteral("hist"), QStringLiteral("--replace"),
                       QStringLiteral("--history-cap-mb"), QStringLiteral("64")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        history = saved();
        QCOMPARE(history.value(QStringLiteral("raw_hours")).toInt(), 6);
        QCOMPARE(history.value(QStringLiteral("rollup_days")).toInt(), 90);
        QCOMPARE(history.value(QStringLiteral("cap_mb")).toInt(), 64);

        // Refused: usage errors (exit 3) that say why, and the saved limits stay.
        const QList<std::pair<QStringList, QByteArray>> refused = {
            {{QStringLiteral("--history-hours"), QStringLiteral("0")}, "hours"},
            {{QStringLiteral("--history-days"), QStringLiteral("1096")}, "days"},
            {{QStringLiteral("--history-cap-mb"), QStringLiteral("8")}, "MB"},
            {{QStringLiteral("--history-hours"), QStringLiteral("6.5")}, "whole number"},
            {{QStringLiteral("--history-days"), QStringLiteral("lots")}, "whole number"},
            {{QStringLiteral("--history-hours"), QStringLiteral("720"),
              QStringLiteral("--history-days"), QStringLiteral("7")},
             "at least as far back"},
        };
        for (const auto& [options, why] : refused) {
            run = targets(QStringList{QStringLiteral("add"), QStringLiteral("hist"),
                                      QStringLiteral("--replace")} +
                          options);
            QVERIFY2(run.exitCode == 3, qPrintable(options.join(u' ')));
            QVERIFY2(run.err.contains(why), run.err.constData());
        }
        QCOMPARE(saved().value(QStringLiteral("cap_mb")).toInt(), 64);
        QCOMPARE(targets({QStringLiteral("remove"), QStringLiteral("hist")}).exitCode, 0);
    }

    void exportImportWithoutSecrets()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("targets-export.json"));
        auto run = targets({QStringLiteral("export"), file});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QFile exported(file);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QByteArray json = exported.readAll();
        QVERIFY(json.contains("\"sim\""));
        QVERIFY(!json.contains(kKey));

        QCOMPARE(targets({QStringLiteral("remove"), QStringLiteral("remote")}).exitCode, 0);
        run = targets({QStringLiteral("import"), file});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("1 target(s) imported"));
        QVERIFY(run.out.contains("kept the existing sim"));
        run = targets({QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(run.out).array().size(), 2);
        // A file that cannot be read: could not run.
        run = targets({QStringLiteral("import"), dir.filePath(QStringLiteral("missing.json"))});
        QCOMPARE(run.exitCode, 2);
    }

    void trustAndUntrust()
    {
        const QString fingerprint(64, u'a');
        // Plain http presents no certificate to look at: refused unless pinned unseen.
        auto run = targets({QStringLiteral("trust"), QStringLiteral("sim"),
                            QStringLiteral("--fingerprint"), fingerprint});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains("plain http"), run.err.constData());
        run = targets({QStringLiteral("trust"), QStringLiteral("sim"), QStringLiteral("--offline"),
                       QStringLiteral("--fingerprint"), fingerprint});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("AA:AA:AA"));
        run = targets({QStringLiteral("trust"), QStringLiteral("sim"),
                       QStringLiteral("--fingerprint"), QStringLiteral("abc")});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(targets({QStringLiteral("untrust"), QStringLiteral("sim")}).exitCode, 0);
    }

    // `test` describes a refused certificate; `trust` shows the certificate the server presents
    // and pins it only when it is the one named.
    void trustLooksAtTheCertificate()
    {
        QTemporaryDir dir;
        const QByteArray sha = test::makeSelfSignedCertificate(dir.path(), QStringLiteral("tls"));
        QVERIFY2(sha.size() == 32, "openssl could not make a certificate");
        test::SimulatorProcess tls;
        tls.setIgnoreTlsErrors(true);
        QVERIFY2(tls.start({QStringLiteral("--tls-cert"), dir.filePath(QStringLiteral("tls.pem")),
                            QStringLiteral("--tls-key"), dir.filePath(QStringLiteral("tls.key"))}),
                 qPrintable(tls.error()));
        auto run = targets({QStringLiteral("add"), QStringLiteral("tls"), QStringLiteral("--url"),
                            tls.url().toString()});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QString hex = QString::fromLatin1(sha.toHex());

        run = targets({QStringLiteral("test"), QStringLiteral("tls"), QStringLiteral("--timeout"),
                       QStringLiteral("10")});
        QVERIFY2(run.out.contains("refused certificate:") &&
                     run.out.contains("Subject: CN=127.0.0.1") && run.out.contains("self-signed") &&
                     run.out.contains("Valid: "),
                 run.out.constData());

        // Another fingerprint: the certificate is shown, nothing is pinned.
        run = targets({QStringLiteral("trust"), QStringLiteral("tls"),
                       QStringLiteral("--fingerprint"), QString(64, u'b')});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("presents another certificate"), run.err.constData());
        QVERIFY2(run.out.contains("Subject: CN=127.0.0.1"), run.out.constData());
        run = targets({QStringLiteral("list")});
        QVERIFY2(!run.out.contains("BB:BB:BB"), run.out.constData());

        // Its own: shown with what trusting skips, then pinned.
        run = targets(
            {QStringLiteral("trust"), QStringLiteral("tls"), QStringLiteral("--fingerprint"), hex});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("Subject: CN=127.0.0.1") && run.out.contains("Names: ") &&
                     run.out.contains("Public key SHA-256: ") &&
                     run.out.contains("an expired certificate is still refused"),
                 run.out.constData());
        QVERIFY(run.out.indexOf("Subject: ") < run.out.indexOf("trusts the certificate"));
        run = targets({QStringLiteral("list")});
        QVERIFY2(run.out.contains(formatFingerprint(sha).toUtf8()), run.out.constData());

        // Nobody answering: nothing to look at, nothing pinned.
        tls.stop();
        run = targets({QStringLiteral("trust"), QStringLiteral("tls"),
                       QStringLiteral("--fingerprint"), QString(64, u'c'),
                       QStringLiteral("--timeout"), QStringLiteral("5")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("could not see the certificate"), run.err.constData());
        QCOMPARE(targets({QStringLiteral("remove"), QStringLiteral("tls")}).exitCode, 0);
    }

    void removeAndNoLeaks()
    {
        auto run = targets({QStringLiteral("remove"), QStringLiteral("sim")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        // An unknown target is a usage error for every action.
        QCOMPARE(targets({QStringLiteral("remove"), QStringLiteral("sim")}).exitCode, 3);
        QCOMPARE(targets({QStringLiteral("test"), QStringLiteral("sim")}).exitCode, 3);
        QCOMPARE(targets({QStringLiteral("frobnicate")}).exitCode, 3);

        // The settings folder holds the targets file and no secret; the logs (all ops.* on)
        // and the output name keys, never values.
        const QString config = qEnvironmentVariable("XDG_CONFIG_HOME");
        QVERIFY(QFile::exists(config + QStringLiteral("/BHIV/bhiv-ops/targets.json")));
        QCOMPARE(test::filesContaining(qEnvironmentVariable("OPS_TEST_SCRATCH"), kKey),
                 QStringList());
        QVERIFY(!m_cli.transcript().contains(kKey));
        QVERIFY(m_cli.transcript().contains("target/sim/gateway-api-key"));
    }
};

QTEST_GUILESS_MAIN(TestTargetsCli)
#include "TestTargetsCli.moc"
