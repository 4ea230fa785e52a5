#include "app/common/QuitOnSignal.h"
#include "app/gateway-sim/GatewaySimulator.h"
#include "app/gateway-sim/SimOptions.h"

#include <QCoreApplication>

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

#include <cstdio>

namespace {

// --tls-cert / --tls-key: serve HTTPS with this certificate and key.
bool setUpTls(ops::sim::GatewaySimulator& simulator, const ops::sim::SimOptions& options)
{
    QFile certFile(options.tlsCertFile);
    QFile keyFile(options.tlsKeyFile);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bhiv-gateway-sim: cannot read %s or %s\n",
                     qPrintable(options.tlsCertFile), qPrintable(options.tlsKeyFile));
        return false;
    }
    const QSslCertificate certificate(&certFile, QSsl::Pem);
    QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
    if (key.isNull()) {
        keyFile.seek(0);
        key = QSslKey(&keyFile, QSsl::Ec, QSsl::Pem);
    }
    if (certificate.isNull() || key.isNull()) {
        std::fprintf(stderr, "bhiv-gateway-sim: %s / %s is not a PEM certificate and key\n",
                     qPrintable(options.tlsCertFile), qPrintable(options.tlsKeyFile));
        return false;
    }
    simulator.sslSetup(certificate, key);
    return true;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bhiv-gateway-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPS_VERSION));

    QString error;
    const auto options = ops::sim::SimOptions::parse(app, &error);
    if (!options) {
        std::fprintf(stderr, "bhiv-gateway-sim: %s\n", qPrintable(error));
        return 2;
    }
    ops::QuitOnSignal quitOnSignal;
    ops::sim::GatewaySimulator simulator(*options);
    const bool tls = !options->tlsCertFile.isEmpty();
    if (tls && !setUpTls(simulator, *options))
        return 2;
    const quint16 port = simulator.listenLocal(options->port);
    if (port == 0) {
        std::fprintf(stderr, "bhiv-gateway-sim: cannot listen on 127.0.0.1:%u\n",
                     static_cast<unsigned>(options->port));
        return 1;
    }
    std::printf("listening on %s://127.0.0.1:%u\n", tls ? "https" : "http",
                static_cast<unsigned>(port));
    std::fflush(stdout);
    return app.exec();
}
