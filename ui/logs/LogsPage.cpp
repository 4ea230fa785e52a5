#include "ui/logs/LogsPage.h"

#include "models/domain/Clock.h"
#include "models/fleet/Fleet.h"
#include "models/fleet/TargetSession.h"
#include "models/logs/LogLineModel.h"
#include "models/logs/LogSession.h"
#include "models/logs/ServiceLogs.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPaintEvent>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

namespace ops {

namespace {

constexpr qint64 kAroundMs = 5 * 60 * 1000;

bool isDark(const QPalette& p)
{
    return p.color(QPalette::Base).lightness() < 128;
}

QColor levelColor(LogLevel level, const QPalette& p)
{
    const bool dark = isDark(p);
    switch (level) {
    case LogLevel::Critical:
        return dark ? QColor(0xff, 0x80, 0xc0) : QColor(0xad, 0x14, 0x57);
    case LogLevel::Error:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case LogLevel::Warning:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0x9a, 0x58, 0x00);
    case LogLevel::Debug:
        return p.color(QPalette::PlaceholderText);
    default:
        return p.color(QPalette::Text);
    }
}

QColor errorColor(const QPalette& p)
{
    return isDark(p) ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
}

// One line per row in the fixed-width font, coloured by level, find matches highlighted.
class LogLineDelegate : public QStyledItemDelegate {
public:
    explicit LogLineDelegate(const QRegularExpression* search, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_search(search)
    {
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        // The row's own background (LogLinesView does not fill the viewport as a whole).
        painter->fillRect(opt.rect, opt.palette.brush(QPalette::Base));
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        painter->save();
        painter->setFont(opt.font);
        const QRect r = opt.rect.adjusted(4, 0, -4, 0);
        const QFontMetrics fm(opt.font);
        painter->setClipRect(r);
        // A line wider than the view ends in "…"; the whole line is in its tooltip and a copy.
        const QString shown = fm.elidedText(text, Qt::ElideRight, r.width());
        const int shownChars = shown == text ? int(text.size()) : int(shown.size()) - 1;
        if (!m_search->pattern().isEmpty() && m_search->isValid()) {
            const QColor mark =
                isDark(opt.palette) ? QColor(0x8a, 0x6d, 0x00) : QColor(0xff, 0xe0, 0x66);
            auto it = m_search->globalMatch(text);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                if (m.capturedLength() == 0 || m.capturedStart() >= shownChars)
                    break;
                const int x = fm.horizontalAdvance(text.left(m.capturedStart()));
                const int w = fm.horizontalAdvance(m.captured());
                painter->fillRect(QRect(r.left() + x, r.top() + 1, w, r.height() - 2), mark);
            }
        }
        const auto level = static_cast<LogLevel>(index.data(LogLineModel::LevelRole).toInt());
        painter->setPen(opt.state & QStyle::State_Selected
                            ? opt.palette.color(QPalette::HighlightedText)
                            : levelColor(level, opt.palette));
        painter->drawText(r, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, shown);
        painter->restore();
    }

    // Lines are elided to the view's width (no sideways scrolling through 100,000 lines): only
    // the height matters, the same for every row (the table's fixed row height).
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QFontMetrics fm(opt.font);
        return {0, fm.height() + 2};
    }

    // The whole line as a tooltip when it does not fit (at most a screenful of it).
    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override
    {
        if (!event || !view || event->type() != QEvent::ToolTip)
            return QStyledItemDelegate::helpEvent(event, view, option, index);
        const QString text = index.data(Qt::DisplayRole).toString();
        const QFontMetrics fm(view->font());
        if (fm.horizontalAdvance(text) <= option.rect.width() - 8) {
            QToolTip::hideText();
            return true;
        }
        constexpr int kMaxChars = 4000;
        QString shown = text.left(kMaxChars);
        if (text.size() > kMaxChars)
            shown += QStringLiteral(" …");
        QToolTip::showText(
            event->globalPos(),
            QStringLiteral("<p style='white-space:pre-wrap'>%1</p>").arg(shown.toHtmlEscaped()),
            view);
        return true;
    }

private:
    const QRegularExpression* m_search;
};

