#include "models/workflows/JobDraft.h"

#include <QCoreApplication>

namespace ops {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::JobDraft", text);
}

} // namespace

QList<FieldError> JobDraft::validate() const
{
    QList<FieldError> errors;
    auto checkLength = [&](const QString& field, const QString& value, int minLen, int maxLen) {
        if (value.trimmed().isEmpty())
            errors.append({field, tr("Field required")});
        else if (value.size() < minLen)
            errors.append({field, tr("Should have at least %1 characters").arg(minLen)});
        else if (value.size() > maxLen)
            errors.append({field, tr("Should have at most %1 characters").arg(maxLen)});
    };
    checkLength(QStringLiteral("title"), title, kTitleMin, kTitleMax);
    checkLength(QStringLiteral("description"), description, kDescriptionMin, kDescriptionMax);
    if (salaryMin && *salaryMin < 0)
        errors.append({QStringLiteral("salary_min"), tr("Should not be negative")});
    if (salaryMax && *salaryMax < 0)
        errors.append({QStringLiteral("salary_max"), tr("Should not be negative")});
    if (salaryMin && salaryMax && *salaryMin > *salaryMax)
        errors.append({QStringLiteral("salary_max"), tr("Should not be below salary_min")});
    return errors;
}

QJsonObject JobDraft::toJson() const
{
    QJsonObject o{{QStringLiteral("title"), title}, {QStringLiteral("description"), description}};
    auto addText = [&](const char* key, const QString& value) {
        if (!value.trimmed().isEmpty())
            o.insert(QLatin1String(key), value.trimmed());
    };
    addText("requirements", requirements);
    addText("location", location);
    addText("department", department);
    addText("experience_level", experienceLevel);
    if (salaryMin)
        o.insert(QStringLiteral("salary_min"), *salaryMin);
    if (salaryMax)
        o.insert(QStringLiteral("salary_max"), *salaryMax);
    return o;
}

} // namespace ops
