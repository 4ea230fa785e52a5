// The simulator's Render logs stub, driven over real HTTP and WebSocket: the list API and its
// paging, filters and refusals, the live socket and its faults, and lines that follow traffic.
#include "tests/support/SimulatorProcess.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

using ops::test::SimulatorProcess;

namespace {

const QByteArray kKey = "Bearer rnd-sim-key";
const QString kOwner = QStringLiteral("tea-d0simbhivowner01");
const QString kService = QStringLiteral("srv-d0bhivgateway901a");

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString enc(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

// A WebSocket client that keeps every message's id.
struct Socket {
    QWebSocket ws;
    QStringList ids;
    QList<QJsonObject> lines;
    QString error;
    Socket()
    {
        QObject::connect(&ws, &QWebSocket::textMessageReceived, [this](const QString& m) {
            const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
            ids << o.value(QStringLiteral("id")).toString();
            lines << o;
        });
        QObject::connect(&ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
                         [this](QAbstractSocket::SocketError) { error = ws.errorString(); });
    }
    bool open(const QUrl& base, const QString& query, const QByteArray& auth = kKey)
    {
        QUrl url = base;
        url.setScheme(QStringLiteral("ws"));
        url.setPath(QStringLiteral("/render/v1/logs/subscribe"));
        url.setQuery(query);
        QNetworkRequest request(url);
        if (!auth.isEmpty()) {
            request.setRawHeader("Authorization", auth);
        }
        ws.open(request);
        (void)QTest::qWaitFor(
            [this] { return ws.state() == QAbstractSocket::ConnectedState || !error.isEmpty(); },
            5000);
        return ws.state() == QAbstractSocket::ConnectedState;
    }
};

} // namespace

class TestLogsSimulator : public QObject {
    Q_OBJECT

    SimulatorProcess m_sim;

    int renderGet(const QString& pathAndQuery, QJsonObject* object = nullptr,
                  QByteArray* raw = nullptr, const QByteArray& auth = kKey)
    {
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!auth.isEmpty()) {
            headers << qMakePair(QByteArrayLiteral("Authorization"), auth);
        }
        const int status = m_sim.get(pathAndQuery, &body, headers);
        if (object) {
            *object = QJsonDocument::fromJson(body).object();
        }
        if (raw) {
            *raw = body;
        }
        return status;
    }
    QJsonObject control(const QByteArray& json = {}, const QString& query = {})
    {
        QByteArray body;
        if (json.isEmpty()) {
            m_sim.get(QStringLiteral("/__sim/logs") + query, &body);
        } else {
            m_sim.post(QStringLiteral("/__sim/logs"), json, &body);
        }
        return QJsonDocument::fromJson(body).object();
    }
    QString base() const
    {
        return QStringLiteral("/render/v1/logs?ownerId=%1&resource=%2").arg(kOwner, kService);
    }
    // Every id of the window, page after page, in the order the API gives them.
    QStringList pageThrough(qint64 startMs, qint64 endMs, const QString& direction, int limit,
                            int* pages)
    {
        QStringList ids;
        QString start = iso(startMs);
        QString end = iso(endMs);
        *pages = 0;
        for (int guard = 0; guard < 500; ++guard) {
            QJsonObject page;
            // Concatenated, not arg(): the encoded times hold "%3A".
            const int status = renderGet(base() + QStringLiteral("&startTime=") + enc(start) +
                                             QStringLiteral("&endTime=") + enc(end) +
                                             QStringLiteral("&direction=") + direction +
                                             QStringLiteral("&limit=") + QString::number(limit),
                                         &page);
            if (status != 200) {
                qWarning() << "page status" << status << page;
                return {};
            }
            ++*pages;
            for (const QJsonValue& v : page.value(QStringLiteral("logs")).toArray()) {
                ids << v.toObject().value(QStringLiteral("id")).toString();
            }
            if (!page.value(QStringLiteral("hasMore")).toBool()) {
                break;
            }
            start = page.value(QStringLiteral("nextStartTime")).toString();
            end = page.value(QStringLiteral("nextEndTime")).toString();
        }
        return ids;
    }

private slots:
    void init()
    {
        QVERIFY2(m_sim.start({QStringLiteral("--log-rate"), QStringLiteral("0"),
                              QStringLiteral("--deploy-stage-ms"), QStringLiteral("300")}),
                 qPrintable(m_sim.error()));
        // Paging 2,000 lines 7 at a time is more than Render's 100 requests a minute.
        QCOMPARE(
            m_sim.post(QStringLiteral("/__sim/render"), R"({"rate_limit": {"limit": 100000}})"),
            200);
    }
    void cleanup() { m_sim.stop(); }

