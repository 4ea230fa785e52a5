#include "models/domain/Target.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace ops {

namespace {

constexpr int kMinIntervalMs = 100;
constexpr int kMaxIntervalMs = 3600 * 1000;

bool isAuthName(const QString& auth)
{
    return auth == u"none" || auth == u"bearer" || auth == u"basic";
}

// Why an API URL (Prometheus, Alertmanager) may not be used, or "".
QString apiUrlProblem(const QUrl& url, bool allowPlainHttp, const QString& what)
{
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != u"http" && url.scheme() != u"https"))
        return QStringLiteral("the %1 URL must be http(s)://HOST[:PORT][/PATH]").arg(what);
    if (const QString why = urlUserInfoProblem(url, what); !why.isEmpty())
        return why;
    if (url.scheme() == u"http" && !allowPlainHttp && !isLoopbackHost(url.host()))
        return QStringLiteral("plain http to the %1 is only allowed to loopback, or when the "
                              "target allows plain http explicitly; use https")
            .arg(what);
    return {};
}

// The Render API key goes to this URL: https only (loopback http for tests and a local proxy),
// like the deploy hook.
QString renderApiBaseProblem(const QUrl& url)
{
    if (!url.isValid() || url.isRelative() || url.host().isEmpty() ||
        (url.scheme() != u"http" && url.scheme() != u"https"))
        return QStringLiteral("the Render API base URL is not valid");
    if (const QString why = urlUserInfoProblem(url, QStringLiteral("Render API")); !why.isEmpty())
        return why;
    if (url.scheme() == u"http" && !isLoopbackHost(url.host()))
        return QStringLiteral("the Render API base URL must be https (plain http only to "
                              "loopback): the Render API key goes there");
    return {};
}

QJsonValue fingerprintJson(const QByteArray& sha256)
{
    return formatFingerprint(sha256);
}

} // namespace

bool Target::isValidName(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(name).hasMatch() && name != u"." && name != u"..";
}

QString HistoryRetention::validationError() const
{
    if (rawHours < kMinRawHours || rawHours > kMaxRawHours)
        return QStringLiteral("full-resolution history must be kept %1 to %2 hours")
            .arg(kMinRawHours)
            .arg(kMaxRawHours);
    if (rollupDays < kMinRollupDays || rollupDays > kMaxRollupDays)
        return QStringLiteral("1-minute history must be kept %1 to %2 days")
            .arg(kMinRollupDays)
            .arg(kMaxRollupDays);
    if (capMb < kMinCapMb || capMb > kMaxCapMb)
        return QStringLiteral("the history disk cap must be %1 to %2 MB")
            .arg(kMinCapMb)
            .arg(kMaxCapMb);
    if (qint64(rollupDays) * 24 < rawHours)
        return QStringLiteral("1-minute history (%1 d) must reach at least as far back as "
                              "full-resolution history (%2 h)")
            .arg(rollupDays)
            .arg(rawHours);
    return {};
}

