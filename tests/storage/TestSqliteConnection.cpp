// The SQLite connection every store opens through: durable when it can write (WAL,
// synchronous=FULL, busy timeout), read-only when it cannot, a damaged file set aside, and the
// alert history and audit log both use it.
#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/storage/SqliteConnection.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestSqliteConnection : public QObject {
    Q_OBJECT

    static QVariant pragma(const SqliteConnection& connection, const QString& name)
    {
        QSqlQuery q(connection.database());
        if (!q.exec(QStringLiteral("PRAGMA %1").arg(name)) || !q.next())
            return {};
        return q.value(0);
    }

private slots:
    void writableDatabaseIsDurable()
    {
        QTemporaryDir dir;
        SqliteConnection connection(QStringLiteral("test"));
        const CheckedSqlite checked =
            connection.open(dir.filePath(QStringLiteral("a.sqlite")), QStringLiteral("The test"));
        QVERIFY2(checked.ok, qPrintable(checked.error));
        QVERIFY(!checked.readOnly);
        QCOMPARE(pragma(connection, QStringLiteral("journal_mode")).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(pragma(connection, QStringLiteral("synchronous")).toInt(), 2); // FULL
        QCOMPARE(pragma(connection, QStringLiteral("busy_timeout")).toInt(),
                 SqliteConnection::kBusyTimeoutMs);
    }

    void connectionNamesAreUniqueAndRemoved()
    {
        QString first;
        {
            SqliteConnection a(QStringLiteral("test"));
            SqliteConnection b(QStringLiteral("test"));
            QVERIFY(a.name() != b.name());
            QTemporaryDir dir;
            QVERIFY(a.open(dir.filePath(QStringLiteral("a.sqlite")), QStringLiteral("A")).ok);
            first = a.name();
            QVERIFY(QSqlDatabase::contains(first));
        }
        QVERIFY(!QSqlDatabase::contains(first));
    }

    void damagedFileIsSetAsideAndStartedAfresh()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.sqlite"));
        QFile garbage(path);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(8192, 'x'));
        garbage.close();
        SqliteConnection connection(QStringLiteral("test"));
        const CheckedSqlite checked = connection.open(path, QStringLiteral("The test"));
        QVERIFY2(checked.ok, qPrintable(checked.error));
        QVERIFY2(checked.notice.contains(QStringLiteral("set aside")), qPrintable(checked.notice));
        QCOMPARE(pragma(connection, QStringLiteral("synchronous")).toInt(), 2);
    }

    void alertHistoryAndAuditLogOpenDurably()
    {
        QTemporaryDir dir;
        AlertStore alerts(dir.filePath(QStringLiteral("alerts.sqlite")));
        QVERIFY(alerts.open());
        AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite")));
        QVERIFY2(audit.open(), qPrintable(audit.errorString()));
        AuditEntry entry;
        entry.actor = QStringLiteral("ana");
        entry.target = QStringLiteral("prod");
        entry.action = QStringLiteral("deploy.triggered");
        entry.subject = QStringLiteral("srv-1");
        entry.result = QStringLiteral("ok");
        QVERIFY2(audit.append(entry), qPrintable(audit.errorString()));
        // Both stores are WAL databases (the mode is stored in the file).
        for (const QString& name :
             {QStringLiteral("alerts.sqlite"), QStringLiteral("audit.sqlite")}) {
            SqliteConnection probe(QStringLiteral("probe"));
            QVERIFY(probe.open(dir.filePath(name), name).ok);
            QCOMPARE(pragma(probe, QStringLiteral("journal_mode")).toString(),
                     QStringLiteral("wal"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSqliteConnection)
#include "TestSqliteConnection.moc"
