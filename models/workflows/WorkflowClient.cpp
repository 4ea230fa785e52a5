#include "models/workflows/WorkflowClient.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/domain/Logging.h"

#include "models/net/ApiUrl.h"
#include <QCoreApplication>
#include <QJsonDocument>

namespace ops {

namespace {

constexpr qint64 kMaxBodyBytes = 8 * 1024 * 1024;

QString trc(const char* text)
{
    return QCoreApplication::translate("ops::WorkflowClient", text);
}

} // namespace

QString WorkflowResult::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Ok:
        return QStringLiteral("ok");
    case Kind::NoWorkflowApi:
        return QStringLiteral("no-workflow-api");
    case Kind::ReadOnly:
        return QStringLiteral("read-only");
    case Kind::Unsupported:
        return QStringLiteral("unsupported");
    case Kind::Invalid:
        return QStringLiteral("invalid");
    case Kind::HttpError:
        return QStringLiteral("http-error");
    case Kind::NetworkError:
        return QStringLiteral("network-error");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::UnknownOutcome:
        return QStringLiteral("unknown-outcome");
    case Kind::BadReply:
        return QStringLiteral("bad-reply");
    }
    return QStringLiteral("unknown");
}

WorkflowClient::WorkflowClient(QNetworkAccessManager* network, const QUrl& baseUrl, Dialect dialect,
                               const ConnectionPolicy& policy, bool readOnly, QObject* parent)
    : QObject(parent)
    , m_baseUrl(baseUrl)
    , m_dialect(dialect)
    , m_policy(policy)
    , m_readOnly(readOnly)
    , m_ownClock(std::make_unique<SystemClock>())
    , m_calls(network)
{
    m_clock = m_ownClock.get();
    m_policy.maxBodyBytes = kMaxBodyBytes;
}

// Requests still running are aborted with m_calls; their callbacks are not called.
WorkflowClient::~WorkflowClient() = default;

void WorkflowClient::setTimeoutMs(int ms)
{
    m_policy.readTimeoutMs = ms;
    m_policy.connectTimeoutMs = std::min(m_policy.connectTimeoutMs, ms);
}

void WorkflowClient::setDialect(Dialect dialect)
{
    m_dialect = dialect;
}

QString WorkflowClient::targetName() const
{
    return m_targetName.isEmpty() ? m_baseUrl.toString(QUrl::RemoveUserInfo) : m_targetName;
}

void WorkflowClient::setClock(const Clock* clock)
{
    m_clock = clock ? clock : m_ownClock.get();
}

void WorkflowClient::setAuditLog(AuditLog* log, const QString& actor)
{
    m_audit = log;
    m_actor = actor.isEmpty() ? AuditLog::currentUser() : actor;
}

QString WorkflowClient::auditProblem() const
{
    return m_audit ? m_audit->writeProblem() : QString();
}

qint64 WorkflowClient::nowMs() const
{
    return m_clock->nowMs();
}

int WorkflowClient::pending() const
{
    return m_calls.pending();
}

WorkflowCapabilities WorkflowClient::capabilitiesOf(Dialect dialect)
{
    WorkflowCapabilities c;
    switch (dialect) {
    case Dialect::Plan:
        // The plan documents create/start/get; its engine (and the simulator) also list, cancel
        // (which really stops the run) and trigger. A gateway without a route answers 404/405,
        // which the client reports as "not supported".
        c.available = true;
        c.separateStart = true;
        c.list = c.cancel = c.rerun = true;
        break;
    case Dialect::Modular:
        c.available = true;
        c.list = c.cancel = c.rerun = true;
        break;
    case Dialect::Monolith:
    case Dialect::Unknown:
        break;
    }
    return c;
}

