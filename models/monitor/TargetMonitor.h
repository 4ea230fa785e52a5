#pragma once

#include "models/domain/Clock.h"
#include "models/domain/ConnectionState.h"
#include "models/domain/Dialect.h"
#include "models/domain/HealthSnapshot.h"
#include "models/metrics/SignalBoard.h"
#include "models/net/Poller.h"

#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace ops {

class MetricsIngestor;

// What the console knows about one watched gateway: connection state, latest health, the
// derived signals (the response-time series is signalBoard()'s SignalId::LatencyAvg). Fed by a
// Poller; read by item models, the status verb and the window.
class TargetMonitor : public QObject {
    Q_OBJECT
public:
    TargetMonitor(Poller* poller, const Clock* clock, QObject* parent = nullptr);
    ~TargetMonitor() override;

    Poller* poller() const { return m_poller; }
    ConnectionState state() const;
    QString stateDetail() const;
    Dialect dialect() const { return m_dialect; }
    QString gatewayVersion() const { return m_gatewayVersion; }

    bool hasHealth() const { return m_health.has_value(); }
    const HealthSnapshot& health() const { return *m_health; }
    qint64 healthCheckedMs() const { return m_healthCheckedMs; }

    // Latest average response time: Δsum/Δcount between the last two scrapes, the JSON stub's
    // own average, or the health body's figure, in that order of preference.
    std::optional<double> latestLatencySeconds() const { return m_latestLatency; }
    // Where the latest figure came from: "histogram", "stub", "health", "lifetime" or "".
    QString latencyBasis() const { return m_latencyBasis; }
    // False when the gateway exports no latency histogram (the chart says so instead of drawing).
    bool exportsLatencyHistogram() const { return m_exportsHistogram; }
    QString metricsProblem() const { return m_metricsProblem; }

    // Every derived signal (rates, latency quantiles, errors, workflows, memory) with a day of
    // history, fed by each scrape. Charts read it through its decimating store. The /metrics
    // bodies are parsed on a worker thread (MetricsIngestor, its SignalDeriver); this board, on
    // the monitor's thread, takes the frame each scrape gave (SignalBoard::applyFrame) before the
    // poll's pollFinished/updated.
    const SignalBoard& signalBoard() const { return *m_signals; }
    MetricsIngestor* metricsIngestor() const { return m_ingestor.get(); }

    // Age of the data shown, and whether it counts as stale (no success for several intervals).
    qint64 dataAgeMs() const;
    bool isDataStale() const;
    bool hasData() const { return m_lastSuccessMs > 0; }
    qint64 lastSuccessMs() const { return m_lastSuccessMs; }
    // When polls stopped answering (the first failed poll after the last answer), 0 while they
    // answer. Charts mark it; tiles and the banner count from it ("Unreachable for 1 m 10 s").
    qint64 problemSinceMs() const { return m_problemSinceMs; }
    const Clock* clock() const { return m_clock; }

    // Signals from another data source (a Prometheus server): from the first frame on, the
    // polls' /metrics bodies are no longer ingested (health and connection state still come
    // from the polls); each frame goes into the board, then updated() (unless notify is false:
    // a backfill notifies once, at its last frame).
    // `endpoints`: the endpoint table's rows at that time (endpoint and latest), when known.
    void ingestExternalSignals(qint64 timeMs, const std::array<double, kSignalCount>& values,
                               bool notify = true,
                               const std::vector<EndpointValues>& endpoints = {});
    bool usesExternalSignals() const { return m_externalSignals; }

    // Past scrapes from history on disk (a restart): `fill` calls SignalBoard::restoreScrape,
    // oldest first, then updated(). Refused (false, `fill` not called) once a scrape landed.
    bool restoreSignals(const std::function<void(SignalBoard&)>& fill);

    // A backfill (demo mode's day of history): past /metrics bodies, oldest first, through the
    // same worker, board and scrapeApplied() as a live scrape, so the history records them as
    // it records polls. Begin it before any live scrape was handed to the worker (false
    // otherwise: the board's times only go forward). While it runs, live bodies are not
    // ingested (their health and connection state still are: stateChanged()), and updated()
    // waits for endBackfill(): the alerts and the incident recorder see the backfill's last
    // scrape once, never yesterday's values as if they were current.
    bool beginBackfill();
    bool isBackfilling() const { return m_backfilling; }
    // One past body for timeMs (after the previous one's): `done` gets the problem, if any (not
    // metrics, too large), on this thread once the scrape is in signalBoard().
    void ingestPastScrape(qint64 timeMs, const QByteArray& body, const QByteArray& contentType,
                          std::function<void(const QString& problem)> done);
    // Live bodies are ingested again; updated() follows (unless notify is false: the backfill
    // is being destroyed with its session).
    void endBackfill(bool notify = true);

    // The target's metric mapping overrides (role -> series/label name, MetricsMapping roles),
    // laid over the detected mapping from now on.
    void setMappingOverrides(const QMap<QString, QString>& overrides);

public slots:
    // Polls now instead of waiting for the interval (the operator pressed Refresh).
    void pollNow();

signals:
    void updated();
    // A scrape of /metrics went into signalBoard() (before the poll's updated()): its latest
    // values and endpoint table are the scrape's at timeMs.
    void scrapeApplied(qint64 timeMs);
    void stateChanged(ops::ConnectionState state, const QString& detail);

private:
    void onPollFinished(const PollResult& result);

    void consumeMetrics(qint64 timeMs, const QByteArray& body, const QByteArray& contentType,
                        Poller::MetricsDone done);

    QPointer<Poller> m_poller;
    std::unique_ptr<SignalBoard> m_signals;
    std::unique_ptr<MetricsIngestor> m_ingestor;
    bool m_ingestedThisPoll = false;
    std::optional<double> m_lifetimeLatency; // from the scrape of this poll
    bool m_externalSignals = false;
    bool m_backfilling = false;
    bool m_liveBodySeen = false; // a live /metrics body went to the worker
    const Clock* m_clock;
    Dialect m_dialect = Dialect::Unknown;
    QString m_gatewayVersion;
    std::optional<HealthSnapshot> m_health;
    qint64 m_healthCheckedMs = 0;
    qint64 m_lastSuccessMs = 0;
    qint64 m_problemSinceMs = 0;
    std::optional<double> m_latestLatency;
    QString m_latencyBasis;
    bool m_exportsHistogram = false;
    QString m_metricsProblem;
};

} // namespace ops
