#pragma once

#include "models/domain/Target.h"

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace ops {

// The named targets and the last watched one, in a JSON file (default: targets.json under
// QStandardPaths::AppConfigLocation), written atomically with QSaveFile. It never holds a
// secret: API keys and deploy hooks live in the SecretStore.
//
// Each target also has a stable id (a UUID, "id" in the file) that survives renames: the
// console keys its per-target objects by it, never by the display name. Files written before
// ids existed get one per target at load; save() keeps them (idsAssigned() says a save is due).
class TargetStore : public QObject {
    Q_OBJECT
public:
    explicit TargetStore(QString path = defaultPath(), QObject* parent = nullptr);

    static QString defaultPath();
    QString path() const { return m_path; }

    // A missing file is an empty store (true). A file that is not JSON, or whose "targets" is
    // not an array, is set aside as "<path>.corrupt-<time>" and the store starts empty (true,
    // recoveryNotice() says so): the next save never writes over what it held. A saved URL
    // with user info (user:pass@) loses it (the notice says so; the next save drops it).
    // False with *error for a file that cannot be read or holds invalid targets.
    bool load(QString* error = nullptr);
    // Words for the UI when load() set a damaged file aside; empty otherwise.
    QString recoveryNotice() const { return m_recoveryNotice; }
    bool save(QString* error = nullptr) const;
    // Two writers share one file (the window and `bhiv-ops targets`): under a lock file
    // (<path>.lock, QLockFile), reloads the file, applies change and saves, so neither undoes
    // what the other wrote meanwhile. change returns false (with *error) to save nothing.
    // False with *error when the lock cannot be taken in time, the file cannot be read or
    // written, or change refused.
    bool update(const std::function<bool(TargetStore& store, QString* error)>& change,
                QString* error = nullptr);

    const QList<Target>& targets() const { return m_targets; }
    QStringList names() const;
    std::optional<Target> find(const QString& name) const;
    // Adds, or replaces the target of the same name. False with *error when it is not valid.
    bool upsert(const Target& target, QString* error = nullptr);
    // Renames by replacing oldName with target (which may carry a new name).
    bool replace(const QString& oldName, const Target& target, QString* error = nullptr);
    bool remove(const QString& name);

    // The stable id of a target (empty when there is no target of that name).
    QString idOf(const QString& name) const;
    std::optional<Target> findById(const QString& id) const;
    // Ids were generated at load (an older file): save() to keep them.
    bool idsAssigned() const { return m_idsAssigned; }

    QString lastWatched() const { return m_lastWatched; }
    void setLastWatched(const QString& name);

    // {"format": "bhiv-ops-targets", "version": 1, "targets": [...]}: no secrets.
    static QByteArray exportJson(const QList<Target>& targets);
    static std::optional<QList<Target>> importJson(const QByteArray& json, QString* error);

signals:
    void changed();

private:
    bool saveLocked(QString* error) const;

    QString m_path;
    QList<Target> m_targets;
    QStringList m_ids;                  // m_ids[i] is the id of m_targets[i]
    mutable bool m_idsAssigned = false; // cleared by a successful save()
    QString m_lastWatched;
    QString m_recoveryNotice;
};

} // namespace ops