QStringList WorkflowClient::typesOf(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Plan:
        return {QStringLiteral("job_posting"), QStringLiteral("candidate_onboarding"),
                QStringLiteral("interview_scheduling"), QStringLiteral("bulk_operations")};
    case Dialect::Modular:
        return {QStringLiteral("candidate_onboarding"), QStringLiteral("job_posting"),
                QStringLiteral("interview_process"), QStringLiteral("hiring_pipeline"),
                QStringLiteral("bulk_operations")};
    case Dialect::Monolith:
    case Dialect::Unknown:
        break;
    }
    return {};
}

QString WorkflowClient::unavailableText() const
{
    if (m_dialect == Dialect::Monolith)
        return trc("This gateway has no workflow API (monolith dialect): there is nothing to "
                   "launch or follow here.");
    if (m_dialect == Dialect::Unknown)
        return trc("The gateway's dialect is not known yet, so its workflow API is not either.");
    return {};
}

WorkflowResult WorkflowClient::precheck(bool change) const
{
    WorkflowResult r;
    if (!capabilities().available) {
        r.kind = m_dialect == Dialect::Monolith ? WorkflowResult::Kind::NoWorkflowApi
                                                : WorkflowResult::Kind::Unsupported;
        r.error = unavailableText();
        return r;
    }
    if (change && m_readOnly) {
        r.kind = WorkflowResult::Kind::ReadOnly;
        r.error = trc("%1 is a read-only target: launching, cancelling and re-running "
                      "workflows are turned off for it.")
                      .arg(targetName());
    }
    return r;
}

WorkflowResult WorkflowClient::fromFailure(const Raw& raw, bool change) const
{
    WorkflowResult r;
    r.apiError = raw.error;
    r.httpStatus = raw.error.httpStatus;
    const double seconds = timeoutMs() / 1000.0;
    switch (raw.error.kind) {
    case ApiErrorKind::ConnectTimeout:
    case ApiErrorKind::ReadTimeout:
        // A change whose request left the machine may have happened.
        if (change && raw.error.requestSent) {
            r.kind = WorkflowResult::Kind::UnknownOutcome;
            r.error = trc("No answer within %1 s: unknown outcome — check the list before "
                          "trying again.")
                          .arg(seconds, 0, 'g', 3);
        } else {
            r.kind = WorkflowResult::Kind::Timeout;
            r.error = raw.error.kind == ApiErrorKind::ConnectTimeout
                          ? trc("No connection within %1 s.")
                                .arg(m_policy.connectTimeoutMs / 1000.0, 0, 'g', 3)
                          : trc("No answer within %1 s.").arg(seconds, 0, 'g', 3);
        }
        return r;
    case ApiErrorKind::TooLarge:
    case ApiErrorKind::BadEncoding:
        r.kind = WorkflowResult::Kind::BadReply;
        r.error = raw.error.kind == ApiErrorKind::TooLarge
                      ? trc("The answer is larger than %1 MB.").arg(kMaxBodyBytes / (1024 * 1024))
                      : raw.error.message;
        return r;
    case ApiErrorKind::Http:
        break;
    default:
        r.kind = WorkflowResult::Kind::NetworkError;
        r.error = raw.error.message;
        return r;
    }
    const int status = raw.error.httpStatus;
    r.kind = WorkflowResult::Kind::HttpError;
    r.error = workflowjson::errorText(status, raw.value.body);
    r.fieldErrors = workflowjson::fieldErrors(raw.value.body);
    if (status == 404 && r.error == u"Not Found")
        r.error = trc("The gateway has no such route (HTTP 404).");
    else if (status == 405)
        r.error = trc("The gateway does not allow this here (HTTP 405).");
    if (status == 401 || status == 403)
        r.error = trc("Not authorised (HTTP %1): %2").arg(status).arg(r.error);
    return r;
}

void WorkflowClient::send(const QByteArray& verb, const QStringList& path, const QUrlQuery& query,
                          const QByteArray& body, RawCallback done)
{
    ApiRequest request;
    request.verb = verb;
    request.url = endpointUrl(m_baseUrl, path, query);
    request.body = body;
    request.policy = m_policy;
    qCDebug(lcWorkflows) << verb << request.url.path() << request.url.query();
    m_calls.send(request, std::move(done));
}

