#include "app/cli/HistoryCommand.h"

#include "models/domain/Clock.h"
#include "models/history/HistoryExport.h"
#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/incidents/TimeArgument.h"
#include "models/targets/TargetStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("history", text);
}

QString isoText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

// The format a file's suffix names, when --format is not given.
QString formatFromSuffix(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"csv" || suffix == u"json")
        return suffix;
    if (suffix == u"om" || suffix == u"openmetrics" || suffix == u"prom" || suffix == u"txt")
        return QStringLiteral("openmetrics");
    return {};
}

} // namespace

HistoryCommand::HistoryCommand()
    : CliCommand(
          QStringLiteral("history"),
          tr("Exports a time range of a target's recorded history (the charts' signals and "
             "the per-endpoint series) as CSV, JSON or OpenMetrics. The history is opened "
             "read-only: a console watching the target keeps recording.\n\n"
             "Resolution: raw poll values where they are still kept (48 h by default); "
             "before them, the 1-minute rollups, as four series per signal labelled "
             "rollup=\"min\", \"max\", \"avg\" and \"last\" (stamped at the start of their "
             "minute). Raw series have no rollup label.\n"
             "Units: each value's unit is named in the output: the CSV's unit column, the "
             "JSON's \"unit\", and OpenMetrics # HELP (and # UNIT where the metric name ends "
             "in it, e.g. _bytes). Times: CSV time_utc (ISO 8601) and time_ms, JSON ms since "
             "the epoch, OpenMetrics seconds.\n"
             "Gaps (a missed poll): left out in OpenMetrics, an empty value in CSV, null in "
             "JSON. +Inf/-Inf are kept (\"+Inf\"/\"-Inf\" strings in JSON).\n"
             "CSV columns: time_utc,time_ms,series,resolution,unit,value.\n"
             "OpenMetrics imports into Prometheus with: promtool tsdb create-blocks-from "
             "openmetrics FILE DIR"))
{
    setSyntax(QStringLiteral("history export --target NAME --from T [--to T] "
                             "--format csv|json|openmetrics [--output FILE]"));
    addOptions({
        {QStringLiteral("target"),
         tr("The target's name: a saved target (bhiv-ops targets list), or one watched "
            "unsaved (--url, --demo: \"demo\")."),
         QStringLiteral("NAME")},
        {QStringLiteral("from"),
         tr("Start of the range (included): ISO 8601 (2026-12-05T06:00:00Z, or with an "
            "offset: 2026-12-05T07:00:00+01:00), now, or back from now: -15m, -2h, -7d."),
         QStringLiteral("T")},
        {QStringLiteral("to"), tr("End of the range (included; same forms; default now)."),
         QStringLiteral("T"), QStringLiteral("now")},
        {QStringLiteral("format"),
         tr("csv, json or openmetrics (default: from the --output file's suffix: .csv, "
            ".json, .om/.prom; else csv)."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("output"), tr("The file to write (default -: stdout)."),
         QStringLiteral("FILE"), QStringLiteral("-")},
        {QStringLiteral("data-dir"),
         tr("The console's data folder; history is read from its history/ folder (default: "
            "%1).")
             .arg(QDir::toNativeSeparators(QFileInfo(defaultHistoryRoot()).path())),
         QStringLiteral("DIR")},
        {QStringLiteral("history-dir"),
         tr("Read this one target's history folder instead of --target."),
         QStringLiteral("FOLDER")},
    });
}

int HistoryCommand::execute()
{
    const QStringList args = positional();
    if (args.isEmpty())
        return fail(ExitCode::Usage, tr("say what to do: history export (--help)"),
                    QStringLiteral("usage"));
    if (args.constFirst() != u"export")
        return fail(ExitCode::Usage,
                    tr("unknown action '%1'; the action is export").arg(args.constFirst()),
                    QStringLiteral("usage"));
    if (args.size() > 1)
        return fail(ExitCode::Usage, tr("unexpected argument '%1'").arg(args.at(1)),
                    QStringLiteral("usage"));
    return exportHistory();
}

int HistoryCommand::exportHistory()
{
    const QString output = value(QStringLiteral("output"));
    CliFailure failure;
    const auto format = exportFormat(output, &failure);
    if (!format)
        return fail(failure);
    if (!checkSourceOptions(&failure))
        return fail(failure);
    SystemClock clock;
    const auto range = parseRange(clock.nowMs(), &failure);
    if (!range)
        return fail(failure);
    const auto [from, to] = *range;
    const auto source = resolveSource(&failure);
    if (!source)
        return fail(failure);
    if (!checkOutputPath(output, &failure))
        return fail(failure);

    HistoryExport data;
    data.fromMs = from;
    data.toMs = to;
    if (QFileInfo(source->folder).isDir()) {
        HistoryStore store(source->folder, &clock);
        if (!store.open(true))
            return fail(
                ExitCode::CouldNotRun,
                tr("cannot read the history of %1: %2").arg(source->name, store.modeReason()),
                QStringLiteral("file"));
        QString error;
        auto collected = collectHistoryExport(store, from, to, 100'000'000, &error);
        if (!collected)
            return fail(ExitCode::CouldNotRun, error, QStringLiteral("too_large"));
        data = std::move(*collected);
        store.close();
    }
    for (const QString& problem : std::as_const(data.problems))
        printError(problem);
    if (data.empty())
        printError(tr("nothing was recorded for %1 from %2 to %3: the export is empty")
                       .arg(source->name, isoText(from), isoText(to)));

    if (!writeOutput(output, formatHistoryExport(data, *format, source->name), &failure))
        return fail(failure);
    if (output != u"-")
        note(tr("%1 values of %2 series (%3 raw points, %4 rollup points, %5 of them gaps) written "
                "to "
                "%6")
                 .arg(data.points() - data.gaps)
                 .arg(data.series.size())
                 .arg(data.rawPoints)
                 .arg(data.rollupPoints)
                 .arg(data.gaps)
                 .arg(output));
    return int(ExitCode::Ok);
}

std::optional<HistoryExportFormat> HistoryCommand::exportFormat(const QString& output,
                                                                CliFailure* failure) const
{
    QString formatName = value(QStringLiteral("format"));
    if (formatName.isEmpty())
        formatName = output == u"-" ? QString() : formatFromSuffix(output);
    if (formatName.isEmpty())
        formatName = QStringLiteral("csv");
    const auto format = historyExportFormatFromName(formatName);
    if (!format)
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("--format must be csv, json or openmetrics, not '%1'").arg(formatName)};
    return format;
}

