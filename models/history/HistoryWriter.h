#pragma once

// A HistoryStore on its own thread: the UI thread hands over frames and never waits on the
// disk. Flushes every flushIntervalMs (10 s by default) and when destroyed; problems (corrupt
// segments, a full disk) come back as problemsFound() on the creating thread.

#include "models/history/HistoryStore.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <vector>

class QThread;

namespace ops {

struct HistoryOpenState {
    HistoryMode mode = HistoryMode::Closed;
    QString reason;
    qint64 lastTime = 0;
    std::vector<qint64> runStarts;
};

class HistoryWriter : public QObject {
    Q_OBJECT
public:
    // The store is opened on the worker before the constructor returns (openState() is known).
    HistoryWriter(QString folder, const Clock* clock, HistoryOptions options = {},
                  int flushIntervalMs = 10'000, QObject* parent = nullptr);
    ~HistoryWriter() override; // flushes and closes the store

    const HistoryOpenState& openState() const { return m_state; }
    void append(std::vector<HistoryFrame> frames);
    // Runs f on the worker with the store (reads for a chart, export); blocks until done.
    void withStore(const std::function<void(HistoryStore&)>& f);
    void flushNow(); // blocks until written

signals:
    void problemsFound(const QStringList& problems);

private:
    class Worker;
    QThread* m_thread;
    Worker* m_worker;
    HistoryOpenState m_state;
};

} // namespace ops
