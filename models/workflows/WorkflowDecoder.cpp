#include "models/workflows/WorkflowDecoder.h"

#include "models/net/ApiResult.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>

namespace ops::workflowjson {
namespace {

QString stringOf(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    return {};
}

int intOf(const QJsonValue& v, int fallback)
{
    if (v.isDouble())
        return v.toInt(fallback);
    if (v.isString()) {
        bool ok = false;
        const int n = v.toString().toInt(&ok);
        return ok ? n : fallback;
    }
    return fallback;
}

bool parseJson(const QByteArray& body, QJsonDocument* doc, QString* error)
{
    QJsonParseError err{};
    *doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        *error = body.trimmed().isEmpty() ? QStringLiteral("empty body")
                                          : QStringLiteral("not JSON (%1 at offset %2)")
                                                .arg(err.errorString())
                                                .arg(err.offset);
        return false;
    }
    return true;
}

WorkflowStep decodeStep(const QJsonValue& value, int index)
{
    WorkflowStep step;
    if (value.isString()) { // a bare step name
        step.name = value.toString();
        step.id = QStringLiteral("step_%1").arg(index + 1);
        step.status = QStringLiteral("pending");
        return step;
    }
    const QJsonObject o = value.toObject();
    step.id = stringOf(o.value(QStringLiteral("step_id")));
    if (step.id.isEmpty())
        step.id = stringOf(o.value(QStringLiteral("id")));
    if (step.id.isEmpty())
        step.id = QStringLiteral("step_%1").arg(index + 1);
    step.name = stringOf(o.value(QStringLiteral("name")));
    if (step.name.isEmpty())
        step.name = step.id;
    step.status = stringOf(o.value(QStringLiteral("status")));
    step.startedMs = parseTimeMs(o.value(QStringLiteral("started_at")));
    step.completedMs = parseTimeMs(o.value(QStringLiteral("completed_at")));
    step.error = stringOf(o.value(QStringLiteral("error_message")));
    if (step.error.isEmpty()) {
        const QJsonValue e = o.value(QStringLiteral("error"));
        step.error =
            e.isObject()
                ? QString::fromUtf8(QJsonDocument(e.toObject()).toJson(QJsonDocument::Compact))
                : stringOf(e);
    }
    step.output = o.value(QStringLiteral("output")).toObject();
    return step;
}

QList<WorkflowStep> decodeStepArray(const QJsonArray& array)
{
    QList<WorkflowStep> steps;
    for (int i = 0; i < array.size(); ++i) {
        const QJsonValue v = array.at(i);
        if (v.isObject() || v.isString())
            steps.append(decodeStep(v, i));
    }
    return steps;
}

QString locText(const QJsonValue& loc)
{
    if (!loc.isArray())
        return stringOf(loc);
    QStringList parts;
    const QJsonArray a = loc.toArray();
    for (int i = 0; i < a.size(); ++i) {
        const QString part = stringOf(a.at(i));
        if (i == 0 && a.size() > 1 &&
            (part == u"body" || part == u"query" || part == u"path" || part == u"header"))
            continue;
        parts << part;
    }
    return parts.join(QLatin1Char('.'));
}

} // namespace

qint64 parseTimeMs(const QJsonValue& value)
{
    if (value.isDouble()) {
        const double v = value.toDouble();
        // Seconds, or already milliseconds when implausibly large for seconds. Beyond year
        // 9999 (or not finite) the number is unreadable, not a time: converting it would
        // overflow qint64 (found by fuzz_workflow_decoder).
        const double ms = v > 1e11 ? v : v * 1000.0;
        constexpr double kMaxMs = 253402300800000.0; // 10000-01-01T00:00:00Z
        if (!std::isfinite(ms) || ms < -kMaxMs || ms > kMaxMs)
            return 0;
        return static_cast<qint64>(ms);
    }
    if (!value.isString())
        return 0;
    QString s = value.toString().trimmed();
    if (s.isEmpty())
        return 0;
    // Trim the fraction to milliseconds; Qt reads at most three digits reliably.
    static const QRegularExpression fraction(QStringLiteral("(\\.\\d{1,3})\\d*"));
    s.replace(fraction, QStringLiteral("\\1"));
    s.replace(QLatin1Char(' '), QLatin1Char('T'));
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid())
        return 0;
    if (t.timeSpec() == Qt::LocalTime) // no offset given: the gateway means UTC
        t.setTimeZone(QTimeZone::utc());
    return t.toMSecsSinceEpoch();
}

