#pragma once

#include "models/logs/LogWindowRequest.h"

#include <QPointer>
#include <QStackedWidget>
#include <map>

namespace ops {

class DeploysPage;
class Fleet;
class TargetSession;
struct DeploySetup;

// The Deploys tab: one DeploysPage per session of the fleet (kept while the session lives, so a
// deploy in progress survives switching targets), the current session's on top. What a page
// still needs (a Render service, a key, a usable hook) is said on it from the session's
// DeploySetup, with the way to the targets dialog for saved targets.
class DeployPages : public QStackedWidget {
    Q_OBJECT
public:
    explicit DeployPages(const Fleet* fleet, QWidget* parent = nullptr);
    ~DeployPages() override;

    // The current session's page (nullptr before there is one).
    DeploysPage* currentPage() const;
    DeploysPage* pageOf(const TargetSession* session) const;

signals:
    // "Open the targets dialog at this target" (a saved target's page).
    void configureRequested(const QString& sessionId);
    // A deploy action happened on some page (a new audit row, a new message).
    void activity();
    // A page's "Show the build logs of this deploy" (see DeploysPage::logsRequested).
    void logsRequested(const QString& sessionId, const ops::LogWindowRequest& request);

private:
    void addSession(TargetSession* session);
    void removeSession(TargetSession* session);
    void showSetup(TargetSession* session);

    const Fleet* m_fleet;
    std::map<const TargetSession*, QPointer<DeploysPage>> m_pages;
};

} // namespace ops
