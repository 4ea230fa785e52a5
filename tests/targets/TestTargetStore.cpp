// Target value type, the JSON target store (atomic, no secrets), export/import, and the
// in-memory secret store.
#include "models/domain/Target.h"
#include "models/net/TargetPollerOptions.h"
#include "models/secrets/MemorySecretStore.h"
#include "models/targets/TargetStore.h"

#include <QFile>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

class TestTargetStore : public QObject {
    Q_OBJECT
private:
    static Target sample()
    {
        Target t;
        t.name = QStringLiteral("prod-eu");
        t.baseUrl = QUrl(QStringLiteral("https://gw.example.com"));
        t.dialect = Dialect::Monolith;
        t.intervalMs = 10000;
        t.metricMapping.insert(QStringLiteral("latency"), QStringLiteral("api_response_seconds"));
        t.readOnly = true;
        t.trustedCertSha256 = QByteArray(32, '\x5a');
        RenderService service;
        service.serviceId = QStringLiteral("srv-abc123");
        service.displayName = QStringLiteral("Gateway");
        service.deployHook = true;
        service.restApi = true;
        t.services << service;
        return t;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void jsonRoundTrip()
    {
        const Target t = sample();
        QString error;
        const auto back = Target::fromJson(t.toJson(), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QCOMPARE(*back, t);
        QVERIFY(!back->allowsOperations());
        QCOMPARE(back->services.first().apiBaseUrl,
                 QUrl(QStringLiteral("https://api.render.com/v1")));
    }

    void validation_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowHttp");
        QTest::addColumn<bool>("valid");
        QTest::newRow("https") << "https://gw.example.com" << false << true;
        QTest::newRow("http loopback v4") << "http://127.0.0.1:8000" << false << true;
        QTest::newRow("http loopback 127.8") << "http://127.8.9.10" << false << true;
        QTest::newRow("http localhost") << "http://localhost:8000" << false << true;
        QTest::newRow("http ::1") << "http://[::1]:8000" << false << true;
        QTest::newRow("http remote") << "http://gw.example.com" << false << false;
        QTest::newRow("http 128.0.0.1") << "http://128.0.0.1" << false << false;
        QTest::newRow("http 127.evil.com") << "http://127.0.0.1.evil.com" << false << false;
        QTest::newRow("http remote allowed") << "http://gw.example.com" << true << true;
        QTest::newRow("ftp") << "ftp://gw.example.com" << true << false;
    }

    void validation()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowHttp);
        QFETCH(bool, valid);
        Target t;
        t.name = QStringLiteral("t");
        t.baseUrl = QUrl(url);
        t.allowPlainHttp = allowHttp;
        QCOMPARE(t.validationError().isEmpty(), valid);
    }

    void historyRetention_data()
    {
        QTest::addColumn<int>("rawHours");
        QTest::addColumn<int>("rollupDays");
        QTest::addColumn<int>("capMb");
        QTest::addColumn<QString>("problem"); // a word of the refusal; empty: valid
        QTest::newRow("defaults") << 48 << 30 << 256 << QString();
        QTest::newRow("smallest") << 1 << 1 << 16 << QString();
        QTest::newRow("largest") << 720 << 1095 << 65536 << QString();
        QTest::newRow("raw as long as rollups") << 24 << 1 << 256 << QString();
        QTest::newRow("no raw") << 0 << 30 << 256 << QStringLiteral("hours");
        QTest::newRow("raw over 30 d") << 721 << 60 << 256 << QStringLiteral("hours");
        QTest::newRow("no rollups") << 48 << 0 << 256 << QStringLiteral("days");
        QTest::newRow("rollups over 3 y") << 48 << 1096 << 256 << QStringLiteral("days");
        QTest::newRow("cap too small") << 48 << 30 << 15 << QStringLiteral("MB");
        QTest::newRow("cap over 64 GB") << 48 << 30 << 65537 << QStringLiteral("MB");
        QTest::newRow("rollups shorter than raw")
            << 72 << 2 << 256 << QStringLiteral("at least as far back");
    }

    void historyRetention()
    {
        QFETCH(int, rawHours);
        QFETCH(int, rollupDays);
        QFETCH(int, capMb);
        QFETCH(QString, problem);
        Target t = sample();
        t.history = {rawHours, rollupDays, capMb};
        const QString why = t.validationError();
        if (problem.isEmpty()) {
            QVERIFY2(why.isEmpty(), qPrintable(why));
            QString error;
            const auto back = Target::fromJson(t.toJson(), &error);
            QVERIFY2(back.has_value(), qPrintable(error));
            QCOMPARE(back->history, t.history);
        } else {
            QVERIFY2(why.contains(problem), qPrintable(why));
            QString error;
            QVERIFY(!Target::fromJson(t.toJson(), &error));
            QVERIFY2(error.startsWith(QStringLiteral("prod-eu: ")) && error.contains(problem),
                     qPrintable(error));
        }
    }

    // A targets file written before the limits existed, or naming only some of them: the
    // others keep their defaults.
    void historyRetentionDefaultsWhenAbsent()
    {
        QJsonObject json = sample().toJson();
        json.remove(QStringLiteral("history"));
        auto back = Target::fromJson(json);
        QVERIFY(back);
        QCOMPARE(back->history, HistoryRetention{});
        QVERIFY(back->history.isDefault());
        QCOMPARE(back->history.rawHours, 48);
        QCOMPARE(back->history.rollupDays, 30);
        QCOMPARE(back->history.capMb, 256);
        json.insert(QStringLiteral("history"), QJsonObject{{QStringLiteral("cap_mb"), 1024}});
        back = Target::fromJson(json);
        QVERIFY(back);
        QCOMPARE(back->history.capMb, 1024);
        QCOMPARE(back->history.rawHours, 48);
        QCOMPARE(back->history.rollupDays, 30);
        QVERIFY(!back->history.isDefault());
    }

    void names()
    {
        QVERIFY(Target::isValidName(QStringLiteral("prod_eu-1.a")));
        QVERIFY(!Target::isValidName(QStringLiteral("a/b")));
        QVERIFY(!Target::isValidName(QStringLiteral("")));
        QVERIFY(!Target::isValidName(QStringLiteral("..")));
        QVERIFY(!Target::isValidName(QString(65, u'a')));
        QCOMPARE(secretKeyGatewayApiKey(QStringLiteral("prod")),
                 QStringLiteral("target/prod/gateway-api-key"));
    }

    void fingerprints()
    {
        const QByteArray raw =
            QByteArray::fromHex("ab00ff1122334455667788990011223344556677889900112233445566778899");
        const QString text = formatFingerprint(raw);
        QVERIFY(text.startsWith(QStringLiteral("AB:00:FF:")));
        QCOMPARE(parseFingerprint(text), std::optional<QByteArray>(raw));
        QCOMPARE(parseFingerprint(text.toLower().remove(u':')), std::optional<QByteArray>(raw));
        QVERIFY(!parseFingerprint(QStringLiteral("abcd")));
        QVERIFY(!parseFingerprint(QString(64, u'z')));
    }

    void pollerOptions()
    {
        const Target t = sample();
        const PollerOptions o = pollerOptionsFor(t, "key");
        QCOMPARE(o.baseUrl, t.baseUrl);
        QCOMPARE(o.intervalMs, 10000);
        QCOMPARE(o.apiKey, QByteArray("key"));
        QCOMPARE(o.trustedCertSha256, t.trustedCertSha256);
        QCOMPARE(o.forcedDialect, Dialect::Monolith);
        QVERIFY(!o.allowPlainHttp);
    }

    void storeSaveLoad()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/targets.json"));
        TargetStore store(path);
        QVERIFY(store.load()); // missing file: empty
        QVERIFY(store.targets().isEmpty());
        QSignalSpy changed(&store, &TargetStore::changed);
        QVERIFY(store.upsert(sample()));
        Target second = sample();
        second.name = QStringLiteral("local");
        second.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8000"));
        QVERIFY(store.upsert(second));
        store.setLastWatched(QStringLiteral("local"));
        QCOMPARE(changed.size(), 2);
        QString error;
        QVERIFY2(store.save(&error), qPrintable(error));

        TargetStore again(path);
        QVERIFY(again.load());
        QCOMPARE(again.names(), (QStringList{QStringLiteral("prod-eu"), QStringLiteral("local")}));
        QCOMPARE(*again.find(QStringLiteral("prod-eu")), sample());
        QCOMPARE(again.lastWatched(), QStringLiteral("local"));

        // Rename keeps the last-watched pointer; an invalid target is refused.
        Target renamed = second;
        renamed.name = QStringLiteral("loopback");
        QVERIFY(again.replace(QStringLiteral("local"), renamed));
        QCOMPARE(again.lastWatched(), QStringLiteral("loopback"));
        Target bad = second;
        bad.baseUrl = QUrl(QStringLiteral("http://gw.example.com"));
        QVERIFY(!again.upsert(bad, &error));
        QVERIFY(error.contains(QStringLiteral("plain http")));
        QVERIFY(again.remove(QStringLiteral("loopback")));
        QVERIFY(again.lastWatched().isEmpty());
        QVERIFY(!again.remove(QStringLiteral("nope")));
    }

    // A damaged file is set aside (tests/faults/TestCrashSafety covers it in depth); a target
    // that is not valid is still an error, and the file is left where it is.
    void corruptFileIsSetAsideInvalidTargetIsAnError()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("targets.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{not json");
        file.close();
        TargetStore store(path);
        QString error;
        QVERIFY(store.load(&error));
        QVERIFY(store.targets().isEmpty());
        QVERIFY(store.recoveryNotice().contains(QStringLiteral(".corrupt-")));
        QVERIFY(!QFile::exists(path));

        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            R"({"format":"bhiv-ops-targets","version":1,"targets":[{"name":"gw","dialect":"klingon"}]})");
        file.close();
        QVERIFY(!store.load(&error));
        QVERIFY(!error.isEmpty());
        QVERIFY(store.recoveryNotice().isEmpty());
        QVERIFY(QFile::exists(path));
    }

    void exportImport()
    {
        const QByteArray json = TargetStore::exportJson({sample()});
        QVERIFY(!json.contains("key"));
        QString error;
        const auto back = TargetStore::importJson(json, &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QCOMPARE(back->size(), 1);
        QCOMPARE(back->first(), sample());
        QVERIFY(!TargetStore::importJson("[]", &error));
        QVERIFY(!TargetStore::importJson(
            R"({"format":"bhiv-ops-targets","targets":[{"name":"x"}]})", &error));
    }

    void defaultPathIsConfig()
    {
        QVERIFY(TargetStore::defaultPath().endsWith(QStringLiteral("/targets.json")));
        QVERIFY(TargetStore::defaultPath().startsWith(
            QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)));
    }

    void memorySecretStore()
    {
        MemorySecretStore store;
        bool called = false;
        store.write(QStringLiteral("k"), "v1", [&](const SecretResult& r) {
            QVERIFY(r.ok());
            called = true;
        });
        QVERIFY(!called); // asynchronous, always
        QTRY_VERIFY(called);
        QCOMPARE(readSecretSync(store, QStringLiteral("k")).value, QByteArray("v1"));
        QVERIFY(writeSecretSync(store, QStringLiteral("k"), "v2").ok());
        QCOMPARE(readSecretSync(store, QStringLiteral("k")).value, QByteArray("v2"));
        QVERIFY(removeSecretSync(store, QStringLiteral("k")).ok());
        QCOMPARE(readSecretSync(store, QStringLiteral("k")).error, SecretError::NotFound);
        store.setFailure(SecretError::NoBackend);
        const SecretResult failed = writeSecretSync(store, QStringLiteral("k"), "v3");
        QCOMPARE(failed.error, SecretError::NoBackend);
        QVERIFY(secretErrorMessage(failed.error).contains(QStringLiteral("no keychain backend")));
        QVERIFY(!store.contains(QStringLiteral("k")));
    }
};

QTEST_GUILESS_MAIN(TestTargetStore)
#include "TestTargetStore.moc"
