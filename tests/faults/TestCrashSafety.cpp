// Crash safety of what the console keeps on disk: a kill -9 during writes loses nothing that was
// reported committed (audit log rows, the targets file written atomically with QSaveFile), and a
// damaged targets file, alert history or audit log is detected when opened, set aside as
// "<path>.corrupt-<time>" with its contents intact, reported in words, and replaced by a fresh
// one that works. This executable runs itself as the writer child (--audit-writer,
// --targets-writer).
#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/targets/TargetStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <limits>

using namespace ops;

namespace {

// Child: appends audit entries as fast as it can, printing each committed id.
int runAuditWriter(const QString& path)
{
    AuditLog log(path);
    if (!log.open())
        return 2;
    for (qint64 i = 0;; ++i) {
        AuditEntry e;
        e.timeMs = 1'767'225'600'000 + i;
        e.actor = QStringLiteral("ops");
        e.target = QStringLiteral("gw");
        e.action = QStringLiteral("workflow.launch");
        e.subject = QStringLiteral("wf_%1").arg(i, 8, 16, QLatin1Char('0'));
        e.details = QJsonObject{{QStringLiteral("n"), i}};
        e.result = QStringLiteral("ok");
        if (!log.append(e) || e.id <= 0)
            return 3;
        std::printf("%lld\n", static_cast<long long>(e.id));
        std::fflush(stdout);
    }
}

Target numberedTarget(int i)
{
    Target t;
    t.name = QStringLiteral("gw-%1").arg(i);
    t.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(10000 + i));
    return t;
}

// Child: saves the targets file again and again, one more target each time, printing the count
// after each save returned.
int runTargetsWriter(const QString& path)
{
    TargetStore store(path);
    for (int i = 1;; ++i) {
        if (!store.upsert(numberedTarget(i)))
            return 2;
        QString error;
        if (!store.save(&error))
            return 3;
        std::printf("%d\n", i);
        std::fflush(stdout);
    }
}

// Runs this executable with `mode path`, lets it report at least `atLeast` commits, kills it
// with SIGKILL in the middle of its loop, and returns the highest commit it reported.
qint64 runAndKill(const QString& mode, const QString& path, qint64 atLeast)
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {mode, path});
    if (!child.waitForStarted())
        return -1;
    QByteArray out;
    qint64 last = 0;
    QElapsedTimer timer;
    timer.start();
    while (last < atLeast && timer.elapsed() < 30000) {
        if (!child.waitForReadyRead(5000))
            break;
        out += child.readAllStandardOutput();
        const QList<QByteArray> lines = out.split('\n');
        if (lines.size() >= 2)
            last = std::max(last, lines[lines.size() - 2].toLongLong());
    }
    child.kill(); // SIGKILL, whatever it is doing
    child.waitForFinished();
    if (child.exitStatus() != QProcess::CrashExit)
        return -2; // it stopped on its own: the writer failed
    out += child.readAllStandardOutput();
    qint64 committed = 0;
    const QList<QByteArray> lines = out.split('\n');
    // The last line may be cut short by the kill: only complete lines count.
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        committed = std::max(committed, lines[i].toLongLong());
    return committed;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Overwrites `length` bytes at `offset` with garbage (a torn or bit-rotted page).
bool scribble(const QString& path, qint64 offset, qint64 length)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite) || !f.seek(offset))
        return false;
    return f.write(QByteArray(length, '\xa7')) == length;
}

QStringList asideFiles(const QString& dir, const QString& name)
{
    return QDir(dir).entryList({name + QStringLiteral(".corrupt-*")}, QDir::Files, QDir::Name);
}

QString integrity(const QString& path)
{
    const QString name = QStringLiteral("integrity-check");
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next())
                result = q.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

AlertTransition transition(qint64 i)
{
    AlertTransition t;
    t.timeMs = 1'767'225'600'000 + i;
    t.rule = QStringLiteral("high_response_time");
    t.target = QStringLiteral("gw");
    t.to = i % 2 ? AlertState::Firing : AlertState::Normal;
    t.value = double(i);
    t.comment = QString(200, QLatin1Char('x')); // a few rows per page: many pages
    return t;
}

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT
private slots:
    void auditKillNineLosesNoCommittedRow();
    void targetsKillNineDuringSaveKeepsAWholeFile();
    void corruptTargetsFileIsSetAside_data();
    void corruptTargetsFileIsSetAside();
    void corruptAlertHistoryIsSetAside_data();
    void corruptAlertHistoryIsSetAside();
    void corruptAuditLogIsSetAside();
    void healthyFilesAreLeftAlone();
    void unopenablePathIsAnErrorNotASetAside();
};

