#pragma once

#include "models/alertmanager/AlertmanagerClient.h"

#include <QHash>
#include <QObject>
#include <optional>

namespace ops {

class Clock;

// Acknowledge-until-resolved as Alertmanager silences. An acknowledgement creates a silence on
// the alert's labels (createdBy, comment) that ends one lease after now; while the alert still
// fires, tick() extends it before it runs out; once the alert resolves it is left to expire at
// its endsAt; release() (unacknowledge) expires it at once. Time comes from the injected Clock.
//
// Extensions update the silence in place (same id): Alertmanager only does so for an active
// silence when the matchers and startsAt are exactly those it stored, and it stores "now" (its
// clock) in place of a startsAt in the past. So after creating a silence the keeper reads it back
// (GET /api/v2/silence/{id}) and re-sends that startsAt, with the matchers in the order it holds
// them (compared as a list). Should Alertmanager still replace it
// (a new id, the old one expired), the keeper follows the new id.
//
// adopt() is for acknowledgements the console already held (restored after a restart): it
// reuses an active silence with the same matchers, createdBy and comment when Alertmanager has
// one, and creates one only when it has none.
class SilenceKeeper : public QObject {
    Q_OBJECT
public:
    struct Kept {
        QString key;
        QMap<QString, QString> labels;
        QString createdBy;
        QString comment;
        QString silenceId; // empty until Alertmanager answered
        // The matchers as Alertmanager holds them (their order counts for an update in
        // place); empty until read: the labels' matchers, sorted by name.
        QList<AmMatcher> matchers;
        qint64 startsAtMs = 0;
        qint64 endsAtMs = 0;
        bool firing = true;
        bool busy = false;
        bool lookup = false; // adopted: look for an existing silence before creating one
        QString error;       // the last failure, "" after a success
    };
    // Starts keeping a silence for key (not yet asked for).
    Kept& track(const QString& key, const QMap<QString, QString>& labels, const QString& createdBy,
                const QString& comment);

    SilenceKeeper(AlertmanagerClient* client, const Clock* clock, QObject* parent = nullptr);

    // Length of a silence (and of each extension) and how long before its end it is extended.
    void setLease(qint64 leaseMs, qint64 renewBeforeMs);
    qint64 leaseMs() const { return m_leaseMs; }

    // Creates the silence (once per key: a second ack of a kept key changes nothing while the
    // alert fires; an ack of a new episode while the resolved one's silence runs out takes that
    // silence over, with the new createdBy and comment).
    void acknowledge(const QString& key, const QMap<QString, QString>& labels,
                     const QString& createdBy, const QString& comment);
    // An acknowledgement held from before (a restart): reuses Alertmanager's active silence with
    // these matchers, createdBy and comment if there is one (GET /api/v2/silences), else creates
    // one. Nothing when the key is kept already.
    void adopt(const QString& key, const QMap<QString, QString>& labels, const QString& createdBy,
               const QString& comment);
    // Whether the acknowledged alert still fires: false stops the extensions.
    void setFiring(const QString& key, bool firing);
    // Unacknowledge: expires the silence now and forgets the key.
    void release(const QString& key);
    // Extends the silences of alerts that still fire; forgets resolved ones past their end.
    void tick();

    std::optional<Kept> kept(const QString& key) const;
    QStringList keys() const { return m_kept.keys(); }

signals:
    void silenceCreated(const QString& key, const QString& silenceId);
    // adopt() found the silence already in Alertmanager.
    void silenceReused(const QString& key, const QString& silenceId);
    void silenceExtended(const QString& key, const QString& silenceId, qint64 endsAtMs);
    void silenceExpired(const QString& key, const QString& silenceId);
    void failed(const QString& key, const QString& error);

private:
    void put(const QString& key, bool extension);
    void lookUp(const QString& key);

    AlertmanagerClient* m_client;
    const Clock* m_clock;
    qint64 m_leaseMs = 15 * 60'000;
    qint64 m_renewBeforeMs = 5 * 60'000;
    QHash<QString, Kept> m_kept;
};

} // namespace ops
