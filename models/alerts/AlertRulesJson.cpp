#include "models/alerts/AlertRulesJson.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

namespace ops {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("AlertRules", text);
}

// Where things are in the text: the line of each rule object and of each key inside it. A small
// scanner over the (already syntax-checked) JSON; QJsonDocument keeps no positions.
struct Positions {
    int rulesLine = 1;
    QList<int> ruleLine;
    QList<int> ruleColumn;
    QList<QHash<QString, QPair<int, int>>> keys; // key -> line, column of the key
};

Positions scanPositions(const QByteArray& text)
{
    Positions positions;
    QList<char> stack; // '{' or '['
    QString topKey;    // last key read at depth 1
    int line = 1;
    int lineStart = 0;
    QString lastString;
    int lastStringLine = 0;
    int lastStringColumn = 0;
    bool haveString = false;
    for (int i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            lineStart = i + 1;
            continue;
        }
        if (c == '"') {
            const int startLine = line;
            const int startColumn = i - lineStart + 1;
            QByteArray raw;
            ++i;
            while (i < text.size() && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < text.size())
                    raw += text[i++];
                raw += text[i];
                ++i;
            }
            lastString = QJsonDocument::fromJson("[\"" + raw + "\"]").array().at(0).toString();
            lastStringLine = startLine;
            lastStringColumn = startColumn;
            haveString = true;
            continue;
        }
        if (c == ':' && haveString) {
            if (stack.size() == 1) {
                topKey = lastString;
                if (topKey == u"rules")
                    positions.rulesLine = lastStringLine;
            } else if (stack.size() == 3 && stack[0] == '{' && stack[1] == '[' && stack[2] == '{' &&
                       topKey == u"rules" && !positions.keys.isEmpty()) {
                positions.keys.last().insert(lastString, {lastStringLine, lastStringColumn});
            }
            haveString = false;
            continue;
        }
        if (c == '{' || c == '[') {
            if (c == '{' && stack.size() == 2 && stack[0] == '{' && stack[1] == '[' &&
                topKey == u"rules") {
                positions.ruleLine << line;
                positions.ruleColumn << i - lineStart + 1;
                positions.keys.append(QHash<QString, QPair<int, int>>());
            }
            stack.append(c);
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
        }
        if (c != ' ' && c != '\t' && c != '\r')
            haveString = haveString && c == ':';
    }
    return positions;
}

