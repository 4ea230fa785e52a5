#include "models/datasource/InstanceSignals.h"

#include <QMap>

#include <cmath>
#include <limits>

namespace ops {

namespace {

SeriesStoreConfig instanceStoreConfig(int pollsPerDay)
{
    SeriesStoreConfig config = SeriesStoreConfig::signalsForADay(pollsPerDay);
    // A fleet, not an endpoint table: a few hundred instances at most.
    config.maxSeries = 256 * kSignalCount;
    return config;
}

} // namespace

InstanceSignals::InstanceSignals(QObject* parent, int pollsPerDay)
    : QObject(parent)
    , m_store(instanceStoreConfig(pollsPerDay))
{
}

InstanceSignals::~InstanceSignals() = default;

const InstanceSignals::Instance* InstanceSignals::find(const QString& name) const
{
    for (const Instance& instance : m_instances)
        if (instance.name == name)
            return &instance;
    return nullptr;
}

void InstanceSignals::forget(std::uint32_t id)
{
    for (Instance& instance : m_instances)
        for (std::uint32_t& s : instance.series)
            if (s == id)
                s = SeriesStore::kNoSeries;
}

void InstanceSignals::ingest(const QList<SourceSeries>& series)
{
    const qint64 after = latestTime();
    // time -> instance index -> frame, in time order.
    QMap<qint64, QList<QPair<std::size_t, const SignalFrame*>>> byTime;
    bool added = false;
    for (const SourceSeries& s : series) {
        if (s.instance.isEmpty())
            continue;
        std::size_t index = 0;
        while (index < m_instances.size() && m_instances[index].name != s.instance)
            ++index;
        bool any = false;
        for (const SignalFrame& frame : s.frames) {
            if (frame.timeMs <= after)
                continue;
            any = true;
            byTime[frame.timeMs].append({index, &frame});
        }
        if (index == m_instances.size() && any) {
            Instance instance;
            instance.name = s.instance;
            instance.series.fill(SeriesStore::kNoSeries);
            m_instances.push_back(instance);
            added = true;
        }
    }
    if (byTime.isEmpty())
        return;
    for (auto it = byTime.cbegin(); it != byTime.cend(); ++it) {
        m_store.beginScrape(it.key());
        for (const auto& [index, frame] : it.value()) {
            Instance& instance = m_instances[index];
            instance.lastSeenMs = it.key();
            for (std::size_t i = 0; i < kSignalCount; ++i) {
                const double v = frame->values[i];
                if (!std::isfinite(v))
                    continue;
                std::uint32_t& id = instance.series[i];
                if (id == SeriesStore::kNoSeries || !m_store.contains(id)) {
                    std::uint32_t evicted = SeriesStore::kNoSeries;
                    id = m_store.addSeries(&evicted);
                    if (evicted != SeriesStore::kNoSeries && evicted != id)
                        forget(evicted);
                    if (id == SeriesStore::kNoSeries)
                        continue; // the store is full of live series: dropped (and counted)
                }
                m_store.append(id, v);
            }
        }
        m_store.endScrape();
    }
    // Instances unseen for a day lose their series; with none left they are forgotten.
    std::vector<std::uint32_t> dropped;
    m_store.dropIdleSeries(dropped);
    for (std::uint32_t id : dropped)
        forget(id);
    if (!dropped.empty()) {
        const auto before = m_instances.size();
        std::erase_if(m_instances, [](const Instance& instance) {
            for (std::uint32_t id : instance.series)
                if (id != SeriesStore::kNoSeries)
                    return false;
            return true;
        });
        added = added || m_instances.size() != before;
    }
    emit updated();
    if (added)
        emit instancesChanged();
}

QStringList InstanceSignals::instances() const
{
    QStringList names;
    for (const Instance& instance : m_instances)
        names << instance.name;
    return names;
}

std::uint32_t InstanceSignals::series(const QString& name, SignalId id) const
{
    const Instance* instance = find(name);
    if (!instance)
        return SeriesStore::kNoSeries;
    const std::uint32_t s = instance->series[static_cast<std::size_t>(id)];
    return s != SeriesStore::kNoSeries && m_store.contains(s) ? s : SeriesStore::kNoSeries;
}

double InstanceSignals::latest(const QString& name, SignalId id) const
{
    const std::uint32_t s = series(name, id);
    if (s == SeriesStore::kNoSeries || isStale(name))
        return std::numeric_limits<double>::quiet_NaN();
    return m_store.latest(s);
}

qint64 InstanceSignals::lastSeenMs(const QString& name) const
{
    const Instance* instance = find(name);
    return instance ? instance->lastSeenMs : 0;
}

bool InstanceSignals::isStale(const QString& name) const
{
    const Instance* instance = find(name);
    return !instance || instance->lastSeenMs < latestTime();
}

} // namespace ops
