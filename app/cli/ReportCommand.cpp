#include "app/cli/ReportCommand.h"

#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/history/HistoryPaths.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/IncidentBook.h"
#include "models/incidents/IncidentReport.h"
#include "models/incidents/StoredSignalHistory.h"
#include "models/incidents/TimeArgument.h"
#include "models/incidents/Timeline.h"
#include "models/targets/TargetStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

#include <algorithm>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("report", text);
}

// A saved target, or one the stores have rows for (the demo's "demo", a --url target), or
// whose history was recorded.
bool knownTarget(const QString& name, const Timeline& timeline, const TargetStore& store)
{
    for (const Target& t : store.targets()) {
        if (t.name == name)
            return true;
    }
    if (!historyFolderOfTarget(defaultHistoryRoot(), name, &store).isEmpty())
        return true;
    TimelineQuery query;
    query.target = name;
    query.notifications = false;
    for (const TimelineEvent& e : timeline.events(query)) {
        if (e.target == name)
            return true;
    }
    return false;
}

// Where the report goes must be a file in a folder that exists: said before any work is done.
std::optional<CliFailure> outputProblem(const QString& path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return CliFailure{ExitCode::CouldNotRun, QStringLiteral("file"),
                          tr("cannot write %1: it is a folder; give a file name").arg(path)};
    const QFileInfo folder(info.absolutePath());
    if (!folder.isDir())
        return CliFailure{ExitCode::CouldNotRun, QStringLiteral("file"),
                          (folder.exists() ? tr("cannot write %1: %2 is a file, not a folder")
                                           : tr("cannot write %1: the folder %2 does not exist"))
                              .arg(path, QDir::toNativeSeparators(folder.filePath()))};
    return std::nullopt;
}

} // namespace

ReportCommand::ReportCommand(IncidentReportRenderer render)
    : CliCommand(QStringLiteral("report"),
                 tr("Writes an incident report (summary, timeline, charts, acknowledgements, "
                    "deploys, verification checks, rollback) as self-contained HTML or an A4 "
                    "PDF. An incident by its number (the Timeline tab lists them), or a time "
                    "range of one target."))
    , m_render(std::move(render))
{
    setSyntax(QStringLiteral("report --target NAME (--incident ID | --from T --to T) --out FILE"));
    addOptions({
        {QStringLiteral("target"), tr("The target's name (saved, or \"demo\")."),
         QStringLiteral("NAME")},
        {QStringLiteral("incident"), tr("The incident's number (Timeline tab)."),
         QStringLiteral("ID")},
        {QStringLiteral("from"),
         tr("Start of the range: ISO 8601 (2026-01-01T12:00:00Z), now, or -15m / -2h / -7d."),
         QStringLiteral("T")},
        {QStringLiteral("to"), tr("End of the range (same forms as --from)."), QStringLiteral("T")},
        {QStringLiteral("format"), tr("html or pdf (default: from the --out file's suffix)."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("out"), tr("The file to write (- for stdout)."), QStringLiteral("FILE")},
    });
    addJsonOption(tr("Print what was written as JSON; errors as {\"error\": ...}."));
}

std::optional<ReportCommand::Request> ReportCommand::parseRequest(qint64 nowMs,
                                                                  CliFailure* failure) const
{
    const auto usage = [&](const QString& message) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"), message};
        return std::nullopt;
    };
    if (!positional().isEmpty())
        return usage(tr("unexpected argument '%1'").arg(positional().constFirst()));
    Request request;
    request.target = value(QStringLiteral("target"));
    request.out = value(QStringLiteral("out"));
    request.format = value(QStringLiteral("format")).toLower();
    if (request.format.isEmpty() && request.out != u"-")
        request.format = QFileInfo(request.out).suffix().toLower();
    if (request.target.isEmpty())
        return usage(tr("--target NAME is required"));
    if (request.out.isEmpty())
        return usage(tr("--out FILE is required"));
    if (request.format != u"html" && request.format != u"pdf")
        return usage(request.format.isEmpty()
                         ? tr("--format must be html or pdf (the --out file has no such suffix)")
                         : tr("--format must be html or pdf, not '%1'").arg(request.format));
    const bool byIncident = isSet(QStringLiteral("incident"));
    const bool byRange = isSet(QStringLiteral("from")) || isSet(QStringLiteral("to"));
    if (byIncident == byRange)
        return usage(tr("give either --incident ID or --from T --to T"));

    if (byIncident) {
        bool ok = false;
        request.incidentId = value(QStringLiteral("incident")).toLongLong(&ok);
        if (!ok || request.incidentId <= 0)
            return usage(tr("--incident takes an incident number, not '%1'")
                             .arg(value(QStringLiteral("incident"))));
        return request;
    }
    if (!isSet(QStringLiteral("from")) || !isSet(QStringLiteral("to")))
        return usage(tr("a range needs both --from and --to"));
    QString error;
    const auto from = parseTimeArgument(value(QStringLiteral("from")), nowMs, &error);
    if (!from)
        return usage(tr("--from: %1").arg(error));
    const auto to = parseTimeArgument(value(QStringLiteral("to")), nowMs, &error);
    if (!to)
        return usage(tr("--to: %1").arg(error));
    if (*to <= *from) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("empty_range"),
                    tr("the range from %1 to %2 is empty: --to must be after --from")
                        .arg(value(QStringLiteral("from")), value(QStringLiteral("to")))};
        return std::nullopt;
    }
    request.fromMs = *from;
    request.toMs = *to;
    return request;
}

