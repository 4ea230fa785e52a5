#pragma once

#include "models/datasource/DataSource.h"

#include <QPointer>

namespace ops {

class TargetMonitor;

// The default source: the console's own scrape of the gateway (TargetMonitor + SignalBoard).
// A frame per poll; backfill reads the day-long signal store.
class DirectScrapeSource : public DataSource {
    Q_OBJECT
public:
    explicit DirectScrapeSource(TargetMonitor* monitor, QObject* parent = nullptr);

    QString kindName() const override { return QStringLiteral("direct"); }
    void backfill(qint64 fromMs, qint64 toMs, int stepMs) override;
    void refresh(qint64 nowMs) override;

    // The latest frame of the monitor's board (time: its last scrape).
    SignalFrame latestFrame() const;

private:
    QPointer<TargetMonitor> m_monitor;
};

} // namespace ops
