#pragma once

#include "models/incidents/Incident.h"
#include "models/incidents/SignalHistory.h"

#include <QList>
#include <QString>

#include <limits>

namespace ops {

class IncidentBook;
class Timeline;

struct ReportSeries {
    QString name;
    double scale = 1.0; // stored -> shown units
    QList<SignalPoint> points;
};

// One chart of the report: response time (avg, p95), error rate or request rate.
struct ReportChart {
    QString title;
    QString unit;
    QList<ReportSeries> series;
    bool hasData() const;
};

struct ReportCheck {
    QString name;
    QString result; // "passed", "failed", "could not run"
    QString detail;
};

struct ReportVerification {
    qint64 timeMs = 0;
    QString actor;
    QString result;
    QString summary;
    QList<ReportCheck> checks;
};

// Everything an incident report says, gathered from the timeline and the signal history; the
// renderers (HTML, PDF) only lay it out.
struct IncidentReport {
    QString target;
    QString title;
    qint64 incidentId = 0; // 0: a time range, not one incident
    int incidentCount = 0; // incidents inside the range
    qint64 fromMs = 0;     // what the charts and the timeline cover
    qint64 toMs = 0;
    qint64 openedMs = 0;
    qint64 resolvedMs = 0; // 0: not resolved
    qint64 durationMs = 0;
    qint64 ttaMs = -1;
    qint64 ttrMs = -1;
    qint64 degradedMs = 0;
    double peakLatencyMs = std::numeric_limits<double>::quiet_NaN();
    double peakErrorRatePercent = std::numeric_limits<double>::quiet_NaN();
    QList<SignalPeak> peaks; // per alerting rule (values in the signal's units)
    QList<TimelineEvent> timeline;
    QList<TimelineEvent> acks;
    QList<TimelineEvent> deploys; // deploy.trigger / deploy.hook / deploy.finished (commit)
    QList<ReportVerification> verifications;
    QList<TimelineEvent> rollbacks;
    QList<IncidentNote> notes;
    QList<ReportChart> charts;
    qint64 generatedMs = 0;
    QString generatedBy;
};

// How long before and after an incident the charts and the timeline reach.
inline constexpr qint64 kReportPaddingMs = 5 * 60'000;

// The report of one incident. history may be null (no charts; peaks from the alerts' values).
IncidentReport buildIncidentReport(const Incident& incident, const Timeline& timeline,
                                   const SignalHistory* history, qint64 nowMs);
// The report of a time range of one target: its timeline, and the incidents inside it for the
// summary figures (TTA/TTR of the first, degraded time of all).
IncidentReport buildRangeReport(const QString& target, qint64 fromMs, qint64 toMs,
                                IncidentBook& book, const Timeline& timeline,
                                const SignalHistory* history, qint64 nowMs);

} // namespace ops
