#pragma once

#include "tests/support/ExternalProcess.h"

namespace ops::test {

// Debian's prometheus (/usr/bin/prometheus) scraping the given gateways as job "bhiv-gateway"
// every scrapeIntervalMs, with its TSDB in a temporary directory. With basicAuthUser set, its
// web API requires that user with the password whose bcrypt hash is basicAuthHash.
class PrometheusProcess : public ExternalProcess {
public:
    struct Options {
        QList<QUrl> gateways;
        int scrapeIntervalMs = 1000;
        QString job = QStringLiteral("bhiv-gateway");
        // The modular dialect serves its text exposition at /metrics/prometheus.
        QString metricsPath = QStringLiteral("/metrics");
        QString basicAuthUser;
        QByteArray basicAuthHash;
        QByteArray readyAuthorization; // sent to /-/ready when basic auth is on
    };
    bool start(const Options& options);
    bool start(const QList<QUrl>& gateways)
    {
        Options options;
        options.gateways = gateways;
        return start(options);
    }
    static QString binary() { return QStringLiteral("/usr/bin/prometheus"); }
};

} // namespace ops::test
