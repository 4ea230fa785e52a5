#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <utility>
#include <vector>

namespace ops::sim {

// A request as the simulator's routes see it (decoupled from QHttpServerRequest).
struct SimRequest {
    QByteArray method;
    QString path;
    QUrlQuery query;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString requestId;
    QString client;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
                return h.second;
            }
        }
        return {};
    }
};

// What a route answers; GatewaySimulator adds the common headers, faults and encoding.
struct SimReply {
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    std::vector<std::pair<QByteArray, QByteArray>> headers;
    int delayMs = 0;
    int trickleMs = 0; // > 0: headers at once, the body in chunks spread over this long

    static SimReply json(const QJsonValue& value, int status = 200)
    {
        SimReply r;
        r.status = status;
        r.body = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
        return r;
    }
    static SimReply detail(const QString& message, int status)
    {
        return json(QJsonObject{{QStringLiteral("detail"), message}}, status);
    }
    static SimReply text(const QByteArray& body, int status, const QByteArray& contentType)
    {
        SimReply r;
        r.status = status;
        r.body = body;
        r.contentType = contentType;
        return r;
    }
};

} // namespace ops::sim