Decoded<Workflow> decodeWorkflowObject(const QJsonObject& o)
{
    Decoded<Workflow> r;
    Workflow& wf = r.value;
    wf.id = stringOf(o.value(QStringLiteral("workflow_id")));
    if (wf.id.isEmpty())
        wf.id = stringOf(o.value(QStringLiteral("id")));
    if (wf.id.isEmpty()) {
        r.error = QStringLiteral("no workflow_id in the workflow");
        return r;
    }
    wf.type = stringOf(o.value(QStringLiteral("workflow_type")));
    if (wf.type.isEmpty())
        wf.type = stringOf(o.value(QStringLiteral("type")));
    wf.status = stringOf(o.value(QStringLiteral("status")));
    if (wf.status.isEmpty())
        wf.status = QStringLiteral("unknown");
    const QJsonValue steps = o.value(QStringLiteral("steps"));
    if (steps.isArray())
        wf.steps = decodeStepArray(steps.toArray());
    wf.metadata = o.value(QStringLiteral("metadata")).toObject();
    wf.createdMs = parseTimeMs(o.value(QStringLiteral("created_at")));
    wf.startedMs = parseTimeMs(o.value(QStringLiteral("started_at")));
    wf.completedMs = parseTimeMs(o.value(QStringLiteral("completed_at")));
    wf.updatedMs = parseTimeMs(o.value(QStringLiteral("updated_at")));
    if (o.contains(QStringLiteral("steps_completed")))
        wf.reportedStepsDone = intOf(o.value(QStringLiteral("steps_completed")), -1);
    if (o.contains(QStringLiteral("total_steps")))
        wf.reportedTotalSteps = intOf(o.value(QStringLiteral("total_steps")), -1);
    wf.reportedCurrentStep = stringOf(o.value(QStringLiteral("current_step")));
    r.ok = true;
    return r;
}

Decoded<Workflow> decodeWorkflow(const QByteArray& body)
{
    Decoded<Workflow> r;
    QJsonDocument doc;
    if (!parseJson(body, &doc, &r.error))
        return r;
    if (!doc.isObject()) {
        r.error = QStringLiteral("expected a JSON object for the workflow");
        return r;
    }
    QJsonObject o = doc.object();
    // Some gateways wrap it: {"workflow": {...}}.
    if (!o.contains(QStringLiteral("workflow_id")) &&
        o.value(QStringLiteral("workflow")).isObject())
        o = o.value(QStringLiteral("workflow")).toObject();
    return decodeWorkflowObject(o);
}

Decoded<QList<Workflow>> decodeWorkflowList(const QByteArray& body)
{
    Decoded<QList<Workflow>> r;
    QJsonDocument doc;
    if (!parseJson(body, &doc, &r.error))
        return r;
    QJsonArray array;
    if (doc.isArray()) {
        array = doc.array();
    } else if (doc.isObject() && doc.object().value(QStringLiteral("workflows")).isArray()) {
        array = doc.object().value(QStringLiteral("workflows")).toArray();
    } else {
        r.error = QStringLiteral("expected {\"workflows\": [...]}");
        return r;
    }
    for (const QJsonValue& v : array) {
        if (!v.isObject())
            continue;
        Decoded<Workflow> one = decodeWorkflowObject(v.toObject());
        if (one.ok)
            r.value.append(one.value);
    }
    r.ok = true;
    return r;
}

