#pragma once

// Where a target's signals come from. The direct scrape (the default, embedded: the console
// polls the gateway's /metrics itself) or a Prometheus server that already scrapes the gateway
// instances (PromQL over a label selector, several instances aggregated or side by side, and
// a backfill of the chart window on connect). Both produce the same frames: one value per
// SignalId at a time, per instance ("" for the target as a whole).

#include "models/metrics/SignalTypes.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <array>
#include <limits>

namespace ops {

struct SignalFrame {
    qint64 timeMs = 0;
    std::array<double, kSignalCount> values;
    SignalFrame() { values.fill(std::numeric_limits<double>::quiet_NaN()); }
    double value(SignalId id) const { return values[static_cast<std::size_t>(id)]; }
};

struct SourceSeries {
    QString instance;          // "" when aggregated (or the direct scrape's one gateway)
    QList<SignalFrame> frames; // by time, ascending
};

class DataSource : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~DataSource() override = default;

    virtual QString kindName() const = 0; // "direct", "prometheus"
    // Fills the chart window [fromMs, toMs] at stepMs with what the source holds; answers with
    // framesReady(..., true) (and failed() when it could not).
    virtual void backfill(qint64 fromMs, qint64 toMs, int stepMs) = 0;
    // The latest values; answers with framesReady(..., false).
    virtual void refresh(qint64 nowMs) = 0;

    QString errorString() const { return m_error; }

signals:
    void framesReady(const QList<ops::SourceSeries>& series, bool backfill);
    void failed(const QString& error);

protected:
    void setError(const QString& error) { m_error = error; }

private:
    QString m_error;
};

} // namespace ops

Q_DECLARE_METATYPE(ops::SourceSeries)
