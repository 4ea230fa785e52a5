#include "models/health/HealthDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>

namespace ops {

namespace {

// Bounds on what a health body may hold. Flattening builds a path key per leaf, so a long key
// over many leaves multiplies (a 4,000-character key over 150,000 zeros was 1.2 GB). Real
// gateways answer a few dozen leaves, a few levels deep, with short names.
constexpr qsizetype kMaxValues = 5000;     // scalars and containers, all levels
constexpr int kMaxDepth = 32;              // nested objects/arrays
constexpr qsizetype kMaxKeyChars = 256;    // one object key, in bytes of the body
constexpr qsizetype kMaxPathChars = 1024;  // a flattened "a.b.0.c" path
constexpr qsizetype kMaxQuotedChars = 200; // of a body, in any error detail

QString tooComplex(const QString& why)
{
    return QStringLiteral("health body too complex: %1").arg(why);
}

// Counts values, depth and key lengths in one pass over the bytes, before QJsonDocument builds
// anything: the bounds hold without parsing a hostile body into memory first. Empty when the
// body is within them. It only needs to be exact for well-formed JSON; anything else is left to
// the parser's error.
QString complexityProblem(const QByteArray& body)
{
    qsizetype values = 0;
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    qsizetype stringStart = 0;
    bool pendingValue = false; // a scalar started since the last separator
    const qsizetype size = body.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = body.at(i);
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                const qsizetype length = i - stringStart - 1;
                if (length > kMaxKeyChars) {
                    qsizetype next = i + 1;
                    while (next < size && (body.at(next) == ' ' || body.at(next) == '\t' ||
                                           body.at(next) == '\n' || body.at(next) == '\r'))
                        ++next;
                    if (next < size && body.at(next) == ':')
                        return tooComplex(QStringLiteral("a key of %1 characters (at most %2)")
                                              .arg(length)
                                              .arg(kMaxKeyChars));
                }
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            stringStart = i;
            pendingValue = true;
            break;
        case '{':
        case '[':
            if (++depth > kMaxDepth)
                return tooComplex(QStringLiteral("nested deeper than %1 levels").arg(kMaxDepth));
            ++values;
            pendingValue = false;
            break;
        case '}':
        case ']':
            if (pendingValue)
                ++values;
            pendingValue = false;
            --depth;
            break;
        case ',':
            if (pendingValue)
                ++values;
            pendingValue = false;
            break;
        case ':':
            pendingValue = false; // the string before it was a key, not a value
            break;
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            break;
        default:
            pendingValue = true;
            break;
        }
        if (values > kMaxValues)
            return tooComplex(QStringLiteral("more than %1 values").arg(kMaxValues));
    }
    return {};
}

QString scalarText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 15);
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    default:
        return {};
    }
}

bool isScalar(const QJsonValue& value)
{
    return !value.isObject() && !value.isArray() && !value.isUndefined();
}

// Every scalar leaf as "path.to.leaf" = text. The pre-scan bounds the leaves and the depth; the
// path is bounded here too (a long path of short keys), so the total stays small whatever the
// body. False when a bound is passed.
bool flatten(const QJsonValue& value, const QString& prefix, QList<HealthDetail>& out,
             int depth = 0)
{
    if (depth > kMaxDepth || prefix.size() > kMaxPathChars || out.size() >= kMaxValues)
        return false;
    const auto join = [&prefix](const QString& key) {
        return prefix.isEmpty() ? key : prefix + QLatin1Char('.') + key;
    };
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!flatten(it.value(), join(it.key()), out, depth + 1))
                return false;
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!flatten(array.at(i), join(QString::number(i)), out, depth + 1))
                return false;
        }
    } else if (isScalar(value)) {
        out.append({prefix, scalarText(value)});
    }
    return true;
}

// A status field of any type: strings as-is, other scalars as text (an unknown word, so they
// count as degraded), objects/arrays as no word at all.
std::optional<QString> statusWord(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble() || value.isBool() || value.isNull())
        return scalarText(value);
    return std::nullopt;
}

ComponentHealth componentFromValue(const QString& name, const QJsonValue& value)
{
    ComponentHealth component;
    component.name = name;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (const auto word = statusWord(object.value(QLatin1String("status")))) {
            component.rawStatus = *word;
            component.state = healthStateFromWord(*word);
        }
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("status"))
                continue;
            flatten(it.value(), it.key(), component.details);
        }
    } else if (const auto word = statusWord(value)) {
        // modular: "services": {"database": "healthy"}; tolerated in any dialect
        component.rawStatus = *word;
        component.state = healthStateFromWord(*word);
    } else {
        flatten(value, QString(), component.details);
    }
    return component;
}

std::optional<double> numberField(const QJsonObject& object, QLatin1String key)
{
    const QJsonValue value = object.value(key);
    if (value.isDouble())
        return value.toDouble();
    if (value.isString()) {
        bool ok = false;
        const double parsed = value.toString().toDouble(&ok);
        if (ok)
            return parsed;
    }
    return std::nullopt;
}

