#include "ui/deploy/DeploysPage.h"

#include "models/domain/Units.h"
#include "ui/audit/UnrecordedAction.h"
#include "ui/shell/EmptyState.h"

#include "models/deploy/DeploySession.h"
#include "ui/deploy/RedeployDialog.h"

#include <QAction>
#include <QDateTime>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ops {

namespace {

QTableWidget* makeTable(const QStringList& headers, const QString& name, QWidget* parent)
{
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAccessibleName(name);
    t->setWordWrap(false);
    return t;
}

// Fits the columns to their contents, but none except the last wider than maxWidth (the cells
// carry their full text as a tooltip): the last columns stay on screen.
void fitColumns(QTableWidget* table, int maxWidth)
{
    table->resizeColumnsToContents();
    for (int c = 0; c + 1 < table->columnCount(); ++c) {
        if (table->columnWidth(c) > maxWidth) {
            table->setColumnWidth(c, maxWidth);
        }
    }
}

QString when(const QDateTime& t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}

int stageOf(const QString& status)
{
    if (status == QLatin1String("created") || status == QLatin1String("queued")) {
        return 0;
    }
    if (status.startsWith(QLatin1String("build"))) {
        return 1;
    }
    if (status.startsWith(QLatin1String("pre_deploy"))) {
        return 2;
    }
    if (status.startsWith(QLatin1String("update"))) {
        return 3;
    }
    return 4;
}

QString seconds(const std::optional<double>& v)
{
    return v ? formatSeconds(*v) : QStringLiteral("–");
}

QString percent(const std::optional<double>& v)
{
    return v ? QStringLiteral("%1 %").arg(*v * 100.0, 0, 'f', 2) : QStringLiteral("–");
}

} // namespace

DeploysPage::DeploysPage(DeploySession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_serviceName(session->serviceId())
{
    setObjectName(QStringLiteral("deploysPage"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);
    auto* content = new QWidget(m_stack);
    auto* layout = new QVBoxLayout(content);
    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::RichText);
    layout->addWidget(m_header);
    m_live = new QLabel(this);
    m_live->setObjectName(QStringLiteral("deployLive"));
    m_live->setTextFormat(Qt::PlainText); // holds a commit message
    m_live->setWordWrap(true);
    layout->addWidget(m_live);
    layout->addLayout(buildActions());
    layout->addLayout(buildProgressRow());
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText); // errors quote what a server said
    m_message->hide();
    layout->addWidget(m_message);

    auto* split = new QSplitter(Qt::Vertical, this);
    QWidget* historyBox = buildHistoryBox(split);
    QWidget* lower = buildVerificationBoxes(split);
    split->addWidget(historyBox);
    split->addWidget(lower);
    split->setStretchFactor(0, 2); // a few deploys; the checklist has 8+ steps
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);
    m_stack->addWidget(content);
    m_stack->addWidget(buildNoticePage());

    connectSession();
    showHistory();
    showSteps();
    showComparison();
}

// Refresh, redeploy, cancel, verify and roll back.
QHBoxLayout* DeploysPage::buildActions()
{
    auto* actions = new QHBoxLayout;
    auto* refresh = new QPushButton(tr("Refresh"), this);
    refresh->setObjectName(QStringLiteral("deployRefresh"));
    m_redeploy = new QPushButton(tr("Redeploy…"), this);
    m_cancel = new QPushButton(tr("Cancel deploy"), this);
    m_verify = new QPushButton(tr("Verify now"), this);
    m_rollback = new QPushButton(tr("Roll back…"), this);
    m_redeploy->setObjectName(QStringLiteral("deployRedeploy"));
    m_cancel->setObjectName(QStringLiteral("deployCancel"));
    m_verify->setObjectName(QStringLiteral("deployVerify"));
    m_rollback->setObjectName(QStringLiteral("deployRollback"));
    for (QPushButton* b : {refresh, m_redeploy, m_cancel, m_verify, m_rollback}) {
        actions->addWidget(b);
    }
    actions->addStretch();
    connect(refresh, &QPushButton::clicked, m_session, &DeploySession::refresh);
    connect(m_redeploy, &QPushButton::clicked, this, &DeploysPage::redeploy);
    connect(m_cancel, &QPushButton::clicked, this, &DeploysPage::cancelDeploy);
    connect(m_verify, &QPushButton::clicked, this, [this] {
        showSteps();
        m_session->verify();
    });
    connect(m_rollback, &QPushButton::clicked, this, &DeploysPage::rollback);
    return actions;
}

