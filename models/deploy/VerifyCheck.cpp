#include "models/deploy/VerifyCheck.h"

#include "models/health/HealthDecoder.h"
#include "models/metrics/MetricsMapping.h"
#include "models/metrics/MetricsText.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ops {

namespace {

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("ops::VerifyCheck", text, disambiguation, n);
}

std::optional<QJsonValue> lookUp(const QJsonValue& root, const QString& dotted)
{
    QJsonValue v = root;
    for (const QString& part : dotted.split(QLatin1Char('.'), Qt::SkipEmptyParts)) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        if (v.isArray() && isIndex) {
            const QJsonArray a = v.toArray();
            if (index < 0 || index >= a.size()) {
                return std::nullopt;
            }
            v = a.at(index);
        } else if (v.isObject() && v.toObject().contains(part)) {
            v = v.toObject().value(part);
        } else {
            return std::nullopt;
        }
    }
    return v;
}

QString show(const QJsonValue& v)
{
    if (v.isString()) {
        return QLatin1Char('"') + v.toString() + QLatin1Char('"');
    }
    if (v.isDouble()) {
        return QString::number(v.toDouble());
    }
    if (v.isBool()) {
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    }
    if (v.isNull()) {
        return QStringLiteral("null");
    }
    const QJsonDocument d = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    return QString::fromUtf8(d.toJson(QJsonDocument::Compact)).left(80);
}

QString kindName(VerifyCheck::Kind kind)
{
    switch (kind) {
    case VerifyCheck::Kind::Health:
        return QStringLiteral("health");
    case VerifyCheck::Kind::Metrics:
        return QStringLiteral("metrics");
    case VerifyCheck::Kind::Json:
        break;
    }
    return QStringLiteral("json");
}

// /health/detailed: it decodes, and the gateway and every component say healthy.
QString evaluateHealth(const QByteArray& body, QString* found)
{
    const HealthDecodeResult decoded = decodeHealth(body);
    if (!decoded.ok)
        return tr("the health answer does not decode: %1").arg(decoded.error);
    const HealthSnapshot& health = decoded.snapshot;
    QStringList unhealthy;
    if (health.overall != HealthState::Healthy)
        unhealthy << tr("the gateway reports %1")
                         .arg(health.overallRaw.isEmpty() ? healthStateName(health.overall)
                                                          : health.overallRaw);
    for (const ComponentHealth& c : health.components) {
        if (c.state != HealthState::Healthy)
            unhealthy << QStringLiteral("%1 %2").arg(
                c.name, c.rawStatus.isEmpty() ? healthStateName(c.state) : c.rawStatus);
    }
    if (!unhealthy.isEmpty())
        return tr("not healthy: %1").arg(unhealthy.join(QStringLiteral(", ")));
    if (found)
        *found = tr("%n component(s), all healthy", nullptr, int(health.components.size()));
    return {};
}

// /metrics: it parses as Prometheus text, OpenMetrics or the JSON stub, and a latency figure is
// there for the dialect its series belong to.
QString evaluateMetrics(const QByteArray& body, QString* found)
{
    const std::string_view text(body.constData(), size_t(body.size()));
    const MetricsFormat format = detectMetricsFormat(text, {});
    const MetricsParseResult parsed = parseMetrics(text, format);
    if (!parsed.ok)
        return tr("the metrics do not parse: %1").arg(QString::fromStdString(parsed.error));
    if (parsed.malformedLines > 0)
        return tr("%n malformed line(s) in the metrics", nullptr, int(parsed.malformedLines));
    if (parsed.samples.empty())
        return tr("the metrics hold no samples");
    const auto has = [&parsed](const std::string& name) {
        for (const MetricSample& s : parsed.samples) {
            if (s.name == name)
                return true;
        }
        return false;
    };
    if (format == MetricsFormat::JsonStub) {
        const std::string gauge = MetricsMapping::forModularJsonStub().latencyGauge;
        if (!has(gauge))
            return tr("the JSON metrics stub has no %1").arg(QString::fromStdString(gauge));
        if (found)
            *found = tr("JSON metrics stub; %1 is a fixed figure the stub reports, not a "
                        "measured latency")
                         .arg(QString::fromStdString(gauge));
        return {};
    }
    std::vector<std::string_view> names;
    names.reserve(parsed.samples.size());
    for (const MetricSample& s : parsed.samples)
        names.emplace_back(s.name);
    const Dialect dialect = MetricsMapping::detect(names);
    if (dialect == Dialect::Unknown)
        return tr("%n sample(s), but no series of a known gateway dialect", nullptr,
                  int(parsed.samples.size()));
    const std::string histogram = MetricsMapping::forDialect(dialect).latencyHistogram;
    if (!has(histogram + "_sum") || !has(histogram + "_count"))
        return tr("no latency figure: %1_sum and _count are missing")
            .arg(QString::fromStdString(histogram));
    if (found)
        *found = tr("%1 metrics, %n sample(s), latency histogram %2", nullptr,
                    int(parsed.samples.size()))
                     .arg(dialectName(dialect), QString::fromStdString(histogram));
    return {};
}

} // namespace

