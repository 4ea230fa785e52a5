#include "tests/support/AlertmanagerProcess.h"

namespace ops::test {

bool AlertmanagerProcess::start(const QString& tlsCertFile, const QString& tlsKeyFile)
{
    const bool https = !tlsCertFile.isEmpty();
    const QByteArray config = "route:\n"
                              "  receiver: 'nobody'\n"
                              "  group_wait: 1s\n"
                              "  group_interval: 1s\n"
                              "  repeat_interval: 1h\n"
                              "receivers:\n"
                              "  - name: 'nobody'\n";
    const quint16 port = freePort();
    QStringList arguments{
        QStringLiteral("--config.file=") + writeFile(QStringLiteral("alertmanager.yml"), config),
        QStringLiteral("--storage.path=") + dir() + QStringLiteral("/data"),
        QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port),
        QStringLiteral("--cluster.listen-address="),
        QStringLiteral("--log.level=warn"),
    };
    if (https) {
        const QByteArray web = "tls_server_config:\n  cert_file: " + tlsCertFile.toUtf8() +
                               "\n  key_file: " + tlsKeyFile.toUtf8() + "\n";
        arguments << QStringLiteral("--web.config.file=") +
                         writeFile(QStringLiteral("web.yml"), web);
    }
    return launch(binary(), arguments, port, QStringLiteral("/-/ready"), {}, 30000, https);
}

} // namespace ops::test
