// `bhiv-ops report`: the real console binary writes the report of a scripted incident as PDF
// (read back with pdftotext, pages rendered with pdftoppm) and as self-contained HTML; bad input
// (empty range, unknown target or incident, unwritable output) exits 2 with a clear error and
// leaves no file behind.
#include "models/alerts/AlertStore.h"
#include "models/audit/AuditLog.h"
#include "models/domain/Clock.h"
#include "models/history/HistoryPaths.h"
#include "models/history/HistoryStore.h"
#include "models/history/TargetHistory.h"
#include "models/incidents/EventStore.h"
#include "models/incidents/IncidentBook.h"
#include "models/incidents/Timeline.h"
#include "models/metrics/SignalBoard.h"
#include "tests/support/CliRunner.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ops;

namespace {

// The scripted story, one minute apart (times in ms since kT0).
constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01 00:00:00 UTC
constexpr qint64 kMin = 60'000;

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

// The share of a chart's pixel columns (the plot's, right of the value axis and below the title
// and legend, whose swatches have the series' colours) holding a pixel of a line of one hue:
// antialiased, a thin line blends with what lies under it, so the hue is tested, not the colour.
enum class Hue { Blue, Orange };
double columnsWithLine(const QImage& image, Hue hue)
{
    const int left = image.width() / 8;
    int columns = 0;
    for (int x = left; x < image.width(); ++x) {
        for (int y = image.height() / 5; y < image.height(); ++y) {
            const QColor c = image.pixelColor(x, y);
            const bool match = hue == Hue::Blue
                                   ? c.blue() - c.red() > 60 && c.blue() - c.green() > 20
                                   : c.red() - c.blue() > 100 && c.green() - c.blue() > 50;
            if (match) {
                ++columns;
                break;
            }
        }
    }
    return double(columns) / double(image.width() - left);
}

// The inline PNG charts of a report page, in order.
QList<QImage> inlineCharts(const QString& page)
{
    QList<QImage> images;
    static const QRegularExpression src(QStringLiteral("src=\"data:image/png;base64,([^\"]+)\""));
    for (auto it = src.globalMatch(page); it.hasNext();)
        images << QImage::fromData(QByteArray::fromBase64(it.next().captured(1).toLatin1()), "PNG");
    return images;
}

QString pdfText(const QString& pdf);

QByteArray run(const QString& program, const QStringList& args, int* exitCode = nullptr)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
    }
    if (exitCode)
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAllStandardOutput();
}

QString pdfText(const QString& pdf)
{
    // Reading order, whitespace folded: a cell's text may wrap over lines.
    return QString::fromUtf8(run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")}))
        .simplified()
        .replace(QChar(0xFB01), QStringLiteral("fi")) // the PDF font's ligatures
        .replace(QChar(0xFB02), QStringLiteral("fl"));
}

} // namespace

class TestReportCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;
    QTemporaryDir m_out;
    test::CliRunner m_cli;
    qint64 m_incident = 0;

    test::CliRunner::Run report(const QStringList& arguments)
    {
        return m_cli.run(QStringList{QStringLiteral("report")} + arguments);
    }

