// End-to-end tests of bhiv-gateway-sim: the real executable, driven over HTTP.
#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

#include <memory>
#include <zlib.h>

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QHash<QByteArray, QByteArray> headers;
    qint64 elapsedMs = 0;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray& name) const { return headers.value(name.toLower()); }
};

QByteArray gunzip(const QByteArray& data)
{
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        return {};
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    zs.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    char buf[65536];
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            out.clear();
            break;
        }
        out.append(buf, static_cast<qsizetype>(sizeof buf - zs.avail_out));
    }
    inflateEnd(&zs);
    return out;
}

// Sum of every sample of a family (by exact sample name prefix up to '{' or ' ').
double sumSamples(const QByteArray& text, const QByteArray& name)
{
    double total = 0.0;
    for (const QByteArray& line : text.split('\n')) {
        if (line.startsWith(name + '{') || line.startsWith(name + ' ')) {
            total += line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
    }
    return total;
}

} // namespace

class GatewaySimTest : public QObject {
    Q_OBJECT

private:
    QList<QProcess*> m_procs;
    QNetworkAccessManager m_nam;
    quint16 m_port = 0;

    quint16 startSim(const QStringList& args)
    {
        auto* p = new QProcess(this);
        m_procs << p;
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start(qEnvironmentVariable("OPS_SIM_BINARY"), QStringList{"--port", "0"} + args);
        if (!p->waitForStarted(5000)) {
            return 0;
        }
        QElapsedTimer t;
        t.start();
        while (!p->canReadLine() && t.elapsed() < 10000) {
            p->waitForReadyRead(200);
        }
        const QByteArray line = p->readLine().trimmed();
        if (!line.startsWith("listening on http://127.0.0.1:")) {
            qWarning() << "unexpected first line" << line << p->readAllStandardError();
            return 0;
        }
        m_port = static_cast<quint16>(line.mid(line.lastIndexOf(':') + 1).toUInt());
        return m_port;
    }

    Reply request(const QByteArray& method, const QString& path, const QByteArray& body = {},
                  const QList<QPair<QByteArray, QByteArray>>& headers = {}, int timeoutMs = 10000)
    {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        req.setTransferTimeout(timeoutMs);
        if (!body.isNull()) {
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        }
        for (const auto& h : headers) {
            req.setRawHeader(h.first, h.second);
        }
        QElapsedTimer t;
        t.start();
        QNetworkReply* r = m_nam.sendCustomRequest(req, method, body);
        QSignalSpy done(r, &QNetworkReply::finished);
        if (!r->isFinished()) {
            done.wait(timeoutMs + 5000);
        }
        Reply out;
        out.elapsedMs = t.elapsed();
        out.error = r->error();
        out.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = r->readAll();
        for (const auto& pair : r->rawHeaderPairs()) {
            out.headers.insert(pair.first.toLower(), pair.second);
        }
        r->deleteLater();
        return out;
    }
    Reply get(const QString& path, const QList<QPair<QByteArray, QByteArray>>& headers = {},
              int timeoutMs = 10000)
    {
        return request("GET", path, QByteArray(), headers, timeoutMs);
    }
    Reply post(const QString& path, const QByteArray& body)
    {
        return request("POST", path, body.isNull() ? QByteArray("") : body);
    }
    Reply faults(const QByteArray& json) { return post(QStringLiteral("/__sim/faults"), json); }

private slots:
    void initTestCase() { QVERIFY(QFile::exists(qEnvironmentVariable("OPS_SIM_BINARY"))); }

    void cleanup()
    {
        for (QProcess* p : std::as_const(m_procs)) {
            p->kill();
            p->waitForFinished(3000);
            delete p;
        }
        m_procs.clear();
    }

    void helpWorks()
    {
        QProcess p;
        p.start(qEnvironmentVariable("OPS_SIM_BINARY"), {"--help"});
        QVERIFY(p.waitForFinished(5000));
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY(out.contains("--dialect"));
        QVERIFY(out.contains("fail_at_step"));
        QVERIFY(out.contains("sim-key"));
    }

    void sigtermExitsCleanly()
    {
        QVERIFY(startSim({"--dialect", "plan"}));
        QProcess* p = m_procs.last();
        p->terminate();
        QVERIFY(p->waitForFinished(5000));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QCOMPARE(p->exitCode(), 0);
    }

