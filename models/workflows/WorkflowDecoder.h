#pragma once

#include "models/domain/Workflow.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace ops {

// One field error of a FastAPI 422 body: loc without its "body"/"query" prefix, joined by ".".
struct FieldError {
    QString field;
    QString message;
};

template <typename T> struct Decoded {
    bool ok = false;
    QString error; // why the body could not be decoded (empty when ok)
    T value{};
};

struct CreateReply {
    QString workflowId;
    QString status; // "created" (plan) or "running" (modular)
    QString message;
};

struct JobCreateReply {
    QString jobId; // number or string in the body, as text
    QString workflowId;
    QString message;
};

// Decoders for the gateway's workflow bodies. Never throw, never crash on bad input: a wrong
// shape is an error value with words an operator can read.
namespace workflowjson {

Decoded<Workflow> decodeWorkflow(const QByteArray& body);
Decoded<Workflow> decodeWorkflowObject(const QJsonObject& object);
// {"workflows": [...], "total"} or a bare array. Entries that are not workflows are skipped.
Decoded<QList<Workflow>> decodeWorkflowList(const QByteArray& body);
// GET /{id}/status: {"status", "progress", "steps_completed", "total_steps", "current_step"}.
Decoded<Workflow> decodeStatus(const QByteArray& body, const QString& id);
// GET /{id}/steps: {"steps": [...]} or a bare array.
Decoded<QList<WorkflowStep>> decodeSteps(const QByteArray& body);
Decoded<CreateReply> decodeCreateReply(const QByteArray& body);
Decoded<JobCreateReply> decodeJobCreateReply(const QByteArray& body);

// ISO 8601 with or without offset (none = UTC) and any number of fraction digits, or epoch
// seconds as a number. 0 when absent or unreadable.
qint64 parseTimeMs(const QJsonValue& value);

// The gateway's error envelope in words: "message", "detail" (a string, or FastAPI's 422 array
// turned into "field: message" lines joined with "; "), "error"; a short plain-text body as-is;
// otherwise "HTTP <status>".
QString errorText(int httpStatus, const QByteArray& body);
// The 422 detail array as field errors (empty when the body is not one).
QList<FieldError> fieldErrors(const QByteArray& body);

} // namespace workflowjson
} // namespace ops