// The lines: a one-column table rather than a QListView, whose every batch of lines lays out
// all rows again (100,000 rows: a visible stall at 5,000 lines/s); a table's rows of one fixed
// height cost nothing to lay out. It paints its background row by row: at steady state every
// batch shifts every row, and Qt fills an area that large on its GUI thread pool and waits for
// it, which on a busy machine holds the event loop many times longer than the painting itself.
class LogLinesView : public QTableView {
public:
    explicit LogLinesView(QWidget* parent)
        : QTableView(parent)
    {
        viewport()->setAutoFillBackground(false);
        viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    }

protected:
    void paintEvent(QPaintEvent* event) override
    {
        // Below the last row (a short list) and right of the column: the base colour.
        const int rows = model() ? model()->rowCount() : 0;
        const int bottom = rows > 0 ? rowViewportPosition(rows - 1) + rowHeight(rows - 1) : 0;
        const int right =
            model() && model()->columnCount() > 0 ? columnViewportPosition(0) + columnWidth(0) : 0;
        QRegion empty(viewport()->rect());
        empty -= QRect(0, 0, right, bottom);
        empty &= event->region();
        if (!empty.isEmpty()) {
            QPainter painter(viewport());
            for (const QRect& r : empty)
                painter.fillRect(r, palette().brush(QPalette::Base));
        }
        QTableView::paintEvent(event);
    }
};

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

} // namespace

