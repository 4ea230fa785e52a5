#include "app/gateway-sim/SimOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace ops::sim {

QString dialectName(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Plan:
        return QStringLiteral("plan");
    case Dialect::Modular:
        return QStringLiteral("modular");
    case Dialect::Monolith:
        return QStringLiteral("monolith");
    }
    return {};
}

namespace {

const char* const kDescription =
    R"(BHIV gateway simulator: a real HTTP gateway on 127.0.0.1 speaking one of three dialects.
The first line on stdout is "listening on http://127.0.0.1:PORT".

Dialects:
  plan      the deployment plan's gateway (components/performance health, JSON-body workflows)
  modular   the modular v3.2.1 gateway (services map, /metrics JSON stub, real text at
            /metrics/prometheus, query-param workflows that auto-start)
  monolith  the monolithic 3.1.0 gateway (system/application/database health that takes >= 1 s,
            Bearer key enforced on /v1/*, 60 requests/min per path, no workflow API)

Run-time control (never affected by faults):
  GET  /__sim/faults   current fault state and traffic regime as JSON
  POST /__sim/faults   JSON merged into the state; keys: latency_ms, slow_body_ms (headers at
                       once, the body trickled over that long), force_status, retry_after,
                       hang, malformed, oversized_mb, components {"name": "down"|"degraded"|
                       "healthy"|null|<word>}, reset_counters, mean_latency_s, error_rate,
                       rps, paths [prefixes the route faults apply to], no_rerun_route
                       (POST /v1/workflows/{id}/trigger answers 404 {"detail": "Not Found"},
                       as the gateways on the real Python libraries do); {"clear": true} resets
  GET  /__sim/state    counters, workflows and faults at a glance
  GET  /__sim/logs     the Render logs stub: lines, subscribers, the ids each WebSocket was
                       sent ("delivered", one list per connection); with ?ids&startTime=&endTime=
                       and filters, every line id in that window, oldest first
  POST /__sim/logs     keys: rate (lines/s), emit {count, type, level, message, ago_ms} (lines
                       now, or ago_ms in the past, all in one millisecond), drop_after N (abort the socket after N more
                       messages), duplicate_on_reconnect (the next connection gets the last line
                       again), refuse {status, count, retry_after} (the next subscribes answer
                       e.g. 429), clear

Workflow metadata understood by the simulator:
  {"fail_at_step": N}      step N (1-based) fails; the workflow reports "failed"
  {"fail_attempts": K}     how many runs fail at that step (default 1, so /trigger recovers)
  {"step_ms": MS}          per-workflow step duration)";

} // namespace

std::optional<SimOptions> SimOptions::parse(const QCoreApplication& app, QString* error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromUtf8(kDescription));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("TCP port on 127.0.0.1 (0 = any free port)."),
                                  QStringLiteral("port"), QStringLiteral("8000"));
    const QCommandLineOption dialect(QStringLiteral("dialect"),
                                     QStringLiteral("plan | modular | monolith (default plan)."),
                                     QStringLiteral("dialect"), QStringLiteral("plan"));
    const QCommandLineOption seed(QStringLiteral("seed"),
                                  QStringLiteral("Seed of the traffic and id generator."),
                                  QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption endpoints(
        QStringLiteral("endpoints"),
        QStringLiteral("Distinct endpoint paths in the simulated traffic (1-1000, default 12; "
                       "180 gives a ~1 MB modular/monolith /metrics body)."),
        QStringLiteral("n"), QStringLiteral("12"));
    const QCommandLineOption stepMs(QStringLiteral("step-ms"),
                                    QStringLiteral("Duration of one workflow step (default 500)."),
                                    QStringLiteral("ms"), QStringLiteral("500"));
    const QCommandLineOption rps(QStringLiteral("rps"),
                                 QStringLiteral("Simulated requests per second (default 20)."),
                                 QStringLiteral("rate"), QStringLiteral("20"));
    const QCommandLineOption rateLimit(
        QStringLiteral("rate-limit"),
        QStringLiteral("monolith: requests per minute per path (default 60)."), QStringLiteral("n"),
        QStringLiteral("60"));
    const QCommandLineOption apiKey(
        QStringLiteral("api-key"),
        QStringLiteral("Bearer key. monolith always enforces it on /v1/* (default \"sim-key\"); "
                       "plan enforces it only when this option is given; modular never."),
        QStringLiteral("key"), QStringLiteral("sim-key"));
    const QCommandLineOption latency(QStringLiteral("latency-ms"),
                                     QStringLiteral("Fault: added latency on every route."),
                                     QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption slowBody(
        QStringLiteral("slow-body-ms"),
        QStringLiteral("Fault: status and headers at once, then the body trickled in chunks "
                       "over this long (Content-Length set)."),
        QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption forceStatus(
        QStringLiteral("force-status"),
        QStringLiteral("Fault: answer every route with this HTTP status (e.g. 500, 503, 429)."),
        QStringLiteral("code"), QStringLiteral("0"));
    const QCommandLineOption retryAfter(
        QStringLiteral("retry-after"),
        QStringLiteral("Fault: Retry-After seconds sent with --force-status."), QStringLiteral("s"),
        QStringLiteral("-1"));
    const QCommandLineOption hang(QStringLiteral("hang"),
                                  QStringLiteral("Fault: accept requests but never answer."));
    const QCommandLineOption malformed(
        QStringLiteral("malformed"),
        QStringLiteral("Fault: truncated JSON bodies and garbage metrics."));
    const QCommandLineOption oversized(QStringLiteral("oversized"),
                                       QStringLiteral("Fault: pad every body to about N MB."),
                                       QStringLiteral("mb"), QStringLiteral("0"));
    const QCommandLineOption meanLatency(
        QStringLiteral("mean-latency"),
        QStringLiteral("Traffic regime: mean simulated request latency in s (default 0.08)."),
        QStringLiteral("s"), QStringLiteral("0.08"));
    const QCommandLineOption errorRate(
        QStringLiteral("error-rate"),
        QStringLiteral("Traffic regime: fraction of simulated requests answered 5xx "
                       "(default 0.02)."),
        QStringLiteral("fraction"), QStringLiteral("0.02"));
    const QCommandLineOption componentDown(
        QStringLiteral("component-down"),
        QStringLiteral("Fault: report this component down (repeatable)."), QStringLiteral("name"));
    const QCommandLineOption componentDegraded(
        QStringLiteral("component-degraded"),
        QStringLiteral("Fault: report this component degraded (repeatable)."),
        QStringLiteral("name"));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"),
        QStringLiteral("Serve HTTPS with this PEM certificate (needs --tls-key)."),
        QStringLiteral("cert.pem"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                                    QStringLiteral("PEM private key of --tls-cert."),
                                    QStringLiteral("key.pem"));
    const QCommandLineOption deployStageMs(
        QStringLiteral("deploy-stage-ms"),
        QStringLiteral("Render stub: duration of each deploy stage (default 2000)."),
        QStringLiteral("ms"), QStringLiteral("2000"));
    const QCommandLineOption renderApiKey(
        QStringLiteral("render-api-key"),
        QStringLiteral("Render stub: Bearer key of /render/v1 (default \"rnd-sim-key\")."),
        QStringLiteral("key"), QStringLiteral("rnd-sim-key"));
    const QCommandLineOption renderHookKey(
        QStringLiteral("render-hook-key"),
        QStringLiteral("Render stub: key of the deploy hook URL (default \"hook-sim-key\")."),
        QStringLiteral("key"), QStringLiteral("hook-sim-key"));
    const QCommandLineOption logRate(
        QStringLiteral("log-rate"),
        QStringLiteral("Render stub: synthetic requests logged per second in the service's logs "
                       "(default 4; 0 = only what the simulator serves)."),
        QStringLiteral("rate"), QStringLiteral("4"));
    const QCommandLineOption history(
        QStringLiteral("history"),
        QStringLiteral("Start the live traffic where the replayed past (GET /metrics?at=T) is "
                       "now: counters and process go on from a day of history instead of a "
                       "fresh start (demo mode; takes about a second at start)."));
    parser.addOptions({deployStageMs, renderApiKey, renderHookKey, logRate, history});
    parser.addOptions(
        {port,        dialect,   seed,          endpoints,         stepMs,  rps,       rateLimit,
         apiKey,      latency,   forceStatus,   retryAfter,        hang,    malformed, oversized,
         meanLatency, errorRate, componentDown, componentDegraded, tlsCert, tlsKey,    slowBody});
    parser.process(app);

    SimOptions o;
    auto intValue = [&](const QCommandLineOption& opt, int lo, int hi, int* out) {
        bool ok = false;
        const int v = parser.value(opt).toInt(&ok);
        if (!ok || v < lo || v > hi) {
            *error = QStringLiteral("invalid --%1 '%2' (expected an integer in %3..%4)")
                         .arg(opt.names().constFirst(), parser.value(opt))
                         .arg(lo)
                         .arg(hi);
            return false;
        }
        *out = v;
        return true;
    };
    auto doubleValue = [&](const QCommandLineOption& opt, double lo, double hi, double* out) {
        bool ok = false;
        const double v = parser.value(opt).toDouble(&ok);
        if (!ok || v < lo || v > hi) {
            *error = QStringLiteral("invalid --%1 '%2' (expected a number in %3..%4)")
                         .arg(opt.names().constFirst(), parser.value(opt))
                         .arg(lo)
                         .arg(hi);
            return false;
        }
        *out = v;
        return true;
    };

    const QString d = parser.value(dialect).toLower();
    if (d == QLatin1String("plan")) {
        o.dialect = Dialect::Plan;
    } else if (d == QLatin1String("modular")) {
        o.dialect = Dialect::Modular;
    } else if (d == QLatin1String("monolith")) {
        o.dialect = Dialect::Monolith;
    } else {
        *error = QStringLiteral("unknown --dialect '%1' (expected plan, modular or monolith)")
                     .arg(parser.value(dialect));
        return std::nullopt;
    }
    int portValue = 0;
    bool seedOk = false;
    o.seed = parser.value(seed).toULongLong(&seedOk);
    if (!seedOk) {
        *error = QStringLiteral("invalid --seed '%1'").arg(parser.value(seed));
        return std::nullopt;
    }
    if (!intValue(port, 0, 65535, &portValue) || !intValue(endpoints, 1, 1000, &o.endpoints) ||
        !intValue(stepMs, 1, 600000, &o.stepMs) || !intValue(rateLimit, 1, 1000000, &o.rateLimit) ||
        !intValue(latency, 0, 3600000, &o.latencyMs) ||
        !intValue(slowBody, 0, 3600000, &o.slowBodyMs) ||
        !intValue(forceStatus, 0, 599, &o.forceStatus) ||
        !intValue(retryAfter, -1, 86400, &o.retryAfter) ||
        !doubleValue(rps, 0.0, 100000.0, &o.rps) ||
        !doubleValue(oversized, 0.0, 512.0, &o.oversizedMb) ||
        !doubleValue(meanLatency, 0.0001, 60.0, &o.meanLatencyS) ||
        !doubleValue(errorRate, 0.0, 1.0, &o.errorRate)) {
        return std::nullopt;
    }
    o.port = static_cast<quint16>(portValue);
    o.apiKey = parser.value(apiKey);
    o.apiKeyGiven = parser.isSet(apiKey);
    o.hang = parser.isSet(hang);
    o.history = parser.isSet(history);
    o.malformed = parser.isSet(malformed);
    o.componentsDown = parser.values(componentDown);
    o.componentsDegraded = parser.values(componentDegraded);
    if (!intValue(deployStageMs, 1, 600000, &o.deployStageMs) ||
        !doubleValue(logRate, 0.0, 100000.0, &o.logRate)) {
        return std::nullopt;
    }
    o.renderApiKey = parser.value(renderApiKey);
    o.renderHookKey = parser.value(renderHookKey);
    o.tlsCertFile = parser.value(tlsCert);
    o.tlsKeyFile = parser.value(tlsKey);
    if (o.tlsCertFile.isEmpty() != o.tlsKeyFile.isEmpty()) {
        *error = QStringLiteral("--tls-cert and --tls-key go together");
        return std::nullopt;
    }
    return o;
}

} // namespace ops::sim
