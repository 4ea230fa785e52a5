#include "ui/shell/WelcomePage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ops {

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto* layout = new QVBoxLayout(this);
    // At the top: the targets dialog opens on top of the window's middle, and the welcome
    // stays readable above it.
    layout->setContentsMargins(24, 12, 24, 24);

    auto* heading = new QLabel(tr("Welcome to BHIV Ops Console"), this);
    heading->setObjectName(QStringLiteral("welcomeHeading"));
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    heading->setFont(big);
    heading->setAlignment(Qt::AlignCenter);
    layout->addWidget(heading);

    m_text = new QLabel(tr("Add the gateway you want to watch, or try the demo."), this);
    m_text->setObjectName(QStringLiteral("welcomeText"));
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    layout->addWidget(m_text);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    auto* add = new QPushButton(tr("&Add a gateway…"), this);
    add->setObjectName(QStringLiteral("welcomeAdd"));
    add->setDefault(true);
    auto* demo = new QPushButton(tr("Try the &demo"), this);
    demo->setObjectName(QStringLiteral("welcomeDemo"));
    buttons->addWidget(add);
    buttons->addWidget(demo);
    buttons->addStretch();
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addSpacing(12);
    auto* about = new QLabel(tr("The console watches the gateway's health and metrics, charts "
                                "them, and alerts you when a threshold is crossed."),
                             this);
    about->setObjectName(QStringLiteral("welcomeAbout"));
    about->setAlignment(Qt::AlignCenter);
    about->setWordWrap(true);
    about->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(about);
    layout->addStretch(1);
    connect(add, &QPushButton::clicked, this, &WelcomePage::addRequested);
    connect(demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
}

WelcomePage::~WelcomePage() = default;

QString WelcomePage::welcomeText() const
{
    return m_text->text();
}

} // namespace ops
