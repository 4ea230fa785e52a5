#include "models/targets/TargetStore.h"

#include "models/storage/CorruptFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

namespace ops {

namespace {

const QString kFormat = QStringLiteral("bhiv-ops-targets");

QJsonArray toArray(const QList<Target>& targets, const QStringList& ids = {})
{
    QJsonArray array;
    for (qsizetype i = 0; i < targets.size(); ++i) {
        QJsonObject object = targets.at(i).toJson();
        if (i < ids.size())
            object.insert(QStringLiteral("id"), ids.at(i));
        array.append(object);
    }
    return array;
}

QString newTargetId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

std::optional<QList<Target>> fromArray(const QJsonArray& array, QString* error)
{
    QList<Target> targets;
    for (const QJsonValue& value : array) {
        const auto target = Target::fromJson(value.toObject(), error);
        if (!target)
            return std::nullopt;
        for (const Target& other : targets) {
            if (other.name == target->name) {
                if (error)
                    *error = QStringLiteral("target %1 appears twice").arg(target->name);
                return std::nullopt;
            }
        }
        targets.append(*target);
    }
    return targets;
}

// A file written before user info was refused may hold "https://user:pass@host": drop that part
// (it is refused everywhere else) rather than refuse the whole file. *names gets the targets.
QJsonArray withoutUserInfo(const QJsonArray& array, QStringList* names)
{
    const auto clean = [](QJsonObject& object, const QString& field) {
        const QString text = object.value(field).toString();
        if (text.isEmpty())
            return false;
        const QUrl url(text);
        if (!hasUserInfo(url))
            return false;
        object.insert(field, displayUrl(url));
        return true;
    };
    QJsonArray out;
    for (const QJsonValue& value : array) {
        QJsonObject target = value.toObject();
        bool changed = clean(target, QStringLiteral("url"));
        for (const QString& part :
             {QStringLiteral("data_source"), QStringLiteral("alertmanager")}) {
            QJsonObject inner = target.value(part).toObject();
            if (clean(inner, QStringLiteral("url"))) {
                target.insert(part, inner);
                changed = true;
            }
        }
        QJsonArray services = target.value(QStringLiteral("services")).toArray();
        bool servicesChanged = false;
        for (qsizetype i = 0; i < services.size(); ++i) {
            QJsonObject service = services.at(i).toObject();
            if (clean(service, QStringLiteral("api_base_url"))) {
                services.replace(i, service);
                servicesChanged = true;
            }
        }
        if (servicesChanged)
            target.insert(QStringLiteral("services"), services);
        if (changed || servicesChanged)
            names->append(target.value(QStringLiteral("name")).toString());
        out.append(value.isObject() ? QJsonValue(target) : value);
    }
    return out;
}

} // namespace

TargetStore::TargetStore(QString path, QObject* parent)
    : QObject(parent)
    , m_path(std::move(path))
{
}

QString TargetStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/targets.json");
}

QStringList TargetStore::names() const
{
    QStringList names;
    for (const Target& target : m_targets)
        names << target.name;
    return names;
}

bool TargetStore::load(QString* error)
{
    m_targets.clear();
    m_ids.clear();
    m_idsAssigned = false;
    m_lastWatched.clear();
    m_recoveryNotice.clear();
    QFile file(m_path);
    if (!file.exists()) {
        emit changed();
        return true;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString());
        return false;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    file.close();
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        // A damaged file (a crash of another writer, a disk error, a bad edit) is set aside and
        // the store starts empty: the console keeps working and says what happened.
        const QString why = parseError.error != QJsonParseError::NoError
                                ? QStringLiteral("%1 at offset %2")
                                      .arg(parseError.errorString())
                                      .arg(parseError.offset)
                                : QStringLiteral("not a JSON object");
        const SetAside moved = setAsideCorruptFile(m_path, QStringLiteral("The targets file"), why);
        if (!moved.ok) {
            if (error)
                *error = moved.error;
            return false;
        }
        m_recoveryNotice = moved.notice;
        emit changed();
        return true;
    }
    const QJsonObject root = document.object();
    const QJsonValue list = root.value(QStringLiteral("targets"));
    if (!list.isUndefined() && !list.isNull() && !list.isArray()) {
        // Loaded as empty, the next save would erase what it holds: set it aside instead.
        const SetAside moved = setAsideCorruptFile(m_path, QStringLiteral("The targets file"),
                                                   QStringLiteral("\"targets\" is not a list"));
        if (!moved.ok) {
            if (error)
                *error = moved.error;
            return false;
        }
        m_recoveryNotice = moved.notice;
        emit changed();
        return true;
    }
    QStringList stripped;
    const QJsonArray array = withoutUserInfo(list.toArray(), &stripped);
    const auto targets = fromArray(array, error);
    if (!targets)
        return false;
    if (!stripped.isEmpty())
        m_recoveryNotice = QStringLiteral("The targets file held a user name or password in the "
                                          "URL of %1; it was dropped (keep credentials in the "
                                          "keychain).")
                               .arg(stripped.join(QStringLiteral(", ")));
    m_targets = *targets;
    // Stable ids: kept from the file; missing (an older file) or repeated ones are new.
    const QJsonArray objects = root.value(QStringLiteral("targets")).toArray();
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        QString id = objects.at(i).toObject().value(QStringLiteral("id")).toString().trimmed();
        if (id.isEmpty() || m_ids.contains(id)) {
            id = newTargetId();
            m_idsAssigned = true;
        }
        m_ids << id;
    }
    m_lastWatched = root.value(QStringLiteral("last_watched")).toString();
    emit changed();
    return true;
}

