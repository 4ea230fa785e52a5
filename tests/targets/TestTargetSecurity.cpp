// Issue 17 in the target core: user info refused in every URL and dropped where shown, the
// Render API https-only, secrets bound to the origin they were entered for (over the in-memory
// store; the keychain runs in secrets_origin_binding), a targets file whose "targets" is not a
// list set aside instead of erased, and two writers of one targets file under a lock.
#include "models/domain/Target.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/secrets/OriginBoundSecretStore.h"
#include "models/targets/TargetStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

Target gateway(const QString& name, const QString& url)
{
    Target t;
    t.name = name;
    t.baseUrl = QUrl(url);
    return t;
}

QByteArray fileBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestTargetSecurity : public QObject {
    Q_OBJECT
private slots:
    void userInfoRefusedInEveryUrl_data();
    void userInfoRefusedInEveryUrl();
    void userInfoDroppedWhereShown();
    void renderApiHttpsOrLoopback();
    void originsOfSecrets();
    void secretBoundToItsOrigin();
    void olderSecretBoundOnFirstReadOrBeforeAChange();
    void targetsNotAListIsSetAsideNotErased();
    void storedUserInfoDroppedAtLoad();
    void twoWritersUnderTheLock();
};

void TestTargetSecurity::userInfoRefusedInEveryUrl_data()
{
    QTest::addColumn<QString>("part");
    QTest::newRow("gateway") << "gateway";
    QTest::newRow("prometheus") << "Prometheus";
    QTest::newRow("alertmanager") << "Alertmanager";
    QTest::newRow("render") << "Render API";
}

void TestTargetSecurity::userInfoRefusedInEveryUrl()
{
    QFETCH(QString, part);
    Target t = gateway(QStringLiteral("prod"), QStringLiteral("https://gw.example.com"));
    QVERIFY(t.validationError().isEmpty());
    const QUrl withPassword(QStringLiteral("https://ops:hunter2@host.example.com:9090"));
    const QUrl withUser(QStringLiteral("https://ops@host.example.com:9090"));
    for (const QUrl& url : {withPassword, withUser}) {
        Target bad = t;
        if (part == u"gateway") {
            bad.baseUrl = url;
        } else if (part == u"Prometheus") {
            bad.dataSource.kind = DataSourceConfig::Kind::Prometheus;
            bad.dataSource.url = url;
            bad.dataSource.selector = QStringLiteral("job=\"gw\"");
        } else if (part == u"Alertmanager") {
            bad.alertmanager.url = url;
        } else {
            RenderService service;
            service.serviceId = QStringLiteral("srv-1");
            service.restApi = true;
            service.apiBaseUrl = url;
            bad.services << service;
        }
        const QString why = bad.validationError();
        QVERIFY2(why.contains(QStringLiteral("user name or password")), qPrintable(why));
        QVERIFY2(why.contains(part), qPrintable(why));
        QVERIFY(!why.contains(QStringLiteral("hunter2")));
        // An import of such a target is refused too.
        QString error;
        QVERIFY(!Target::fromJson(bad.toJson(), &error));
        QVERIFY(!error.contains(QStringLiteral("hunter2")));
    }
}

void TestTargetSecurity::userInfoDroppedWhereShown()
{
    const QUrl url(QStringLiteral("https://ops:hunter2@gw.example.com:8443/base"));
    QVERIFY(hasUserInfo(url));
    QVERIFY(!hasUserInfo(QUrl(QStringLiteral("https://gw.example.com/a@b"))));
    QCOMPARE(displayUrl(url), QStringLiteral("https://gw.example.com:8443/base"));
    QCOMPARE(
        redactUrlUserInfo(QStringLiteral("watching https://ops:hunter2@gw.example.com:8443 "
                                         "and http://u@127.0.0.1/x?mail=a@b")),
        QStringLiteral("watching https://gw.example.com:8443 and http://127.0.0.1/x?mail=a@b"));
    QCOMPARE(redactUrlUserInfo(QStringLiteral("no url, a@b.c")), QStringLiteral("no url, a@b.c"));
}