    void ownersAndRefusals()
    {
        QByteArray raw;
        QCOMPARE(renderGet(QStringLiteral("/render/v1/owners"), nullptr, &raw), 200);
        const QJsonArray owners = QJsonDocument::fromJson(raw).array();
        QCOMPARE(owners.size(), 1);
        QCOMPARE(owners[0].toObject()["owner"].toObject()["id"].toString(), kOwner);

        QJsonObject o;
        QCOMPARE(renderGet(base(), &o, nullptr, QByteArray()), 401);
        QCOMPARE(renderGet(QStringLiteral("/render/v1/logs?resource=") + kService, &o), 400);
        QVERIFY(o["message"].toString().contains(QLatin1String("ownerId")));
        QCOMPARE(
            renderGet(QStringLiteral("/render/v1/logs?ownerId=tea-other&resource=") + kService, &o),
            404);
        QCOMPARE(renderGet(QStringLiteral("/render/v1/logs?ownerId=") + kOwner, &o), 400);
        QVERIFY(o["message"].toString().contains(QLatin1String("resource")));
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=0"), &o), 400);
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=101"), &o), 400);
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=ten"), &o), 400);
        QCOMPARE(renderGet(base() + QStringLiteral("&direction=sideways"), &o), 400);
        QCOMPARE(renderGet(base() + QStringLiteral("&startTime=yesterday"), &o), 400);
        QVERIFY(o["message"].toString().contains(QLatin1String("RFC 3339")));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(
            renderGet(base() + QStringLiteral("&startTime=") + enc(iso(now - 31LL * 86400000)), &o),
            400);
        QVERIFY(o["message"].toString().contains(QLatin1String("30 days")));
        QCOMPARE(renderGet(base() + QStringLiteral("&startTime=%1&endTime=%2")
                                        .arg(enc(iso(now)), enc(iso(now - 60000))),
                           &o),
                 400);
        QCOMPARE(
            renderGet(base() + QStringLiteral("&text=") + enc(QStringLiteral("/(unclosed/")), &o),
            400);
        QVERIFY2(o["message"].toString().contains(QLatin1String("missing closing parenthesis")),
                 qPrintable(o["message"].toString()));
    }

