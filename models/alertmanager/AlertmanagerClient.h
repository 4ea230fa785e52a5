#pragma once

#include "models/datasource/ApiConnection.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace ops {

// Alertmanager API v2 value types.
struct AmMatcher {
    QString name;
    QString value;
    bool isRegex = false;
    bool isEqual = true;
    bool operator==(const AmMatcher&) const = default;
};

struct AmSilence {
    QString id; // empty: a new silence
    QList<AmMatcher> matchers;
    qint64 startsAtMs = 0;
    qint64 endsAtMs = 0;
    QString createdBy;
    QString comment;
    QString state; // "active", "pending", "expired" (as read)
    qint64 updatedAtMs = 0;
};

struct AmAlert {
    QMap<QString, QString> labels;
    QMap<QString, QString> annotations;
    qint64 startsAtMs = 0;
    qint64 endsAtMs = 0; // 0: not set (Alertmanager resolves it after its resolve_timeout)
    QString generatorUrl;
    // As read back:
    QString fingerprint;
    QString state; // "active", "suppressed", "unprocessed"
    QStringList silencedBy;
    QStringList inhibitedBy;
    QStringList receivers;
};

struct AmResult {
    bool ok = false;
    QString error;
    int httpStatus = 0;
    QList<AmAlert> alerts;
    QList<AmSilence> silences;
    QString silenceId;
    QString version; // /api/v2/status
};

// RFC 3339 with milliseconds, UTC ("2026-01-01T00:00:00.000Z"); 0 and parse failures: nullopt.
QString amTime(qint64 ms);
std::optional<qint64> parseAmTime(const QString& text);

// JSON of the API, both ways. Decoding failures are values (error set, nullopt).
QByteArray encodeAmAlerts(const QList<AmAlert>& alerts);
QByteArray encodeAmSilence(const AmSilence& silence);
std::optional<QList<AmAlert>> decodeAmAlerts(const QByteArray& body, QString* error = nullptr);
std::optional<QList<AmSilence>> decodeAmSilences(const QByteArray& body, QString* error = nullptr);
std::optional<AmSilence> decodeAmSilence(const QByteArray& body, QString* error = nullptr);

// An Alertmanager's API v2: push alerts, read the team's alerts and silences, create, update
// and expire silences. Asynchronous; each call answers exactly once, later.
class AlertmanagerClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const AmResult&)>;

    AlertmanagerClient(QNetworkAccessManager* network, ApiConnection connection,
                       QObject* parent = nullptr);

    const ApiConnection& connection() const { return m_connection; }

    void pushAlerts(const QList<AmAlert>& alerts, Callback done); // POST /api/v2/alerts
    void alerts(Callback done);                                   // GET /api/v2/alerts
    void silences(Callback done);                                 // GET /api/v2/silences
    void silence(const QString& id, Callback done);               // GET /api/v2/silence/{id}
    // POST /api/v2/silences: creates (no id) or updates (id); answers with the silence's id,
    // which Alertmanager may change when it replaces rather than updates.
    void putSilence(const AmSilence& silence, Callback done);
    void expireSilence(const QString& id, Callback done); // DELETE /api/v2/silence/{id}
    void status(Callback done);                           // GET /api/v2/status

private:
    enum class Decode { None, Alerts, Silences, Silence, SilenceId, Status };
    void call(const QByteArray& verb, const QStringList& route, const QByteArray& body,
              Decode decode, Callback done);

    QNetworkAccessManager* m_network;
    ApiConnection m_connection;
};

} // namespace ops