Decoded<Workflow> decodeStatus(const QByteArray& body, const QString& id)
{
    Decoded<Workflow> r;
    QJsonDocument doc;
    if (!parseJson(body, &doc, &r.error))
        return r;
    if (!doc.isObject()) {
        r.error = QStringLiteral("expected a JSON object for the status");
        return r;
    }
    QJsonObject o = doc.object();
    if (!o.contains(QStringLiteral("workflow_id")))
        o.insert(QStringLiteral("workflow_id"), id);
    return decodeWorkflowObject(o);
}

Decoded<QList<WorkflowStep>> decodeSteps(const QByteArray& body)
{
    Decoded<QList<WorkflowStep>> r;
    QJsonDocument doc;
    if (!parseJson(body, &doc, &r.error))
        return r;
    if (doc.isArray()) {
        r.value = decodeStepArray(doc.array());
    } else if (doc.isObject() && doc.object().value(QStringLiteral("steps")).isArray()) {
        r.value = decodeStepArray(doc.object().value(QStringLiteral("steps")).toArray());
    } else {
        r.error = QStringLiteral("expected {\"steps\": [...]}");
        return r;
    }
    r.ok = true;
    return r;
}

Decoded<CreateReply> decodeCreateReply(const QByteArray& body)
{
    Decoded<CreateReply> r;
    QJsonDocument doc;
    if (!parseJson(body, &doc, &r.error))
        return r;
    const QJsonObject o = doc.object();
    r.value.workflowId = stringOf(o.value(QStringLiteral("workflow_id")));
    if (r.value.workflowId.isEmpty()) {
        r.error = QStringLiteral("the answer has no workflow_id");
        return r;
    }
    r.value.status = stringOf(o.value(QStringLiteral("status")));
    r.value.message = stringOf(o.value(QStringLiteral("message")));
    r.ok = true;
    return r;
}

Decoded<JobCreateReply> decodeJobCreateReply(const QByteArray& body)
{
    Decoded<JobCreateReply> r;
    QJsonDocument doc;
    if (!parseJson(body, &doc, &r.error))
        return r;
    if (!doc.isObject()) {
        r.error = QStringLiteral("expected a JSON object");
        return r;
    }
    const QJsonObject o = doc.object();
    r.value.jobId = stringOf(o.value(QStringLiteral("job_id")));
    r.value.workflowId = stringOf(o.value(QStringLiteral("workflow_id")));
    r.value.message = stringOf(o.value(QStringLiteral("message")));
    r.ok = true;
    return r;
}

QList<FieldError> fieldErrors(const QByteArray& body)
{
    QList<FieldError> out;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue detail = doc.object().value(QStringLiteral("detail"));
    if (!detail.isArray())
        return out;
    for (const QJsonValue& v : detail.toArray()) {
        const QJsonObject e = v.toObject();
        FieldError fe;
        fe.field = locText(e.value(QStringLiteral("loc")));
        fe.message = stringOf(e.value(QStringLiteral("msg")));
        if (fe.message.isEmpty())
            fe.message = stringOf(e.value(QStringLiteral("message")));
        if (!fe.field.isEmpty() || !fe.message.isEmpty())
            out.append(fe);
    }
    return out;
}

QString errorText(int httpStatus, const QByteArray& body)
{
    // FastAPI's validation list reads best as "field: message; ...".
    if (QJsonDocument::fromJson(body).object().value(QStringLiteral("detail")).isArray()) {
        QStringList lines;
        for (const FieldError& fe : fieldErrors(body))
            lines << (fe.field.isEmpty() ? fe.message
                                         : fe.field + QStringLiteral(": ") + fe.message);
        if (!lines.isEmpty())
            return lines.join(QStringLiteral("; "));
    }
    const QString said = serverErrorMessage(body);
    return said.isEmpty() ? QStringLiteral("HTTP %1").arg(httpStatus) : said;
}

} // namespace ops::workflowjson
