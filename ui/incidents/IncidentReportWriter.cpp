#include "ui/incidents/IncidentReportWriter.h"

#include "models/incidents/SignalUnits.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/TimeChart.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QMap>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

#include <algorithm>
#include <cmath>

namespace ops {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::IncidentReportWriter", text);
}

QString esc(const QString& text)
{
    return text.toHtmlEscaped();
}

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

QString timeOfDay(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

QString figure(double value, const QString& unit, int decimals = 0)
{
    if (std::isnan(value))
        return tr("no data");
    return QStringLiteral("%1 %2").arg(QString::number(value, 'f', decimals), unit);
}

// Which events become chart markers, and how.
bool markerFor(const TimelineEvent& e, MarkerKind* kind, QString* label)
{
    if (e.kind == QLatin1String("alert.firing")) {
        *kind = MarkerKind::Alert;
        *label = QStringLiteral("%1 %2").arg(e.rule, e.toState);
    } else if (e.kind == QLatin1String("alert.resolved")) {
        // Ends the firing span its alert opened (same group: the rule), as on the dashboard.
        *kind = MarkerKind::Resolved;
        *label = QStringLiteral("%1 %2").arg(e.rule, e.toState);
    } else if (e.kind == QLatin1String("alert.ack")) {
        *kind = MarkerKind::Note;
        *label = tr("ack by %1").arg(e.actor);
    } else if (e.lane == EventLane::Deploy) {
        *kind = MarkerKind::Deploy;
        *label = e.summary;
    } else if (e.kind == QLatin1String("workflow.launch")) {
        *kind = MarkerKind::Workflow;
        *label = e.summary;
    } else if (e.kind == QLatin1String("connection") || e.kind == QLatin1String("restart")) {
        *kind = MarkerKind::Note;
        *label = e.kind == QLatin1String("restart") ? tr("restart") : e.toState;
    } else {
        return false;
    }
    return true;
}

// A chart without points, on the chart and below it (where text readers and pdftotext see it):
// no history at all, or none of this signal (a gateway that exports no error counts).
QString noHistoryText(const IncidentReport& report, const ReportChart& chart)
{
    const bool anyData = std::any_of(report.charts.cbegin(), report.charts.cend(),
                                     [](const ReportChart& c) { return c.hasData(); });
    return anyData ? tr("No %1 values recorded for this span").arg(chart.title.toLower())
                   : tr("No history recorded for this span");
}

QPalette reportPalette()
{
    QPalette pal;
    pal.setColor(QPalette::Base, Qt::white);
    pal.setColor(QPalette::Window, Qt::white);
    pal.setColor(QPalette::Text, QColor(0x20, 0x20, 0x20));
    pal.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    pal.setColor(QPalette::Highlight, QColor(0x30, 0x60, 0xc0));
    return pal;
}

// A chart in the report, in widget pixels: on the PDF's 180 mm body 80 mm tall, a height that
// shows the shape of a spike (at 900 x 260 the charts were 52 mm strips), its 8.5 pt labels
// near 8 pt on paper.
constexpr QSize kChartSize(720, 320);

const char* const kStyle =
    "body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #202020; "
    "max-width: 60em; margin: 2em auto; }"
    "h1 { font-size: 16pt; margin-bottom: 0.2em; } h2 { font-size: 12pt; margin-top: 1.2em; }"
    "table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: 3px 6px; "
    "vertical-align: top; text-align: left; } th { background: #eee; }"
    "img { max-width: 100%; } .meta { color: #555; } .num { text-align: right; }";

} // namespace

bool reportFormatFromName(const QString& name, ReportFormat* out)
{
    if (name.compare(QLatin1String("html"), Qt::CaseInsensitive) == 0) {
        *out = ReportFormat::Html;
        return true;
    }
    if (name.compare(QLatin1String("pdf"), Qt::CaseInsensitive) == 0) {
        *out = ReportFormat::Pdf;
        return true;
    }
    return false;
}

IncidentReportWriter::IncidentReportWriter(const IncidentReport& report)
    : m_report(report)
{
}