QPair<int, int> lineColumnAt(const QByteArray& text, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

const QSet<QString>& knownKeys()
{
    static const QSet<QString> keys{QStringLiteral("name"),
                                    QStringLiteral("signal"),
                                    QStringLiteral("metric"),
                                    QStringLiteral("matchers"),
                                    QStringLiteral("series_aggregation"),
                                    QStringLiteral("component"),
                                    QStringLiteral("op"),
                                    QStringLiteral("threshold"),
                                    QStringLiteral("recovery_threshold"),
                                    QStringLiteral("aggregation"),
                                    QStringLiteral("window"),
                                    QStringLiteral("for"),
                                    QStringLiteral("keep_firing_for"),
                                    QStringLiteral("severity"),
                                    QStringLiteral("no_data"),
                                    QStringLiteral("on_error"),
                                    QStringLiteral("target"),
                                    QStringLiteral("enabled"),
                                    QStringLiteral("summary")};
    return keys;
}

bool parseMatcher(const QString& text, LabelMatcher* out)
{
    static const QRegularExpression re(
        QStringLiteral(R"re(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$)re"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return false;
    out->name = m.captured(1);
    const QString op = m.captured(2);
    out->op = op == u"="    ? LabelMatcher::Op::Equal
              : op == u"!=" ? LabelMatcher::Op::NotEqual
              : op == u"=~" ? LabelMatcher::Op::Regex
                            : LabelMatcher::Op::NotRegex;
    out->value = m.captured(3);
    if (out->op == LabelMatcher::Op::Regex || out->op == LabelMatcher::Op::NotRegex)
        return QRegularExpression(out->value).isValid();
    return true;
}

class RuleReader {
public:
    RuleReader(const QJsonObject& object, int index, const Positions& positions,
               QList<AlertRulesError>* errors)
        : m_object(object)
        , m_index(index)
        , m_positions(positions)
        , m_errors(errors)
    {
    }

    void fail(const QString& key, const QString& message)
    {
        AlertRulesError error;
        const auto& keys = m_index < m_positions.keys.size() ? m_positions.keys[m_index]
                                                             : QHash<QString, QPair<int, int>>();
        if (!key.isEmpty() && keys.contains(key)) {
            error.line = keys[key].first;
            error.column = keys[key].second;
        } else if (m_index < m_positions.ruleLine.size()) {
            error.line = m_positions.ruleLine[m_index];
            error.column = m_positions.ruleColumn[m_index];
        }
        const QString who =
            m_name.isEmpty() ? tr("rule %1").arg(m_index + 1) : tr("rule \"%1\"").arg(m_name);
        error.message = key.isEmpty() ? who + QStringLiteral(": ") + message
                                      : tr("%1, \"%2\": %3").arg(who, key, message);
        m_errors->append(error);
    }

    bool string(const QString& key, QString* out, bool required = false)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined()) {
            if (required)
                fail(QString(), tr("\"%1\" is missing").arg(key));
            return false;
        }
        if (!value.isString()) {
            fail(key, tr("expected a string"));
            return false;
        }
        *out = value.toString();
        return true;
    }

    bool number(const QString& key, double* out, bool required = false)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined()) {
            if (required)
                fail(QString(), tr("\"%1\" is missing").arg(key));
            return false;
        }
        if (!value.isDouble()) {
            fail(key, tr("expected a number, e.g. 1.0"));
            return false;
        }
        *out = value.toDouble();
        return true;
    }

    void duration(const QString& key, qint64* out)
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return;
        if (!value.isString() || !parseDuration(value.toString(), out))
            fail(key, tr("expected a duration such as \"30s\", \"5m\" or \"1h\""));
    }

    template <typename E, typename F>
    void choice(const QString& key, E* out, F fromName, const QString& allowed)
    {
        QString text;
        if (string(key, &text) && !fromName(text, out))
            fail(key, tr("\"%1\" is not one of %2").arg(text, allowed));
    }

    std::optional<AlertRule> read()
    {
        AlertRule rule;
        const int before = int(m_errors->size());
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            if (!knownKeys().contains(it.key()))
                fail(it.key(), tr("unknown key (see docs/alert-rules.md)"));
        }
        if (string(QStringLiteral("name"), &rule.name, true)) {
            static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_.:-]+$"));
            if (!valid.match(rule.name).hasMatch())
                fail(QStringLiteral("name"),
                     tr("use letters, digits, '_', '.', ':' or '-' (no spaces)"));
            m_name = rule.name;
        }
        if (string(QStringLiteral("signal"), &rule.signal, true) &&
            !AlertSignals::all().contains(rule.signal))
            fail(QStringLiteral("signal"), tr("\"%1\" is not a signal; known signals: %2")
                                               .arg(rule.signal, AlertSignals::all().join(u", ")));
        if (rule.signal == QLatin1String(AlertSignals::Metric)) {
            if (!string(QStringLiteral("metric"), &rule.metric, true) || rule.metric.isEmpty())
                fail(QStringLiteral("metric"), tr("a \"metric\" rule needs a metric name"));
        } else if (m_object.contains(QStringLiteral("metric"))) {
            fail(QStringLiteral("metric"), tr("only rules with \"signal\": \"metric\" take one"));
        }
        const QJsonValue matchers = m_object.value(QStringLiteral("matchers"));
        if (!matchers.isUndefined()) {
            if (!matchers.isArray()) {
                fail(QStringLiteral("matchers"),
                     tr("expected a list such as [\"status=~5..\", \"path=/api\"]"));
            } else {
                for (const QJsonValue& m : matchers.toArray()) {
                    LabelMatcher matcher;
                    if (!m.isString() || !parseMatcher(m.toString(), &matcher))
                        fail(QStringLiteral("matchers"),
                             tr("\"%1\" is not a matcher: label=value, label!=value, "
                                "label=~regex or label!~regex")
                                 .arg(m.toVariant().toString()));
                    else
                        rule.matchers << matcher;
                }
            }
        }
        choice(QStringLiteral("series_aggregation"), &rule.seriesAggregation,
               seriesAggregationFromName, QStringLiteral("sum, avg, max, min, count"));
        string(QStringLiteral("component"), &rule.component);
        choice(QStringLiteral("op"), &rule.op, comparisonFromSymbol,
               QStringLiteral(">, >=, <, <=, ==, !="));
        if (!m_object.contains(QStringLiteral("op")))
            fail(QString(), tr("\"op\" is missing"));
        number(QStringLiteral("threshold"), &rule.threshold, true);
        if (number(QStringLiteral("recovery_threshold"), &rule.recoveryThreshold)) {
            rule.hasRecoveryThreshold = true;
            const bool above =
                rule.op == Comparison::Greater || rule.op == Comparison::GreaterEqual;
            const bool below = rule.op == Comparison::Less || rule.op == Comparison::LessEqual;
            if ((above && rule.recoveryThreshold > rule.threshold) ||
                (below && rule.recoveryThreshold < rule.threshold))
                fail(QStringLiteral("recovery_threshold"),
                     tr("must be on the healthy side of the threshold (%1 %2 fires; recovery "
                        "%3 would resolve while still firing)")
                         .arg(comparisonSymbol(rule.op), QString::number(rule.threshold),
                              QString::number(rule.recoveryThreshold)));
            if (!above && !below)
                fail(QStringLiteral("recovery_threshold"),
                     tr("only rules with >, >=, < or <= take a recovery threshold"));
        }
        choice(QStringLiteral("aggregation"), &rule.aggregation, windowAggregationFromName,
               QStringLiteral("avg, max, min, last, sum, increase"));
        duration(QStringLiteral("window"), &rule.windowMs);
        duration(QStringLiteral("for"), &rule.forMs);
        duration(QStringLiteral("keep_firing_for"), &rule.keepFiringForMs);
        if (rule.aggregation == WindowAggregation::Increase && rule.windowMs == 0)
            fail(QStringLiteral("aggregation"), tr("\"increase\" needs a \"window\""));
        choice(QStringLiteral("severity"), &rule.severity, severityFromName,
               QStringLiteral("info, warning, critical"));
        choice(QStringLiteral("no_data"), &rule.noData, noDataPolicyFromName,
               QStringLiteral("nodata, normal, alerting, keep_last"));
        choice(QStringLiteral("on_error"), &rule.error, errorPolicyFromName,
               QStringLiteral("error, normal, alerting, keep_last"));
        string(QStringLiteral("target"), &rule.target);
        string(QStringLiteral("summary"), &rule.summary);
        const QJsonValue enabled = m_object.value(QStringLiteral("enabled"));
        if (!enabled.isUndefined()) {
            if (!enabled.isBool())
                fail(QStringLiteral("enabled"), tr("expected true or false"));
            rule.enabled = enabled.toBool(true);
        }
        if (m_errors->size() != before)
            return std::nullopt;
        return rule;
    }