void TestTargetSecurity::renderApiHttpsOrLoopback()
{
    Target t = gateway(QStringLiteral("prod"), QStringLiteral("https://gw.example.com"));
    RenderService service;
    service.serviceId = QStringLiteral("srv-1");
    service.restApi = true;
    service.apiBaseUrl = QUrl(QStringLiteral("http://render.example.com/v1"));
    t.services << service;
    QVERIFY2(t.validationError().contains(QStringLiteral("must be https")),
             qPrintable(t.validationError()));
    t.allowPlainHttp = true; // the gateway's plain-http permission is not the Render key's
    QVERIFY(!t.validationError().isEmpty());
    t.services[0].apiBaseUrl = QUrl(QStringLiteral("http://127.0.0.1:8765/render/v1"));
    QVERIFY2(t.validationError().isEmpty(), qPrintable(t.validationError()));
    t.services[0].apiBaseUrl = QUrl(QStringLiteral("https://api.render.com/v1"));
    QVERIFY(t.validationError().isEmpty());
}

void TestTargetSecurity::originsOfSecrets()
{
    QCOMPARE(originOf(QUrl(QStringLiteral("https://GW.example.com/x"))),
             QStringLiteral("https://gw.example.com:443"));
    QCOMPARE(originOf(QUrl(QStringLiteral("http://127.0.0.1:8000"))),
             QStringLiteral("http://127.0.0.1:8000"));
    QCOMPARE(originOf(QUrl(QStringLiteral("https://[::1]:9"))), QStringLiteral("https://[::1]:9"));
    QVERIFY(originOf(QUrl()).isEmpty());

    Target t = gateway(QStringLiteral("prod"), QStringLiteral("https://gw.example.com"));
    t.dataSource.kind = DataSourceConfig::Kind::Prometheus;
    t.dataSource.url = QUrl(QStringLiteral("https://prom.example.com:9090"));
    t.alertmanager.url = QUrl(QStringLiteral("https://am.example.com:9093"));
    RenderService service;
    service.serviceId = QStringLiteral("srv-1");
    service.restApi = true;
    t.services << service;
    const QList<Target> targets{t};
    QCOMPARE(secretOriginFor(targets, secretKeyGatewayApiKey(t.name)),
             QStringLiteral("https://gw.example.com:443"));
    QCOMPARE(secretOriginFor(targets, secretKeyRenderApiKey(t.name)),
             QStringLiteral("https://api.render.com:443"));
    QCOMPARE(secretOriginFor(targets, secretKeyDeployHook(t.name, QStringLiteral("srv-1"))),
             QStringLiteral("https://api.render.com:443"));
    QCOMPARE(secretOriginFor(targets, secretKeyPrometheusCredential(t.name)),
             QStringLiteral("https://prom.example.com:9090"));
    QCOMPARE(secretOriginFor(targets, secretKeyAlertmanagerCredential(t.name)),
             QStringLiteral("https://am.example.com:9093"));
    QVERIFY(secretOriginFor(targets, secretKeyGatewayApiKey(QStringLiteral("other"))).isEmpty());
    QVERIFY(secretOriginFor(targets, QStringLiteral("test/x")).isEmpty());
}

