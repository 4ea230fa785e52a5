#include "models/workflows/WorkflowClient.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

namespace ops {

Q_LOGGING_CATEGORY(lcOps, "ops.workflows", QtInfoMsg)

namespace {

constexpr qint64 kMaxBodyBytes = 8 * 1024 * 1024;

QString trc(const char* text)
{
    return QCoreApplication::translate("ops::WorkflowClient", text);
}

} // namespace

struct WorkflowClient::Raw {
    enum class Outcome { Http, NetworkError, Timeout, TooLarge };
    Outcome outcome = Outcome::Http;
    int status = 0;
    QByteArray body;
    QString errorText;
    bool ok() const { return outcome == Outcome::Http && status >= 200 && status < 300; }
};

struct WorkflowClient::InFlight {
    QList<QPointer<QNetworkReply>> replies;
};

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
                               const QByteArray& apiKey, bool readOnly, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_baseUrl(baseUrl)
    , m_dialect(dialect)
    , m_apiKey(apiKey)
    , m_readOnly(readOnly)
    , m_ownClock(std::make_unique<SystemClock>())
    , m_inFlight(std::make_unique<InFlight>())
{
    m_clock = m_ownClock.get();
}

WorkflowClient::~WorkflowClient()
{
    // Abort what is still running; the finished handlers are disconnected with this object.
    for (const QPointer<QNetworkReply>& reply : std::as_const(m_inFlight->replies)) {
        if (reply) {
            reply->disconnect(this);
            reply->abort();
            reply->deleteLater();
        }
    }
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

qint64 WorkflowClient::nowMs() const
{
    return m_clock->nowMs();
}

int WorkflowClient::pending() const
{
    int n = 0;
    for (const QPointer<QNetworkReply>& reply : std::as_const(m_inFlight->replies)) {
        if (reply && reply->isRunning())
            ++n;
    }
    return n;
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
    r.httpStatus = raw.status;
    switch (raw.outcome) {
    case Raw::Outcome::Timeout:
        r.kind = change ? WorkflowResult::Kind::UnknownOutcome : WorkflowResult::Kind::Timeout;
        r.error = change ? trc("No answer within %1 s: unknown outcome — check the list before "
                               "trying again.")
                               .arg(m_timeoutMs / 1000.0, 0, 'g', 3)
                         : trc("No answer within %1 s.").arg(m_timeoutMs / 1000.0, 0, 'g', 3);
        return r;
    case Raw::Outcome::NetworkError:
        r.kind = WorkflowResult::Kind::NetworkError;
        r.error = raw.errorText;
        return r;
    case Raw::Outcome::TooLarge:
        r.kind = WorkflowResult::Kind::BadReply;
        r.error = trc("The answer is larger than %1 MB.").arg(kMaxBodyBytes / (1024 * 1024));
        return r;
    case Raw::Outcome::Http:
        break;
    }
    r.kind = WorkflowResult::Kind::HttpError;
    r.error = workflowjson::errorText(raw.status, raw.body);
    r.fieldErrors = workflowjson::fieldErrors(raw.body);
    if (raw.status == 404 && r.error == u"Not Found")
        r.error = trc("The gateway has no such route (HTTP 404).");
    else if (raw.status == 405)
        r.error = trc("The gateway does not allow this here (HTTP 405).");
    if (raw.status == 401 || raw.status == 403)
        r.error = trc("Not authorised (HTTP %1): %2").arg(raw.status).arg(r.error);
    return r;
}

void WorkflowClient::send(const QByteArray& verb, const QString& path, const QUrlQuery& query,
                          const QByteArray& body, RawCallback done)
{
    QUrl url = m_baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("bhiv-ops/%1").arg(QStringLiteral(OPS_VERSION)));
    if (!m_apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_apiKey);
    QNetworkReply* reply = nullptr;
    if (verb == "GET") {
        reply = m_network->get(request);
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        reply = m_network->sendCustomRequest(request, verb, body);
    }
    qCDebug(lcOps) << verb << url.path() << url.query();
    m_inFlight->replies.removeAll(nullptr);
    m_inFlight->replies.append(reply);

    struct Flags {
        bool timedOut = false;
        bool tooLarge = false;
    };
    auto flags = std::make_shared<Flags>();
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, flags] {
        flags->timedOut = true;
        reply->abort();
    });
    timer->start(m_timeoutMs);
    connect(reply, &QNetworkReply::downloadProgress, reply,
            [reply, flags](qint64 received, qint64) {
                if (received > kMaxBodyBytes) {
                    flags->tooLarge = true;
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this, [this, reply, flags, done] {
        reply->deleteLater();
        m_inFlight->replies.removeAll(reply);
        Raw raw;
        raw.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (flags->timedOut) {
            raw.outcome = Raw::Outcome::Timeout;
        } else if (flags->tooLarge || reply->bytesAvailable() > kMaxBodyBytes) {
            raw.outcome = Raw::Outcome::TooLarge;
        } else if (raw.status == 0) {
            raw.outcome = Raw::Outcome::NetworkError;
            raw.errorText = reply->errorString();
        } else {
            raw.body = reply->readAll();
        }
        done(raw);
    });
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
        qCWarning(lcOps) << "audit log:" << m_audit->errorString();
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
    send("POST", QStringLiteral("/v1/workflows"), query, body,
         [this, type, details, separateStart, done](const Raw& raw) {
             WorkflowResult r;
             if (!raw.ok()) {
                 r = fromFailure(raw, true);
                 if (r.kind == WorkflowResult::Kind::UnknownOutcome)
                     r.error = trc("The create request got no answer within %1 s: unknown "
                                   "outcome — check the list before launching again.")
                                   .arg(m_timeoutMs / 1000.0, 0, 'g', 3);
                 audit(QStringLiteral("workflow.launch"), type, details, r);
                 if (r.kind == WorkflowResult::Kind::UnknownOutcome)
                     emit refreshSuggested();
                 done(r);
                 return;
             }
             const auto created = workflowjson::decodeCreateReply(raw.body);
             if (!created.ok) {
                 r.kind = WorkflowResult::Kind::BadReply;
                 r.httpStatus = raw.status;
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
                 r.httpStatus = raw.status;
                 r.workflowId = id;
                 r.status = created.value.status;
                 audit(QStringLiteral("workflow.launch"), type, details, r);
                 emit refreshSuggested();
                 done(r);
                 return;
             }
             send("POST", QStringLiteral("/v1/workflows/%1/start").arg(id), {}, {},
                  [this, type, details, id, done](const Raw& started) {
                      WorkflowResult s;
                      if (!started.ok()) {
                          s = fromFailure(started, true);
                          s.error = s.kind == WorkflowResult::Kind::UnknownOutcome
                                        ? trc("Created %1, but the start request got no "
                                              "answer: unknown outcome — check its status.")
                                              .arg(id)
                                        : trc("Created %1, but it could not be started: %2")
                                              .arg(id, s.error);
                      } else {
                          s.httpStatus = started.status;
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
    send("GET", QStringLiteral("/v1/workflows"), query, {}, [this, done](const Raw& raw) {
        if (!raw.ok()) {
            WorkflowResult r = fromFailure(raw, false);
            if (raw.outcome == Raw::Outcome::Http && (raw.status == 404 || raw.status == 405)) {
                r.kind = WorkflowResult::Kind::Unsupported;
                r.error = trc("This gateway does not list workflows; only the ones launched "
                              "from here are shown.");
            }
            done(r);
            return;
        }
        const auto decoded = workflowjson::decodeWorkflowList(raw.body);
        WorkflowResult r;
        r.httpStatus = raw.status;
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
    send("GET", QStringLiteral("/v1/workflows/%1").arg(id), {}, {},
         [this, id, done](const Raw& raw) {
             if (!raw.ok()) {
                 done(fromFailure(raw, false));
                 return;
             }
             const auto decoded = workflowjson::decodeWorkflow(raw.body);
             WorkflowResult r;
             r.httpStatus = raw.status;
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
    send("POST", QStringLiteral("/v1/workflows/%1/%2").arg(id, action), {}, {},
         [this, auditAction, id, details, done](const Raw& raw) {
             WorkflowResult r;
             if (!raw.ok()) {
                 r = fromFailure(raw, true);
                 if (raw.outcome == Raw::Outcome::Http && raw.status == 405) {
                     r.kind = WorkflowResult::Kind::Unsupported;
                     r.error = trc("This gateway has no such workflow route.");
                 }
             } else {
                 r.httpStatus = raw.status;
                 r.status = QJsonDocument::fromJson(raw.body)
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
    send("POST", QStringLiteral("/v1/jobs"), {}, QJsonDocument(body).toJson(QJsonDocument::Compact),
         [this, job, details, done](const Raw& raw) {
             WorkflowResult r;
             if (!raw.ok()) {
                 r = fromFailure(raw, true);
                 if (r.kind == WorkflowResult::Kind::UnknownOutcome)
                     r.error = trc("The job request got no answer: unknown outcome — check the "
                                   "jobs and workflows before creating it again.");
             } else {
                 const auto decoded = workflowjson::decodeJobCreateReply(raw.body);
                 r.httpStatus = raw.status;
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