LogsPage::LogsPage(const Fleet* fleet, QWidget* parent)
    : QWidget(parent)
    , m_fleet(fleet)
{
    setObjectName(QStringLiteral("logs"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);

    buildNoticePage();

    m_linesPage = new QWidget(m_stack);
    auto* layout = new QVBoxLayout(m_linesPage);
    m_stack->addWidget(m_linesPage);

    buildControls(layout);
    layout->addWidget(buildLinesView(), 1);

    auto* statusRow = new QHBoxLayout;
    m_status = new QLabel(m_linesPage);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Connection"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusRow->addWidget(m_status, 1);
    m_retry = new QPushButton(tr("&Reconnect now"), m_linesPage);
    m_retry->hide();
    statusRow->addWidget(m_retry);
    layout->addLayout(statusRow);

    connectControls();
    // The countdown ("reconnecting in 4 s") moves on its own.
    m_statusTimer.setInterval(500);
    connect(&m_statusTimer, &QTimer::timeout, this, &LogsPage::refreshStatus);
    m_statusTimer.start();

    // The last hour by the fleet's clock (a ManualClock in tests).
    const QDateTime now =
        QDateTime::fromMSecsSinceEpoch(fleet->context().clock ? fleet->context().clock->nowMs()
                                                              : QDateTime::currentMSecsSinceEpoch(),
                                       Qt::UTC);
    m_from->setDateTime(now.addSecs(-3600));
    m_to->setDateTime(now);

    connect(fleet, &Fleet::currentChanged, this, &LogsPage::showSession);
    showSession(fleet->current());
}

// What is missing (no Render service, no key), and the way to set it: a heading, the words, the
// button, in a readable column near the top.
void LogsPage::buildNoticePage()
{
    m_noticePage = new QWidget(m_stack);
    auto* noticeOuter = new QHBoxLayout(m_noticePage);
    auto* noticeColumn = new QWidget(m_noticePage);
    noticeColumn->setMaximumWidth(720);
    auto* noticeLayout = new QVBoxLayout(noticeColumn);
    noticeLayout->setSpacing(12);
    m_noticeTitle = new QLabel(noticeColumn);
    m_noticeTitle->setTextFormat(Qt::PlainText);
    m_noticeTitle->setWordWrap(true);
    QFont noticeFont = m_noticeTitle->font();
    noticeFont.setBold(true);
    noticeFont.setPointSizeF(noticeFont.pointSizeF() * 1.25);
    m_noticeTitle->setFont(noticeFont);
    noticeLayout->addWidget(m_noticeTitle);
    m_notice = new QLabel(noticeColumn);
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    noticeLayout->addWidget(m_notice);
    m_configure = new QPushButton(tr("Open the targets dialog…"), noticeColumn);
    connect(m_configure, &QPushButton::clicked, this, [this] {
        if (m_session)
            emit configureRequested(m_session->id());
    });
    auto* configureRow = new QHBoxLayout;
    configureRow->addWidget(m_configure);
    configureRow->addStretch(1);
    noticeLayout->addLayout(configureRow);
    noticeLayout->addStretch(1);
    noticeOuter->addStretch(1);
    noticeOuter->addWidget(noticeColumn, 4);
    noticeOuter->addStretch(1);
    m_stack->addWidget(m_noticePage);
}

// Three rows above the lines: what is shown (pause, live, export), a time window and find, and
// which lines are shown (level, type, filter).
void LogsPage::buildControls(QVBoxLayout* layout)
{
    // Row 1: what is shown, the pause and its count, back to live, export.
    auto* head = new QHBoxLayout;
    m_title = new QLabel(m_linesPage);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true); // a long window reason wraps instead of widening the window
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    head->addWidget(m_title, 1);
    m_paused = new QLabel(m_linesPage);
    head->addWidget(m_paused);
    m_pause = new QToolButton(m_linesPage);
    m_pause->setCheckable(true);
    m_pause->setText(tr("Pau&se"));
    m_pause->setToolTip(tr("Hold the view still; new lines are kept and counted"));
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) { setFollowing(!paused); });
    head->addWidget(m_pause);
    m_live = new QPushButton(tr("Bac&k to live"), m_linesPage);
    m_live->setToolTip(tr("Back to the live tail: the last 15 minutes, then lines as they come"));
    head->addWidget(m_live);
    m_export = new QPushButton(tr("E&xport…"), m_linesPage);
    m_export->setToolTip(tr("Save the lines shown as text or JSON Lines"));
    head->addWidget(m_export);
    layout->addLayout(head);

    // Row 2: a time window (UTC), and find in the lines shown.
    auto* window = new QHBoxLayout;
    m_from = new QDateTimeEdit(m_linesPage);
    m_from->setTimeSpec(Qt::UTC);
    m_from->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_from->setAccessibleName(tr("Window start (UTC)"));
    window->addWidget(buddyLabel(tr("&Between"), m_from, m_linesPage));
    window->addWidget(m_from);
    window->addWidget(new QLabel(tr("and"), m_linesPage));
    m_to = new QDateTimeEdit(m_linesPage);
    m_to->setTimeSpec(Qt::UTC);
    m_to->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_to->setAccessibleName(tr("Window end (UTC)"));
    window->addWidget(m_to);
    window->addWidget(new QLabel(tr("UTC"), m_linesPage));
    m_showWindow = new QPushButton(tr("&Jump to window"), m_linesPage);
    m_showWindow->setToolTip(tr("The lines of that window, oldest first (not live)"));
    window->addWidget(m_showWindow);
    window->addSpacing(24);
    m_find = new QLineEdit(m_linesPage);
    m_find->setPlaceholderText(tr("Find (Ctrl+F; Enter or F3: next)"));
    m_find->setClearButtonEnabled(true);
    m_find->setAccessibleName(tr("Find"));
    auto* findAction = new QAction(this);
    findAction->setShortcut(QKeySequence::Find);
    findAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(findAction, &QAction::triggered, m_find, [this] {
        m_find->setFocus();
        m_find->selectAll();
    });
    addAction(findAction);
    window->addWidget(m_find, 1);
    m_prev = new QToolButton(m_linesPage);
    m_prev->setText(tr("Previous"));
    m_prev->setToolTip(tr("Previous match (Shift+F3)"));
    m_prev->setShortcut(QKeySequence::FindPrevious);
    window->addWidget(m_prev);
    m_next = new QToolButton(m_linesPage);
    m_next->setText(tr("Next"));
    m_next->setToolTip(tr("Next match (F3)"));
    m_next->setShortcut(QKeySequence::FindNext);
    window->addWidget(m_next);
    m_matches = new QLabel(m_linesPage);
    window->addWidget(m_matches);
    layout->addLayout(window);

    // Row 3: which lines are shown.
    auto* filters = new QHBoxLayout;
    m_level = new QComboBox(m_linesPage);
    m_level->addItem(tr("All levels"));
    m_level->addItem(tr("Errors"));
    m_level->addItem(tr("Warnings and errors"));
    m_level->addItem(tr("Info and above"));
    m_level->setAccessibleName(tr("Minimum level"));
    filters->addWidget(buddyLabel(tr("&Minimum level"), m_level, m_linesPage));
    filters->addWidget(m_level);
    m_type = new QComboBox(m_linesPage);
    m_type->addItem(tr("All types"));
    m_type->addItem(QStringLiteral("app"));
    m_type->addItem(QStringLiteral("request"));
    m_type->addItem(QStringLiteral("build"));
    m_type->setAccessibleName(tr("Type"));
    filters->addWidget(buddyLabel(tr("T&ype"), m_type, m_linesPage));
    filters->addWidget(m_type);
    m_filter = new QLineEdit(m_linesPage);
    m_filter->setPlaceholderText(tr("words, or a regex"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Show lines with"));
    filters->addWidget(buddyLabel(tr("Show lines &containing"), m_filter, m_linesPage));
    filters->addWidget(m_filter, 1);
    m_regex = new QCheckBox(tr("Re&gex"), m_linesPage);
    filters->addWidget(m_regex);
    layout->addLayout(filters);

    m_filterError = new QLabel(m_linesPage);
    m_filterError->setTextFormat(Qt::PlainText);
    m_filterError->hide();
    layout->addWidget(m_filterError);
}

// The lines (a fixed-row table: copy, the context menu, dragging up pauses) and, in its place when
// there are none, a sentence saying why.
QWidget* LogsPage::buildLinesView()
{
    auto* linesStack = new QStackedWidget(m_linesPage);
    m_view = new LogLinesView(linesStack);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTabKeyNavigation(false); // Tab leaves the lines
    m_view->setCornerButtonEnabled(false);
    m_view->horizontalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->verticalHeader()->setMinimumSectionSize(1);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(m_view->font()).height() + 2);
    m_view->setItemDelegate(new LogLineDelegate(&m_search, m_view));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAccessibleName(tr("Log lines"));
    auto* copy = new QAction(tr("Copy"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &LogsPage::copySelection);
    m_view->addAction(copy);
    connect(m_view, &QTableView::customContextMenuRequested, this, [this, copy](const QPoint& at) {
        QMenu menu(this);
        menu.addAction(copy);
        menu.addAction(tr("Copy the &message only"), this, [this] {
            QModelIndexList rows = m_view->selectionModel()->selectedRows();
            std::sort(rows.begin(), rows.end());
            QStringList out;
            for (const QModelIndex& i : rows)
                out << i.data(LogLineModel::MessageRole).toString();
            QApplication::clipboard()->setText(out.join(QLatin1Char('\n')));
        });
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        // Dragging up pauses; the newest line stays where the operator left it.
        const bool atBottom = value >= m_view->verticalScrollBar()->maximum();
        if (!atBottom && m_following && m_view->verticalScrollBar()->isSliderDown())
            setFollowing(false);
    });
    linesStack->addWidget(m_view);
    m_empty = new QLabel(linesStack);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::PlainText);
    linesStack->addWidget(m_empty);
    return linesStack;
}

