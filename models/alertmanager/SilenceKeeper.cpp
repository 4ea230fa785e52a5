#include "models/alertmanager/SilenceKeeper.h"

#include "models/domain/Clock.h"
#include "models/domain/Logging.h"

#include <algorithm>

namespace ops {

namespace {

// The silence's matchers for an alert's labels: each one equal, not a regex, sorted by name.
QList<AmMatcher> matchersFor(const QMap<QString, QString>& labels)
{
    QList<AmMatcher> out;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        out.append({it.key(), it.value(), false, true});
    return out;
}

bool sameMatchers(QList<AmMatcher> a, const QList<AmMatcher>& sortedB)
{
    std::sort(a.begin(), a.end(), [](const AmMatcher& x, const AmMatcher& y) {
        return std::tie(x.name, x.value) < std::tie(y.name, y.value);
    });
    return a == sortedB;
}

} // namespace

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
    if (labels.isEmpty())
        return;
    const auto found = m_kept.find(key);
    if (found != m_kept.end()) {
        // A new episode acknowledged while the resolved one's silence runs out: keep it going,
        // under the new acknowledgement (Alertmanager updates createdBy and comment in place).
        if (!found->firing) {
            found->firing = true;
            found->createdBy = createdBy;
            found->comment = comment;
            if (!found->busy && !found->silenceId.isEmpty())
                put(key, true);
        }
        return;
    }
    track(key, labels, createdBy, comment);
    put(key, false);
}

void SilenceKeeper::adopt(const QString& key, const QMap<QString, QString>& labels,
                          const QString& createdBy, const QString& comment)
{
    if (m_kept.contains(key) || labels.isEmpty())
        return;
    track(key, labels, createdBy, comment).lookup = true;
    lookUp(key);
}

SilenceKeeper::Kept& SilenceKeeper::track(const QString& key, const QMap<QString, QString>& labels,
                                          const QString& createdBy, const QString& comment)
{
    Kept k;
    k.key = key;
    k.labels = labels;
    k.createdBy = createdBy;
    k.comment = comment;
    return *m_kept.insert(key, k);
}

void SilenceKeeper::lookUp(const QString& key)
{
    m_kept[key].busy = true;
    m_client->silences([this, key](const AmResult& r) {
        const auto it = m_kept.find(key);
        if (it == m_kept.end())
            return; // released meanwhile: nothing was created
        it->busy = false;
        if (!r.ok) {
            it->error = r.error; // tick() looks again
            emit failed(key, r.error);
            return;
        }
        it->lookup = false;
        const QList<AmMatcher> wanted = matchersFor(it->labels);
        const AmSilence* best = nullptr;
        for (const AmSilence& s : r.silences) {
            if (s.state == u"active" && s.createdBy == it->createdBy && s.comment == it->comment &&
                sameMatchers(s.matchers, wanted) && (!best || s.endsAtMs > best->endsAtMs))
                best = &s;
        }
        if (!best) {
            put(key, false);
            return;
        }
        it->error.clear();
        it->silenceId = best->id;
        it->matchers = best->matchers;
        it->startsAtMs = best->startsAtMs;
        it->endsAtMs = best->endsAtMs;
        emit silenceReused(key, best->id);
    });
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
        if (k.silenceId.isEmpty() && k.lookup) // the look-up failed: look again
            lookUp(k.key);
        else if (k.silenceId.isEmpty()) // the creation failed: try again
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
    silence.matchers = extension && !k.matchers.isEmpty() ? k.matchers : matchersFor(k.labels);
    // The startsAt Alertmanager stored: anything else makes it replace the silence (new id).
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
        if (!r.ok) {
            it->busy = false;
            it->error = r.error;
            emit failed(key, r.error);
            return;
        }
        it->error.clear();
        it->endsAtMs = silence.endsAtMs;
        if (extension && r.silenceId == silence.id) { // updated in place
            it->busy = false;
            emit silenceExtended(key, r.silenceId, silence.endsAtMs);
            return;
        }
        if (extension)
            qCInfo(lcNet) << "alertmanager replaced silence" << silence.id << "by" << r.silenceId;
        // A new silence (created, or a replacement): read back the startsAt it stored.
        it->silenceId = r.silenceId;
        it->matchers = silence.matchers;
        it->startsAtMs = silence.startsAtMs;
        const QString id = r.silenceId;
        m_client->silence(id, [this, key, extension, id](const AmResult& g) {
            const auto it = m_kept.find(key);
            if (it == m_kept.end() || it->silenceId != id)
                return; // released meanwhile (release() expired it)
            it->busy = false;
            if (g.ok && !g.silences.isEmpty()) {
                it->startsAtMs = g.silences.first().startsAtMs;
                it->matchers = g.silences.first().matchers;
                it->endsAtMs = g.silences.first().endsAtMs;
            } else {
                // The next extension will likely replace it (new id), which still works.
                qCWarning(lcNet) << "alertmanager silence" << id << "not read back:" << g.error;
            }
            if (extension)
                emit silenceExtended(key, id, it->endsAtMs);
            else
                emit silenceCreated(key, id);
        });
    });
}

} // namespace ops
