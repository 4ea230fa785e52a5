#include "models/history/HistoryBackfill.h"

#include "models/domain/Clock.h"
#include "models/fleet/TargetSession.h"
#include "models/history/TargetHistory.h"
#include "models/monitor/TargetMonitor.h"
#include "models/net/ApiRequest.h"
#include "models/net/ApiUrl.h"
#include "models/net/Poller.h"
#include "models/workflows/WorkflowClient.h"

#include <QDateTime>
#include <QPointer>
#include <QUrlQuery>

#include <algorithm>

namespace ops {

namespace {

// What the poller asks /metrics for, so a past body is read as a live one would be.
const QByteArray kMetricsAccept =
    "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

} // namespace

HistoryBackfill::HistoryBackfill(TargetSession& session, HistoryBackfillOptions options)
    : SessionCapability(session)
    , m_options(options)
{
    m_options.stepMs = std::max<qint64>(m_options.stepMs, 1000);
    m_options.spanMs = std::max(m_options.spanMs, m_options.stepMs);
    m_options.inFlight = std::max(m_options.inFlight, 1);
}

HistoryBackfill::~HistoryBackfill()
{
    if (m_state == State::Running) // going with its session: nobody to tell
        session().monitor()->endBackfill(false);
}

qint64 HistoryBackfill::elapsedMs() const
{
    return m_state == State::Running && m_timer.isValid() ? m_timer.elapsed() : m_elapsedMs;
}

void HistoryBackfill::start()
{
    if (m_state != State::Waiting)
        return; // once per session: a restarted session has its day already
    if (session().target().dataSource.kind == DataSourceConfig::Kind::Prometheus) {
        finish(State::Skipped, tr("its signals come from Prometheus, which keeps their past"));
        return;
    }
    if (const TargetHistory* history = session().capability<TargetHistory>()) {
        if (history->restoredScrapes() > 0) {
            finish(State::Skipped, tr("its history already holds %n scrape(s) of the last day",
                                      nullptr, history->restoredScrapes()));
            return;
        }
        if (history->mode() == HistoryMode::ReadOnly) {
            finish(State::Skipped, tr("its history is read-only (%1): nothing could be kept")
                                       .arg(history->modeReason()));
            return;
        }
    }
    TargetMonitor* monitor = session().monitor();
    if (!monitor->beginBackfill()) {
        finish(State::Skipped, tr("live scrapes came first: the past cannot go before them"));
        return;
    }
    m_state = State::Running;
    m_timer.start();
    const qint64 now = session().context().clock->nowMs();
    // The newest past scrape a step before now: the gateway's past ends where it started, the
    // live polls bring the rest.
    m_toMs = now - now % m_options.stepMs - m_options.stepMs;
    m_total = int(m_options.spanMs / m_options.stepMs);
    m_fromMs = m_toMs - qint64(m_total - 1) * m_options.stepMs;
    m_calls = std::make_unique<ApiCaller>(session().context().network);
    emit progressChanged(0, m_total);
    askMore();
}

void HistoryBackfill::stop()
{
    if (m_state == State::Running)
        finish(State::Stopped, tr("stopped after %1 of %2 scrapes").arg(m_ingested).arg(m_total));
}

void HistoryBackfill::askMore()
{
    while (m_state == State::Running && m_asked < m_total && m_asked - m_next < m_options.inFlight)
        ask(m_asked++);
}

void HistoryBackfill::ask(int index)
{
    const qint64 at = timeOf(index);
    ConnectionPolicy policy =
        ConnectionPolicy::forTarget(session().target(), session().workflows()->policy().key);
    // The first answer replays the simulator's model up to a day: give it time.
    policy.readTimeoutMs = std::max(policy.readTimeoutMs, 60'000);
    policy.maxBodyBytes = session().poller()->options().maxBodyBytes;
    ApiRequest request =
        ApiRequest::get(routeUrl(session().target().baseUrl, QStringLiteral("/metrics"),
                                 QUrlQuery{{QStringLiteral("at"), QString::number(at)}}),
                        policy);
    request.accept = kMetricsAccept;
    m_calls->send(request, [this, index, at](const ApiResult<ApiResponse>& r) {
        if (m_state != State::Running)
            return;
        if (!r.ok) {
            const QString why =
                r.error.serverMessage.isEmpty()
                    ? r.error.message
                    : QStringLiteral("%1: %2").arg(r.error.message, r.error.serverMessage);
            finish(State::Failed,
                   tr("the gateway's /metrics at %1 could not be fetched (%2); kept %3 of %4 "
                      "scrapes")
                       .arg(utc(at), why)
                       .arg(m_ingested)
                       .arg(m_total));
            return;
        }
        m_ready[index] = {r.value.body, r.value.header("Content-Type")};
        ingestReady();
    });
}

// The bodies go to the worker in time order, as many as have arrived in a row.
void HistoryBackfill::ingestReady()
{
    for (auto it = m_ready.find(m_next); m_state == State::Running && it != m_ready.end();
         it = m_ready.find(m_next)) {
        Body body = std::move(it->second);
        m_ready.erase(it);
        const qint64 at = timeOf(m_next);
        ++m_next;
        QPointer<HistoryBackfill> self(this);
        session().monitor()->ingestPastScrape(
            at, body.bytes, body.contentType, [self, at](const QString& problem) {
                if (!self || self->m_state != State::Running)
                    return;
                if (!problem.isEmpty()) {
                    self->finish(State::Failed,
                                 tr("the gateway's /metrics at %1 is not usable (%2); kept %3 "
                                    "of %4 scrapes")
                                     .arg(utc(at), problem)
                                     .arg(self->m_ingested)
                                     .arg(self->m_total));
                    return;
                }
                ++self->m_ingested;
                emit self->progressChanged(self->m_ingested, self->m_total);
                if (self->m_ingested == self->m_total)
                    self->finish(State::Done, tr("%1 scrapes from %2 to %3, one every %4 s")
                                                  .arg(self->m_total)
                                                  .arg(utc(self->m_fromMs), utc(self->m_toMs))
                                                  .arg(self->m_options.stepMs / 1000));
            });
    }
    askMore();
}

void HistoryBackfill::finish(State state, const QString& message)
{
    const bool wasRunning = m_state == State::Running;
    m_state = state;
    m_message = message;
    if (m_timer.isValid())
        m_elapsedMs = m_timer.elapsed();
    if (m_calls)
        m_calls->cancelAll();
    m_ready.clear();
    if (wasRunning) {
        if (m_ingested > 0) {
            if (TargetHistory* history = session().capability<TargetHistory>())
                history->noteBackfilled(m_fromMs);
        }
        session().monitor()->endBackfill();
    }
    emit finished();
}

} // namespace ops
