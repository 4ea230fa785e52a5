// ops-chart-bench: the chart figures of docs/performance.md, measured in one run.
//   ops-chart-bench [--json] [--points N] [--only-30d]
// Renders offscreen into a 1600x600 QImage: the dashboard's TimeChart with 10 series of a day
// at 1 s (86,400 points each) read through SeriesStore::decimate, the cost of one poll arriving
// with that day on screen, the 30 d window of 1-minute rollups with min-max bands when a minute
// arrives (the pixel columns read before and unchanged are reused, as on screen) and when the
// window changed (everything read afresh), and the reference: the same 10x86,400 points fed
// raw to Qt Charts QLineSeries, measured in the same run. --only-30d: the 30 d rows alone (for
// profiling). Prints table rows (no header) and with --json a last
// line holding one JSON object. Timing: median of many runs, this thread's CPU time.

#include "models/metrics/SeriesStore.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/dashboard/TimeChart.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace {

double now()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? NAN : v[v.size() / 2];
}

constexpr int kSeries = 10;
constexpr qint64 kStartMs = 1'700'000'000'000;

double valueAt(int series, int i)
{
    // Smooth daily shape, a faster wobble and deterministic noise: no two series alike.
    const double x = static_cast<double>(i);
    const double noise = static_cast<double>((static_cast<unsigned>(i) * 2654435761u +
                                              static_cast<unsigned>(series) * 40503u) %
                                             1000u) /
                         1000.0;
    return 100.0 + 20.0 * series + 30.0 * std::sin(x / 13751.0 + series) +
           8.0 * std::sin(x / 97.0) + 6.0 * noise;
}

struct Fixture {
    std::unique_ptr<ops::SeriesStore> store;
    std::vector<std::uint32_t> ids;
    int points = 0;

    // n polls, the first one the first-th of the synthetic day (same times and values as the
    // day fixture's polls from there: only the length of the history differs).
    explicit Fixture(int n, int first = 0)
        : points(first)
    {
        store = std::make_unique<ops::SeriesStore>(ops::SeriesStoreConfig::signalsForADay());
        for (int s = 0; s < kSeries; ++s)
            ids.push_back(store->addSeries());
        for (int i = 0; i < n; ++i)
            append();
    }
    void append()
    {
        store->beginScrape(kStartMs + static_cast<qint64>(points) * 1000);
        for (int s = 0; s < kSeries; ++s)
            store->append(ids[static_cast<std::size_t>(s)], valueAt(s, points));
        store->endScrape();
        ++points;
    }
};

struct Chart {
    ops::ChartTimeline timeline;
    ops::TimeChart chart{&timeline};
    Chart(Fixture& f, qint64 windowMs)
    {
        chart.setTitle(QStringLiteral("bench"));
        chart.setUnit(QStringLiteral("ms"));
        chart.setStore(f.store.get());
        for (int s = 0; s < kSeries; ++s)
            chart.addSeries(QStringLiteral("series %1").arg(s), f.ids[static_cast<std::size_t>(s)]);
        chart.resize(1600, 600);
        timeline.setPreset(windowMs);
        timeline.setLatest(f.store->latestTime());
    }
};

// One poll: a scrape appended to the store, the live range moves, the chart redraws.
double pollUpdateMs(Fixture& f, Chart& c, QImage& image, int runs)
{
    std::vector<double> times;
    for (int run = 0; run < runs; ++run) {
        const double t0 = now();
        f.append();
        c.timeline.setLatest(f.store->latestTime());
        QPainter painter(&image);
        c.chart.render(painter, image.size());
        painter.end();
        times.push_back((now() - t0) * 1e3);
    }
    return median(times);
}

// The 30 d window (#21): 10 signals as 30 days of 1-minute rollups (min, max, avg in a store like
// TargetHistory's), each average drawn with its min-max band.
struct MonthFigures {
    double minuteMs = 0;   // a minute of rollups arrives, the live window moves: the redraw
    double uncachedMs = 0; // the window changed (zoom): every column decimated afresh
    double decimateMs = 0; // of which: the 30 store reads alone, afresh
    int drawn = 0;
};

