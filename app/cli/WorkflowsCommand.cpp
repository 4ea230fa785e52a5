#include "app/cli/WorkflowsCommand.h"

#include "models/audit/AuditLog.h"
#include "models/domain/Dialect.h"
#include "models/health/HealthDecoder.h"
#include "models/itemmodels/WorkflowListModel.h"
#include "models/net/Poller.h"
#include "models/workflows/WorkflowClient.h"
#include "models/workflows/WorkflowTracker.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace {

enum Exit { ExitOk = 0, ExitWorkflowFailed = 1, ExitError = 2, ExitUsage = 3 };

QString tr(const char* text)
{
    return QCoreApplication::translate("WorkflowsCommand", text);
}

void out(const QString& text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void err(const QString& text)
{
    std::fprintf(stderr, "bhiv-ops: %s\n", text.toLocal8Bit().constData());
}

// Everything a workflow verb needs to reach a gateway. The targets work adds --target NAME here:
// buildConnection is the one place that turns options into a connection.
struct WorkflowConnection {
    QUrl url;
    ops::Dialect dialect = ops::Dialect::Unknown; // Unknown: detect from /health/detailed
    QByteArray apiKey;
    bool readOnly = false;
    QString targetName;
    int timeoutMs = 15000;
    QString auditPath; // empty: the default audit log
};

void addConnectionOptions(QCommandLineParser& parser)
{
    parser.addOptions({
        {QStringLiteral("url"), tr("Gateway base URL."), QStringLiteral("URL")},
        {QStringLiteral("dialect"),
         tr("Gateway dialect: plan, modular or monolith (default: detect)."),
         QStringLiteral("DIALECT")},
        {QStringLiteral("api-key-stdin"), tr("Read the API key (Bearer) from standard input.")},
        {QStringLiteral("read-only"), tr("Treat the target as read-only (refuse changes).")},
        {QStringLiteral("timeout"), tr("Seconds to wait for each answer (default 15)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("audit-db"), tr("Audit log file (default: the console's)."),
         QStringLiteral("FILE")},
    });
}

std::optional<WorkflowConnection> buildConnection(const QCommandLineParser& parser, QString* error)
{
    WorkflowConnection c;
    if (!parser.isSet(QStringLiteral("url"))) {
        *error = tr("say which gateway: --url URL");
        return std::nullopt;
    }
    c.url = QUrl::fromUserInput(parser.value(QStringLiteral("url")));
    if (!c.url.isValid() || (c.url.scheme() != u"http" && c.url.scheme() != u"https")) {
        *error = tr("--url needs an http(s) URL");
        return std::nullopt;
    }
    c.targetName = c.url.toString(QUrl::RemoveUserInfo);
    if (parser.isSet(QStringLiteral("dialect"))) {
        const auto d = ops::dialectFromName(parser.value(QStringLiteral("dialect")));
        if (!d || *d == ops::Dialect::Unknown) {
            *error = tr("--dialect is plan, modular or monolith");
            return std::nullopt;
        }
        c.dialect = *d;
    }
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const double s = parser.value(QStringLiteral("timeout")).toDouble(&ok);
        if (!ok || s <= 0 || s > 600) {
            *error = tr("--timeout takes 0.1 to 600 seconds");
            return std::nullopt;
        }
        c.timeoutMs = static_cast<int>(s * 1000);
    }
    if (parser.isSet(QStringLiteral("api-key-stdin"))) {
        std::string line;
        std::getline(std::cin, line);
        c.apiKey = QByteArray::fromStdString(line).trimmed();
    }
    c.readOnly = parser.isSet(QStringLiteral("read-only"));
    c.auditPath = parser.value(QStringLiteral("audit-db"));
    return c;
}

// One GET /health/detailed to learn the dialect (the monolith takes a second to answer).
ops::Dialect detectDialect(QNetworkAccessManager& network, const WorkflowConnection& c)
{
    QUrl url = c.url;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QStringLiteral("/health/detailed"));
    QNetworkRequest request(url);
    if (!c.apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + c.apiKey);
    QNetworkReply* reply = network.get(request);
    QEventLoop loop;
    QTimer::singleShot(std::max(c.timeoutMs, 3000), &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (!reply->isFinished()) {
        reply->abort();
        reply->deleteLater();
        return ops::Dialect::Unknown;
    }
    const QByteArray body = reply->readAll();
    const QString version = QString::fromUtf8(reply->rawHeader("X-Gateway-Version"));
    reply->deleteLater();
    const ops::HealthDecodeResult health = ops::decodeHealth(body);
    return ops::detectDialect(health.ok ? std::optional(health.snapshot) : std::nullopt, {}, {},
                              version);
}

QJsonObject workflowJson(const ops::Workflow& wf)
{
    QJsonArray steps;
    for (const ops::WorkflowStep& s : wf.steps) {
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

QString workflowLine(const ops::Workflow& wf)
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

void printWorkflowDetail(const ops::Workflow& wf)
{
    QString text;
    text += tr("workflow: %1\ntype:     %2\nstatus:   %3\nsteps:    %4/%5\n")
                .arg(wf.id, wf.type, wf.status)
                .arg(wf.stepsDone())
                .arg(wf.totalSteps());
    const qint64 d = wf.durationMs(QDateTime::currentMSecsSinceEpoch());
    if (d >= 0)
        text += tr("duration: %1\n").arg(ops::formatDurationMs(d));
    for (int i = 0; i < wf.steps.size(); ++i) {
        const ops::WorkflowStep& s = wf.steps.at(i);
        text += QStringLiteral("  %1. %2 %3").arg(i + 1).arg(s.name, -22).arg(s.status);
        if (!s.error.isEmpty())
            text += QStringLiteral("  (%1)").arg(s.error);
        text += QLatin1Char('\n');
    }
    out(text);
}

int errorExit(const ops::WorkflowResult& r)
{
    err(r.error);
    return ExitError;
}

// Follows one workflow to its end, printing each step as it changes.
int follow(ops::WorkflowClient& client, const QString& id, bool json)
{
    ops::WorkflowTracker tracker(&client);
    tracker.setIntervals(200, 2000);
    QEventLoop loop;
    int exitCode = ExitError;
    QHash<QString, QString> seen; // step id → status printed
    QString lastStatus;
    bool sawCancelled = false;
    int consecutiveFailures = 0;
    QObject::connect(&tracker, &ops::WorkflowTracker::updated, &loop, [&](const ops::Workflow& wf) {
        consecutiveFailures = 0;
        if (wf.id != id)
            return;
        if (wf.state() == ops::WorkflowState::Cancelled)
            sawCancelled = true;
        for (int i = 0; i < wf.steps.size(); ++i) {
            const ops::WorkflowStep& s = wf.steps.at(i);
            if (seen.value(s.id) == s.status)
                continue;
            seen.insert(s.id, s.status);
            if (json || s.state() == ops::WorkflowState::Pending)
                continue;
            QString line = QStringLiteral("%1 step %2/%3 %4 %5")
                               .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz")))
                               .arg(i + 1)
                               .arg(wf.steps.size())
                               .arg(s.name, -22)
                               .arg(s.status);
            if (!s.error.isEmpty())
                line += QStringLiteral("  (%1)").arg(s.error);
            out(line + QLatin1Char('\n'));
        }
        if (wf.status != lastStatus && !json)
            out(tr("%1 workflow %2 %3\n")
                    .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz")), wf.id,
                         wf.status));
        lastStatus = wf.status;
    });
    QObject::connect(
        &tracker, &ops::WorkflowTracker::finished, &loop, [&](const ops::Workflow& wf) {
            if (wf.id != id)
                return;
            const ops::WorkflowState state = wf.state();
            if (json)
                out(QString::fromUtf8(QJsonDocument(workflowJson(wf)).toJson()));
            else if (sawCancelled && state == ops::WorkflowState::Completed)
                out(tr("workflow %1 was cancelled, but the gateway later reported "
                       "completed\n")
                        .arg(wf.id));
            exitCode = state == ops::WorkflowState::Completed ? ExitOk : ExitWorkflowFailed;
            loop.quit();
        });
    QObject::connect(&tracker, &ops::WorkflowTracker::failed, &loop,
                     [&](const ops::WorkflowResult& r) {
                         err(r.error);
                         if (++consecutiveFailures >= 5 || !tracker.isFollowing(id)) {
                             exitCode = ExitError;
                             loop.quit();
                         }
                     });
    tracker.follow(id);
    loop.exec();
    return exitCode;
}

} // namespace

int runWorkflowsCommand(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Workflows on a BHIV gateway: list, launch, status, cancel, rerun."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("verb"),
                                 tr("list | launch TYPE | status ID | cancel ID | rerun ID"));
    addConnectionOptions(parser);
    parser.addOptions({
        {QStringLiteral("json"), tr("Print JSON.")},
        {QStringLiteral("metadata"), tr("Metadata of the launch, a JSON object."),
         QStringLiteral("JSON")},
        {QStringLiteral("wait"),
         tr("Follow the workflow to its end; exit 0 completed, 1 failed or cancelled.")},
        {QStringLiteral("status"), tr("list: only workflows with this status."),
         QStringLiteral("STATUS")},
        {QStringLiteral("type"), tr("list: only workflows of this type."), QStringLiteral("TYPE")},
    });
    QStringList args = arguments;
    if (args.size() >= 2)
        args.removeAt(1); // "workflows"
    if (!parser.parse(args)) {
        err(parser.errorText());
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    const QString verb = positional.value(0);
    const QString subject = positional.value(1);
    const QStringList verbs{QStringLiteral("list"), QStringLiteral("launch"),
                            QStringLiteral("status"), QStringLiteral("cancel"),
                            QStringLiteral("rerun")};
    if (!verbs.contains(verb)) {
        err(tr("workflows takes one of: %1").arg(verbs.join(QStringLiteral(", "))));
        return ExitUsage;
    }
    if (verb != u"list" && subject.isEmpty()) {
        err(verb == u"launch" ? tr("workflows launch needs a TYPE")
                              : tr("workflows %1 needs a workflow ID").arg(verb));
        return ExitUsage;
    }
    QJsonObject metadata;
    if (parser.isSet(QStringLiteral("metadata"))) {
        QJsonParseError pe{};
        const QJsonDocument doc =
            QJsonDocument::fromJson(parser.value(QStringLiteral("metadata")).toUtf8(), &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            err(tr("--metadata is not a JSON object (%1 at offset %2)")
                    .arg(pe.error != QJsonParseError::NoError ? pe.errorString()
                                                              : tr("not an object"))
                    .arg(pe.offset));
            return ExitUsage;
        }
        metadata = doc.object();
    }
    QString error;
    const auto connection = buildConnection(parser, &error);
    if (!connection) {
        err(error);
        return ExitUsage;
    }
    const bool json = parser.isSet(QStringLiteral("json"));

    QNetworkAccessManager network;
    ops::Dialect dialect = connection->dialect;
    if (dialect == ops::Dialect::Unknown)
        dialect = detectDialect(network, *connection);
    if (dialect == ops::Dialect::Unknown) {
        err(tr("could not tell the gateway's dialect from %1; say it with --dialect")
                .arg(connection->url.toString()));
        return ExitError;
    }
    ops::WorkflowClient client(&network, connection->url, dialect, connection->apiKey,
                               connection->readOnly);
    client.setTargetName(connection->targetName);
    client.setTimeoutMs(connection->timeoutMs);
    ops::AuditLog audit(connection->auditPath);
    const bool changes = verb == u"launch" || verb == u"cancel" || verb == u"rerun";
    if (changes) {
        if (audit.open())
            client.setAuditLog(&audit);
        else
            err(tr("audit log unavailable: %1").arg(audit.errorString()));
    }

    if (!client.capabilities().available) {
        if (verb == u"list") {
            if (json)
                out(QString::fromUtf8(
                    QJsonDocument(QJsonObject{{QStringLiteral("workflow_api"), false},
                                              {QStringLiteral("dialect"), dialectName(dialect)},
                                              {QStringLiteral("message"), client.unavailableText()},
                                              {QStringLiteral("workflows"), QJsonArray{}}})
                        .toJson()));
            else
                out(client.unavailableText() + QLatin1Char('\n'));
            return ExitOk;
        }
    }

    QEventLoop loop;
    ops::WorkflowResult result;
    auto finish = [&](const ops::WorkflowResult& r) {
        result = r;
        loop.quit();
    };
    auto run = [&](auto call) {
        call();
        if (client.pending() > 0)
            loop.exec();
    };

    if (verb == u"list") {
        run([&] {
            client.list(parser.value(QStringLiteral("status")),
                        parser.value(QStringLiteral("type")), 0, finish);
        });
        if (!result.ok())
            return errorExit(result);
        if (json) {
            QJsonArray list;
            for (const ops::Workflow& wf : std::as_const(result.workflows))
                list.append(workflowJson(wf));
            out(QString::fromUtf8(
                QJsonDocument(QJsonObject{{QStringLiteral("workflow_api"), true},
                                          {QStringLiteral("dialect"), dialectName(dialect)},
                                          {QStringLiteral("workflows"), list},
                                          {QStringLiteral("total"), list.size()}})
                    .toJson()));
        } else {
            out(QStringLiteral("%1  %2 %3 %4 %5 %6\n")
                    .arg(tr("ID"), -12)
                    .arg(tr("TYPE"), -22)
                    .arg(tr("STATUS"), -10)
                    .arg(tr("STEPS"), -6)
                    .arg(tr("STARTED"), -9)
                    .arg(tr("CURRENT")));
            for (const ops::Workflow& wf : std::as_const(result.workflows))
                out(workflowLine(wf));
        }
        return ExitOk;
    }
    if (verb == u"status") {
        run([&] { client.fetch(subject, finish); });
        if (!result.ok())
            return errorExit(result);
        if (json)
            out(QString::fromUtf8(QJsonDocument(workflowJson(result.workflow)).toJson()));
        else
            printWorkflowDetail(result.workflow);
        return ExitOk;
    }
    if (verb == u"launch") {
        run([&] { client.launch(subject, metadata, finish); });
    } else if (verb == u"cancel") {
        run([&] { client.cancel(subject, finish); });
    } else {
        run([&] { client.rerun(subject, finish); });
    }
    if (!result.ok()) {
        if (!result.workflowId.isEmpty() && verb == u"launch")
            out(result.workflowId + QLatin1Char('\n'));
        return errorExit(result);
    }
    const QString id = result.workflowId.isEmpty() ? subject : result.workflowId;
    if (!json || !parser.isSet(QStringLiteral("wait"))) {
        if (json)
            out(QString::fromUtf8(
                QJsonDocument(QJsonObject{{QStringLiteral("workflow_id"), id},
                                          {QStringLiteral("status"), result.status}})
                    .toJson()));
        else if (verb == u"launch")
            out(tr("launched %1 (%2)\n").arg(id, result.status));
        else if (verb == u"cancel")
            out(tr("cancel requested for %1 (%2)\n").arg(id, result.status));
        else
            out(tr("re-run started for %1 (%2)\n").arg(id, result.status));
    }
    if (parser.isSet(QStringLiteral("wait")) && verb != u"cancel")
        return follow(client, id, json);
    return ExitOk;
}

int runWorkflowsMain(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    return runWorkflowsCommand(app.arguments());
}