private:
    QJsonObject m_object;
    int m_index;
    const Positions& m_positions;
    QList<AlertRulesError>* m_errors;
    QString m_name;
};

QJsonObject ruleObject(const AlertRule& rule)
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), rule.name);
    o.insert(QStringLiteral("signal"), rule.signal);
    if (!rule.metric.isEmpty())
        o.insert(QStringLiteral("metric"), rule.metric);
    if (!rule.matchers.isEmpty()) {
        QJsonArray matchers;
        for (const LabelMatcher& m : rule.matchers)
            matchers.append(m.name + matcherOpSymbol(m.op) + m.value);
        o.insert(QStringLiteral("matchers"), matchers);
    }
    if (rule.signal == QLatin1String(AlertSignals::Metric))
        o.insert(QStringLiteral("series_aggregation"),
                 seriesAggregationName(rule.seriesAggregation));
    if (!rule.component.isEmpty())
        o.insert(QStringLiteral("component"), rule.component);
    o.insert(QStringLiteral("op"), comparisonSymbol(rule.op));
    o.insert(QStringLiteral("threshold"), rule.threshold);
    if (rule.hasRecoveryThreshold)
        o.insert(QStringLiteral("recovery_threshold"), rule.recoveryThreshold);
    o.insert(QStringLiteral("aggregation"), windowAggregationName(rule.aggregation));
    o.insert(QStringLiteral("window"), formatDuration(rule.windowMs));
    o.insert(QStringLiteral("for"), formatDuration(rule.forMs));
    if (rule.keepFiringForMs > 0)
        o.insert(QStringLiteral("keep_firing_for"), formatDuration(rule.keepFiringForMs));
    o.insert(QStringLiteral("severity"), severityName(rule.severity));
    o.insert(QStringLiteral("no_data"), noDataPolicyName(rule.noData));
    o.insert(QStringLiteral("on_error"), errorPolicyName(rule.error));
    if (!rule.target.isEmpty())
        o.insert(QStringLiteral("target"), rule.target);
    if (!rule.enabled)
        o.insert(QStringLiteral("enabled"), false);
    if (!rule.summary.isEmpty())
        o.insert(QStringLiteral("summary"), rule.summary);
    return o;
}

} // namespace