void WorkflowClient::audit(const QString& action, const QString& subject,
                           const QJsonObject& details, const WorkflowResult& result)
{
    if (!m_audit)
        return;
    AuditEntry e;
    e.timeMs = nowMs();
    e.actor = m_actor;
    e.target = targetName();
    e.action = action;
    e.subject = subject;
    e.details = details;
    if (!result.workflowId.isEmpty())
        e.details.insert(QStringLiteral("workflow_id"), result.workflowId);
    if (result.httpStatus != 0)
        e.details.insert(QStringLiteral("http_status"), result.httpStatus);
    e.details.insert(QStringLiteral("dialect"), dialectName(m_dialect));
    e.result = result.ok()
                   ? QStringLiteral("ok")
                   : WorkflowResult::kindName(result.kind) + QStringLiteral(": ") + result.error;
    if (!m_audit->append(e))
        qCWarning(lcWorkflows) << "audit log:" << m_audit->errorString();
}

void WorkflowClient::launch(const QString& type, const QJsonObject& metadata, Callback done)
{
    const QJsonObject details{{QStringLiteral("workflow_type"), type},
                              {QStringLiteral("metadata"), metadata}};
    WorkflowResult pre = precheck(true);
    if (pre.ok() && type.trimmed().isEmpty()) {
        pre.kind = WorkflowResult::Kind::Invalid;
        pre.error = trc("Choose a workflow type.");
    }
    if (!pre.ok()) {
        audit(QStringLiteral("workflow.launch"), type, details, pre);
        done(pre);
        return;
    }
    const QByteArray metadataJson = QJsonDocument(metadata).toJson(QJsonDocument::Compact);
    QUrlQuery query;
    QByteArray body;
    if (m_dialect == Dialect::Modular) {
        query.addQueryItem(QStringLiteral("workflow_type"), type);
        body = metadataJson;
    } else {
        body = QJsonDocument(QJsonObject{{QStringLiteral("workflow_type"), type},
                                         {QStringLiteral("metadata"), metadata}})
                   .toJson(QJsonDocument::Compact);
    }
    const bool separateStart = capabilities().separateStart;
    // Sent once. A create is never retried: a lost answer does not mean a lost workflow.
    send("POST", {QStringLiteral("v1"), QStringLiteral("workflows")}, query, body,
         [this, type, details, separateStart, done](const Raw& raw) {
             WorkflowResult r;
             if (!raw.ok) {
                 r = fromFailure(raw, true);
                 if (r.kind == WorkflowResult::Kind::UnknownOutcome)
                     r.error = trc("The create request got no answer within %1 s: unknown "
                                   "outcome — check the list before launching again.")
                                   .arg(timeoutMs() / 1000.0, 0, 'g', 3);
                 audit(QStringLiteral("workflow.launch"), type, details, r);
                 if (r.kind == WorkflowResult::Kind::UnknownOutcome)
                     emit refreshSuggested();
                 done(r);
                 return;
             }
             const auto created = workflowjson::decodeCreateReply(raw.value.body);
             if (!created.ok) {
                 r.kind = WorkflowResult::Kind::BadReply;
                 r.httpStatus = raw.value.status;
                 r.error = trc("The gateway accepted the workflow but its answer is "
                               "unreadable (%1): check the list before launching again.")
                               .arg(created.error);
                 audit(QStringLiteral("workflow.launch"), type, details, r);
                 emit refreshSuggested();
                 done(r);
                 return;
             }
             const QString id = created.value.workflowId;
             emit workflowLaunched(targetName(), type, id, nowMs());
             if (!separateStart) {
                 r.httpStatus = raw.value.status;
                 r.workflowId = id;
                 r.status = created.value.status;
                 audit(QStringLiteral("workflow.launch"), type, details, r);
                 emit refreshSuggested();
                 done(r);
                 return;
             }
             send("POST",
                  {QStringLiteral("v1"), QStringLiteral("workflows"), id, QStringLiteral("start")},
                  {}, {}, [this, type, details, id, done](const Raw& started) {
                      WorkflowResult s;
                      if (!started.ok) {
                          s = fromFailure(started, true);
                          s.error = s.kind == WorkflowResult::Kind::UnknownOutcome
                                        ? trc("Created %1, but the start request got no "
                                              "answer: unknown outcome — check its status.")
                                              .arg(id)
                                        : trc("Created %1, but it could not be started: %2")
                                              .arg(id, s.error);
                      } else {
                          s.httpStatus = started.value.status;
                          s.status = QStringLiteral("running");
                      }
                      s.workflowId = id;
                      audit(QStringLiteral("workflow.launch"), type, details, s);
                      emit refreshSuggested();
                      done(s);
                  });
         });
}

