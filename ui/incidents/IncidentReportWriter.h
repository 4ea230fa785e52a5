#pragma once

#include "models/incidents/IncidentReport.h"

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>

#include <optional>

namespace ops {

enum class ReportFormat { Html, Pdf };
// "html" / "pdf" (case-insensitive); false for anything else.
bool reportFormatFromName(const QString& name, ReportFormat* out);

// Lays an IncidentReport out as a self-contained HTML page (charts inline as data: PNG) or an
// A4 PDF with page numbers (Qt's QPdfWriter). The charts are drawn by the dashboard's TimeChart
// with the report's events as markers. Needs a QApplication (the chart is a widget).
class IncidentReportWriter {
public:
    explicit IncidentReportWriter(const IncidentReport& report);

    // Written through a temporary file renamed into place: on failure nothing is left at path
    // (and a file already there is untouched). False with *error in words.
    bool write(ReportFormat format, const QString& path, QString* error) const;

    QString html() const;   // the self-contained page
    QByteArray pdf() const; // the A4 document
    QImage chartImage(int index, const QSize& size) const;
    int pageCountOfLastPdf() const { return m_pages; }

private:
    enum class Images { Inline, Resources };
    QString body(Images images) const;
    QString chartsHtml(Images images) const;

    const IncidentReport& m_report;
    mutable int m_pages = 0;
};

// The command line's renderer (app/cli's IncidentReportRenderer): the bytes of format "html" or
// "pdf", nullopt with *error for another format.
std::optional<QByteArray> renderIncidentReport(const IncidentReport& report, const QString& format,
                                               QString* error);

} // namespace ops
