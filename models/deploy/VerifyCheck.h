#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace ops {

// One entry of a deployment checklist: GET path, then expectations on the answer. Editable per
// target as JSON:
//   [{"name": "Modules", "path": "/system/modules",
//     "expect": {"status": 200, "json": {"total_modules": 6, "total_endpoints": "180+"},
//                "keys": ["modules"]}}]
// "status" is a number or "2xx" (the default); "json" maps dotted paths (a.b.0.c) to the exact
// value expected; "keys" lists dotted paths that must exist. "kind" (default "json") may instead
// say what the answer must be as a whole: "health" (decodes as /health/detailed, and every
// component is healthy) or "metrics" (parses as the gateway's metrics, or its JSON stub, with a
// latency figure).
struct VerifyCheck {
    enum class Kind { Json, Health, Metrics };
    QString name;
    QString path;
    Kind kind = Kind::Json;
    int expectStatus = 0; // 0: any 2xx
    QList<QPair<QString, QJsonValue>> expectJson;
    QStringList expectKeys;

    // The expectation in words ("HTTP 2xx, total_modules = 6, total_endpoints = "180+"").
    QString expectationText() const;
    // Empty when the answer meets the expectation; otherwise what is wrong, in words. *found
    // (when given) says what a passing health or metrics answer held.
    QString evaluate(int status, const QByteArray& body, QString* found = nullptr) const;

    // The plan's checklist (deployment-action-plan.md, sections 3 and 4).
    static QList<VerifyCheck> planDefaults();
    static std::optional<QList<VerifyCheck>> listFromJson(const QByteArray& json, QString* error);
    static QByteArray listToJson(const QList<VerifyCheck>& checks);
};

} // namespace ops
