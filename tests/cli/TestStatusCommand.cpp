// `bhiv-ops status` and `bhiv-ops --demo --screenshot` as a script or a user runs them.
#include "tests/support/SimulatorProcess.h"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

class TestStatusCommand : public QObject {
    Q_OBJECT
private slots:
    void jsonAgainstEachDialect_data();
    void jsonAgainstEachDialect();
    void degradedExitsOne();
    void unreachableExitsTwo();
    void humanReadableOutput();
    void usageErrors();
    void demoScreenshot();

private:
    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    static Run runConsole(const QStringList& arguments, int timeoutMs = 60000)
    {
        QProcess process;
        process.start(QString::fromLocal8Bit(qgetenv("OPS_CONSOLE_BINARY")), arguments);
        Run run;
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }
};

void TestStatusCommand::jsonAgainstEachDialect_data()
{
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QString>("component");
    QTest::newRow("plan") << "plan"
                          << "database";
    QTest::newRow("modular") << "modular"
                             << "ai_engine";
    QTest::newRow("monolith") << "monolith"
                              << "application";
}

void TestStatusCommand::jsonAgainstEachDialect()
{
    QFETCH(QString, dialect);
    QFETCH(QString, component);
    ops::test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", dialect}), qPrintable(sim.error()));
    const Run run = runConsole({"status", "--url", sim.url().toString(), "--json"});
    QVERIFY2(run.exitCode == 0, run.out + run.err);
    QJsonParseError error;
    const QJsonObject status = QJsonDocument::fromJson(run.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, run.out);
    QCOMPARE(status.value("state").toString(), QStringLiteral("up"));
    QCOMPARE(status.value("dialect").toString(), dialect);
    QCOMPARE(status.value("components").toObject().value(component).toString(),
             QStringLiteral("healthy"));
    QVERIFY2(status.value("latency_avg_s").isDouble(), run.out);
    QVERIFY(status.value("latency_avg_s").toDouble() > 0);
}

void TestStatusCommand::degradedExitsOne()
{
    ops::test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "plan"}), qPrintable(sim.error()));
    QCOMPARE(sim.setFaults(R"({"components": {"database": "down"}})"), 200);
    const Run run = runConsole({"status", "--url", sim.url().toString(), "--json"});
    QCOMPARE(run.exitCode, 1);
    const QJsonObject status = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(status.value("state").toString(), QStringLiteral("degraded"));
    QCOMPARE(status.value("components").toObject().value("database").toString(),
             QStringLiteral("down"));
}

void TestStatusCommand::unreachableExitsTwo()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closed.serverPort();
    closed.close();
    const Run run =
        runConsole({"status", "--url", QStringLiteral("http://127.0.0.1:%1").arg(port), "--json"});
    QCOMPARE(run.exitCode, 2);
    const QJsonObject status = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(status.value("state").toString(), QStringLiteral("unreachable"));
    QVERIFY(status.value("latency_avg_s").isNull());
}

void TestStatusCommand::humanReadableOutput()
{
    ops::test::SimulatorProcess sim;
    QVERIFY2(sim.start({"--dialect", "plan"}), qPrintable(sim.error()));
    const Run run = runConsole({"status", "--url", sim.url().toString()});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("state:    up"), run.out);
    QVERIFY2(run.out.contains("dialect:  plan"), run.out);
    QVERIFY2(run.out.contains("external_services"), run.out);
}

void TestStatusCommand::usageErrors()
{
    QCOMPARE(runConsole({"status"}).exitCode, 3);
    QCOMPARE(runConsole({"status", "--url", "ftp://example"}).exitCode, 3);
    QCOMPARE(runConsole({"status", "--url", "http://127.0.0.1:1", "--timeout", "x"}).exitCode, 3);
    QCOMPARE(runConsole({"--interval", "0"}).exitCode, 3);
}

void TestStatusCommand::demoScreenshot()
{
    QTemporaryDir dir;
    const QString file = dir.filePath("demo.png");
    const Run run = runConsole(
        {"--demo", "--interval", "0.5", "--screenshot", file, "--screenshot-delay", "2"});
    QVERIFY2(run.exitCode == 0, run.out + run.err);
    const QImage image(file);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    // The picture is a painted window, not one flat colour.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

QTEST_GUILESS_MAIN(TestStatusCommand)
#include "TestStatusCommand.moc"
