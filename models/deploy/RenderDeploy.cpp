#include "models/deploy/RenderDeploy.h"

#include <QCoreApplication>
#include <QJsonValue>

namespace ops {

namespace {

QDateTime parseTime(const QJsonValue& v)
{
    if (!v.isString()) {
        return {};
    }
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

QJsonValue timeJson(const QDateTime& t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

} // namespace

bool RenderDeploy::isFinished() const
{
    static const QStringList finished{
        QStringLiteral("live"),          QStringLiteral("build_failed"),
        QStringLiteral("update_failed"), QStringLiteral("pre_deploy_failed"),
        QStringLiteral("canceled"),      QStringLiteral("deactivated")};
    return finished.contains(status);
}

bool RenderDeploy::isFailure() const
{
    return isFinished() && status != QLatin1String("live") &&
           status != QLatin1String("deactivated");
}

QString RenderDeploy::statusText() const
{
    struct Word {
        const char* status;
        const char* text;
    };
    static const Word words[] = {
        {"created", QT_TRANSLATE_NOOP("ops::RenderDeploy", "created")},
        {"queued", QT_TRANSLATE_NOOP("ops::RenderDeploy", "queued")},
        {"build_in_progress", QT_TRANSLATE_NOOP("ops::RenderDeploy", "building")},
        {"build_failed", QT_TRANSLATE_NOOP("ops::RenderDeploy", "build failed")},
        {"pre_deploy_in_progress", QT_TRANSLATE_NOOP("ops::RenderDeploy", "running pre-deploy")},
        {"pre_deploy_failed", QT_TRANSLATE_NOOP("ops::RenderDeploy", "pre-deploy failed")},
        {"update_in_progress", QT_TRANSLATE_NOOP("ops::RenderDeploy", "updating instances")},
        {"update_failed", QT_TRANSLATE_NOOP("ops::RenderDeploy", "update failed")},
        {"live", QT_TRANSLATE_NOOP("ops::RenderDeploy", "live")},
        {"deactivated", QT_TRANSLATE_NOOP("ops::RenderDeploy", "deactivated (replaced)")},
        {"canceled", QT_TRANSLATE_NOOP("ops::RenderDeploy", "cancelled")},
    };
    for (const Word& w : words) {
        if (status == QLatin1String(w.status)) {
            return QCoreApplication::translate("ops::RenderDeploy", w.text);
        }
    }
    return status;
}

std::optional<RenderDeploy> RenderDeploy::fromJson(const QJsonObject& object)
{
    const QJsonObject o = object.value(QStringLiteral("deploy")).isObject()
                              ? object.value(QStringLiteral("deploy")).toObject()
                              : object;
    RenderDeploy d;
    d.id = o.value(QStringLiteral("id")).toString();
    if (d.id.isEmpty()) {
        return std::nullopt;
    }
    const QJsonObject commit = o.value(QStringLiteral("commit")).toObject();
    d.commitId = commit.value(QStringLiteral("id")).toString();
    d.commitMessage = commit.value(QStringLiteral("message")).toString();
    d.status = o.value(QStringLiteral("status")).toString();
    d.trigger = o.value(QStringLiteral("trigger")).toString();
    d.createdAt = parseTime(o.value(QStringLiteral("createdAt")));
    d.startedAt = parseTime(o.value(QStringLiteral("startedAt")));
    d.finishedAt = parseTime(o.value(QStringLiteral("finishedAt")));
    d.updatedAt = parseTime(o.value(QStringLiteral("updatedAt")));
    return d;
}

QJsonObject RenderDeploy::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("commit"),
         QJsonObject{{QStringLiteral("id"), commitId}, {QStringLiteral("message"), commitMessage}}},
        {QStringLiteral("status"), status},
        {QStringLiteral("trigger"), trigger},
        {QStringLiteral("createdAt"), timeJson(createdAt)},
        {QStringLiteral("startedAt"), timeJson(startedAt)},
        {QStringLiteral("finishedAt"), timeJson(finishedAt)},
        {QStringLiteral("updatedAt"), timeJson(updatedAt)},
    };
}

std::optional<RenderServiceInfo> RenderServiceInfo::fromJson(const QJsonObject& object)
{
    const QJsonObject o = object.value(QStringLiteral("service")).isObject()
                              ? object.value(QStringLiteral("service")).toObject()
                              : object;
    RenderServiceInfo s;
    s.id = o.value(QStringLiteral("id")).toString();
    if (s.id.isEmpty()) {
        return std::nullopt;
    }
    s.name = o.value(QStringLiteral("name")).toString();
    s.branch = o.value(QStringLiteral("branch")).toString();
    s.autoDeploy = o.value(QStringLiteral("autoDeploy")).toString();
    s.url = o.value(QStringLiteral("serviceDetails"))
                .toObject()
                .value(QStringLiteral("url"))
                .toString();
    return s;
}

} // namespace ops
