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

QCommandLineOption valued(const char* name, const char* description, const char* valueName,
                          const char* defaultValue = nullptr)
{
    QCommandLineOption option(QString::fromLatin1(name), QString::fromUtf8(description),
                              QString::fromLatin1(valueName));
    if (defaultValue)
        option.setDefaultValue(QString::fromLatin1(defaultValue));
    return option;
}

QCommandLineOption flag(const char* name, const char* description)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(description));
}

// Every option of the command line, declared once; --help lists them in kHelpOrder's order.
struct SimCommandLine {
    // The gateway and its traffic.
    QCommandLineOption port =
        valued("port", "TCP port on 127.0.0.1 (0 = any free port).", "port", "8000");
    QCommandLineOption dialect =
        valued("dialect", "plan | modular | monolith (default plan).", "dialect", "plan");
    QCommandLineOption seed = valued("seed", "Seed of the traffic and id generator.", "n", "1");
    QCommandLineOption endpoints =
        valued("endpoints",
               "Distinct endpoint paths in the simulated traffic (1-1000, default 12; 180 gives "
               "a ~1 MB modular/monolith /metrics body).",
               "n", "12");
    QCommandLineOption stepMs =
        valued("step-ms", "Duration of one workflow step (default 500).", "ms", "500");
    QCommandLineOption rps =
        valued("rps", "Simulated requests per second (default 20).", "rate", "20");
    QCommandLineOption rateLimit =
        valued("rate-limit", "monolith: requests per minute per path (default 60).", "n", "60");
    QCommandLineOption apiKey =
        valued("api-key",
               "Bearer key. monolith always enforces it on /v1/* (default \"sim-key\"); plan "
               "enforces it only when this option is given; modular never.",
               "key", "sim-key");
    // Start-up faults and the traffic regime.
    QCommandLineOption latency =
        valued("latency-ms", "Fault: added latency on every route.", "ms", "0");
    QCommandLineOption slowBody =
        valued("slow-body-ms",
               "Fault: status and headers at once, then the body trickled in chunks over this "
               "long (Content-Length set).",
               "ms", "0");
    QCommandLineOption forceStatus = valued(
        "force-status", "Fault: answer every route with this HTTP status (e.g. 500, 503, 429).",
        "code", "0");
    QCommandLineOption retryAfter =
        valued("retry-after", "Fault: Retry-After seconds sent with --force-status.", "s", "-1");
    QCommandLineOption hang = flag("hang", "Fault: accept requests but never answer.");
    QCommandLineOption malformed =
        flag("malformed", "Fault: truncated JSON bodies and garbage metrics.");
    QCommandLineOption oversized =
        valued("oversized", "Fault: pad every body to about N MB.", "mb", "0");
    QCommandLineOption meanLatency =
        valued("mean-latency",
               "Traffic regime: mean simulated request latency in s (default 0.08).", "s", "0.08");
    QCommandLineOption errorRate = valued(
        "error-rate", "Traffic regime: fraction of simulated requests answered 5xx (default 0.02).",
        "fraction", "0.02");
    QCommandLineOption componentDown =
        valued("component-down", "Fault: report this component down (repeatable).", "name");
    QCommandLineOption componentDegraded =
        valued("component-degraded", "Fault: report this component degraded (repeatable).", "name");
    // HTTPS.
    QCommandLineOption tlsCert =
        valued("tls-cert", "Serve HTTPS with this PEM certificate (needs --tls-key).", "cert.pem");
    QCommandLineOption tlsKey = valued("tls-key", "PEM private key of --tls-cert.", "key.pem");
    // The Render stub.
    QCommandLineOption deployStageMs =
        valued("deploy-stage-ms", "Render stub: duration of each deploy stage (default 2000).",
               "ms", "2000");
    QCommandLineOption renderApiKey =
        valued("render-api-key", "Render stub: Bearer key of /render/v1 (default \"rnd-sim-key\").",
               "key", "rnd-sim-key");
    QCommandLineOption renderHookKey = valued(
        "render-hook-key", "Render stub: key of the deploy hook URL (default \"hook-sim-key\").",
        "key", "hook-sim-key");
    QCommandLineOption logRate =
        valued("log-rate",
               "Render stub: synthetic requests logged per second in the service's logs "
               "(default 4; 0 = only what the simulator serves).",
               "rate", "4");
    QCommandLineOption history =
        flag("history", "Start the live traffic where the replayed past (GET /metrics?at=T) is "
                        "now: counters and process go on from a day of history instead of a "
                        "fresh start (demo mode; takes about a second at start).");

    void addTo(QCommandLineParser& parser) const
    {
        parser.addOptions({deployStageMs, renderApiKey, renderHookKey, logRate, history});
        parser.addOptions(
            {port,      dialect,   seed,        endpoints,   stepMs,        rps,
             rateLimit, apiKey,    latency,     forceStatus, retryAfter,    hang,
             malformed, oversized, meanLatency, errorRate,   componentDown, componentDegraded,
             tlsCert,   tlsKey,    slowBody});
    }
};

// Reads the parsed values into SimOptions; the first invalid one fills *error.
class SimOptionsReader {
public:
    SimOptionsReader(const QCommandLineParser& parser, const SimCommandLine& line, QString* error)
        : m_parser(parser)
        , m_line(line)
        , m_error(error)
    {
    }