QImage IncidentReportWriter::chartImage(int index, const QSize& size) const
{
    const ReportChart& chart = m_report.charts.at(index);
    // The points into a store of their own: one scrape per distinct time.
    QMap<qint64, QList<QPair<int, double>>> byTime;
    for (int s = 0; s < chart.series.size(); ++s) {
        for (const SignalPoint& p : chart.series[s].points)
            byTime[p.timeMs] << qMakePair(s, p.value);
    }
    SeriesStoreConfig config;
    config.fullResolutionPoints = std::max(2000, int(byTime.size()) + 1);
    SeriesStore store(config);
    std::vector<std::uint32_t> ids;
    for (int s = 0; s < chart.series.size(); ++s)
        ids.push_back(store.addSeries());
    for (auto it = byTime.cbegin(); it != byTime.cend(); ++it) {
        store.beginScrape(it.key());
        for (const auto& [s, v] : it.value())
            store.append(ids[std::size_t(s)], v);
        store.endScrape();
    }
    ChartTimeline timeline;
    timeline.setLatest(m_report.toMs);
    timeline.showRange(m_report.fromMs, m_report.toMs);
    TimeChart view(&timeline);
    view.setPalette(reportPalette());
    QFont font = view.font();
    font.setPointSizeF(8.5);
    view.setFont(font);
    // The axis labels carry the unit (scaled: ms, s); the title names the signal only.
    view.setTitle(chart.title);
    view.setUnit(chart.unit);
    view.setStore(&store);
    view.setLineWidth(2); // drawn at twice the size below: the screen's weight on paper
    for (int s = 0; s < chart.series.size(); ++s)
        view.addSeries(chart.series[s].name, ids[std::size_t(s)], chart.series[s].scale);
    if (!chart.hasData())
        view.setPlaceholder(noHistoryText(m_report, chart));
    for (const TimelineEvent& e : m_report.timeline) {
        MarkerKind kind;
        QString label;
        if (markerFor(e, &kind, &label))
            view.addMarker(e.timeMs, kind, label, e.rule);
    }
    // Drawn at twice the size for print: crisp lines and text.
    QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.scale(2, 2);
    view.resize(size);
    view.render(painter, size);
    painter.end();
    return image;
}

namespace {

// The title, who generated it when, and the figures: when, how long, TTA, TTR, peaks.
QString summaryHtml(const IncidentReport& r)
{
    QString h = QStringLiteral("<h1>%1</h1>").arg(esc(tr("Incident report: %1").arg(r.title)));
    h += QStringLiteral("<p class=\"meta\">%1</p>")
             .arg(esc(tr("Target %1%2 · generated %3 by %4")
                          .arg(r.target,
                               r.incidentId ? tr(" · incident #%1").arg(r.incidentId) : QString(),
                               when(r.generatedMs), r.generatedBy)));

    h += QStringLiteral("<h2>%1</h2><table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">")
             .arg(esc(tr("Summary")));
    const auto row = [&h](const QString& name, const QString& value) {
        h += QStringLiteral("<tr><th>%1</th><td>%2</td></tr>").arg(esc(name), esc(value));
    };
    row(tr("What"), r.title);
    if (r.incidentId) {
        row(tr("When"), r.resolvedMs ? tr("%1 to %2").arg(when(r.openedMs), when(r.resolvedMs))
                                     : tr("since %1 (not resolved)").arg(when(r.openedMs)));
        row(tr("How long"), formatIncidentDuration(r.durationMs));
    } else {
        row(tr("When"), tr("%1 to %2").arg(when(r.fromMs), when(r.toMs)));
        row(tr("Incidents in this time"), QString::number(r.incidentCount));
    }
    row(tr("Time to acknowledge (TTA)"), formatIncidentDuration(r.ttaMs));
    row(tr("Time to resolve (TTR)"), formatIncidentDuration(r.ttrMs));
    row(tr("Peak latency"), figure(r.peakLatencyMs, QStringLiteral("ms")));
    row(tr("Peak error rate"), figure(r.peakErrorRatePercent, QStringLiteral("%"), 1));
    row(tr("Minutes degraded"), tr("%1 min").arg(QString::number(r.degradedMs / 60000.0, 'f', 1)));
    for (const SignalPeak& p : r.peaks) {
        row(tr("Peak of %1").arg(p.rule),
            std::isnan(p.threshold)
                ? formatSignalValue(p.signal, p.value)
                : tr("%1 (threshold %2) at %3")
                      .arg(formatSignalValue(p.signal, p.value),
                           formatSignalValue(p.signal, p.threshold), timeOfDay(p.atMs)));
    }
    h += QStringLiteral("</table>");
    return h;
}

// Every event of the span, one a row.
QString timelineHtml(const IncidentReport& r)
{
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Timeline")));
    h += QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><th>%1</th>"
                        "<th>%2</th><th>%3</th><th>%4</th></tr>")
             .arg(esc(tr("Time")), esc(tr("Lane")), esc(tr("What happened")), esc(tr("Actor")));
    for (const TimelineEvent& e : r.timeline) {
        QString what = esc(e.summary);
        if (!e.comment.isEmpty() && e.lane == EventLane::Ack)
            what += QStringLiteral(" — “%1”").arg(esc(e.comment));
        h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                 .arg(esc(when(e.timeMs)), esc(eventLaneTitle(e.lane)), what, esc(e.actor));
    }
    if (r.timeline.isEmpty())
        h += QStringLiteral("<tr><td colspan=\"4\">%1</td></tr>").arg(esc(tr("Nothing recorded.")));
    h += QStringLiteral("</table>");
    return h;
}

QString acksHtml(const IncidentReport& r)
{
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Acknowledged by")));
    if (r.acks.isEmpty()) {
        h += QStringLiteral("<p>%1</p>").arg(esc(tr("Nobody acknowledged it.")));
    } else {
        h +=
            QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><th>%1</th>"
                           "<th>%2</th><th>%3</th><th>%4</th></tr>")
                .arg(esc(tr("Time")), esc(tr("Who")), esc(tr("Alert")), esc(tr("Comment")));
        for (const TimelineEvent& e : r.acks)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                     .arg(esc(when(e.timeMs)), esc(e.actor), esc(e.rule), esc(e.comment));
        h += QStringLiteral("</table>");
    }
    return h;
}