QString Target::validationError() const
{
    if (!isValidName(name))
        return QStringLiteral("the name must be 1-64 letters, digits, '.', '_' or '-'");
    if (!baseUrl.isValid() || baseUrl.host().isEmpty() ||
        (baseUrl.scheme() != u"http" && baseUrl.scheme() != u"https"))
        return QStringLiteral("the gateway URL must be http(s)://HOST[:PORT]");
    if (const QString why = urlUserInfoProblem(baseUrl, QStringLiteral("gateway")); !why.isEmpty())
        return why;
    if (!transportAllowed())
        return QStringLiteral("plain http is only allowed to loopback, or when the target "
                              "allows plain http explicitly; use https");
    if (intervalMs < kMinIntervalMs || intervalMs > kMaxIntervalMs)
        return QStringLiteral("the poll interval must be 0.1 to 3600 seconds");
    if (connectTimeoutMs < 100 || readTimeoutMs < 100)
        return QStringLiteral("timeouts must be at least 0.1 seconds");
    if (!trustedCertSha256.isEmpty() && trustedCertSha256.size() != 32)
        return QStringLiteral("the trusted certificate fingerprint must be a SHA-256");
    if (dataSource.kind == DataSourceConfig::Kind::Prometheus) {
        const QString why =
            apiUrlProblem(dataSource.url, allowPlainHttp, QStringLiteral("Prometheus"));
        if (!why.isEmpty())
            return why;
        if (dataSource.selector.trimmed().isEmpty())
            return QStringLiteral("a Prometheus data source needs a label selector, e.g. "
                                  "job=\"bhiv-gateway\"");
        if (dataSource.rateWindowSeconds < 2 || dataSource.rateWindowSeconds > 86400)
            return QStringLiteral("the Prometheus rate window must be 2 s to a day");
    }
    if (!isAuthName(dataSource.auth) || !isAuthName(alertmanager.auth))
        return QStringLiteral("authentication must be none, bearer or basic");
    if ((!dataSource.trustedCertSha256.isEmpty() && dataSource.trustedCertSha256.size() != 32) ||
        (!alertmanager.trustedCertSha256.isEmpty() && alertmanager.trustedCertSha256.size() != 32))
        return QStringLiteral("a trusted certificate fingerprint must be a SHA-256");
    if (alertmanager.enabled()) {
        const QString why =
            apiUrlProblem(alertmanager.url, allowPlainHttp, QStringLiteral("Alertmanager"));
        if (!why.isEmpty())
            return why;
    }
    for (const RenderService& service : services) {
        if (!isValidName(service.serviceId))
            return QStringLiteral("a Render service id must be letters, digits, '.', '_', '-'");
        if (service.restApi) {
            if (const QString why = renderApiBaseProblem(service.apiBaseUrl); !why.isEmpty())
                return why;
        }
    }
    return history.validationError();
}

bool Target::transportAllowed() const
{
    if (baseUrl.scheme() == u"https")
        return true;
    return baseUrl.scheme() == u"http" && (allowPlainHttp || isLoopbackHost(baseUrl.host()));
}

QJsonObject Target::toJson() const
{
    QJsonObject mapping;
    for (auto it = metricMapping.cbegin(); it != metricMapping.cend(); ++it)
        mapping.insert(it.key(), it.value());
    QJsonArray serviceArray;
    for (const RenderService& service : services) {
        serviceArray.append(QJsonObject{
            {QStringLiteral("service_id"), service.serviceId},
            {QStringLiteral("display_name"), service.displayName},
            {QStringLiteral("deploy_hook"), service.deployHook},
            {QStringLiteral("rest_api"), service.restApi},
            {QStringLiteral("api_base_url"), service.apiBaseUrl.toString()},
        });
    }
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("url"), baseUrl.toString()},
        {QStringLiteral("dialect"),
         dialect == Dialect::Unknown ? QStringLiteral("auto") : dialectName(dialect)},
        {QStringLiteral("interval_ms"), intervalMs},
        {QStringLiteral("connect_timeout_ms"), connectTimeoutMs},
        {QStringLiteral("read_timeout_ms"), readTimeoutMs},
        {QStringLiteral("metric_mapping"), mapping},
        {QStringLiteral("read_only"), readOnly},
        {QStringLiteral("allow_plain_http"), allowPlainHttp},
        {QStringLiteral("trusted_cert_sha256"), formatFingerprint(trustedCertSha256)},
        {QStringLiteral("services"), serviceArray},
        {QStringLiteral("data_source"),
         QJsonObject{
             {QStringLiteral("kind"), dataSource.kind == DataSourceConfig::Kind::Prometheus
                                          ? QStringLiteral("prometheus")
                                          : QStringLiteral("direct")},
             {QStringLiteral("url"), dataSource.url.toString()},
             {QStringLiteral("selector"), dataSource.selector},
             {QStringLiteral("instances"),
              dataSource.sideBySide ? QStringLiteral("side_by_side") : QStringLiteral("aggregate")},
             {QStringLiteral("rate_window_s"), dataSource.rateWindowSeconds},
             {QStringLiteral("auth"), dataSource.auth},
             {QStringLiteral("username"), dataSource.username},
             {QStringLiteral("trusted_cert_sha256"), fingerprintJson(dataSource.trustedCertSha256)},
         }},
        {QStringLiteral("alertmanager"),
         QJsonObject{
             {QStringLiteral("url"), alertmanager.url.toString()},
             {QStringLiteral("auth"), alertmanager.auth},
             {QStringLiteral("username"), alertmanager.username},
             {QStringLiteral("trusted_cert_sha256"),
              fingerprintJson(alertmanager.trustedCertSha256)},
         }},
        {QStringLiteral("history"),
         QJsonObject{
             {QStringLiteral("raw_hours"), history.rawHours},
             {QStringLiteral("rollup_days"), history.rollupDays},
             {QStringLiteral("cap_mb"), history.capMb},
         }},
    };
}

