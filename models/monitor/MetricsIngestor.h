#pragma once

#include "models/domain/Dialect.h"
#include "models/metrics/SignalTypes.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QThread;

namespace ops {

// What the worker made of one /metrics body.
struct MetricsIngestOutcome {
    QString problem;                // why the body is not metrics; empty: ingested
    std::size_t malformedLines = 0; // lines skipped in a body that was ingested
    QByteArray body;                // the body as text (gzip inflated)
    Dialect bodyDialect = Dialect::Unknown;
    std::optional<ScrapeFrame> frame; // the signals of this scrape, when ingested
    // The average latency since the gateway started (Σsum / Σcount of its histogram), when this
    // scrape gave no interval average yet (the first scrape).
    std::optional<double> lifetimeLatency;
};

// Inflates, parses and ingests /metrics bodies on its own thread, in the order given, into a
// SignalDeriver only that thread touches; each outcome (the scrape's ScrapeFrame, for the
// SignalBoard) comes back on the thread that created the ingestor. This keeps parsing off the UI
// thread.
class MetricsIngestor : public QObject {
    Q_OBJECT
public:
    explicit MetricsIngestor(QObject* parent = nullptr);
    // Finishes the body in hand, drops the rest (their callbacks are never called).
    ~MetricsIngestor() override;

    using Done = std::function<void(MetricsIngestOutcome outcome)>;
    void ingest(qint64 timeMs, QByteArray body, QByteArray contentType, qint64 maxBodyBytes,
                Done done);
    // Role overrides for the worker's deriver (SignalDeriver::setMappingOverrides), in order with
    // the bodies.
    void setMappingOverrides(std::vector<std::pair<std::string, std::string>> overrides);
    // Bodies handed over and not yet answered.
    int pending() const { return m_pending; }
    // Called on the worker thread before each body is read (tests: which thread, and holding a
    // body back to see what the UI thread does meanwhile). Set it while nothing is pending.
    void setWorkerProbe(std::function<void()> probe);

private:
    class Worker;
    QThread* m_thread;
    Worker* m_worker; // lives on m_thread
    int m_pending = 0;
};

} // namespace ops