bool HistoryCommand::checkSourceOptions(CliFailure* failure) const
{
    const bool hasTarget = isSet(QStringLiteral("target"));
    const bool hasFolder = isSet(QStringLiteral("history-dir"));
    if (hasTarget == hasFolder) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    hasTarget ? tr("give --target or --history-dir, not both")
                              : tr("say whose history: --target NAME (or --history-dir FOLDER)")};
        return false;
    }
    if (hasFolder && isSet(QStringLiteral("data-dir"))) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("--data-dir goes with --target, not --history-dir")};
        return false;
    }
    if (!isSet(QStringLiteral("from"))) {
        *failure = {ExitCode::Usage, QStringLiteral("usage"),
                    tr("--from T is required (e.g. --from -1h)")};
        return false;
    }
    return true;
}

std::optional<std::pair<qint64, qint64>> HistoryCommand::parseRange(qint64 now,
                                                                    CliFailure* failure) const
{
    QString error;
    const auto from = parseTimeArgument(value(QStringLiteral("from")), now, &error);
    if (!from) {
        *failure = {ExitCode::Usage, QStringLiteral("bad_time"), tr("--from: %1").arg(error)};
        return std::nullopt;
    }
    const auto to = parseTimeArgument(value(QStringLiteral("to")), now, &error);
    if (!to) {
        *failure = {ExitCode::Usage, QStringLiteral("bad_time"), tr("--to: %1").arg(error)};
        return std::nullopt;
    }
    if (*to < *from) {
        *failure = {ExitCode::Usage, QStringLiteral("bad_time"),
                    tr("--to (%1) is before --from (%2)").arg(isoText(*to), isoText(*from))};
        return std::nullopt;
    }
    return std::make_pair(*from, *to);
}

std::optional<HistoryCommand::Source> HistoryCommand::resolveSource(CliFailure* failure) const
{
    Source s;
    if (isSet(QStringLiteral("history-dir"))) {
        s.folder = value(QStringLiteral("history-dir"));
        s.name = QFileInfo(s.folder).fileName();
        if (!QFileInfo(s.folder).isDir()) {
            *failure = {ExitCode::CouldNotRun, QStringLiteral("not_found"),
                        tr("no history folder %1").arg(QDir::toNativeSeparators(s.folder))};
            return std::nullopt;
        }
        return s;
    }
    s.name = value(QStringLiteral("target"));
    const QString root = isSet(QStringLiteral("data-dir"))
                             ? value(QStringLiteral("data-dir")) + QStringLiteral("/history")
                             : defaultHistoryRoot();
    TargetStore targets;
    QString error;
    if (!targets.load(&error)) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("file"), error};
        return std::nullopt;
    }
    s.folder = historyFolderOfTarget(root, s.name, &targets);
    if (s.folder.isEmpty()) {
        *failure = {ExitCode::Usage, QStringLiteral("not_found"),
                    tr("unknown target '%1': not a saved target (bhiv-ops targets list) and "
                       "no history was recorded under that name in %2")
                        .arg(s.name, QDir::toNativeSeparators(root))};
        return std::nullopt;
    }
    return s;
}

bool HistoryCommand::checkOutputPath(const QString& output, CliFailure* failure) const
{
    if (output == u"-")
        return true;
    const QFileInfo info(output);
    if (info.isDir()) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("file"),
                    tr("cannot write %1: it is a folder; give a file name").arg(output)};
        return false;
    }
    if (!QFileInfo(info.absolutePath()).isDir()) {
        *failure = {ExitCode::CouldNotRun, QStringLiteral("file"),
                    tr("cannot write %1: the folder %2 does not exist")
                        .arg(output, QDir::toNativeSeparators(info.absolutePath()))};
        return false;
    }
    return true;
}

} // namespace ops