    void planRoutes()
    {
        QVERIFY(startSim({"--dialect", "plan", "--seed", "7"}));
        Reply h = get("/health");
        QCOMPARE(h.status, 200);
        for (const char* k : {"status", "service", "version", "timestamp"}) {
            QVERIFY2(h.json().contains(QLatin1String(k)), k);
        }
        QVERIFY(!h.header("x-request-id").isEmpty());
        QVERIFY(!h.header("x-process-time").isEmpty());
        QVERIFY(h.header("x-gateway-version").isEmpty());

        const QJsonObject d = get("/health/detailed").json();
        const QJsonObject comps = d.value("components").toObject();
        for (const char* c : {"database", "modules", "workflows", "external_services"}) {
            QCOMPARE(comps.value(QLatin1String(c)).toObject().value("status").toString(),
                     QStringLiteral("healthy"));
        }
        const QJsonObject perf = d.value("performance").toObject();
        QVERIFY(perf.value("avg_response_time").toDouble() > 0.0);
        QVERIFY(perf.value("avg_response_time").toDouble() < 1.0);
        QVERIFY(perf.contains("active_connections") && perf.contains("memory_usage"));

        Reply m = get("/metrics");
        QCOMPARE(m.header("content-type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        QVERIFY(m.body.startsWith("# HELP process_virtual_memory_bytes"));
        QVERIFY(m.body.contains("# TYPE api_requests_total counter\n"));
        QVERIFY(m.body.contains("api_request_duration_seconds_bucket{le=\"+Inf\"} "));
        QVERIFY(m.body.contains("\nactive_workflows_total "));
        QVERIFY(m.body.contains("# TYPE api_requests_created gauge\n"));
        QVERIFY(m.body.contains("python_info{implementation=\"CPython\""));

        const QJsonObject mods = get("/system/modules").json();
        QCOMPARE(mods.value("modules").toArray().size(), 6);
        QCOMPARE(mods.value("total_modules").toInt(), 6);
        QCOMPARE(mods.value("total_endpoints").toString(), QStringLiteral("180+"));
        QCOMPARE(mods.value("architecture").toString(), QStringLiteral("modular"));
        QCOMPARE(get("/system/architecture")
                     .json()
                     .value("architecture")
                     .toObject()
                     .value("type")
                     .toString(),
                 QStringLiteral("modular_microservices"));
        const QJsonObject jobs = get("/v1/jobs?page=2&per_page=10").json();
        QCOMPARE(jobs.value("page").toInt(), 2);
        QCOMPARE(jobs.value("per_page").toInt(), 10);
        QCOMPARE(jobs.value("jobs").toArray().size(), 10);
        QVERIFY(jobs.value("total").toInt() >= 20 && jobs.value("pages").toInt() >= 2);
        const QJsonObject rl = get("/v1/auth/security/rate-limit-status").json();
        for (const char* k : {"rate_limit", "remaining", "reset_time", "window"}) {
            QVERIFY2(rl.contains(QLatin1String(k)), k);
        }
        Reply nf = get("/no/such/route");
        QCOMPARE(nf.status, 404);
        QCOMPARE(nf.json().value("detail").toString(), QStringLiteral("Not Found"));
        QCOMPARE(request("DELETE", "/health").status, 405);
    }

    void modularRoutes()
    {
        QVERIFY(startSim({"--dialect", "modular"}));
        Reply h = get("/health/detailed");
        QCOMPARE(h.header("x-gateway-version"), QByteArray("3.2.1-modular"));
        const QJsonObject services = h.json().value("services").toObject();
        for (const char* s : {"database", "cache", "workflows", "pipelines", "ai_engine"}) {
            QVERIFY2(services.value(QLatin1String(s)).isString(), s);
        }
        QVERIFY(QRegularExpression("^\\d+h \\d+m \\d+s$")
                    .match(h.json().value("uptime").toString())
                    .hasMatch());
        Reply stub = get("/metrics");
        QVERIFY(stub.header("content-type").startsWith("application/json"));
        for (const char* k :
             {"http_requests_total", "http_request_duration_seconds", "active_connections",
              "memory_usage_bytes", "workflow_executions_total", "pipeline_executions_total"}) {
            QVERIFY2(stub.json().value(QLatin1String(k)).isDouble(), k);
        }
        QCOMPARE(get("/metrics").header("x-gateway-version"), QByteArray("3.2.1-modular"));
        Reply text = get("/metrics/prometheus");
        QVERIFY(text.body.contains("api_requests_total{endpoint=\"/health/"
                                   "detailed\",method=\"GET\",status_code=\"200\"}"));
        QVERIFY(text.body.contains("api_request_duration_seconds_bucket{endpoint=\"/v1/"
                                   "jobs\",le=\"0.005\",method=\"GET\"}"));
        for (const char* f : {"workflow_executions_total{", "system_memory_usage_bytes ",
                              "system_cpu_usage_percent ", "database_connections_active ",
                              "api_errors_total{", "active_workflows_total "}) {
            QVERIFY2(text.body.contains(f), f);
        }
    }

    void monolithAuthAndDelay()
    {
        QVERIFY(startSim({"--dialect", "monolith", "--api-key", "k123"}));
        Reply none = get("/v1/jobs");
        QCOMPARE(none.status, 403);
        QCOMPARE(none.json().value("detail").toString(), QStringLiteral("Not authenticated"));
        Reply wrong = get("/v1/jobs", {{"Authorization", "Bearer nope"}});
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.json().value("detail").toString(), QStringLiteral("Invalid API key"));
        Reply ok = get("/v1/jobs", {{"Authorization", "Bearer k123"}});
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.header("x-ratelimit-limit"), QByteArray("60"));
        QVERIFY(ok.header("x-ratelimit-remaining").toInt() < 60);
        QCOMPARE(get("/v1/security/rate-limit-status", {{"Authorization", "Bearer k123"}}).status,
                 200);
        QCOMPARE(get("/v1/security/rate-limit-status").status, 403);
        Reply wf = get("/v1/workflows");
        QCOMPARE(wf.status, 404);
        QCOMPARE(wf.json().value("detail").toString(), QStringLiteral("Not Found"));
        Reply m = get("/metrics");
        for (const char* f :
             {"api_response_seconds_bucket{", "errors_total{", "active_users_current ",
              "database_connections_active ", "match_success_rate ", "resumes_processed_total{",
              "job_postings_created_total "}) {
            QVERIFY2(m.body.contains(f), f);
        }
        Reply d = get("/health/detailed");
        QVERIFY2(d.elapsedMs >= 1000, QByteArray::number(d.elapsedMs));
        const QJsonObject o = d.json();
        QVERIFY(o.value("system").toObject().contains("cpu_percent"));
        QVERIFY(o.value("application").toObject().contains("uptime_hours"));
        QCOMPARE(o.value("database").toObject().value("status").toString(),
                 QStringLiteral("connected"));
        QVERIFY(!o.value("timestamp").toString().contains('+'));
    }

