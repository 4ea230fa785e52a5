#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace ops::test {

// The real bhiv-gateway-sim as a child process on a free loopback port, for end-to-end tests.
// The binary comes from the OPS_SIM_BINARY environment variable that ctest sets.
class SimulatorProcess {
public:
    SimulatorProcess() = default;
    ~SimulatorProcess();
    SimulatorProcess(const SimulatorProcess&) = delete;
    SimulatorProcess& operator=(const SimulatorProcess&) = delete;

    // Starts the simulator with these arguments (plus --port 0); false with error() on failure.
    bool start(const QStringList& arguments, int timeoutMs = 10000);
    void stop();
    QUrl url() const { return m_url; }
    QString error() const { return m_error; }

    // The control requests below accept the simulator's own self-signed certificate (started
    // with --tls-cert): off by default.
    void setIgnoreTlsErrors(bool ignore) { m_ignoreTlsErrors = ignore; }
    // POSTs JSON to /__sim/faults; returns the HTTP status (0 when it could not be sent).
    int setFaults(const QByteArray& json);
    int clearFaults() { return setFaults(R"({"clear": true})"); }
    // POSTs JSON to a control route (/__sim/logs, /__sim/render ...); returns the HTTP status.
    int post(const QString& path, const QByteArray& json, QByteArray* body = nullptr);
    // A plain GET, for tests that need a body: returns status and fills body.
    int get(const QString& path, QByteArray* body = nullptr,
            const QList<QPair<QByteArray, QByteArray>>& headers = {});

private:
    QProcess m_process;
    QUrl m_url;
    QString m_error;
    bool m_ignoreTlsErrors = false;
};

} // namespace ops::test