    // Paging across hasMore, newest first and oldest first, gives every line of the window once,
    // the same as the simulator's own record, even where many lines share one millisecond.
    void pagingMatchesTheRecord()
    {
        control(R"({"emit": {"count": 30, "message": "same millisecond"}})");
        const qint64 now = QDateTime::currentMSecsSinceEpoch() + 1000;
        const qint64 start = now - 3600 * 1000LL - 5000;
        const QJsonObject record = control(
            {}, QStringLiteral("?ids&startTime=%1&endTime=%2").arg(enc(iso(start)), enc(iso(now))));
        QStringList expected;
        for (const QJsonValue& v : record["ids"].toArray()) {
            expected << v.toString();
        }
        QVERIFY2(expected.size() > 1000, qPrintable(QString::number(expected.size())));

        int pages = 0;
        const QStringList forward = pageThrough(start, now, QStringLiteral("forward"), 7, &pages);
        QVERIFY2(pages > 100, qPrintable(QString::number(pages)));
        QCOMPARE(QSet<QString>(forward.begin(), forward.end()).size(), forward.size());
        QCOMPARE(forward, expected);

        QStringList backward = pageThrough(start, now, QStringLiteral("backward"), 100, &pages);
        QVERIFY(pages > 10);
        std::reverse(backward.begin(), backward.end());
        QCOMPARE(backward, expected);

        // The 30 lines of one millisecond are never split across pages.
        QJsonObject first;
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=10&endTime=") + enc(iso(now)), &first),
                 200);
        QCOMPARE(first["logs"].toArray().size(), 30);
        QVERIFY(first["hasMore"].toBool());
    }

    void filters()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QJsonObject o;
        // Build lines of the deploy that went live a day ago.
        QCOMPARE(renderGet(base() + QStringLiteral("&type=build&limit=100&startTime=") +
                               enc(iso(now - 2 * 86400000LL)),
                           &o),
                 200);
        const QJsonArray build = o["logs"].toArray();
        QVERIFY(build.size() >= 10);
        for (const QJsonValue& v : build) {
            const QJsonArray labels = v.toObject()["labels"].toArray();
            QVERIFY(labels.contains(QJsonObject{{"name", "type"}, {"value", "build"}}));
        }
        QVERIFY(QJsonDocument(o).toJson().contains("Your service is live"));
        // Wildcard text, case-insensitive.
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=100&text=") +
                               enc(QStringLiteral("SCORED*candidates")),
                           &o),
                 200);
        QVERIFY(!o["logs"].toArray().isEmpty());
        for (const QJsonValue& v : o["logs"].toArray()) {
            QVERIFY(v.toObject()["message"].toString().contains(QLatin1String("scored")));
        }
        // A label glob and a regex.
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=100&path=") +
                               enc(QStringLiteral("/v1/*")) + QStringLiteral("&method=POST"),
                           &o),
                 200);
        QVERIFY(!o["logs"].toArray().isEmpty());
        for (const QJsonValue& v : o["logs"].toArray()) {
            const QByteArray line = QJsonDocument(v.toObject()).toJson();
            QVERIFY(line.contains("\"POST\""));
        }
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=100&text=") +
                               enc(QStringLiteral("/^\\[GET\\]20[01] /")),
                           &o),
                 200);
        QVERIFY(!o["logs"].toArray().isEmpty());
    }

    // App lines follow the traffic: a 500 is an error line, a slow answer a warning.
    void linesFollowTraffic()
    {
        // Only this test's requests (the hour of history has its own errors).
        const QString since =
            QStringLiteral("&startTime=") + enc(iso(QDateTime::currentMSecsSinceEpoch() - 1));
        QCOMPARE(m_sim.setFaults(R"({"force_status": 500, "paths": ["/health"]})"), 200);
        QByteArray ignored;
        QCOMPARE(m_sim.get(QStringLiteral("/health"), &ignored), 500);
        QCOMPARE(m_sim.setFaults(R"({"clear": true, "latency_ms": 1100, "paths": ["/health"]})"),
                 200);
        QCOMPARE(m_sim.get(QStringLiteral("/health"), &ignored), 200);
        QJsonObject o;
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=100&level=error&type=app&text=") +
                               enc(QStringLiteral("/health answered 500")),
                           &o),
                 200);
        QCOMPARE(o["logs"].toArray().size(), 1);
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=100&level=warning&text=") +
                               enc(QStringLiteral("slow request GET /health")),
                           &o),
                 200);
        QCOMPARE(o["logs"].toArray().size(), 1);
        QCOMPARE(renderGet(base() + QStringLiteral("&limit=5&type=request&statusCode=500&path=") +
                               enc(QStringLiteral("/health")) + since,
                           &o),
                 200);
        QCOMPARE(o["logs"].toArray().size(), 1);
    }

    void socketStreamsAndIsRecorded()
    {
        Socket s;
        QVERIFY2(s.open(m_sim.url(),
                        QStringLiteral("ownerId=%1&resource=%2&type=app").arg(kOwner, kService)),
                 qPrintable(s.error));
        control(R"({"emit": {"count": 5, "type": "app"}})");
        control(R"({"emit": {"count": 3, "type": "build"}})");
        QTRY_COMPARE(s.ids.size(), 5);
        const QJsonObject state = control();
        QCOMPARE(state["connections"].toInt(), 1);
        QCOMPARE(state["delivered"].toArray()[0].toArray().toVariantList().size(), 5);
        QCOMPARE(state["delivered"].toArray()[0].toArray().first().toString(), s.ids.first());
    }

    void subscribeRefusals()
    {
        {
            Socket s;
            QVERIFY(!s.open(m_sim.url(),
                            QStringLiteral("ownerId=%1&resource=%2").arg(kOwner, kService),
                            QByteArrayLiteral("Bearer wrong")));
            QVERIFY2(s.error.contains(QLatin1String("401")), qPrintable(s.error));
        }
        control(R"({"refuse": {"status": 429, "count": 1, "retry_after": 2}})");
        {
            Socket s;
            QVERIFY(!s.open(m_sim.url(),
                            QStringLiteral("ownerId=%1&resource=%2").arg(kOwner, kService)));
            QVERIFY2(s.error.contains(QLatin1String("429")), qPrintable(s.error));
        }
        {
            Socket s; // the next one is let in
            QVERIFY(s.open(m_sim.url(),
                           QStringLiteral("ownerId=%1&resource=%2").arg(kOwner, kService)));
        }
        {
            Socket s;
            QVERIFY(!s.open(m_sim.url(), QStringLiteral("ownerId=%1&resource=%2&text=%3")
                                             .arg(kOwner, kService, enc(QStringLiteral("/[/")))));
            // Qt 6.4 words a 400 handshake answer without its status ("Unknown error condition").
            QVERIFY2(s.error.contains(QLatin1String("processHandshake")), qPrintable(s.error));
        }
        const QJsonObject state = control();
        QCOMPARE(state["subscribe_attempts"].toInt(), 4);
        QCOMPARE(state["refused"].toInt(), 3);
    }

    // drop_after cuts the socket mid-stream; a resume from the newest timestamp gets the lines of
    // that millisecond again, and duplicate_on_reconnect sends the last one once more first.
    void dropAndDuplicate()
    {
        const QString query = QStringLiteral("ownerId=%1&resource=%2").arg(kOwner, kService);
        Socket first;
        QVERIFY(first.open(m_sim.url(), query));
        control(R"({"drop_after": 4, "duplicate_on_reconnect": true})");
        control(R"({"emit": {"count": 10}})");
        QTRY_COMPARE(first.ws.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(first.ids.size(), 4);
        QCOMPARE(control()["dropped"].toInt(), 1);

        const QString newest = first.lines.last()["timestamp"].toString();
        Socket second;
        QVERIFY(second.open(m_sim.url(), query + QStringLiteral("&startTime=") + enc(newest)));
        QTRY_COMPARE(second.ids.size(), 11); // the duplicate, then all 10 of that millisecond
        QCOMPARE(second.ids.first(), first.ids.last());
        QCOMPARE(second.ids.mid(1, 4), first.ids);
        QCOMPARE(control()["duplicates_sent"].toInt(), 1);
    }

    void buildLinesWhileDeploying()
    {
        Socket s;
        QVERIFY(s.open(m_sim.url(),
                       QStringLiteral("ownerId=%1&resource=%2&type=build").arg(kOwner, kService)));
        QByteArray body;
        QNetworkRequest request(m_sim.url().resolved(
            QUrl(QStringLiteral("/render/v1/services/%1/deploys").arg(kService))));
        QCOMPARE(m_sim.post(QStringLiteral("/__sim/render"), R"({"stage_ms": 300})"), 200);
        // Trigger through the API (with the key): the control route has no trigger.
        QNetworkAccessManager nam;
        request.setRawHeader("Authorization", kKey);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        QNetworkReply* reply = nam.post(request, QByteArrayLiteral("{}"));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        reply->deleteLater();
        QTRY_VERIFY_WITH_TIMEOUT(
            !s.lines.isEmpty() &&
                s.lines.last()["message"].toString().contains(QLatin1String("service is live")),
            10000);
        QStringList messages;
        for (const QJsonObject& o : s.lines) {
            messages << o["message"].toString();
        }
        QVERIFY(messages.first().contains(QLatin1String("Cloning")));
        QVERIFY(messages.join(QLatin1Char('\n')).contains(QLatin1String("Build successful")));
    }
};

QTEST_GUILESS_MAIN(TestLogsSimulator)
#include "TestLogsSimulator.moc"
