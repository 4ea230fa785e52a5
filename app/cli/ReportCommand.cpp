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

int ReportCommand::execute()
{
    if (!positional().isEmpty())
        return fail(ExitCode::Usage, tr("unexpected argument '%1'").arg(positional().constFirst()),
                    QStringLiteral("usage"));
    const QString target = value(QStringLiteral("target"));
    const QString out = value(QStringLiteral("out"));
    QString format = value(QStringLiteral("format")).toLower();
    if (format.isEmpty() && out != u"-")
        format = QFileInfo(out).suffix().toLower();
    if (target.isEmpty())
        return fail(ExitCode::Usage, tr("--target NAME is required"), QStringLiteral("usage"));
    if (out.isEmpty())
        return fail(ExitCode::Usage, tr("--out FILE is required"), QStringLiteral("usage"));
    if (format != u"html" && format != u"pdf")
        return fail(ExitCode::Usage,
                    format.isEmpty()
                        ? tr("--format must be html or pdf (the --out file has no such suffix)")
                        : tr("--format must be html or pdf, not '%1'").arg(format),
                    QStringLiteral("usage"));
    const bool byIncident = isSet(QStringLiteral("incident"));
    const bool byRange = isSet(QStringLiteral("from")) || isSet(QStringLiteral("to"));
    if (byIncident == byRange)
        return fail(ExitCode::Usage, tr("give either --incident ID or --from T --to T"),
                    QStringLiteral("usage"));

    SystemClock clock;
    const qint64 now = clock.nowMs();
    qint64 fromMs = 0;
    qint64 toMs = 0;
    qint64 incidentId = 0;
    if (byIncident) {
        bool ok = false;
        incidentId = value(QStringLiteral("incident")).toLongLong(&ok);
        if (!ok || incidentId <= 0)
            return fail(ExitCode::Usage,
                        tr("--incident takes an incident number, not '%1'")
                            .arg(value(QStringLiteral("incident"))),
                        QStringLiteral("usage"));
    } else {
        if (!isSet(QStringLiteral("from")) || !isSet(QStringLiteral("to")))
            return fail(ExitCode::Usage, tr("a range needs both --from and --to"),
                        QStringLiteral("usage"));
        QString error;
        const auto from = parseTimeArgument(value(QStringLiteral("from")), now, &error);
        if (!from)
            return fail(ExitCode::Usage, tr("--from: %1").arg(error), QStringLiteral("usage"));
        const auto to = parseTimeArgument(value(QStringLiteral("to")), now, &error);
        if (!to)
            return fail(ExitCode::Usage, tr("--to: %1").arg(error), QStringLiteral("usage"));
        if (*to <= *from)
            return fail(ExitCode::CouldNotRun,
                        tr("the range from %1 to %2 is empty: --to must be after --from")
                            .arg(value(QStringLiteral("from")), value(QStringLiteral("to"))),
                        QStringLiteral("empty_range"));
        fromMs = *from;
        toMs = *to;
    }
    if (out != u"-") {
        if (const auto problem = outputProblem(out))
            return fail(*problem);
    }
    if (!m_render)
        return fail(ExitCode::CouldNotRun,
                    tr("this program cannot lay reports out; run the console's bhiv-ops"));

    EventStore events;
    AlertStore alerts(AlertStore::defaultPath());
    AuditLog audit;
    if (!events.open())
        return fail(ExitCode::CouldNotRun,
                    tr("cannot read the incident events: %1").arg(events.errorString()),
                    QStringLiteral("file"));
    if (!alerts.open())
        return fail(ExitCode::CouldNotRun,
                    tr("cannot read the alert history: %1").arg(alerts.errorString()),
                    QStringLiteral("file"));
    if (!audit.open())
        return fail(ExitCode::CouldNotRun,
                    tr("cannot read the audit log: %1").arg(audit.errorString()),
                    QStringLiteral("file"));
    const Timeline timeline(&events, &alerts, &audit);
    TargetStore targets;
    targets.load();
    if (!knownTarget(target, timeline, targets))
        return fail(ExitCode::CouldNotRun,
                    tr("unknown target '%1': not a saved target and nothing was recorded for it")
                        .arg(target),
                    QStringLiteral("not_found"));
    IncidentBook book(&events, &timeline, &audit, &clock);

    // No live monitor here: the charts and the peaks come from the target's history on disk
    // (read-only; a console recording it goes on). Without one the charts say so and the peaks
    // come from the alerts' values.
    const QString historyRoot = defaultHistoryRoot();
    const StoredSignalHistory history(
        [&](const QString& name) { return historyFolderOfTarget(historyRoot, name, &targets); },
        &clock);
    IncidentReport report;
    if (byIncident) {
        const auto incident = book.incident(incidentId);
        if (!incident)
            return fail(ExitCode::CouldNotRun, tr("there is no incident %1").arg(incidentId),
                        QStringLiteral("not_found"));
        if (incident->target != target)
            return fail(ExitCode::CouldNotRun,
                        tr("incident %1 is of target '%2', not '%3'")
                            .arg(incidentId)
                            .arg(incident->target, target),
                        QStringLiteral("not_found"));
        report = buildIncidentReport(*incident, timeline, &history, now);
    } else {
        report = buildRangeReport(target, fromMs, toMs, book, timeline, &history, now);
        const bool charted = std::any_of(report.charts.cbegin(), report.charts.cend(),
                                         [](const ReportChart& c) { return c.hasData(); });
        if (report.timeline.isEmpty() && report.incidentCount == 0 && !charted)
            return fail(
                ExitCode::CouldNotRun,
                tr("nothing was recorded for '%1' from %2 to %3: the report would be "
                   "empty")
                    .arg(target, value(QStringLiteral("from")), value(QStringLiteral("to"))),
                QStringLiteral("empty_range"));
    }
    for (const QString& problem : history.problems())
        note(problem);
    QString error;
    const std::optional<QByteArray> bytes = m_render(report, format, &error);
    if (!bytes)
        return fail(ExitCode::CouldNotRun, error);
    CliFailure failure;
    if (!writeOutput(out, *bytes, &failure))
        return fail(failure);
    if (out == u"-")
        return int(ExitCode::Ok);
    if (json()) {
        QJsonObject written{{QStringLiteral("out"), QFileInfo(out).absoluteFilePath()},
                            {QStringLiteral("format"), format},
                            {QStringLiteral("bytes"), double(bytes->size())},
                            {QStringLiteral("target"), target},
                            {QStringLiteral("events"), int(report.timeline.size())}};
        if (incidentId)
            written.insert(QStringLiteral("incident"), double(incidentId));
        printJson(written);
    } else {
        print(tr("incident report written to %1 (%2 KB, %3 timeline events)\n")
                  .arg(out)
                  .arg(QString::number(double(bytes->size()) / 1024.0, 'f', 1))
                  .arg(report.timeline.size()));
    }
    return int(ExitCode::Ok);
}

} // namespace ops
