#include "ui/incidents/TimelinePage.h"

#include "models/domain/Clock.h"
#include "models/incidents/IncidentReport.h"
#include "ui/dashboard/ChartTimeline.h"
#include "ui/incidents/IncidentReportWriter.h"
#include "ui/incidents/TimelineLanes.h"
#include "ui/shell/EmptyState.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace ops {
namespace {

constexpr qint64 kDayMs = 24 * 3'600'000LL;

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QTableWidgetItem* item(const QString& text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto* it = new QTableWidgetItem(text);
    it->setTextAlignment(align);
    it->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return it;
}

} // namespace

TimelinePage::TimelinePage(EventStore* events, const AlertStore* alerts, AuditLog* audit,
                           const Clock* clock, ChartTimeline* chartTimeline,
                           const SignalHistory* history, QWidget* parent)
    : QWidget(parent)
    , m_timeline(events, alerts, audit)
    , m_book(events, &m_timeline, audit, clock)
    , m_clock(clock)
    , m_chartTimeline(chartTimeline)
    , m_history(history)
    , m_target(new QComboBox(this))
    , m_lanes(new TimelineLanes(chartTimeline, this))
    , m_detail(new QLabel(this))
    , m_incidentTable(new QTableWidget(this))
    , m_statsTable(new QTableWidget(this))
    , m_export(new QPushButton(tr("E&xport report…"), this))
    , m_rename(new QPushButton(tr("&Rename…"), this))
    , m_note(new QPushButton(tr("Add &comment…"), this))
    , m_merge(new QPushButton(tr("&Merge with previous"), this))
    , m_split(new QPushButton(tr("&Split at event"), this))
    , m_refreshTimer(new QTimer(this))
    , m_rangeTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("timelinePage"));
    QHBoxLayout* bar = buildBar();
    m_detail->setObjectName(QStringLiteral("timelineDetail"));
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setWordWrap(true);
    m_detail->setText(tr("Click an event to show it on the charts; wheel zooms, drag pans."));
    setUpTables();

    auto* tabs = new QTabWidget(this);
    // No mnemonic: every letter of "Incident list" is taken in the window (&Logs, Alt+T, ...).
    tabs->addTab(m_incidentTable, tr("Incident list"));
    tabs->addTab(m_statsTable, tr("Response times"));

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_lanes, 1);
    topLayout->addWidget(m_detail);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(tabs);
    // The lanes keep their height; the incident list gets the rest of a taller window.
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setCollapsible(0, false);
    split->setCollapsible(1, false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connectControls();
    connectLanes();
    // The window moved (here or on the charts): re-read once it settles.
    m_rangeTimer->setSingleShot(true);
    m_rangeTimer->setInterval(150);
    connect(m_rangeTimer, &QTimer::timeout, this, &TimelinePage::refresh);
    connect(m_chartTimeline, &ChartTimeline::rangeChanged, this, [this] {
        if (isVisible() && !m_chartTimeline->isLive())
            m_rangeTimer->start();
    });
    m_refreshTimer->setInterval(5000);
    connect(m_refreshTimer, &QTimer::timeout, this, &TimelinePage::refresh);
    updateButtons();
}