void LogsPage::connectControls()
{
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogsPage::applyFilter);
    connect(m_type, &QComboBox::currentIndexChanged, this, &LogsPage::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, &LogsPage::applyFilter);
    connect(m_regex, &QCheckBox::toggled, this, &LogsPage::applyFilter);
    connect(m_live, &QPushButton::clicked, this, &LogsPage::followLive);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (!m_logs)
            return;
        if (m_logs->logs()->mode() == LogSession::Mode::Window && m_logs->logs()->isLoading())
            return;
        if (m_logs->windowReason().isEmpty() && m_logs->logs()->mode() != LogSession::Mode::Window)
            followLive();
        else
            showWindow(m_logs->window());
    });
    connect(m_showWindow, &QPushButton::clicked, this, [this] {
        showWindow(m_from->dateTime().toMSecsSinceEpoch(), m_to->dateTime().toMSecsSinceEpoch(),
                   tr("chosen window"));
    });
    connect(m_export, &QPushButton::clicked, this, &LogsPage::exportShown);
    connect(m_find, &QLineEdit::textChanged, this, &LogsPage::setSearch);
    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(false); });
    connect(m_next, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(m_prev, &QToolButton::clicked, this, [this] { findNext(true); });
}

LogsPage::~LogsPage() = default;

