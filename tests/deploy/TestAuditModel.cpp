// The audit log as an item model: QAbstractItemModelTester over rows from a temporary SQLite
// log, new rows picked up by refresh(), filters, and the CSV export.
#include "models/audit/AuditLog.h"
#include "models/itemmodels/AuditTableModel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

AuditEntry row(qint64 timeMs, const QString& target, const QString& action, const QString& subject,
               const QString& result, const QJsonObject& details = {})
{
    AuditEntry e;
    e.timeMs = timeMs;
    e.actor = QStringLiteral("alice");
    e.target = target;
    e.action = action;
    e.subject = subject;
    e.result = result;
    e.details = details;
    return e;
}

} // namespace

class TestAuditModel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<AuditLog> m_log;

    void append(AuditEntry e) { QVERIFY2(m_log->append(e), qPrintable(m_log->errorString())); }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_log = std::make_unique<AuditLog>(
            m_dir.filePath(QStringLiteral("audit-%1.sqlite").arg(QTest::currentTestFunction())));
        QVERIFY2(m_log->open(), qPrintable(m_log->errorString()));
        append(row(1700000000000, QStringLiteral("prod"), QStringLiteral("deploy.trigger"),
                   QStringLiteral("dep-1"), QStringLiteral("started: created"),
                   {{QStringLiteral("clear_cache"), false}}));
        append(row(1700000060000, QStringLiteral("staging"), QStringLiteral("workflow.launch"),
                   QStringLiteral("wf-7"), QStringLiteral("ok")));
        append(row(1700000120000, QStringLiteral("prod"), QStringLiteral("deploy.finished"),
                   QStringLiteral("dep-1"), QStringLiteral("ok: live")));
    }
    void cleanup() { m_log.reset(); }

    void modelTesterAndRefresh()
    {
        AuditTableModel model(m_log.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(AuditTableModel::ColumnCount));
        // Newest first.
        QCOMPARE(model.data(model.index(0, AuditTableModel::Action)).toString(),
                 QStringLiteral("deploy.finished"));
        QCOMPARE(model.data(model.index(2, AuditTableModel::Subject)).toString(),
                 QStringLiteral("dep-1"));
        QCOMPARE(model.data(model.index(0, AuditTableModel::Time), AuditTableModel::ExportRole)
                     .toString(),
                 QStringLiteral("2023-11-14T22:15:20.000Z"));
        QCOMPARE(model.actionKinds(),
                 (QStringList{QStringLiteral("deploy"), QStringLiteral("workflow")}));
        QCOMPARE(model.targets(), (QStringList{QStringLiteral("prod"), QStringLiteral("staging")}));
        QVERIFY(model.problem().isEmpty());

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QCOMPARE(model.refresh(), 0);
        QCOMPARE(inserted.count(), 0);
        append(row(1700000180000, QStringLiteral("prod"), QStringLiteral("deploy.verify"),
                   QStringLiteral("dep-1"), QStringLiteral("failed")));
        append(row(1700000240000, QStringLiteral("prod"), QStringLiteral("deploy.rollback"),
                   QStringLiteral("dep-2"), QStringLiteral("started")));
        QCOMPARE(model.refresh(), 2);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.data(model.index(0, AuditTableModel::Action)).toString(),
                 QStringLiteral("deploy.rollback"));
        QCOMPARE(model.data(model.index(1, AuditTableModel::Action)).toString(),
                 QStringLiteral("deploy.verify"));

        // The timer finds rows written by someone else (the command line).
        model.setAutoRefreshInterval(50);
        append(row(1700000300000, QStringLiteral("staging"), QStringLiteral("job.create"),
                   QStringLiteral("job-1"), QStringLiteral("ok")));
        QTRY_COMPARE(model.rowCount(), 6);
    }

    void filters()
    {
        AuditTableModel model(m_log.get());
        AuditFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(filter.rowCount(), 3);
        filter.setActionKind(QStringLiteral("deploy"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setTarget(QStringLiteral("staging"));
        QCOMPARE(filter.rowCount(), 0);
        filter.setActionKind(QString());
        QCOMPARE(filter.rowCount(), 1);
        filter.setTarget(QString());
        filter.setText(QStringLiteral("LIVE"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setText(QStringLiteral("clear_cache")); // in the details only
        QCOMPARE(filter.rowCount(), 1);
        filter.setText(QString());
        QCOMPARE(filter.rowCount(), 3);
    }

    void csvExport()
    {
        append(row(1700000180000, QStringLiteral("prod"), QStringLiteral("deploy.verify"),
                   QStringLiteral("dep-1"), QStringLiteral("failed: \"health\", 2 of 8")));
        AuditTableModel model(m_log.get());
        AuditFilterModel filter;
        filter.setSourceModel(&model);
        filter.setTarget(QStringLiteral("prod"));
        const QString path = m_dir.filePath(QStringLiteral("export.csv"));
        QString error;
        QVERIFY2(AuditTableModel::writeCsv(filter, path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 5); // header, 3 rows, the empty rest after the last CRLF
        QCOMPARE(lines.at(0), QByteArray("Time,Actor,Target,Action,Subject,Result,Details\r"));
        QCOMPARE(lines.at(1), QByteArray("2023-11-14T22:16:20.000Z,alice,prod,deploy.verify,dep-1,"
                                         "\"failed: \"\"health\"\", 2 of 8\",{}\r"));
        QCOMPARE(lines.at(3), QByteArray("2023-11-14T22:13:20.000Z,alice,prod,deploy.trigger,dep-1,"
                                         "started: created,\"{\"\"clear_cache\"\":false}\"\r"));
        QVERIFY(lines.at(4).isEmpty());
        QVERIFY(!AuditTableModel::writeCsv(filter, m_dir.filePath(QStringLiteral("no/such/x.csv")),
                                           &error));
        QVERIFY(error.contains(QStringLiteral("no/such")));
    }

    void csvNeutralisesFormulas()
    {
        // A commit message or a workflow error is text from elsewhere: never a formula.
        append(row(1700000240000, QStringLiteral("prod"), QStringLiteral("deploy.trigger"),
                   QStringLiteral("=HYPERLINK(\"http://evil\",\"x\")"),
                   QStringLiteral("@SUM(A1)")));
        AuditTableModel model(m_log.get());
        const QByteArray csv = AuditTableModel::toCsv(model);
        QVERIFY2(csv.contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'@SUM(A1),"),
                 csv.constData());
        QVERIFY(!csv.contains(",=HYPERLINK"));
    }

    void durableWrites()
    {
        // synchronous=FULL, as the alert store: a deploy recorded as triggered survives a power
        // cut. 2 is FULL in SQLite's numbering (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
        QCOMPARE(m_log->synchronousLevel(), 2);
        AuditLog reopened(m_log->path());
        QVERIFY(reopened.open());
        QCOMPARE(reopened.synchronousLevel(), 2);
    }

    void noLog()
    {
        AuditLog closed(m_dir.filePath(QStringLiteral("never-opened.sqlite")));
        AuditTableModel model(&closed);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.problem().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuditModel)
#include "TestAuditModel.moc"