void TestTargetSecurity::secretBoundToItsOrigin()
{
    MemorySecretStore memory;
    QList<Target> targets{gateway(QStringLiteral("prod"), QStringLiteral("https://a.example.com"))};
    OriginBoundSecretStore store(
        &memory, [&targets](const QString& key) { return secretOriginFor(targets, key); });
    const QString key = secretKeyGatewayApiKey(QStringLiteral("prod"));
    QVERIFY(writeSecretSync(store, key, "k-123").ok());
    QCOMPARE(readSecretSync(memory, OriginBoundSecretStore::bindingKey(key)).value,
             QByteArray("https://a.example.com:443"));
    QCOMPARE(readSecretSync(store, key).value, QByteArray("k-123"));

    // The target now points elsewhere (an edit, an import): the key is not given out.
    for (const QString& elsewhere :
         {QStringLiteral("https://evil.example.net"), QStringLiteral("https://a.example.com:8443"),
          QStringLiteral("http://a.example.com")}) {
        targets[0].baseUrl = QUrl(elsewhere);
        targets[0].allowPlainHttp = true;
        const SecretResult refused = readSecretSync(store, key);
        QCOMPARE(refused.error, SecretError::OriginChanged);
        QVERIFY(refused.value.isEmpty());
        QVERIFY2(refused.errorText.contains(QStringLiteral("https://a.example.com:443")) &&
                     refused.errorText.contains(originOf(QUrl(elsewhere))),
                 qPrintable(refused.errorText));
    }
    // Back where it was entered for: given out again.
    targets[0].baseUrl = QUrl(QStringLiteral("https://a.example.com/"));
    QCOMPARE(readSecretSync(store, key).value, QByteArray("k-123"));

    // Moved, then confirmed by the operator: given out for the new origin.
    targets[0].baseUrl = QUrl(QStringLiteral("https://b.example.com"));
    QCOMPARE(readSecretSync(store, key).error, SecretError::OriginChanged);
    QVERIFY(confirmOriginSync(store, key).ok());
    QCOMPARE(readSecretSync(store, key).value, QByteArray("k-123"));

    // Moved, then entered again: bound to the new origin.
    targets[0].baseUrl = QUrl(QStringLiteral("https://c.example.com"));
    QVERIFY(writeSecretSync(store, key, "k-456").ok());
    QCOMPARE(readSecretSync(store, key).value, QByteArray("k-456"));

    // A form's secret for a target about to be saved binds to the form's origin.
    const QString promKey = secretKeyPrometheusCredential(QStringLiteral("prod"));
    SecretResult written;
    bool done = false;
    writeSecretFor(&store, promKey, "p-1", QStringLiteral("https://prom.example.com:9090"),
                   [&](const SecretResult& r) {
                       written = r;
                       done = true;
                   });
    QTRY_VERIFY(done);
    QVERIFY(written.ok());
    QCOMPARE(readSecretSync(memory, OriginBoundSecretStore::bindingKey(promKey)).value,
             QByteArray("https://prom.example.com:9090"));

    // Removing removes the binding too; a confirm of nothing says so.
    QVERIFY(removeSecretSync(store, key).ok());
    QCOMPARE(readSecretSync(memory, OriginBoundSecretStore::bindingKey(key)).error,
             SecretError::NotFound);
    QCOMPARE(confirmOriginSync(store, key).error, SecretError::NotFound);
}

void TestTargetSecurity::olderSecretBoundOnFirstReadOrBeforeAChange()
{
    MemorySecretStore memory;
    QList<Target> targets{gateway(QStringLiteral("prod"), QStringLiteral("https://a.example.com"))};
    OriginBoundSecretStore store(
        &memory, [&targets](const QString& key) { return secretOriginFor(targets, key); });
    const QString key = secretKeyGatewayApiKey(QStringLiteral("prod"));
    // Written before bindings existed: bound to the origin of its first read.
    QVERIFY(writeSecretSync(memory, key, "old").ok());
    QCOMPARE(readSecretSync(store, key).value, QByteArray("old"));
    targets[0].baseUrl = QUrl(QStringLiteral("https://evil.example.net"));
    QCOMPARE(readSecretSync(store, key).error, SecretError::OriginChanged);

    // An older secret, and a command about to change the target: bound to the old origin first.
    const QString other = secretKeyAlertmanagerCredential(QStringLiteral("prod"));
    QVERIFY(writeSecretSync(memory, other, "am").ok());
    QVERIFY(bindIfUnboundSync(store, other, QStringLiteral("https://am.example.com:9093")).ok());
    targets[0].alertmanager.url = QUrl(QStringLiteral("https://am2.example.com:9093"));
    QCOMPARE(readSecretSync(store, other).error, SecretError::OriginChanged);
    // Already bound: left alone. Nothing stored: nothing bound.
    QVERIFY(bindIfUnboundSync(store, other, QStringLiteral("https://x.example.com:1")).ok());
    QCOMPARE(readSecretSync(memory, OriginBoundSecretStore::bindingKey(other)).value,
             QByteArray("https://am.example.com:9093"));
    const QString none = secretKeyRenderApiKey(QStringLiteral("prod"));
    QVERIFY(bindIfUnboundSync(store, none, QStringLiteral("https://api.render.com:443")).ok());
    QCOMPARE(readSecretSync(memory, OriginBoundSecretStore::bindingKey(none)).error,
             SecretError::NotFound);
}

