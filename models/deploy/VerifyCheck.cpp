#include "models/deploy/VerifyCheck.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ops::VerifyCheck", text);
}

std::optional<QJsonValue> lookUp(const QJsonValue& root, const QString& dotted)
{
    QJsonValue v = root;
    for (const QString& part : dotted.split(QLatin1Char('.'), Qt::SkipEmptyParts)) {
        bool isIndex = false;
        const int index = part.toInt(&isIndex);
        if (v.isArray() && isIndex) {
            const QJsonArray a = v.toArray();
            if (index < 0 || index >= a.size()) {
                return std::nullopt;
            }
            v = a.at(index);
        } else if (v.isObject() && v.toObject().contains(part)) {
            v = v.toObject().value(part);
        } else {
            return std::nullopt;
        }
    }
    return v;
}

QString show(const QJsonValue& v)
{
    if (v.isString()) {
        return QLatin1Char('"') + v.toString() + QLatin1Char('"');
    }
    if (v.isDouble()) {
        return QString::number(v.toDouble());
    }
    if (v.isBool()) {
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    }
    if (v.isNull()) {
        return QStringLiteral("null");
    }
    const QJsonDocument d = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    return QString::fromUtf8(d.toJson(QJsonDocument::Compact)).left(80);
}

} // namespace

QString VerifyCheck::expectationText() const
{
    QStringList parts;
    parts << (expectStatus ? QStringLiteral("HTTP %1").arg(expectStatus)
                           : QStringLiteral("HTTP 2xx"));
    for (const auto& [key, value] : expectJson) {
        parts << QStringLiteral("%1 = %2").arg(key, show(value));
    }
    for (const QString& key : expectKeys) {
        parts << tr("has %1").arg(key);
    }
    return parts.join(QStringLiteral(", "));
}

QString VerifyCheck::evaluate(int status, const QByteArray& body) const
{
    const bool statusOk = expectStatus ? status == expectStatus : (status >= 200 && status < 300);
    if (!statusOk) {
        return tr("answered HTTP %1, expected %2")
            .arg(status)
            .arg(expectStatus ? QString::number(expectStatus) : QStringLiteral("2xx"));
    }
    if (expectJson.isEmpty() && expectKeys.isEmpty()) {
        return {};
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        return tr("the answer is not JSON (%1)").arg(err.errorString());
    }
    const QJsonValue root = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    QStringList problems;
    for (const auto& [key, expected] : expectJson) {
        const auto actual = lookUp(root, key);
        if (!actual) {
            problems << tr("%1 is missing (expected %2)").arg(key, show(expected));
        } else if (*actual != expected) {
            problems << tr("%1 is %2, expected %3").arg(key, show(*actual), show(expected));
        }
    }
    for (const QString& key : expectKeys) {
        if (!lookUp(root, key)) {
            problems << tr("%1 is missing").arg(key);
        }
    }
    return problems.join(QStringLiteral("; "));
}

QList<VerifyCheck> VerifyCheck::planDefaults()
{
    QList<VerifyCheck> checks;
    VerifyCheck modules;
    modules.name = tr("Modules: 6 modules, 180+ endpoints");
    modules.path = QStringLiteral("/system/modules");
    modules.expectJson = {{QStringLiteral("total_modules"), QJsonValue(6)},
                          {QStringLiteral("total_endpoints"), QJsonValue(QStringLiteral("180+"))}};
    checks << modules;
    VerifyCheck arch;
    arch.name = tr("Architecture: modular microservices");
    arch.path = QStringLiteral("/system/architecture");
    arch.expectJson = {
        {QStringLiteral("architecture.type"), QJsonValue(QStringLiteral("modular_microservices"))}};
    checks << arch;
    VerifyCheck health;
    health.name = tr("Health answers");
    health.path = QStringLiteral("/health");
    health.expectKeys = {QStringLiteral("status")};
    checks << health;
    VerifyCheck jobs;
    jobs.name = tr("Jobs API answers");
    jobs.path = QStringLiteral("/v1/jobs");
    jobs.expectKeys = {QStringLiteral("jobs")};
    checks << jobs;
    VerifyCheck rate;
    rate.name = tr("Rate-limit status answers");
    rate.path = QStringLiteral("/v1/auth/security/rate-limit-status");
    rate.expectKeys = {QStringLiteral("rate_limit")};
    checks << rate;
    return checks;
}

std::optional<QList<VerifyCheck>> VerifyCheck::listFromJson(const QByteArray& json, QString* error)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        *error = tr("the checklist is not valid JSON: %1 at offset %2")
                     .arg(err.errorString())
                     .arg(err.offset);
        return std::nullopt;
    }
    if (!doc.isArray()) {
        *error = tr("the checklist must be a JSON array of checks");
        return std::nullopt;
    }
    QList<VerifyCheck> checks;
    int n = 0;
    for (const QJsonValue& v : doc.array()) {
        ++n;
        const QJsonObject o = v.toObject();
        VerifyCheck c;
        c.path = o.value(QStringLiteral("path")).toString();
        if (!c.path.startsWith(QLatin1Char('/'))) {
            *error = tr("check %1 needs a \"path\" starting with /").arg(n);
            return std::nullopt;
        }
        c.name = o.value(QStringLiteral("name")).toString(c.path);
        const QJsonObject expect = o.value(QStringLiteral("expect")).toObject();
        const QJsonValue status = expect.value(QStringLiteral("status"));
        if (status.isDouble()) {
            c.expectStatus = status.toInt();
        } else if (!status.isUndefined() && status.toString() != QLatin1String("2xx")) {
            *error = tr("check %1: \"status\" is a number or \"2xx\"").arg(n);
            return std::nullopt;
        }
        const QJsonObject json = expect.value(QStringLiteral("json")).toObject();
        for (auto it = json.begin(); it != json.end(); ++it) {
            c.expectJson << qMakePair(it.key(), it.value());
        }
        for (const QJsonValue& k : expect.value(QStringLiteral("keys")).toArray()) {
            c.expectKeys << k.toString();
        }
        checks << c;
    }
    return checks;
}

QByteArray VerifyCheck::listToJson(const QList<VerifyCheck>& checks)
{
    QJsonArray list;
    for (const VerifyCheck& c : checks) {
        QJsonObject expect;
        expect.insert(QStringLiteral("status"), c.expectStatus ? QJsonValue(c.expectStatus)
                                                               : QJsonValue(QStringLiteral("2xx")));
        if (!c.expectJson.isEmpty()) {
            QJsonObject json;
            for (const auto& [key, value] : c.expectJson) {
                json.insert(key, value);
            }
            expect.insert(QStringLiteral("json"), json);
        }
        if (!c.expectKeys.isEmpty()) {
            expect.insert(QStringLiteral("keys"), QJsonArray::fromStringList(c.expectKeys));
        }
        list.append(QJsonObject{{QStringLiteral("name"), c.name},
                                {QStringLiteral("path"), c.path},
                                {QStringLiteral("expect"), expect}});
    }
    return QJsonDocument(list).toJson(QJsonDocument::Indented);
}

} // namespace ops
