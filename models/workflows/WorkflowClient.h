#pragma once

#include "models/domain/Dialect.h"
#include "models/domain/Workflow.h"
#include "models/net/ApiRequest.h"
#include "models/workflows/JobDraft.h"
#include "models/workflows/WorkflowDecoder.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace ops {

class AuditLog;
class Clock;

// The outcome of one workflow call, as a value (never an exception, never a dialog).
struct WorkflowResult {
    enum class Kind {
        Ok,
        NoWorkflowApi,  // the gateway (monolith) has no workflow API: not an error, a fact
        ReadOnly,       // refused here: the target is read-only
        Unsupported,    // this dialect / gateway has no such route
        Invalid,        // refused here: the input does not pass validation (fieldErrors)
        HttpError,      // the gateway answered with an error (error, fieldErrors)
        NetworkError,   // no answer
        Timeout,        // no answer in time (reads only; see UnknownOutcome)
        UnknownOutcome, // a change timed out: it may or may not have happened
        BadReply,       // an answer the console cannot read
    };
    Kind kind = Kind::Ok;
    int httpStatus = 0;
    QString error; // in words, for the operator
    QList<FieldError> fieldErrors;
    Workflow workflow;         // fetch
    QList<Workflow> workflows; // list
    QString workflowId;        // launch, cancel, rerun, createJob
    QString jobId;             // createJob
    QString status;            // the status word the change answered with
    ApiError apiError;         // the transport's own account (kind for exit codes), when any

    bool ok() const { return kind == Kind::Ok; }
    static QString kindName(Kind kind);
};

// What the connected gateway's workflow API can do (from its dialect).
struct WorkflowCapabilities {
    bool available = false;     // any workflow API at all
    bool separateStart = false; // create, then POST /{id}/start (plan)
    bool list = false;
    bool cancel = false;
    bool rerun = false;
};

// Workflows on one gateway, for both dialects that have them:
//   plan:    POST /v1/workflows {"workflow_type", "metadata"} → id, then POST /{id}/start
//   modular: POST /v1/workflows?workflow_type=T with the metadata as the body (starts by itself)
// plus list, fetch, cancel, trigger (re-run) and POST /v1/jobs. The monolith has no workflow API:
// every call answers Kind::NoWorkflowApi. Changes (launch, cancel, re-run, job) are refused on a
// read-only target, never retried (a retried create is a duplicate workflow), and written to the
// audit log when one is set.
class WorkflowClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const WorkflowResult&)>;

    // policy: the target's transport rules and key (ConnectionPolicy::forTarget).
    WorkflowClient(QNetworkAccessManager* network, const QUrl& baseUrl, Dialect dialect,
                   const ConnectionPolicy& policy, bool readOnly, QObject* parent = nullptr);
    ~WorkflowClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    // The target was edited: requests from now on go here (those in flight finish where sent).
    void setBaseUrl(const QUrl& url) { m_baseUrl = url; }
    Dialect dialect() const { return m_dialect; }
    void setDialect(Dialect dialect);
    bool isReadOnly() const { return m_readOnly; }
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    void setApiKey(const ApiKey& apiKey) { m_policy.key = apiKey; }
    void setPolicy(const ConnectionPolicy& policy) { m_policy = policy; }
    const ConnectionPolicy& policy() const { return m_policy; }
    // The target as people name it (audit rows, launch signal); default: the base URL.
    QString targetName() const;
    void setTargetName(const QString& name) { m_targetName = name; }
    // The read deadline (and at most the connect deadline) of every call.
    void setTimeoutMs(int ms);
    int timeoutMs() const { return m_policy.readTimeoutMs; }
    // nullptr: a SystemClock of its own. The session sets its context's clock here.
    void setClock(const Clock* clock);
    // Never null: what the pages that show this client's workflows count time with.
    const Clock* clock() const { return m_clock; }
    // Not owned; nullptr = no audit. actor default: AuditLog::currentUser().
    void setAuditLog(AuditLog* log, const QString& actor = {});
    // Why a launch, job, cancel or re-run would go unrecorded; empty when it would be recorded
    // (or when no audit log is set: this client is not audited by design).
    QString auditProblem() const;

    WorkflowCapabilities capabilities() const { return capabilitiesOf(m_dialect); }
    static WorkflowCapabilities capabilitiesOf(Dialect dialect);
    // The workflow types the dialect knows (plan: job_posting, candidate_onboarding,
    // interview_scheduling, bulk_operations; modular: candidate_onboarding, job_posting,
    // interview_process, hiring_pipeline, bulk_operations; monolith: none).
    static QStringList typesOf(Dialect dialect);
    // "This gateway has no workflow API (monolith dialect)." and the like; empty when available.
    QString unavailableText() const;

    void launch(const QString& type, const QJsonObject& metadata, Callback done);
    void list(const QString& status, const QString& type, int limit, Callback done);
    void fetch(const QString& id, Callback done);
    void cancel(const QString& id, Callback done);
    void rerun(const QString& id, Callback done);
    void createJob(const JobDraft& job, Callback done);

    // Requests in flight.
    int pending() const;

signals:
    // A workflow now exists on the gateway (launch or job creation); timeMs from the clock.
    void workflowLaunched(const QString& target, const QString& type, const QString& id,
                          qint64 timeMs);
    // Something changed (or may have): views should re-read the list. Sent after every change,
    // and after a change whose outcome is unknown.
    void refreshSuggested();

private:
    using Raw = ApiResult<ApiResponse>;
    using RawCallback = std::function<void(const Raw&)>;
    void send(const QByteArray& verb, const QStringList& path, const QUrlQuery& query,
              const QByteArray& body, RawCallback done);
    WorkflowResult precheck(bool change) const;
    WorkflowResult fromFailure(const Raw& raw, bool change) const;
    void audit(const QString& action, const QString& subject, const QJsonObject& details,
               const WorkflowResult& result);
    void simpleAction(const QString& action, const QString& id, Callback done);
    qint64 nowMs() const;

    QUrl m_baseUrl;
    Dialect m_dialect;
    ConnectionPolicy m_policy;
    bool m_readOnly;
    QString m_targetName;
    const Clock* m_clock = nullptr;
    std::unique_ptr<Clock> m_ownClock;
    AuditLog* m_audit = nullptr;
    QString m_actor;
    ApiCaller m_calls;
};

} // namespace ops

Q_DECLARE_METATYPE(ops::WorkflowResult)
