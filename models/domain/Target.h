#pragma once

#include "models/domain/Dialect.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>
#include <optional>

namespace ops {

// A Render service behind a target. The deploy hook URL and the Render API key are secrets:
// they live in the SecretStore (keys from secretKeyFor...), never here.
struct RenderService {
    QString serviceId;       // srv-...
    QString displayName;     // what the operator calls it
    bool deployHook = false; // a deploy hook URL is configured (in the keychain)
    bool restApi = false;    // redeploy / follow through the REST API (key in the keychain)
    QUrl apiBaseUrl = defaultRenderApiBase();

    static QUrl defaultRenderApiBase() { return QUrl(QStringLiteral("https://api.render.com/v1")); }
    bool operator==(const RenderService&) const = default;
};

// Where a target's signals come from (docs: README "Prometheus and Alertmanager"). Direct: the
// console scrapes baseUrl itself. Prometheus: PromQL over `selector` on a Prometheus server
// that scrapes the gateway instances, aggregated or one series per instance. The credential
// (Bearer token or basic-auth password) lives in the SecretStore under
// secretKeyPrometheusCredential(name); only its kind and user name are here.
struct DataSourceConfig {
    enum class Kind { Direct, Prometheus };
    Kind kind = Kind::Direct;
    QUrl url;                              // the Prometheus server (its API under /api/v1)
    QString selector;                      // job="bhiv-gateway"
    bool sideBySide = false;               // one series per instance instead of their aggregate
    int rateWindowSeconds = 60;            // range of rate() / histogram_quantile
    QString auth = QStringLiteral("none"); // none | bearer | basic
    QString username;                      // basic auth
    QByteArray trustedCertSha256;          // as for gateways: 32 raw bytes or empty

    bool operator==(const DataSourceConfig&) const = default;
};

// A team Alertmanager the target's firing alerts and acknowledgements go to (empty url: none).
// The credential lives under secretKeyAlertmanagerCredential(name).
struct AlertmanagerConfig {
    QUrl url;
    QString auth = QStringLiteral("none"); // none | bearer | basic
    QString username;
    QByteArray trustedCertSha256;

    bool enabled() const { return !url.isEmpty(); }
    bool operator==(const AlertmanagerConfig&) const = default;
};

// How long a target's history is kept on disk (docs: README "History"): every poll for
// rawHours, 1-minute min/max/avg/last for rollupDays, and never more than capMb on disk (the
// oldest segments go first). The rollups must reach at least as far back as the raw values.
struct HistoryRetention {
    static constexpr int kMinRawHours = 1, kMaxRawHours = 720;      // 30 days
    static constexpr int kMinRollupDays = 1, kMaxRollupDays = 1095; // 3 years
    static constexpr int kMinCapMb = 16, kMaxCapMb = 65536;         // 64 GB
    int rawHours = 48;
    int rollupDays = 30;
    int capMb = 256;

    bool isDefault() const { return *this == HistoryRetention{}; }
    // Empty when these limits may be saved; otherwise why not.
    QString validationError() const;
    bool operator==(const HistoryRetention&) const = default;
};

// One gateway the console knows by name, with how to poll it. Holds no secret: the gateway API
// key lives in the SecretStore under secretKeyGatewayApiKey(name).
//
// readOnly marks a viewer's target: features that change the gateway or its deployment
// (launching workflows, redeploys, rollbacks) must check allowsOperations() and refuse.
struct Target {
    QString name;
    QUrl baseUrl;
    Dialect dialect = Dialect::Unknown; // Unknown = detect (auto); otherwise forced
    int intervalMs = 5000;
    int connectTimeoutMs = 5000;
    int readTimeoutMs = 10000;
    QMap<QString, QString> metricMapping; // role -> series name overrides
    bool readOnly = false;
    bool allowPlainHttp = false;  // plain http to a non-loopback host
    QByteArray trustedCertSha256; // 32 raw bytes, or empty: trust only the system CAs
    QList<RenderService> services;
    DataSourceConfig dataSource;
    AlertmanagerConfig alertmanager;
    HistoryRetention history;

    bool operator==(const Target&) const = default;

    bool allowsOperations() const { return !readOnly; }
    // Empty when the target may be saved; otherwise why not.
    QString validationError() const;
    // True when polling it is allowed: https, or http to loopback or with allowPlainHttp.
    bool transportAllowed() const;

    QJsonObject toJson() const; // never contains a secret (there is none to contain)
    static std::optional<Target> fromJson(const QJsonObject& object, QString* error = nullptr);

    // Names: 1-64 of letters, digits, '.', '_', '-'; they appear in keychain keys.
    static bool isValidName(const QString& name);
};

// 127.0.0.0/8, ::1 and localhost; not *.localhost (it may resolve anywhere).
bool isLoopbackHost(const QString& host);

// User info (user:pass@) has no place in a URL the console keeps, sends or shows: every URL
// accepted is refused with it (urlUserInfoProblem), and text shown drops it.
bool hasUserInfo(const QUrl& url);
// Why `url` may not be used because of its user info, naming `what`; empty when it has none.
QString urlUserInfoProblem(const QUrl& url, const QString& what);
// The URL as shown to people and written to files and logs: without user info.
QString displayUrl(const QUrl& url);
// Free text with "scheme://user:pass@host" in it (audit rows, labels, titles) without the
// "user:pass@" part.
QString redactUrlUserInfo(const QString& text);
// What a secret is bound to: "scheme://host:port", host lower-case, the scheme's default port
// filled in (https 443, http 80). Empty for a URL without scheme or host.
QString originOf(const QUrl& url);
// "AB:CD:..." (upper-case hex, colon separated), empty for an empty input.
QString formatFingerprint(const QByteArray& sha256);
// Accepts 64 hex digits with or without ':' / spaces; nullopt when it is not a SHA-256.
std::optional<QByteArray> parseFingerprint(const QString& text);

// Keychain keys (the service is "org.bhiv.OpsConsole").
QString secretKeyGatewayApiKey(const QString& targetName);
QString secretKeyRenderApiKey(const QString& targetName);
QString secretKeyDeployHook(const QString& targetName, const QString& serviceId);
QString secretKeyPrometheusCredential(const QString& targetName);
QString secretKeyAlertmanagerCredential(const QString& targetName);
// Every key a target may own, for removal.
QStringList secretKeysOf(const Target& target);

// One secret a target may own: its keychain key, what an operator calls it, the `--for` word
// of `bhiv-ops targets set-key/confirm`, and the origin it is sent to with the target as it is
// now (the gateway for its key, the Render API for the Render key and deploy hooks, the
// Prometheus / Alertmanager server for their credentials).
struct SecretSlot {
    QString key;
    QString label;
    QString kind; // gateway, render, deploy-hook, prometheus, alertmanager
    QString origin;
};
QList<SecretSlot> secretSlotsOf(const Target& target);
// Where the secret under key would be sent now, among these targets; "" when the key belongs to
// none of them (OriginBoundSecretStore's resolver).
QString secretOriginFor(const QList<Target>& targets, const QString& key);

} // namespace ops
