#pragma once

#include <QObject>
#include <QProcess>
#include <QUrl>

// Runs bhiv-gateway-sim as a child process for demo mode: finds it beside the console, starts it
// on a free loopback port, restarts it once if it dies, and stops it with the console.
class DemoGateway : public QObject {
    Q_OBJECT
public:
    explicit DemoGateway(QStringList extraArguments = {}, QObject* parent = nullptr);
    ~DemoGateway() override;

    // Starts the simulator and waits (up to timeoutMs) for its "listening on" line.
    bool start(int timeoutMs = 10000);
    void stop();
    QUrl url() const { return m_url; }
    QString errorString() const { return m_error; }

    static QString findSimulator();
    // The simulator's Render API key (its default): kept in the console's memory only.
    static constexpr const char* kRenderApiKey = "rnd-sim-key";

signals:
    void crashed(const QString& reason);

private:
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess m_process;
    QStringList m_extraArguments;
    QUrl m_url;
    QString m_error;
    bool m_stopping = false;
    int m_restarts = 0;
};
