#pragma once

#include "domain/Target.h"
#include "secrets/SecretStore.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace ops {

class Clock;
class PrometheusClient;
class PrometheusSource;
class TargetMonitor;

// A Prometheus-backed target on the dashboard: reads the target's Prometheus credential, builds
// the client and an aggregated PrometheusSource over the target's selector, backfills the chart
// window on connect, then refreshes every poll interval, and feeds each frame to the target's
// monitor (which then stops ingesting its own /metrics). Health and connection state still
// come from the monitor's polls.
class PrometheusFeed : public QObject {
    Q_OBJECT
public:
    using SecretReader = std::function<void(const QString& key, SecretStore::Callback done)>;

    PrometheusFeed(QNetworkAccessManager* network, const Target& target, SecretReader readSecret,
                   TargetMonitor* monitor, const Clock* clock, QObject* parent = nullptr);
    ~PrometheusFeed() override;

    // Reads the credential, connects and backfills windowMs; then refreshes on the interval.
    void start(qint64 windowMs = 30 * 60'000);
    QString errorString() const { return m_error; }
    PrometheusSource* source() const { return m_source.get(); }
    int framesFed() const { return m_framesFed; }

signals:
    void connected(const QString& serverVersion);
    void problem(const QString& error);

private:
    void begin(const QByteArray& authorization, qint64 windowMs);
    void fail(const QString& error);

    QNetworkAccessManager* m_network;
    Target m_target;
    SecretReader m_readSecret;
    QPointer<TargetMonitor> m_monitor;
    const Clock* m_clock;
    std::unique_ptr<PrometheusClient> m_client;
    std::unique_ptr<PrometheusSource> m_source;
    QTimer m_timer;
    QString m_error;
    qint64 m_lastFrameMs = 0;
    qint64 m_windowMs = 0;
    int m_stepMs = 1000;
    bool m_connected = false;
    bool m_connecting = false;
    int m_framesFed = 0;
};

} // namespace ops