QString deploysHtml(const IncidentReport& r)
{
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Deployed")));
    if (r.deploys.isEmpty()) {
        h += QStringLiteral("<p>%1</p>").arg(esc(tr("Nothing was deployed.")));
    } else {
        h +=
            QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><th>%1</th>"
                           "<th>%2</th><th>%3</th><th>%4</th><th>%5</th></tr>")
                .arg(esc(tr("Time")), esc(tr("Who")), esc(tr("What")), esc(tr("Commit")),
                     esc(tr("Result")));
        for (const TimelineEvent& e : r.deploys)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td></tr>")
                     .arg(esc(when(e.timeMs)), esc(e.actor), esc(e.summary),
                          esc(e.details.value(QStringLiteral("commit")).toString()), esc(e.result));
        h += QStringLiteral("</table>");
    }
    return h;
}

// Each verification that ran, with its checks.
QString verificationsHtml(const IncidentReport& r)
{
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Verification")));
    if (r.verifications.isEmpty())
        h += QStringLiteral("<p>%1</p>").arg(esc(tr("No verification ran.")));
    for (const ReportVerification& v : r.verifications) {
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(
                     tr("%1 by %2: %3 — %4").arg(when(v.timeMs), v.actor, v.result, v.summary)));
        if (v.checks.isEmpty())
            continue;
        h +=
            QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><th>%1</th>"
                           "<th>%2</th><th>%3</th></tr>")
                .arg(esc(tr("Check")), esc(tr("Result")), esc(tr("Detail")));
        for (const ReportCheck& c : v.checks)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                     .arg(esc(c.name), esc(c.result), esc(c.detail));
        h += QStringLiteral("</table>");
    }
    return h;
}

QString rollbacksHtml(const IncidentReport& r)
{
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Rollback")));
    if (r.rollbacks.isEmpty())
        h += QStringLiteral("<p>%1</p>").arg(esc(tr("No rollback.")));
    for (const TimelineEvent& e : r.rollbacks)
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(tr("%1 by %2: %3").arg(when(e.timeMs), e.actor, e.summary)));
    return h;
}

// The operators' notes, when there are any.
QString notesHtml(const IncidentReport& r)
{
    if (r.notes.isEmpty())
        return {};
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Notes")));
    for (const IncidentNote& n : r.notes)
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(tr("%1, %2: %3").arg(when(n.timeMs), n.author, n.text)));
    return h;
}

} // namespace

QString IncidentReportWriter::body(Images images) const
{
    const IncidentReport& r = m_report;
    return summaryHtml(r) + chartsHtml(images) + timelineHtml(r) + acksHtml(r) + deploysHtml(r) +
           verificationsHtml(r) + rollbacksHtml(r) + notesHtml(r);
}