void TestCrashSafety::auditKillNineLosesNoCommittedRow()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.sqlite"));
    const qint64 committed = runAndKill(QStringLiteral("--audit-writer"), path, 200);
    QVERIFY2(committed >= 200, qPrintable(QString::number(committed)));

    AuditLog log(path);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    QVERIFY(log.recoveryNotice().isEmpty()); // a crash is not corruption
    QList<AuditEntry> rows = log.entries();
    std::sort(rows.begin(), rows.end(),
              [](const AuditEntry& a, const AuditEntry& b) { return a.id < b.id; });
    QVERIFY2(rows.size() >= committed,
             qPrintable(QStringLiteral("%1 rows, %2 committed").arg(rows.size()).arg(committed)));
    for (qint64 i = 0; i < committed; ++i) {
        QCOMPARE(rows[i].id, i + 1);
        QCOMPARE(rows[i].subject, QStringLiteral("wf_%1").arg(i, 8, 16, QLatin1Char('0')));
        QCOMPARE(rows[i].details.value(QStringLiteral("n")).toInteger(), i);
    }
    QCOMPARE(integrity(path), QStringLiteral("ok"));
}

void TestCrashSafety::targetsKillNineDuringSaveKeepsAWholeFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("targets.json"));
    const qint64 committed = runAndKill(QStringLiteral("--targets-writer"), path, 150);
    QVERIFY2(committed >= 150, qPrintable(QString::number(committed)));

    TargetStore store(path);
    QString error;
    QVERIFY2(store.load(&error), qPrintable(error));
    QVERIFY2(store.recoveryNotice().isEmpty(), qPrintable(store.recoveryNotice()));
    // The file is the last save that completed, or the one in flight when the kill came: never a
    // torn mix, never older than what was reported.
    QVERIFY2(
        store.targets().size() == committed || store.targets().size() == committed + 1,
        qPrintable(
            QStringLiteral("%1 targets, %2 committed").arg(store.targets().size()).arg(committed)));
    for (int i = 1; i <= committed; ++i)
        QVERIFY(store.find(QStringLiteral("gw-%1").arg(i)));
    QVERIFY(asideFiles(dir.path(), QStringLiteral("targets.json")).isEmpty());
}

void TestCrashSafety::corruptTargetsFileIsSetAside_data()
{
    QTest::addColumn<QByteArray>("garbage");
    QTest::newRow("binary") << QByteArray("\x00\x01\xff\xfe garbage \x7f", 15);
    QTest::newRow("truncated json")
        << QByteArray(R"({"format":"bhiv-ops-targets","version":1,"targets":[{"name":"gw)");
    QTest::newRow("json array") << QByteArray("[1,2,3]");
    QTest::newRow("empty file") << QByteArray();
}

void TestCrashSafety::corruptTargetsFileIsSetAside()
{
    QFETCH(QByteArray, garbage);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("targets.json"));
    QVERIFY(writeAll(path, garbage));

    TargetStore store(path);
    QString error;
    QVERIFY2(store.load(&error), qPrintable(error));
    QVERIFY(store.targets().isEmpty());
    const QStringList aside = asideFiles(dir.path(), QStringLiteral("targets.json"));
    QCOMPARE(aside.size(), 1);
    // The damaged file is kept, byte for byte, for the operator to look at.
    QCOMPARE(readAll(dir.filePath(aside.first())), garbage);
    QVERIFY(!QFile::exists(path));
    QVERIFY2(store.recoveryNotice().contains(aside.first()), qPrintable(store.recoveryNotice()));
    QVERIFY(store.recoveryNotice().contains(QStringLiteral("damaged")));

    // The fresh store works and the next start is quiet.
    QVERIFY(store.upsert(numberedTarget(1)));
    QVERIFY2(store.save(&error), qPrintable(error));
    TargetStore again(path);
    QVERIFY2(again.load(&error), qPrintable(error));
    QCOMPARE(again.targets().size(), 1);
    QVERIFY(again.recoveryNotice().isEmpty());
    QCOMPARE(asideFiles(dir.path(), QStringLiteral("targets.json")).size(), 1);
}

