#include "GatewaySimulator.h"
#include "SignalWatcher.h"
#include "SimOptions.h"

#include <QCoreApplication>

#include <cstdio>

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
    ops::sim::SignalWatcher signalWatcher;
    ops::sim::GatewaySimulator simulator(*options);
    const quint16 port = simulator.listenLocal(options->port);
    if (port == 0) {
        std::fprintf(stderr, "bhiv-gateway-sim: cannot listen on 127.0.0.1:%u\n",
                     static_cast<unsigned>(options->port));
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(port));
    std::fflush(stdout);
    return app.exec();
}
