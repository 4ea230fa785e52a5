#pragma once

#include <QFrame>
#include <QPointer>

class QLabel;
class QTabWidget;

namespace ops {

class AlertCenter;

// What fires right now, above every page: "1 critical firing: high_response_time on prod
// (acknowledged by ana)", or "All clear: nothing firing". Red for critical, amber for warnings,
// calmer once every firing alert is acknowledged. Also keeps the Alerts tab's count badge. Its
// counts come from AlertEngine::counts(), like the page's header and the tray's.
class FiringStrip : public QFrame {
    Q_OBJECT
public:
    explicit FiringStrip(AlertCenter* center, QWidget* parent = nullptr);

    QString text() const;
    // The Alerts page's tab: its text gets the firing count ("&Alerts (2)") and a red badge.
    void attachBadge(QTabWidget* tabs, QWidget* alertsPage);

public slots:
    void refresh();

signals:
    void showAlertsRequested();

private:
    void updateBadge(int firing, int acknowledged, bool critical);

    AlertCenter* m_center;
    QLabel* m_label;
    QPointer<QTabWidget> m_tabs;
    QPointer<QWidget> m_alertsPage;
    QString m_alertsTitle;
};

} // namespace ops
