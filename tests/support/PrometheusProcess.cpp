#include "tests/support/PrometheusProcess.h"

namespace ops::test {

bool PrometheusProcess::start(const Options& options)
{
    QStringList targets;
    for (const QUrl& gateway : options.gateways)
        targets << QStringLiteral("'%1:%2'").arg(gateway.host()).arg(gateway.port());
    const QString interval = QStringLiteral("%1ms").arg(options.scrapeIntervalMs);
    const QByteArray config =
        QStringLiteral("global:\n"
                       "  scrape_interval: %1\n"
                       "  evaluation_interval: %1\n"
                       "scrape_configs:\n"
                       "  - job_name: '%2'\n"
                       "    scrape_interval: %1\n"
                       "    scrape_timeout: %1\n"
                       "    metrics_path: %4\n"
                       "    static_configs:\n"
                       "      - targets: [%3]\n")
            .arg(interval, options.job, targets.join(QStringLiteral(", ")), options.metricsPath)
            .toUtf8();
    QStringList arguments{
        QStringLiteral("--config.file=") + writeFile(QStringLiteral("prometheus.yml"), config),
        QStringLiteral("--storage.tsdb.path=") + dir() + QStringLiteral("/data"),
        QStringLiteral("--log.level=warn"),
    };
    if (!options.basicAuthUser.isEmpty()) {
        const QByteArray web = "basic_auth_users:\n  " + options.basicAuthUser.toUtf8() + ": '" +
                               options.basicAuthHash + "'\n";
        arguments << QStringLiteral("--web.config.file=") +
                         writeFile(QStringLiteral("web.yml"), web);
    }
    const quint16 port = freePort();
    arguments << QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port);
    return launch(binary(), arguments, port, QStringLiteral("/-/ready"),
                  options.readyAuthorization);
}

} // namespace ops::test
