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
                for (qsizetype i = 0; i < fresh.size(); ++i) {
                    m_monitor->ingestExternalSignals(fresh[i].timeMs, fresh[i].values,
                                                     i + 1 == fresh.size());
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

} // namespace ops