// The followed deploy's stage and status.
QHBoxLayout* DeploysPage::buildProgressRow()
{
    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 4);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    m_progress->setAccessibleName(tr("Deploy progress"));
    m_progress->setMaximumWidth(280);
    m_progress->hide(); // until a deploy is followed
    m_status = new QLabel(tr("No deploy in progress"), this);
    m_status->setObjectName(QStringLiteral("deployStatus"));
    m_status->setTextFormat(Qt::PlainText);
    progressRow->addWidget(m_progress);
    progressRow->addWidget(m_status, 1);
    return progressRow;
}

// The service's deploys; a row's context menu shows its build log (the Logs tab, live while it
// builds).
QWidget* DeploysPage::buildHistoryBox(QWidget* parent)
{
    auto* historyBox = new QGroupBox(tr("History"), parent);
    auto* hl = new QVBoxLayout(historyBox);
    m_history = makeTable({tr("Deploy"), tr("Commit"), tr("Message"), tr("Status"), tr("Trigger"),
                           tr("Created"), tr("Finished")},
                          tr("Deploy history"), historyBox);
    setEmptyText(m_history, tr("No deploys listed yet."));
    m_history->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* showLogs = new QAction(tr("Show the build logs of this deploy"), m_history);
    showLogs->setToolTip(tr("Its build output in the Logs tab, live while it builds"));
    connect(showLogs, &QAction::triggered, this, [this] {
        if (m_history->currentRow() >= 0)
            requestLogsOfRow(m_history->currentRow());
    });
    m_history->addAction(showLogs);
    hl->addWidget(m_history);
    return historyBox;
}

// The verification's steps beside the signals before and after the deploy.
QWidget* DeploysPage::buildVerificationBoxes(QWidget* parent)
{
    auto* lower = new QWidget(parent);
    auto* ll = new QHBoxLayout(lower);
    ll->setContentsMargins(0, 0, 0, 0);
    auto* verifyBox = new QGroupBox(tr("Verification"), lower);
    auto* vl = new QVBoxLayout(verifyBox);
    m_steps = makeTable({tr("Step"), tr("Result"), tr("Expected"), tr("Found")},
                        tr("Verification steps"), verifyBox);
    // Step and result fit their words; Expected and Found share the rest and wrap, so neither
    // is cut.
    m_steps->setWordWrap(true);
    m_steps->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_steps->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_steps->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_steps->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_steps->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setEmptyText(m_steps, tr("No verification yet: it runs after a redeploy or a rollback."));
    vl->addWidget(m_steps);
    auto* compareBox = new QGroupBox(tr("Before / after the deploy"), lower);
    auto* cl = new QVBoxLayout(compareBox);
    m_compare =
        makeTable({tr("Signal"), tr("Before"), tr("After")}, tr("Before and after"), compareBox);
    m_compare->setObjectName(QStringLiteral("deployCompare"));
    cl->addWidget(m_compare);
    ll->addWidget(verifyBox, 3);
    ll->addWidget(compareBox, 2);
    return lower;
}

