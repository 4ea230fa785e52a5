#include "app/gateway-sim/FaultState.h"

#include "app/gateway-sim/SimOptions.h"

#include <QHttpServerResponder>
#include <QJsonArray>
#include <QMetaEnum>

namespace ops::sim {

FaultState::FaultState(const SimOptions& options)
    : m_defaultMeanLatencyS(options.meanLatencyS)
    , m_defaultErrorRate(options.errorRate)
    , m_defaultRps(options.rps)
    , m_latencyMs(options.latencyMs)
    , m_slowBodyMs(options.slowBodyMs)
    , m_forceStatus(options.forceStatus)
    , m_retryAfter(options.retryAfter)
    , m_hang(options.hang)
    , m_malformed(options.malformed)
    , m_oversizedMb(options.oversizedMb)
    , m_meanLatencyS(options.meanLatencyS)
    , m_errorRate(options.errorRate)
    , m_rps(options.rps)
{
    for (const QString& name : options.componentsDegraded) {
        m_components.insert(name, QStringLiteral("degraded"));
    }
    for (const QString& name : options.componentsDown) {
        m_components.insert(name, QStringLiteral("down"));
    }
}

bool FaultState::isValidStatus(int status)
{
    if (status < 100 || status > 599) {
        return false;
    }
    // QHttpServerResponder can only write the status codes it knows.
    const QMetaEnum e = QMetaEnum::fromType<QHttpServerResponder::StatusCode>();
    return e.valueToKey(status) != nullptr;
}

void FaultState::clear()
{
    m_latencyMs = 0;
    m_slowBodyMs = 0;
    m_forceStatus = 0;
    m_retryAfter = -1;
    m_hang = false;
    m_malformed = false;
    m_noRerunRoute = false;
    m_oversizedMb = 0.0;
    m_meanLatencyS = m_defaultMeanLatencyS;
    m_errorRate = m_defaultErrorRate;
    m_rps = m_defaultRps;
    m_components.clear();
    m_paths.clear();
    m_missingModules.clear();
    m_redirectTo.clear();
}

namespace {

bool knownKeysOnly(const QJsonObject& request, QString* error)
{
    static const QStringList known{
        QStringLiteral("clear"),          QStringLiteral("latency_ms"),
        QStringLiteral("force_status"),   QStringLiteral("retry_after"),
        QStringLiteral("hang"),           QStringLiteral("malformed"),
        QStringLiteral("oversized_mb"),   QStringLiteral("components"),
        QStringLiteral("reset_counters"), QStringLiteral("mean_latency_s"),
        QStringLiteral("error_rate"),     QStringLiteral("rps"),
        QStringLiteral("paths"),          QStringLiteral("missing_modules"),
        QStringLiteral("redirect_to"),    QStringLiteral("slow_body_ms"),
        QStringLiteral("no_rerun_route")};
    for (auto it = request.begin(); it != request.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("unknown fault key '%1'; known keys: %2")
                         .arg(it.key(), known.join(QStringLiteral(", ")));
            return false;
        }
    }
    return true;
}

// A key left out keeps *out.
bool readBool(const QJsonObject& request, const QString& key, bool* out, QString* error)
{
    const QJsonValue v = request.value(key);
    if (v.isUndefined()) {
        return true;
    }
    if (!v.isBool()) {
        *error = QStringLiteral("'%1' must be true or false").arg(key);
        return false;
    }
    *out = v.toBool();
    return true;
}

// A key left out keeps *out; null resets it to the "off" value.
bool readNumber(const QJsonObject& request, const QString& key, double lo, double hi, double off,
                double* out, QString* error)
{
    const QJsonValue v = request.value(key);
    if (v.isUndefined()) {
        return true;
    }
    if (v.isNull()) {
        *out = off;
        return true;
    }
    if (!v.isDouble() || v.toDouble() < lo || v.toDouble() > hi) {
        *error = QStringLiteral("'%1' must be a number in %2..%3").arg(key).arg(lo).arg(hi);
        return false;
    }
    *out = v.toDouble();
    return true;
}

} // namespace

bool FaultState::merge(const QJsonObject& request, QString* error, bool* resetCounters)
{
    if (!knownKeysOnly(request, error)) {
        return false;
    }
    // Checked on a copy: an invalid request leaves the state as it was.
    FaultState next = *this;
    *resetCounters = false;
    bool clearFirst = false;
    if (!readBool(request, QStringLiteral("clear"), &clearFirst, error)) {
        return false;
    }
    if (clearFirst) {
        next.clear();
    }
    if (!next.mergeScalars(request, error, resetCounters) ||
        !next.mergeComponents(request, error) || !next.mergeLists(request, error) ||
        !next.mergeRedirect(request, error)) {
        return false;
    }
    *this = next;
    return true;
}

