#include "app/cli/WorkflowsCommand.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/itemmodels/WorkflowListModel.h"
#include "models/net/Poller.h"
#include "models/net/TargetPollerOptions.h"
#include "models/workflows/WorkflowClient.h"
#include "models/workflows/WorkflowTracker.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTimer>

#include <cstdio>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("WorkflowsCommand", text);
}

QJsonObject workflowJson(const Workflow& wf)
{
    QJsonArray steps;
    for (const WorkflowStep& s : wf.steps) {
        QJsonObject o{{QStringLiteral("step_id"), s.id},
                      {QStringLiteral("name"), s.name},
                      {QStringLiteral("status"), s.status}};
        if (!s.error.isEmpty())
            o.insert(QStringLiteral("error"), s.error);
        steps.append(o);
    }
    auto time = [](qint64 ms) {
        return ms > 0 ? QJsonValue(
                            QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs))
                      : QJsonValue();
    };
    return QJsonObject{{QStringLiteral("workflow_id"), wf.id},
                       {QStringLiteral("workflow_type"), wf.type},
                       {QStringLiteral("status"), wf.status},
                       {QStringLiteral("steps_completed"), wf.stepsDone()},
                       {QStringLiteral("total_steps"), wf.totalSteps()},
                       {QStringLiteral("current_step"), wf.currentStep()},
                       {QStringLiteral("created_at"), time(wf.createdMs)},
                       {QStringLiteral("started_at"), time(wf.startedMs)},
                       {QStringLiteral("completed_at"), time(wf.completedMs)},
                       {QStringLiteral("steps"), steps}};
}

QString workflowLine(const Workflow& wf)
{
    const qint64 t = wf.startedMs > 0 ? wf.startedMs : wf.createdMs;
    return QStringLiteral("%1  %2 %3 %4 %5 %6\n")
        .arg(wf.id, -12)
        .arg(wf.type, -22)
        .arg(wf.status, -10)
        .arg(QStringLiteral("%1/%2").arg(wf.stepsDone()).arg(wf.totalSteps()), -6)
        .arg(t > 0 ? QDateTime::fromMSecsSinceEpoch(t).toString(QStringLiteral("HH:mm:ss"))
                   : QStringLiteral("-"),
             -9)
        .arg(wf.currentStep());
}

QString workflowDetail(const Workflow& wf)
{
    QString text;
    text += tr("workflow: %1\ntype:     %2\nstatus:   %3\nsteps:    %4/%5\n")
                .arg(wf.id, wf.type, wf.status)
                .arg(wf.stepsDone())
                .arg(wf.totalSteps());
    const qint64 d = wf.durationMs(QDateTime::currentMSecsSinceEpoch());
    if (d >= 0)
        text += tr("duration: %1\n").arg(formatDurationMs(d));
    for (int i = 0; i < wf.steps.size(); ++i) {
        const WorkflowStep& s = wf.steps.at(i);
        text += QStringLiteral("  %1. %2 %3").arg(i + 1).arg(s.name, -22).arg(s.status);
        if (!s.error.isEmpty())
            text += QStringLiteral("  (%1)").arg(s.error);
        text += QLatin1Char('\n');
    }
    return text;
}

// When a step changed, by the gateway's own times when it gives them (a step seen late still
// shows when it happened), else now.
QString stepTime(const WorkflowStep& step)
{
    const qint64 ms = step.completedMs > 0 ? step.completedMs
                      : step.startedMs > 0 ? step.startedMs
                                           : QDateTime::currentMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QString nowTime()
{
    return QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz"));
}

} // namespace