// Instead of the page when the target has no usable Render service: what to configure.
QWidget* DeploysPage::buildNoticePage()
{
    auto* noticePage = new QWidget(m_stack);
    auto* nl = new QVBoxLayout(noticePage);
    m_notice = new QLabel(noticePage);
    m_notice->setObjectName(QStringLiteral("deployNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::RichText);
    m_notice->setMaximumWidth(720);
    m_configure = new QPushButton(tr("Open the targets…"), noticePage);
    m_configure->setObjectName(QStringLiteral("deployConfigure"));
    auto* buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_configure);
    buttonRow->addStretch();
    nl->addSpacing(24);
    nl->addWidget(m_notice);
    nl->addLayout(buttonRow);
    nl->addStretch();
    connect(m_configure, &QPushButton::clicked, this, &DeploysPage::configureRequested);
    return noticePage;
}

// The session's history, the followed deploy, its verification and comparison, and messages.
void DeploysPage::connectSession()
{
    connect(m_session, &DeploySession::historyChanged, this, &DeploysPage::showHistory);
    connect(m_session, &DeploySession::deployStatus, this, &DeploysPage::showStatus);
    connect(m_session, &DeploySession::deployFinished, this, [this](const RenderDeploy& d) {
        showStatus(d);
        if (d.isLive()) {
            showSteps();
        }
    });
    connect(m_session, &DeploySession::comparisonChanged, this, &DeploysPage::showComparison);
    connect(m_session, &DeploySession::message, this, [this](const QString& text, bool problem) {
        m_message->setStyleSheet(problem ? QStringLiteral("color: #b00020;") : QString());
        m_message->setText(text);
        m_message->setVisible(!text.isEmpty());
    });
    connect(&m_session->verifier(), &DeployVerifier::stepStarted, this, [this](int index) {
        if (index < m_steps->rowCount() && m_steps->item(index, 1)) {
            m_steps->item(index, 1)->setText(tr("running…"));
        }
    });
    connect(&m_session->verifier(), &DeployVerifier::stepFinished, this, &DeploysPage::showStep);
    connect(&m_session->verifier(), &DeployVerifier::finished, this,
            &DeploysPage::verificationDone);
}

void DeploysPage::setNotice(const QString& html, bool offerTargets)
{
    m_notice->setText(html);
    m_configure->setVisible(offerTargets);
    m_stack->setCurrentIndex(html.isEmpty() ? 0 : 1);
}

QString DeploysPage::noticeText() const
{
    return m_stack->currentIndex() == 1 ? m_notice->text() : QString();
}

bool DeploysPage::offersTargets() const
{
    return !m_configure->isHidden();
}

void DeploysPage::setReadOnly(bool readOnly, const QString& why)
{
    m_readOnly = readOnly;
    m_readOnlyWhy = why;
    updateButtons();
}

void DeploysPage::setServiceName(const QString& name)
{
    m_serviceName = name;
    showHistory();
}

void DeploysPage::showHistory()
{
    m_header->setText(
        tr("<b>%1</b> &nbsp;·&nbsp; service %2 (%3) &nbsp;·&nbsp; %4")
            .arg(m_session->targetName().toHtmlEscaped(), m_serviceName.toHtmlEscaped(),
                 m_session->serviceId().toHtmlEscaped(),
                 m_session->gatewayUrl().toString(QUrl::RemoveUserInfo).toHtmlEscaped()));
    const auto live = m_session->liveDeploy();
    m_live->setText(
        m_session->isHookOnly()
            ? tr("Live: not known. This service is reached through its deploy hook only: "
                 "Redeploy calls the hook; history, progress and rollback need the Render API.")
        : live
            ? tr("Live: commit %1 “%2”, live since %3 (%4)")
                  .arg(live->shortCommit(), live->commitMessage, when(live->finishedAt), live->id)
            : tr("Live: unknown (press Refresh)"));
    const auto& history = m_session->history();
    m_history->setRowCount(static_cast<int>(history.size()));
    for (int row = 0; row < history.size(); ++row) {
        const RenderDeploy& d = history.at(row);
        const QStringList cells{d.id,      d.shortCommit(),   d.commitMessage,   d.statusText(),
                                d.trigger, when(d.createdAt), when(d.finishedAt)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells.at(c));
            if (c == 1) {
                item->setToolTip(d.commitId);
            }
            m_history->setItem(row, c, item);
        }
    }
    fitColumns(m_history, 360);
    updateButtons();
}