QString htmlTitle(const QByteArray& body)
{
    static const QRegularExpression title(QStringLiteral("<title[^>]*>(.*?)</title>"),
                                          QRegularExpression::CaseInsensitiveOption |
                                              QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression heading(QStringLiteral("<h1[^>]*>(.*?)</h1>"),
                                            QRegularExpression::CaseInsensitiveOption |
                                                QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    const QString text = QString::fromUtf8(body.left(64 * 1024));
    QRegularExpressionMatch match = title.match(text);
    if (!match.hasMatch())
        match = heading.match(text);
    if (!match.hasMatch())
        return QStringLiteral("(no title)");
    QString found = match.captured(1);
    found.remove(tags);
    found = found.simplified();
    if (found.size() > 120)
        found = found.left(117) + QStringLiteral("...");
    return found.isEmpty() ? QStringLiteral("(no title)") : found;
}

QString snippet(const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(kMaxQuotedChars)).simplified();
    if (text.size() > 80)
        text = text.left(77) + QStringLiteral("...");
    return text;
}

HealthDecodeResult failure(QString error)
{
    HealthDecodeResult result;
    result.ok = false;
    result.error = std::move(error);
    return result;
}

void decodePlan(const QJsonObject& root, HealthSnapshot& snapshot)
{
    snapshot.dialect = Dialect::Plan;
    const QJsonObject components = root.value(QLatin1String("components")).toObject();
    for (auto it = components.begin(); it != components.end(); ++it)
        snapshot.components.append(componentFromValue(it.key(), it.value()));
    const QJsonObject performance = root.value(QLatin1String("performance")).toObject();
    snapshot.avgResponseTimeSeconds = numberField(performance, QLatin1String("avg_response_time"));
}

void decodeModular(const QJsonObject& root, HealthSnapshot& snapshot)
{
    snapshot.dialect = Dialect::Modular;
    const QJsonObject services = root.value(QLatin1String("services")).toObject();
    for (auto it = services.begin(); it != services.end(); ++it)
        snapshot.components.append(componentFromValue(it.key(), it.value()));
}

void decodeMonolith(const QJsonObject& root, HealthSnapshot& snapshot)
{
    snapshot.dialect = Dialect::Monolith;
    for (const QLatin1String name :
         {QLatin1String("system"), QLatin1String("application"), QLatin1String("database")}) {
        const QJsonValue value = root.value(name);
        if (!value.isObject())
            continue;
        ComponentHealth component = componentFromValue(name, value);
        if (!value.toObject().contains(QLatin1String("status"))) {
            // system and application carry no status word: they share the overall status.
            component.state = snapshot.overall;
        }
        snapshot.components.append(component);
    }
    const QJsonObject application = root.value(QLatin1String("application")).toObject();
    snapshot.avgResponseTimeSeconds = numberField(application, QLatin1String("avg_response_time"));
}

} // namespace

HealthDecodeResult decodeHealth(const QByteArray& body)
{
    QByteArray trimmed = body.trimmed();
    if (trimmed.startsWith("\xEF\xBB\xBF"))
        trimmed = trimmed.mid(3).trimmed();
    if (trimmed.isEmpty())
        return failure(QStringLiteral("the gateway answered an empty body"));
    if (trimmed.startsWith('<'))
        return failure(
            QStringLiteral("the gateway answered HTML, not JSON: %1").arg(htmlTitle(trimmed)));

    if (const QString why = complexityProblem(trimmed); !why.isEmpty())
        return failure(why);

    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const char first = trimmed.front();
        if (first != '{' && first != '[') {
            if (first == '"' || first == '-' || (first >= '0' && first <= '9') ||
                trimmed == "true" || trimmed == "false" || trimmed == "null")
                return failure(QStringLiteral("expected a JSON object, the gateway answered a "
                                              "scalar: %1")
                                   .arg(snippet(trimmed)));
            return failure(
                QStringLiteral("the gateway answered text, not JSON: %1").arg(snippet(trimmed)));
        }
        const bool truncated = parseError.offset >= trimmed.size() - 1 ||
                               parseError.error == QJsonParseError::UnterminatedObject ||
                               parseError.error == QJsonParseError::UnterminatedArray ||
                               parseError.error == QJsonParseError::UnterminatedString;
        return failure(
            QStringLiteral("%1 (%2 at offset %3 of %4 bytes)")
                .arg(truncated ? QStringLiteral("truncated JSON") : QStringLiteral("invalid JSON"),
                     parseError.errorString())
                .arg(parseError.offset)
                .arg(trimmed.size()));
    }
    if (!document.isObject())
        return failure(QStringLiteral("expected a JSON object, the gateway answered an array"));

    const QJsonObject root = document.object();
    HealthDecodeResult result;
    result.ok = true;
    HealthSnapshot& snapshot = result.snapshot;
    if (!flatten(root, QString(), snapshot.flattened))
        return failure(tooComplex(
            QStringLiteral("a field path longer than %1 characters").arg(kMaxPathChars)));

    const auto overallWord = statusWord(root.value(QLatin1String("status")));
    if (overallWord) {
        snapshot.overallRaw = *overallWord;
        snapshot.overall = healthStateFromWord(*overallWord);
    }
    const QJsonValue version = root.value(QLatin1String("version"));
    if (version.isString() || version.isDouble())
        snapshot.version = scalarText(version);

    if (root.value(QLatin1String("components")).isObject())
        decodePlan(root, snapshot);
    else if (root.value(QLatin1String("services")).isObject())
        decodeModular(root, snapshot);
    else if (root.value(QLatin1String("system")).isObject() ||
             root.value(QLatin1String("application")).isObject())
        decodeMonolith(root, snapshot);

    if (!overallWord && !snapshot.components.isEmpty()) {
        // No overall word: the gateway is as healthy as its worst component.
        snapshot.overall = HealthState::Healthy;
        snapshot.overall = snapshot.worst();
    }
    return result;
}

} // namespace ops