WorkflowsCommand::WorkflowsCommand()
    : CliCommand(QStringLiteral("workflows"),
                 tr("Workflows on a BHIV gateway:\n"
                    "  workflows list [--status S] [--type T]\n"
                    "  workflows launch TYPE [--metadata JSON] [--wait]\n"
                    "  workflows status ID\n"
                    "  workflows cancel ID\n"
                    "  workflows rerun ID [--wait]   (where the gateway has no re-run route: "
                    "a new\n"
                    "                                 workflow of the same type and metadata)"))
{
    setSyntax(QStringLiteral("workflows ACTION [TYPE|ID]"));
    addGatewayOptions(15);
    addJsonOption();
    addOptions({
        {QStringLiteral("read-only"), tr("Treat the target as read-only (refuse changes).")},
        {QStringLiteral("audit-db"), tr("Audit log file (default: the console's)."),
         QStringLiteral("FILE")},
        {QStringLiteral("no-audit"),
         tr("launch, cancel, rerun: go on even when the audit log cannot be written (the "
            "change is then recorded nowhere).")},
        {QStringLiteral("metadata"), tr("Metadata of the launch, a JSON object."),
         QStringLiteral("JSON")},
        {QStringLiteral("wait"),
         tr("Follow the workflow to its end, printing each step as it happens; exit 0 "
            "completed, 1 failed or cancelled.")},
        {QStringLiteral("status"), tr("list: only workflows with this status."),
         QStringLiteral("STATUS")},
        {QStringLiteral("type"), tr("list: only workflows of this type."), QStringLiteral("TYPE")},
    });
}

WorkflowResult WorkflowsCommand::call(WorkflowClient& client, const Call& start)
{
    WorkflowResult result;
    bool answered = false;
    start([&](const WorkflowResult& r) {
        result = r;
        answered = true;
        quitLoop();
    });
    // The client's own timeout ends every call; the guard only catches a lost answer.
    if (!waitUntil([&] { return answered; }, client.timeoutMs() + 10000)) {
        result.kind = WorkflowResult::Kind::Timeout;
        result.error = tr("no answer within %1 s").arg(client.timeoutMs() / 1000.0);
    }
    return result;
}

std::optional<Dialect> WorkflowsCommand::detectDialect(const CliGateway& gateway,
                                                       CliFailure* failure)
{
    // One poll, as `status` does: it tells the dialect, and when there is no answer, why.
    QNetworkAccessManager network;
    SystemClock clock;
    PollerOptions options = pollerOptionsFor(gateway.target, gateway.apiKey);
    options.readTimeoutMs = std::max(gateway.timeoutMs, 3000);
    options.connectTimeoutMs = std::min(options.readTimeoutMs, options.connectTimeoutMs);
    options.wakeTimeoutMs = options.readTimeoutMs;
    Poller poller(&network, &clock, options);
    std::optional<PollResult> poll;
    QObject::connect(&poller, &Poller::pollFinished, &poller, [&](const PollResult& r) {
        poll = r;
        quitLoop();
    });
    QTimer::singleShot(0, &poller, &Poller::pollNow);
    waitUntil([&] { return poll.has_value(); }, options.readTimeoutMs * 2 + 5000);
    poller.stop();
    const QString where = gateway.displayName();
    if (!poll) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("timeout"),
                    tr("%1 did not answer in time").arg(where)};
        return std::nullopt;
    }
    if (poll->dialect != Dialect::Unknown)
        return poll->dialect;
    if (poll->state == ConnectionState::AuthFailed) {
        *failure = {ExitCode::Auth, QStringLiteral("auth_failed"),
                    tr("%1 refused the key: %2").arg(where, poll->detail)};
        return std::nullopt;
    }
    if (!isAnswering(poll->state)) {
        *failure = {ExitCode::CouldNotRun, connectionStateName(poll->state),
                    tr("%1: %2 (%3)").arg(where, connectionStateName(poll->state), poll->detail)};
        return std::nullopt;
    }
    *failure = {ExitCode::CouldNotRun, QStringLiteral("unknown_dialect"),
                tr("%1 answers, but not like a BHIV gateway of a known dialect; say which it "
                   "is with --dialect plan|modular|monolith")
                    .arg(where)};
    return std::nullopt;
}

