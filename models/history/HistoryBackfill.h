#pragma once

// A target's past, fetched from the gateway itself and put through the normal ingest path: for
// demo mode, whose simulator answers GET /metrics?at=T from its deterministic traffic model.
// Each past body goes through the monitor's worker, its engine and scrapeApplied()
// (TargetMonitor::ingestPastScrape), so TargetHistory records it exactly as it records a poll,
// and the charts show a day at once instead of a sliver at the right edge.
//
// It runs only when the target's history holds no scrape of the span (a second start restores
// the day from disk instead, and fetches nothing), before any live scrape is ingested (live
// bodies wait out the backfill: see TargetMonitor::beginBackfill). Attach it after
// TargetHistory, which restores the day in its own start().

#include "models/fleet/SessionCapability.h"

#include <QElapsedTimer>
#include <QString>

#include <map>
#include <memory>

namespace ops {

class ApiCaller;

struct HistoryBackfillOptions {
    qint64 spanMs = 24LL * 3600 * 1000; // how far back: the charts' day
    // One scrape every 30 s: 2,880 for a day, a point per pixel column and more on a 24 h chart
    // 1,000 px wide, fetched and ingested in seconds; the live polls keep their own interval.
    qint64 stepMs = 30'000;
    int inFlight = 4; // requests asked ahead of the one ingested next
};

class HistoryBackfill : public SessionCapability {
    Q_OBJECT
public:
    enum class State {
        Waiting, // not started
        Running,
        Done,    // every scrape of the span is in
        Skipped, // not needed or not possible (message() says why)
        Failed,  // stopped at a failed request or body (message() says why); what came is kept
        Stopped, // the session stopped first
    };

    explicit HistoryBackfill(TargetSession& session, HistoryBackfillOptions options = {});
    ~HistoryBackfill() override;

    void start() override;
    void stop() override;

    State state() const { return m_state; }
    // Why it was skipped or failed, or what it did, in words.
    QString message() const { return m_message; }
    int total() const { return m_total; }
    int ingested() const { return m_ingested; }
    // 0..100
    int percent() const { return m_total > 0 ? int(qint64(m_ingested) * 100 / m_total) : 0; }
    qint64 fromMs() const { return m_fromMs; }
    qint64 toMs() const { return m_toMs; }
    // Wall time from start to done (or to now while running), ms.
    qint64 elapsedMs() const;
    bool isRunning() const { return m_state == State::Running; }

signals:
    void progressChanged(int ingested, int total);
    // Done, Failed, Skipped or Stopped: state() and message() say which.
    void finished();

private:
    void finish(State state, const QString& message);
    void askMore();
    void ask(int index);
    void ingestReady();
    qint64 timeOf(int index) const { return m_fromMs + qint64(index) * m_options.stepMs; }

    HistoryBackfillOptions m_options;
    State m_state = State::Waiting;
    QString m_message;
    std::unique_ptr<ApiCaller> m_calls;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    int m_total = 0;
    int m_asked = 0;    // requests sent (indexes below this were asked)
    int m_next = 0;     // the index ingested next
    int m_ingested = 0; // scrapes in the engine
    bool m_ingesting = false;
    struct Body {
        QByteArray bytes;
        QByteArray contentType;
    };
    std::map<int, Body> m_ready; // fetched, waiting for their turn
    QElapsedTimer m_timer;
    qint64 m_elapsedMs = 0;
};

} // namespace ops
