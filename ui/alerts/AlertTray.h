#pragma once

#include "models/alerts/AlertRule.h"

#include <QObject>
#include <optional>

class QMenu;
class QSystemTrayIcon;
class QWidget;

namespace ops {

class AlertCenter;
struct AlertNotice;

// The tray icon of alerting: coloured by the worst firing severity (green when none), a menu with
// the firing alerts (acknowledge, snooze 1 h), open the console, sound on/off; and the balloon
// (QSystemTrayIcon::showMessage) for notices when no notification daemon answers.
class AlertTray : public QObject {
    Q_OBJECT
public:
    AlertTray(AlertCenter* center, QWidget* window, QObject* parent = nullptr);

    static QColor colorFor(std::optional<AlertSeverity> worst);
    QSystemTrayIcon* icon() const { return m_icon; }

public slots:
    void refresh();
    void showFallback(const ops::AlertNotice& notice);

    // The icon is in a system tray (the console's only one: --minimized hides into it).
    bool isShown() const;
    // "BHIV Ops Console: 1 alert(s) firing": the same count as the strip, badge and page.
    QString toolTip() const;

signals:
    void showAlertsRequested();

private:
    void rebuildMenu();

    AlertCenter* m_center;
    QWidget* m_window;
    QSystemTrayIcon* m_icon;
    QMenu* m_menu;
    std::optional<AlertSeverity> m_shown;
    bool m_first = true;
};

} // namespace ops