QString AlertRulesError::toString() const
{
    if (line <= 0)
        return message;
    return tr("line %1, column %2: %3").arg(line).arg(column).arg(message);
}

QString AlertRulesParseResult::errorString(const QString& source) const
{
    QStringList lines;
    for (const AlertRulesError& e : errors)
        lines << (source.isEmpty() ? e.toString() : source + QStringLiteral(":") + e.toString());
    return lines.join(u'\n');
}

AlertRulesParseResult parseAlertRules(const QByteArray& json)
{
    AlertRulesParseResult result;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const auto [line, column] = lineColumnAt(json, parseError.offset);
        result.errors << AlertRulesError{line, column,
                                         tr("not valid JSON: %1").arg(parseError.errorString())};
        return result;
    }
    if (!document.isObject() || !document.object().value(QStringLiteral("rules")).isArray()) {
        result.errors << AlertRulesError{
            1, 1, tr("expected an object with a \"rules\" list: {\"rules\": [{...}, ...]}")};
        return result;
    }
    const Positions positions = scanPositions(json);
    const QJsonObject top = document.object();
    for (auto it = top.begin(); it != top.end(); ++it) {
        if (it.key() != u"rules")
            result.errors << AlertRulesError{
                0, 0, tr("unknown top-level key \"%1\" (only \"rules\")").arg(it.key())};
    }
    const QJsonArray rules = top.value(QStringLiteral("rules")).toArray();
    QHash<QString, int> seen;
    for (int i = 0; i < rules.size(); ++i) {
        if (!rules[i].isObject()) {
            result.errors << AlertRulesError{positions.rulesLine, 1,
                                             tr("rule %1 is not an object").arg(i + 1)};
            continue;
        }
        RuleReader reader(rules[i].toObject(), i, positions, &result.errors);
        if (std::optional<AlertRule> rule = reader.read()) {
            const QString key = rule->name + u'\x1f' + rule->target;
            if (seen.contains(key)) {
                reader.fail(QStringLiteral("name"),
                            tr("the name is already used by rule %1").arg(seen[key] + 1));
                continue;
            }
            seen.insert(key, i);
            result.rules << *rule;
        }
    }
    std::stable_sort(
        result.errors.begin(), result.errors.end(),
        [](const AlertRulesError& a, const AlertRulesError& b) { return a.line < b.line; });
    result.ok = result.errors.isEmpty();
    if (!result.ok)
        result.rules.clear();
    return result;
}

AlertRulesParseResult loadAlertRulesFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        AlertRulesParseResult result;
        result.errors << AlertRulesError{0, 0,
                                         tr("cannot read %1: %2").arg(path, file.errorString())};
        return result;
    }
    return parseAlertRules(file.readAll());
}

QByteArray alertRulesToJson(const QList<AlertRule>& rules)
{
    QJsonArray array;
    for (const AlertRule& rule : rules)
        array.append(ruleObject(rule));
    QJsonObject top;
    top.insert(QStringLiteral("rules"), array);
    return QJsonDocument(top).toJson(QJsonDocument::Indented);
}

QByteArray alertRuleToJson(const AlertRule& rule)
{
    return QJsonDocument(ruleObject(rule)).toJson(QJsonDocument::Compact);
}

bool saveAlertRulesFile(const QString& path, const QList<AlertRule>& rules, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(alertRulesToJson(rules)) < 0 ||
        !file.commit()) {
        if (error)
            *error = tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace ops
