#include "models/monitor/MetricsIngestor.h"

#include "models/metrics/Gzip.h"
#include "models/metrics/MetricsText.h"
#include "models/metrics/SignalDeriver.h"
#include "models/monitor/LatencyAverager.h"
#include "models/net/HttpFetch.h"
#include "models/net/Poller.h"

#include <QThread>
#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <cmath>
#include <memory>
#include <string_view>

namespace ops {

namespace {

// The worker yields to the UI thread when both want a core (2-core laptops run the gateway's
// tooling, a browser and this): nice +10 for this thread only. Qt's QThread priorities do
// nothing under SCHED_OTHER except IdlePriority, which could starve the parse.
void lowerThisThreadsPriority()
{
#if defined(Q_OS_LINUX)
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    ::setpriority(PRIO_PROCESS, tid, 10);
#endif
}

} // namespace

class MetricsIngestor::Worker : public QObject {
public:
    SignalDeriver deriver;
    std::function<void()> probe;

    MetricsIngestOutcome run(qint64 timeMs, QByteArray body, const QByteArray& contentType,
                             qint64 maxBodyBytes)
    {
        if (probe)
            probe();
        MetricsIngestOutcome out;
        if (isGzip(std::string_view(body.constData(), std::size_t(body.size())))) {
            QByteArray inflated;
            if (inflateGzipBody(body, maxBodyBytes, inflated, &out.problem) != InflateOutcome::Ok)
                return out;
            body = std::move(inflated);
        }
        const std::string_view bytes(body.constData(), std::size_t(body.size()));
        const std::string_view type(contentType.constData(), std::size_t(contentType.size()));
        const MetricsFormat format = detectMetricsFormat(bytes, type);
        const IngestResult ingested = deriver.ingest(timeMs, bytes, format);
        out.bodyDialect = detectDialect(std::nullopt, body, contentType, QString());
        if (!ingested.ok) {
            out.problem = QString::fromStdString(ingested.error);
        } else {
            out.malformedLines = ingested.malformedLines;
            out.frame = deriver.scrapeFrame(timeMs);
            if (!std::isfinite(deriver.latest(SignalId::LatencyAvg)) &&
                !deriver.mapping().latencyHistogram.empty()) {
                const auto totals = latencyTotals(parseMetrics(bytes, format));
                if (totals && totals->count > 0)
                    out.lifetimeLatency = totals->sum / totals->count;
            }
        }
        out.body = std::move(body);
        return out;
    }
};

MetricsIngestor::MetricsIngestor(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_worker(new Worker)
{
    m_thread->setObjectName(QStringLiteral("metrics-ingest"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    QMetaObject::invokeMethod(
        m_worker, [] { lowerThisThreadsPriority(); }, Qt::QueuedConnection);
}

MetricsIngestor::~MetricsIngestor()
{
    m_thread->quit();
    m_thread->wait();
    delete m_worker; // with the bodies it did not get to
    delete m_thread;
}

void MetricsIngestor::ingest(qint64 timeMs, QByteArray body, QByteArray contentType,
                             qint64 maxBodyBytes, Done done)
{
    ++m_pending;
    Worker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [this, worker, timeMs, body = std::move(body), contentType = std::move(contentType),
         maxBodyBytes, done = std::move(done)]() mutable {
            auto outcome = std::make_shared<MetricsIngestOutcome>(
                worker->run(timeMs, std::move(body), contentType, maxBodyBytes));
            // Back on the owner's thread; dropped by Qt if the ingestor is gone by then (its
            // destructor waits for this function to return first).
            QMetaObject::invokeMethod(
                this,
                [this, outcome, done = std::move(done)] {
                    --m_pending;
                    done(std::move(*outcome));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void MetricsIngestor::setWorkerProbe(std::function<void()> probe)
{
    Worker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, probe = std::move(probe)]() mutable { worker->probe = std::move(probe); },
        Qt::BlockingQueuedConnection);
}

void MetricsIngestor::setMappingOverrides(
    std::vector<std::pair<std::string, std::string>> overrides)
{
    Worker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, overrides = std::move(overrides)]() mutable {
            worker->deriver.setMappingOverrides(std::move(overrides));
        },
        Qt::QueuedConnection);
}

} // namespace ops
