// The alert store: WAL and synchronous=FULL; rows survive reopening and a kill -9 of the
// process that wrote them (this executable runs itself as the writer child).
#include "models/alerts/AlertStore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

using namespace ops;

namespace {

// The child: appends transitions as fast as it can, printing each committed row id.
int runWriter(const QString& path)
{
    AlertStore store(path);
    if (!store.open())
        return 2;
    std::printf("open\n");
    std::fflush(stdout);
    for (qint64 i = 0;; ++i) {
        AlertTransition t;
        t.timeMs = 1'767'225'600'000 + i;
        t.rule = QStringLiteral("high_response_time");
        t.target = QStringLiteral("gw");
        t.to = i % 2 ? AlertState::Firing : AlertState::Normal;
        t.value = double(i);
        const qint64 id = store.appendTransition(t);
        if (id <= 0)
            return 3;
        std::printf("%lld\n", static_cast<long long>(id));
        std::fflush(stdout);
    }
}

} // namespace

class TestAlertStore : public QObject {
    Q_OBJECT
private slots:
    void walAndFullSync();
    void reopensWithEverything();
    void killNineLosesNoCommittedRow();
    void twoStoresOneProcess();
    void retentionBoundsHistory();
    void everyKindRoundTripsAndUnknownKindsAreLeftOut();
};

void TestAlertStore::walAndFullSync()
{
    QTemporaryDir dir;
    AlertStore store(dir.filePath(QStringLiteral("sub/alerts.sqlite")));
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
    {
        db.setDatabaseName(store.path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        db.close();
    }
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
}

void TestAlertStore::reopensWithEverything()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    const AlertKey key{QStringLiteral("r"), QStringLiteral("gw")};
    {
        AlertStore store(path);
        QVERIFY(store.open());
        AlertTransition t;
        t.timeMs = 1000;
        t.rule = key.rule;
        t.target = key.target;
        t.to = AlertState::Firing;
        t.value = 1.5;
        QVERIFY(store.appendTransition(t) > 0);
        QVERIFY(
            store.appendAcknowledgement(key, {QStringLiteral("ana"), QStringLiteral("c"), 1, 0}));
        QVERIFY(store.appendSnooze(key, {QStringLiteral("bo"), {}, 1, 99}));
        QVERIFY(store.appendNotification(
                    {0, 5, key, QStringLiteral("firing"), QStringLiteral("desktop"), true, {}}) >
                0);
        AlertStatus s;
        s.key = key;
        s.state = AlertState::Firing;
        s.episodeFiring = true;
        s.ack = Acknowledgement{QStringLiteral("ana"), QStringLiteral("c"), 1, 0};
        QVERIFY(store.saveStatus(s));
        QVERIFY(store.saveRules(defaultAlertRules()));
    }
    AlertStore store(path);
    QVERIFY(store.open());
    const QList<AlertTransition> history = store.transitionsBetween(0, 2000);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history[0].value, 1.5);
    QCOMPARE(history[0].to, AlertState::Firing);
    QCOMPARE(store.notifications(key).size(), 1);
    const QList<AlertStatus> statuses = store.loadStatuses();
    QCOMPARE(statuses.size(), 1);
    QCOMPARE(statuses[0].ack->author, QStringLiteral("ana"));
    QVERIFY(!statuses[0].snooze);
    QCOMPARE(store.loadRules().value(), defaultAlertRules());
}