std::optional<Target> Target::fromJson(const QJsonObject& object, QString* error)
{
    const auto fail = [error](const QString& why) -> std::optional<Target> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    Target target;
    target.name = object.value(QStringLiteral("name")).toString();
    target.baseUrl = QUrl(object.value(QStringLiteral("url")).toString());
    const QString dialect =
        object.value(QStringLiteral("dialect")).toString(QStringLiteral("auto"));
    if (dialect != u"auto") {
        const auto parsed = dialectFromName(dialect);
        if (!parsed)
            return fail(QStringLiteral("%1: unknown dialect %2").arg(target.name, dialect));
        target.dialect = *parsed;
    }
    target.intervalMs = object.value(QStringLiteral("interval_ms")).toInt(target.intervalMs);
    target.connectTimeoutMs =
        object.value(QStringLiteral("connect_timeout_ms")).toInt(target.connectTimeoutMs);
    target.readTimeoutMs =
        object.value(QStringLiteral("read_timeout_ms")).toInt(target.readTimeoutMs);
    const QJsonObject mapping = object.value(QStringLiteral("metric_mapping")).toObject();
    for (auto it = mapping.constBegin(); it != mapping.constEnd(); ++it)
        target.metricMapping.insert(it.key(), it.value().toString());
    target.readOnly = object.value(QStringLiteral("read_only")).toBool();
    target.allowPlainHttp = object.value(QStringLiteral("allow_plain_http")).toBool();
    const QString fingerprint = object.value(QStringLiteral("trusted_cert_sha256")).toString();
    if (!fingerprint.isEmpty()) {
        const auto parsed = parseFingerprint(fingerprint);
        if (!parsed)
            return fail(
                QStringLiteral("%1: trusted_cert_sha256 is not a SHA-256").arg(target.name));
        target.trustedCertSha256 = *parsed;
    }
    for (const QJsonValue& value : object.value(QStringLiteral("services")).toArray()) {
        const QJsonObject s = value.toObject();
        RenderService service;
        service.serviceId = s.value(QStringLiteral("service_id")).toString();
        service.displayName = s.value(QStringLiteral("display_name")).toString();
        service.deployHook = s.value(QStringLiteral("deploy_hook")).toBool();
        service.restApi = s.value(QStringLiteral("rest_api")).toBool();
        const QString base = s.value(QStringLiteral("api_base_url")).toString();
        if (!base.isEmpty())
            service.apiBaseUrl = QUrl(base);
        target.services.append(service);
    }
    const auto readFingerprint = [&](const QJsonObject& o, QByteArray* out) {
        const QString text = o.value(QStringLiteral("trusted_cert_sha256")).toString();
        if (text.isEmpty())
            return true;
        const auto parsed = parseFingerprint(text);
        if (parsed)
            *out = *parsed;
        return parsed.has_value();
    };
    if (object.contains(QStringLiteral("data_source"))) {
        const QJsonObject ds = object.value(QStringLiteral("data_source")).toObject();
        const QString kind = ds.value(QStringLiteral("kind")).toString(QStringLiteral("direct"));
        if (kind == u"prometheus")
            target.dataSource.kind = DataSourceConfig::Kind::Prometheus;
        else if (kind != u"direct")
            return fail(QStringLiteral("%1: unknown data source kind %2").arg(target.name, kind));
        target.dataSource.url = QUrl(ds.value(QStringLiteral("url")).toString());
        target.dataSource.selector = ds.value(QStringLiteral("selector")).toString();
        const QString instances =
            ds.value(QStringLiteral("instances")).toString(QStringLiteral("aggregate"));
        if (instances != u"aggregate" && instances != u"side_by_side")
            return fail(
                QStringLiteral("%1: instances must be aggregate or side_by_side").arg(target.name));
        target.dataSource.sideBySide = instances == u"side_by_side";
        target.dataSource.rateWindowSeconds =
            ds.value(QStringLiteral("rate_window_s")).toInt(target.dataSource.rateWindowSeconds);
        target.dataSource.auth = ds.value(QStringLiteral("auth")).toString(QStringLiteral("none"));
        target.dataSource.username = ds.value(QStringLiteral("username")).toString();
        if (!readFingerprint(ds, &target.dataSource.trustedCertSha256))
            return fail(QStringLiteral("%1: the Prometheus trusted_cert_sha256 is not a SHA-256")
                            .arg(target.name));
    }
    if (object.contains(QStringLiteral("alertmanager"))) {
        const QJsonObject am = object.value(QStringLiteral("alertmanager")).toObject();
        const QString url = am.value(QStringLiteral("url")).toString();
        target.alertmanager.url = url.isEmpty() ? QUrl() : QUrl(url);
        target.alertmanager.auth =
            am.value(QStringLiteral("auth")).toString(QStringLiteral("none"));
        target.alertmanager.username = am.value(QStringLiteral("username")).toString();
        if (!readFingerprint(am, &target.alertmanager.trustedCertSha256))
            return fail(QStringLiteral("%1: the Alertmanager trusted_cert_sha256 is not a SHA-256")
                            .arg(target.name));
    }
    if (object.contains(QStringLiteral("history"))) {
        // A missing field keeps its default: a file written before a limit existed still loads.
        const QJsonObject h = object.value(QStringLiteral("history")).toObject();
        target.history.rawHours =
            h.value(QStringLiteral("raw_hours")).toInt(target.history.rawHours);
        target.history.rollupDays =
            h.value(QStringLiteral("rollup_days")).toInt(target.history.rollupDays);
        target.history.capMb = h.value(QStringLiteral("cap_mb")).toInt(target.history.capMb);
    }
    const QString why = target.validationError();
    if (!why.isEmpty())
        return fail(QStringLiteral("%1: %2").arg(
            target.name.isEmpty() ? QStringLiteral("(no name)") : target.name, why));
    return target;
}

