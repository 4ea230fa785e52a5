#include "ui/shell/MainWindow.h"

#include "models/domain/Clock.h"
#include "models/domain/Units.h"
#include "models/monitor/TargetMonitor.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/health/HealthPanel.h"
#include "ui/shell/StatePalette.h"
#include "ui/shell/Theme.h"
#include "ui/shell/WelcomePage.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace ops {

MainWindow::MainWindow(TargetMonitor* monitor, const QString& targetLabel, QWidget* parent)
    : QMainWindow(parent)
    , m_monitor(nullptr)
    , m_dashboard(nullptr)
    , m_banner(new QLabel(this))
    , m_stateLabel(new QLabel(this))
    , m_dialectLabel(new QLabel(this))
    , m_ageLabel(new QLabel(this))
    , m_historyLabel(new QLabel(this))
    , m_ageTimer(new QTimer(this))
    , m_pages(new QTabWidget(this))
{
    setObjectName(QStringLiteral("mainWindow"));

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    // An outage is unmistakable in both palettes: a solid band in the state's colour, white
    // bold text, not a tint.
    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_banner->setWordWrap(true);
    m_banner->setMargin(8);
    m_banner->setAutoFillBackground(true);
    m_banner->setTextFormat(Qt::RichText);
    m_banner->hide();
    layout->addWidget(m_banner);
    // Pages: Overview first; later pages (alerts, workflows, deploys...) come through addPage().
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    buildMenus();

    m_stateLabel->setObjectName(QStringLiteral("connectionState"));
    m_dialectLabel->setObjectName(QStringLiteral("dialect"));
    statusBar()->addWidget(m_stateLabel);
    statusBar()->addWidget(m_dialectLabel);
    m_historyLabel->setObjectName(QStringLiteral("historyNotice"));
    m_historyLabel->hide();
    statusBar()->addPermanentWidget(m_historyLabel);
    statusBar()->addPermanentWidget(m_ageLabel);
    m_targetLabel = new QLabel(this);
    m_targetLabel->setObjectName(QStringLiteral("targetLabel"));
    statusBar()->addPermanentWidget(m_targetLabel);

    // Ages and staleness move on even when no poll arrives.
    connect(m_ageTimer, &QTimer::timeout, this, &MainWindow::refresh);
    m_ageTimer->start(1000);
    // File > Quit ends the loop without closing the window: remember the layout then too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] { saveSettings(); });
    // Fits a laptop: the pages scroll rather than push the status bar off a 1280x720 screen.
    resize(1200, 700);
    restoreGeometry(QSettings().value(QStringLiteral("mainWindow/geometry")).toByteArray());
    if (monitor) {
        setMonitor(monitor, targetLabel);
    } else {
        // The first run: the welcome page until a target is saved or the demo chosen.
        setWindowTitle(tr("BHIV Ops Console"));
        m_welcome = new WelcomePage(central);
        connect(m_welcome, &WelcomePage::addRequested, this, &MainWindow::targetsRequested);
        connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::demoRequested);
        layout->insertWidget(layout->indexOf(m_pages), m_welcome, 1);
        m_pages->hide();
        refresh();
    }
}

// The Overview, Endpoints and Health pages of the first monitor, in the welcome's place; the
// page and time window remembered from the last run are restored with them.
void MainWindow::buildDashboard(TargetMonitor* monitor)
{
    m_monitor = monitor;
    m_dashboard = new Dashboard(monitor, this);
    if (m_welcome) {
        m_welcome->hide();
        m_welcome->deleteLater();
        m_welcome = nullptr;
        m_pages->show();
    }
    QWidget* overview = m_dashboard->overviewPage();
    m_overview = overview;
    m_pages->addTab(overview, tr("&Overview"));
    QAction* showOverview = m_viewMenu->addAction(tr("Show &Overview"));
    showOverview->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(showOverview, &QAction::triggered, this,
            [this, overview] { m_pages->setCurrentWidget(overview); });
    // The dashboard's other pages come right after the Overview. Mnemonics are unique in the
    // window: Alt+E is not Endpoints because Alt+H is Help.
    addPage(m_dashboard->endpointsPage(), tr("E&ndpoints"));
    addPage(m_dashboard->healthPanel(), tr("H&ealth"));
    restoreSettings();
}

HealthPanel* MainWindow::healthPanel() const
{
    return m_dashboard ? m_dashboard->healthPanel() : nullptr;
}