std::optional<CliFailure> ReportCommand::openStores(EventStore& events, AlertStore& alerts,
                                                    AuditLog& audit)
{
    const auto cannotRead = [](const QString& message) {
        return CliFailure{ExitCode::CouldNotRun, QStringLiteral("file"), message};
    };
    if (!events.open())
        return cannotRead(tr("cannot read the incident events: %1").arg(events.errorString()));
    if (!alerts.open())
        return cannotRead(tr("cannot read the alert history: %1").arg(alerts.errorString()));
    if (!audit.open())
        return cannotRead(tr("cannot read the audit log: %1").arg(audit.errorString()));
    return std::nullopt;
}

std::optional<IncidentReport> ReportCommand::buildReport(const Request& request, IncidentBook& book,
                                                         const Timeline& timeline,
                                                         const SignalHistory* history, qint64 nowMs,
                                                         CliFailure* failure) const
{
    const auto notFound = [&](const QString& message) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("not_found"), message};
        return std::nullopt;
    };
    if (request.incidentId) {
        const auto incident = book.incident(request.incidentId);
        if (!incident)
            return notFound(tr("there is no incident %1").arg(request.incidentId));
        if (incident->target != request.target)
            return notFound(tr("incident %1 is of target '%2', not '%3'")
                                .arg(request.incidentId)
                                .arg(incident->target, request.target));
        return buildIncidentReport(*incident, timeline, history, nowMs);
    }
    IncidentReport report = buildRangeReport(request.target, request.fromMs, request.toMs, book,
                                             timeline, history, nowMs);
    const bool charted = std::any_of(report.charts.cbegin(), report.charts.cend(),
                                     [](const ReportChart& c) { return c.hasData(); });
    if (report.timeline.isEmpty() && report.incidentCount == 0 && !charted) {
        *failure = {
            ExitCode::CouldNotRun, QStringLiteral("empty_range"),
            tr("nothing was recorded for '%1' from %2 to %3: the report would be "
               "empty")
                .arg(request.target, value(QStringLiteral("from")), value(QStringLiteral("to")))};
        return std::nullopt;
    }
    return report;
}

int ReportCommand::writeReport(const Request& request, const IncidentReport& report)
{
    QString error;
    const std::optional<QByteArray> bytes = m_render(report, request.format, &error);
    if (!bytes)
        return fail(ExitCode::CouldNotRun, error);
    CliFailure failure;
    if (!writeOutput(request.out, *bytes, &failure))
        return fail(failure);
    if (request.out == u"-")
        return int(ExitCode::Ok);
    if (json()) {
        QJsonObject written{{QStringLiteral("out"), QFileInfo(request.out).absoluteFilePath()},
                            {QStringLiteral("format"), request.format},
                            {QStringLiteral("bytes"), double(bytes->size())},
                            {QStringLiteral("target"), request.target},
                            {QStringLiteral("events"), int(report.timeline.size())}};
        if (request.incidentId)
            written.insert(QStringLiteral("incident"), double(request.incidentId));
        printJson(written);
    } else {
        print(tr("incident report written to %1 (%2 KB, %3 timeline events)\n")
                  .arg(request.out)
                  .arg(QString::number(double(bytes->size()) / 1024.0, 'f', 1))
                  .arg(report.timeline.size()));
    }
    return int(ExitCode::Ok);
}

int ReportCommand::execute()
{
    SystemClock clock;
    const qint64 now = clock.nowMs();
    CliFailure failure;
    const auto request = parseRequest(now, &failure);
    if (!request)
        return fail(failure);
    if (request->out != u"-") {
        if (const auto problem = outputProblem(request->out))
            return fail(*problem);
    }
    if (!m_render)
        return fail(ExitCode::CouldNotRun,
                    tr("this program cannot lay reports out; run the console's bhiv-ops"));

    EventStore events;
    AlertStore alerts(AlertStore::defaultPath());
    AuditLog audit;
    if (const auto unreadable = openStores(events, alerts, audit))
        return fail(*unreadable);
    const Timeline timeline(&events, &alerts, &audit);
    TargetStore targets;
    targets.load();
    if (!knownTarget(request->target, timeline, targets))
        return fail(ExitCode::CouldNotRun,
                    tr("unknown target '%1': not a saved target and nothing was recorded for it")
                        .arg(request->target),
                    QStringLiteral("not_found"));
    IncidentBook book(&events, &timeline, &audit, &clock);

    // No live monitor here: the charts and the peaks come from the target's history on disk
    // (read-only; a console recording it goes on). Without one the charts say so and the peaks
    // come from the alerts' values.
    const QString historyRoot = defaultHistoryRoot();
    const StoredSignalHistory history(
        [&](const QString& name) { return historyFolderOfTarget(historyRoot, name, &targets); },
        &clock);
    const auto report = buildReport(*request, book, timeline, &history, now, &failure);
    if (!report)
        return fail(failure);
    for (const QString& problem : history.problems())
        note(problem);
    return writeReport(*request, *report);
}

} // namespace ops