// The target chooser, then what can be done with the selected incident.
QHBoxLayout* TimelinePage::buildBar()
{
    m_target->setObjectName(QStringLiteral("timelineTarget"));
    m_target->addItem(tr("All targets"), QString());
    m_target->setAccessibleName(tr("Target"));
    auto* targetLabel = new QLabel(tr("Tar&get:"), this);
    targetLabel->setBuddy(m_target);
    m_export->setObjectName(QStringLiteral("exportReport"));
    m_export->setToolTip(tr("Write the selected incident's report (or the time window's) as "
                            "PDF or HTML"));
    m_note->setToolTip(tr("Add a note to the selected incident (kept with it and in its report)"));
    m_merge->setToolTip(tr("Join the selected incident with the one before it"));
    m_split->setToolTip(tr("Cut the selected incident in two at the selected event"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(targetLabel);
    bar->addWidget(m_target);
    bar->addStretch(1);
    for (QPushButton* b : {m_rename, m_note, m_merge, m_split, m_export})
        bar->addWidget(b);
    return bar;
}

// The incidents, one a row, and the response times per target over 7 and 30 days.
void TimelinePage::setUpTables()
{
    m_incidentTable->setObjectName(QStringLiteral("incidentTable"));
    m_incidentTable->setColumnCount(8);
    m_incidentTable->setHorizontalHeaderLabels({tr("#"), tr("Target"), tr("Incident"), tr("Opened"),
                                                tr("Duration"), tr("TTA"), tr("TTR"), tr("State")});
    m_incidentTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_incidentTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_incidentTable->verticalHeader()->hide();
    m_incidentTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_incidentTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_incidentTable->setAccessibleName(tr("Incidents"));

    m_statsTable->setObjectName(QStringLiteral("responseStats"));
    m_statsTable->setColumnCount(7);
    m_statsTable->setHorizontalHeaderLabels(
        {tr("Target"), tr("Incidents (7 d)"), tr("Mean TTA (7 d)"), tr("Mean TTR (7 d)"),
         tr("Incidents (30 d)"), tr("Mean TTA (30 d)"), tr("Mean TTR (30 d)")});
    m_statsTable->verticalHeader()->hide();
    m_statsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_statsTable->horizontalHeader()->setStretchLastSection(true);
    m_statsTable->setAccessibleName(tr("Response times per target"));
}

void TimelinePage::connectControls()
{
    connect(m_target, &QComboBox::currentIndexChanged, this, &TimelinePage::refresh);
    connect(m_export, &QPushButton::clicked, this, &TimelinePage::exportReport);
    connect(m_rename, &QPushButton::clicked, this, &TimelinePage::renameSelected);
    connect(m_note, &QPushButton::clicked, this, &TimelinePage::addNoteToSelected);
    connect(m_merge, &QPushButton::clicked, this, &TimelinePage::mergeSelectedWithPrevious);
    connect(m_split, &QPushButton::clicked, this, &TimelinePage::splitSelectedAtEvent);
    connect(m_incidentTable, &QTableWidget::itemSelectionChanged, this,
            &TimelinePage::updateButtons);
    connect(m_incidentTable, &QTableWidget::cellActivated, this, [this](int row, int) {
        if (row >= 0 && row < m_incidents.size())
            showIncident(m_incidents[row]);
    });
}

// A selected event is told in words; an activated one brings the charts to it.
void TimelinePage::connectLanes()
{
    connect(m_lanes, &TimelineLanes::eventSelected, this, [this](const TimelineEvent& e) {
        QString text = tr("%1 · %2 · %3 · by %4")
                           .arg(when(e.timeMs), e.target, e.summary.toHtmlEscaped(), e.actor);
        if (!e.comment.isEmpty())
            text += QStringLiteral(" · “%1”").arg(e.comment);
        m_detail->setText(text);
        updateButtons();
    });
    connect(m_lanes, &TimelineLanes::eventActivated, this, [this](const TimelineEvent& e) {
        // The charts move to the event, keeping their span.
        const qint64 span = m_chartTimeline->spanMs();
        m_chartTimeline->showRange(e.timeMs - span / 2, e.timeMs + span / 2);
        emit showChartsRequested();
    });
}

TimelinePage::~TimelinePage() = default;

void TimelinePage::setTargets(const QStringList& names)
{
    const QString current = currentTarget();
    QSignalBlocker block(m_target);
    m_target->clear();
    m_target->addItem(tr("All targets"), QString());
    for (const QString& name : names)
        m_target->addItem(name, name);
    const int index = m_target->findData(current);
    m_target->setCurrentIndex(index < 0 ? 0 : index);
}

void TimelinePage::setCurrentTarget(const QString& name)
{
    int index = m_target->findData(name);
    if (index < 0) {
        m_target->addItem(name, name);
        index = m_target->count() - 1;
    }
    m_target->setCurrentIndex(index);
}

QString TimelinePage::currentTarget() const
{
    return m_target->currentData().toString();
}

void TimelinePage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
    m_refreshTimer->start();
}

void TimelinePage::hideEvent(QHideEvent* event)
{
    m_refreshTimer->stop();
    QWidget::hideEvent(event);
}

void TimelinePage::refresh()
{
    const qint64 now = m_clock->nowMs();
    const qint64 start = m_chartTimeline->startMs();
    const qint64 end = m_chartTimeline->endMs();
    const qint64 margin = (end - start) / 10;
    TimelineQuery query;
    query.fromMs = start - margin;
    query.toMs = end + margin + 1;
    query.target = currentTarget();
    query.notifications = false; // the lanes show what happened; notifications are on Alerts
    m_lanes->setEvents(m_timeline.events(query));

    const QList<Incident> lastMonth = m_book.incidents({}, now - 30 * kDayMs, now + 1);
    m_incidents.clear();
    for (const Incident& i : lastMonth) {
        if (currentTarget().isEmpty() || i.target == currentTarget())
            m_incidents.prepend(i); // newest first
    }
    m_lanes->setIncidents(m_incidents);
    fillIncidentTable();
    fillStatsTable(lastMonth);
    updateButtons();
}

void TimelinePage::fillIncidentTable()
{
    const qint64 selectedId = selectedIncident() ? selectedIncident()->id : 0;
    const qint64 now = m_clock->nowMs();
    QSignalBlocker block(m_incidentTable);
    m_incidentTable->setRowCount(int(m_incidents.size()));
    int reselect = -1;
    for (int row = 0; row < m_incidents.size(); ++row) {
        const Incident& i = m_incidents[row];
        const Qt::Alignment right = Qt::AlignRight | Qt::AlignVCenter;
        m_incidentTable->setItem(row, 0, item(QString::number(i.id), right));
        m_incidentTable->setItem(row, 1, item(i.target));
        m_incidentTable->setItem(row, 2, item(i.title));
        m_incidentTable->setItem(row, 3, item(when(i.openedMs)));
        m_incidentTable->setItem(row, 4, item(formatIncidentDuration(i.durationMs(now)), right));
        m_incidentTable->setItem(row, 5, item(formatIncidentDuration(i.ttaMs()), right));
        m_incidentTable->setItem(row, 6, item(formatIncidentDuration(i.ttrMs()), right));
        m_incidentTable->setItem(row, 7,
                                 item(!i.isResolved() ? tr("open")
                                      : i.isOpen()    ? tr("resolved, watching")
                                                      : tr("closed")));
        if (i.id == selectedId)
            reselect = row;
    }
    if (reselect >= 0)
        m_incidentTable->selectRow(reselect);
    // Said in words instead of a blank table (the house's empty state, over the viewport).
    setEmptyText(
        m_incidentTable,
        (currentTarget().isEmpty()
             ? tr("No incidents in the last 30 days: all quiet.")
             : tr("No incidents for %1 in the last 30 days: all quiet.").arg(currentTarget())) +
            QLatin1Char('\n') +
            tr("An incident opens when an alert fires or a target is not up for more "
               "than a minute; it shows here with its TTA and TTR."));
}

void TimelinePage::fillStatsTable(const QList<Incident>& lastMonth)
{
    QStringList targets;
    for (const Incident& i : lastMonth) {
        if (!targets.contains(i.target))
            targets << i.target;
    }
    for (int k = 1; k < m_target->count(); ++k) {
        if (!targets.contains(m_target->itemData(k).toString()))
            targets << m_target->itemData(k).toString();
    }
    const qint64 now = m_clock->nowMs();
    m_statsTable->setRowCount(int(targets.size()));
    const Qt::Alignment right = Qt::AlignRight | Qt::AlignVCenter;
    for (int row = 0; row < targets.size(); ++row) {
        QList<Incident> mine;
        for (const Incident& i : lastMonth) {
            if (i.target == targets[row])
                mine << i;
        }
        const ResponseStats week = responseStats(mine, now, 7);
        const ResponseStats month = responseStats(mine, now, 30);
        m_statsTable->setItem(row, 0, item(targets[row]));
        m_statsTable->setItem(row, 1, item(QString::number(week.incidents), right));
        m_statsTable->setItem(row, 2, item(formatIncidentDuration(week.meanTtaMs), right));
        m_statsTable->setItem(row, 3, item(formatIncidentDuration(week.meanTtrMs), right));
        m_statsTable->setItem(row, 4, item(QString::number(month.incidents), right));
        m_statsTable->setItem(row, 5, item(formatIncidentDuration(month.meanTtaMs), right));
        m_statsTable->setItem(row, 6, item(formatIncidentDuration(month.meanTtrMs), right));
    }
}

std::optional<Incident> TimelinePage::selectedIncident() const
{
    const auto rows = m_incidentTable->selectionModel()
                          ? m_incidentTable->selectionModel()->selectedRows()
                          : QModelIndexList{};
    if (rows.isEmpty() || rows.first().row() >= m_incidents.size())
        return std::nullopt;
    return m_incidents[rows.first().row()];
}

void TimelinePage::updateButtons()
{
    const auto incident = selectedIncident();
    m_rename->setEnabled(incident.has_value());
    m_note->setEnabled(incident.has_value());
    bool hasPrevious = false;
    if (incident) {
        for (const Incident& i : m_incidents)
            hasPrevious |= i.target == incident->target && i.openedMs < incident->openedMs;
    }
    m_merge->setEnabled(hasPrevious);
    const int e = m_lanes->selected();
    m_split->setEnabled(incident && e >= 0 && m_lanes->events()[e].timeMs > incident->openedMs &&
                        m_lanes->events()[e].timeMs < incident->endMs(m_clock->nowMs()));
}

void TimelinePage::showIncident(const Incident& incident)
{
    const qint64 end = incident.resolvedMs ? incident.resolvedMs : m_clock->nowMs();
    m_chartTimeline->showRange(incident.storyStartMs - kReportPaddingMs, end + kReportPaddingMs);
    refresh();
    m_lanes->selectNear(incident.openedMs);
}

void TimelinePage::showMoment(qint64 timeMs)
{
    refresh();
    m_lanes->selectNear(timeMs);
    m_lanes->setFocus();
}

void TimelinePage::exportReport()
{
    const qint64 now = m_clock->nowMs();
    IncidentReport report;
    QString name;
    if (const auto incident = selectedIncident()) {
        report = buildIncidentReport(*incident, m_timeline, m_history, now);
        name = QStringLiteral("incident-%1").arg(incident->id);
    } else {
        QString target = currentTarget();
        if (target.isEmpty() && m_target->count() > 1)
            target = m_target->itemData(1).toString();
        if (target.isEmpty()) {
            emit message(tr("Choose a target or an incident to report on."), true);
            return;
        }
        report = buildRangeReport(target, m_chartTimeline->startMs(), m_chartTimeline->endMs(),
                                  m_book, m_timeline, m_history, now);
        name = QStringLiteral("%1-%2").arg(
            target, QDateTime::fromMSecsSinceEpoch(now).toString(QStringLiteral("yyyyMMdd-HHmm")));
    }
    QString filter;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export incident report"), name + QStringLiteral(".pdf"),
        tr("PDF document (*.pdf);;Self-contained web page (*.html)"), &filter);
    if (path.isEmpty())
        return;
    const ReportFormat format =
        path.endsWith(QLatin1String(".html"), Qt::CaseInsensitive) || filter.contains(u"html")
            ? ReportFormat::Html
            : ReportFormat::Pdf;
    QString error;
    if (!IncidentReportWriter(report).write(format, path, &error)) {
        QMessageBox::warning(this, tr("Export incident report"), error);
        emit message(error, true);
        return;
    }
    emit message(tr("Incident report written to %1").arg(path), false);
}