bool TargetStore::save(QString* error) const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(30 * 1000);
    if (!lock.tryLock(10 * 1000)) {
        if (error)
            *error =
                QStringLiteral("%1 is being changed by another bhiv-ops; try again").arg(m_path);
        return false;
    }
    return saveLocked(error);
}

bool TargetStore::saveLocked(QString* error) const
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    const QJsonObject root{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), 1},
        {QStringLiteral("last_watched"), m_lastWatched},
        {QStringLiteral("targets"), toArray(m_targets, m_ids)},
    };
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_idsAssigned = false;
    return true;
}

bool TargetStore::update(const std::function<bool(TargetStore&, QString*)>& change, QString* error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QLockFile lock(m_path + QStringLiteral(".lock"));
    // A writer holds it for milliseconds; a lock older than this is from a crashed process.
    lock.setStaleLockTime(30 * 1000);
    if (!lock.tryLock(10 * 1000)) {
        if (error) {
            *error = lock.error() == QLockFile::LockFailedError
                         ? QStringLiteral("%1 is being changed by another bhiv-ops; try again")
                               .arg(m_path)
                         : QStringLiteral("cannot lock %1.lock").arg(m_path);
        }
        return false;
    }
    if (!load(error))
        return false;
    if (!change(*this, error))
        return false;
    return saveLocked(error);
}

std::optional<Target> TargetStore::find(const QString& name) const
{
    for (const Target& target : m_targets) {
        if (target.name == name)
            return target;
    }
    return std::nullopt;
}

bool TargetStore::upsert(const Target& target, QString* error)
{
    return replace(target.name, target, error);
}

bool TargetStore::replace(const QString& oldName, const Target& target, QString* error)
{
    const QString why = target.validationError();
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    if (oldName != target.name && find(target.name)) {
        if (error)
            *error = QStringLiteral("a target named %1 exists already").arg(target.name);
        return false;
    }
    for (Target& existing : m_targets) {
        if (existing.name == oldName) {
            existing = target; // a rename keeps the id
            if (m_lastWatched == oldName)
                m_lastWatched = target.name;
            emit changed();
            return true;
        }
    }
    m_targets.append(target);
    m_ids.append(newTargetId());
    emit changed();
    return true;
}

bool TargetStore::remove(const QString& name)
{
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        if (m_targets.at(i).name == name) {
            m_targets.removeAt(i);
            m_ids.removeAt(i);
            if (m_lastWatched == name)
                m_lastWatched.clear();
            emit changed();
            return true;
        }
    }
    return false;
}

QString TargetStore::idOf(const QString& name) const
{
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        if (m_targets.at(i).name == name)
            return m_ids.value(i);
    }
    return {};
}

std::optional<Target> TargetStore::findById(const QString& id) const
{
    const qsizetype index = m_ids.indexOf(id);
    if (id.isEmpty() || index < 0)
        return std::nullopt;
    return m_targets.at(index);
}

void TargetStore::setLastWatched(const QString& name)
{
    m_lastWatched = name;
}

QByteArray TargetStore::exportJson(const QList<Target>& targets)
{
    const QJsonObject root{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), 1},
        {QStringLiteral("targets"), toArray(targets)},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<QList<Target>> TargetStore::importJson(const QByteArray& json, QString* error)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject() ||
        document.object().value(QStringLiteral("format")).toString() != kFormat) {
        if (error)
            *error = QStringLiteral("not a bhiv-ops targets export");
        return std::nullopt;
    }
    return fromArray(document.object().value(QStringLiteral("targets")).toArray(), error);
}

} // namespace ops