void TestCrashSafety::corruptAlertHistoryIsSetAside_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    QTest::newRow("header (not a database)") << qint64(0) << qint64(100);
    QTest::newRow("b-tree pages (malformed)") << qint64(4096) << qint64(3 * 4096);
}

void TestCrashSafety::corruptAlertHistoryIsSetAside()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    {
        AlertStore store(path);
        QVERIFY2(store.open(), qPrintable(store.errorString()));
        for (qint64 i = 0; i < 400; ++i)
            QVERIFY(store.appendTransition(transition(i)) > 0);
    }
    QVERIFY(QFileInfo(path).size() > offset + length);
    QVERIFY(scribble(path, offset, length));
    const QByteArray damaged = readAll(path);

    AlertStore store(path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    const QStringList aside = asideFiles(dir.path(), QStringLiteral("alerts.sqlite"));
    QCOMPARE(aside.size(), 1);
    QCOMPARE(readAll(dir.filePath(aside.first())), damaged);
    QVERIFY2(store.recoveryNotice().contains(aside.first()), qPrintable(store.recoveryNotice()));
    QVERIFY(store.recoveryNotice().contains(QStringLiteral("alert history")));
    // A fresh, empty, working history.
    QCOMPARE(store.transitionCount(), 0);
    QVERIFY(store.appendTransition(transition(1)) > 0);
    QCOMPARE(store.transitionCount(), 1);
    QCOMPARE(integrity(path), QStringLiteral("ok"));
}

void TestCrashSafety::corruptAuditLogIsSetAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.sqlite"));
    QVERIFY(writeAll(path, QByteArray("SQLite format 3\0", 16) + QByteArray(8000, '\x13')));

    AuditLog log(path);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    QCOMPARE(asideFiles(dir.path(), QStringLiteral("audit.sqlite")).size(), 1);
    QVERIFY(log.recoveryNotice().contains(QStringLiteral("audit log")));
    QVERIFY(log.entries().isEmpty());
    AuditEntry e;
    e.timeMs = 1;
    e.actor = QStringLiteral("ops");
    e.target = QStringLiteral("gw");
    e.action = QStringLiteral("deploy");
    e.subject = QStringLiteral("srv-1");
    e.result = QStringLiteral("ok");
    QVERIFY2(log.append(e), qPrintable(log.errorString()));
    QCOMPARE(log.entries().size(), 1);
}

void TestCrashSafety::healthyFilesAreLeftAlone()
{
    QTemporaryDir dir;
    const QString alerts = dir.filePath(QStringLiteral("alerts.sqlite"));
    {
        AlertStore store(alerts);
        QVERIFY(store.open());
        QVERIFY(store.appendTransition(transition(7)) > 0);
    }
    AlertStore store(alerts);
    QVERIFY(store.open());
    QVERIFY(store.recoveryNotice().isEmpty());
    QCOMPARE(store.transitionCount(), 1);
    // An empty file is an empty database to SQLite, not a damaged one.
    const QString audit = dir.filePath(QStringLiteral("audit.sqlite"));
    QVERIFY(writeAll(audit, {}));
    AuditLog log(audit);
    QVERIFY(log.open());
    QVERIFY(log.recoveryNotice().isEmpty());
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.corrupt-*")}, QDir::Files).size(), 0);
}

void TestCrashSafety::unopenablePathIsAnErrorNotASetAside()
{
    QTemporaryDir dir;
    // A folder where the database should be: an error in words, nothing moved.
    const QString path = dir.filePath(QStringLiteral("alerts.sqlite"));
    QVERIFY(QDir().mkpath(path));
    AlertStore store(path);
    QVERIFY(!store.open());
    QVERIFY(!store.errorString().isEmpty());
    QVERIFY(store.recoveryNotice().isEmpty());
    QVERIFY(QFileInfo(path).isDir());
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.corrupt-*")}, QDir::AllEntries).size(),
             0);
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--audit-writer") == 0)
        return runAuditWriter(QString::fromLocal8Bit(argv[2]));
    if (argc == 3 && qstrcmp(argv[1], "--targets-writer") == 0)
        return runTargetsWriter(QString::fromLocal8Bit(argv[2]));
    TestCrashSafety test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestCrashSafety.moc"
