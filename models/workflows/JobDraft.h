#pragma once

#include "models/workflows/WorkflowDecoder.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace ops {

// A job posting to create with POST /v1/jobs (the gateway's JobCreate), checked here first so
// the operator sees the same rules before anything is sent.
struct JobDraft {
    QString title;       // 5-200 characters
    QString description; // 20-5000 characters
    QString requirements;
    QString location;
    QString department;
    QString experienceLevel;
    std::optional<int> salaryMin;
    std::optional<int> salaryMax;

    static constexpr int kTitleMin = 5;
    static constexpr int kTitleMax = 200;
    static constexpr int kDescriptionMin = 20;
    static constexpr int kDescriptionMax = 5000;

    // Empty when the draft may be sent. Field names are the gateway's (title, salary_max ...).
    QList<FieldError> validate() const;
    QJsonObject toJson() const;
};

} // namespace ops