void TestTargetSecurity::targetsNotAListIsSetAsideNotErased()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("targets.json"));
    const QByteArray original =
        R"({"format":"bhiv-ops-targets","version":1,"targets":{"prod":{"url":"https://gw"}}})";
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(original);
    }
    TargetStore store(path);
    QString error;
    QVERIFY2(store.load(&error), qPrintable(error));
    QVERIFY(store.targets().isEmpty());
    QVERIFY2(store.recoveryNotice().contains(QStringLiteral("not a list")),
             qPrintable(store.recoveryNotice()));
    // The file was moved aside whole; a save writes a new file next to it.
    const QStringList aside =
        QDir(dir.path()).entryList({QStringLiteral("targets.json.corrupt-*")}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QCOMPARE(fileBytes(dir.filePath(aside.first())), original);
    QVERIFY(store.upsert(gateway(QStringLiteral("new"), QStringLiteral("https://n.example.com"))));
    QVERIFY2(store.save(&error), qPrintable(error));
    QCOMPARE(fileBytes(dir.filePath(aside.first())), original);
}

void TestTargetSecurity::storedUserInfoDroppedAtLoad()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("targets.json"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format":"bhiv-ops-targets","version":1,"targets":[
            {"name":"prod","url":"https://ops:hunter2@gw.example.com"}]})");
    }
    TargetStore store(path);
    QString error;
    QVERIFY2(store.load(&error), qPrintable(error));
    QCOMPARE(store.targets().size(), 1);
    QCOMPARE(store.targets().first().baseUrl, QUrl(QStringLiteral("https://gw.example.com")));
    QVERIFY(store.recoveryNotice().contains(QStringLiteral("prod")));
    QVERIFY(!store.recoveryNotice().contains(QStringLiteral("hunter2")));
    QVERIFY(store.save(&error));
    QVERIFY(!fileBytes(path).contains("hunter2"));
}

void TestTargetSecurity::twoWritersUnderTheLock()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("targets.json"));
    QString error;
    TargetStore window(path); // what the console holds in memory
    QVERIFY(window.load(&error));
    QVERIFY(
        window.upsert(gateway(QStringLiteral("alpha"), QStringLiteral("https://a.example.com"))));
    QVERIFY(window.save(&error));

    // Meanwhile `bhiv-ops targets add beta` (another process, another store) writes the file.
    TargetStore cli(path);
    QVERIFY(cli.update(
        [](TargetStore& s, QString* why) {
            return s.upsert(
                gateway(QStringLiteral("beta"), QStringLiteral("https://b.example.com")), why);
        },
        &error));

    // The window's next write (switching the watched target) reloads first: beta survives.
    QVERIFY2(window.update(
                 [](TargetStore& s, QString*) {
                     s.setLastWatched(QStringLiteral("alpha"));
                     return true;
                 },
                 &error),
             qPrintable(error));
    QCOMPARE(window.names(), (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
    TargetStore reread(path);
    QVERIFY(reread.load(&error));
    QCOMPARE(reread.names(), (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
    QCOMPARE(reread.lastWatched(), QStringLiteral("alpha"));

    // A change that refuses saves nothing.
    QVERIFY(!window.update(
        [](TargetStore&, QString* why) {
            *why = QStringLiteral("no");
            return false;
        },
        &error));
    QCOMPARE(error, QStringLiteral("no"));

    // While another writer holds the lock, a write waits and then says so instead of racing.
    QLockFile held(path + QStringLiteral(".lock"));
    QVERIFY(held.lock());
    // (QLockFile in the same process: the second lock attempt fails like another process's.)
    TargetStore blocked(path);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!blocked.update([](TargetStore&, QString*) { return true; }, &error));
    QVERIFY2(error.contains(QStringLiteral("another bhiv-ops")), qPrintable(error));
    QVERIFY(timer.elapsed() >= 9000);
    held.unlock();
    QVERIFY(blocked.update([](TargetStore&, QString*) { return true; }, &error));
}

QTEST_GUILESS_MAIN(TestTargetSecurity)
#include "TestTargetSecurity.moc"