bool FaultState::mergeScalars(const QJsonObject& request, QString* error, bool* resetCounters)
{
    double latency = m_latencyMs;
    double slowBody = m_slowBodyMs;
    double force = m_forceStatus;
    double retry = m_retryAfter;
    const auto number = [&](const char* key, double lo, double hi, double off, double* out) {
        return readNumber(request, QString::fromLatin1(key), lo, hi, off, out, error);
    };
    const auto boolean = [&](const char* key, bool* out) {
        return readBool(request, QString::fromLatin1(key), out, error);
    };
    if (!number("latency_ms", 0, 3600000, 0, &latency) ||
        !number("slow_body_ms", 0, 3600000, 0, &slowBody) ||
        !number("force_status", 0, 599, 0, &force) ||
        !number("retry_after", 0, 86400, -1, &retry) || !boolean("hang", &m_hang) ||
        !boolean("malformed", &m_malformed) || !boolean("no_rerun_route", &m_noRerunRoute) ||
        !number("oversized_mb", 0, 512, 0, &m_oversizedMb) ||
        !number("mean_latency_s", 0.0001, 60, m_defaultMeanLatencyS, &m_meanLatencyS) ||
        !number("error_rate", 0, 1, m_defaultErrorRate, &m_errorRate) ||
        !number("rps", 0, 100000, m_defaultRps, &m_rps) ||
        !boolean("reset_counters", resetCounters)) {
        return false;
    }
    m_latencyMs = static_cast<int>(latency);
    m_slowBodyMs = static_cast<int>(slowBody);
    m_forceStatus = static_cast<int>(force);
    m_retryAfter = static_cast<int>(retry);
    if (m_forceStatus != 0 && !isValidStatus(m_forceStatus)) {
        *error = QStringLiteral("'force_status' %1 is not an HTTP status the simulator can send")
                     .arg(m_forceStatus);
        return false;
    }
    return true;
}

bool FaultState::mergeComponents(const QJsonObject& request, QString* error)
{
    const QJsonValue comps = request.value(QStringLiteral("components"));
    if (comps.isUndefined()) {
        return true;
    }
    if (!comps.isObject()) {
        *error = QStringLiteral("'components' must be an object {name: status}");
        return false;
    }
    const QJsonObject o = comps.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.value().isNull() || it.value().toString() == QLatin1String("healthy")) {
            m_components.remove(it.key());
        } else if (it.value().isString() && !it.value().toString().isEmpty()) {
            m_components.insert(it.key(), it.value().toString());
        } else {
            *error = QStringLiteral("component '%1' needs a status string "
                                    "(\"down\", \"degraded\", \"healthy\" or a word)")
                         .arg(it.key());
            return false;
        }
    }
    return true;
}

bool FaultState::mergeLists(const QJsonObject& request, QString* error)
{
    const QJsonValue paths = request.value(QStringLiteral("paths"));
    if (!paths.isUndefined()) {
        m_paths.clear();
        if (!paths.isNull() && !paths.isArray()) {
            *error = QStringLiteral("'paths' must be an array of path prefixes");
            return false;
        }
        for (const QJsonValue& p : paths.toArray()) {
            if (!p.isString() || !p.toString().startsWith(QLatin1Char('/'))) {
                *error = QStringLiteral("'paths' entries must be strings starting with '/'");
                return false;
            }
            m_paths << p.toString();
        }
    }
    const QJsonValue missing = request.value(QStringLiteral("missing_modules"));
    if (!missing.isUndefined()) {
        m_missingModules.clear();
        if (missing.isString()) {
            m_missingModules << missing.toString();
        } else if (missing.isArray()) {
            for (const QJsonValue& m : missing.toArray()) {
                m_missingModules << m.toString();
            }
        } else if (!missing.isNull()) {
            *error = QStringLiteral("'missing_modules' must be a module name or an array of them");
            return false;
        }
    }
    return true;
}

bool FaultState::mergeRedirect(const QJsonObject& request, QString* error)
{
    const QJsonValue redirect = request.value(QStringLiteral("redirect_to"));
    if (redirect.isUndefined()) {
        return true;
    }
    const QString url = redirect.toString();
    if (redirect.isNull()) {
        m_redirectTo.clear();
    } else if (!redirect.isString() || !(url.startsWith(QLatin1String("http://")) ||
                                         url.startsWith(QLatin1String("https://")))) {
        *error = QStringLiteral("'redirect_to' must be an http:// or https:// URL prefix");
        return false;
    } else {
        m_redirectTo = url;
    }
    return true;
}

bool FaultState::appliesTo(const QString& path) const
{
    if (m_paths.isEmpty()) {
        return true;
    }
    for (const QString& p : m_paths) {
        if (path.startsWith(p)) {
            return true;
        }
    }
    return false;
}

QJsonObject FaultState::toJson() const
{
    QJsonObject comps;
    for (auto it = m_components.begin(); it != m_components.end(); ++it) {
        comps.insert(it.key(), it.value());
    }
    return QJsonObject{
        {QStringLiteral("latency_ms"), m_latencyMs},
        {QStringLiteral("slow_body_ms"), m_slowBodyMs},
        {QStringLiteral("force_status"), m_forceStatus ? QJsonValue(m_forceStatus) : QJsonValue()},
        {QStringLiteral("retry_after"),
         m_retryAfter >= 0 ? QJsonValue(m_retryAfter) : QJsonValue()},
        {QStringLiteral("hang"), m_hang},
        {QStringLiteral("malformed"), m_malformed},
        {QStringLiteral("no_rerun_route"), m_noRerunRoute},
        {QStringLiteral("oversized_mb"), m_oversizedMb},
        {QStringLiteral("components"), comps},
        {QStringLiteral("mean_latency_s"), m_meanLatencyS},
        {QStringLiteral("error_rate"), m_errorRate},
        {QStringLiteral("rps"), m_rps},
        {QStringLiteral("paths"), QJsonArray::fromStringList(m_paths)},
        {QStringLiteral("missing_modules"), QJsonArray::fromStringList(m_missingModules)},
        {QStringLiteral("redirect_to"),
         m_redirectTo.isEmpty() ? QJsonValue() : QJsonValue(m_redirectTo)},
    };
}

} // namespace ops::sim
