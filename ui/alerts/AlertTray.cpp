#include "ui/alerts/AlertTray.h"

#include "models/alerts/AlertCenter.h"
#include "models/alerts/AlertEngine.h"
#include "models/alerts/AlertNotifier.h"
#include "ui/shell/StatePalette.h"

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>
#include <QWidget>

namespace ops {

AlertTray::AlertTray(AlertCenter* center, QWidget* window, QObject* parent)
    : QObject(parent)
    , m_center(center)
    , m_window(window)
    , m_icon(new QSystemTrayIcon(this))
    , m_menu(new QMenu(window))
{
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger)
            emit showAlertsRequested();
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &AlertTray::showAlertsRequested);
    connect(center->engine(), &AlertEngine::alertsChanged, this, &AlertTray::refresh);
    connect(m_menu, &QMenu::aboutToShow, this, &AlertTray::rebuildMenu);
    refresh();
    rebuildMenu();
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_icon->show();
}

QColor AlertTray::colorFor(std::optional<AlertSeverity> worst)
{
    return worst ? ops::colorFor(*worst) : allClearColor();
}

void AlertTray::refresh()
{
    const std::optional<AlertSeverity> worst = m_center->engine()->worstFiringSeverity();
    const AlertEngine::Counts counts = m_center->engine()->counts();
    QString tip = counts.firing ? tr("BHIV Ops Console: %n alert(s) firing", nullptr, counts.firing)
                                : tr("BHIV Ops Console: no alert firing");
    if (counts.acknowledged > 0)
        tip += tr(" (%1 acknowledged)").arg(counts.acknowledged);
    m_icon->setToolTip(tip);
    if (!m_first && worst == m_shown)
        return;
    m_first = false;
    m_shown = worst;
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(255, 255, 255, 220), 4));
    painter.setBrush(colorFor(worst));
    painter.drawEllipse(QRectF(4, 4, 56, 56));
    painter.setPen(Qt::white);
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(34);
    painter.setFont(font);
    painter.drawText(QRectF(0, 0, 64, 64), Qt::AlignCenter,
                     worst ? QStringLiteral("!") : QStringLiteral("✓"));
    painter.end();
    m_icon->setIcon(QIcon(pixmap));
}

void AlertTray::rebuildMenu()
{
    m_menu->clear();
    m_menu->addAction(tr("Show &console"), this, [this] {
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    });
    m_menu->addAction(tr("Show &alerts"), this, &AlertTray::showAlertsRequested);
    m_menu->addSeparator();
    bool any = false;
    for (const AlertStatus& s : m_center->engine()->alerts()) {
        if (!s.isFiring())
            continue;
        any = true;
        QMenu* sub = m_menu->addMenu(
            tr("[%1] %2 on %3").arg(severityName(s.severity), s.key.rule, s.key.target));
        const AlertKey key = s.key;
        QAction* ack = sub->addAction(tr("Acknowledge"), this, [this, key] {
            m_center->engine()->acknowledge(key, AlertEngine::defaultAuthor(),
                                            tr("acknowledged from the tray"));
        });
        ack->setEnabled(!s.ack);
        sub->addAction(tr("Snooze 1 hour"), this, [this, key] {
            m_center->engine()->snooze(key, 3'600'000, AlertEngine::defaultAuthor(), {});
        });
    }
    if (!any)
        m_menu->addAction(tr("No alert firing"))->setEnabled(false);
    m_menu->addSeparator();
    QAction* sound = m_menu->addAction(tr("&Sound on new alerts"));
    sound->setCheckable(true);
    sound->setChecked(m_center->notifier()->soundEnabled());
    connect(sound, &QAction::toggled, m_center->notifier(), &AlertNotifier::setSoundEnabled);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Quit"), qApp, &QCoreApplication::quit);
}

QString AlertTray::toolTip() const
{
    return m_icon->toolTip();
}

bool AlertTray::isShown() const
{
    return m_icon->isVisible();
}

void AlertTray::showFallback(const AlertNotice& notice)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable() || !m_icon->isVisible())
        return;
    const QSystemTrayIcon::MessageIcon icon =
        notice.kind == u"resolved"                   ? QSystemTrayIcon::Information
        : notice.severity == AlertSeverity::Critical ? QSystemTrayIcon::Critical
        : notice.severity == AlertSeverity::Warning  ? QSystemTrayIcon::Warning
                                                     : QSystemTrayIcon::Information;
    m_icon->showMessage(notice.title, notice.body, icon, 10'000);
}

} // namespace ops
