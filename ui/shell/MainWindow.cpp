#include "ui/shell/MainWindow.h"

#include "models/monitor/TargetMonitor.h"
#include "ui/dashboard/Dashboard.h"
#include "ui/health/HealthPanel.h"
#include "ui/shell/StatePalette.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace ops {

MainWindow::MainWindow(TargetMonitor* monitor, const QString& targetLabel, QWidget* parent)
    : QMainWindow(parent)
    , m_monitor(monitor)
    , m_dashboard(new Dashboard(monitor, this))
    , m_banner(new QLabel(this))
    , m_stateLabel(new QLabel(this))
    , m_dialectLabel(new QLabel(this))
    , m_ageLabel(new QLabel(this))
    , m_ageTimer(new QTimer(this))
    , m_pages(new QTabWidget(this))
{
    setWindowTitle(tr("BHIV Ops Console — %1").arg(targetLabel));
    setObjectName(QStringLiteral("mainWindow"));

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_banner->setWordWrap(true);
    m_banner->setMargin(6);
    m_banner->setAutoFillBackground(true);
    m_banner->hide();
    layout->addWidget(m_banner);
    // Pages: Overview first; later pages (alerts, workflows, deploys...) come through addPage().
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    QWidget* overview = m_dashboard->overviewPage();
    m_overview = overview;
    m_pages->addTab(overview, tr("&Overview"));
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu = viewMenu;
    viewMenu->addAction(tr("&Refresh now"), QKeySequence::Refresh, this,
                        [this] { m_monitor->pollNow(); });
    viewMenu->addSeparator();
    QAction* showOverview = viewMenu->addAction(tr("Show Overview"));
    showOverview->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(showOverview, &QAction::triggered, this,
            [this, overview] { m_pages->setCurrentWidget(overview); });
    // The dashboard's other pages come right after the Overview.
    addPage(m_dashboard->endpointsPage(), tr("&Endpoints"));
    addPage(m_dashboard->healthPanel(), tr("&Health"));

    m_stateLabel->setObjectName(QStringLiteral("connectionState"));
    m_dialectLabel->setObjectName(QStringLiteral("dialect"));
    statusBar()->addWidget(m_stateLabel);
    statusBar()->addWidget(m_dialectLabel);
    statusBar()->addPermanentWidget(m_ageLabel);
    m_targetLabel = new QLabel(targetLabel, this);
    m_targetLabel->setObjectName(QStringLiteral("targetLabel"));
    statusBar()->addPermanentWidget(m_targetLabel);

    connect(m_monitor, &TargetMonitor::updated, this, &MainWindow::refresh);
    connect(m_monitor, &TargetMonitor::stateChanged, this, &MainWindow::refresh);
    // Ages and staleness move on even when no poll arrives.
    connect(m_ageTimer, &QTimer::timeout, this, &MainWindow::refresh);
    m_ageTimer->start(1000);
    // File > Quit ends the loop without closing the window: remember the layout then too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] { saveSettings(); });
    resize(1200, 760);
    restoreSettings();
    refresh();
}

HealthPanel* MainWindow::healthPanel() const
{
    return m_dashboard->healthPanel();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/page"), m_pages->currentIndex());
    m_dashboard->saveSettings(settings);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
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

void MainWindow::setMonitor(TargetMonitor* monitor, const QString& targetLabel)
{
    if (monitor == m_monitor)
        return;
    disconnect(m_monitor, nullptr, this, nullptr);
    m_monitor = monitor;
    m_dashboard->setMonitor(monitor);
    setWindowTitle(tr("BHIV Ops Console — %1").arg(targetLabel));
    m_targetLabel->setText(targetLabel);
    connect(m_monitor, &TargetMonitor::updated, this, &MainWindow::refresh);
    connect(m_monitor, &TargetMonitor::stateChanged, this, &MainWindow::refresh);
    refresh();
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
    return connectionStateName(m_monitor->state());
}

QString MainWindow::dialectText() const
{
    return dialectName(m_monitor->dialect());
}

void MainWindow::refresh()
{
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
                            ? tr("Last data %1 s ago").arg(m_monitor->dataAgeMs() / 1000)
                            : tr("No data yet"));

    const bool problem = !isAnswering(state) && state != ConnectionState::Connecting;
    if (problem || m_monitor->isDataStale()) {
        QString text = tr("<b>%1</b>").arg(connectionStateName(state));
        if (!detail.isEmpty())
            text += QStringLiteral(": ") + detail.toHtmlEscaped();
        if (m_monitor->hasData())
            text += tr(" — showing data from %1 s ago, marked stale.")
                        .arg(m_monitor->dataAgeMs() / 1000);
        m_banner->setText(text);
        QPalette palette = m_banner->palette();
        QColor background = colorFor(state);
        background.setAlpha(60);
        palette.setColor(QPalette::Window, background);
        m_banner->setPalette(palette);
        m_banner->show();
    } else {
        m_banner->hide();
    }
    m_dashboard->refresh();
}

} // namespace ops