int WorkflowsCommand::failResult(const WorkflowResult& r)
{
    using Kind = WorkflowResult::Kind;
    switch (r.kind) {
    case Kind::Ok:
        return int(ExitCode::Ok);
    case Kind::NoWorkflowApi:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("no_workflow_api"));
    case Kind::ReadOnly:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("read_only"));
    case Kind::Unsupported:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("unsupported"));
    case Kind::Invalid:
        return fail(ExitCode::Usage, r.error, QStringLiteral("invalid"));
    case Kind::HttpError: {
        // The status in the words too: "Internal Server Error" alone hides it.
        const QString error = r.error.contains(QLatin1String("HTTP"))
                                  ? r.error
                                  : QStringLiteral("HTTP %1: %2").arg(r.httpStatus).arg(r.error);
        if (r.httpStatus == 401 || r.httpStatus == 403)
            return fail(ExitCode::Auth, error, QStringLiteral("auth_failed"));
        if (r.httpStatus == 404)
            return fail(ExitCode::CouldNotRun, error, QStringLiteral("not_found"));
        return fail(ExitCode::CouldNotRun, error, QStringLiteral("http_%1").arg(r.httpStatus));
    }
    case Kind::NetworkError:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("unreachable"));
    case Kind::Timeout:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("timeout"));
    case Kind::UnknownOutcome:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("unknown_outcome"));
    case Kind::BadReply:
        return fail(ExitCode::CouldNotRun, r.error, QStringLiteral("bad_response"));
    }
    return fail(ExitCode::CouldNotRun, r.error);
}

int WorkflowsCommand::execute()
{
    const QString action = positional().value(0);
    const QString subject = positional().value(1);
    static const QStringList actions{QStringLiteral("list"), QStringLiteral("launch"),
                                     QStringLiteral("status"), QStringLiteral("cancel"),
                                     QStringLiteral("rerun")};
    if (!actions.contains(action))
        return fail(
            ExitCode::Usage,
            action.isEmpty()
                ? tr("workflows takes one of: %1").arg(actions.join(QStringLiteral(", ")))
                : tr("unknown action %1 (%2)").arg(action, actions.join(QStringLiteral(", "))));
    if (action != u"list" && subject.isEmpty())
        return fail(ExitCode::Usage, action == u"launch"
                                         ? tr("workflows launch needs a TYPE")
                                         : tr("workflows %1 needs a workflow ID").arg(action));
    QJsonObject metadata;
    if (isSet(QStringLiteral("metadata"))) {
        QJsonParseError pe{};
        const QJsonDocument doc =
            QJsonDocument::fromJson(value(QStringLiteral("metadata")).toUtf8(), &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject())
            return fail(ExitCode::Usage,
                        tr("--metadata is not a JSON object (%1 at offset %2)")
                            .arg(pe.error != QJsonParseError::NoError ? pe.errorString()
                                                                      : tr("not an object"))
                            .arg(pe.offset));
        metadata = doc.object();
    }
    CliFailure failure;
    const auto gateway = resolveGateway(&failure);
    if (!gateway)
        return fail(failure);
    Dialect dialect = gateway->target.dialect;
    if (dialect == Dialect::Unknown) {
        const auto detected = detectDialect(*gateway, &failure);
        if (!detected)
            return fail(failure);
        dialect = *detected;
    }

    QNetworkAccessManager network;
    WorkflowClient client(&network, gateway->target.baseUrl, dialect,
                          ConnectionPolicy::forTarget(gateway->target, ApiKey(gateway->apiKey)),
                          gateway->target.readOnly || isSet(QStringLiteral("read-only")));
    client.setTargetName(gateway->displayName());
    client.setTimeoutMs(gateway->timeoutMs);
    AuditLog audit(value(QStringLiteral("audit-db")));
    if (action != u"list" && action != u"status") {
        // A change of the platform is recorded, or the operator says it may go unrecorded
        // (#17.6), before anything is sent.
        const bool writable = audit.open() && !audit.isReadOnly();
        if (writable)
            client.setAuditLog(&audit);
        else if (!isSet(QStringLiteral("no-audit")))
            return fail(ExitCode::CouldNotRun,
                        tr("refused: the audit log cannot be written (%1), so this %2 would be "
                           "recorded nowhere. Fix the audit log, or go on with --no-audit.")
                            .arg(audit.errorString(), action),
                        QStringLiteral("audit_unwritable"));
        else
            note(tr("the audit log cannot be written (%1): this %2 is not recorded (--no-audit)")
                     .arg(audit.errorString(), action));
    }
    if (!client.capabilities().available)
        return fail(ExitCode::CouldNotRun, client.unavailableText(),
                    QStringLiteral("no_workflow_api"));

    if (action == u"list")
        return list(client);
    if (action == u"status")
        return status(client, subject);
    if (action == u"launch")
        return launch(client, subject, metadata);
    if (action == u"cancel")
        return cancel(client, subject);
    return rerun(client, subject);
}

