#pragma once

#include "models/domain/ConnectionState.h"

#include <QNetworkReply>
#include <QString>
#include <QUrl>

namespace ops {

// A request that got no HTTP answer, in words a person can act on, and what it means for the
// connection. One place for every client (the poller, workflows, verification, Render), so a
// closed port, an unknown host or a plain-http server behind https reads the same everywhere.
struct NetworkFailure {
    ConnectionState state = ConnectionState::Unreachable;
    // connection_refused, host_not_found, timeout, tls_not_spoken, tls_handshake, not_http,
    // connection_closed, network
    QString code;
    QString message;
};

// qtText: the reply's errorString() (OpenSSL's words for TLS), kept only where nothing better
// is known.
NetworkFailure describeNetworkFailure(QNetworkReply::NetworkError error, const QString& qtText,
                                      const QUrl& url);

} // namespace ops