bool isLoopbackHost(const QString& rawHost)
{
    QString host = rawHost.toLower();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    // Only names that cannot leave the machine without resolving: "localhost" itself and the
    // loopback addresses. "x.localhost" resolves through DNS on some systems, so it does not count.
    if (host == u"localhost" || host == u"::1" || host == u"0:0:0:0:0:0:0:1")
        return true;
    const QStringList parts = host.split(u'.');
    if (parts.size() != 4 || parts.first() != u"127")
        return false;
    for (const QString& part : parts) {
        bool ok = false;
        const int value = part.toInt(&ok);
        if (!ok || value < 0 || value > 255)
            return false;
    }
    return true;
}

bool hasUserInfo(const QUrl& url)
{
    return !url.userInfo(QUrl::FullyEncoded).isEmpty() || !url.password().isEmpty();
}

QString urlUserInfoProblem(const QUrl& url, const QString& what)
{
    if (!hasUserInfo(url))
        return {};
    return QStringLiteral("the %1 URL must not hold a user name or password (user:pass@): it "
                          "would be stored and shown in clear; keep credentials in the keychain")
        .arg(what);
}

QString displayUrl(const QUrl& url)
{
    return url.toString(QUrl::RemoveUserInfo);
}

QString redactUrlUserInfo(const QString& text)
{
    // scheme://, then anything up to an '@' that comes before the first '/', '?', '#' or space.
    static const QRegularExpression userInfo(
        QStringLiteral("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s@]*@"));
    QString out = text;
    out.replace(userInfo, QStringLiteral("\\1"));
    return out;
}