int WorkflowsCommand::list(WorkflowClient& client)
{
    const WorkflowResult result = call(client, [&](auto done) {
        client.list(value(QStringLiteral("status")), value(QStringLiteral("type")), 0, done);
    });
    if (!result.ok())
        return failResult(result);
    if (json()) {
        QJsonArray list;
        for (const Workflow& wf : std::as_const(result.workflows))
            list.append(workflowJson(wf));
        printJson(QJsonObject{{QStringLiteral("workflow_api"), true},
                              {QStringLiteral("dialect"), dialectName(client.dialect())},
                              {QStringLiteral("workflows"), list},
                              {QStringLiteral("total"), list.size()}});
        return int(ExitCode::Ok);
    }
    print(QStringLiteral("%1  %2 %3 %4 %5 %6\n")
              .arg(tr("ID"), -12)
              .arg(tr("TYPE"), -22)
              .arg(tr("STATUS"), -10)
              .arg(tr("STEPS"), -6)
              .arg(tr("STARTED"), -9)
              .arg(tr("CURRENT")));
    for (const Workflow& wf : std::as_const(result.workflows))
        print(workflowLine(wf));
    return int(ExitCode::Ok);
}

int WorkflowsCommand::status(WorkflowClient& client, const QString& id)
{
    const WorkflowResult result = call(client, [&](auto done) { client.fetch(id, done); });
    if (!result.ok()) {
        if (result.kind == WorkflowResult::Kind::HttpError && result.httpStatus == 404)
            return fail(ExitCode::CouldNotRun, tr("workflow %1 not found").arg(id),
                        QStringLiteral("not_found"));
        return failResult(result);
    }
    if (json())
        printJson(workflowJson(result.workflow));
    else
        print(workflowDetail(result.workflow));
    return int(ExitCode::Ok);
}

int WorkflowsCommand::launch(WorkflowClient& client, const QString& type,
                             const QJsonObject& metadata)
{
    const WorkflowResult result =
        call(client, [&](auto done) { client.launch(type, metadata, done); });
    if (!result.ok()) {
        // Created but not started (plan): the id is still worth knowing.
        if (!result.workflowId.isEmpty() && !json())
            print(result.workflowId + QLatin1Char('\n'));
        return failResult(result);
    }
    return changed(client, result.workflowId, tr("launched"), result.status);
}

int WorkflowsCommand::cancel(WorkflowClient& client, const QString& id)
{
    const WorkflowResult result = call(client, [&](auto done) { client.cancel(id, done); });
    if (!result.ok())
        return failResult(result);
    return changed(client, id, tr("cancel requested for"), result.status, {}, false);
}

int WorkflowsCommand::rerun(WorkflowClient& client, const QString& id)
{
    // Fetched first: an unknown id is "not found", and the type and metadata are at hand for a
    // gateway without a re-run route.
    const WorkflowResult original = call(client, [&](auto done) { client.fetch(id, done); });
    if (!original.ok()) {
        if (original.kind == WorkflowResult::Kind::HttpError && original.httpStatus == 404)
            return fail(ExitCode::CouldNotRun, tr("workflow %1 not found").arg(id),
                        QStringLiteral("not_found"));
        return failResult(original);
    }
    const WorkflowResult result = call(client, [&](auto done) { client.rerun(id, done); });
    if (result.ok())
        return changed(client, id, tr("re-run started for"), result.status);
    const bool noRoute =
        result.kind == WorkflowResult::Kind::Unsupported ||
        (result.kind == WorkflowResult::Kind::HttpError && result.httpStatus == 404);
    if (!noRoute)
        return failResult(result);
    const Workflow& wf = original.workflow;
    note(tr("the gateway has no re-run route: launching a new %1 workflow with the same "
            "metadata as %2")
             .arg(wf.type, id));
    const WorkflowResult launched =
        call(client, [&](auto done) { client.launch(wf.type, wf.metadata, done); });
    if (!launched.ok())
        return failResult(launched);
    return changed(
        client, launched.workflowId, tr("re-run of %1 launched as").arg(id), launched.status,
        QJsonObject{{QStringLiteral("rerun_of"), id}, {QStringLiteral("relaunched"), true}});
}