QAbstractItemView* LogsPage::view() const
{
    return m_view;
}

void LogsPage::showSession(TargetSession* session)
{
    if (m_logs) {
        m_logs->disconnect(this);
        m_logs->logs()->disconnect(this);
        m_logs->logs()->model()->disconnect(this);
    }
    m_session = session;
    m_logs = session ? session->capability<ServiceLogs>() : nullptr;
    m_view->setModel(m_logs ? m_logs->logs()->model() : nullptr);
    if (m_logs) {
        LogSession* logs = m_logs->logs();
        connect(m_logs, &ServiceLogs::availabilityChanged, this, &LogsPage::showAvailability);
        connect(logs, &LogSession::statusChanged, this, &LogsPage::refreshStatus);
        connect(logs->model(), &QAbstractItemModel::rowsInserted, this,
                &LogsPage::scrollIfFollowing);
        connect(logs->model(), &QAbstractItemModel::modelReset, this, &LogsPage::scrollIfFollowing);
        connect(logs->model(), &LogLineModel::arrivedWhilePausedChanged, this,
                &LogsPage::refreshStatus);
        applyFilter();
        logs->model()->setPaused(!m_following);
        // Showing a target's logs is asking for them: live unless a window was asked for.
        if (logs->mode() == LogSession::Mode::Off && logs->lastError().isEmpty())
            m_logs->requestLive();
    }
    showAvailability();
}

void LogsPage::showAvailability()
{
    const QString name = m_session ? m_session->name() : QString();
    if (!m_logs) {
        m_noticeTitle->setText(m_session ? tr("No logs for %1").arg(name) : tr("No logs"));
        m_notice->setText(m_session ? tr("Logs are not available for %1.").arg(m_session->label())
                                    : tr("No target is being watched."));
        m_configure->hide();
        m_stack->setCurrentWidget(m_noticePage);
        return;
    }
    if (m_logs->availability() != ServiceLogs::Availability::Ready) {
        m_noticeTitle->setText(m_logs->availability() == ServiceLogs::Availability::Waiting
                                   ? tr("Logs of %1").arg(name)
                                   : tr("No logs for %1 yet").arg(name));
        m_notice->setText(m_logs->problem());
        m_configure->setVisible(m_session && m_session->isSaved() &&
                                m_logs->availability() != ServiceLogs::Availability::Waiting);
        m_stack->setCurrentWidget(m_noticePage);
        return;
    }
    m_stack->setCurrentWidget(m_linesPage);
    refreshStatus();
}

void LogsPage::followLive()
{
    if (!m_logs)
        return;
    if (m_typeFromJump) {
        m_typeFromJump = false;
        m_type->setCurrentIndex(0); // the jump's type, not the operator's
    }
    m_logs->requestLive();
    setFollowing(true);
    refreshStatus();
}

void LogsPage::showAround(qint64 ms, const QString& why)
{
    showWindow(around(ms, why));
}

LogWindowRequest LogsPage::around(qint64 ms, const QString& why)
{
    const QString at =
        QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
    return LogWindowRequest{ms - kAroundMs,
                            ms + kAroundMs,
                            why.isEmpty() ? tr("around %1 UTC (± 5 min)").arg(at)
                                          : tr("around %1 UTC (± 5 min): %2").arg(at, why),
                            {},
                            false};
}

void LogsPage::showWindow(qint64 startMs, qint64 endMs, const QString& why)
{
    showWindow(LogWindowRequest{startMs, endMs, why, {}, false});
}

