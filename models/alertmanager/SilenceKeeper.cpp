#include "alertmanager/SilenceKeeper.h"

#include "domain/Clock.h"

namespace ops {

SilenceKeeper::SilenceKeeper(AlertmanagerClient* client, const Clock* clock, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_clock(clock)
{
}

void SilenceKeeper::setLease(qint64 leaseMs, qint64 renewBeforeMs)
{
    m_leaseMs = qMax<qint64>(1000, leaseMs);
    m_renewBeforeMs = qBound<qint64>(0, renewBeforeMs, m_leaseMs - 1);
}

void SilenceKeeper::acknowledge(const QString& key, const QMap<QString, QString>& labels,
                                const QString& createdBy, const QString& comment)
{
    if (m_kept.contains(key) || labels.isEmpty())
        return;
    Kept k;
    k.key = key;
    k.labels = labels;
    k.createdBy = createdBy;
    k.comment = comment;
    m_kept.insert(key, k);
    put(key, false);
}

void SilenceKeeper::setFiring(const QString& key, bool firing)
{
    auto it = m_kept.find(key);
    if (it != m_kept.end())
        it->firing = firing;
}

void SilenceKeeper::release(const QString& key)
{
    const auto it = m_kept.find(key);
    if (it == m_kept.end())
        return;
    const QString id = it->silenceId;
    m_kept.erase(it);
    if (id.isEmpty())
        return;
    m_client->expireSilence(id, [this, key, id](const AmResult& r) {
        if (!r.ok && r.httpStatus != 404) {
            emit failed(key, r.error);
            return;
        }
        emit silenceExpired(key, id);
    });
}

void SilenceKeeper::tick()
{
    const qint64 now = m_clock->nowMs();
    for (auto it = m_kept.begin(); it != m_kept.end();) {
        Kept& k = *it;
        if (!k.firing && !k.busy && now >= k.endsAtMs) {
            const QString key = k.key;
            const QString id = k.silenceId;
            it = m_kept.erase(it);
            emit silenceExpired(key, id);
            continue;
        }
        if (k.busy) {
            ++it;
            continue;
        }
        if (k.silenceId.isEmpty()) // the creation failed: try again
            put(k.key, false);
        else if (k.firing && k.endsAtMs - now <= m_renewBeforeMs)
            put(k.key, true);
        ++it;
    }
}

std::optional<SilenceKeeper::Kept> SilenceKeeper::kept(const QString& key) const
{
    const auto it = m_kept.constFind(key);
    if (it == m_kept.cend())
        return std::nullopt;
    return *it;
}

void SilenceKeeper::put(const QString& key, bool extension)
{
    Kept& k = m_kept[key];
    const qint64 now = m_clock->nowMs();
    AmSilence silence;
    silence.id = extension ? k.silenceId : QString();
    for (auto it = k.labels.cbegin(); it != k.labels.cend(); ++it)
        silence.matchers.append({it.key(), it.value(), false, true});
    silence.startsAtMs = extension && k.startsAtMs > 0 ? k.startsAtMs : now;
    silence.endsAtMs = now + m_leaseMs;
    silence.createdBy = k.createdBy;
    silence.comment = k.comment;
    k.busy = true;
    m_client->putSilence(silence, [this, key, extension, silence](const AmResult& r) {
        const auto it = m_kept.find(key);
        if (it == m_kept.end()) { // released meanwhile: do not leave a silence behind
            if (r.ok)
                m_client->expireSilence(r.silenceId, [](const AmResult&) {});
            return;
        }
        it->busy = false;
        if (!r.ok) {
            it->error = r.error;
            emit failed(key, r.error);
            return;
        }
        it->error.clear();
        it->silenceId = r.silenceId;
        if (!extension)
            it->startsAtMs = silence.startsAtMs;
        it->endsAtMs = silence.endsAtMs;
        if (extension)
            emit silenceExtended(key, r.silenceId, silence.endsAtMs);
        else
            emit silenceCreated(key, r.silenceId);
    });
}

} // namespace ops