    std::optional<SimOptions> read()
    {
        SimOptions o;
        if (!readGateway(o) || !readTrafficAndFaults(o) || !readRender(o))
            return std::nullopt;
        return o;
    }

private:
    bool intValue(const QCommandLineOption& opt, int lo, int hi, int* out)
    {
        bool ok = false;
        const int v = m_parser.value(opt).toInt(&ok);
        if (!ok || v < lo || v > hi) {
            *m_error = QStringLiteral("invalid --%1 '%2' (expected an integer in %3..%4)")
                           .arg(opt.names().constFirst(), m_parser.value(opt))
                           .arg(lo)
                           .arg(hi);
            return false;
        }
        *out = v;
        return true;
    }

    bool doubleValue(const QCommandLineOption& opt, double lo, double hi, double* out)
    {
        bool ok = false;
        const double v = m_parser.value(opt).toDouble(&ok);
        if (!ok || v < lo || v > hi) {
            *m_error = QStringLiteral("invalid --%1 '%2' (expected a number in %3..%4)")
                           .arg(opt.names().constFirst(), m_parser.value(opt))
                           .arg(lo)
                           .arg(hi);
            return false;
        }
        *out = v;
        return true;
    }

    bool readDialect(SimOptions& o)
    {
        const QString d = m_parser.value(m_line.dialect).toLower();
        if (d == QLatin1String("plan")) {
            o.dialect = Dialect::Plan;
        } else if (d == QLatin1String("modular")) {
            o.dialect = Dialect::Modular;
        } else if (d == QLatin1String("monolith")) {
            o.dialect = Dialect::Monolith;
        } else {
            *m_error = QStringLiteral("unknown --dialect '%1' (expected plan, modular or monolith)")
                           .arg(m_parser.value(m_line.dialect));
            return false;
        }
        return true;
    }

    // The checks go in the order the simulator always made them: the first bad value is named.
    bool readGateway(SimOptions& o)
    {
        if (!readDialect(o))
            return false;
        bool seedOk = false;
        o.seed = m_parser.value(m_line.seed).toULongLong(&seedOk);
        if (!seedOk) {
            *m_error = QStringLiteral("invalid --seed '%1'").arg(m_parser.value(m_line.seed));
            return false;
        }
        int portValue = 0;
        if (!intValue(m_line.port, 0, 65535, &portValue) ||
            !intValue(m_line.endpoints, 1, 1000, &o.endpoints) ||
            !intValue(m_line.stepMs, 1, 600000, &o.stepMs) ||
            !intValue(m_line.rateLimit, 1, 1000000, &o.rateLimit))
            return false;
        o.port = static_cast<quint16>(portValue);
        o.apiKey = m_parser.value(m_line.apiKey);
        o.apiKeyGiven = m_parser.isSet(m_line.apiKey);
        return true;
    }

    bool readTrafficAndFaults(SimOptions& o)
    {
        if (!intValue(m_line.latency, 0, 3600000, &o.latencyMs) ||
            !intValue(m_line.slowBody, 0, 3600000, &o.slowBodyMs) ||
            !intValue(m_line.forceStatus, 0, 599, &o.forceStatus) ||
            !intValue(m_line.retryAfter, -1, 86400, &o.retryAfter) ||
            !doubleValue(m_line.rps, 0.0, 100000.0, &o.rps) ||
            !doubleValue(m_line.oversized, 0.0, 512.0, &o.oversizedMb) ||
            !doubleValue(m_line.meanLatency, 0.0001, 60.0, &o.meanLatencyS) ||
            !doubleValue(m_line.errorRate, 0.0, 1.0, &o.errorRate))
            return false;
        o.hang = m_parser.isSet(m_line.hang);
        o.malformed = m_parser.isSet(m_line.malformed);
        o.componentsDown = m_parser.values(m_line.componentDown);
        o.componentsDegraded = m_parser.values(m_line.componentDegraded);
        return true;
    }

    bool readRender(SimOptions& o)
    {
        if (!intValue(m_line.deployStageMs, 1, 600000, &o.deployStageMs) ||
            !doubleValue(m_line.logRate, 0.0, 100000.0, &o.logRate))
            return false;
        o.history = m_parser.isSet(m_line.history);
        o.renderApiKey = m_parser.value(m_line.renderApiKey);
        o.renderHookKey = m_parser.value(m_line.renderHookKey);
        o.tlsCertFile = m_parser.value(m_line.tlsCert);
        o.tlsKeyFile = m_parser.value(m_line.tlsKey);
        if (o.tlsCertFile.isEmpty() != o.tlsKeyFile.isEmpty()) {
            *m_error = QStringLiteral("--tls-cert and --tls-key go together");
            return false;
        }
        return true;
    }

    const QCommandLineParser& m_parser;
    const SimCommandLine& m_line;
    QString* m_error;
};

} // namespace

std::optional<SimOptions> SimOptions::parse(const QCoreApplication& app, QString* error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromUtf8(kDescription));
    parser.addHelpOption();
    parser.addVersionOption();
    const SimCommandLine line;
    line.addTo(parser);
    parser.process(app);
    return SimOptionsReader(parser, line, error).read();
}

} // namespace ops::sim
