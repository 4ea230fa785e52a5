#pragma once

#include "models/net/ApiResult.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace ops {

// One Render deploy as the REST API describes it.
struct RenderDeploy {
    QString id; // dep-...
    QString commitId;
    QString commitMessage;
    QString status; // created, queued, build_in_progress, ..., live, deactivated, canceled
    QString trigger;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QDateTime updatedAt;

    // live, build_failed, update_failed, pre_deploy_failed, canceled, deactivated.
    bool isFinished() const;
    bool isLive() const { return status == QLatin1String("live"); }
    // A finished deploy that did not go live (deactivated counts as having been live).
    bool isFailure() const;
    // The first 7 characters of the commit, as Render shows it.
    QString shortCommit() const { return commitId.left(7); }
    // The status in words ("building", "build failed", ...).
    QString statusText() const;

    // A deploy object, or the {"deploy": {...}, "cursor"} wrapper of a list.
    static std::optional<RenderDeploy> fromJson(const QJsonObject& object);
    QJsonObject toJson() const;
};

// A service as Render's API lists it (what a target is configured with is domain/Target.h's
// RenderService).
struct RenderServiceInfo {
    QString id; // srv-...
    QString name;
    QString branch;
    QString url;
    QString autoDeploy; // "yes" / "no"

    static std::optional<RenderServiceInfo> fromJson(const QJsonObject& object);
};

// What went wrong with a Render request, in words: the ApiError of the one request path.
// retryAtMs is set for 429 and for local refusals while the rate limit window is exhausted.
using RenderError = ApiError;
template <typename T> using RenderResult = ApiResult<T>;

} // namespace ops
