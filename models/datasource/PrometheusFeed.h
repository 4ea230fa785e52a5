#pragma once

#include "models/datasource/DataSource.h"
#include "models/domain/Target.h"
#include "models/secrets/SecretStore.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace ops {

class Clock;
class InstanceSignals;
class PrometheusClient;
class PrometheusSource;
class TargetMonitor;

// A Prometheus-backed target on the dashboard: reads the target's Prometheus credential, builds
// the client and an aggregated PrometheusSource over the target's selector, backfills the chart
// window on connect, then refreshes every poll interval, and feeds each frame to the target's
// monitor (which then stops ingesting its own /metrics). Health and connection state still
// come from the monitor's polls.
// With the target's "side by side" set, a second, side-by-side PrometheusSource (same selector,
// the dialect the first detected, `by (instance)`) runs beside it and fills instanceSignals():
// one series per instance for the dashboard's charts, while the monitor keeps the exact
// aggregate (the same PromQL as aggregated mode) for the tiles and the alert rules.
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
    bool sideBySide() const { return m_instances != nullptr; }
    // Side by side: the per-instance signals (a child of this feed; TargetSession passes them
    // on to the dashboard); nullptr when aggregated.
    InstanceSignals* instanceSignals() const { return m_instances; }
    // Side by side: the source of the per-instance series (after the first connect).
    PrometheusSource* instanceSource() const { return m_instanceSource.get(); }

    // The endpoint table: `sum by (endpoint)` of each endpoint's request rate, server errors,
    // average and quantile latency, refreshed with the aggregate; the rows go into the monitor's
    // endpoint table with the next aggregate frame (at most one refresh behind it). nullptr
    // before the first connect, or when the mapping has no endpoint label.
    PrometheusSource* endpointSource() const { return m_endpointSource.get(); }
    // Side by side: the endpoint whose signals are charted per instance (the dashboard's
    // selected one; "" for none). Its own source (the selector narrowed to the endpoint, `by
    // (instance)`) backfills the chart window and then refreshes with the others.
    void setEndpointFocus(const QString& endpoint);
    QString endpointFocus() const { return m_endpointFocus; }
    // The focused endpoint's per-instance signals; nullptr when aggregated, with no endpoint in
    // focus, or before the first connect. Replaced (endpointInstanceSignalsChanged) on each
    // change of focus.
    InstanceSignals* endpointInstanceSignals() const { return m_endpointInstances; }

signals:
    void connected(const QString& serverVersion);
    void problem(const QString& error);
    void endpointInstanceSignalsChanged();

private:
    void begin(const QByteArray& authorization, qint64 windowMs);
    void fail(const QString& error);
    void startInstances();
    void startEndpoints();
    void focusEndpoint();
    void takeEndpointRows(const QList<SourceSeries>& series);

    QNetworkAccessManager* m_network;
    Target m_target;
    SecretReader m_readSecret;
    QPointer<TargetMonitor> m_monitor;
    const Clock* m_clock;
    std::unique_ptr<PrometheusClient> m_client;
    std::unique_ptr<PrometheusSource> m_source;
    std::unique_ptr<PrometheusSource> m_instanceSource;
    InstanceSignals* m_instances = nullptr;
    std::unique_ptr<PrometheusSource> m_endpointSource;
    std::vector<EndpointValues> m_endpointRows; // the latest endpoint pass
    qint64 m_endpointRowsMs = 0;
    QString m_endpointFocus;
    std::unique_ptr<PrometheusSource> m_endpointInstanceSource;
    InstanceSignals* m_endpointInstances = nullptr;
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
