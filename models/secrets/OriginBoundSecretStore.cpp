#include "models/secrets/OriginBoundSecretStore.h"

#include "models/domain/Logging.h"

#include <QTimer>
#include <memory>

namespace ops {

namespace {

SecretResult originChanged(const QString& bound, const QString& expected)
{
    SecretResult result;
    result.error = SecretError::OriginChanged;
    result.errorText =
        QStringLiteral("entered for %1, the target now sends it to %2").arg(bound, expected);
    return result;
}

// Callers may pass no callback (a fire-and-forget remove): every path below calls done.
SecretStore::Callback orIgnore(SecretStore::Callback done)
{
    if (done)
        return done;
    return [](const SecretResult&) {};
}

SecretResult innerGone()
{
    return {SecretError::Other, QStringLiteral("the secret store is gone"), {}};
}

} // namespace

OriginBoundSecretStore::OriginBoundSecretStore(SecretStore* inner, OriginResolver resolver,
                                               QObject* parent)
    : SecretStore(parent)
    , m_inner(inner)
    , m_resolver(std::move(resolver))
{
}

// No inner store (it went first): say so, asynchronously as every store answers.
bool OriginBoundSecretStore::answeredWithoutInner(const Callback& done)
{
    if (m_inner)
        return false;
    QTimer::singleShot(0, this, [done] { done(innerGone()); });
    return true;
}

void OriginBoundSecretStore::read(const QString& key, Callback done)
{
    done = orIgnore(std::move(done));
    if (answeredWithoutInner(done))
        return;
    const QString expected = m_resolver ? m_resolver(key) : QString();
    QPointer<SecretStore> inner = m_inner;
    inner->read(key, [inner, key, expected, done](const SecretResult& value) {
        if (!value.ok() || expected.isEmpty() || !inner) {
            done(value);
            return;
        }
        inner->read(
            bindingKey(key), [inner, key, expected, value, done](const SecretResult& binding) {
                if (binding.ok()) {
                    const QString bound = QString::fromUtf8(binding.value);
                    if (bound == expected) {
                        done(value);
                    } else {
                        qCInfo(lcSecrets).noquote() << "not giving out" << key << ": bound to"
                                                    << bound << "but would go to" << expected;
                        done(originChanged(bound, expected));
                    }
                    return;
                }
                if (binding.error != SecretError::NotFound || !inner) {
                    done(binding);
                    return;
                }
                // Stored before bindings existed: bound now, to the origin it goes to now.
                qCInfo(lcSecrets).noquote() << "binding" << key << "to" << expected;
                inner->write(bindingKey(key), expected.toUtf8(),
                             [value, done](const SecretResult& written) {
                                 done(written.ok() ? value : written);
                             });
            });
    });
}

void OriginBoundSecretStore::write(const QString& key, const QByteArray& value, Callback done)
{
    writeFor(key, value, m_resolver ? m_resolver(key) : QString(), std::move(done));
}

void OriginBoundSecretStore::writeFor(const QString& key, const QByteArray& value,
                                      const QString& origin, Callback done)
{
    done = orIgnore(std::move(done));
    if (answeredWithoutInner(done))
        return;
    QPointer<SecretStore> inner = m_inner;
    inner->write(key, value, [inner, key, origin, done](const SecretResult& written) {
        if (!written.ok() || !inner) {
            done(written);
            return;
        }
        // An unknown origin (a target not saved yet) leaves the secret unbound until its
        // first read, which binds it to the target's origin then.
        const auto finish = [done](const SecretResult& r) { done(r); };
        if (origin.isEmpty())
            inner->remove(bindingKey(key), [done](const SecretResult&) { done({}); });
        else
            inner->write(bindingKey(key), origin.toUtf8(), finish);
    });
}

void OriginBoundSecretStore::remove(const QString& key, Callback done)
{
    done = orIgnore(std::move(done));
    if (answeredWithoutInner(done))
        return;
    QPointer<SecretStore> inner = m_inner;
    inner->remove(key, [inner, key, done](const SecretResult& removed) {
        if (!inner) {
            done(removed);
            return;
        }
        inner->remove(bindingKey(key), [removed, done](const SecretResult&) { done(removed); });
    });
}

void OriginBoundSecretStore::confirmOrigin(const QString& key, Callback done)
{
    done = orIgnore(std::move(done));
    if (answeredWithoutInner(done))
        return;
    const QString expected = m_resolver ? m_resolver(key) : QString();
    QPointer<SecretStore> inner = m_inner;
    inner->read(key, [inner, key, expected, done](const SecretResult& value) {
        if (!value.ok() || !inner) {
            done({value.error, value.errorText, {}});
            return;
        }
        if (expected.isEmpty()) {
            done({});
            return;
        }
        qCInfo(lcSecrets).noquote() << "operator confirmed" << key << "for" << expected;
        inner->write(bindingKey(key), expected.toUtf8(), done);
    });
}

void OriginBoundSecretStore::bindIfUnbound(const QString& key, const QString& origin, Callback done)
{
    done = orIgnore(std::move(done));
    if (answeredWithoutInner(done))
        return;
    QPointer<SecretStore> inner = m_inner;
    inner->read(bindingKey(key), [inner, key, origin, done](const SecretResult& binding) {
        if (binding.ok() || binding.error != SecretError::NotFound || origin.isEmpty() || !inner) {
            done(binding.ok() ? SecretResult{} : binding);
            return;
        }
        inner->read(key, [inner, key, origin, done](const SecretResult& value) {
            if (value.error == SecretError::NotFound || !inner) {
                done({});
                return;
            }
            if (!value.ok()) {
                done({value.error, value.errorText, {}});
                return;
            }
            inner->write(bindingKey(key), origin.toUtf8(), done);
        });
    });
}

void OriginBoundSecretStore::readBinding(const QString& key, Callback done)
{
    done = orIgnore(std::move(done));
    if (answeredWithoutInner(done))
        return;
    m_inner->read(bindingKey(key), std::move(done));
}

void writeSecretFor(SecretStore* store, const QString& key, const QByteArray& value,
                    const QString& origin, SecretStore::Callback done)
{
    if (auto* bound = qobject_cast<OriginBoundSecretStore*>(store))
        bound->writeFor(key, value, origin, std::move(done));
    else
        store->write(key, value, std::move(done));
}

void bindSecretsBeforeChange(SecretStore* store, const Target& target, std::function<void()> done)
{
    auto* bound = qobject_cast<OriginBoundSecretStore*>(store);
    const QList<SecretSlot> slotList = secretSlotsOf(target);
    if (!bound || slotList.isEmpty()) {
        QTimer::singleShot(0, store, [done] { done(); });
        return;
    }
    auto remaining = std::make_shared<qsizetype>(slotList.size());
    for (const SecretSlot& slot : slotList) {
        bound->bindIfUnbound(slot.key, slot.origin, [remaining, done](const SecretResult&) {
            if (--*remaining == 0)
                done();
        });
    }
}

SecretResult confirmOriginSync(OriginBoundSecretStore& store, const QString& key, int timeoutMs)
{
    return runSecretSync(
        [&](SecretStore::Callback done) { store.confirmOrigin(key, std::move(done)); }, timeoutMs);
}

SecretResult bindIfUnboundSync(OriginBoundSecretStore& store, const QString& key,
                               const QString& origin, int timeoutMs)
{
    return runSecretSync(
        [&](SecretStore::Callback done) { store.bindIfUnbound(key, origin, std::move(done)); },
        timeoutMs);
}

} // namespace ops
