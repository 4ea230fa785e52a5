#pragma once

#include <QObject>

class QProcess;
class QSocketNotifier;

namespace ops {

// Turns SIGTERM/SIGINT/SIGHUP into a clean QCoreApplication::quit() (self-pipe trick), so the
// destructors run and every child process is stopped when the program is asked to end.
class QuitOnSignal : public QObject {
    Q_OBJECT

public:
    explicit QuitOnSignal(QObject* parent = nullptr);
    ~QuitOnSignal() override;

signals:
    // Emitted before quit(): a program with nested event loops can end its own way.
    void received();

private:
    static void onSignal(int signal);
    static int s_fds[2];
    QSocketNotifier* m_notifier = nullptr;
};

// Makes a child started by this QProcess receive SIGTERM when its parent dies, even by SIGKILL
// or a crash, where no destructor runs (Linux: PR_SET_PDEATHSIG). Call before start().
void stopWithParent(QProcess& process);

} // namespace ops
