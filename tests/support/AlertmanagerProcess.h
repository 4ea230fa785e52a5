#pragma once

#include "tests/support/ExternalProcess.h"

namespace ops::test {

// Debian's prometheus-alertmanager on a free loopback port, clustering off, a route to a
// receiver that sends nothing, its silences and notification log in a temporary directory.
class AlertmanagerProcess : public ExternalProcess {
public:
    // With certificate and key (PEM files), it serves HTTPS only.
    bool start(const QString& tlsCertFile = {}, const QString& tlsKeyFile = {});
    static QString binary() { return QStringLiteral("/usr/bin/prometheus-alertmanager"); }
};

} // namespace ops::test
