#include "ui/alerts/AlertsPage.h"

#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertHistoryModel.h"
#include "models/alerts/AlertListModel.h"
#include "models/alerts/AlertStore.h"
#include "models/domain/Clock.h"
#include "ui/alerts/AlertRulesDialog.h"
#include "ui/shell/EmptyState.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/StatePalette.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QShortcut>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace ops {

namespace {

// A coloured dot before the severity word.
class SeverityDelegate : public QStyledItemDelegate {
public:
    SeverityDelegate(int role, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_role(role)
    {
    }
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const int d = opt.rect.height() / 2;
        opt.rect.adjust(d + 8, 0, 0, 0);
        QStyledItemDelegate::paint(painter, opt, index);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colorFor(AlertSeverity(index.data(m_role).toInt())));
        painter->drawEllipse(QRect(option.rect.left() + 4, option.rect.center().y() - d / 2, d, d));
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        return {size.width() + size.height() / 2 + 8, size.height()};
    }

private:
    int m_role;
};

// Who acknowledges, why, and until when.
class AcknowledgeDialog : public QDialog {
public:
    AcknowledgeDialog(const QString& what, qint64 nowMs, QWidget* parent)
        : QDialog(parent)
    {
        setWindowTitle(tr("Acknowledge alert"));
        auto* form = new QFormLayout(this);
        form->addRow(new QLabel(what.toHtmlEscaped(), this));
        author = new QLineEdit(AlertEngine::defaultAuthor(), this);
        author->setObjectName(QStringLiteral("ackAuthor"));
        form->addRow(tr("A&uthor:"), author);
        comment = new QPlainTextEdit(this);
        comment->setObjectName(QStringLiteral("ackComment"));
        comment->setPlaceholderText(tr("What is being done about it"));
        comment->setFixedHeight(70);
        form->addRow(tr("&Comment:"), comment);
        comment->setTabChangesFocus(true);
        untilResolved = new QRadioButton(tr("Until it &resolves"), this);
        untilResolved->setChecked(true);
        auto* untilTime = new QRadioButton(tr("Until a &time:"), this);
        until = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(nowMs + 3'600'000), this);
        until->setCalendarPopup(true);
        until->setEnabled(false);
        connect(untilTime, &QRadioButton::toggled, until, &QWidget::setEnabled);
        auto* row = new QHBoxLayout;
        row->addWidget(untilTime);
        row->addWidget(until, 1);
        form->addRow(tr("Lasts:"), untilResolved);
        form->addRow(QString(), row);
        hint = new QLabel(this);
        hint->setObjectName(QStringLiteral("ackHint"));
        hint->setWordWrap(true);
        form->addRow(hint);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
        ok = buttons->button(QDialogButtonBox::Ok);
        ok->setText(tr("Acknowledge"));
        ok->setObjectName(QStringLiteral("ackSubmit"));
        // Why the button is disabled, said next to it; Ctrl+Enter submits from the comment.
        const auto check = [this] {
            const bool noAuthor = author->text().trimmed().isEmpty();
            const bool noComment = comment->toPlainText().trimmed().isEmpty();
            ok->setEnabled(!noAuthor && !noComment);
            hint->setText(noAuthor    ? tr("Say who acknowledges (Author) to acknowledge.")
                          : noComment ? tr("Type a comment (what is being done about it) to "
                                           "acknowledge.")
                                      : tr("Ctrl+Enter acknowledges."));
        };
        connect(comment, &QPlainTextEdit::textChanged, this, check);
        connect(author, &QLineEdit::textChanged, this, check);
        check();
        for (const QKeySequence& keys :
             {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
            auto* submit = new QShortcut(keys, this);
            connect(submit, &QShortcut::activated, this, [this] {
                if (ok->isEnabled())
                    accept();
            });
        }
        connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        form->addRow(buttons);
    }
    QLineEdit* author;
    QPlainTextEdit* comment;
    QLabel* hint;
    QPushButton* ok;
    QRadioButton* untilResolved;
    QDateTimeEdit* until;
};

} // namespace

