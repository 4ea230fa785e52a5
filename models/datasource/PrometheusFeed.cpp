#include "models/datasource/PrometheusFeed.h"

#include "models/datasource/InstanceSignals.h"
#include "models/datasource/PrometheusClient.h"
#include "models/datasource/PrometheusSource.h"
#include "models/domain/Clock.h"
#include "models/monitor/TargetMonitor.h"

namespace ops {

PrometheusFeed::PrometheusFeed(QNetworkAccessManager* network, const Target& target,
                               SecretReader readSecret, TargetMonitor* monitor, const Clock* clock,
                               QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_target(target)
    , m_readSecret(std::move(readSecret))
    , m_monitor(monitor)
    , m_clock(clock)
{
    if (target.dataSource.kind == DataSourceConfig::Kind::Prometheus &&
        target.dataSource.sideBySide)
        m_instances =
            new InstanceSignals(this, static_cast<int>(86'400'000 / qMax(1000, target.intervalMs)));
    m_timer.setInterval(qMax(1000, target.intervalMs));
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_source || m_connecting)
            return;
        if (m_connected) {
            const qint64 now = m_clock->nowMs();
            if (!m_source->busy())
                m_source->refresh(now);
            if (m_instanceSource && !m_instanceSource->busy())
                m_instanceSource->refresh(now);
            if (m_endpointSource && !m_endpointSource->busy())
                m_endpointSource->refresh(now);
            if (m_endpointInstanceSource && !m_endpointInstanceSource->busy())
                m_endpointInstanceSource->refresh(now);
        } else if (!m_source->busy()) { // the connect failed (server down, refused): try again
            m_connecting = true;
            m_source->connectSource(m_clock->nowMs(), m_windowMs, m_stepMs);
        }
    });
}

PrometheusFeed::~PrometheusFeed() = default;

void PrometheusFeed::fail(const QString& error)
{
    m_error = error;
    emit problem(error);
}

void PrometheusFeed::start(qint64 windowMs)
{
    const DataSourceConfig& ds = m_target.dataSource;
    if (ds.kind != DataSourceConfig::Kind::Prometheus) {
        fail(tr("%1 does not use Prometheus").arg(m_target.name));
        return;
    }
    if (ds.auth == u"none" || !m_readSecret) {
        begin({}, windowMs);
        return;
    }
    QPointer<PrometheusFeed> self(this);
    m_readSecret(secretKeyPrometheusCredential(m_target.name), [self,
                                                                windowMs](const SecretResult& r) {
        if (!self)
            return;
        if (!r.ok()) {
            self->fail(tr("no Prometheus credential for %1: %2")
                           .arg(self->m_target.name, secretErrorMessage(r.error)));
            return;
        }
        const ApiAuthKind kind =
            self->m_target.dataSource.auth == u"basic" ? ApiAuthKind::Basic : ApiAuthKind::Bearer;
        self->begin(authorizationHeader(kind, self->m_target.dataSource.username, r.value),
                    windowMs);
    });
}

