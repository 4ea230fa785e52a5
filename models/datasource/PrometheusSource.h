#pragma once

#include "models/datasource/DataSource.h"
#include "models/datasource/PromQuery.h"

#include <QMap>
#include <QPointer>

namespace ops {

class PrometheusClient;
struct PromResponse;

struct PrometheusSourceConfig {
    PromSelector selector;
    PromQueryOptions query;
    // The gateway dialect's series names; Dialect::Unknown: detected from /api/v1/series.
    MetricsMapping mapping = MetricsMapping::forDialect(Dialect::Unknown);
    bool detectDialect = true;
    // Only the signals an endpoint row has (promEndpointQueryFor): the endpoint table (grouped
    // by the endpoint label) or one endpoint per instance (a narrowed selector).
    bool endpointSignals = false;
};

// A target's signals from a Prometheus server: one PromQL query per signal (rate,
// histogram_quantile, error ratio over the selector), query_range for the backfill of the chart
// window, instant queries for each refresh. Answers from the server that are errors, malformed
// or of the wrong result type fail the pass (failed()) and keep the other signals' values.
class PrometheusSource : public DataSource {
    Q_OBJECT
public:
    PrometheusSource(PrometheusClient* client, PrometheusSourceConfig config,
                     QObject* parent = nullptr);

    QString kindName() const override { return QStringLiteral("prometheus"); }

    // Connect: build info (the server's version), dialect detection when asked, then the
    // backfill of [nowMs - windowMs, nowMs]. Emits connected() then framesReady(..., true), or
    // failed().
    void connectSource(qint64 nowMs, qint64 windowMs, int stepMs);
    void backfill(qint64 fromMs, qint64 toMs, int stepMs) override;
    void refresh(qint64 nowMs) override;

    const PrometheusSourceConfig& config() const { return m_config; }
    QString serverVersion() const { return m_version; }
    // The PromQL per signal (empty: the mapping has no series for it).
    QString queryFor(SignalId id) const;
    bool busy() const { return m_pending > 0; }

signals:
    void connected(const QString& serverVersion, ops::Dialect dialect);

private:
    void runPass(bool range, qint64 fromMs, qint64 toMs, int stepMs);
    void collect(SignalId id, const PromResponse& response, bool range);
    void finishPass(bool range);

    PrometheusClient* m_client;
    PrometheusSourceConfig m_config;
    QString m_version;
    int m_pending = 0;
    int m_generation = 0;
    QString m_passError;
    // instance -> time -> frame, for the pass in flight
    QMap<QString, QMap<qint64, SignalFrame>> m_collected;
};

} // namespace ops