AlertsPage::AlertsPage(AlertCenter* center, QWidget* parent)
    : QWidget(parent)
    , m_center(center)
    , m_firing(new AlertListModel(center->engine(), AlertListModel::Filter::Firing, this))
    , m_pending(new AlertListModel(center->engine(), AlertListModel::Filter::Pending, this))
    , m_acked(new AlertListModel(center->engine(), AlertListModel::Filter::Acknowledged, this))
    , m_history(new AlertHistoryModel(center->engine(), this))
    , m_lists(new QTabWidget(this))
    , m_summary(new QLabel(this))
{
    setObjectName(QStringLiteral("alertsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buildActionBar());

    auto* splitter = new QSplitter(Qt::Vertical, this);
    buildLists();
    splitter->addWidget(m_lists);
    splitter->addWidget(buildHistory());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_historyText, &QLineEdit::textChanged, this, &AlertsPage::applyHistoryFilter);
    connect(m_historyKind, &QComboBox::currentIndexChanged, this, &AlertsPage::applyHistoryFilter);
    connect(m_historyRange, &QComboBox::currentIndexChanged, this, &AlertsPage::applyHistoryFilter);
    connect(m_history, &QAbstractItemModel::modelReset, this, [this] {
        m_historyView->resizeColumnsToContents();
        m_historyView->setColumnWidth(
            AlertHistoryModel::CommentColumn,
            std::max(m_historyView->columnWidth(AlertHistoryModel::CommentColumn),
                     m_historyView->fontMetrics().horizontalAdvance(tr("Comment")) + 24));
    });
    connect(m_lists, &QTabWidget::currentChanged, this, &AlertsPage::updateActions);
    for (AlertListModel* model : {m_firing, m_pending, m_acked})
        connect(model, &QAbstractItemModel::modelReset, this, &AlertsPage::updateCounts);
    connect(center->engine(), &AlertEngine::alertsChanged, this, &AlertsPage::updateCounts);
    applyHistoryFilter();
    updateCounts();
    updateActions();
}

// The summary, then what can be done with the selected alerts, and the rules.
QHBoxLayout* AlertsPage::buildActionBar()
{
    auto* bar = new QHBoxLayout;
    m_summary->setObjectName(QStringLiteral("alertSummary"));
    bar->addWidget(m_summary, 1);
    // Mnemonics unique in the main window: Alt+A is the Alerts tab.
    auto* ack = new QPushButton(tr("Ac&knowledge…"), this);
    ack->setObjectName(QStringLiteral("acknowledgeButton"));
    m_ackButton = ack;
    connect(ack, &QPushButton::clicked, this, &AlertsPage::acknowledgeSelected);
    auto* unack = new QPushButton(tr("Withd&raw ack"), this);
    unack->setObjectName(QStringLiteral("withdrawAckButton"));
    m_unackButton = unack;
    connect(unack, &QPushButton::clicked, this, &AlertsPage::unacknowledgeSelected);
    QToolButton* snooze = buildSnoozeButton();
    auto* rules = new QPushButton(tr("Rule&s…"), this);
    rules->setObjectName(QStringLiteral("editRulesButton"));
    connect(rules, &QPushButton::clicked, this, &AlertsPage::editRules);
    bar->addWidget(ack);
    bar->addWidget(unack);
    bar->addWidget(snooze);
    auto* logs = new QPushButton(tr("Lo&gs around this"), this);
    logs->setObjectName(QStringLiteral("alertLogsButton"));
    m_logsButton = logs;
    connect(logs, &QPushButton::clicked, this, &AlertsPage::showLogsOfSelected);
    bar->addWidget(logs);
    bar->addSpacing(12);
    bar->addWidget(rules);
    return bar;
}

// Snooze for a while (or a custom number of minutes), or end a snooze.
QToolButton* AlertsPage::buildSnoozeButton()
{
    auto* snooze = new QToolButton(this);
    snooze->setObjectName(QStringLiteral("snoozeButton"));
    m_snoozeButton = snooze;
    snooze->setText(tr("Snoo&ze"));
    snooze->setPopupMode(QToolButton::InstantPopup);
    auto* snoozeMenu = new QMenu(snooze);
    snoozeMenu->addAction(tr("15 minutes"), this, [this] { snoozeSelected(15 * 60'000); });
    snoozeMenu->addAction(tr("1 hour"), this, [this] { snoozeSelected(3'600'000); });
    snoozeMenu->addAction(tr("4 hours"), this, [this] { snoozeSelected(4 * 3'600'000); });
    snoozeMenu->addAction(tr("Custom…"), this, [this] {
        bool ok = false;
        const int minutes =
            QInputDialog::getInt(this, tr("Snooze"), tr("Minutes:"), 30, 1, 7 * 24 * 60, 5, &ok);
        if (ok)
            snoozeSelected(qint64(minutes) * 60'000);
    });
    snoozeMenu->addSeparator();
    snoozeMenu->addAction(tr("End snooze"), this, [this] {
        for (const AlertKey& key : selectedKeys())
            m_center->engine()->unsnooze(key, {});
    });
    snooze->setMenu(snoozeMenu);
    return snooze;
}

// Firing, pending and acknowledged alerts, a tab each (titled with their counts).
void AlertsPage::buildLists()
{
    m_lists->setObjectName(QStringLiteral("alertLists"));
    m_firingView = makeList(m_firing);
    m_pendingView = makeList(m_pending);
    m_ackedView = makeList(m_acked);
    m_firingView->setObjectName(QStringLiteral("firingAlerts"));
    m_pendingView->setObjectName(QStringLiteral("pendingAlerts"));
    m_ackedView->setObjectName(QStringLiteral("acknowledgedAlerts"));
    m_lists->addTab(m_firingView, QString());
    m_lists->addTab(m_pendingView, QString());
    m_lists->addTab(m_ackedView, QString());
    setEmptyText(m_firingView, tr("All clear: nothing firing."));
    setEmptyText(m_pendingView, tr("Nothing pending: no rule is close to firing."));
    setEmptyText(m_ackedView, tr("No acknowledged alert. Select a firing alert and choose "
                                 "Acknowledge… to say you are on it."));
}

// The alert events, filtered by text, kind and range, and exported.
QGroupBox* AlertsPage::buildHistory()
{
    auto* historyBox = new QGroupBox(tr("History"), this);
    auto* historyLayout = new QVBoxLayout(historyBox);
    historyLayout->addLayout(buildHistoryFilters(historyBox));
    if (m_center->store() && m_center->store()->isReadOnly()) {
        // Alerting goes on; the history shown is what the store held at start.
        auto* readOnly = new QLabel(m_center->store()->readOnlyNotice(), historyBox);
        readOnly->setObjectName(QStringLiteral("historyReadOnly"));
        readOnly->setWordWrap(true);
        readOnly->setTextInteractionFlags(Qt::TextSelectableByMouse);
        historyLayout->addWidget(readOnly);
    }
    m_historyView = new QTableView(historyBox);
    m_historyView->setObjectName(QStringLiteral("alertHistory"));
    m_historyView->setModel(m_history);
    m_historyView->setAlternatingRowColors(true);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setAccessibleName(tr("Alert history"));
    m_historyView->setWordWrap(false);
    setEmptyText(m_historyView, tr("No alert events in this range."));
    historyLayout->addWidget(m_historyView);
    return historyBox;
}

QHBoxLayout* AlertsPage::buildHistoryFilters(QGroupBox* historyBox)
{
    auto* filters = new QHBoxLayout;
    m_historyText = new QLineEdit(historyBox);
    m_historyText->setPlaceholderText(tr("Filter by alert, target, who or comment"));
    m_historyText->setClearButtonEnabled(true);
    m_historyKind = new QComboBox(historyBox);
    m_historyKind->addItem(tr("All events"), QVariant());
    m_historyKind->addItem(tr("State changes"), QVariant::fromValue(TransitionKind::State));
    m_historyKind->addItem(tr("Acknowledgements"), QVariant::fromValue(TransitionKind::Ack));
    m_historyKind->addItem(tr("Snoozes"), QVariant::fromValue(TransitionKind::Snooze));
    m_historyKind->addItem(tr("Flapping"), QVariant::fromValue(TransitionKind::Flapping));
    m_historyRange = new QComboBox(historyBox);
    m_historyRange->addItem(tr("Last hour"), qint64(3'600'000));
    m_historyRange->addItem(tr("Last 24 hours"), qint64(24 * 3'600'000));
    m_historyRange->addItem(tr("Last 7 days"), qint64(7 * 24 * 3'600'000));
    m_historyRange->addItem(tr("Everything"), qint64(0));
    m_historyRange->setCurrentIndex(1);
    auto* exportButton = new QToolButton(historyBox);
    exportButton->setText(tr("E&xport"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(tr("As CSV…"), this, [this] { exportHistory(QStringLiteral("csv")); });
    exportMenu->addAction(tr("As JSON…"), this, [this] { exportHistory(QStringLiteral("json")); });
    exportButton->setMenu(exportMenu);
    filters->addWidget(m_historyText, 1);
    filters->addWidget(m_historyKind);
    filters->addWidget(m_historyRange);
    filters->addWidget(exportButton);
    return filters;
}

void AlertsPage::attachMenus(MainWindow* window)
{
    window->rulesAction()->setEnabled(true);
    connect(window, &MainWindow::rulesRequested, this, &AlertsPage::editRules);
    window->exportAction()->setEnabled(true);
    connect(window, &MainWindow::exportRequested, this, [this] { exportHistory(QString()); });
}

void AlertsPage::setTeamAlerts(QAbstractItemModel* model)
{
    if (m_teamView || !model)
        return;
    m_teamView = new QTableView(m_lists);
    m_teamView->setObjectName(QStringLiteral("teamAlerts"));
    m_teamView->setModel(model);
    m_teamView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_teamView->setAlternatingRowColors(true);
    m_teamView->verticalHeader()->hide();
    m_teamView->horizontalHeader()->setStretchLastSection(true);
    m_teamView->setAccessibleName(tr("Team alerts from Alertmanager"));
    const int tab = m_lists->addTab(m_teamView, QString());
    const auto count = [this, tab, model] {
        m_lists->setTabText(tab, tr("Team (%1)").arg(model->rowCount()));
        m_teamView->resizeColumnsToContents();
    };
    connect(model, &QAbstractItemModel::modelReset, m_teamView, count);
    count();
}

QTableView* AlertsPage::makeList(AlertListModel* model)
{
    auto* view = new QTableView(m_lists);
    view->setModel(model);
    view->setItemDelegateForColumn(AlertListModel::SeverityColumn,
                                   new SeverityDelegate(AlertListModel::SeverityRole, view));
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->setWordWrap(false);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    view->setAccessibleName(tr("Alerts"));
    // Columns sized to their content and header (a few rows: cheap), whatever rows there are
    // now and however their text changes (an ack adds its badge); the summary takes the rest.
    QHeaderView* header = view->horizontalHeader();
    for (int column = 0; column < AlertListModel::ColumnCount; ++column)
        header->setSectionResizeMode(column, column == AlertListModel::SummaryColumn
                                                 ? QHeaderView::Stretch
                                                 : QHeaderView::ResizeToContents);
    header->setMinimumSectionSize(48);
    connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsPage::updateActions);
    connect(model, &QAbstractItemModel::modelReset, this, &AlertsPage::updateActions);
    connect(view, &QTableView::customContextMenuRequested, this, [this, view](const QPoint& at) {
        if (!view->indexAt(at).isValid())
            return;
        QMenu menu(this);
        menu.addAction(tr("Ac&knowledge…"), this, &AlertsPage::acknowledgeSelected);
        menu.addAction(tr("Snooze 1 hour"), this, [this] { snoozeSelected(3'600'000); });
        menu.addAction(tr("Show lo&gs around this time"), this, &AlertsPage::showLogsOfSelected);
        menu.exec(view->viewport()->mapToGlobal(at));
    });
    connect(view, &QTableView::doubleClicked, this, &AlertsPage::acknowledgeSelected);
    return view;
}

void AlertsPage::updateCounts()
{
    // The same counts as the firing strip, the tab's badge and the tray (AlertEngine::counts).
    const AlertEngine::Counts counts = m_center->engine()->counts();
    m_lists->setTabText(0, tr("Firing (%1)").arg(counts.firing));
    m_lists->setTabText(1, tr("Pending (%1)").arg(counts.pending));
    m_lists->setTabText(2, tr("Acknowledged (%1)").arg(m_acked->rowCount()));
    QString text = tr("<b>%1</b> firing").arg(counts.firing);
    if (counts.acknowledged > 0)
        text += tr(" (%1 acknowledged)").arg(counts.acknowledged);
    text += tr(", <b>%1</b> pending").arg(counts.pending);
    // Which alerts have no data or are in error: named, not only counted.
    QStringList without;
    for (const AlertStatus& s : m_center->engine()->alerts())
        if (s.state == AlertState::NoData || s.state == AlertState::Error)
            without << tr("%1 on %2 (%3)")
                           .arg(s.key.rule, s.key.target, alertStateTitle(s.state).toLower())
                           .toHtmlEscaped();
    if (!without.isEmpty())
        text += tr(" · without data or in error: %1").arg(without.join(QStringLiteral(", ")));
    text += tr(" · %n rule(s) from %1", nullptr, int(m_center->engine()->rules().size()))
                .arg(m_center->rulesSource().toHtmlEscaped());
    m_summary->setText(text);
}

QList<AlertStatus> AlertsPage::selectedAlerts() const
{
    QList<AlertStatus> alerts;
    auto* view = qobject_cast<QTableView*>(m_lists->currentWidget());
    if (!view)
        return alerts;
    auto* model = qobject_cast<AlertListModel*>(view->model());
    if (!model) // the team's alerts: acknowledged in Alertmanager, not here
        return alerts;
    for (const QModelIndex& index : view->selectionModel()->selectedRows())
        alerts << model->statusAt(index.row());
    return alerts;
}

QList<AlertKey> AlertsPage::selectedKeys() const
{
    QList<AlertKey> keys;
    for (const AlertStatus& s : selectedAlerts())
        keys << s.key;
    return keys;
}

// Acknowledge, Withdraw ack and Snooze act on the selected rows: disabled until there are some
// they apply to (an ack to withdraw, an alert not yet acknowledged).
void AlertsPage::updateActions()
{
    const QList<AlertStatus> selected = selectedAlerts();
    bool unacked = false;
    bool acked = false;
    for (const AlertStatus& s : selected) {
        unacked = unacked || !s.ack;
        acked = acked || s.ack.has_value();
    }
    const QString none = tr("Select an alert in the list first");
    m_ackButton->setEnabled(unacked);
    m_ackButton->setToolTip(selected.isEmpty() ? none
                            : unacked          ? tr("Say you are on the selected alert(s)")
                                               : tr("Already acknowledged"));
    m_unackButton->setEnabled(acked);
    m_unackButton->setToolTip(selected.isEmpty() ? none
                              : acked            ? tr("Withdraw the acknowledgement")
                                                 : tr("Not acknowledged"));
    m_logsButton->setEnabled(!selected.isEmpty());
    m_logsButton->setToolTip(selected.isEmpty()
                                 ? none
                                 : tr("The target's log lines from 5 minutes before the alert "
                                      "began to 5 minutes after (Logs tab)"));
    m_snoozeButton->setEnabled(!selected.isEmpty());
    m_snoozeButton->setToolTip(selected.isEmpty() ? none
                                                  : tr("Hold the notifications for a while"));
}

bool AlertsPage::showLogsOfSelected()
{
    const QList<AlertStatus> selected = selectedAlerts();
    if (selected.isEmpty())
        return false;
    const AlertStatus& s = selected.first();
    const qint64 at = s.firingSinceMs > 0   ? s.firingSinceMs
                      : s.activeSinceMs > 0 ? s.activeSinceMs
                                            : s.sinceMs;
    emit logsRequested(s.key.target, at, tr("alert %1").arg(s.key.rule));
    return true;
}

void AlertsPage::acknowledgeSelected()
{
    const QList<AlertKey> keys = selectedKeys();
    if (keys.isEmpty())
        return;
    QStringList names;
    for (const AlertKey& key : keys)
        names << key.toString();
    AcknowledgeDialog dialog(names.join(u'\n'), m_center->clock()->nowMs(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const qint64 until =
        dialog.untilResolved->isChecked() ? 0 : dialog.until->dateTime().toMSecsSinceEpoch();
    for (const AlertKey& key : keys)
        m_center->engine()->acknowledge(key, dialog.author->text().trimmed(),
                                        dialog.comment->toPlainText().trimmed(), until);
}

void AlertsPage::unacknowledgeSelected()
{
    for (const AlertKey& key : selectedKeys())
        m_center->engine()->unacknowledge(key, {});
}

void AlertsPage::snoozeSelected(qint64 durationMs)
{
    for (const AlertKey& key : selectedKeys())
        m_center->engine()->snooze(key, durationMs, {}, {});
}

void AlertsPage::showAlert(const QString& rule, const QString& target)
{
    for (int tab = 0; tab < m_lists->count(); ++tab) {
        auto* view = qobject_cast<QTableView*>(m_lists->widget(tab));
        auto* model = view ? qobject_cast<AlertListModel*>(view->model()) : nullptr;
        if (!model)
            continue;
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->statusAt(row).key == AlertKey{rule, target}) {
                m_lists->setCurrentIndex(tab);
                view->selectRow(row);
                return;
            }
        }
    }
}

void AlertsPage::applyHistoryFilter()
{
    AlertHistoryFilter filter;
    filter.text = m_historyText->text().trimmed();
    if (const QVariant kind = m_historyKind->currentData(); kind.isValid())
        filter.kind = kind.value<TransitionKind>();
    const qint64 range = m_historyRange->currentData().toLongLong();
    if (range > 0)
        filter.fromMs = m_center->clock()->nowMs() - range;
    filter.limit = 2000;
    m_history->setFilter(filter);
}

void AlertsPage::exportHistory(const QString& format)
{
    // No format given (File > Export alert history…): both offered, the file name decides.
    const bool either = format.isEmpty();
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export alert history"),
                                     format == u"json" ? QStringLiteral("alert-history.json")
                                                       : QStringLiteral("alert-history.csv"),
                                     either              ? tr("CSV (*.csv);;JSON (*.json)")
                                     : format == u"json" ? tr("JSON (*.json)")
                                                         : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    const bool csv =
        either ? !path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) : format == u"csv";
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(csv ? m_history->toCsv() : m_history->toJson()) < 0)
        QMessageBox::warning(this, tr("Export alert history"),
                             tr("Could not write %1: %2").arg(path, file.errorString()));
}

void AlertsPage::editRules()
{
    AlertRulesDialog dialog(m_center->engine()->rules(), this);
    if (dialog.exec() == QDialog::Accepted) {
        m_center->setRules(dialog.rules());
        updateCounts();
    }
}

} // namespace ops