void LogsPage::showWindow(const LogWindowRequest& request)
{
    if (!m_logs)
        return;
    m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(request.startMs, Qt::UTC));
    m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(request.endMs, Qt::UTC));
    if (request.endMs <= request.startMs) {
        m_filterError->setText(tr("The window is empty: its end is not after its start."));
        m_filterError->setStyleSheet(
            QStringLiteral("color: %1;").arg(errorColor(palette()).name()));
        m_filterError->show();
        return;
    }
    // A jump of one type (a deploy's build) shows it in the type filter too: the operator sees
    // why only those lines are there, and the lines shown agree with what Render was asked for.
    const int typeIndex = request.types.size() == 1 ? m_type->findText(request.types.first()) : -1;
    if (typeIndex > 0) {
        m_typeFromJump = true;
        m_type->setCurrentIndex(typeIndex);
    } else if (m_typeFromJump) {
        m_typeFromJump = false;
        m_type->setCurrentIndex(0);
    }
    m_logs->requestWindow(request);
    if (request.live) {
        setFollowing(true); // the newest line in view as it comes
        return;
    }
    // Read from the window's start: no scrolling to the newest line, but not paused either (a
    // paused model would hold the window's lines back as "arrived while paused").
    m_following = false;
    {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(false);
    }
    m_pause->setText(tr("Pau&se"));
    m_logs->logs()->model()->setPaused(false);
    m_view->scrollToTop();
    refreshStatus();
}

void LogsPage::setFollowing(bool follow)
{
    m_following = follow;
    if (m_pause->isChecked() == follow) {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(!follow);
    }
    m_pause->setText(follow ? tr("Pau&se") : tr("Re&sume"));
    if (m_logs)
        m_logs->logs()->model()->setPaused(!follow);
    scrollIfFollowing();
    refreshStatus();
}

void LogsPage::scrollIfFollowing()
{
    if (m_following && m_view->model())
        m_view->scrollToBottom();
    refreshStatus();
}

void LogsPage::setLevelIndex(int index)
{
    m_level->setCurrentIndex(index);
}

void LogsPage::setFilterText(const QString& text, bool regex)
{
    m_regex->setChecked(regex);
    m_filter->setText(text);
    applyFilter();
}

void LogsPage::applyFilter()
{
    if (!m_logs)
        return;
    LogFilter f;
    switch (m_level->currentIndex()) {
    case 1:
        f.setLevels({LogLevel::Error, LogLevel::Critical});
        break;
    case 2:
        f.setLevels({LogLevel::Warning, LogLevel::Error, LogLevel::Critical});
        break;
    case 3:
        f.setLevels({LogLevel::Info, LogLevel::Warning, LogLevel::Error, LogLevel::Critical,
                     LogLevel::Unknown});
        break;
    default:
        break;
    }
    if (m_type->currentIndex() > 0)
        f.setTypes({m_type->currentText()});
    f.setText(m_filter->text(), m_regex->isChecked());
    m_logs->logs()->model()->setFilter(f);
    m_filterError->setText(f.isValid() ? QString() : tr("Filter: %1").arg(f.error()));
    m_filterError->setStyleSheet(QStringLiteral("color: %1;").arg(errorColor(palette()).name()));
    m_filterError->setVisible(!f.isValid());
    scrollIfFollowing();
}

void LogsPage::setSearch(const QString& text)
{
    if (m_find->text() != text)
        m_find->setText(text);
    m_search = text.isEmpty() ? QRegularExpression()
                              : QRegularExpression(QRegularExpression::escape(text),
                                                   QRegularExpression::CaseInsensitiveOption);
    m_matches->clear();
    m_view->viewport()->update();
}

int LogsPage::findNext(bool backward)
{
    if (!m_logs || m_search.pattern().isEmpty())
        return -1;
    LogLineModel* model = m_logs->logs()->model();
    const QModelIndex current = m_view->currentIndex();
    const int from = current.isValid() ? current.row() : (backward ? 0 : -1);
    const int row = model->find(m_search, from, backward);
    if (row < 0) {
        m_matches->setText(tr("not found"));
        return -1;
    }
    setFollowing(false);
    const QModelIndex index = model->index(row);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    m_matches->setText(
        tr("line %1 of %2")
            .arg(QLocale().toString(row + 1), QLocale().toString(model->rowCount())));
    return row;
}

void LogsPage::copySelection() const
{
    QModelIndexList rows =
        m_view->selectionModel() ? m_view->selectionModel()->selectedRows() : QModelIndexList{};
    std::sort(rows.begin(), rows.end());
    QStringList out;
    for (const QModelIndex& i : rows)
        out << i.data().toString();
    QApplication::clipboard()->setText(out.join(QLatin1Char('\n')));
}

