#pragma once

#include "models/logs/LogClient.h"
#include "models/logs/LogLineModel.h"
#include "models/logs/LogTail.h"

#include <QObject>
#include <QString>

class QNetworkAccessManager;

namespace ops {

class Clock;

// One service's logs for a Logs tab: its client, its tail and the lines shown. Two ways in:
// follow live (the last minutes from the API, then the tail resuming from the newest line) or a
// fixed window (an alert's minutes, a deploy's build), optionally live after it.
class LogSession : public QObject {
    Q_OBJECT

public:
    enum class Mode { Off, Live, Window };

    LogSession(QNetworkAccessManager* network, const Clock* clock, QObject* parent = nullptr);
    ~LogSession() override;

    void setEndpoint(const RenderLogsEndpoint& endpoint);
    const RenderLogsEndpoint& endpoint() const { return m_client.endpoint(); }
    // Server-side filters of what is fetched (type=build for a deploy ...).
    void setServerFilters(const LogQuery& filters) { m_serverFilters = filters; }
    const LogQuery& serverFilters() const { return m_serverFilters; }

    // The last backMs of logs (up to historyLines), then live.
    void followLive(qint64 backMs = 15 * 60 * 1000, int historyLines = 2000);
    // [startMs, endMs] oldest first (up to maxLines); then live when `live`.
    void showWindow(qint64 startMs, qint64 endMs, bool live = false, int maxLines = 20000);
    void stop();

    Mode mode() const { return m_mode; }
    qint64 windowStartMs() const { return m_windowStartMs; }
    qint64 windowEndMs() const { return m_windowEndMs; }
    bool isLoading() const { return m_pager.isRunning(); }
    // "loading the last 15 min", "live", "reconnecting in 3 s: ...", "stopped: ...",
    // "08:10-08:20 UTC: 1,234 lines", "no Render service or key: ...".
    QString statusText() const;
    QString lastError() const { return m_error; }

    LogLineModel* model() { return &m_model; }
    LogTail* tail() { return &m_tail; }
    LogClient* client() { return &m_client; }

signals:
    void statusChanged();
    // A window finished loading (lines: how many came).
    void windowLoaded(int lines);

private:
    void startTail();

    const Clock* m_clock;
    LogClient m_client;
    LogPager m_pager;
    LogTail m_tail;
    LogLineModel m_model;
    LogQuery m_serverFilters;
    Mode m_mode = Mode::Off;
    bool m_liveAfter = false;
    bool m_backward = false;
    qint64 m_windowStartMs = 0;
    qint64 m_windowEndMs = 0;
    QList<LogLine> m_history; // a backward fetch, newest first, until it is done
    QString m_error;
    bool m_truncated = false;
};

} // namespace ops
