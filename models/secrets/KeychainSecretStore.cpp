#include "models/secrets/KeychainSecretStore.h"

#include "models/domain/Logging.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <qt6keychain/keychain.h>

namespace ops {

namespace {

// libsecret answers a lookup in a locked keychain that cannot be unlocked (no prompt) with "not
// found". Asks the Secret Service whether its default collection is locked, so that the
// operator hears "locked" instead of "no key stored". A short, local D-Bus call.
bool defaultCollectionLocked()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    const QString service = QStringLiteral("org.freedesktop.secrets");
    QDBusMessage alias = QDBusMessage::createMethodCall(
        service, QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("ReadAlias"));
    alias << QStringLiteral("default");
    const QDBusMessage aliasReply = bus.call(alias, QDBus::Block, 1000);
    if (aliasReply.type() != QDBusMessage::ReplyMessage || aliasReply.arguments().isEmpty())
        return false;
    const QString path = qdbus_cast<QDBusObjectPath>(aliasReply.arguments().constFirst()).path();
    if (path.isEmpty() || path == u"/")
        return false;
    QDBusMessage locked = QDBusMessage::createMethodCall(
        service, path, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    locked << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    const QDBusMessage lockedReply = bus.call(locked, QDBus::Block, 1000);
    if (lockedReply.type() != QDBusMessage::ReplyMessage || lockedReply.arguments().isEmpty())
        return false;
    return qdbus_cast<QDBusVariant>(lockedReply.arguments().constFirst()).variant().toBool();
}

// QtKeychain's error, and its words, to ours. libsecret reports a locked collection and a
// dismissed unlock prompt as AccessDenied / OtherError with a message: look at the words too.
SecretResult resultOf(const QKeychain::Job& job)
{
    SecretResult result;
    result.errorText = job.errorString();
    const QString words = job.errorString().toLower();
    switch (job.error()) {
    case QKeychain::NoError:
        result.errorText.clear();
        return result;
    case QKeychain::EntryNotFound:
        result.error = SecretError::NotFound;
        return result;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        result.error = SecretError::NoBackend;
        return result;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        result.error =
            words.contains(QLatin1String("lock")) ? SecretError::Locked : SecretError::AccessDenied;
        return result;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        break;
    }
    if (words.contains(QLatin1String("lock")))
        result.error = SecretError::Locked;
    else if (words.contains(QLatin1String("org.freedesktop.secrets")) ||
             words.contains(QLatin1String("secret service")) ||
             words.contains(QLatin1String("no such interface")) ||
             words.contains(QLatin1String("serviceunknown")) ||
             words.contains(QLatin1String("not provided by any .service")) ||
             words.contains(QLatin1String("cannot autolaunch")) ||
             words.contains(QLatin1String("unable to autolaunch")) ||
             words.contains(QLatin1String("could not connect")))
        result.error = SecretError::NoBackend;
    else
        result.error = SecretError::Other;
    return result;
}

// No parent: a job still waiting on libsecret when its store goes must not be deleted under
// it (libsecret's reply would call into a deleted job). It deletes itself when it finishes; the
// store's connections use the store as context, so a gone store is simply not called.
template <typename Job> Job* makeJob(KeychainSecretStore*, const QString& key)
{
    auto* job = new Job(QString::fromLatin1(KeychainSecretStore::kService), nullptr);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(key);
    return job;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject* parent)
    : SecretStore(parent)
{
}

void KeychainSecretStore::read(const QString& key, Callback done)
{
    auto* job = makeJob<QKeychain::ReadPasswordJob>(this, key);
    connect(job, &QKeychain::Job::finished, this, [key, done = std::move(done)](QKeychain::Job* j) {
        SecretResult result = resultOf(*j);
        if (result.ok())
            result.value = static_cast<QKeychain::ReadPasswordJob*>(j)->binaryData();
        else if (result.error == SecretError::NotFound && defaultCollectionLocked())
            result.error = SecretError::Locked;
        qCDebug(lcSecrets) << "read" << key << secretErrorName(result.error);
        if (!result.ok() && result.error != SecretError::NotFound)
            qCWarning(lcSecrets) << "cannot read" << key << ":" << result.errorText;
        if (done)
            done(result);
    });
    job->start();
}

void KeychainSecretStore::write(const QString& key, const QByteArray& value, Callback done)
{
    auto* job = makeJob<QKeychain::WritePasswordJob>(this, key);
    job->setBinaryData(value);
    connect(job, &QKeychain::Job::finished, this, [key, done = std::move(done)](QKeychain::Job* j) {
        const SecretResult result = resultOf(*j);
        qCDebug(lcSecrets) << "write" << key << secretErrorName(result.error);
        if (!result.ok())
            qCWarning(lcSecrets) << "cannot write" << key << ":" << result.errorText;
        if (done)
            done(result);
    });
    job->start();
}

void KeychainSecretStore::remove(const QString& key, Callback done)
{
    auto* job = makeJob<QKeychain::DeletePasswordJob>(this, key);
    connect(job, &QKeychain::Job::finished, this, [key, done = std::move(done)](QKeychain::Job* j) {
        SecretResult result = resultOf(*j);
        // Removing what is not there is fine.
        if (result.error == SecretError::NotFound)
            result = {};
        qCDebug(lcSecrets) << "remove" << key << secretErrorName(result.error);
        if (done)
            done(result);
    });
    job->start();
}

} // namespace ops
