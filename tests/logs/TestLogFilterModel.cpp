// LogBuffer, LogFilter and LogLineModel: bounded, filtered by level/type/text/regex (an invalid
// regex said in words), paused with a count of what arrived, search, and export.
#include "models/logs/LogLineModel.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace ops;

namespace {

LogLine line(int n, LogLevel level = LogLevel::Info, const QString& type = QStringLiteral("app"),
             const QString& message = {})
{
    LogLine l;
    l.id = QStringLiteral("id-%1").arg(n);
    l.timestampMs = 1'767'225'600'000 + n;
    l.timestamp = formatRfc3339(l.timestampMs);
    l.level = level;
    l.type = type;
    l.instance = QStringLiteral("srv-x-1");
    l.message = message.isEmpty() ? QStringLiteral("line %1").arg(n) : message;
    return l;
}

QList<LogLine> lines(int from, int count)
{
    QList<LogLine> out;
    for (int i = from; i < from + count; ++i) {
        out << line(i);
    }
    return out;
}

} // namespace

class TestLogFilterModel : public QObject {
    Q_OBJECT

private slots:
    void bufferIsBounded()
    {
        LogBuffer b(5);
        for (int i = 0; i < 12; ++i) {
            b.append(line(i));
        }
        QCOMPARE(b.size(), 5);
        QCOMPARE(b.at(0).id, QStringLiteral("id-7"));
        QCOMPARE(b.at(4).id, QStringLiteral("id-11"));
        QCOMPARE(b.firstSeq(), 7u);
        QCOMPARE(b.droppedTotal(), 7);
        QVERIFY(b.approximateBytes() > 5 * static_cast<qint64>(sizeof(LogLine)));
        b.setCapacity(2);
        QCOMPARE(b.size(), 2);
        QCOMPARE(b.at(0).id, QStringLiteral("id-10"));
        QCOMPARE(LogBuffer().capacity(), 100000);
    }

    void modelDropsEvictedRows()
    {
        LogLineModel model(100);
        model.append(lines(0, 60));
        model.append(lines(60, 60));
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.lineAt(0).id, QStringLiteral("id-20"));
        // A batch larger than the whole buffer.
        model.append(lines(1000, 250));
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.lineAt(99).id, QStringLiteral("id-1249"));
    }

    void filtersByLevelTypeAndText()
    {
        LogLineModel model;
        model.append({line(1, LogLevel::Error, "app", "Unhandled exception on GET /v1/jobs"),
                      line(2, LogLevel::Warning, "app", "slow request GET /health took 1234 ms"),
                      line(3, LogLevel::Info, "request", "[GET]200 host/v1/jobs"),
                      line(4, LogLevel::Info, "build", "==> Build successful"),
                      line(5, LogLevel::Critical, "app", "worker died")});
        LogFilter f;
        f.setLevels({LogLevel::Error, LogLevel::Critical});
        QVERIFY(model.setFilter(f));
        QCOMPARE(model.rowCount(), 2);
        f = {};
        f.setTypes({QStringLiteral("request"), QStringLiteral("build")});
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 2);
        f = {};
        QVERIFY(f.setText(QStringLiteral("GET"), false));
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(f.setText(QStringLiteral("get /v1"), false)); // case-insensitive
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(f.setText(QStringLiteral("took \\d{4} ms"), true));
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0), LogLineModel::LevelRole).toInt(),
                 static_cast<int>(LogLevel::Warning));
        // New lines go through the same filter.
        model.append({line(6, LogLevel::Warning, "app", "slow request took 2000 ms")});
        QCOMPARE(model.rowCount(), 2);
    }

    void invalidRegexIsSaid()
    {
        LogLineModel model;
        model.append(lines(0, 10));
        LogFilter f;
        QVERIFY(!f.setText(QStringLiteral("took (\\d+ ms"), true));
        QCOMPARE(f.error(), QStringLiteral("Invalid regular expression: missing closing "
                                           "parenthesis at its end"));
        QVERIFY(!f.setText(QStringLiteral("a**b"), true));
        QCOMPARE(f.error(), QStringLiteral("Invalid regular expression at character 3: quantifier "
                                           "does not follow a repeatable item"));
        QVERIFY(!model.setFilter(f));
        QCOMPARE(model.rowCount(), 0);
        // The same text as plain words is fine.
        QVERIFY(f.setText(QStringLiteral("took (\\d+ ms"), false));
        QVERIFY(f.isValid());
    }

    void pauseCountsWhatArrives()
    {
        LogLineModel model;
        QSignalSpy counted(&model, &LogLineModel::arrivedWhilePausedChanged);
        model.append(lines(0, 10));
        model.setPaused(true);
        model.append(lines(10, 5));
        model.append(lines(15, 7));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.arrivedWhilePaused(), 12);
        QCOMPARE(counted.last().first().toInt(), 12);
        model.setPaused(false);
        QCOMPARE(model.rowCount(), 22);
        QCOMPARE(model.arrivedWhilePaused(), 0);
        QCOMPARE(model.lineAt(21).id, QStringLiteral("id-21"));
    }

    void findsNextAndPrevious()
    {
        LogLineModel model;
        model.append({line(0, LogLevel::Info, "app", "alpha"),
                      line(1, LogLevel::Info, "app", "beta"),
                      line(2, LogLevel::Info, "app", "alpha again"),
                      line(3, LogLevel::Info, "app", "gamma")});
        const QRegularExpression re(QStringLiteral("alpha"));
        QCOMPARE(model.find(re, -1, false), 0);
        QCOMPARE(model.find(re, 0, false), 2);
        QCOMPARE(model.find(re, 2, false), 0); // wraps
        QCOMPARE(model.find(re, 2, true), 0);
        QCOMPARE(model.find(re, 0, true), 2);
        QCOMPARE(model.find(QRegularExpression(QStringLiteral("delta")), 0, false), -1);
    }

    void exportsWhatIsShown()
    {
        LogLineModel model;
        model.append(
            {line(1, LogLevel::Error, "app", "boom"), line(2, LogLevel::Info, "app", "ok")});
        LogFilter f;
        f.setLevels({LogLevel::Error});
        model.setFilter(f);
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        QVERIFY(model.exportTo(&out, LogLineModel::ExportFormat::JsonLines));
        const QList<QByteArray> rows = out.data().trimmed().split('\n');
        QCOMPARE(rows.size(), 1);
        const QJsonObject o = QJsonDocument::fromJson(rows[0]).object();
        QCOMPARE(o["id"].toString(), QStringLiteral("id-1"));
        QCOMPARE(o["level"].toString(), QStringLiteral("error"));
        QCOMPARE(o["message"].toString(), QStringLiteral("boom"));
        QCOMPARE(o["instance"].toString(), QStringLiteral("srv-x-1"));

        QBuffer text;
        text.open(QIODevice::WriteOnly);
        QVERIFY(model.exportTo(&text, LogLineModel::ExportFormat::Text));
        QVERIFY(text.data().contains("ERROR"));
        QVERIFY(text.data().contains("boom"));
        QVERIFY(!text.data().contains("ok\n"));

        QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (QBuffer): device not open");
        QBuffer closed; // not open: the write fails and says so
        QString error;
        QVERIFY(!model.exportTo(&closed, LogLineModel::ExportFormat::Text, &error));
        QVERIFY(error.startsWith(QLatin1String("could not write the logs")));
    }
};

QTEST_GUILESS_MAIN(TestLogFilterModel)
#include "TestLogFilterModel.moc"