QString VerifyCheck::expectationText() const
{
    if (kind == Kind::Health)
        return tr("HTTP 2xx, decodes, every component healthy");
    if (kind == Kind::Metrics)
        return tr("HTTP 2xx, parses as metrics, with a latency figure");
    QStringList parts;
    parts << (expectStatus ? QStringLiteral("HTTP %1").arg(expectStatus)
                           : QStringLiteral("HTTP 2xx"));
    for (const auto& [key, value] : expectJson) {
        parts << QStringLiteral("%1 = %2").arg(key, show(value));
    }
    for (const QString& key : expectKeys) {
        parts << tr("has %1").arg(key);
    }
    return parts.join(QStringLiteral(", "));
}

QString VerifyCheck::evaluate(int status, const QByteArray& body, QString* found) const
{
    const bool statusOk = expectStatus ? status == expectStatus : (status >= 200 && status < 300);
    if (!statusOk) {
        return tr("answered HTTP %1, expected %2")
            .arg(status)
            .arg(expectStatus ? QString::number(expectStatus) : QStringLiteral("2xx"));
    }
    if (kind == Kind::Health)
        return evaluateHealth(body, found);
    if (kind == Kind::Metrics)
        return evaluateMetrics(body, found);
    if (expectJson.isEmpty() && expectKeys.isEmpty()) {
        return {};
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        return tr("the answer is not JSON (%1)").arg(err.errorString());
    }
    const QJsonValue root = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    QStringList problems;
    for (const auto& [key, expected] : expectJson) {
        const auto actual = lookUp(root, key);
        if (!actual) {
            problems << tr("%1 is missing (expected %2)").arg(key, show(expected));
        } else if (*actual != expected) {
            problems << tr("%1 is %2, expected %3").arg(key, show(*actual), show(expected));
        }
    }
    for (const QString& key : expectKeys) {
        if (!lookUp(root, key)) {
            problems << tr("%1 is missing").arg(key);
        }
    }
    return problems.join(QStringLiteral("; "));
}

QList<VerifyCheck> VerifyCheck::planDefaults()
{
    QList<VerifyCheck> checks;
    VerifyCheck modules;
    modules.name = tr("Modules: 6 modules, 180+ endpoints");
    modules.path = QStringLiteral("/system/modules");
    modules.expectJson = {{QStringLiteral("total_modules"), QJsonValue(6)},
                          {QStringLiteral("total_endpoints"), QJsonValue(QStringLiteral("180+"))}};
    checks << modules;
    VerifyCheck arch;
    arch.name = tr("Architecture: modular microservices");
    arch.path = QStringLiteral("/system/architecture");
    arch.expectJson = {
        {QStringLiteral("architecture.type"), QJsonValue(QStringLiteral("modular_microservices"))}};
    checks << arch;
    VerifyCheck health;
    health.name = tr("Health answers");
    health.path = QStringLiteral("/health");
    health.expectKeys = {QStringLiteral("status")};
    checks << health;
    VerifyCheck jobs;
    jobs.name = tr("Jobs API answers");
    jobs.path = QStringLiteral("/v1/jobs");
    jobs.expectKeys = {QStringLiteral("jobs")};
    checks << jobs;
    VerifyCheck rate;
    rate.name = tr("Rate-limit status answers");
    rate.path = QStringLiteral("/v1/auth/security/rate-limit-status");
    rate.expectKeys = {QStringLiteral("rate_limit")};
    checks << rate;
    VerifyCheck detailed;
    detailed.name = tr("Health: every component healthy");
    detailed.path = QStringLiteral("/health/detailed");
    detailed.kind = Kind::Health;
    checks << detailed;
    VerifyCheck metrics;
    metrics.name = tr("Metrics parse, with a latency figure");
    metrics.path = QStringLiteral("/metrics");
    metrics.kind = Kind::Metrics;
    checks << metrics;
    return checks;
}

