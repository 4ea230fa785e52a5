#pragma once

// The signals of each instance of a Prometheus-backed target shown side by side: one store
// series per (instance, signal), fed with the frames of a side-by-side PrometheusSource. The
// dashboard charts one line per instance from here; the target's own SignalBoard keeps the
// aggregate (tiles, alert rules). Instances are kept in the order they first appeared (stable
// colours); one missing from the latest frame is stale and gets no more points.

#include "models/datasource/DataSource.h"
#include "models/metrics/SeriesStore.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>
#include <vector>

namespace ops {

class InstanceSignals : public QObject {
    Q_OBJECT
public:
    explicit InstanceSignals(QObject* parent = nullptr, int pollsPerDay = 86400);
    ~InstanceSignals() override;

    // Frames of a side-by-side pass ("" instances are ignored). Frames at or before the latest
    // time held are skipped: the store only goes forward.
    void ingest(const QList<SourceSeries>& series);

    const SeriesStore& store() const { return m_store; }
    QStringList instances() const;
    int instanceCount() const { return static_cast<int>(m_instances.size()); }
    // The store series of one instance's signal; kNoSeries when it never had a value.
    std::uint32_t series(const QString& instance, SignalId id) const;
    // The instance's latest value of the signal (NaN when it has none, or is stale).
    double latest(const QString& instance, SignalId id) const;
    // Time of the instance's last frame (0: unknown instance).
    qint64 lastSeenMs(const QString& instance) const;
    // Missing from the latest frame: the server no longer answers for it.
    bool isStale(const QString& instance) const;
    qint64 latestTime() const { return m_store.scrapeCount() > 0 ? m_store.latestTime() : 0; }

signals:
    // New frames went into the store.
    void updated();
    // An instance appeared (or was dropped after a long idle time).
    void instancesChanged();

private:
    struct Instance {
        QString name;
        std::array<std::uint32_t, kSignalCount> series;
        qint64 lastSeenMs = 0;
    };
    const Instance* find(const QString& name) const;
    void forget(std::uint32_t id);

    SeriesStore m_store;
    std::vector<Instance> m_instances;
};

} // namespace ops