    void monolithRateLimit()
    {
        QVERIFY(startSim({"--dialect", "monolith", "--rate-limit", "3"}));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(get("/health").status, 200);
        }
        Reply limited = get("/health");
        QCOMPARE(limited.status, 429);
        QVERIFY(!limited.header("retry-after").isEmpty());
        QCOMPARE(limited.header("x-ratelimit-remaining"), QByteArray("0"));
    }

    void openMetricsAndGzip()
    {
        QVERIFY(startSim({"--dialect", "plan"}));
        Reply om = get("/metrics", {{"Accept", "application/openmetrics-text; version=1.0.0"}});
        QCOMPARE(om.header("content-type"),
                 QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8"));
        QVERIFY(om.body.endsWith("# EOF\n"));
        QVERIFY(om.body.contains("# TYPE api_requests counter\n"));
        QVERIFY(!om.body.contains("# TYPE api_requests_created"));
        Reply gz = get("/metrics", {{"Accept-Encoding", "gzip"}});
        QCOMPARE(gz.header("content-encoding"), QByteArray("gzip"));
        QVERIFY(gz.body.startsWith("\x1f\x8b"));
        const QByteArray plain = gunzip(gz.body);
        QVERIFY(plain.size() > gz.body.size());
        QVERIFY(plain.startsWith("# HELP process_virtual_memory_bytes"));
        QVERIFY(plain.contains("# TYPE api_request_duration_seconds histogram"));
        // Same shape as the uncompressed answer (values move between scrapes).
        const QByteArray again = get("/metrics", {{"Accept-Encoding", "identity"}}).body;
        QCOMPARE(plain.count('\n') / 10, again.count('\n') / 10);
    }

    void faultInjection()
    {
        QVERIFY(startSim({"--dialect", "modular"}));
        QCOMPARE(faults("{\"force_status\": 500}").status, 200);
        Reply e = get("/health");
        QCOMPARE(e.status, 500);
        QCOMPARE(e.body, QByteArray("Internal Server Error"));
        QVERIFY(e.header("content-type").startsWith("text/plain"));
        QCOMPARE(get("/__sim/faults").status, 200); // control routes never faulted
        QCOMPARE(get("/__sim/faults").json().value("force_status").toInt(), 500);

        faults("{\"force_status\": 429, \"retry_after\": 7}");
        Reply tm = get("/v1/jobs");
        QCOMPARE(tm.status, 429);
        QCOMPARE(tm.header("retry-after"), QByteArray("7"));

        faults("{\"clear\": true, \"hang\": true}");
        Reply hung = get("/health", {}, 400);
        QVERIFY(hung.error != QNetworkReply::NoError);
        QCOMPARE(hung.status, 0);
        QCOMPARE(get("/__sim/state").status, 200); // still responsive after the client gave up

        faults("{\"clear\": true, \"malformed\": true}");
        Reply bad = get("/health");
        QCOMPARE(bad.status, 200);
        QJsonParseError err{};
        QJsonDocument::fromJson(bad.body, &err);
        QVERIFY(err.error != QJsonParseError::NoError);

        faults("{\"clear\": true, \"oversized_mb\": 2}");
        Reply big = get("/health");
        QVERIFY(big.body.size() >= 2 * 1024 * 1024 - 64);
        QVERIFY(big.json().contains("status"));

        faults("{\"clear\": true, \"latency_ms\": 600, \"paths\": [\"/health\"]}");
        QVERIFY(get("/health").elapsedMs >= 600);
        QVERIFY(get("/v1/jobs").elapsedMs < 600);

        faults(
            "{\"clear\": true, \"components\": {\"database\": \"down\", \"cache\": \"degraded\"}}");
        QJsonObject d = get("/health/detailed").json();
        QCOMPARE(d.value("status").toString(), QStringLiteral("unhealthy"));
        QCOMPARE(d.value("services").toObject().value("database").toString(),
                 QStringLiteral("down"));
        QCOMPARE(d.value("services").toObject().value("cache").toString(),
                 QStringLiteral("degraded"));
        faults("{\"components\": {\"database\": null}}");
        QCOMPARE(get("/health/detailed").json().value("status").toString(),
                 QStringLiteral("degraded"));

        faults("{\"clear\": true}");
        Reply okAgain = get("/health");
        QCOMPARE(okAgain.status, 200);
        QCOMPARE(okAgain.json().value("status").toString(), QStringLiteral("healthy"));
    }

    // slow_body_ms: status and headers at once, then the body trickled in chunks; complete.
    void slowBodyTrickles()
    {
        QVERIFY(startSim({"--dialect", "plan"}));
        QCOMPARE(faults("{\"slow_body_ms\": 1000, \"paths\": [\"/metrics\"]}").status, 200);
        QCOMPARE(get("/__sim/faults").json().value("slow_body_ms").toInt(), 1000);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected(5000));
        QElapsedTimer t;
        t.start();
        socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray got;
        qint64 headersMs = -1;
        qint64 length = -1;
        int reads = 0;
        while (t.elapsed() < 10000) {
            if (!socket.waitForReadyRead(2000))
                break;
            got += socket.readAll();
            ++reads;
            const qsizetype end = got.indexOf("\r\n\r\n");
            if (headersMs < 0 && end >= 0) {
                headersMs = t.elapsed();
                for (const QByteArray& line : got.left(end).split('\n')) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
            }
            if (length >= 0 && got.size() - got.indexOf("\r\n\r\n") - 4 >= length)
                break;
        }
        const qint64 doneMs = t.elapsed();
        QVERIFY2(got.startsWith("HTTP/1.1 200"), got.left(100).constData());
        QVERIFY2(headersMs >= 0 && headersMs < 300, qPrintable(QString::number(headersMs)));
        QVERIFY(length > 0);
        const QByteArray body = got.mid(got.indexOf("\r\n\r\n") + 4);
        QCOMPARE(body.size(), length);
        QVERIFY(sumSamples(body, "api_requests_total") > 0);
        QVERIFY2(doneMs >= 800, qPrintable(QString::number(doneMs)));
        QVERIFY2(reads >= 5, qPrintable(QString::number(reads)));
        // An idle timeout (Qt's transferTimeout, reset by every chunk) shorter than the trickle
        // never fires: the 1 s body arrives whole through a 300 ms transfer timeout.
        const Reply idle = get("/metrics", {}, 300);
        QCOMPARE(idle.error, QNetworkReply::NoError);
        QVERIFY2(idle.elapsedMs >= 800, qPrintable(QString::number(idle.elapsedMs)));
        QVERIFY(sumSamples(idle.body, "api_requests_total") > 0);
        // Other paths are not slowed; clear ends it.
        QVERIFY(get("/health").elapsedMs < 500);
        faults("{\"clear\": true}");
        QVERIFY(get("/metrics").elapsedMs < 500);
    }

    void planComponentWordsAndResetCounters()
    {
        QVERIFY(startSim({"--dialect", "plan", "--component-down", "database"}));
        QJsonObject d = get("/health/detailed").json();
        QCOMPARE(d.value("components")
                     .toObject()
                     .value("database")
                     .toObject()
                     .value("status")
                     .toString(),
                 QStringLiteral("unhealthy"));
        const double before = sumSamples(get("/metrics").body, "api_requests_total");
        QVERIFY(before > 100);
        QCOMPARE(faults("{\"reset_counters\": true}").status, 200);
        const double after = sumSamples(get("/metrics").body, "api_requests_total");
        QVERIFY2(after < before / 10, QByteArray::number(after));
    }

    void meanLatencyMovesHistogram()
    {
        QVERIFY(startSim({"--dialect", "plan", "--rps", "400"}));
        auto snapshot = [this] {
            const QByteArray m = get("/metrics").body;
            return std::make_pair(sumSamples(m, "api_request_duration_seconds_sum"),
                                  sumSamples(m, "api_request_duration_seconds_count"));
        };
        const auto base = snapshot();
        QVERIFY(base.first / base.second < 0.3);
        QCOMPARE(faults("{\"mean_latency_s\": 2.0}").status, 200);
        const auto start = snapshot();
        auto now = start;
        QTRY_VERIFY_WITH_TIMEOUT((now = snapshot(), now.second - start.second >= 100), 10000);
        const double avg = (now.first - start.first) / (now.second - start.second);
        QVERIFY2(avg > 1.0 && avg < 4.0, QByteArray::number(avg));
        QCOMPARE(get("/__sim/faults").json().value("mean_latency_s").toDouble(), 2.0);
    }

    void errorRateMovesServerErrors()
    {
        QVERIFY(startSim({"--dialect", "modular", "--rps", "400"}));
        auto errors = [this] {
            const QByteArray m = get("/metrics/prometheus").body;
            return sumSamples(m, "api_errors_total");
        };
        faults("{\"error_rate\": 0.5}");
        const double start = errors();
        QTRY_VERIFY_WITH_TIMEOUT(errors() - start > 50, 10000);
    }

    void badFaultRequests()
    {
        QVERIFY(startSim({"--dialect", "plan"}));
        Reply bad = faults("{not json");
        QCOMPARE(bad.status, 400);
        QVERIFY(bad.json().value("message").toString().contains("malformed JSON"));
        Reply unknown = faults("{\"latncy_ms\": 5}");
        QCOMPARE(unknown.status, 400);
        QVERIFY(unknown.json().value("message").toString().contains("latncy_ms"));
        QCOMPARE(faults("{\"force_status\": 999}").status, 400);
        QCOMPARE(faults("{\"error_rate\": 2}").status, 400);
        QCOMPARE(faults("[1,2]").status, 400);
        QCOMPARE(get("/__sim/nope").status, 404);
        QCOMPARE(get("/__sim/faults").json().value("force_status").isNull(), true);
    }

    void redirectFault()
    {
        QVERIFY(startSim({"--dialect", "plan"}));
        QCOMPARE(faults("{\"redirect_to\": \"ftp://x\"}").status, 400);
        QCOMPARE(faults("{\"redirect_to\": 5}").status, 400);
        // /health answers 302 to the prefix + its path; the client follows it to a control route
        // that does not exist (404), which shows where the Location pointed.
        const QByteArray prefix = "http://127.0.0.1:" + QByteArray::number(m_port) + "/__sim";
        QCOMPARE(faults("{\"redirect_to\": \"" + prefix + "\", \"paths\": [\"/health\"]}").status,
                 200);
        QCOMPARE(get("/__sim/faults").json().value("redirect_to").toString(),
                 QString::fromLatin1(prefix));
        QCOMPARE(get("/health").status, 404);
        QCOMPARE(get("/metrics").status, 200); // not in "paths"
        QCOMPARE(faults("{\"redirect_to\": null}").status, 200);
        QCOMPARE(get("/health").status, 200);
        QCOMPARE(get("/__sim/faults").json().value("redirect_to").isNull(), true);
    }

    void planWorkflowLifecycle()
    {
        QVERIFY(startSim({"--dialect", "plan", "--step-ms", "40"}));
        Reply c = post("/v1/workflows",
                       "{\"workflow_type\":\"job_posting\",\"metadata\":{\"job_id\":1}}");
        QCOMPARE(c.status, 200);
        const QString id = c.json().value("workflow_id").toString();
        QVERIFY(QRegularExpression("^wf_[0-9a-f]{8}$").match(id).hasMatch());
        QCOMPARE(c.json().value("status").toString(), QStringLiteral("created"));
        QCOMPARE(get("/v1/workflows/" + id).json().value("status").toString(),
                 QStringLiteral("created"));
        Reply s = post("/v1/workflows/" + id + "/start", "");
        QCOMPARE(s.json().value("status").toString(), QStringLiteral("started"));
        QTRY_COMPARE_WITH_TIMEOUT(get("/v1/workflows/" + id).json().value("status").toString(),
                                  QStringLiteral("completed"), 5000);
        const QJsonObject wf = get("/v1/workflows/" + id).json();
        QCOMPARE(wf.value("steps").toArray().size(), 5);
        for (const char* k : {"workflow_id", "workflow_type", "created_at", "metadata",
                              "started_at", "completed_at"}) {
            QVERIFY2(wf.contains(QLatin1String(k)), k);
        }
        const QJsonObject step = wf.value("steps").toArray().at(0).toObject();
        for (const char* k : {"step_id", "name", "status", "started_at", "completed_at",
                              "error_message", "output"}) {
            QVERIFY2(step.contains(QLatin1String(k)), k);
        }
        QCOMPARE(post("/v1/workflows/" + id + "/start", "").status, 400);
        QCOMPARE(post("/v1/workflows", "{\"workflow_type\":\"nope\"}").status, 422);
        QCOMPARE(get("/v1/workflows/wf_00000000").status, 404);
        // The finished workflow shows up in the metrics' execution count via active gauge/traffic.
        QVERIFY(get("/metrics").body.contains("active_workflows_total"));
    }

    void modularWorkflows()
    {
        QVERIFY(startSim({"--dialect", "modular", "--step-ms", "40"}));
        Reply c = post("/v1/workflows?workflow_type=job_posting", "{\"source\":\"test\"}");
        QCOMPARE(c.status, 200);
        const QString id = c.json().value("workflow_id").toString();
        QCOMPARE(c.json().value("status").toString(), QStringLiteral("running"));
        Reply again = post("/v1/workflows/" + id + "/start", "");
        QCOMPARE(again.status, 400);
        QCOMPARE(again.json().value("detail").toString(),
                 QStringLiteral("Workflow already started or completed"));
        QTRY_COMPARE_WITH_TIMEOUT(
            get("/v1/workflows/" + id + "/status").json().value("progress").toString(),
            QStringLiteral("100.0%"), 5000);
        const QJsonObject st = get("/v1/workflows/" + id + "/status").json();
        QCOMPARE(st.value("steps_completed").toInt(), 5);
        QCOMPARE(st.value("total_steps").toInt(), 5);
        QCOMPARE(get("/v1/workflows/" + id + "/steps").json().value("steps").toArray().size(), 5);
        QCOMPARE(get("/v1/workflows/" + id)
                     .json()
                     .value("metadata")
                     .toObject()
                     .value("source")
                     .toString(),
                 QStringLiteral("test"));

        // Zero-step types complete at once.
        const QString hp = post("/v1/workflows?workflow_type=hiring_pipeline", "")
                               .json()
                               .value("workflow_id")
                               .toString();
        QTRY_COMPARE_WITH_TIMEOUT(get("/v1/workflows/" + hp).json().value("status").toString(),
                                  QStringLiteral("completed"), 2000);

        // fail_at_step, then trigger re-runs and skips the completed steps.
        const QString f =
            post("/v1/workflows?workflow_type=candidate_onboarding", "{\"fail_at_step\": 2}")
                .json()
                .value("workflow_id")
                .toString();
        QTRY_COMPARE_WITH_TIMEOUT(get("/v1/workflows/" + f).json().value("status").toString(),
                                  QStringLiteral("failed"), 5000);
        QJsonArray steps = get("/v1/workflows/" + f).json().value("steps").toArray();
        QCOMPARE(steps.size(), 6);
        QCOMPARE(steps.at(0).toObject().value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(steps.at(1).toObject().value("status").toString(), QStringLiteral("failed"));
        QVERIFY(!steps.at(1).toObject().value("error_message").toString().isEmpty());
        const QString firstDone = steps.at(0).toObject().value("completed_at").toString();
        QCOMPARE(post("/v1/workflows/" + f + "/trigger", "").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(get("/v1/workflows/" + f).json().value("status").toString(),
                                  QStringLiteral("completed"), 5000);
        steps = get("/v1/workflows/" + f).json().value("steps").toArray();
        QCOMPARE(steps.at(0).toObject().value("completed_at").toString(), firstDone);

        // Cancel: reported cancelled, but the run goes on and later reports completed.
        const QString k = post("/v1/workflows?workflow_type=interview_process", "{}")
                              .json()
                              .value("workflow_id")
                              .toString();
        QCOMPARE(post("/v1/workflows/" + k + "/cancel", "").status, 200);
        QCOMPARE(get("/v1/workflows/" + k).json().value("status").toString(),
                 QStringLiteral("cancelled"));
        QTRY_COMPARE_WITH_TIMEOUT(get("/v1/workflows/" + k).json().value("status").toString(),
                                  QStringLiteral("completed"), 5000);

        // Listing and filters.
        const QJsonObject list = get("/v1/workflows?workflow_type=job_posting&limit=10").json();
        QCOMPARE(list.value("total").toInt(), 1);
        QCOMPARE(get("/v1/workflows?status=completed").json().value("total").toInt(), 4);
        QCOMPARE(post("/v1/workflows?workflow_type=nope", "{}").status, 422);
        QCOMPARE(post("/v1/workflows", "{}").status, 422);
        QVERIFY(get("/metrics/prometheus")
                    .body.contains("workflow_executions_total{status=\"completed\",workflow_type="
                                   "\"candidate_onboarding\"}"));
    }

    void jobCreation()
    {
        QVERIFY(startSim({"--dialect", "modular", "--step-ms", "20"}));
        Reply bad = post("/v1/jobs", "{\"title\":\"abc\",\"description\":\"short\"}");
        QCOMPARE(bad.status, 422);
        const QJsonArray detail = bad.json().value("detail").toArray();
        QCOMPARE(detail.size(), 2);
        QCOMPARE(detail.at(0).toObject().value("loc").toArray().at(1).toString(),
                 QStringLiteral("title"));
        QCOMPARE(post("/v1/jobs", "{oops").status, 422);
        QCOMPARE(post("/v1/jobs", "{\"description\":\"a long enough description\"}").status, 422);
        Reply ok =
            post("/v1/jobs", "{\"title\":\"Site Reliability Engineer\",\"description\":\"Keep the "
                             "gateway up and running\",\"location\":\"Remote\"}");
        QCOMPARE(ok.status, 200);
        const QString wf = ok.json().value("workflow_id").toString();
        QVERIFY(wf.startsWith("wf_"));
        QCOMPARE(get("/v1/workflows/" + wf).json().value("workflow_type").toString(),
                 QStringLiteral("job_posting"));
    }

    void endpoints180Size()
    {
        QVERIFY(startSim({"--dialect", "modular", "--endpoints", "180", "--seed", "42"}));
        const QByteArray body = get("/metrics/prometheus").body;
        QVERIFY2(body.size() > 800 * 1000 && body.size() < 1200 * 1000,
                 QByteArray::number(body.size()));
        QVERIFY(body.count('\n') > 7000);
        QVERIFY(
            QRegularExpression("endpoint=\"/v1/(candidates|jobs|interviews|feedback|offers)/\\d+")
                .match(QString::fromUtf8(body))
                .hasMatch());
    }

    // /metrics?at=T: the deterministic traffic model at a past time, for a console's backfill.
    void metricsAtReplaysThePast()
    {
        QVERIFY(startSim({"--dialect", "plan", "--seed", "7"}));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime yesterday(now.date().addDays(-1), QTime(0, 0), Qt::UTC);
        const auto at = [](const QDateTime& t) {
            return QStringLiteral("/metrics?at=%1").arg(t.toMSecsSinceEpoch());
        };
        const auto total = [](const Reply& r) { return sumSamples(r.body, "api_requests_total"); };

        // Yesterday 02:00 and 14:00 UTC (both in the past, both after the history's origin,
        // midnight UTC the day before the simulator started). Asked late first: the model
        // replays up to there.
        QElapsedTimer replay;
        replay.start();
        const Reply busy0 = get(at(yesterday.addSecs(14 * 3600)), {}, 60000);
        QCOMPARE(busy0.status, 200);
        qInfo("replaying 14 h of traffic took %lld ms", replay.elapsed());
        QVERIFY(busy0.body.contains("# TYPE api_request_duration_seconds histogram"));
        const Reply busy1 = get(at(yesterday.addSecs(14 * 3600 + 600)), {}, 60000);
        // Earlier than the last: replayed from the origin, the same bodies.
        const Reply quiet0 = get(at(yesterday.addSecs(2 * 3600)), {}, 60000);
        const Reply quiet1 = get(at(yesterday.addSecs(2 * 3600 + 600)), {}, 60000);
        QCOMPARE(quiet0.status, 200);
        QCOMPARE(get(at(yesterday.addSecs(14 * 3600)), {}, 60000).body, busy0.body);
        QCOMPARE(get(at(yesterday.addSecs(2 * 3600)), {}, 60000).body, quiet0.body);
        // Different times give different bodies; the process_* families are the model's, so
        // nothing this process did meanwhile (CPU time, descriptors, memory) changes a body.
        QVERIFY(busy1.body != busy0.body);
        QVERIFY(quiet0.body != busy0.body);
        QVERIFY(busy0.body.contains("\nprocess_resident_memory_bytes "));
        QVERIFY(busy0.body.contains("\nprocess_cpu_seconds_total "));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(get("/metrics").status, 200); // live work in between
        QCOMPARE(get(at(yesterday.addSecs(14 * 3600 + 600)), {}, 60000).body, busy1.body);

        // Counters only go up; ten minutes at 14:00 serve about three times those at 02:00.
        const double busy = total(busy1) - total(busy0);
        const double quiet = total(quiet1) - total(quiet0);
        QVERIFY2(total(busy0) > total(quiet1) && quiet > 0,
                 qPrintable(QStringLiteral("%1 %2").arg(total(busy0)).arg(total(quiet1))));
        QVERIFY2(busy / quiet > 2.2 && busy / quiet < 4.0,
                 qPrintable(QStringLiteral("busy %1, quiet %2").arg(busy).arg(quiet)));
        QVERIFY2(busy > 0.8 * 20 * 600 && busy < 1.2 * 20 * 600, qPrintable(QString::number(busy)));

        // The same instant as RFC 3339 (Z or an offset), and inside the same second.
        const QDateTime t = yesterday.addSecs(2 * 3600);
        QCOMPARE(get(QStringLiteral("/metrics?at=") + t.toString(Qt::ISODate)).body, quiet0.body);
        QCOMPARE(get(QStringLiteral("/metrics?at=") +
                     QString::fromUtf8(QUrl::toPercentEncoding(
                         t.toOffsetFromUtc(3600).toString(Qt::ISODateWithMs))))
                     .body,
                 quiet0.body);
        QCOMPARE(get(QStringLiteral("/metrics?at=%1").arg(t.toMSecsSinceEpoch() + 400)).body,
                 quiet0.body);
        // OpenMetrics when asked for.
        const Reply om = get(at(t), {{"Accept", "application/openmetrics-text; version=1.0.0"}});
        QVERIFY(om.body.endsWith("# EOF\n"));
        // The live /metrics is not the replay (its process started with the simulator).
        QVERIFY(get("/metrics").body != quiet0.body);

        // Bad times: 400 with a detail saying why.
        const auto bad = [this](const QString& query, const char* words) {
            const Reply r = get(QStringLiteral("/metrics?at=") + query);
            QCOMPARE(r.status, 400);
            QVERIFY2(
                r.json().value(QStringLiteral("detail")).toString().contains(QLatin1String(words)),
                r.body.constData());
        };
        bad(QStringLiteral("yesterday"), "is not a time");
        bad(QString(), "is not a time");
        bad(QStringLiteral("-5"), "is not a time");
        bad(QStringLiteral("12abc"), "is not a time");
        bad(QStringLiteral("99999999999999999999"), "is not a time");
        bad(QStringLiteral("2026-13-45T99:00:00Z"), "is not a time");
        bad(QStringLiteral("2100-01-01T00:00:00Z"), "is in the future");
        bad(QStringLiteral("1970-01-01T00:00:00Z"), "is before the simulated history");
        bad(QStringLiteral("0"), "is before the simulated history");
        bad(QStringLiteral("2026-01-01T00:00:00"), "has no time zone");
        bad(QString::number(now.addSecs(3600).toMSecsSinceEpoch()), "is in the future");
        bad(QString::number(yesterday.addSecs(-3600).toMSecsSinceEpoch()),
            "is before the simulated history");
    }

    // The replay depends on the seed and the time only: a second simulator with the same seed
    // gives byte for byte the same body for the same T; another seed does not.
    void metricsAtIsTheSameInAnotherSimulator()
    {
        const QDateTime t(QDate::currentDate().addDays(-1), QTime(3, 0, 17), Qt::UTC);
        const QString path = QStringLiteral("/metrics?at=%1").arg(t.toMSecsSinceEpoch());
        QVERIFY(startSim({"--dialect", "plan", "--seed", "11", "--endpoints", "40"}));
        const Reply first = get(path, {}, 60000);
        QCOMPARE(first.status, 200);
        // The second is asked a little later first, then T: T is replayed from the checkpoint
        // before it (answers out of order, as several connections give), not from the origin.
        QVERIFY(startSim({"--dialect", "plan", "--seed", "11", "--endpoints", "40"}));
        const Reply later = get(
            QStringLiteral("/metrics?at=%1").arg(t.addSecs(400).toMSecsSinceEpoch()), {}, 60000);
        QCOMPARE(later.status, 200);
        QCOMPARE(get(path, {}, 60000).body, first.body);
        QVERIFY(startSim({"--dialect", "plan", "--seed", "12", "--endpoints", "40"}));
        const Reply other = get(path, {}, 60000);
        QCOMPARE(other.status, 200);
        QVERIFY(other.body != first.body);
    }

    // --history: the live gateway goes on from the replayed past (the demo console backfills a
    // day, then polls): the same process start, counters that only went up since the past's
    // last scrape; without it the live process starts afresh (a restart after the past).
    void historyFlagContinuesThePast()
    {
        const auto startOf = [](const QByteArray& body) {
            return sumSamples(body, "process_start_time_seconds");
        };
        const auto total = [](const QByteArray& body) {
            return sumSamples(body, "api_requests_total");
        };
        for (const bool history : {true, false}) {
            QStringList args{"--dialect", "plan", "--seed", "42", "--endpoints", "40"};
            if (history)
                args << "--history";
            QVERIFY(startSim(args));
            const qint64 pastMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
            const Reply past = get(QStringLiteral("/metrics?at=%1").arg(pastMs), {}, 60000);
            QCOMPARE(past.status, 200);
            const Reply live = get("/metrics");
            QCOMPARE(live.status, 200);
            QVERIFY(total(past.body) > 10000); // a day and more of traffic
            if (history) {
                QCOMPARE(startOf(live.body), startOf(past.body));
                QVERIFY2(total(live.body) >= total(past.body),
                         qPrintable(QStringLiteral("live %1 < past %2")
                                        .arg(total(live.body))
                                        .arg(total(past.body))));
                // Every endpoint's counter too: no series goes down between the two.
                for (const QByteArray& line : past.body.split('\n')) {
                    if (!line.startsWith("api_requests_total{"))
                        continue;
                    const QByteArray series = line.left(line.lastIndexOf(' '));
                    QVERIFY2(sumSamples(live.body, series) >= sumSamples(past.body, series),
                             series.constData());
                }
                // Replays are not gateway traffic: 50 of them add nothing to the live /metrics
                // counter (its synthetic share is well under one request a second).
                const QByteArray metricsSeries =
                    R"(api_requests_total{endpoint="/metrics",method="GET"})";
                const double before = sumSamples(live.body, metricsSeries);
                for (int i = 0; i < 50; ++i)
                    QCOMPARE(get(QStringLiteral("/metrics?at=%1").arg(pastMs + i * 1000)).status,
                             200);
                const double after = sumSamples(get("/metrics").body, metricsSeries);
                QVERIFY2(after - before < 25, qPrintable(QString::number(after - before)));
            } else {
                QVERIFY(startOf(live.body) > startOf(past.body));
                QVERIFY(total(live.body) < total(past.body));
            }
            cleanup();
        }
    }

    void metricsAtModularStub()
    {
        QVERIFY(startSim({"--dialect", "modular", "--seed", "3"}));
        const QDateTime t(QDate::currentDate().addDays(-1), QTime(6, 0), Qt::UTC);
        const Reply r = get(QStringLiteral("/metrics?at=%1").arg(t.toMSecsSinceEpoch()), {}, 60000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QStringLiteral("http_requests_total")).toDouble() > 1000);
        const Reply text =
            get(QStringLiteral("/metrics/prometheus?at=%1").arg(t.toMSecsSinceEpoch()), {}, 60000);
        QCOMPARE(text.status, 200);
        QVERIFY(text.body.contains("api_requests_total"));
    }
};

QTEST_GUILESS_MAIN(GatewaySimTest)
#include "GatewaySimTest.moc"