void WorkflowClient::list(const QString& status, const QString& type, int limit, Callback done)
{
    WorkflowResult pre = precheck(false);
    if (!pre.ok()) {
        done(pre);
        return;
    }
    QUrlQuery query;
    if (!status.isEmpty())
        query.addQueryItem(QStringLiteral("status"), status);
    if (!type.isEmpty())
        query.addQueryItem(QStringLiteral("workflow_type"), type);
    if (limit > 0)
        query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    send("GET", {QStringLiteral("v1"), QStringLiteral("workflows")}, query, {},
         [this, done](const Raw& raw) {
             if (!raw.ok) {
                 WorkflowResult r = fromFailure(raw, false);
                 if (raw.error.kind == ApiErrorKind::Http &&
                     (raw.error.httpStatus == 404 || raw.error.httpStatus == 405)) {
                     r.kind = WorkflowResult::Kind::Unsupported;
                     r.error = trc("This gateway does not list workflows; only the ones launched "
                                   "from here are shown.");
                 }
                 done(r);
                 return;
             }
             const auto decoded = workflowjson::decodeWorkflowList(raw.value.body);
             WorkflowResult r;
             r.httpStatus = raw.value.status;
             if (!decoded.ok) {
                 r.kind = WorkflowResult::Kind::BadReply;
                 r.error = trc("Unreadable workflow list: %1").arg(decoded.error);
             } else {
                 r.workflows = decoded.value;
             }
             done(r);
         });
}

void WorkflowClient::fetch(const QString& id, Callback done)
{
    WorkflowResult pre = precheck(false);
    if (!pre.ok()) {
        done(pre);
        return;
    }
    send("GET", {QStringLiteral("v1"), QStringLiteral("workflows"), id}, {}, {},
         [this, id, done](const Raw& raw) {
             if (!raw.ok) {
                 done(fromFailure(raw, false));
                 return;
             }
             const auto decoded = workflowjson::decodeWorkflow(raw.value.body);
             WorkflowResult r;
             r.httpStatus = raw.value.status;
             r.workflowId = id;
             if (!decoded.ok) {
                 r.kind = WorkflowResult::Kind::BadReply;
                 r.error = trc("Unreadable workflow %1: %2").arg(id, decoded.error);
             } else {
                 r.workflow = decoded.value;
                 r.status = decoded.value.status;
             }
             done(r);
         });
}