QString MainWindow::welcomeText() const
{
    return m_welcome ? m_welcome->welcomeText() : QString();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    if (!m_dashboard) // still welcoming: no page or time window chosen
        return;
    settings.setValue(QStringLiteral("mainWindow/page"), m_pages->currentIndex());
    m_dashboard->saveSettings(settings);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    m_dashboard->restoreSettings(settings);
    // Pages added later (by others) are not there yet: select the page once they are.
    const int page = settings.value(QStringLiteral("mainWindow/page"), 0).toInt();
    QTimer::singleShot(0, this, [this, page] {
        if (page >= 0 && page < m_pages->count())
            m_pages->setCurrentIndex(page);
    });
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::setHistoryNotice(const QString& text, const QString& details)
{
    m_historyLabel->setText(text.isEmpty() ? QString() : QStringLiteral("\u26a0 ") + text);
    m_historyLabel->setToolTip(details);
    m_historyLabel->setAccessibleDescription(details);
    m_historyLabel->setVisible(!text.isEmpty());
}

QString MainWindow::historyNotice() const
{
    return m_historyLabel->isVisible() ? m_historyLabel->text() : QString();
}

void MainWindow::setMonitor(TargetMonitor* monitor, const QString& targetLabel,
                            InstanceSignals* instances)
{
    if (!monitor)
        return;
    if (!m_dashboard) {
        buildDashboard(monitor);
        if (instances)
            m_dashboard->setInstanceSignals(instances);
    } else if (monitor == m_monitor) {
        m_dashboard->setInstanceSignals(instances);
        return;
    } else {
        disconnect(m_monitor, nullptr, this, nullptr);
        m_monitor = monitor;
        m_dashboard->setMonitor(monitor, instances);
    }
    setWindowTitle(tr("BHIV Ops Console — %1").arg(targetLabel));
    m_targetLabel->setText(targetLabel);
    connect(m_monitor, &TargetMonitor::updated, this, &MainWindow::refresh);
    connect(m_monitor, &TargetMonitor::stateChanged, this, &MainWindow::refresh);
    refresh();
}

void MainWindow::addFileAction(QAction* action)
{
    m_fileMenu->insertAction(m_quitSeparator, action);
}

void MainWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    m_targetsAction = m_fileMenu->addAction(tr("&Targets…"), this, &MainWindow::targetsRequested);
    m_targetsAction->setObjectName(QStringLiteral("targetsAction"));
    m_targetsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_rulesAction = m_fileMenu->addAction(tr("Alert &rules…"), this, &MainWindow::rulesRequested);
    m_rulesAction->setObjectName(QStringLiteral("rulesAction"));
    m_exportAction =
        m_fileMenu->addAction(tr("&Export alert history…"), this, &MainWindow::exportRequested);
    m_exportAction->setObjectName(QStringLiteral("exportAction"));
    // Enabled once something is wired to them.
    for (QAction* action : {m_targetsAction, m_rulesAction, m_exportAction})
        action->setEnabled(false);
    m_quitSeparator = m_fileMenu->addSeparator();
    m_fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(tr("&Refresh now"), QKeySequence::Refresh, this, [this] {
        if (m_monitor)
            m_monitor->pollNow();
    });
    QMenu* paletteMenu = m_viewMenu->addMenu(tr("&Palette"));
    paletteMenu->setObjectName(QStringLiteral("paletteMenu"));
    auto* group = new QActionGroup(paletteMenu);
    const QString current = savedPalette();
    const std::pair<QString, QString> palettes[] = {{QStringLiteral("system"), tr("&System")},
                                                    {QStringLiteral("light"), tr("&Light")},
                                                    {QStringLiteral("dark"), tr("&Dark")}};
    for (const auto& [name, title] : palettes) {
        QAction* action = paletteMenu->addAction(title);
        action->setCheckable(true);
        action->setChecked(name == current);
        action->setData(name);
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, name = name] {
            QSettings().setValue(QStringLiteral("ui/palette"), name);
            if (name == u"system") {
                QMessageBox::information(this, tr("Palette"),
                                         tr("The system palette is used from the next start."));
                return;
            }
            applyPalette(name);
        });
    }
    m_viewMenu->addSeparator();

    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    m_helpMenu->addAction(tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this,
                          &MainWindow::showShortcuts);
    m_helpMenu->addAction(tr("&Documentation"), this, [] {
        QDesktopServices::openUrl(
            QUrl(QStringLiteral("https://github.com/bhiv/ops-console/blob/main/README.md")));
    });
    m_helpMenu->addSeparator();
    m_helpMenu->addAction(tr("&About BHIV Ops Console"), this, &MainWindow::showAbout);
}

QString MainWindow::savedPalette()
{
    const QString name =
        QSettings().value(QStringLiteral("ui/palette"), QStringLiteral("system")).toString();
    return name == u"light" || name == u"dark" ? name : QStringLiteral("system");
}

