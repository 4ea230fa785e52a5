#pragma once

#include "models/alerts/AlertRule.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace ops {

struct AlertRulesError {
    int line = 0; // 1-based; 0 when the error is about the file as a whole
    int column = 0;
    QString message;
    QString toString() const; // "line 7, column 14: ..."
};

struct AlertRulesParseResult {
    bool ok = false;
    QList<AlertRule> rules;
    QList<AlertRulesError> errors; // every problem found, in file order
    // All errors, one a line, each prefixed with `source:` when given.
    QString errorString(const QString& source = {}) const;
};

// Reads {"rules": [{...}, ...]} (docs/alert-rules.md). Every error names its line: JSON syntax
// errors where the parser stopped, semantic errors at the offending key (or rule).
AlertRulesParseResult parseAlertRules(const QByteArray& json);
AlertRulesParseResult loadAlertRulesFile(const QString& path);

// The same format back; parseAlertRules(alertRulesToJson(r)).rules == r.
QByteArray alertRulesToJson(const QList<AlertRule>& rules);
bool saveAlertRulesFile(const QString& path, const QList<AlertRule>& rules, QString* error);

// One rule as a JSON object (the store keeps rules this way).
QByteArray alertRuleToJson(const AlertRule& rule);

} // namespace ops
