#include "ui/targets/WelcomeWindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace ops {

WelcomeWindow::WelcomeWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("welcomeWindow"));
    setWindowTitle(tr("BHIV Ops Console"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addStretch(2);

    auto* heading = new QLabel(tr("Welcome to BHIV Ops Console"), central);
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    heading->setFont(big);
    heading->setAlignment(Qt::AlignCenter);
    layout->addWidget(heading);

    m_text = new QLabel(tr("Add the gateway you want to watch, or try the demo.\nThe console "
                           "watches its health and metrics, charts them, and alerts you when a "
                           "threshold is crossed."),
                        central);
    m_text->setObjectName(QStringLiteral("welcomeText"));
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    layout->addWidget(m_text);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    auto* add = new QPushButton(tr("&Add a gateway…"), central);
    add->setObjectName(QStringLiteral("welcomeAdd"));
    add->setDefault(true);
    auto* demo = new QPushButton(tr("Try the &demo"), central);
    demo->setObjectName(QStringLiteral("welcomeDemo"));
    buttons->addWidget(add);
    buttons->addWidget(demo);
    buttons->addStretch();
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addStretch(3);
    setCentralWidget(central);
    connect(add, &QPushButton::clicked, this, &WelcomeWindow::addRequested);
    connect(demo, &QPushButton::clicked, this, &WelcomeWindow::demoRequested);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Targets…"), this, &WelcomeWindow::addRequested);
    file->addAction(tr("Try the &demo"), this, &WelcomeWindow::demoRequested);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    resize(1100, 700);
}

WelcomeWindow::~WelcomeWindow() = default;

QString WelcomeWindow::welcomeText() const
{
    return m_text->text();
}

void WelcomeWindow::closeEvent(QCloseEvent* event)
{
    emit closed();
    QMainWindow::closeEvent(event);
}

} // namespace ops