bool LogsPage::exportTo(const QString& path, QString* error) const
{
    if (!m_logs) {
        if (error)
            *error = tr("no logs are shown");
        return false;
    }
    const bool json = path.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive) ||
                      path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    // All or nothing: a full disk leaves no half file behind.
    QSaveFile file(path);
    QString why;
    if (!file.open(QIODevice::WriteOnly)) {
        why = file.errorString();
    } else if (!m_logs->logs()->model()->exportTo(&file,
                                                  json ? LogLineModel::ExportFormat::JsonLines
                                                       : LogLineModel::ExportFormat::Text,
                                                  &why)) {
        file.cancelWriting();
    } else if (!file.commit()) {
        why = file.errorString();
    }
    if (error)
        *error = why;
    return why.isEmpty();
}

void LogsPage::exportShown()
{
    if (!m_logs)
        return;
    QString selected;
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export the lines shown"), QStringLiteral("logs.log"),
                                     tr("Text (*.log *.txt);;JSON Lines (*.jsonl)"), &selected);
    if (path.isEmpty())
        return;
    if (selected.startsWith(QLatin1String("JSON")) &&
        !path.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive))
        path += QStringLiteral(".jsonl");
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not save %1: %2").arg(path, error));
}

QString LogsPage::statusText() const
{
    return m_status->text();
}

QString LogsPage::noticeText() const
{
    return m_stack->currentWidget() == m_noticePage ? m_notice->text() : QString();
}

QString LogsPage::pausedText() const
{
    return m_paused->text();
}

QString LogsPage::filterErrorText() const
{
    return m_filterError->isVisible() || !m_filterError->text().isEmpty() ? m_filterError->text()
                                                                          : QString();
}

void LogsPage::refreshStatus()
{
    if (!m_logs || m_logs->availability() != ServiceLogs::Availability::Ready)
        return;
    LogSession* session = m_logs->logs();
    const LogLineModel* model = session->model();
    const QLocale locale;
    const QString service = m_logs->serviceName();
    m_title->setText(session->mode() == LogSession::Mode::Window
                         ? tr("Logs of %1, %2").arg(service, m_logs->windowReason())
                         : tr("Logs of %1 (live tail)").arg(service));
    m_live->setEnabled(session->mode() != LogSession::Mode::Live);
    const int held = model->arrivedWhilePaused();
    m_paused->setText(held > 0 ? tr("%1 new lines while paused").arg(locale.toString(held))
                               : QString());
    const QString status = session->statusText();
    const bool failed = status.startsWith(QLatin1String("stopped")) ||
                        status.startsWith(QLatin1String("reconnecting"));
    QString hint;
    const int http = session->tail()->lastHttpStatus();
    if (status.startsWith(QLatin1String("stopped")) && (http == 401 || http == 403))
        hint = tr(" Enter the Render API key again in the targets dialog, then Reconnect now.");
    m_status->setText(
        tr("%1%2 · %3 lines shown of %4 kept (%5 MB)")
            .arg(status, hint, locale.toString(model->rowCount()),
                 locale.toString(model->buffer().size()),
                 locale.toString(double(model->buffer().approximateBytes()) / 1048576.0, 'f', 1)));
    m_status->setStyleSheet(failed ? QStringLiteral("color: %1;").arg(errorColor(palette()).name())
                                   : QString());
    m_retry->setVisible(failed);
    // Words instead of an empty list.
    QString empty;
    if (model->rowCount() == 0) {
        if (session->isLoading())
            empty = tr("Loading the logs of %1…").arg(service);
        else if (!session->lastError().isEmpty())
            empty = tr("No lines: %1").arg(session->lastError());
        else if (model->buffer().size() > 0)
            empty = tr("None of the %1 lines kept match the filters.")
                        .arg(locale.toString(model->buffer().size()));
        else if (session->mode() == LogSession::Mode::Window)
            empty = tr("%1 wrote no log lines in this window.").arg(service);
        else
            empty = tr("No log lines from %1 in the last 15 minutes yet; new ones appear here "
                       "as they are written.")
                        .arg(service);
    }
    m_empty->setText(empty);
    auto* lines = qobject_cast<QStackedWidget*>(m_view->parentWidget());
    if (lines)
        lines->setCurrentWidget(empty.isEmpty() ? static_cast<QWidget*>(m_view) : m_empty);
}

} // namespace ops