std::optional<QList<VerifyCheck>> VerifyCheck::listFromJson(const QByteArray& json, QString* error)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        *error = tr("the checklist is not valid JSON: %1 at offset %2")
                     .arg(err.errorString())
                     .arg(err.offset);
        return std::nullopt;
    }
    if (!doc.isArray()) {
        *error = tr("the checklist must be a JSON array of checks");
        return std::nullopt;
    }
    QList<VerifyCheck> checks;
    int n = 0;
    for (const QJsonValue& v : doc.array()) {
        ++n;
        const QJsonObject o = v.toObject();
        VerifyCheck c;
        c.path = o.value(QStringLiteral("path")).toString();
        if (!c.path.startsWith(QLatin1Char('/'))) {
            *error = tr("check %1 needs a \"path\" starting with /").arg(n);
            return std::nullopt;
        }
        c.name = o.value(QStringLiteral("name")).toString(c.path);
        const QString kind = o.value(QStringLiteral("kind")).toString(QStringLiteral("json"));
        if (kind == u"health") {
            c.kind = Kind::Health;
        } else if (kind == u"metrics") {
            c.kind = Kind::Metrics;
        } else if (kind != u"json") {
            *error = tr("check %1: \"kind\" is json, health or metrics").arg(n);
            return std::nullopt;
        }
        const QJsonObject expect = o.value(QStringLiteral("expect")).toObject();
        const QJsonValue status = expect.value(QStringLiteral("status"));
        if (status.isDouble()) {
            c.expectStatus = status.toInt();
        } else if (!status.isUndefined() && status.toString() != QLatin1String("2xx")) {
            *error = tr("check %1: \"status\" is a number or \"2xx\"").arg(n);
            return std::nullopt;
        }
        const QJsonObject json = expect.value(QStringLiteral("json")).toObject();
        for (auto it = json.begin(); it != json.end(); ++it) {
            c.expectJson << qMakePair(it.key(), it.value());
        }
        for (const QJsonValue& k : expect.value(QStringLiteral("keys")).toArray()) {
            c.expectKeys << k.toString();
        }
        checks << c;
    }
    return checks;
}

QByteArray VerifyCheck::listToJson(const QList<VerifyCheck>& checks)
{
    QJsonArray list;
    for (const VerifyCheck& c : checks) {
        QJsonObject expect;
        expect.insert(QStringLiteral("status"), c.expectStatus ? QJsonValue(c.expectStatus)
                                                               : QJsonValue(QStringLiteral("2xx")));
        if (!c.expectJson.isEmpty()) {
            QJsonObject json;
            for (const auto& [key, value] : c.expectJson) {
                json.insert(key, value);
            }
            expect.insert(QStringLiteral("json"), json);
        }
        if (!c.expectKeys.isEmpty()) {
            expect.insert(QStringLiteral("keys"), QJsonArray::fromStringList(c.expectKeys));
        }
        QJsonObject check{{QStringLiteral("name"), c.name},
                          {QStringLiteral("path"), c.path},
                          {QStringLiteral("expect"), expect}};
        if (c.kind != Kind::Json)
            check.insert(QStringLiteral("kind"), kindName(c.kind));
        list.append(check);
    }
    return QJsonDocument(list).toJson(QJsonDocument::Indented);
}

} // namespace ops