void WorkflowClient::simpleAction(const QString& action, const QString& id, Callback done)
{
    const QString auditAction =
        action == u"cancel" ? QStringLiteral("workflow.cancel") : QStringLiteral("workflow.rerun");
    const QJsonObject details{{QStringLiteral("workflow_id"), id}};
    WorkflowResult pre = precheck(true);
    if (pre.ok()) {
        const WorkflowCapabilities caps = capabilities();
        if ((action == u"cancel" && !caps.cancel) || (action == u"trigger" && !caps.rerun)) {
            pre.kind = WorkflowResult::Kind::Unsupported;
            pre.error = trc("This gateway's workflow API cannot do that.");
        }
    }
    if (!pre.ok()) {
        pre.workflowId = id;
        audit(auditAction, id, details, pre);
        done(pre);
        return;
    }
    send("POST", {QStringLiteral("v1"), QStringLiteral("workflows"), id, action}, {}, {},
         [this, auditAction, id, details, done](const Raw& raw) {
             WorkflowResult r;
             if (!raw.ok) {
                 r = fromFailure(raw, true);
                 if (raw.error.kind == ApiErrorKind::Http && raw.error.httpStatus == 405) {
                     r.kind = WorkflowResult::Kind::Unsupported;
                     r.error = trc("This gateway has no such workflow route.");
                 }
             } else {
                 r.httpStatus = raw.value.status;
                 r.status = QJsonDocument::fromJson(raw.value.body)
                                .object()
                                .value(QStringLiteral("status"))
                                .toString();
             }
             r.workflowId = id;
             audit(auditAction, id, details, r);
             emit refreshSuggested();
             done(r);
         });
}

void WorkflowClient::cancel(const QString& id, Callback done)
{
    simpleAction(QStringLiteral("cancel"), id, std::move(done));
}

void WorkflowClient::rerun(const QString& id, Callback done)
{
    simpleAction(QStringLiteral("trigger"), id, std::move(done));
}

void WorkflowClient::createJob(const JobDraft& job, Callback done)
{
    const QJsonObject body = job.toJson();
    const QJsonObject details{{QStringLiteral("job"), body}};
    WorkflowResult pre;
    if (m_readOnly) {
        pre.kind = WorkflowResult::Kind::ReadOnly;
        pre.error =
            trc("%1 is a read-only target: creating jobs is turned off for it.").arg(targetName());
    } else if (const QList<FieldError> errors = job.validate(); !errors.isEmpty()) {
        pre.kind = WorkflowResult::Kind::Invalid;
        pre.fieldErrors = errors;
        QStringList lines;
        for (const FieldError& e : errors)
            lines << e.field + QStringLiteral(": ") + e.message;
        pre.error = lines.join(QStringLiteral("; "));
    }
    if (!pre.ok()) {
        audit(QStringLiteral("job.create"), job.title, details, pre);
        done(pre);
        return;
    }
    send("POST", {QStringLiteral("v1"), QStringLiteral("jobs")}, {},
         QJsonDocument(body).toJson(QJsonDocument::Compact),
         [this, job, details, done](const Raw& raw) {
             WorkflowResult r;
             if (!raw.ok) {
                 r = fromFailure(raw, true);
                 if (r.kind == WorkflowResult::Kind::UnknownOutcome)
                     r.error = trc("The job request got no answer: unknown outcome — check the "
                                   "jobs and workflows before creating it again.");
             } else {
                 const auto decoded = workflowjson::decodeJobCreateReply(raw.value.body);
                 r.httpStatus = raw.value.status;
                 if (!decoded.ok) {
                     r.kind = WorkflowResult::Kind::BadReply;
                     r.error = trc("The job was accepted but the answer is unreadable: %1")
                                   .arg(decoded.error);
                 } else {
                     r.jobId = decoded.value.jobId;
                     r.workflowId = decoded.value.workflowId;
                     if (!r.workflowId.isEmpty())
                         emit workflowLaunched(targetName(), QStringLiteral("job_posting"),
                                               r.workflowId, nowMs());
                 }
             }
             QJsonObject d = details;
             if (!r.jobId.isEmpty())
                 d.insert(QStringLiteral("job_id"), r.jobId);
             audit(QStringLiteral("job.create"), job.title, d, r);
             emit refreshSuggested();
             done(r);
         });
}

} // namespace ops
