#pragma once

#include "models/alerts/AlertNotifier.h"
#include "models/net/ApiRequest.h"

#include <QUrl>

class QNetworkAccessManager;

namespace ops {

// POSTs one JSON document per notice: an Alertmanager-like webhook payload (version "4",
// status firing/resolved, alerts[] with labels, annotations, startsAt/endsAt), or Slack's
// {"text": ...}. Failures (network, 5xx, 429) are retried with exponential backoff; a 4xx is
// final. Asynchronous: nothing blocks the thread it lives on. Sent through the one request path:
// plain http to a host that is not loopback is refused (a webhook URL is a secret), redirects
// are not followed, the answer is capped.
class WebhookNotifier : public NotificationChannel {
    Q_OBJECT
public:
    enum class Format { Alertmanager, Slack };

    WebhookNotifier(QNetworkAccessManager* network, QUrl url, Format format = Format::Alertmanager,
                    QObject* parent = nullptr);

    QString channelName() const override { return QStringLiteral("webhook"); }
    bool wantsAllStates() const override { return true; }
    void send(const AlertNotice& notice) override;

    void setRetry(int maxAttempts, int firstDelayMs)
    {
        m_maxAttempts = maxAttempts;
        m_firstDelayMs = firstDelayMs;
    }
    QUrl url() const { return m_url; }
    // Deadlines, a pin for a private receiver; plain http to another host stays refused unless
    // the policy allows it.
    void setPolicy(const ConnectionPolicy& policy) { m_policy = policy; }
    int inFlight() const { return m_inFlight; }

    static QByteArray payload(const AlertNotice& notice, Format format);

    // The webhook URL is a secret (Slack's carry their token in the path): where it may come
    // from is in docs/security.md. Why `url` may not be used: not http(s), user info, or plain
    // http to a host that is not loopback. Empty when it may.
    static QString urlProblem(const QUrl& url);
    // The keychain entry `--alert-webhook-keychain` reads (`bhiv-ops targets set-webhook`).
    static QString secretKey() { return QStringLiteral("alerts/webhook-url"); }

private:
    void post(const AlertNotice& notice, const QByteArray& body, int attempt);

    ApiCaller m_calls;
    ConnectionPolicy m_policy;
    QUrl m_url;
    Format m_format;
    int m_maxAttempts = 5;
    int m_firstDelayMs = 1000;
    int m_inFlight = 0;
};

} // namespace ops
