#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace ops::test {

// A real server binary (prometheus, alertmanager) as a child process on a free loopback port,
// with its own temporary directory for configuration and data. Started by the test, waited for
// until its readiness URL answers 200, and stopped (terminate, then kill) in the destructor.
class ExternalProcess {
public:
    ExternalProcess();
    virtual ~ExternalProcess();
    ExternalProcess(const ExternalProcess&) = delete;
    ExternalProcess& operator=(const ExternalProcess&) = delete;

    QString error() const { return m_error; }
    QUrl url() const { return m_url; } // http(s)://127.0.0.1:PORT
    QString dir() const { return m_dir.path(); }
    // Writes a file into dir(); returns its path.
    QString writeFile(const QString& name, const QByteArray& contents);
    // The server's own output so far (for a failure message).
    QByteArray output();
    void stop();

    // A TCP port nobody listens on right now (bound and released).
    static quint16 freePort();
    // GET url; returns the HTTP status (0: no answer). Adds Authorization when given. TLS errors
    // are ignored (the test's own self-signed servers; this is only a readiness probe).
    static int httpGet(const QUrl& url, QByteArray* body = nullptr,
                       const QByteArray& authorization = {}, int timeoutMs = 5000);

protected:
    // Starts program with arguments and waits until readyPath answers 200 on url().
    bool launch(const QString& program, const QStringList& arguments, quint16 port,
                const QString& readyPath, const QByteArray& readyAuthorization = {},
                int timeoutMs = 30000, bool https = false);

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    QUrl m_url;
    QString m_error;
};

} // namespace ops::test