void PrometheusFeed::begin(const QByteArray& authorization, qint64 windowMs)
{
    const DataSourceConfig& ds = m_target.dataSource;
    QString why;
    const auto selector = PromSelector::parse(ds.selector, &why);
    if (!selector) {
        fail(tr("the label selector of %1: %2").arg(m_target.name, why));
        return;
    }
    ApiConnection connection;
    connection.baseUrl = ds.url;
    connection.authorization = authorization;
    connection.limits.trustedCertSha256 = ds.trustedCertSha256;
    connection.limits.allowPlainHttp = m_target.allowPlainHttp;
    connection.limits.connectTimeoutMs = m_target.connectTimeoutMs;
    connection.limits.readTimeoutMs = m_target.readTimeoutMs;
    m_client = std::make_unique<PrometheusClient>(m_network, connection);
    PrometheusSourceConfig config;
    config.selector = *selector;
    config.query.rateWindowSeconds = ds.rateWindowSeconds;
    config.query.mode = InstanceMode::Aggregate; // the dashboard charts one set of signals
    config.mapping = MetricsMapping::forDialect(m_target.dialect);
    config.detectDialect = m_target.dialect == Dialect::Unknown;
    m_source = std::make_unique<PrometheusSource>(m_client.get(), config);
    connect(m_source.get(), &PrometheusSource::connected, this, [this](const QString& version) {
        startInstances();
        startEndpoints();
        emit connected(version);
    });
    connect(m_source.get(), &DataSource::failed, this, [this](const QString& error) {
        if (!m_connected)
            m_connecting = false;
        fail(error);
    });
    connect(m_source.get(), &DataSource::framesReady, this,
            [this](const QList<SourceSeries>& series, bool backfill) {
                if (backfill) {
                    m_connected = true;
                    m_connecting = false;
                }
                if (!m_monitor)
                    return;
                QList<SignalFrame> fresh;
                for (const SourceSeries& s : series)
                    for (const SignalFrame& frame : s.frames)
                        if (frame.timeMs > m_lastFrameMs) // the store only goes forward
                            fresh.append(frame);
                // The endpoint rows go with the latest frame they are not older than two
                // refreshes before (the passes run side by side; a backfill's past has none).
                const qint64 rowsWithin = 2 * m_timer.interval();
                for (qsizetype i = 0; i < fresh.size(); ++i) {
                    const bool last = i + 1 == fresh.size();
                    const bool withRows = last && !m_endpointRows.empty() &&
                                          m_endpointRowsMs >= fresh[i].timeMs - rowsWithin;
                    m_monitor->ingestExternalSignals(fresh[i].timeMs, fresh[i].values, last,
                                                     withRows ? m_endpointRows
                                                              : std::vector<EndpointValues>());
                    m_lastFrameMs = fresh[i].timeMs;
                    ++m_framesFed;
                }
            });
    // query_range answers at most 11,000 points per series: the step follows the window.
    const int stepMs =
        static_cast<int>(qMax<qint64>(qMax(1000, m_target.intervalMs), windowMs / 10'000 + 1));
    m_windowMs = windowMs;
    m_stepMs = stepMs;
    m_connecting = true;
    m_source->connectSource(m_clock->nowMs(), windowMs, stepMs);
    m_timer.start();
}

// Side by side: once the aggregate source has connected (and detected the dialect), the same
// queries by instance, backfilled over the same window; refreshed with the aggregate.
void PrometheusFeed::startInstances()
{
    if (!m_instances)
        return;
    if (!m_instanceSource) {
        PrometheusSourceConfig config = m_source->config();
        config.query.mode = InstanceMode::SideBySide;
        config.detectDialect = false;
        m_instanceSource = std::make_unique<PrometheusSource>(m_client.get(), config);
        connect(m_instanceSource.get(), &DataSource::failed, this,
                [this](const QString& error) { fail(tr("side by side: %1").arg(error)); });
        connect(m_instanceSource.get(), &DataSource::framesReady, m_instances,
                &InstanceSignals::ingest);
    }
    const qint64 now = m_clock->nowMs();
    m_instanceSource->backfill(now - m_windowMs, now, m_stepMs);
}

// The endpoint table: once connected (the dialect known), the row signals by endpoint.
void PrometheusFeed::startEndpoints()
{
    if (!m_endpointSource) {
        PrometheusSourceConfig config = m_source->config();
        const QString label = QString::fromStdString(config.mapping.endpointLabel);
        if (label.isEmpty())
            return;
        config.query.mode = InstanceMode::SideBySide;
        config.query.instanceLabel = label;
        config.endpointSignals = true;
        config.detectDialect = false;
        m_endpointSource = std::make_unique<PrometheusSource>(m_client.get(), config);
        connect(m_endpointSource.get(), &DataSource::failed, this,
                [this](const QString& error) { fail(tr("endpoints: %1").arg(error)); });
        connect(m_endpointSource.get(), &DataSource::framesReady, this,
                &PrometheusFeed::takeEndpointRows);
    }
    m_endpointSource->refresh(m_clock->nowMs());
    focusEndpoint();
}

// One row per endpoint label value with its latest values (an answer without the label: none).
void PrometheusFeed::takeEndpointRows(const QList<SourceSeries>& series)
{
    std::vector<EndpointValues> rows;
    qint64 at = 0;
    for (const SourceSeries& s : series) {
        if (s.instance.isEmpty() || s.frames.isEmpty())
            continue;
        const SignalFrame& frame = s.frames.last();
        EndpointValues row;
        row.endpoint = s.instance.toStdString();
        for (std::size_t k = 0; k < kEndpointSignalCount; ++k)
            row.latest[k] = frame.value(endpointSignalAs(static_cast<EndpointSignal>(k)));
        rows.push_back(std::move(row));
        at = qMax(at, frame.timeMs);
    }
    if (rows.empty())
        return;
    m_endpointRows = std::move(rows);
    m_endpointRowsMs = at;
}

void PrometheusFeed::setEndpointFocus(const QString& endpoint)
{
    if (endpoint == m_endpointFocus)
        return;
    m_endpointFocus = endpoint;
    if (m_endpointSource) // connected: else on connect
        focusEndpoint();
}

// Side by side: the focused endpoint per instance, in a store of its own (a new one for each
// endpoint: the lines of the previous one never mix in).
void PrometheusFeed::focusEndpoint()
{
    if (!m_instances || !m_source)
        return;
    const QString focused = m_endpointInstanceSource
                                ? m_endpointInstanceSource->config().selector.matchers()
                                : QString();
    std::optional<PromSelector> selector;
    if (!m_endpointFocus.isEmpty())
        selector = m_source->config().selector.withMatcher(
            QString::fromStdString(m_source->config().mapping.endpointLabel), m_endpointFocus);
    if (selector && m_endpointInstanceSource && selector->matchers() == focused)
        return; // a reconnect: already this endpoint
    m_endpointInstanceSource.reset();
    delete m_endpointInstances;
    m_endpointInstances = nullptr;
    if (selector) {
        PrometheusSourceConfig config = m_source->config();
        config.selector = *selector;
        config.query.mode = InstanceMode::SideBySide;
        config.endpointSignals = true;
        config.detectDialect = false;
        m_endpointInstances =
            new InstanceSignals(this, static_cast<int>(86'400'000 / m_timer.interval()));
        m_endpointInstanceSource = std::make_unique<PrometheusSource>(m_client.get(), config);
        connect(m_endpointInstanceSource.get(), &DataSource::failed, this,
                [this](const QString& error) {
                    fail(tr("%1 side by side: %2").arg(m_endpointFocus, error));
                });
        connect(m_endpointInstanceSource.get(), &DataSource::framesReady, m_endpointInstances,
                &InstanceSignals::ingest);
        const qint64 now = m_clock->nowMs();
        m_endpointInstanceSource->backfill(now - m_windowMs, now, m_stepMs);
    }
    emit endpointInstanceSignalsChanged();
}

} // namespace ops
