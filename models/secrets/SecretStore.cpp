#include "models/secrets/SecretStore.h"

#include <QEventLoop>
#include <QPointer>
#include <QTimer>
#include <memory>
#include <optional>

namespace ops {

QString secretErrorMessage(SecretError error)
{
    switch (error) {
    case SecretError::None:
        return QObject::tr("stored in the keychain");
    case SecretError::NotFound:
        return QObject::tr("no key stored in the keychain");
    case SecretError::NoBackend:
        return QObject::tr("no keychain backend: no Secret Service (GNOME Keyring, KWallet) is "
                           "running in this session. Start one (e.g. log in to a desktop session "
                           "or run gnome-keyring-daemon), or use a key for this session only.");
    case SecretError::Locked:
        return QObject::tr("the keychain is locked: unlock it (e.g. in Passwords and Keys) and "
                           "try again, or use a key for this session only.");
    case SecretError::AccessDenied:
        return QObject::tr("the keychain denied access: allow BHIV Ops Console in the keychain "
                           "prompt and try again, or use a key for this session only.");
    case SecretError::Other:
        return QObject::tr("the keychain failed");
    case SecretError::OriginChanged:
        return QObject::tr("the secret was entered for another address than the target has now, "
                           "so it is not sent: confirm the new address or enter the secret "
                           "again.");
    }
    return {};
}

QString secretErrorName(SecretError error)
{
    switch (error) {
    case SecretError::None:
        return QStringLiteral("ok");
    case SecretError::NotFound:
        return QStringLiteral("not_found");
    case SecretError::NoBackend:
        return QStringLiteral("no_backend");
    case SecretError::Locked:
        return QStringLiteral("locked");
    case SecretError::AccessDenied:
        return QStringLiteral("access_denied");
    case SecretError::Other:
        return QStringLiteral("error");
    case SecretError::OriginChanged:
        return QStringLiteral("origin_changed");
    }
    return {};
}

SecretResult runSecretSync(const std::function<void(SecretStore::Callback)>& start, int timeoutMs)
{
    QEventLoop loop;
    auto result = std::make_shared<std::optional<SecretResult>>();
    // The callback may outlive this frame on a timeout: it only touches the shared result.
    QPointer<QEventLoop> guard(&loop);
    start([result, guard](const SecretResult& r) {
        *result = r;
        if (guard)
            guard->quit();
    });
    if (!result->has_value()) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!result->has_value())
        return {SecretError::Other, QStringLiteral("the keychain did not answer in time"), {}};
    return **result;
}

SecretResult readSecretSync(SecretStore& store, const QString& key, int timeoutMs)
{
    return runSecretSync([&](SecretStore::Callback done) { store.read(key, std::move(done)); },
                         timeoutMs);
}

SecretResult writeSecretSync(SecretStore& store, const QString& key, const QByteArray& value,
                             int timeoutMs)
{
    return runSecretSync(
        [&](SecretStore::Callback done) { store.write(key, value, std::move(done)); }, timeoutMs);
}

SecretResult removeSecretSync(SecretStore& store, const QString& key, int timeoutMs)
{
    return runSecretSync([&](SecretStore::Callback done) { store.remove(key, std::move(done)); },
                         timeoutMs);
}

} // namespace ops