// Each chart as an image (inline PNG, or a resource the PDF adds), said in words when it has no
// data.
QString IncidentReportWriter::chartsHtml(Images images) const
{
    const IncidentReport& r = m_report;
    QString h = QStringLiteral("<h2>%1</h2>").arg(esc(tr("Charts")));
    for (int i = 0; i < r.charts.size(); ++i) {
        const QString name = QStringLiteral("chart%1.png").arg(i);
        QString src = name;
        if (images == Images::Inline) {
            QByteArray png;
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            chartImage(i, kChartSize).save(&buffer, "PNG");
            src = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
        }
        const bool charted = r.charts[i].hasData();
        const QString alt =
            charted ? r.charts[i].title
                    : tr("%1: %2").arg(r.charts[i].title, noHistoryText(r, r.charts[i]));
        h += QStringLiteral("<p><img src=\"%1\" width=\"%2\" alt=\"%3\"></p>")
                 .arg(src,
                      images == Images::Inline ? QString::number(kChartSize.width())
                                               : QStringLiteral("%W%"),
                      esc(alt));
        if (!charted)
            h += QStringLiteral("<p class=\"meta\">%1</p>").arg(esc(alt + QLatin1Char('.')));
    }
    return h;
}

QString IncidentReportWriter::html() const
{
    return QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<title>%1</title><style>%2</style></head><body>%3</body></html>\n")
        .arg(esc(tr("Incident report: %1").arg(m_report.title)), QLatin1String(kStyle),
             body(Images::Inline));
}

QByteArray IncidentReportWriter::pdf() const
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setTitle(tr("Incident report: %1").arg(m_report.title));
    writer.setCreator(QStringLiteral("BHIV Ops Console"));
    writer.setResolution(300);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
    const QRect page = writer.pageLayout().paintRectPixels(writer.resolution());
    const int footer = writer.resolution() / 3; // a third of an inch for the page number
    const QSizeF bodySize(page.width(), page.height() - footer);

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(9);
    doc.setDefaultFont(font);
    doc.setDefaultStyleSheet(QStringLiteral("th { background-color: #eeeeee; } h1 { font-size: "
                                            "15pt; } h2 { font-size: 11.5pt; }"));
    for (int i = 0; i < m_report.charts.size(); ++i)
        doc.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("chart%1.png").arg(i)),
                        chartImage(i, kChartSize));
    QString html = body(Images::Resources);
    // Image sizes in a document laid out for a paint device are in 96 dpi units, scaled by the
    // device's resolution: the body's width in those units fills the page and keeps the aspect.
    html.replace(QStringLiteral("%W%"),
                 QString::number(int(bodySize.width() * 96.0 / writer.logicalDpiX())));
    doc.setHtml(html);
    doc.setPageSize(bodySize);

    const int pages = doc.pageCount();
    m_pages = pages;
    QPainter painter(&writer);
    QFont small = font;
    small.setPointSizeF(8);
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        painter.save();
        const QRectF view(0, i * bodySize.height(), bodySize.width(), bodySize.height());
        painter.translate(0, -view.top());
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = view;
        context.palette.setColor(QPalette::Text, Qt::black);
        painter.setClipRect(view);
        doc.documentLayout()->draw(&painter, context);
        painter.restore();
        painter.setFont(small);
        painter.setPen(QColor(0x55, 0x55, 0x55));
        const QRectF foot(0, bodySize.height(), bodySize.width(), footer);
        painter.drawText(foot, Qt::AlignLeft | Qt::AlignBottom,
                         tr("%1 — %2").arg(m_report.target, m_report.title).left(90));
        painter.drawText(foot, Qt::AlignRight | Qt::AlignBottom,
                         tr("Page %1 of %2").arg(i + 1).arg(pages));
    }
    painter.end();
    return bytes;
}

bool IncidentReportWriter::write(ReportFormat format, const QString& path, QString* error) const
{
    const QFileInfo info(path);
    if (info.isDir()) {
        *error = tr("%1 is a folder; give a file name").arg(path);
        return false;
    }
    // Rendered first, then written through a temporary file renamed into place: a failure
    // leaves no partial report behind.
    const QByteArray bytes = format == ReportFormat::Html ? html().toUtf8() : pdf();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(bytes) != bytes.size()) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<QByteArray> renderIncidentReport(const IncidentReport& report, const QString& format,
                                               QString* error)
{
    ReportFormat f;
    if (!reportFormatFromName(format, &f)) {
        *error = tr("unknown report format '%1' (html or pdf)").arg(format);
        return std::nullopt;
    }
    const IncidentReportWriter writer(report);
    return f == ReportFormat::Html ? writer.html().toUtf8() : writer.pdf();
}

} // namespace ops