void TimelinePage::renameSelected()
{
    const auto incident = selectedIncident();
    if (!incident)
        return;
    bool ok = false;
    const QString title = QInputDialog::getText(this, tr("Rename incident"), tr("Name:"),
                                                QLineEdit::Normal, incident->title, &ok);
    if (!ok)
        return;
    QString error;
    if (!m_book.rename(incident->id, title, &error))
        QMessageBox::warning(this, tr("Rename incident"), error);
    refresh();
}

void TimelinePage::addNoteToSelected()
{
    const auto incident = selectedIncident();
    if (!incident)
        return;
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(
        this, tr("Add a note"), tr("Note on “%1”:").arg(incident->title), QString(), &ok);
    if (!ok)
        return;
    QString error;
    if (!m_book.addNote(incident->id, text, &error))
        QMessageBox::warning(this, tr("Add a note"), error);
    refresh();
}

void TimelinePage::mergeSelectedWithPrevious()
{
    const auto incident = selectedIncident();
    if (!incident)
        return;
    std::optional<Incident> previous;
    for (const Incident& i : m_incidents) { // newest first: the first earlier one is previous
        if (i.target == incident->target && i.openedMs < incident->openedMs) {
            previous = i;
            break;
        }
    }
    if (!previous)
        return;
    QString error;
    if (!m_book.merge(previous->id, incident->id, &error))
        QMessageBox::warning(this, tr("Merge incidents"), error);
    refresh();
}

void TimelinePage::splitSelectedAtEvent()
{
    const auto incident = selectedIncident();
    const int e = m_lanes->selected();
    if (!incident || e < 0)
        return;
    QString error;
    if (!m_book.split(incident->id, m_lanes->events()[e].timeMs, &error))
        QMessageBox::warning(this, tr("Split incident"), error);
    refresh();
}

} // namespace ops
