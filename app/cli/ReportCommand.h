#pragma once

#include "app/cli/CliCommand.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace ops {

class AlertStore;
class AuditLog;
class EventStore;
class IncidentBook;
class SignalHistory;
class Timeline;
struct IncidentReport;

// Lays a report out as format ("html" or "pdf"): the file's bytes, or nullopt with *error. The
// console binary passes ui/incidents' renderer in (app/cli has no widgets; the charts need them).
using IncidentReportRenderer = std::function<std::optional<QByteArray>(
    const IncidentReport& report, const QString& format, QString* error)>;

// `bhiv-ops report --target NAME (--incident ID | --from T --to T) [--format html|pdf]
//  --out FILE [--json]`. T: ISO 8601, now, or -15m / -2h / -7d. Reads events.sqlite,
// alerts.sqlite and audit.sqlite. Exit 0 when written; 3 for a wrong command line; 2 with a
// clear error for an empty range, an unknown target or incident, or an output that cannot be
// written, and then no file is left behind.
class ReportCommand : public CliCommand {
public:
    explicit ReportCommand(IncidentReportRenderer render);

protected:
    int execute() override;

private:
    // What the command line asks for: an incident (incidentId) or a range (fromMs, toMs).
    struct Request {
        QString target;
        QString out;
        QString format; // html or pdf
        qint64 incidentId = 0;
        qint64 fromMs = 0;
        qint64 toMs = 0;
    };
    std::optional<Request> parseRequest(qint64 nowMs, CliFailure* failure) const;
    static std::optional<CliFailure> openStores(EventStore& events, AlertStore& alerts,
                                                AuditLog& audit);
    // The incident's report, or the range's (refused when nothing at all was recorded in it).
    std::optional<IncidentReport> buildReport(const Request& request, IncidentBook& book,
                                              const Timeline& timeline,
                                              const SignalHistory* history, qint64 nowMs,
                                              CliFailure* failure) const;
    // Lays the report out, writes it, and says what was written.
    int writeReport(const Request& request, const IncidentReport& report);

    IncidentReportRenderer m_render;
};

} // namespace ops