private slots:
    void initTestCase()
    {
        // The console and this test read the same AppDataLocation: a scratch one.
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        m_cli.environment().insert(QStringLiteral("XDG_DATA_HOME"),
                                   m_home.filePath(QStringLiteral("data")));
        m_cli.environment().insert(QStringLiteral("XDG_CONFIG_HOME"),
                                   m_home.filePath(QStringLiteral("config")));
        QCoreApplication::setOrganizationName(QStringLiteral("BHIV"));
        QCoreApplication::setApplicationName(QStringLiteral("bhiv-ops"));

        EventStore events;
        AlertStore alerts(AlertStore::defaultPath());
        AuditLog audit;
        QVERIFY(events.open() && alerts.open() && audit.open());
        QVERIFY(events.path().startsWith(m_home.path()));
        const auto transition = [&](qint64 t, AlertState from, AlertState to, double value) {
            AlertTransition tr;
            tr.timeMs = kT0 + t;
            tr.rule = QStringLiteral("high_response_time");
            tr.target = QStringLiteral("gw");
            tr.from = from;
            tr.to = to;
            tr.value = value;
            tr.threshold = 1.0;
            QVERIFY(alerts.appendTransition(tr) > 0);
        };
        const auto auditRow = [&](qint64 t, const QString& action, const QJsonObject& details,
                                  const QString& result) {
            AuditEntry e;
            e.timeMs = kT0 + t;
            e.actor = QStringLiteral("ana");
            e.target = QStringLiteral("gw");
            e.action = action;
            e.subject = QStringLiteral("dep-2");
            e.details = details;
            e.result = result;
            QVERIFY(audit.append(e));
        };
        transition(0, AlertState::Normal, AlertState::Pending, 1.3);
        transition(kMin, AlertState::Pending, AlertState::Firing, 1.62);
        AlertTransition ack;
        ack.timeMs = kT0 + 3 * kMin;
        ack.rule = QStringLiteral("high_response_time");
        ack.target = QStringLiteral("gw");
        ack.kind = TransitionKind::Ack;
        ack.from = ack.to = AlertState::Firing;
        ack.author = QStringLiteral("ana");
        ack.comment = QStringLiteral("search is slow, redeploying");
        QVERIFY(alerts.appendTransition(ack) > 0);
        auditRow(4 * kMin, QStringLiteral("deploy.trigger"),
                 {{QStringLiteral("commit"), QStringLiteral("4f9c2e1d8a")}},
                 QStringLiteral("started"));
        auditRow(6 * kMin, QStringLiteral("deploy.finished"),
                 {{QStringLiteral("commit"), QStringLiteral("4f9c2e1d8a")}},
                 QStringLiteral("ok: live"));
        const QJsonArray checks{
            QJsonObject{{QStringLiteral("name"), QStringLiteral("health")},
                        {QStringLiteral("result"), QStringLiteral("passed")},
                        {QStringLiteral("detail"), QStringLiteral("200 in 120 ms")}},
            QJsonObject{{QStringLiteral("name"), QStringLiteral("candidate search")},
                        {QStringLiteral("result"), QStringLiteral("failed")},
                        {QStringLiteral("detail"), QStringLiteral("HTTP 500")}}};
        auditRow(7 * kMin, QStringLiteral("deploy.verify"),
                 {{QStringLiteral("summary"), QStringLiteral("1 of 2 steps passed")},
                  {QStringLiteral("checks"), checks}},
                 QStringLiteral("failed"));
        auditRow(8 * kMin, QStringLiteral("deploy.rollback"), {}, QStringLiteral("started"));
        auditRow(10 * kMin, QStringLiteral("deploy.rollback_finished"), {},
                 QStringLiteral("ok: live"));
        transition(12 * kMin, AlertState::Firing, AlertState::Normal, 0.41);
        RecordedEvent start{0,  kT0 - kMin, {}, QStringLiteral("console.start"),
                            {}, {},         {}, QStringLiteral("ana")};
        QVERIFY(events.append(start));

        ManualClock clock(kT0 + 60 * kMin);
        const Timeline timeline(&events, &alerts, &audit);
        IncidentBook book(&events, &timeline, nullptr, &clock);
        const auto incidents = book.incidents(QStringLiteral("gw"), kT0 - kMin, clock.nowMs());
        QCOMPARE(incidents.size(), 1);
        m_incident = incidents.first().id;
        QVERIFY(m_incident > 0);
        QCOMPARE(incidents.first().ttaMs(), 2 * kMin);
        QCOMPARE(incidents.first().ttrMs(), 11 * kMin);
    }

    void pdfHoldsSummaryAndTimeline()
    {
        const QString pdf = m_out.filePath(QStringLiteral("incident.pdf"));
        const auto r =
            report({QStringLiteral("--target"), QStringLiteral("gw"), QStringLiteral("--incident"),
                    QString::number(m_incident), QStringLiteral("--format"), QStringLiteral("pdf"),
                    QStringLiteral("--out"), pdf});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("incident report written to"));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        int code = -1;
        // Reading order, whitespace folded: a cell's text may wrap over lines.
        const QString text =
            QString::fromUtf8(run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")}, &code))
                .simplified()
                .replace(QChar(0xFB01), QStringLiteral("fi")) // the PDF font's ligatures
                .replace(QChar(0xFB02), QStringLiteral("fl"));
        QCOMPARE(code, 0);
        // The summary figures.
        QVERIFY2(text.contains(QStringLiteral("high_response_time on gw")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Time to acknowledge (TTA)")));
        QVERIFY2(text.contains(QStringLiteral("Time to acknowledge (TTA) 2 min")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Time to resolve (TTR) 11 min")));
        QVERIFY(text.contains(QStringLiteral("How long 11 min")));
        QVERIFY(text.contains(QStringLiteral("1620 ms"))); // peak latency (from the alert's values)
        QVERIFY(text.contains(QStringLiteral("Minutes degraded 11.0 min")));
        // The timeline rows with their actors, acks, deploy, checks, rollback.
        QVERIFY(text.contains(QStringLiteral("high_response_time firing")));
        QVERIFY(text.contains(QStringLiteral("acknowledged by ana")));
        QVERIFY(text.contains(QStringLiteral("search is slow, redeploying")));
        QVERIFY(text.contains(QStringLiteral("Redeploy started of 4f9c2e1")));
        QVERIFY(text.contains(QStringLiteral("4f9c2e1d8a")));
        QVERIFY(text.contains(QStringLiteral("candidate search")));
        QVERIFY(text.contains(QStringLiteral("HTTP 500")));
        QVERIFY(text.contains(QStringLiteral("Rollback finished")));
        QVERIFY(text.contains(QStringLiteral("high_response_time normal")));
        QVERIFY(text.contains(QStringLiteral("console")));
        QVERIFY(text.contains(QStringLiteral("Page 1 of")));
        // A4: 595 x 842 points.
        const QString info = QString::fromUtf8(run(QStringLiteral("pdfinfo"), {pdf}));
        QVERIFY2(info.contains(QStringLiteral("595")) && info.contains(QStringLiteral("842")),
                 qPrintable(info));

        // The three charts fill the body's width at a readable height (they were 52 mm strips):
        // pdfimages lists each image's pixels and its resolution on the page.
        const QStringList images =
            QString::fromUtf8(run(QStringLiteral("pdfimages"), {QStringLiteral("-list"), pdf}))
                .split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                .mid(2);
        QCOMPARE(images.size(), 3);
        for (const QString& line : images) {
            const QStringList f = line.simplified().split(QLatin1Char(' '));
            QVERIFY2(f.size() > 13, qPrintable(line));
            const double widthMm = f[3].toDouble() / f[12].toDouble() * 25.4;
            const double heightMm = f[4].toDouble() / f[13].toDouble() * 25.4;
            QVERIFY2(widthMm > 170 && widthMm <= 181, qPrintable(line));
            QVERIFY2(heightMm >= 70, qPrintable(line));
        }

        // Every page renders.
        const QString prefix = m_out.filePath(QStringLiteral("page"));
        run(QStringLiteral("pdftoppm"),
            {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("60"), pdf, prefix},
            &code);
        QCOMPARE(code, 0);
        const QStringList pages =
            QDir(m_out.path()).entryList({QStringLiteral("page*.png")}, QDir::Files, QDir::Name);
        QVERIFY(!pages.isEmpty());
        const QImage first(m_out.filePath(pages.first()));
        QVERIFY(!first.isNull());
        QVERIFY(first.width() < first.height()); // portrait
        const QString keep = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        if (!keep.isEmpty()) {
            run(QStringLiteral("pdftoppm"),
                {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("80"), pdf,
                 keep + QStringLiteral("/incident-report")});
            QFile::copy(pdf, keep + QStringLiteral("/incident-report.pdf"));
        }
    }

    void htmlIsSelfContained()
    {
        const QString html = m_out.filePath(QStringLiteral("incident.html"));
        const auto r =
            report({QStringLiteral("--target"), QStringLiteral("gw"), QStringLiteral("--incident"),
                    QString::number(m_incident), QStringLiteral("--out"), html});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString page = QString::fromUtf8(file.readAll());
        QVERIFY(page.startsWith(QStringLiteral("<!DOCTYPE html>")));
        QCOMPARE(page.count(QStringLiteral("src=\"data:image/png;base64,")), 3);
        QVERIFY(!page.contains(QStringLiteral("src=\"http")));
        QVERIFY(!page.contains(QStringLiteral("<link")));
        QVERIFY(!page.contains(QStringLiteral("<script")));
        QVERIFY(page.contains(QStringLiteral("search is slow, redeploying")));
        QVERIFY(page.contains(QStringLiteral("Rollback started")));
        // gw has no history on disk: each chart says so, on it and below it.
        QCOMPARE(page.count(QStringLiteral("<p class=\"meta\">Response time: No history recorded "
                                           "for this span.</p>")),
                 1);
        QCOMPARE(page.count(QStringLiteral(": No history recorded for this span.</p>")), 3);
        for (const QImage& chart : inlineCharts(page))
            QVERIFY(columnsWithLine(chart, Hue::Blue) < 0.05); // no line drawn
    }

    // A target whose history was recorded (as TargetHistory writes it): the command line draws
    // the response-time, error-rate and request-rate charts from it over the incident, and the
    // summary's peaks come from it.
    void chartsFromRecordedHistory()
    {
        const QString target = QStringLiteral("api");
        const qint64 t0 = kT0 + 2 * 3'600'000; // an incident of its own, two hours later
        // Alert: firing at t0 + 2 min, resolved at t0 + 12 min.
        AlertStore alerts(AlertStore::defaultPath());
        QVERIFY(alerts.open());
        for (const auto& [t, from, to] :
             {std::tuple{2 * kMin, AlertState::Normal, AlertState::Firing},
              std::tuple{12 * kMin, AlertState::Firing, AlertState::Normal}}) {
            AlertTransition tr;
            tr.timeMs = t0 + t;
            tr.rule = QStringLiteral("high_response_time");
            tr.target = target;
            tr.from = from;
            tr.to = to;
            tr.value = 1.2;
            tr.threshold = 1.0;
            QVERIFY(alerts.appendTransition(tr) > 0);
        }
        // Its history: a poll every 10 s from 10 minutes before to 25 minutes after t0; latency
        // peaks at 1.85 s (average) and the 5xx share at 8 % around t0 + 6 min.
        const QString folder =
            historyFolderFor(defaultHistoryRoot(), QStringLiteral("unsaved/") + target);
        {
            ManualClock clock(t0 + 30 * kMin);
            HistoryStore store(folder, &clock);
            QVERIFY2(store.open(), qPrintable(store.modeReason()));
            for (qint64 t = t0 - 10 * kMin; t <= t0 + 25 * kMin; t += 10'000) {
                const double x = double(t - t0) / kMin;
                const double bump = std::exp(-(x - 6) * (x - 6) / 8.0); // 1 at t0 + 6 min
                HistoryFrame f;
                f.group = kHistoryTargetGroup;
                f.timeMs = t;
                for (std::size_t i = 0; i < kSignalCount; ++i) {
                    double v = 0;
                    switch (static_cast<SignalId>(i)) {
                    case SignalId::LatencyAvg:
                        v = 0.25 + 1.6 * bump;
                        break;
                    case SignalId::LatencyP95:
                        v = 0.6 + 2.4 * bump;
                        break;
                    case SignalId::ErrorRatio:
                        v = 0.005 + 0.075 * bump;
                        break;
                    case SignalId::RequestRate:
                        v = 40 + 5 * std::sin(x);
                        break;
                    default:
                        v = 1;
                    }
                    f.values.push_back({TargetHistory::targetSeriesName(i), v});
                }
                store.append(f);
            }
            store.close();
        }

        // The whole span as HTML: three inline charts, each with its lines drawn.
        const QString html = m_out.filePath(QStringLiteral("api.html"));
        auto r = report({QStringLiteral("--target"), target, QStringLiteral("--from"),
                         iso(t0 - 5 * kMin), QStringLiteral("--to"), iso(t0 + 20 * kMin),
                         QStringLiteral("--out"), html});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString page = QString::fromUtf8(file.readAll());
        QVERIFY(!page.contains(QStringLiteral("No history recorded")));
        const QList<QImage> charts = inlineCharts(page);
        QCOMPARE(charts.size(), 3);
        const QString keep = qEnvironmentVariable("OPS_SCREENSHOT_DIR");
        for (int i = 0; i < charts.size() && !keep.isEmpty(); ++i)
            charts[i].save(keep + QStringLiteral("/incident-report-chart%1.png").arg(i));
        // Not blank: each chart's first series (the dashboard's blue) is drawn across the span,
        // and the response-time chart's p95 (orange) too.
        for (const QImage& chart : charts) {
            QVERIFY(!chart.isNull());
            QVERIFY2(columnsWithLine(chart, Hue::Blue) > 0.8,
                     qPrintable(QString::number(columnsWithLine(chart, Hue::Blue))));
        }
        QVERIFY(columnsWithLine(charts[0], Hue::Orange) > 0.8);
        // The summary's peaks from the history: 1.85 s average latency, 8.0 % errors.
        QVERIFY2(page.contains(QStringLiteral("1850 ms")), qPrintable(page.left(4000)));
        QVERIFY(page.contains(QStringLiteral("8.0 %")));

        // The incident as PDF: still the summary and the timeline rows (pdftotext), and the
        // three charts as images on the page.
        ManualClock clock(t0 + 60 * kMin);
        EventStore events;
        AuditLog audit;
        QVERIFY(events.open() && audit.open());
        const Timeline timeline(&events, &alerts, &audit);
        IncidentBook book(&events, &timeline, nullptr, &clock);
        const auto incidents = book.incidents(target, t0 - kMin, clock.nowMs());
        QCOMPARE(incidents.size(), 1);
        const QString pdf = m_out.filePath(QStringLiteral("api.pdf"));
        r = report({QStringLiteral("--target"), target, QStringLiteral("--incident"),
                    QString::number(incidents.first().id), QStringLiteral("--out"), pdf});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString text = pdfText(pdf);
        QVERIFY2(text.contains(QStringLiteral("high_response_time on api")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Time to resolve (TTR) 10 min")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("Peak latency 1850 ms")));
        QVERIFY(text.contains(QStringLiteral("Peak error rate 8.0 %")));
        QVERIFY(text.contains(QStringLiteral("high_response_time firing")));
        QVERIFY(text.contains(QStringLiteral("high_response_time normal")));
        QVERIFY(!text.contains(QStringLiteral("No history recorded")));
        const QStringList images =
            QString::fromUtf8(run(QStringLiteral("pdfimages"), {QStringLiteral("-list"), pdf}))
                .split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                .mid(2);
        QCOMPARE(images.size(), 3);
        if (!keep.isEmpty())
            run(QStringLiteral("pdftoppm"),
                {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("80"), pdf,
                 keep + QStringLiteral("/incident-report-history")});
    }

    // --json: what was written on success, {"error": {code, message}} otherwise (exit-code table).
    void jsonShapes()
    {
        const QString html = m_out.filePath(QStringLiteral("json.html"));
        auto r = report({QStringLiteral("--target"), QStringLiteral("gw"),
                         QStringLiteral("--incident"), QString::number(m_incident),
                         QStringLiteral("--out"), html, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject written = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(written.value(QStringLiteral("format")).toString(), QStringLiteral("html"));
        QCOMPARE(written.value(QStringLiteral("incident")).toInteger(), m_incident);
        QCOMPARE(written.value(QStringLiteral("bytes")).toInteger(), QFileInfo(html).size());
        QVERIFY(written.value(QStringLiteral("events")).toInt() >= 7);

        QTemporaryDir scratch;
        const QString out = scratch.filePath(QStringLiteral("r.pdf"));
        r = report({QStringLiteral("--target"), QStringLiteral("gw"), QStringLiteral("--incident"),
                    QStringLiteral("9999"), QStringLiteral("--out"), out,
                    QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        QJsonObject error =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
        QVERIFY2(error.value(QStringLiteral("message"))
                     .toString()
                     .contains(QStringLiteral("no incident 9999")),
                 r.out.constData());
        r = report({QStringLiteral("--target"), QStringLiteral("gw"), QStringLiteral("--out"), out,
                    QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 3);
        error = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("usage"));
        QVERIFY(!QFile::exists(out));
    }

    void rangeReport()
    {
        const QString pdf = m_out.filePath(QStringLiteral("range.pdf"));
        const auto r = report({QStringLiteral("--target"), QStringLiteral("gw"),
                               QStringLiteral("--from"), iso(kT0 - kMin), QStringLiteral("--to"),
                               iso(kT0 + 30 * kMin), QStringLiteral("--format"),
                               QStringLiteral("pdf"), QStringLiteral("--out"), pdf});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString text =
            QString::fromUtf8(run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")}))
                .simplified()
                .replace(QChar(0xFB01), QStringLiteral("fi")) // the PDF font's ligatures
                .replace(QChar(0xFB02), QStringLiteral("fl"));
        QVERIFY2(text.contains(QStringLiteral("Incidents in this time 1")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Rollback finished")), qPrintable(text));
    }

    void badInputExitsTwoAndLeavesNoFile_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("exitCode"); // 2 could not run, 3 usage (the exit-code table)
        const QString out = QStringLiteral("%OUT%");
        QTest::newRow("empty range")
            << QStringList{QStringLiteral("--target"), QStringLiteral("gw"),
                           QStringLiteral("--from"),   iso(kT0),
                           QStringLiteral("--to"),     iso(kT0),
                           QStringLiteral("--out"),    out}
            << QStringLiteral("is empty") << 2;
        QTest::newRow("backwards range")
            << QStringList{QStringLiteral("--target"), QStringLiteral("gw"),
                           QStringLiteral("--from"),   QStringLiteral("now"),
                           QStringLiteral("--to"),     QStringLiteral("-15m"),
                           QStringLiteral("--out"),    out}
            << QStringLiteral("is empty") << 2;
        QTest::newRow("nothing recorded")
            << QStringList{QStringLiteral("--target"), QStringLiteral("gw"),
                           QStringLiteral("--from"),   QStringLiteral("-15m"),
                           QStringLiteral("--to"),     QStringLiteral("now"),
                           QStringLiteral("--out"),    out}
            << QStringLiteral("nothing was recorded") << 2;
        QTest::newRow("bad time")
            << QStringList{QStringLiteral("--target"), QStringLiteral("gw"),
                           QStringLiteral("--from"),   QStringLiteral("yesterday"),
                           QStringLiteral("--to"),     QStringLiteral("now"),
                           QStringLiteral("--out"),    out}
            << QStringLiteral("is not a time") << 3;
        QTest::newRow("unknown target")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("nope"),
                           QStringLiteral("--incident"), QStringLiteral("1"),
                           QStringLiteral("--out"),      out}
            << QStringLiteral("unknown target 'nope'") << 2;
        QTest::newRow("unknown incident")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("gw"),
                           QStringLiteral("--incident"), QStringLiteral("9999"),
                           QStringLiteral("--out"),      out}
            << QStringLiteral("no incident 9999") << 2;
        QTest::newRow("not a number")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("gw"),
                           QStringLiteral("--incident"), QStringLiteral("x"),
                           QStringLiteral("--out"),      out}
            << QStringLiteral("incident number") << 3;
        QTest::newRow("bad format")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("gw"),
                           QStringLiteral("--incident"), QStringLiteral("1"),
                           QStringLiteral("--format"),   QStringLiteral("docx"),
                           QStringLiteral("--out"),      out}
            << QStringLiteral("html or pdf") << 3;
        QTest::newRow("both incident and range")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("gw"),
                           QStringLiteral("--incident"), QStringLiteral("1"),
                           QStringLiteral("--from"),     QStringLiteral("-1h"),
                           QStringLiteral("--to"),       QStringLiteral("now"),
                           QStringLiteral("--out"),      out}
            << QStringLiteral("either") << 3;
        QTest::newRow("unwritable output")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("gw"),
                           QStringLiteral("--incident"), QStringLiteral("%ID%"),
                           QStringLiteral("--format"),   QStringLiteral("pdf"),
                           QStringLiteral("--out"),      QStringLiteral("%RO%")}
            << QStringLiteral("cannot write") << 2;
        QTest::newRow("output is a folder")
            << QStringList{QStringLiteral("--target"),   QStringLiteral("gw"),
                           QStringLiteral("--incident"), QStringLiteral("%ID%"),
                           QStringLiteral("--format"),   QStringLiteral("pdf"),
                           QStringLiteral("--out"),      QStringLiteral("%DIR%")}
            << QStringLiteral("is a folder") << 2;
    }

    void badInputExitsTwoAndLeavesNoFile()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QFETCH(int, exitCode);
        QTemporaryDir scratch;
        const QString out = scratch.filePath(QStringLiteral("report.pdf"));
        // An output below a regular file can never be created, even by root.
        QFile blocker(scratch.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString readOnly = scratch.filePath(QStringLiteral("file/report.pdf"));
        for (QString& a : arguments) {
            a.replace(QStringLiteral("%OUT%"), out);
            a.replace(QStringLiteral("%RO%"), readOnly);
            a.replace(QStringLiteral("%DIR%"), scratch.path());
            a.replace(QStringLiteral("%ID%"), QString::number(m_incident));
        }
        const auto r = report(arguments);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(error.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("bhiv-ops report: "), r.err.constData());
        // Nothing left: only the blocker file remains in the scratch folder.
        QCOMPARE(QDir(scratch.path()).entryList(QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("file")});
    }
};

QTEST_GUILESS_MAIN(TestReportCli)
#include "TestReportCli.moc"