void MainWindow::showShortcuts()
{
    QStringList rows;
    const auto row = [&rows](const QString& keys, const QString& what) {
        rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
    };
    for (int i = 0; i < m_pages->count() && i < 9; ++i)
        row(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)).toString(QKeySequence::NativeText),
            tr("Show %1").arg(m_pages->tabText(i).remove(u'&')));
    row(QKeySequence(QKeySequence::Refresh).toString(QKeySequence::NativeText),
        tr("Poll the gateway now"));
    row(tr("Alt+1 … Alt+6"), tr("Chart window: 5 min … 24 h"));
    row(tr("Alt+P / Space on a chart"), tr("Pause or resume the charts"));
    row(tr("Alt+T"), tr("Show the charts as tables"));
    row(tr("Left / Right, + / −, Home"), tr("Pan, zoom, back to live (on a chart)"));
    row(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText),
        tr("Filter the endpoints (Endpoints page)"));
    row(tr("Ctrl+Enter"), tr("Submit the acknowledgement"));
    row(tr("Alt + underlined letter"), tr("Every page, button and menu"));
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"),
                    QStringLiteral("<table cellspacing=6>%1</table>").arg(rows.join(QString())),
                    QMessageBox::Close, this);
    box.setObjectName(QStringLiteral("shortcutsDialog"));
    box.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About BHIV Ops Console"),
        tr("<b>BHIV Ops Console</b> %1<br>Watches the BHIV HR Platform's gateway: health, "
           "response times, workflows, alerts, deploys.<br>Qt %2.")
            .arg(QCoreApplication::applicationVersion().toHtmlEscaped(),
                 QString::fromLatin1(qVersion())));
}

void MainWindow::setFiringStrip(QWidget* strip)
{
    if (m_firingStrip)
        return;
    m_firingStrip = strip;
    auto* layout = qobject_cast<QVBoxLayout*>(centralWidget()->layout());
    layout->insertWidget(layout->indexOf(m_pages), strip);
}

int MainWindow::addPage(QWidget* page, const QString& title)
{
    const int index = m_pages->addTab(page, title);
    // Ctrl+1..9 switch pages from the keyboard.
    if (index < 9) {
        QAction* action = m_viewMenu->addAction(tr("Show %1").arg(QString(title).remove(u'&')));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        connect(action, &QAction::triggered, this,
                [this, page] { m_pages->setCurrentWidget(page); });
    }
    return index;
}

QString MainWindow::connectionText() const
{
    return m_monitor ? connectionStateName(m_monitor->state()) : QString();
}

QString MainWindow::dialectText() const
{
    return m_monitor ? dialectName(m_monitor->dialect()) : QString();
}

void MainWindow::refresh()
{
    if (!m_monitor) {
        m_stateLabel->setText(tr("No target yet: File > Targets… adds one"));
        m_dialectLabel->clear();
        m_ageLabel->clear();
        return;
    }
    const ConnectionState state = m_monitor->state();
    const QString detail = m_monitor->stateDetail();
    m_stateLabel->setText(
        tr("Connection: <b style=\"color:%1\">%2</b>")
            .arg(colorFor(state).name(), connectionStateName(state).toHtmlEscaped()));
    m_stateLabel->setToolTip(detail);
    QString dialect = tr("Dialect: %1").arg(dialectName(m_monitor->dialect()));
    if (!m_monitor->gatewayVersion().isEmpty())
        dialect += tr(" (version %1)").arg(m_monitor->gatewayVersion());
    m_dialectLabel->setText(dialect);
    m_ageLabel->setText(m_monitor->hasData()
                            ? tr("Last data %1 ago").arg(formatElapsed(m_monitor->dataAgeMs()))
                            : tr("No data yet"));

    const bool problem = !isAnswering(state) && state != ConnectionState::Connecting;
    if (problem || m_monitor->isDataStale()) {
        QString head = connectionStateName(state);
        if (!head.isEmpty())
            head[0] = head[0].toUpper();
        if (problem && m_monitor->problemSinceMs() > 0)
            head = tr("%1 for %2")
                       .arg(head, formatElapsed(m_monitor->clock()->nowMs() -
                                                m_monitor->problemSinceMs()));
        QString text = tr("<b>⚠ %1</b>").arg(head.toHtmlEscaped());
        if (!detail.isEmpty())
            text += QStringLiteral(": ") + detail.toHtmlEscaped();
        if (m_monitor->hasData())
            text += tr(" — the figures below are the last ones received, %1 ago, marked stale.")
                        .arg(formatElapsed(m_monitor->dataAgeMs()));
        m_banner->setText(text);
        QPalette palette = m_banner->palette();
        const QColor background =
            problem ? QColor(0xb7, 0x1c, 0x1c) : QColor(0x8d, 0x5a, 0x00); // red / dark amber
        palette.setColor(QPalette::Window, background);
        palette.setColor(QPalette::WindowText, Qt::white);
        m_banner->setPalette(palette);
        m_banner->show();
    } else {
        m_banner->hide();
    }
    m_dashboard->refresh();
}

} // namespace ops