MonthFigures monthRedraws(QImage& image, int runs)
{
    constexpr qint64 dayMs = 86'400'000;
    constexpr int kMinutes = 30 * 1440;
    ops::SeriesStore rollups(ops::SeriesStoreConfig::rollupWindow(kMinutes, kSeries * 3));
    std::vector<std::array<std::uint32_t, 3>> rollupIds(kSeries);
    for (auto& ids : rollupIds)
        for (auto& id : ids)
            id = rollups.addSeries();
    int minute = 0;
    const auto appendMinute = [&] {
        const int m = minute++;
        rollups.beginScrape(kStartMs + static_cast<qint64>(m) * 60'000);
        for (int s = 0; s < kSeries; ++s) {
            const double avg = valueAt(s, m * 60);
            const auto& ids = rollupIds[static_cast<std::size_t>(s)];
            rollups.append(ids[0], avg - 4.0 - valueAt(s, m * 60 + 17) * 0.01);
            rollups.append(ids[1], avg + 4.0 + valueAt(s, m * 60 + 31) * 0.01);
            rollups.append(ids[2], avg);
        }
        rollups.endScrape();
    };
    for (int m = 0; m < kMinutes; ++m)
        appendMinute();
    ops::ChartTimeline timeline;
    ops::TimeChart chart(&timeline);
    chart.setTitle(QStringLiteral("bench 30 d"));
    chart.setUnit(QStringLiteral("ms"));
    chart.setStore(&rollups);
    for (int s = 0; s < kSeries; ++s) {
        const auto& ids = rollupIds[static_cast<std::size_t>(s)];
        const int index = chart.addSeries(QStringLiteral("series %1").arg(s), ids[2]);
        chart.setSeriesBand(index, ids[0], ids[1]);
    }
    chart.resize(1600, 600);
    timeline.setPreset(30LL * dayMs);
    timeline.setLatest(rollups.latestTime());
    // As the widget paints (what was read and is unchanged is reused), and from scratch.
    const auto draw = [&] {
        QPainter painter(&image);
        chart.draw(painter, image.size());
        painter.end();
    };
    const auto render = [&] {
        QPainter painter(&image);
        chart.render(painter, image.size());
        painter.end();
    };
    draw();
    MonthFigures f;
    // A minute arrives: the store has one more rollup a series, the live window moves to it.
    std::vector<double> minuteRedraw;
    for (int run = 0; run < runs; ++run) {
        const double t0 = now();
        appendMinute();
        timeline.setLatest(rollups.latestTime());
        chart.dataChanged();
        draw();
        minuteRedraw.push_back((now() - t0) * 1e3);
    }
    f.minuteMs = median(minuteRedraw);
    f.drawn = chart.totalPointCount();
    // The window changes (29 d <-> 30 d, as a zoom does): nothing read before is reused.
    std::vector<double> uncached;
    for (int run = 0; run < runs; ++run) {
        timeline.setPreset((run % 2 ? 30LL : 29LL) * dayMs);
        const double t0 = now();
        chart.dataChanged();
        render();
        uncached.push_back((now() - t0) * 1e3);
    }
    f.uncachedMs = median(uncached);
    timeline.setPreset(30LL * dayMs);
    std::vector<double> decimate;
    std::vector<ops::StorePoint> decimated;
    for (int run = 0; run < runs; ++run) {
        const double t0 = now();
        for (const auto& ids : rollupIds)
            for (std::uint32_t id : ids)
                rollups.decimate(id, rollups.latestTime() - 30LL * dayMs, rollups.latestTime(),
                                 chart.plotWidth(), decimated);
        decimate.push_back((now() - t0) * 1e3);
    }
    f.decimateMs = median(decimate);
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    bool json = false;
    bool only30d = false;
    int points = 86400;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--json"))
            json = true;
        else if (!std::strcmp(argv[i], "--only-30d")) // profiling: the 30 d rows alone
            only30d = true;
        else if (!std::strcmp(argv[i], "--points") && i + 1 < argc)
            points = std::max(2, std::atoi(argv[++i]));
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const qint64 dayMs = 86'400'000;
    QImage image(1600, 600, QImage::Format_ARGB32_Premultiplied);
    if (only30d) {
        const MonthFigures month = monthRedraws(image, 200);
        std::printf("30 d: a minute arrives %.3g ms, window changed %.3g ms, decimating %.3g ms, "
                    "%d points drawn\n",
                    month.minuteMs, month.uncachedMs, month.decimateMs, month.drawn);
        return 0;
    }

    // 1. Redraw: 10 series x a day, 24 h on screen, decimate + paint from scratch each time.
    Fixture day(points);
    Chart dayChart(day, dayMs);
    std::vector<double> redraw;
    int drawn = 0;
    for (int run = 0; run < 60; ++run) {
        const double t0 = now();
        QPainter painter(&image);
        dayChart.chart.render(painter, image.size());
        painter.end();
        redraw.push_back((now() - t0) * 1e3);
    }
    drawn = dayChart.chart.totalPointCount();
    const double redrawMs = median(redraw);
    const int plotWidth = dayChart.chart.plotWidth();

    // 1b. The same day with 480 labelled markers (one every 3 min: deploys, alerts, acks,
    //     workflows): the label layout alone, computed afresh (the markers changed), against the
    //     plain redraw above (what the rows and shared labels of #22 cost), and the whole redraw.
    constexpr int kMarkers = 480;
    const auto addMarkers = [&](ops::TimeChart& chart) {
        chart.clearMarkers();
        static const char* const kinds[] = {"Redeploy started of 4f9c2e1",
                                            "high_response_time firing", "ack by ana",
                                            "reindex launched (wf_12)"};
        for (int m = 0; m < kMarkers; ++m)
            chart.addMarker(kStartMs + static_cast<qint64>(m) * 180'000 + 60'000,
                            static_cast<ops::MarkerKind>(m % 4),
                            QString::fromLatin1(kinds[m % 4]) + QStringLiteral(" #%1").arg(m));
    };
    std::vector<double> markedRedraw;
    for (int run = 0; run < 30; ++run) {
        addMarkers(dayChart.chart);
        const double t0 = now();
        QPainter painter(&image);
        dayChart.chart.render(painter, image.size());
        painter.end();
        markedRedraw.push_back((now() - t0) * 1e3);
    }
    std::vector<double> layoutOnly;
    for (int run = 0; run < 30; ++run) {
        addMarkers(dayChart.chart);
        const double t0 = now();
        dayChart.chart.markerLabelLayout();
        layoutOnly.push_back((now() - t0) * 1e3);
    }
    const double labelLayoutMs = median(layoutOnly);
    const double markedRedrawMs = median(markedRedraw);
    const double markedRatio = markedRedrawMs / redrawMs;
    const int markerLabels = static_cast<int>(dayChart.chart.markerLabelLayout().size());
    dayChart.chart.clearMarkers();

    const MonthFigures month = monthRedraws(image, 30);

    // 2. A poll arriving with the day on screen; then the same at a 1 h window with a day of
    //    history and with only 1 h of history: the cost must not depend on the history length.
    const double pollMs = pollUpdateMs(day, dayChart, image, 60);
    Fixture hour(3600, day.points - 3600); // the day's last hour alone: the same polls follow
    Chart hourOfDay(day, 3'600'000);
    const double pollHourWindowDayHistory = pollUpdateMs(day, hourOfDay, image, 60);
    Chart hourChart(hour, 3'600'000);
    const double pollHourWindowHourHistory = pollUpdateMs(hour, hourChart, image, 60);
    const double historyRatio = pollHourWindowDayHistory / pollHourWindowHourHistory;

    // 3. Reference: Qt Charts QLineSeries fed the same raw points, rendered the same way.
    QChart* qchart = new QChart;
    qchart->legend()->hide();
    auto* timeAxis = new QDateTimeAxis;
    auto* valueAxis = new QValueAxis;
    qchart->addAxis(timeAxis, Qt::AlignBottom);
    qchart->addAxis(valueAxis, Qt::AlignLeft);
    QChartView view(qchart);
    view.resize(1600, 600);
    view.show(); // lay the chart out at its size (offscreen platform)
    QApplication::processEvents();
    std::vector<double> replaceTimes;
    for (int s = 0; s < kSeries; ++s) {
        QList<QPointF> raw;
        raw.reserve(points);
        for (int i = 0; i < points; ++i)
            raw.append(QPointF(static_cast<double>(kStartMs + i * 1000LL), valueAt(s, i)));
        auto* series = new QLineSeries;
        qchart->addSeries(series);
        series->attachAxis(timeAxis);
        series->attachAxis(valueAxis);
        const double t0 = now();
        series->replace(raw);
        replaceTimes.push_back((now() - t0) * 1e3);
    }
    timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(kStartMs),
                       QDateTime::fromMSecsSinceEpoch(kStartMs + (points - 1) * 1000LL));
    valueAxis->setRange(80, 350);
    QApplication::processEvents();
    std::vector<double> qtCharts;
    for (int run = 0; run < 4; ++run) {
        QImage target(1600, 600, QImage::Format_ARGB32_Premultiplied);
        const double t0 = now();
        QPainter painter(&target);
        view.render(&painter);
        painter.end();
        if (run > 0) // the first render also lays the chart out
            qtCharts.push_back((now() - t0) * 1e3);
    }
    const double qtChartsMs = median(qtCharts);
    const double speedup = qtChartsMs / redrawMs;

    auto row = [](const char* figure, double value, const char* unit, const char* bar,
                  const char* pass, const std::string& notes) {
        std::printf("%-40s %12.4g %-6s %-20s %-6s %s\n", figure, value, unit, bar, pass,
                    notes.c_str());
    };
    char notes[160];
    std::snprintf(notes, sizeof notes, "%.0fx faster than Qt Charts; %d points drawn, %d px",
                  speedup, drawn, plotWidth);
    row("chart redraw 10x86400, 1600 px", redrawMs, "ms", "<= 8", redrawMs <= 8 ? "PASS" : "FAIL",
        notes);
    const double layoutRatio = labelLayoutMs / redrawMs;
    std::snprintf(notes, sizeof notes,
                  "%.2fx the plain redraw (bar <= 1x); %d markers in %d labels (rows, shared)",
                  layoutRatio, kMarkers, markerLabels);
    row("  marker label layout, 480 markers", labelLayoutMs, "ms", "<= 1x redraw",
        layoutRatio <= 1 ? "PASS" : "FAIL", notes);
    std::snprintf(notes, sizeof notes,
                  "%.2fx the plain redraw; shapes, lines, 120 alert spans and labels; no bar",
                  markedRatio);
    row("  redraw with 480 labelled markers", markedRedrawMs, "ms", "", "", notes);
    std::snprintf(notes, sizeof notes, "1 h window: %.3g ms (day history) / %.3g ms (1 h) = %.2fx",
                  pollHourWindowDayHistory, pollHourWindowHourHistory, historyRatio);
    const bool pollPass = pollMs <= 8 && historyRatio <= 1.5;
    row("chart update per poll, day on screen", pollMs, "ms", "O(width), <= 8",
        pollPass ? "PASS" : "FAIL", notes);
    // The same poll at a 1 h window: with a day of history behind it, and with only an hour.
    std::snprintf(notes, sizeof notes, "%.2fx the 1 h history figure below (bar <= 1.5x)",
                  historyRatio);
    row("  poll, 1 h window, 24 h of history", pollHourWindowDayHistory, "ms", "~ 1 h history",
        historyRatio <= 1.5 ? "PASS" : "FAIL", notes);
    row("  poll, 1 h window, 1 h of history", pollHourWindowHourHistory, "ms", "", "", "");
    // What the 30 d window costs when something changed: a minute of rollups arrived (the
    // redraw the Overview does each minute; what is unchanged is not read again), and the
    // window changed (zoom: every column read afresh). Never a blit of an earlier picture.
    std::snprintf(notes, sizeof notes,
                  "a minute arrives, the live window moves: 10 x 43,200 one-minute rollups, avg "
                  "lines + min-max bands; %d points drawn; %.2fx the day redraw",
                  month.drawn, month.minuteMs / redrawMs);
    row("chart redraw 10x30d rollups, 1600 px", month.minuteMs, "ms", "<= 5",
        month.minuteMs <= 5 ? "PASS" : "FAIL", notes);
    std::snprintf(notes, sizeof notes,
                  "the window changed (zoom), nothing reused; of which decimating the 30 "
                  "columns %.3g ms",
                  month.decimateMs);
    row("  30 d redraw, window changed (uncached)", month.uncachedMs, "ms", "", "", notes);
    std::snprintf(notes, sizeof notes, "replace() %.0f ms per series", median(replaceTimes));
    row("Qt Charts QLineSeries raw 10x86400", qtChartsMs, "ms", "reference", "", notes);
    if (json) {
        std::printf(
            "{\"chart_redraw_10x86400_ms\": %.4g, \"chart_poll_update_ms\": %.4g, "
            "\"chart_poll_update_history_ratio\": %.4g, "
            "\"chart_poll_1h_window_24h_history_ms\": %.4g, "
            "\"chart_poll_1h_window_1h_history_ms\": %.4g, "
            "\"qtcharts_redraw_10x86400_ms\": %.4g, \"chart_speedup_vs_qtcharts\": %.4g, "
            "\"chart_points_drawn\": %d, \"chart_redraw_480_markers_ms\": %.4g, "
            "\"chart_redraw_480_markers_ratio\": %.4g, "
            "\"chart_marker_label_layout_480_ms\": %.4g, \"chart_redraw_10x30d_ms\": %.4g, "
            "\"chart_redraw_10x30d_uncached_ms\": %.4g, \"chart_decimate_10x30d_ms\": %.4g}\n",
            redrawMs, pollMs, historyRatio, pollHourWindowDayHistory, pollHourWindowHourHistory,
            qtChartsMs, speedup, drawn, markedRedrawMs, markedRatio, labelLayoutMs, month.minuteMs,
            month.uncachedMs, month.decimateMs);
    }
    return 0;
}
