#pragma once

#include "models/domain/Target.h"
#include "models/fleet/FleetContext.h"
#include "models/fleet/TargetSession.h"

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

namespace ops {

class TargetStore;

// Every target the console watches, one TargetSession each, and which one is on screen.
// Saved targets come from a TargetStore (useSavedTargets) and follow its edits: a target added
// to the store gets a session, one removed loses it, one edited keeps its session (same id,
// even when renamed) and says so with changed(). --url and --demo are unsaved targets
// (addUnsaved) in the same fleet: there is one kind of session, whatever its origin.
//
// Subscribers (alerts, the deploy pages, chart markers, the switcher) read sessions() once and
// follow added / removed / changed / currentChanged.
class Fleet : public QObject {
    Q_OBJECT
public:
    using CapabilityFactory = std::function<std::unique_ptr<SessionCapability>(TargetSession&)>;

    explicit Fleet(FleetContext context, QObject* parent = nullptr);
    // The sessions go (each stopping its parts, capabilities first); subscribers are told
    // nothing: they are expected to be gone already or to hold QPointers.
    ~Fleet() override;

    const FleetContext& context() const { return m_context; }

    // Adopts a loaded store: a session per saved target (not started), ids kept in the file.
    void useSavedTargets(std::unique_ptr<TargetStore> store);
    // The saved targets' store, or nullptr when the fleet has none (--url, --demo).
    TargetStore* store() const { return m_store.get(); }
    // The saved target to show first: name, else the last watched, else the first. False with
    // *error when a name is given and not saved (or nothing is saved). Remembers the choice.
    bool pickCurrent(const QString& name, QString* error);

    // A target that is not saved (--url, --demo): id "unsaved/<name>"; label is what the window
    // shows (default: the name). Its secrets are read from session memory only.
    TargetSession* addUnsaved(const Target& target, const QString& label = {});

    QList<TargetSession*> sessions() const;
    TargetSession* session(const QString& id) const;
    TargetSession* sessionNamed(const QString& name) const;
    // The saved sessions' targets, in the store's order.
    QList<Target> savedTargets() const;

    TargetSession* current() const { return m_current; }
    // Shows another target; a saved one is remembered as the last watched. False: no such id.
    bool setCurrent(const QString& id);

    // Starts every session (and every later one).
    void start();
    bool isStarted() const { return m_started; }

    // Every session, present and future, gets what factory makes (see SessionCapability).
    void addCapability(CapabilityFactory factory);

    // Trusts the certificate a saved target's poller refused (stores it, polls again).
    bool trustCertificate(const QString& id, const QByteArray& sha256);
    // One poll with the target as given and typedKey (empty: its stored key); answers once with
    // what happened in words, and whether it answered. When the poll refused a certificate,
    // refusedCertificate gets it after done (DER and SHA-256), so it can be described before
    // trusting.
    void testTarget(const Target& target, const QByteArray& typedKey,
                    std::function<void(const QString& text, bool ok)> done,
                    std::function<void(const QByteArray& certificateDer, const QByteArray& sha256)>
                        refusedCertificate = {});

signals:
    void added(ops::TargetSession* session);
    // The session is about to be deleted.
    void removed(ops::TargetSession* session);
    // Its target was edited (renamed, another URL, other settings): same id, same session.
    void changed(ops::TargetSession* session);
    void currentChanged(ops::TargetSession* current, ops::TargetSession* previous);

private:
    TargetSession* adopt(std::unique_ptr<TargetSession> session);
    void syncWithStore();
    void rememberCurrent();

    FleetContext m_context;
    std::unique_ptr<TargetStore> m_store;
    std::vector<CapabilityFactory> m_factories;
    // A removed target that was on screen stays until another is chosen (or the fleet goes).
    std::unique_ptr<TargetSession> m_retired;
    std::vector<std::unique_ptr<TargetSession>> m_sessions;
    TargetSession* m_current = nullptr;
    bool m_started = false;
};

} // namespace ops