bool DeploysPage::requestLogsOfRow(int row)
{
    const auto& history = m_session->history();
    if (row < 0 || row >= history.size())
        return false;
    const RenderDeploy& d = history.at(row);
    // The build starts when the deploy is created; a minute either side for clocks that differ.
    const QDateTime start = d.createdAt.isValid() ? d.createdAt : d.startedAt;
    if (!start.isValid())
        return false;
    LogWindowRequest request;
    request.startMs = start.toMSecsSinceEpoch() - 60'000;
    request.types = {QStringLiteral("build")};
    request.live = !d.isFinished();
    request.endMs = !request.live && d.finishedAt.isValid()
                        ? d.finishedAt.toMSecsSinceEpoch() + 60'000
                        : QDateTime::currentMSecsSinceEpoch();
    request.why =
        request.live ? tr("build of deploy %1 (%2), live while it builds").arg(d.id, d.statusText())
                     : tr("build of deploy %1 (%2)").arg(d.id, d.statusText());
    emit logsRequested(request);
    return true;
}

void DeploysPage::showStatus(const RenderDeploy& d)
{
    m_progress->setValue(stageOf(d.status));
    m_progress->show();
    m_status->setText(tr("Deploy %1 (commit %2): %3").arg(d.id, d.shortCommit(), d.statusText()));
    updateButtons();
}

void DeploysPage::showSteps()
{
    const QList<VerifyStepResult> steps = m_session->verifier().plannedSteps();
    m_steps->setRowCount(static_cast<int>(steps.size()));
    for (int i = 0; i < steps.size(); ++i) {
        showStep(i, steps.at(i));
    }
}

void DeploysPage::showStep(int index, const VerifyStepResult& s)
{
    if (index >= m_steps->rowCount()) {
        m_steps->setRowCount(index + 1);
    }
    const QString result = s.outcome == VerifyStepResult::Outcome::Pending  ? tr("not run yet")
                           : s.outcome == VerifyStepResult::Outcome::Passed ? tr("✔ passed")
                           : s.outcome == VerifyStepResult::Outcome::Failed ? tr("✘ failed")
                           : s.outcome == VerifyStepResult::Outcome::Skipped
                               ? tr("skipped: not measured")
                               : tr("could not run");
    const QStringList cells{s.name, result, s.expectation, s.detail};
    for (int c = 0; c < cells.size(); ++c) {
        auto* item = new QTableWidgetItem(cells.at(c));
        item->setToolTip(cells.at(c));
        if (c == 1 && s.outcome == VerifyStepResult::Outcome::Failed) {
            item->setForeground(QColor(0xb0, 0x00, 0x20));
        } else if (c == 1 && s.outcome == VerifyStepResult::Outcome::Passed) {
            item->setForeground(QColor(0x1b, 0x7f, 0x3a));
        }
        m_steps->setItem(index, c, item);
    }
}

void DeploysPage::showComparison()
{
    const auto& before = m_session->before();
    const auto& after = m_session->after();
    // A window with latency but no error ratio: the gateway exports no status or error counts
    // (the plan dialect).
    const auto errors = [](const std::optional<WindowStats>& w) {
        if (!w)
            return QStringLiteral("–");
        if (!w->errorRatio && w->avgLatencyS)
            return tr("not exported");
        return percent(w->errorRatio);
    };
    const auto healthy = [](const std::optional<WindowStats>& w) {
        return w && w->healthKnown ? QStringLiteral("%1 / %2").arg(w->healthyPolls).arg(w->polls)
                                   : QStringLiteral("–");
    };
    struct Row {
        QString name;
        QString b;
        QString a;
    };
    const QList<Row> rows{
        {tr("Average latency"), before ? seconds(before->avgLatencyS) : QStringLiteral("–"),
         after ? seconds(after->avgLatencyS) : QStringLiteral("–")},
        {tr("Error rate"), errors(before), errors(after)},
        {tr("Healthy polls"), healthy(before), healthy(after)},
    };
    m_compare->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        m_compare->setItem(r, 0, new QTableWidgetItem(rows.at(r).name));
        m_compare->setItem(r, 1, new QTableWidgetItem(rows.at(r).b));
        m_compare->setItem(r, 2, new QTableWidgetItem(rows.at(r).a));
    }
    m_compare->resizeColumnsToContents();
}

void DeploysPage::verificationDone(const VerifyReport& report)
{
    m_message->show();
    if (report.passed) {
        m_message->setStyleSheet(QString());
        m_message->setText(report.summary());
    } else {
        m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_message->setText(report.summary() +
                           tr(" — you can roll back to the previous live deploy (Roll back…)."));
    }
    updateButtons();
}

