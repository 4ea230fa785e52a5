#pragma once

#include <QObject>

namespace ops {

struct Target;
class TargetSession;

// One per-target feature beyond the built-in parts (a history store, a log tail, an incident
// tracker...): the single place a new capability plugs into a target.
//
// Register a factory once, at the composition root:
//     fleet->addCapability([](TargetSession& session) -> std::unique_ptr<SessionCapability> {
//         return std::make_unique<MyHistory>(session); // or nullptr: not for this target
//     });
// and every session, present and future, gets its own instance. The session owns it and
// deletes it before its own parts (poller, monitor, clients), so a capability may use them for
// its whole life. Find it again with session->capability<MyHistory>().
//
// The session calls start() when it starts polling (at once when attached to a running
// session), stop() before it stops or goes, and targetChanged() after its target was edited
// (same id; the name, URL or anything else may have changed).
class SessionCapability : public QObject {
    Q_OBJECT
public:
    explicit SessionCapability(TargetSession& session);
    ~SessionCapability() override;

    TargetSession& session() const { return m_session; }

    virtual void start() {}
    virtual void stop() {}
    virtual void targetChanged(const Target& target) { Q_UNUSED(target); }

private:
    TargetSession& m_session;
};

} // namespace ops
