#pragma once

#include <QObject>

class QSocketNotifier;

namespace ops::sim {

// Turns SIGTERM/SIGINT into a clean QCoreApplication::quit() (self-pipe trick).
class SignalWatcher : public QObject {
    Q_OBJECT

public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;

private:
    static void onSignal(int signal);
    static int s_fds[2];
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace ops::sim