void TestAlertStore::killNineLosesNoCommittedRow()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--writer"), path});
    QVERIFY(child.waitForStarted());
    QByteArray out;
    qint64 lastId = 0;
    QElapsedTimer timer;
    timer.start();
    // Let it commit a few hundred rows, then kill -9 in the middle of a write.
    while (lastId < 300 && timer.elapsed() < 30000) {
        if (!child.waitForReadyRead(5000))
            break;
        out += child.readAllStandardOutput();
        const QList<QByteArray> lines = out.split('\n');
        for (int i = lines.size() - 2; i >= 0; --i) {
            bool ok = false;
            const qint64 id = lines[i].toLongLong(&ok);
            if (ok) {
                lastId = id;
                break;
            }
        }
    }
    child.kill(); // SIGKILL
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    out += child.readAllStandardOutput();
    qint64 committed = 0;
    for (const QByteArray& line : out.split('\n')) {
        bool ok = false;
        const qint64 id = line.toLongLong(&ok);
        if (ok)
            committed = std::max(committed, id);
    }
    QVERIFY2(committed >= 300, qPrintable(QString::number(committed)));

    AlertStore store(path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    const QList<AlertTransition> rows =
        store.transitionsBetween(0, std::numeric_limits<qint64>::max());
    QVERIFY2(rows.size() >= committed,
             qPrintable(QStringLiteral("%1 rows, %2 committed").arg(rows.size()).arg(committed)));
    for (qint64 i = 0; i < committed; ++i) {
        QCOMPARE(rows[i].id, i + 1);
        QCOMPARE(rows[i].value, double(i));
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    {
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        db.close();
    }
    db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

void TestAlertStore::twoStoresOneProcess()
{
    QTemporaryDir dir;
    AlertStore a(dir.filePath(QStringLiteral("a.sqlite")));
    AlertStore b(dir.filePath(QStringLiteral("b.sqlite")));
    QVERIFY(a.open());
    QVERIFY(b.open());
    AlertTransition t;
    t.rule = QStringLiteral("r");
    t.target = QStringLiteral("x");
    QVERIFY(a.appendTransition(t) > 0);
    QCOMPARE(a.transitionCount(), 1);
    QCOMPARE(b.transitionCount(), 0);
}

void TestAlertStore::retentionBoundsHistory()
{
    QTemporaryDir dir;
    AlertStore store(dir.filePath(QStringLiteral("alerts.sqlite")));
    QVERIFY(store.open());
    QCOMPARE(store.retentionMs(), AlertStore::kDefaultRetentionMs);
    store.setRetentionMs(60'000); // one minute
    const AlertKey key{QStringLiteral("r"), QStringLiteral("x")};
    // One transition (and one notification) per second for ten minutes.
    for (qint64 i = 0; i < 600; ++i) {
        AlertTransition t;
        t.timeMs = 1'000'000 + i * 1000;
        t.rule = key.rule;
        t.target = key.target;
        QVERIFY(store.appendTransition(t) > 0);
        NotificationRecord n;
        n.timeMs = t.timeMs;
        n.key = key;
        n.state = QStringLiteral("firing");
        n.channel = QStringLiteral("desktop");
        QVERIFY(store.appendNotification(n) > 0);
    }
    // Pruned every kPruneEvery appends: at most retention + kPruneEvery rows remain, none older
    // than the retention as of the last prune (append 512 at t = 1,511,000 ms).
    const qint64 count = store.transitionCount();
    QVERIFY2(count >= 60 && count <= 60 + AlertStore::kPruneEvery,
             qPrintable(QString::number(count)));
    const QList<AlertTransition> all =
        store.transitionsBetween(0, std::numeric_limits<qint64>::max());
    QCOMPARE(all.first().timeMs, qint64(1'000'000 + 511'000 - 60'000));
    QCOMPARE(all.last().timeMs, qint64(1'000'000 + 599'000));
    QVERIFY(store.notifications(key).size() <= 600 - 451);
    // Pruning by hand; 0 switches retention off.
    QVERIFY(store.pruneBefore(1'000'000 + 590'000) > 0);
    QCOMPARE(store.transitionCount(), 10);
    store.setRetentionMs(0);
    for (qint64 i = 0; i < 600; ++i) {
        AlertTransition t;
        t.timeMs = 2'000'000 + i * 1000;
        t.rule = key.rule;
        t.target = key.target;
        QVERIFY(store.appendTransition(t) > 0);
    }
    QCOMPARE(store.transitionCount(), 610);
}

void TestAlertStore::everyKindRoundTripsAndUnknownKindsAreLeftOut()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    const QList<TransitionKind> kinds{TransitionKind::State,    TransitionKind::Ack,
                                      TransitionKind::Unack,    TransitionKind::Snooze,
                                      TransitionKind::Unsnooze, TransitionKind::Flapping,
                                      TransitionKind::Settled};
    {
        AlertStore store(path);
        QVERIFY(store.open());
        qint64 time = 1000;
        for (TransitionKind kind : kinds) {
            AlertTransition t;
            t.timeMs = time++;
            t.rule = QStringLiteral("r");
            t.target = QStringLiteral("gw");
            t.kind = kind;
            QVERIFY(store.appendTransition(t) > 0);
        }
    }
    // The stored text is the stable name, and a kind written by a newer version is skipped.
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT kind FROM transitions ORDER BY time_ms")));
        QStringList names;
        while (q.next())
            names << q.value(0).toString();
        QCOMPARE(names, (QStringList{QStringLiteral("state"), QStringLiteral("ack"),
                                     QStringLiteral("unack"), QStringLiteral("snooze"),
                                     QStringLiteral("unsnooze"), QStringLiteral("flapping"),
                                     QStringLiteral("settled")}));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO transitions (time_ms, rule, target, kind, from_state, to_state, "
            "severity) VALUES (5000, 'r', 'gw', 'escalated', 'normal', 'firing', 'critical')")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    AlertStore store(path);
    QVERIFY(store.open());
    const QList<AlertTransition> rows = store.transitionsBetween(0, 10000);
    QCOMPARE(rows.size(), kinds.size());
    for (int i = 0; i < kinds.size(); ++i)
        QCOMPARE(rows[i].kind, kinds[i]);
    AlertHistoryFilter acks;
    acks.kind = TransitionKind::Ack;
    const QList<AlertTransition> onlyAcks = store.history(acks);
    QCOMPARE(onlyAcks.size(), 1);
    QCOMPARE(onlyAcks.first().kind, TransitionKind::Ack);
    QCOMPARE(transitionKindFromName(u"escalated"), std::nullopt);
    QCOMPARE(transitionKindFromName(u"settled"), std::optional(TransitionKind::Settled));
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--writer") == 0)
        return runWriter(QString::fromLocal8Bit(argv[2]));
    TestAlertStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestAlertStore.moc"
