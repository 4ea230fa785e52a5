#include "models/datasource/PrometheusSource.h"

#include "models/datasource/PrometheusClient.h"

#include <string>
#include <vector>

namespace ops {

PrometheusSource::PrometheusSource(PrometheusClient* client, PrometheusSourceConfig config,
                                   QObject* parent)
    : DataSource(parent)
    , m_client(client)
    , m_config(std::move(config))
{
}

QString PrometheusSource::queryFor(SignalId id) const
{
    return m_config.endpointSignals
               ? promEndpointQueryFor(id, m_config.mapping, m_config.selector, m_config.query)
               : promQueryFor(id, m_config.mapping, m_config.selector, m_config.query);
}

void PrometheusSource::connectSource(qint64 nowMs, qint64 windowMs, int stepMs)
{
    const int generation = ++m_generation;
    m_client->buildInfo([this, generation, nowMs, windowMs, stepMs](const PromResponse& info) {
        if (generation != m_generation)
            return;
        if (!info.ok) {
            setError(QStringLiteral("Prometheus at %1: %2")
                         .arg(m_client->connection().baseUrl.host(), info.error));
            emit failed(errorString());
            return;
        }
        m_version = info.buildInfo.value(QStringLiteral("version"));
        const auto backfillNow = [this, nowMs, windowMs, stepMs] {
            emit connected(m_version, m_config.mapping.dialect);
            backfill(nowMs - windowMs, nowMs, stepMs);
        };
        if (!m_config.detectDialect || m_config.mapping.dialect != Dialect::Unknown) {
            backfillNow();
            return;
        }
        m_client->series(m_config.selector.braced(), nowMs - qMax<qint64>(windowMs, 300'000), nowMs,
                         [this, generation, backfillNow](const PromResponse& series) {
                             if (generation != m_generation)
                                 return;
                             if (!series.ok) {
                                 setError(QStringLiteral("series of %1: %2")
                                              .arg(m_config.selector.matchers(), series.error));
                                 emit failed(errorString());
                                 return;
                             }
                             std::vector<std::string> names;
                             for (const auto& labels : series.labelSets)
                                 names.push_back(
                                     labels.value(QStringLiteral("__name__")).toStdString());
                             const std::vector<std::string_view> views(names.begin(), names.end());
                             const Dialect dialect = MetricsMapping::detect(views);
                             if (dialect != Dialect::Unknown)
                                 m_config.mapping = MetricsMapping::forDialect(dialect);
                             backfillNow();
                         });
    });
}

void PrometheusSource::backfill(qint64 fromMs, qint64 toMs, int stepMs)
{
    runPass(true, fromMs, toMs, stepMs);
}

void PrometheusSource::refresh(qint64 nowMs)
{
    if (m_pending > 0)
        return; // the previous refresh is still out: do not pile up
    runPass(false, nowMs, nowMs, 0);
}

void PrometheusSource::runPass(bool range, qint64 fromMs, qint64 toMs, int stepMs)
{
    const int generation = ++m_generation;
    m_collected.clear();
    m_passError.clear();
    m_pending = 0;
    QList<QPair<SignalId, QString>> queries;
    for (std::size_t i = 0; i < kSignalCount; ++i) {
        const auto id = static_cast<SignalId>(i);
        const QString promql = queryFor(id);
        if (!promql.isEmpty())
            queries.append({id, promql});
    }
    m_pending = static_cast<int>(queries.size());
    if (m_pending == 0) {
        setError(QStringLiteral("no signal has a query for this dialect"));
        emit failed(errorString());
        return;
    }
    for (const auto& [id, promql] : queries) {
        auto done = [this, generation, id = id, range](const PromResponse& response) {
            if (generation != m_generation)
                return;
            collect(id, response, range);
            if (--m_pending == 0)
                finishPass(range);
        };
        if (range)
            m_client->queryRange(promql, fromMs, toMs, stepMs, done);
        else
            m_client->query(promql, toMs, done);
    }
}

void PrometheusSource::collect(SignalId id, const PromResponse& response, bool range)
{
    const QString name =
        QString::fromLatin1(signalName(id).data(), static_cast<qsizetype>(signalName(id).size()));
    if (!response.ok) {
        if (m_passError.isEmpty())
            m_passError = QStringLiteral("%1: %2").arg(name, response.error);
        return;
    }
    const PromResultType expected = range ? PromResultType::Matrix : PromResultType::Vector;
    if (response.resultType != expected) {
        if (m_passError.isEmpty())
            m_passError = QStringLiteral("%1: expected a %2, got a %3")
                              .arg(name, promResultTypeName(expected),
                                   promResultTypeName(response.resultType));
        return;
    }
    const bool sideBySide = m_config.query.mode == InstanceMode::SideBySide;
    for (const PromSeries& series : response.series) {
        const QString instance =
            sideBySide ? series.labels.value(m_config.query.instanceLabel) : QString();
        QMap<qint64, SignalFrame>& frames = m_collected[instance];
        for (const PromPoint& point : series.points) {
            SignalFrame& frame = frames[point.timeMs];
            frame.timeMs = point.timeMs;
            frame.values[static_cast<std::size_t>(id)] = point.value;
        }
    }
}

void PrometheusSource::finishPass(bool range)
{
    QList<SourceSeries> out;
    for (auto it = m_collected.cbegin(); it != m_collected.cend(); ++it) {
        SourceSeries series;
        series.instance = it.key();
        series.frames = it.value().values();
        out.append(series);
    }
    m_collected.clear();
    if (!m_passError.isEmpty()) {
        setError(m_passError);
        emit failed(m_passError);
    } else {
        setError({});
    }
    emit framesReady(out, range);
}

} // namespace ops