QString originOf(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    const QString host = url.host().toLower();
    if (scheme.isEmpty() || host.isEmpty())
        return {};
    const int defaultPort = scheme == u"https" ? 443 : scheme == u"http" ? 80 : -1;
    const int port = url.port(defaultPort);
    const QString shownHost = host.contains(u':') ? QStringLiteral("[%1]").arg(host) : host;
    return port < 0 ? QStringLiteral("%1://%2").arg(scheme, shownHost)
                    : QStringLiteral("%1://%2:%3").arg(scheme, shownHost).arg(port);
}

QString formatFingerprint(const QByteArray& sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}

std::optional<QByteArray> parseFingerprint(const QString& text)
{
    QString hex = text.trimmed();
    if (hex.startsWith(QLatin1String("sha256:"), Qt::CaseInsensitive))
        hex = hex.mid(7);
    hex.remove(u':').remove(u' ');
    static const QRegularExpression pattern(QStringLiteral("^[0-9A-Fa-f]{64}$"));
    if (!pattern.match(hex).hasMatch())
        return std::nullopt;
    return QByteArray::fromHex(hex.toLatin1());
}

QString secretKeyGatewayApiKey(const QString& targetName)
{
    return QStringLiteral("target/%1/gateway-api-key").arg(targetName);
}

QString secretKeyRenderApiKey(const QString& targetName)
{
    return QStringLiteral("target/%1/render-api-key").arg(targetName);
}

QString secretKeyDeployHook(const QString& targetName, const QString& serviceId)
{
    return QStringLiteral("target/%1/service/%2/deploy-hook").arg(targetName, serviceId);
}

QString secretKeyPrometheusCredential(const QString& targetName)
{
    return QStringLiteral("target/%1/prometheus-credential").arg(targetName);
}

QString secretKeyAlertmanagerCredential(const QString& targetName)
{
    return QStringLiteral("target/%1/alertmanager-credential").arg(targetName);
}

QStringList secretKeysOf(const Target& target)
{
    QStringList keys{secretKeyGatewayApiKey(target.name), secretKeyRenderApiKey(target.name),
                     secretKeyPrometheusCredential(target.name),
                     secretKeyAlertmanagerCredential(target.name)};
    for (const RenderService& service : target.services)
        keys << secretKeyDeployHook(target.name, service.serviceId);
    return keys;
}

namespace {

QUrl renderApiOf(const Target& target)
{
    for (const RenderService& service : target.services) {
        if (service.restApi)
            return service.apiBaseUrl;
    }
    return target.services.isEmpty() ? RenderService::defaultRenderApiBase()
                                     : target.services.constFirst().apiBaseUrl;
}

} // namespace

QList<SecretSlot> secretSlotsOf(const Target& target)
{
    QList<SecretSlot> list{
        {secretKeyGatewayApiKey(target.name), QStringLiteral("gateway API key"),
         QStringLiteral("gateway"), originOf(target.baseUrl)},
        {secretKeyRenderApiKey(target.name), QStringLiteral("Render API key"),
         QStringLiteral("render"), originOf(renderApiOf(target))},
        {secretKeyPrometheusCredential(target.name), QStringLiteral("Prometheus credential"),
         QStringLiteral("prometheus"), originOf(target.dataSource.url)},
        {secretKeyAlertmanagerCredential(target.name), QStringLiteral("Alertmanager credential"),
         QStringLiteral("alertmanager"), originOf(target.alertmanager.url)},
    };
    for (const RenderService& service : target.services) {
        list.append({secretKeyDeployHook(target.name, service.serviceId),
                     QStringLiteral("deploy hook of %1").arg(service.serviceId),
                     QStringLiteral("deploy-hook"), originOf(service.apiBaseUrl)});
    }
    return list;
}

QString secretOriginFor(const QList<Target>& targets, const QString& key)
{
    static const QString prefix = QStringLiteral("target/");
    if (!key.startsWith(prefix))
        return {};
    const QString name = key.mid(prefix.size()).section(u'/', 0, 0);
    for (const Target& target : targets) {
        if (target.name != name)
            continue;
        for (const SecretSlot& slot : secretSlotsOf(target)) {
            if (slot.key == key)
                return slot.origin;
        }
    }
    return {};
}

} // namespace ops