void DeploysPage::updateButtons()
{
    const bool deploying = m_session->isDeploying();
    m_redeploy->setEnabled(!deploying && !m_readOnly);
    m_cancel->setEnabled(deploying && !m_readOnly);
    m_rollback->setEnabled(!deploying && !m_readOnly && m_session->rollbackTarget().has_value());
    m_verify->setEnabled(!deploying);
    for (QPushButton* b : {m_redeploy, m_cancel, m_rollback}) {
        b->setToolTip(m_readOnly ? m_readOnlyWhy : QString());
    }
    if (!m_readOnly) {
        m_redeploy->setToolTip(tr("Deploy the branch's latest commit again (asks to confirm)"));
        m_rollback->setToolTip(m_session->rollbackTarget()
                                   ? tr("Go back to the previous live deploy (asks to confirm)")
                                   : tr("There is no earlier live deploy to roll back to"));
    }
}

void DeploysPage::redeploy()
{
    if (m_readOnly) {
        return;
    }
    const auto live = m_session->liveDeploy();
    const QString commit = tr("the branch's latest commit (live now: %1)")
                               .arg(live ? live->shortCommit() + QStringLiteral(" “") +
                                               live->commitMessage + QStringLiteral("”")
                                         : tr("unknown"));
    bool clearCache = false;
    if (m_ask && !unrecordedAllowed(tr("Redeploy"))) {
        return;
    }
    if (m_ask) {
        RedeployDialog dialog(RedeployDialog::Kind::Redeploy, m_session->targetName(),
                              m_session->gatewayUrl().toString(QUrl::RemoveUserInfo), m_serviceName,
                              commit, this);
        if (dialog.exec() != QDialog::Accepted) {
            return;
        }
        clearCache = dialog.clearCache();
    }
    showSteps();
    m_session->redeploy(clearCache);
    updateButtons();
}

// An action that changes the platform is audited; when it cannot be, the operator decides.
bool DeploysPage::unrecordedAllowed(const QString& action)
{
    const QString problem = m_session->auditProblem();
    if (problem.isEmpty()) {
        return true;
    }
    return confirmUnrecordedAction(this, problem, action);
}

void DeploysPage::cancelDeploy()
{
    if (m_readOnly || !m_session->isDeploying()) {
        return;
    }
    if (m_ask && !unrecordedAllowed(tr("Cancel deploy"))) {
        return;
    }
    if (m_ask) {
        QMessageBox box(QMessageBox::Warning, tr("Cancel deploy"),
                        tr("Cancel the deploy of %1 on %2 (%3)?")
                            .arg(m_serviceName, m_session->targetName(),
                                 m_session->gatewayUrl().toString(QUrl::RemoveUserInfo)),
                        QMessageBox::NoButton, this);
        box.setObjectName(QStringLiteral("cancelDeployConfirmation"));
        box.setTextFormat(Qt::PlainText);
        box.setInformativeText(tr("Render stops building or starting the new instance. The "
                                  "instance that is live now keeps serving."));
        QPushButton* stop = box.addButton(tr("Cancel deploy"), QMessageBox::DestructiveRole);
        QPushButton* keep = box.addButton(tr("Keep deploying"), QMessageBox::RejectRole);
        box.setDefaultButton(keep);
        box.setEscapeButton(keep);
        box.exec();
        if (box.clickedButton() != stop) {
            return;
        }
    }
    m_session->cancel();
}

void DeploysPage::rollback()
{
    if (m_readOnly) {
        return;
    }
    const auto target = m_session->rollbackTarget();
    if (!target) {
        return;
    }
    if (m_ask && !unrecordedAllowed(tr("Roll back"))) {
        return;
    }
    if (m_ask) {
        RedeployDialog dialog(
            RedeployDialog::Kind::Rollback, m_session->targetName(),
            m_session->gatewayUrl().toString(QUrl::RemoveUserInfo), m_serviceName,
            tr("%1 “%2” (%3)").arg(target->shortCommit(), target->commitMessage, target->id), this);
        if (dialog.exec() != QDialog::Accepted) {
            return;
        }
    }
    showSteps();
    m_session->rollback();
}

} // namespace ops
