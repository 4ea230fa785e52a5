#pragma once

#include "models/domain/Target.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <memory>
#include <vector>

class QNetworkAccessManager;
class QStackedWidget;
class TargetsController;

namespace ops {
class AuditLog;
class AuditTableModel;
class Clock;
class DeploySession;
class DeploysPage;
class MainWindow;
class RenderClient;
} // namespace ops

// Wires the Deploys and Audit pages: one DeploySession + DeploysPage per watched target (kept
// while the console runs, so a deploy in progress survives switching targets), configured from
// the target's Render service and the Render API key in the keychain. What is missing is said
// on the page, with the way to the targets dialog. Demo mode uses the simulator's Render API.
class DeploysController : public QObject {
    Q_OBJECT

public:
    DeploysController(QNetworkAccessManager* network, const ops::Clock* clock, ops::AuditLog* audit,
                      ops::MainWindow* window);
    ~DeploysController() override;

    // Adds the Deploys and Audit pages to the window.
    void addPages();
    // Demo: the simulator's own Render API (<url>/render/v1, its first service, the
    // simulator's key kept in memory only).
    void useDemo(const QUrl& gatewayUrl, const QString& label);
    // Saved targets: follows the watched target.
    void useTargets(TargetsController* targets);
    // --url: no saved target, so no Render service to use.
    void useUrlOnly(const QUrl& gatewayUrl, const QString& label);

    ops::AuditTableModel* auditModel() const { return m_auditModel.get(); }
    // The watched target's page (nullptr before one is set up).
    ops::DeploysPage* currentPage() const;

    static constexpr const char* kDemoRenderKey = "rnd-sim-key";

signals:
    // A deploy event of a target's session (for chart markers): redeploy, live, failed, rollback,
    // verified, verification_failed.
    void deployEvent(const QString& target, qint64 timeMs, const QString& kind,
                     const QString& label);

private:
    struct Entry {
        QString name;
        std::unique_ptr<ops::DeploySession> session;
        QPointer<ops::DeploysPage> page;
    };
    Entry* entryFor(const QString& name);
    void configureTarget(const ops::Target& target);
    void useHook(const ops::Target& target, const ops::RenderService& service,
                 const QString& gatewayKey);
    void apply(const ops::Target& target, const QString& gatewayKey, const QString& renderKey,
               const QString& keyProblem);

    QNetworkAccessManager* m_network;
    const ops::Clock* m_clock;
    ops::AuditLog* m_audit;
    QPointer<ops::MainWindow> m_window;
    QPointer<QStackedWidget> m_stack;
    TargetsController* m_targets = nullptr;
    std::unique_ptr<ops::AuditTableModel> m_auditModel;
    std::unique_ptr<ops::RenderClient> m_demoClient;
    std::vector<std::unique_ptr<Entry>> m_entries;
    QString m_current;
};
