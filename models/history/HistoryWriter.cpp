#include "models/history/HistoryWriter.h"

#include <QThread>
#include <QTimer>

namespace ops {

class HistoryWriter::Worker : public QObject {
public:
    Worker(QString folder, const Clock* clock, HistoryOptions options)
        : store(std::move(folder), clock, std::move(options))
    {
    }
    HistoryStore store;
    QTimer* timer = nullptr;
};

HistoryWriter::HistoryWriter(QString folder, const Clock* clock, HistoryOptions options,
                             int flushIntervalMs, QObject* parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_worker(new Worker(std::move(folder), clock, std::move(options)))
{
    m_thread->setObjectName(QStringLiteral("history-writer"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    Worker* w = m_worker;
    QStringList problems;
    QMetaObject::invokeMethod(
        w,
        [this, w, flushIntervalMs, &problems] {
            w->store.open();
            m_state.mode = w->store.mode();
            m_state.reason = w->store.modeReason();
            m_state.lastTime = w->store.lastTime();
            m_state.runStarts = w->store.runStarts();
            problems = w->store.takeProblems();
            w->timer = new QTimer(w);
            w->timer->setInterval(flushIntervalMs);
            QObject::connect(w->timer, &QTimer::timeout, w, [this, w] {
                w->store.flush();
                const QStringList found = w->store.takeProblems();
                if (!found.isEmpty())
                    QMetaObject::invokeMethod(
                        this, [this, found] { emit problemsFound(found); }, Qt::QueuedConnection);
            });
            w->timer->start();
        },
        Qt::BlockingQueuedConnection);
    if (!problems.isEmpty())
        QMetaObject::invokeMethod(
            this, [this, problems] { emit problemsFound(problems); }, Qt::QueuedConnection);
}

HistoryWriter::~HistoryWriter()
{
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        w,
        [w] {
            delete w->timer;
            w->timer = nullptr;
            w->store.close();
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

void HistoryWriter::append(std::vector<HistoryFrame> frames)
{
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        w,
        [w, frames = std::move(frames)] {
            for (const HistoryFrame& f : frames)
                w->store.append(f);
        },
        Qt::QueuedConnection);
}

void HistoryWriter::withStore(const std::function<void(HistoryStore&)>& f)
{
    Worker* w = m_worker;
    QMetaObject::invokeMethod(
        w, [w, &f] { f(w->store); }, Qt::BlockingQueuedConnection);
}

void HistoryWriter::flushNow()
{
    withStore([this](HistoryStore& s) {
        s.flush();
        const QStringList found = s.takeProblems();
        if (!found.isEmpty())
            QMetaObject::invokeMethod(
                this, [this, found] { emit problemsFound(found); }, Qt::QueuedConnection);
    });
}

} // namespace ops
