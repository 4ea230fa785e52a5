// The event store: WAL and synchronous=FULL, rows and incident edits survive reopening, a
// damaged file is set aside (never deleted) and a fresh one started, a read-only file is read.
#include "models/incidents/EventStore.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestEventStore : public QObject {
    Q_OBJECT
private slots:
    void walAndFullSync();
    void rowsSurviveReopening();
    void targetFilterKeepsConsoleRows();
    void incidentIdsAreStable();
    void mergeUndoesSplitsAndSplitCutsMerge();
    void damagedFileIsSetAside();
    void newerSchemaIsRefused();
};

void TestEventStore::walAndFullSync()
{
    QTemporaryDir dir;
    EventStore store(dir.filePath(QStringLiteral("sub/events.sqlite")));
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    RecordedEvent e{0,
                    1000,
                    QStringLiteral("gw"),
                    QStringLiteral("connection"),
                    QStringLiteral("up"),
                    QStringLiteral("unreachable"),
                    {},
                    QStringLiteral("console")};
    QVERIFY(store.append(e));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(store.path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        q.finish();
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), EventStore::kSchemaVersion);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    // synchronous is per connection: the store's own (ops.events.N) says FULL (2).
    int checked = 0;
    for (const QString& name : QSqlDatabase::connectionNames()) {
        if (!name.startsWith(QLatin1String("ops.events.")))
            continue;
        QSqlQuery sq(QSqlDatabase::database(name));
        QVERIFY(sq.exec(QStringLiteral("PRAGMA synchronous")) && sq.next());
        QCOMPARE(sq.value(0).toInt(), 2);
        ++checked;
    }
    QCOMPARE(checked, 1);
}

void TestEventStore::rowsSurviveReopening()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        EventStore store(path);
        QVERIFY(store.open());
        for (int i = 0; i < 3; ++i) {
            RecordedEvent e{0,
                            1000 + i,
                            QStringLiteral("gw"),
                            QStringLiteral("connection"),
                            QStringLiteral("up"),
                            QStringLiteral("waking"),
                            QStringLiteral("d%1").arg(i),
                            QStringLiteral("console")};
            QVERIFY(store.append(e));
            QVERIFY(e.id > 0);
        }
        IncidentNote note{0, 7, 1500, QStringLiteral("ana"), QStringLiteral("looked at it")};
        QVERIFY(store.addIncidentNote(note));
    }
    EventStore again(path);
    QVERIFY(again.open());
    const auto rows = again.eventsBetween(0, 5000);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[2].detail, QStringLiteral("d2"));
    QCOMPARE(rows[1].toState, QStringLiteral("waking"));
    QCOMPARE(again.incidentNotes(7).size(), 1);
    QCOMPARE(again.incidentNotes(7).first().author, QStringLiteral("ana"));
    // Half-open range: the row at 1002 is outside [1000, 1002).
    QCOMPARE(again.eventsBetween(1000, 1002).size(), 2);
    const auto last = again.lastBefore(1002, QStringLiteral("gw"), QStringLiteral("connection"));
    QVERIFY(last);
    QCOMPARE(last->timeMs, 1001);
}

void TestEventStore::targetFilterKeepsConsoleRows()
{
    QTemporaryDir dir;
    EventStore store(dir.filePath(QStringLiteral("events.sqlite")));
    QVERIFY(store.open());
    RecordedEvent a{0,
                    1,
                    QStringLiteral("a"),
                    QStringLiteral("connection"),
                    {},
                    QStringLiteral("up"),
                    {},
                    QStringLiteral("console")};
    RecordedEvent b{0,
                    2,
                    QStringLiteral("b"),
                    QStringLiteral("connection"),
                    {},
                    QStringLiteral("up"),
                    {},
                    QStringLiteral("console")};
    RecordedEvent start{0,  3,  {}, QStringLiteral("console.start"),
                        {}, {}, {}, QStringLiteral("ana")};
    QVERIFY(store.append(a) && store.append(b) && store.append(start));
    const auto onlyA = store.eventsBetween(0, 10, QStringLiteral("a"));
    QCOMPARE(onlyA.size(), 2);
    QCOMPARE(onlyA[0].target, QStringLiteral("a"));
    QCOMPARE(onlyA[1].kind, QStringLiteral("console.start"));
    QCOMPARE(store.eventsBetween(0, 10).size(), 3);
}

void TestEventStore::incidentIdsAreStable()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    qint64 first = 0;
    {
        EventStore store(path);
        QVERIFY(store.open());
        first = store.incidentId(QStringLiteral("gw"), 5000);
        QVERIFY(first > 0);
        QCOMPARE(store.incidentId(QStringLiteral("gw"), 5000), first);
        QVERIFY(store.incidentId(QStringLiteral("gw"), 6000) != first);
        QVERIFY(store.setIncidentTitle(first, QStringLiteral("Slow search")));
    }
    EventStore again(path);
    QVERIFY(again.open());
    QCOMPARE(again.incidentId(QStringLiteral("gw"), 5000), first);
    QString target;
    qint64 opened = 0;
    QVERIFY(again.incidentKey(first, &target, &opened));
    QCOMPARE(target, QStringLiteral("gw"));
    QCOMPARE(opened, 5000);
    QCOMPARE(again.incidentTitle(first), QStringLiteral("Slow search"));
    QVERIFY(!again.incidentKey(999, &target, &opened));
}

void TestEventStore::mergeUndoesSplitsAndSplitCutsMerge()
{
    QTemporaryDir dir;
    EventStore store(dir.filePath(QStringLiteral("events.sqlite")));
    QVERIFY(store.open());
    const QString gw = QStringLiteral("gw");
    QVERIFY(store.addSplit(gw, 150));
    QVERIFY(store.addSplit(gw, 500));
    QVERIFY(store.addMerge({gw, 100, 200}));
    QCOMPARE(store.splits(gw), QList<qint64>{500}); // the split at 150 is undone
    QVERIFY(store.addSplit(gw, 160));
    const auto merges = store.merges(gw);
    QCOMPARE(merges.size(), 2);
    QCOMPARE(merges[0].fromMs, 100);
    QCOMPARE(merges[0].toMs, 159);
    QCOMPARE(merges[1].fromMs, 160);
    QCOMPARE(merges[1].toMs, 200);
    QCOMPARE(store.splits(gw), (QList<qint64>{160, 500}));
    QVERIFY(store.merges(QStringLiteral("other")).isEmpty());
}

void TestEventStore::damagedFileIsSetAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x')); // not a database
    }
    EventStore store(path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    QVERIFY(!store.recoveryNotice().isEmpty());
    QVERIFY(store.recoveryNotice().contains(QStringLiteral("set aside")));
    // The damaged bytes are kept beside it, the store works again.
    const QStringList aside =
        QDir(dir.path()).entryList({QStringLiteral("events.sqlite.corrupt-*")}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QFile kept(dir.filePath(aside.first()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray(8192, 'x'));
    RecordedEvent e{0,  1,  QStringLiteral("gw"), QStringLiteral("console.start"), {},
                    {}, {}, QStringLiteral("ana")};
    QVERIFY(store.append(e));
}

void TestEventStore::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    EventStore store(path);
    QVERIFY(!store.open());
    QVERIFY2(store.errorString().contains(QStringLiteral("newer")),
             qPrintable(store.errorString()));
}

QTEST_GUILESS_MAIN(TestEventStore)
#include "TestEventStore.moc"
