#include "models/logs/LogSession.h"

#include "models/domain/Clock.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace ops {

LogSession::LogSession(QNetworkAccessManager* network, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_clock(clock)
    , m_client(network)
    , m_pager(&m_client)
    , m_tail(&m_client, clock)
{
    connect(&m_tail, &LogTail::linesArrived, &m_model, &LogLineModel::append);
    connect(&m_tail, &LogTail::stateChanged, this, &LogSession::statusChanged);
    connect(&m_pager, &LogPager::linesFetched, this, [this](const QList<LogLine>& lines) {
        if (m_backward) {
            m_history.append(lines);
        } else {
            m_model.append(lines);
        }
    });
    connect(&m_pager, &LogPager::finished, this, [this](bool complete, const QString& error) {
        m_error = error;
        m_truncated = !complete && error.isEmpty();
        if (m_backward) {
            std::reverse(m_history.begin(), m_history.end());
            m_model.append(m_history);
            m_history.clear();
        }
        emit windowLoaded(m_pager.lineCount());
        if (error.isEmpty() && (m_mode == Mode::Live || m_liveAfter)) {
            startTail();
        }
        emit statusChanged();
    });
}

LogSession::~LogSession() = default;

void LogSession::setEndpoint(const RenderLogsEndpoint& endpoint)
{
    stop();
    m_client.setEndpoint(endpoint);
    m_model.clear();
}

void LogSession::stop()
{
    m_pager.cancel();
    m_tail.stop();
    m_history.clear();
    m_mode = Mode::Off;
    emit statusChanged();
}

void LogSession::followLive(qint64 backMs, int historyLines)
{
    stop();
    m_model.clear();
    m_error.clear();
    m_mode = Mode::Live;
    m_liveAfter = true;
    m_backward = true;
    m_windowEndMs = m_clock->nowMs();
    m_windowStartMs = m_windowEndMs - backMs;
    if (!m_client.endpoint().isUsable()) {
        m_error = QStringLiteral("no Render service and API key for this target: add them in "
                                 "the targets dialog (the Deploys tab uses the same)");
        m_mode = Mode::Off;
        emit statusChanged();
        return;
    }
    LogQuery q = m_serverFilters;
    q.resources = QStringList{m_client.endpoint().serviceId};
    q.startMs = m_windowStartMs;
    q.endMs = m_windowEndMs;
    q.direction = LogQuery::Direction::Backward;
    q.limit = 100;
    m_pager.fetch(q, historyLines);
    emit statusChanged();
}

void LogSession::showWindow(qint64 startMs, qint64 endMs, bool live, int maxLines)
{
    stop();
    m_model.clear();
    m_error.clear();
    m_mode = Mode::Window;
    m_liveAfter = live;
    m_backward = false;
    m_windowStartMs = startMs;
    m_windowEndMs = endMs;
    if (!m_client.endpoint().isUsable()) {
        m_error = QStringLiteral("no Render service and API key for this target: add them in "
                                 "the targets dialog (the Deploys tab uses the same)");
        emit statusChanged();
        return;
    }
    LogQuery q = m_serverFilters;
    q.resources = QStringList{m_client.endpoint().serviceId};
    q.startMs = startMs;
    q.endMs = endMs;
    q.direction = LogQuery::Direction::Forward;
    q.limit = 100;
    m_pager.fetch(q, maxLines);
    emit statusChanged();
}

void LogSession::startTail()
{
    LogQuery q = m_serverFilters;
    q.resources = QStringList{m_client.endpoint().serviceId};
    // Resume after the newest line shown, skipping the ids shown at exactly its time.
    QString resume;
    QStringList ids;
    const LogBuffer& b = m_model.buffer();
    if (!b.isEmpty()) {
        const LogLine& newest = b.at(b.size() - 1);
        resume = newest.timestamp;
        for (qsizetype i = b.size() - 1; i >= 0 && b.at(i).timestampMs == newest.timestampMs; --i) {
            ids << b.at(i).id;
        }
    } else if (m_mode == Mode::Window) {
        resume = formatRfc3339(m_windowEndMs);
    }
    m_tail.start(q, resume, ids);
}

QString LogSession::statusText() const
{
    if (!m_error.isEmpty()) {
        return QStringLiteral("stopped: %1").arg(m_error);
    }
    const QLocale locale;
    auto hhmm = [](qint64 ms) {
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
    };
    if (m_pager.isRunning()) {
        return m_mode == Mode::Live ? QStringLiteral("loading the last %1 min …")
                                          .arg((m_windowEndMs - m_windowStartMs) / 60000)
                                    : QStringLiteral("loading %1–%2 UTC: %3 lines so far …")
                                          .arg(hhmm(m_windowStartMs), hhmm(m_windowEndMs),
                                               locale.toString(m_pager.lineCount()));
    }
    if (m_tail.state() != LogTail::State::Idle) {
        return m_tail.statusText();
    }
    if (m_mode == Mode::Window) {
        return QStringLiteral("%1–%2 UTC: %3 lines%4")
            .arg(hhmm(m_windowStartMs), hhmm(m_windowEndMs),
                 locale.toString(m_model.buffer().size()),
                 m_truncated ? QStringLiteral(" (the first %1 only)")
                                   .arg(locale.toString(m_pager.lineCount()))
                             : QString());
    }
    return QStringLiteral("not started");
}

} // namespace ops
