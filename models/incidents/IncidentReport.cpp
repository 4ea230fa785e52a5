#include "models/incidents/IncidentReport.h"

#include "models/alerts/AlertRule.h"
#include "models/audit/AuditLog.h"
#include "models/deploy/DeployAudit.h"
#include "models/incidents/IncidentBook.h"
#include "models/incidents/Timeline.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace ops {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::IncidentReport", text);
}

double maxOf(const QList<SignalPoint>& points)
{
    double best = std::numeric_limits<double>::quiet_NaN();
    for (const SignalPoint& p : points) {
        if (!std::isnan(p.value) && (std::isnan(best) || p.value > best))
            best = p.value;
    }
    return best;
}

ReportSeries seriesOf(const SignalHistory* history, const QString& target, SignalId signal,
                      const QString& name, double scale, qint64 fromMs, qint64 toMs)
{
    ReportSeries s;
    s.name = name;
    s.scale = scale;
    if (history)
        s.points = history->points(target, signal, fromMs, toMs);
    return s;
}

QList<ReportChart> chartsFor(const SignalHistory* history, const QString& target, qint64 fromMs,
                             qint64 toMs)
{
    ReportChart latency{tr("Response time"), QStringLiteral("ms"), {}};
    latency.series << seriesOf(history, target, SignalId::LatencyAvg, tr("average"), 1000.0, fromMs,
                               toMs)
                   << seriesOf(history, target, SignalId::LatencyP95, tr("p95"), 1000.0, fromMs,
                               toMs);
    ReportChart errors{tr("Error rate"), QStringLiteral("%"), {}};
    errors.series << seriesOf(history, target, SignalId::ErrorRatio, tr("5xx share"), 100.0, fromMs,
                              toMs);
    ReportChart requests{tr("Request rate"), QStringLiteral("req/s"), {}};
    requests.series << seriesOf(history, target, SignalId::RequestRate, tr("requests"), 1.0, fromMs,
                                toMs);
    return {latency, errors, requests};
}

// The actions and their details, from the events the report covers.
void collectActions(IncidentReport& report)
{
    for (const TimelineEvent& e : report.timeline) {
        const std::optional<DeployAction> deploy = deployActionFromName(e.kind);
        if (e.kind == QLatin1String("alert.ack")) {
            report.acks << e;
        } else if (deploy == DeployAction::Trigger || deploy == DeployAction::Hook ||
                   deploy == DeployAction::Finished) {
            report.deploys << e;
        } else if (deploy == DeployAction::Rollback || deploy == DeployAction::RollbackFinished) {
            report.rollbacks << e;
        } else if (deploy == DeployAction::Verify) {
            ReportVerification v;
            v.timeMs = e.timeMs;
            v.actor = e.actor;
            v.result = e.result;
            v.summary = e.details.value(QStringLiteral("summary")).toString();
            for (const QJsonValue& c : e.details.value(QStringLiteral("checks")).toArray()) {
                const QJsonObject o = c.toObject();
                v.checks << ReportCheck{o.value(QStringLiteral("name")).toString(),
                                        o.value(QStringLiteral("result")).toString(),
                                        o.value(QStringLiteral("detail")).toString()};
            }
            report.verifications << v;
        }
    }
}

void fillPeaks(IncidentReport& report, const Timeline& timeline)
{
    for (const ReportChart& chart : report.charts) {
        for (const ReportSeries& s : chart.series) {
            const double peak = maxOf(s.points) * s.scale;
            if (std::isnan(peak))
                continue;
            if (chart.unit == QLatin1String("ms") && s.name == tr("average"))
                report.peakLatencyMs = peak;
            else if (chart.unit == QLatin1String("%"))
                report.peakErrorRatePercent = peak;
        }
    }
    // No history: the alerts' own values are the best figures there are.
    for (SignalPeak& p : report.peaks) {
        p.signal = timeline.signalOf(p.rule);
        if (std::isnan(p.value))
            continue;
        if (std::isnan(report.peakLatencyMs) &&
            p.signal == QLatin1String(AlertSignals::AvgResponseTime))
            report.peakLatencyMs = p.value * 1000.0;
        if (std::isnan(report.peakErrorRatePercent) &&
            p.signal == QLatin1String(AlertSignals::ErrorRate))
            report.peakErrorRatePercent = p.value * 100.0;
    }
}

} // namespace

bool ReportChart::hasData() const
{
    for (const ReportSeries& s : series) {
        if (!s.points.isEmpty())
            return true;
    }
    return false;
}

IncidentReport buildIncidentReport(const Incident& incident, const Timeline& timeline,
                                   const SignalHistory* history, qint64 nowMs)
{
    IncidentReport report;
    report.target = incident.target;
    report.title = incident.title;
    report.incidentId = incident.id;
    report.incidentCount = 1;
    report.openedMs = incident.openedMs;
    report.resolvedMs = incident.resolvedMs;
    report.durationMs = incident.durationMs(nowMs);
    report.ttaMs = incident.ttaMs();
    report.ttrMs = incident.ttrMs();
    report.degradedMs = incident.degradedMs;
    report.peaks = incident.peaks;
    report.notes = incident.notes;
    report.timeline = incident.events;
    report.fromMs = incident.storyStartMs - kReportPaddingMs;
    report.toMs =
        incident.resolvedMs ? std::min(nowMs, incident.resolvedMs + kReportPaddingMs) : nowMs;
    report.charts = chartsFor(history, incident.target, report.fromMs, report.toMs);
    collectActions(report);
    fillPeaks(report, timeline);
    report.generatedMs = nowMs;
    report.generatedBy = AuditLog::currentUser();
    return report;
}

IncidentReport buildRangeReport(const QString& target, qint64 fromMs, qint64 toMs,
                                IncidentBook& book, const Timeline& timeline,
                                const SignalHistory* history, qint64 nowMs)
{
    IncidentReport report;
    report.target = target;
    report.fromMs = fromMs;
    report.toMs = toMs;
    report.openedMs = fromMs;
    report.durationMs = toMs - fromMs;
    TimelineQuery query;
    query.fromMs = fromMs;
    query.toMs = toMs;
    query.target = target;
    report.timeline = timeline.events(query);
    const QList<Incident> incidents = book.incidents(target, fromMs, toMs);
    report.incidentCount = int(incidents.size());
    report.title = tr("%1 from %2 to %3")
                       .arg(target,
                            QDateTime::fromMSecsSinceEpoch(fromMs, Qt::UTC)
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")),
                            QDateTime::fromMSecsSinceEpoch(toMs, Qt::UTC)
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")));
    if (!incidents.isEmpty()) {
        const Incident& first = incidents.first();
        report.ttaMs = first.ttaMs();
        report.ttrMs = first.ttrMs();
        report.resolvedMs = incidents.last().resolvedMs;
    }
    for (const Incident& i : incidents) {
        for (const auto& [from, to] : i.trouble) {
            const qint64 a = std::max(from, fromMs);
            const qint64 b = std::min(to ? to : nowMs, toMs);
            if (b > a)
                report.degradedMs += b - a;
        }
        for (const SignalPeak& p : i.peaks) {
            bool merged = false;
            for (SignalPeak& q : report.peaks) {
                if (q.rule == p.rule) {
                    merged = true;
                    if (p.value > q.value)
                        q = p;
                }
            }
            if (!merged)
                report.peaks << p;
        }
        report.notes += i.notes;
    }
    report.charts = chartsFor(history, target, fromMs, toMs);
    collectActions(report);
    fillPeaks(report, timeline);
    report.generatedMs = nowMs;
    report.generatedBy = AuditLog::currentUser();
    return report;
}

} // namespace ops