int WorkflowsCommand::changed(WorkflowClient& client, const QString& id, const QString& verbDone,
                              const QString& status, const QJsonObject& extra, bool followable)
{
    const bool wait = followable && isSet(QStringLiteral("wait"));
    if (json() && !wait) {
        QJsonObject o{{QStringLiteral("workflow_id"), id}, {QStringLiteral("status"), status}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            o.insert(it.key(), it.value());
        printJson(o);
    } else if (!json()) {
        print(status.isEmpty() ? QStringLiteral("%1 %2\n").arg(verbDone, id)
                               : QStringLiteral("%1 %2 (%3)\n").arg(verbDone, id, status));
        std::fflush(stdout);
    }
    return wait ? follow(client, id) : int(ExitCode::Ok);
}

int WorkflowsCommand::follow(WorkflowClient& client, const QString& id)
{
    WorkflowTracker tracker(&client);
    tracker.setIntervals(200, 1000);
    std::optional<int> exitCode;
    QHash<QString, QString> seen; // step id → status printed
    QString lastStatus;
    Workflow last;
    bool sawCancelled = false;
    int consecutiveFailures = 0;
    QString lastError;
    QObject::connect(&tracker, &WorkflowTracker::updated, &tracker, [&](const Workflow& wf) {
        consecutiveFailures = 0;
        if (wf.id != id)
            return;
        last = wf;
        sawCancelled = sawCancelled || wf.state() == WorkflowState::Cancelled;
        for (int i = 0; i < wf.steps.size(); ++i) {
            const WorkflowStep& s = wf.steps.at(i);
            if (seen.value(s.id) == s.status)
                continue;
            seen.insert(s.id, s.status);
            if (json() || s.state() == WorkflowState::Pending)
                continue;
            QString line = QStringLiteral("%1 step %2/%3 %4 %5")
                               .arg(stepTime(s))
                               .arg(i + 1)
                               .arg(wf.steps.size())
                               .arg(s.name, -22)
                               .arg(s.status);
            if (!s.error.isEmpty())
                line += QStringLiteral("  (%1)").arg(s.error);
            print(line + QLatin1Char('\n'));
        }
        if (wf.status != lastStatus && !json())
            print(tr("%1 workflow %2 %3\n").arg(nowTime(), wf.id, wf.status));
        lastStatus = wf.status;
        std::fflush(stdout);
    });
    QObject::connect(&tracker, &WorkflowTracker::finished, &tracker, [&](const Workflow& wf) {
        if (wf.id != id)
            return;
        if (json())
            printJson(workflowJson(wf));
        else if (sawCancelled && wf.state() == WorkflowState::Completed)
            print(tr("workflow %1 was cancelled, but the gateway later reported completed\n")
                      .arg(wf.id));
        exitCode =
            int(wf.state() == WorkflowState::Completed ? ExitCode::Ok : ExitCode::CheckFailed);
        quitLoop();
    });
    QObject::connect(&tracker, &WorkflowTracker::failed, &tracker, [&](const WorkflowResult& r) {
        lastError = r.error;
        if (!json())
            printError(r.error);
        if (++consecutiveFailures >= 5 || !tracker.isFollowing(id))
            quitLoop();
    });
    tracker.follow(id);
    waitUntil([&] {
        return exitCode.has_value() || consecutiveFailures >= 5 || !tracker.isFollowing(id);
    });
    tracker.stop();
    if (exitCode)
        return *exitCode;
    const QString seenLast = lastStatus.isEmpty() ? tr("never seen")
                                                  : tr("last seen %1, step %2/%3")
                                                        .arg(lastStatus)
                                                        .arg(last.stepsDone())
                                                        .arg(last.totalSteps());
    return fail(ExitCode::CouldNotRun,
                tr("lost the gateway while following %1: its state is unknown (%2): %3")
                    .arg(id, seenLast, lastError),
                QStringLiteral("state_unknown"));
}

} // namespace ops
