#pragma once

#include "models/alerts/AlertNotifier.h"

#include <QUrl>

class QNetworkAccessManager;

namespace ops {

// POSTs one JSON document per notice: an Alertmanager-like webhook payload (version "4",
// status firing/resolved, alerts[] with labels, annotations, startsAt/endsAt), or Slack's
// {"text": ...}. Failures (network, 5xx, 429) are retried with exponential backoff; a 4xx is
// final. Asynchronous: nothing blocks the thread it lives on.
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
    int inFlight() const { return m_inFlight; }

    static QByteArray payload(const AlertNotice& notice, Format format);

private:
    void post(const AlertNotice& notice, const QByteArray& body, int attempt);

    QNetworkAccessManager* m_network;
    QUrl m_url;
    Format m_format;
    int m_maxAttempts = 5;
    int m_firstDelayMs = 1000;
    int m_inFlight = 0;
};

} // namespace ops
