// A target's data source and Alertmanager settings: validation, JSON export/import through
// the TargetStore, keychain keys of their credentials, and that no credential is in the file.
#include "models/domain/Target.h"
#include "models/targets/TargetStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace ops;

namespace {

Target prometheusTarget()
{
    Target t;
    t.name = QStringLiteral("prod");
    t.baseUrl = QUrl(QStringLiteral("https://gateway.example.com"));
    t.dataSource.kind = DataSourceConfig::Kind::Prometheus;
    t.dataSource.url = QUrl(QStringLiteral("https://prometheus.example.com/prom"));
    t.dataSource.selector = QStringLiteral("job=\"bhiv-gateway\"");
    t.dataSource.sideBySide = true;
    t.dataSource.rateWindowSeconds = 30;
    t.dataSource.auth = QStringLiteral("bearer");
    t.dataSource.trustedCertSha256 = QByteArray(32, '\x11');
    t.alertmanager.url = QUrl(QStringLiteral("https://alertmanager.example.com"));
    t.alertmanager.auth = QStringLiteral("basic");
    t.alertmanager.username = QStringLiteral("ops");
    return t;
}

} // namespace

class TestTargetDataSource : public QObject {
    Q_OBJECT
private slots:
    void roundTripThroughExport();
    void defaultsAreDirectWithoutAlertmanager();
    void invalid_data();
    void invalid();
    void badJson_data();
    void badJson();
    void credentialKeys();
};

void TestTargetDataSource::roundTripThroughExport()
{
    const Target t = prometheusTarget();
    QVERIFY2(t.validationError().isEmpty(), qPrintable(t.validationError()));
    const QByteArray json = TargetStore::exportJson({t});
    QString error;
    const auto back = TargetStore::importJson(json, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->size(), 1);
    QCOMPARE(back->first(), t);
    QVERIFY(json.contains("\"side_by_side\""));
    QVERIFY(json.contains("\"prometheus\""));
}

void TestTargetDataSource::defaultsAreDirectWithoutAlertmanager()
{
    // A target file written before these settings existed.
    const QJsonObject old{{QStringLiteral("name"), QStringLiteral("old")},
                          {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8000")}};
    QString error;
    const auto t = Target::fromJson(old, &error);
    QVERIFY2(t, qPrintable(error));
    QCOMPARE(t->dataSource.kind, DataSourceConfig::Kind::Direct);
    QVERIFY(!t->alertmanager.enabled());
    QCOMPARE(t->dataSource.auth, QStringLiteral("none"));
}

void TestTargetDataSource::invalid_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no prometheus url") << 0 << "Prometheus URL";
    QTest::newRow("plain http to a remote prometheus") << 1 << "plain http";
    QTest::newRow("no selector") << 2 << "selector";
    QTest::newRow("rate window too short") << 3 << "rate window";
    QTest::newRow("unknown auth") << 4 << "authentication";
    QTest::newRow("alertmanager ftp") << 5 << "Alertmanager URL";
    QTest::newRow("alertmanager plain http remote") << 6 << "plain http";
    QTest::newRow("short fingerprint") << 7 << "SHA-256";
}

void TestTargetDataSource::invalid()
{
    QFETCH(int, which);
    QFETCH(QString, mentions);
    Target t = prometheusTarget();
    switch (which) {
    case 0:
        t.dataSource.url = QUrl();
        break;
    case 1:
        t.dataSource.url = QUrl(QStringLiteral("http://prometheus.example.com"));
        break;
    case 2:
        t.dataSource.selector = QStringLiteral("  ");
        break;
    case 3:
        t.dataSource.rateWindowSeconds = 1;
        break;
    case 4:
        t.alertmanager.auth = QStringLiteral("digest");
        break;
    case 5:
        t.alertmanager.url = QUrl(QStringLiteral("ftp://alertmanager.example.com"));
        break;
    case 6:
        t.alertmanager.url = QUrl(QStringLiteral("http://alertmanager.example.com"));
        break;
    case 7:
        t.alertmanager.trustedCertSha256 = QByteArray(8, '\x01');
        break;
    }
    const QString why = t.validationError();
    QVERIFY2(why.contains(mentions), qPrintable(why));
    // Loopback over plain http is fine, as for gateways.
    Target loopback = prometheusTarget();
    loopback.dataSource.url = QUrl(QStringLiteral("http://127.0.0.1:9090"));
    loopback.alertmanager.url = QUrl(QStringLiteral("http://localhost:9093"));
    QVERIFY2(loopback.validationError().isEmpty(), qPrintable(loopback.validationError()));
}

void TestTargetDataSource::badJson_data()
{
    QTest::addColumn<QByteArray>("patch");
    QTest::newRow("unknown kind") << QByteArray(R"({"data_source":{"kind":"influx"}})");
    QTest::newRow("unknown instances") << QByteArray(
        R"({"data_source":{"kind":"prometheus","url":"https://p","selector":"job=\"g\"","instances":"stacked"}})");
    QTest::newRow("bad fingerprint")
        << QByteArray(R"({"alertmanager":{"url":"https://am","trusted_cert_sha256":"zz"}})");
    QTest::newRow("prometheus without selector")
        << QByteArray(R"({"data_source":{"kind":"prometheus","url":"https://p"}})");
}

void TestTargetDataSource::badJson()
{
    QFETCH(QByteArray, patch);
    QJsonObject object{{QStringLiteral("name"), QStringLiteral("t")},
                       {QStringLiteral("url"), QStringLiteral("https://g.example.com")}};
    const QJsonObject extra = QJsonDocument::fromJson(patch).object();
    QVERIFY(!extra.isEmpty());
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
        object.insert(it.key(), it.value());
    QString error;
    QVERIFY(!Target::fromJson(object, &error));
    QVERIFY(error.startsWith(QStringLiteral("t: ")));
}

void TestTargetDataSource::credentialKeys()
{
    const Target t = prometheusTarget();
    QCOMPARE(secretKeyPrometheusCredential(t.name),
             QStringLiteral("target/prod/prometheus-credential"));
    QCOMPARE(secretKeyAlertmanagerCredential(t.name),
             QStringLiteral("target/prod/alertmanager-credential"));
    QVERIFY(secretKeysOf(t).contains(secretKeyPrometheusCredential(t.name)));
    QVERIFY(secretKeysOf(t).contains(secretKeyAlertmanagerCredential(t.name)));
    // The export holds the kind of credential and the user name, never a credential.
    const QJsonObject json = t.toJson();
    QCOMPARE(json.value(QStringLiteral("alertmanager"))
                 .toObject()
                 .value(QStringLiteral("username"))
                 .toString(),
             QStringLiteral("ops"));
    for (const QString& section : {QStringLiteral("data_source"), QStringLiteral("alertmanager")}) {
        const QJsonObject o = json.value(section).toObject();
        QVERIFY(!o.contains(QStringLiteral("password")));
        QVERIFY(!o.contains(QStringLiteral("token")));
    }
}

QTEST_GUILESS_MAIN(TestTargetDataSource)
#include "TestTargetDataSource.moc"
